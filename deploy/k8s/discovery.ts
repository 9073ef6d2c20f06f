/**
 * Which APIs a stage needs from the cluster, and which operator provides each. The needed set is
 * read from the manifest (every apiVersion and kind in it), not from a fixed list, so a stage that
 * adds an operator's resource is checked without touching this file. Operator names and versions
 * come from the vendored CRD files' names (data/k8s/crds/<operator>_<version>_...).
 */
import * as fs from 'fs';
import * as path from 'path';
import { apiGroup, describeObject, KubeObject } from './objects';

export interface ServedResource {
  readonly name: string;
  readonly apiVersion: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

/**
 * Parses `kubectl api-resources` (the default table). Columns are located by the header, since an
 * empty SHORTNAMES cell is just spaces.
 */
export function parseApiResources(table: string): ServedResource[] {
  const lines = table.split('\n').filter((l) => l.trim());
  const header = lines.shift() ?? '';
  const columns = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'].map((c) => header.search(new RegExp(`\\b${c}\\b`)));
  if (columns.some((c) => c < 0)) throw new Error(`unexpected kubectl api-resources header: ${header}`);
  const cell = (line: string, i: number) => line.slice(columns[i], i + 1 < columns.length ? columns[i + 1] : undefined).trim().split(/\s+/)[0] ?? '';
  return lines.map((line) => ({ name: cell(line, 0), apiVersion: cell(line, 2), namespaced: cell(line, 3) === 'true', kind: cell(line, 4) }));
}

export interface RequiredApi {
  readonly apiVersion: string;
  readonly kind: string;
  /** The objects that need it (for the message). */
  readonly usedBy: string[];
}

export function requiredApis(objects: readonly KubeObject[]): RequiredApi[] {
  const byKey = new Map<string, RequiredApi>();
  for (const kubeObject of objects) {
    const key = `${kubeObject.apiVersion} ${kubeObject.kind}`;
    const entry = byKey.get(key) ?? { apiVersion: kubeObject.apiVersion, kind: kubeObject.kind, usedBy: [] };
    entry.usedBy.push(describeObject(kubeObject));
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

export interface OperatorInfo {
  /** As in the vendored file names: cnpg, strimzi, keda, prometheus-operator, ot-redis-operator, stackgres. */
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly install: string;
}

const OPERATOR_TITLES: Record<string, { title: string; install: (v: string) => string }> = {
  cnpg: { title: 'CloudNativePG', install: (v) => `kubectl apply --server-side -f https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/release-${v.split('.').slice(0, 2).join('.')}/releases/cnpg-${v}.yaml` },
  strimzi: { title: 'Strimzi', install: (v) => `kubectl create namespace kafka && kubectl apply -n kafka -f https://github.com/strimzi/strimzi-kafka-operator/releases/download/${v}/strimzi-cluster-operator-${v}.yaml (set STRIMZI_NAMESPACE to watch your product namespace)` },
  keda: { title: 'KEDA', install: (v) => `kubectl apply --server-side -f https://github.com/kedacore/keda/releases/download/v${v}/keda-${v}.yaml` },
  'prometheus-operator': { title: 'prometheus-operator', install: (v) => `kubectl create -f https://github.com/prometheus-operator/prometheus-operator/releases/download/v${v}/bundle.yaml (or kube-prometheus-stack shipping it)` },
  'ot-redis-operator': { title: 'OT-Container-Kit redis-operator', install: (v) => `helm repo add ot-helm https://ot-container-kit.github.io/helm-charts/ && helm install redis-operator ot-helm/redis-operator -n redis-operator --create-namespace (a chart release shipping operator v${v})` },
  stackgres: { title: 'StackGres', install: (v) => `helm repo add stackgres-charts https://stackgres.io/downloads/stackgres-k8s/stackgres/helm/ && helm install stackgres-operator stackgres-charts/stackgres-operator --version ${v} -n stackgres --create-namespace` },
};

const CRD_DIR = path.join(__dirname, '..', '..', 'data', 'k8s', 'crds');

let catalog: Map<string, OperatorInfo> | undefined;
/** API group -> the operator (and version) whose CRDs stagekit renders against. */
export function operatorCatalog(): Map<string, OperatorInfo> {
  if (catalog) return catalog;
  catalog = new Map();
  for (const file of fs.existsSync(CRD_DIR) ? fs.readdirSync(CRD_DIR).sort() : []) {
    const match = /^([a-z-]+)_v?(\d+\.\d+\.\d+)_/.exec(file);
    if (!match) continue;
    // spec.group sits within the first lines of every vendored CRD; no need to parse megabytes of schema.
    const head = readHead(path.join(CRD_DIR, file), 4096);
    const group = /^\s+group:\s*(\S+)/m.exec(head)?.[1];
    if (!group || catalog.has(group)) continue;
    const known = OPERATOR_TITLES[match[1]];
    catalog.set(group, { id: match[1], title: known?.title ?? match[1], version: match[2], install: known ? known.install(match[2]) : `install ${match[1]} ${match[2]}` });
  }
  return catalog;
}

function readHead(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export interface MissingApi extends RequiredApi {
  /** Versions of the same group the cluster does serve (an operator too old or too new). */
  readonly servedVersions: string[];
  readonly operator?: OperatorInfo;
}

export function missingApis(required: readonly RequiredApi[], served: readonly ServedResource[]): MissingApi[] {
  const servedKinds = new Set(served.map((r) => `${r.apiVersion} ${r.kind}`));
  return required
    .filter((r) => !servedKinds.has(`${r.apiVersion} ${r.kind}`))
    .map((requiredApi) => {
      const group = apiGroup(requiredApi.apiVersion);
      const servedVersions = [...new Set(served.filter((s) => apiGroup(s.apiVersion) === group && s.kind === requiredApi.kind).map((s) => s.apiVersion))];
      return { ...requiredApi, servedVersions, operator: operatorCatalog().get(group) };
    });
}

/** One paragraph per missing API, saying which operator (and version) to install or upgrade. */
export function describeMissingApis(missing: readonly MissingApi[]): string {
  const byOperator = new Map<string, MissingApi[]>();
  for (const missingApi of missing) {
    const key = missingApi.operator?.id ?? apiGroup(missingApi.apiVersion);
    byOperator.set(key, [...(byOperator.get(key) ?? []), missingApi]);
  }
  const lines: string[] = [];
  for (const items of byOperator.values()) {
    const op = items[0].operator;
    const apis = items.map((m) => `${m.apiVersion} ${m.kind}${m.servedVersions.length ? ` (the cluster serves only ${m.servedVersions.join(', ')})` : ''}`).join(', ');
    const users = [...new Set(items.flatMap((m) => m.usedBy))];
    const usedBy = `${users.slice(0, 3).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}`;
    if (op) {
      const verb = items.some((m) => m.servedVersions.length) ? 'upgrade' : 'install';
      lines.push(`- ${op.title} ${op.version}: the cluster does not serve ${apis}, needed by ${usedBy}. To ${verb}: ${op.install}`);
    } else {
      lines.push(`- the cluster does not serve ${apis}, needed by ${usedBy}; install the operator or enable the API that provides it.`);
    }
  }
  return lines.join('\n');
}
