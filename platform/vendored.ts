/**
 * Reads the vendored release manifests (data/platform/<add-on>/), parsed once per process.
 * Provenance of every file: data/platform/SOURCES.md.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import type { KubeObject } from '../core/rendering';

export const PLATFORM_DATA = path.join(__dirname, '..', 'data', 'platform');

const parsed = new Map<string, KubeObject[]>();

/**
 * Every object of the vendored files of `addon` (in file-name order), copied so callers may adapt them; a
 * CustomResourceDefinition's schemas (spec.versions) excepted, which are shared and frozen (see copyForAdapting).
 */
export function vendoredObjects(addon: string, files?: readonly string[]): KubeObject[] {
  const dir = path.join(PLATFORM_DATA, addon);
  const names = files ?? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: KubeObject[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let objects = parsed.get(file);
    if (!objects) {
      objects = parseCached(file);
      for (const kubeObject of objects) if (kubeObject.kind === 'CustomResourceDefinition') deepFreeze(kubeObject.spec?.versions);
      parsed.set(file, objects);
    }
    out.push(...objects.map(copyForAdapting));
  }
  return out;
}

/**
 * A copy callers may adapt. A CustomResourceDefinition's schemas (spec.versions, about two thirds of the
 * 8 MB) are installed verbatim, so they are shared, frozen, instead of copied on every render: a copy took
 * 0.1 s per platform render, and the cost ladder renders the platform for every stage and provider.
 */
function copyForAdapting(kubeObject: KubeObject): KubeObject {
  if (kubeObject.kind !== 'CustomResourceDefinition' || !Array.isArray(kubeObject.spec?.versions)) return structuredClone(kubeObject);
  const { spec, ...rest } = kubeObject;
  const { versions, ...specRest } = spec;
  return { ...structuredClone(rest), spec: { ...structuredClone(specRest), versions } } as KubeObject;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'APIService', 'StorageClass', 'CSIDriver', 'PriorityClass', 'IngressClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

export function isClusterScoped(kubeObject: KubeObject): boolean {
  return CLUSTER_SCOPED.has(kubeObject.kind);
}

/**
 * Moves an upstream manifest into `to`: namespaced objects, ServiceAccount subjects of bindings,
 * webhook and APIService service references, and cert-manager DNS names / injection annotations that
 * name `from`. Upstream Namespace objects are dropped (the builder renders each namespace with its
 * Pod Security labels).
 */
export function moveNamespace(objects: KubeObject[], from: readonly string[], to: string): KubeObject[] {
  const moved = (ns: unknown) => typeof ns === 'string' && (from.includes(ns) || ns === to);
  return objects
    .filter((o) => o.kind !== 'Namespace')
    .map((kubeObject) => {
      if (!isClusterScoped(kubeObject) && (kubeObject.metadata.namespace === undefined || moved(kubeObject.metadata.namespace))) kubeObject.metadata.namespace = to;
      for (const subject of kubeObject.subjects ?? []) if (subject.kind === 'ServiceAccount' && moved(subject.namespace)) subject.namespace = to;
      for (const webhook of kubeObject.webhooks ?? []) if (moved(webhook.clientConfig?.service?.namespace)) webhook.clientConfig.service.namespace = to;
      if (moved(kubeObject.spec?.service?.namespace)) kubeObject.spec.service.namespace = to;
      const inject = kubeObject.metadata.annotations?.['cert-manager.io/inject-ca-from'];
      if (typeof inject === 'string') {
        const [ns, name] = inject.split('/');
        if (moved(ns)) kubeObject.metadata.annotations['cert-manager.io/inject-ca-from'] = `${to}/${name}`;
      }
      if (kubeObject.kind === 'Certificate' && Array.isArray(kubeObject.spec?.dnsNames)) {
        kubeObject.spec.dnsNames = kubeObject.spec.dnsNames.map((d: string) => from.reduce((acc, f) => acc.replace(`.${f}.svc`, `.${to}.svc`), d));
      }
      return kubeObject;
    });
}

/** The pod template of a workload object, if it has one. */
export function podSpecOf(kubeObject: KubeObject): any | undefined {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(kubeObject.kind)) return kubeObject.spec?.template?.spec;
  if (kubeObject.kind === 'CronJob') return kubeObject.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

export function setImage(objects: KubeObject[], from: RegExp, to: string): number {
  let replaced = 0;
  for (const kubeObject of objects) {
    const spec = podSpecOf(kubeObject);
    for (const containerSpec of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      if (from.test(containerSpec.image)) {
        containerSpec.image = to;
        replaced++;
      }
    }
  }
  return replaced;
}

/**
 * Where parsed manifests are kept: the node_modules folder stagekit's dependencies were installed into
 * (where yaml is: a checkout's own, or the user's project's when installed), as find-cache-dir does, else
 * the temp folder. One place whether stagekit runs from source, from dist/ or as an installed package.
 */
function cacheDirs(): string[] {
  const dirs = [path.join(os.tmpdir(), 'stagekit-platform-cache')];
  try {
    dirs.unshift(path.join(path.dirname(path.dirname(require.resolve('yaml/package.json'))), '.cache', 'stagekit-platform'));
  } catch {
    // yaml resolved in an unusual layout: the temp folder only
  }
  return dirs;
}

/**
 * Parsing the vendored YAML (about 8 MB) takes seconds; its JSON form loads in milliseconds. The JSON is
 * kept in a cache folder (cacheDirs), keyed by the file's sha256, so a changed file is parsed again.
 * Failing to cache only costs time.
 */
function parseCached(file: string): KubeObject[] {
  const text = fs.readFileSync(file);
  const key = crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
  const dirs = cacheDirs();
  for (const dir of dirs) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8'));
    } catch {
      // not cached there
    }
  }
  const objects = YAML.parseAllDocuments(text.toString('utf8'), { uniqueKeys: false })
    .map((d) => d.toJS({ maxAliasCount: -1 }))
    .filter((o): o is KubeObject => Boolean(o && typeof o === 'object' && o.kind));
  for (const dir of dirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const temporary = path.join(dir, `${key}.${process.pid}.tmp`);
      fs.writeFileSync(temporary, JSON.stringify(objects));
      fs.renameSync(temporary, path.join(dir, `${key}.json`));
      break;
    } catch {
      // read-only: try the next place
    }
  }
  return objects;
}
