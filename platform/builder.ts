/**
 * Composes add-ons into one platform, in the style of EKS Blueprints (`new PlatformBuilder().addOns(...)`):
 * orders them by their dependencies, renders each, and emits one Namespace per add-on namespace
 * labelled with the Pod Security level it enforces (kube-system is left as Kubernetes made it).
 */
import type { Plan } from '../core/plan';
import type { KubeObject } from '../core/rendering';
import { barmanCloud, certManager, cloudNativePg, hcloudCcm, hcloudCsi, ingressNginx, keda, kubeStateMetrics, prometheusOperator, redisOperator, strimzi } from './addons/operators';
import { logs } from './addons/logs';
import { monitoring } from './addons/monitoring';
import { NamespaceSpec, PLATFORM_LABELS, PlatformAddOn, PlatformCluster, PlatformContext, PlatformSecret, SmtpSettings } from './types';

export interface RenderedAddOn {
  readonly addon: PlatformAddOn;
  readonly objects: KubeObject[];
}

export interface Platform {
  readonly cluster: PlatformCluster;
  readonly addons: RenderedAddOn[];
  readonly namespaces: NamespaceSpec[];
  /** Namespaces first, then every add-on's objects in dependency order. */
  readonly objects: KubeObject[];
  readonly warnings: string[];
  readonly secrets: PlatformSecret[];
}

/** Namespaces Kubernetes (or k3s) creates and configures itself: never rendered or relabelled. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'default']);

export const ADDON_LABEL = 'stagekit.dev/addon';

export class PlatformBuilder {
  private readonly list: PlatformAddOn[] = [];

  addOns(...addons: PlatformAddOn[]): this {
    for (const addon of addons) {
      if (this.list.some((x) => x.id === addon.id)) throw new Error(`add-on ${addon.id} added twice`);
      this.list.push(addon);
    }
    return this;
  }

  ids(): string[] {
    return this.list.map((a) => a.id);
  }

  /** Add-ons in an order where each comes after those it depends on (stable otherwise). */
  ordered(): PlatformAddOn[] {
    const byId = new Map(this.list.map((a) => [a.id, a]));
    const done = new Set<string>();
    const out: PlatformAddOn[] = [];
    const visit = (addon: PlatformAddOn, path: string[]) => {
      if (done.has(addon.id)) return;
      if (path.includes(addon.id)) throw new Error(`add-on dependency cycle: ${[...path, addon.id].join(' -> ')}`);
      for (const dep of addon.dependsOn ?? []) {
        const dependency = byId.get(dep);
        if (!dependency) throw new Error(`add-on ${addon.id} needs ${dep}, which is not in the platform`);
        visit(dependency, [...path, addon.id]);
      }
      done.add(addon.id);
      out.push(addon);
    };
    for (const addon of this.list) visit(addon, []);
    return out;
  }

  build(context: PlatformContext): Platform {
    const rendered: RenderedAddOn[] = [];
    const warnings: string[] = [];
    const secrets: PlatformSecret[] = [];
    const namespaces = new Map<string, NamespaceSpec>();
    for (const addon of this.ordered()) {
      const output = addon.render(context);
      for (const kubeObject of output.objects) kubeObject.metadata.labels = { ...(kubeObject.metadata.labels ?? {}), [ADDON_LABEL]: addon.id };
      rendered.push({ addon, objects: output.objects });
      warnings.push(...(output.warnings ?? []).map((w) => `${addon.title}: ${w}`));
      secrets.push(...(output.secrets ?? []));
      if (addon.runtimeCreated?.some((r) => !addon.namespaces.some((n) => n.name === r.namespace))) throw new Error(`add-on ${addon.id}: a runtime-created object outside its namespaces`);
      for (const ns of addon.namespaces) {
        if (ns.podSecurity !== 'restricted' && !ns.exception) throw new Error(`add-on ${addon.id}: namespace ${ns.name} is ${ns.podSecurity} without a stated exception`);
        const seen = namespaces.get(ns.name);
        if (!seen || rank(ns.podSecurity) > rank(seen.podSecurity)) namespaces.set(ns.name, seen?.exception && !ns.exception ? { ...ns, exception: seen.exception } : ns);
      }
    }
    const namespaceObjects: KubeObject[] = [...namespaces.values()]
      .filter((ns) => !SYSTEM_NAMESPACES.has(ns.name))
      .map((ns) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns.name,
          labels: {
            ...PLATFORM_LABELS,
            'pod-security.kubernetes.io/enforce': ns.podSecurity,
            'pod-security.kubernetes.io/enforce-version': 'v1.30',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
          ...(ns.exception ? { annotations: { 'stagekit.dev/pod-security-exception': ns.exception } } : {}),
        },
      }));
    checkDeclaredDependencies(rendered);
    return {
      cluster: context.cluster,
      addons: rendered,
      namespaces: [...namespaces.values()],
      objects: [...namespaceObjects, ...rendered.flatMap((r) => r.objects)],
      warnings,
      secrets,
    };
  }
}

function rank(level: NamespaceSpec['podSecurity']): number {
  return level === 'restricted' ? 0 : level === 'baseline' ? 1 : 2;
}

/** The add-ons a cluster of this kind gets (Hetzner adds the cloud controller manager and CSI driver). */
export function defaultPlatformBuilder(cluster: PlatformCluster): PlatformBuilder {
  const builder = new PlatformBuilder();
  if (cluster === 'hcloud') builder.addOns(hcloudCcm, hcloudCsi);
  return builder.addOns(certManager, cloudNativePg, barmanCloud, strimzi, keda, prometheusOperator, kubeStateMetrics, redisOperator, ingressNginx, monitoring, logs);
}

export interface PlatformOptions {
  readonly cluster: PlatformCluster;
  readonly singleNode?: boolean;
  readonly smtp?: SmtpSettings;
}

/** The SMTP relay for alerts from the environment (STAGEKIT_SMTP_SMARTHOST, _FROM, _USERNAME), if given. */
export function smtpFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  if (!env.STAGEKIT_SMTP_SMARTHOST || !env.STAGEKIT_SMTP_FROM) return undefined;
  return { smarthost: env.STAGEKIT_SMTP_SMARTHOST, from: env.STAGEKIT_SMTP_FROM, username: env.STAGEKIT_SMTP_USERNAME || undefined };
}

/** The platform a stage of this plan needs. */
export function renderPlatform(plan: Plan, options: PlatformOptions): Platform {
  return defaultPlatformBuilder(options.cluster).build({ plan, cluster: options.cluster, singleNode: options.singleNode ?? plan.zones <= 1, smtp: options.smtp });
}

// ---------------------------------------------------------------------------------------------
// Apply order

/** A built-in Kubernetes API (core, apps, *.k8s.io): served by the API server, not by an add-on. */
export function isBuiltInApi(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return !group.includes('.') || group.endsWith('.k8s.io');
}

function groupOf(apiVersion: string): string {
  return apiVersion.split('/')[0];
}

/** Which add-on serves each API group: the one whose rendering holds the group's CRDs (or whose detected API it is). */
export function apiServers(addons: readonly RenderedAddOn[]): Map<string, string> {
  const servers = new Map<string, string>();
  for (const { addon, objects } of addons) {
    for (const crd of objects.filter((o) => o.kind === 'CustomResourceDefinition')) servers.set(crd.spec.group, addon.id);
    if (!isBuiltInApi(addon.detect.apiVersion) && !servers.has(groupOf(addon.detect.apiVersion))) servers.set(groupOf(addon.detect.apiVersion), addon.id);
  }
  return servers;
}

/**
 * Every custom resource an add-on renders is served by itself or by an add-on it declares in dependsOn: the
 * dependency is what orders the install (a Certificate needs cert-manager's webhook up before it is applied).
 */
function checkDeclaredDependencies(addons: readonly RenderedAddOn[]): void {
  const servers = apiServers(addons);
  for (const { addon, objects } of addons) {
    for (const kubeObject of objects) {
      if (isBuiltInApi(kubeObject.apiVersion) || kubeObject.kind === 'CustomResourceDefinition') continue;
      const server = servers.get(groupOf(kubeObject.apiVersion));
      if (!server) throw new Error(`add-on ${addon.id} renders ${kubeObject.kind} ${kubeObject.metadata.name} (${kubeObject.apiVersion}), an API no add-on of the platform serves`);
      if (server !== addon.id && !(addon.dependsOn ?? []).includes(server)) {
        throw new Error(`add-on ${addon.id} renders ${kubeObject.kind} ${kubeObject.metadata.name} (${kubeObject.apiVersion}, served by ${server}) without declaring dependsOn: ['${server}']`);
      }
    }
  }
}

/** A condition the install waits for before the next phase (kubectl wait arguments, without the timeout). */
export interface PlatformWait {
  readonly what: string;
  readonly args: readonly string[];
}

export interface PlatformPhase {
  /** definitions, then per dependency level N: prerequisites-N, workloads-N, resources-N (empty ones left out). */
  readonly phase: string;
  readonly title: string;
  readonly objects: KubeObject[];
  readonly waits: readonly PlatformWait[];
}

function selector(ids: readonly string[]): string {
  return ids.length === 1 ? `${ADDON_LABEL}=${ids[0]}` : `${ADDON_LABEL} in (${ids.join(',')})`;
}

function addonIdOf(kubeObject: KubeObject): string | undefined {
  return kubeObject.metadata.labels?.[ADDON_LABEL];
}

/** Waits for the objects of `kind` among `objects`, one per namespace, selected by the add-on label. */
function waitsFor(objects: readonly KubeObject[], kind: string, resource: string, condition: string, what: string): PlatformWait[] {
  const byNamespace = new Map<string, Set<string>>();
  for (const kubeObject of objects.filter((o) => o.kind === kind)) {
    const namespace = kubeObject.metadata.namespace ?? 'default';
    byNamespace.set(namespace, (byNamespace.get(namespace) ?? new Set()).add(addonIdOf(kubeObject)!));
  }
  return [...byNamespace].map(([namespace, ids]) => ({ what: `${what} in ${namespace}`, args: ['wait', `--for=condition=${condition}`, resource, '-n', namespace, '-l', selector([...ids])] }));
}

/**
 * The install order, from the add-ons' declared dependencies. First every namespace and CRD (waiting until the
 * CRDs are established). Then, level by level (an add-on's level is one more than its deepest dependency's):
 * `prerequisites` — the custom resources the level's add-ons need from add-ons already running (cert-manager
 * Issuers and Certificates, waited for until Ready so their Secrets exist); `workloads` — RBAC, Services, webhooks
 * and the Deployments, waited for until Available; `resources` — the custom resources the level's own operators
 * serve. `only`: the add-ons to install (the others are taken as running already).
 */
export function platformPhases(platform: Pick<Platform, 'objects' | 'addons'>, only?: readonly string[]): PlatformPhase[] {
  const installing = platform.addons.filter((a) => !only || only.includes(a.addon.id));
  const servers = apiServers(platform.addons);
  const byId = new Map(platform.addons.map((a) => [a.addon.id, a.addon]));
  const levels = new Map<string, number>();
  const levelOf = (id: string): number => {
    const known = levels.get(id);
    if (known !== undefined) return known;
    const level = Math.max(-1, ...(byId.get(id)?.dependsOn ?? []).map(levelOf)) + 1;
    levels.set(id, level);
    return level;
  };
  const namespaces = new Set(installing.flatMap((a) => a.addon.namespaces.map((n) => n.name)));
  const definitions = [
    ...platform.objects.filter((o) => o.kind === 'Namespace' && namespaces.has(o.metadata.name)),
    ...installing.flatMap((a) => a.objects.filter((o) => o.kind === 'CustomResourceDefinition')),
  ];
  const crdOwners = [...new Set(installing.filter((a) => a.objects.some((o) => o.kind === 'CustomResourceDefinition')).map((a) => a.addon.id))];
  const phases: PlatformPhase[] = [
    {
      phase: 'definitions',
      title: 'namespaces and custom resource definitions',
      objects: definitions,
      waits: crdOwners.length ? [{ what: 'the custom resource definitions established', args: ['wait', '--for=condition=Established', 'crd', '-l', selector(crdOwners)] }] : [],
    },
  ];
  const maxLevel = Math.max(-1, ...installing.map((a) => levelOf(a.addon.id)));
  for (let level = 0; level <= maxLevel; level++) {
    const atLevel = installing.filter((a) => levelOf(a.addon.id) === level);
    if (!atLevel.length) continue;
    const ids = atLevel.map((a) => a.addon.id).join(', ');
    const custom = (a: RenderedAddOn) => a.objects.filter((o) => !isBuiltInApi(o.apiVersion) && o.kind !== 'CustomResourceDefinition');
    const prerequisites = atLevel.flatMap((a) => custom(a).filter((o) => servers.get(groupOf(o.apiVersion)) !== a.addon.id));
    const workloads = atLevel.flatMap((a) => a.objects.filter((o) => isBuiltInApi(o.apiVersion) && o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition'));
    const own = atLevel.flatMap((a) => custom(a).filter((o) => servers.get(groupOf(o.apiVersion)) === a.addon.id));
    const suffix = maxLevel > 0 ? `-${level + 1}` : '';
    if (prerequisites.length) {
      phases.push({
        phase: `prerequisites${suffix}`,
        title: `custom resources ${ids} need from add-ons already running (${[...new Set(prerequisites.map((o) => o.kind))].join(', ')})`,
        objects: prerequisites,
        waits: [...waitsFor(prerequisites, 'Issuer', 'issuer', 'Ready', 'the issuers ready'), ...waitsFor(prerequisites, 'Certificate', 'certificate', 'Ready', 'the certificates issued (their Secrets exist)')],
      });
    }
    if (workloads.length) {
      phases.push({
        phase: `workloads${suffix}`,
        title: `${ids}: RBAC, Services, webhooks, configuration and workloads`,
        objects: workloads,
        waits: waitsFor(workloads, 'Deployment', 'deployment', 'Available', 'the Deployments available (webhooks serving)'),
      });
    }
    if (own.length) phases.push({ phase: `resources${suffix}`, title: `custom resources served by ${[...new Set(own.map((o) => servers.get(groupOf(o.apiVersion))))].join(', ')} (${[...new Set(own.map((o) => o.kind))].join(', ')})`, objects: own, waits: [] });
  }
  return phases;
}

/** Kinds of pod-bearing objects whose references the install-order check follows. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

interface Reference {
  readonly kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  readonly name: string;
}

/** The Secrets, ConfigMaps and ServiceAccount a pod cannot start without (optional references left out). */
export function requiredReferences(podSpec: any): Reference[] {
  const refs: Reference[] = [];
  if (podSpec.serviceAccountName) refs.push({ kind: 'ServiceAccount', name: podSpec.serviceAccountName });
  for (const volume of podSpec.volumes ?? []) {
    if (volume.secret && !volume.secret.optional) refs.push({ kind: 'Secret', name: volume.secret.secretName });
    if (volume.configMap && !volume.configMap.optional) refs.push({ kind: 'ConfigMap', name: volume.configMap.name });
    for (const source of volume.projected?.sources ?? []) {
      if (source.secret && !source.secret.optional) refs.push({ kind: 'Secret', name: source.secret.name });
      if (source.configMap && !source.configMap.optional) refs.push({ kind: 'ConfigMap', name: source.configMap.name });
    }
  }
  for (const containerSpec of [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]) {
    for (const from of containerSpec.envFrom ?? []) {
      if (from.secretRef && !from.secretRef.optional) refs.push({ kind: 'Secret', name: from.secretRef.name });
      if (from.configMapRef && !from.configMapRef.optional) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name });
    }
    for (const env of containerSpec.env ?? []) {
      const secretKey = env.valueFrom?.secretKeyRef;
      const configKey = env.valueFrom?.configMapKeyRef;
      if (secretKey && !secretKey.optional) refs.push({ kind: 'Secret', name: secretKey.name });
      if (configKey && !configKey.optional) refs.push({ kind: 'ConfigMap', name: configKey.name });
    }
  }
  return refs;
}

/**
 * What in this install order would leave something waiting forever: a workload mounting a Secret, ConfigMap or
 * ServiceAccount that no earlier (or the same) phase applies, no earlier phase's waited-for Certificate
 * issues, and neither the platform's own Secrets (created before the first workload) nor an add-on's declared
 * runtime-created objects provide; a custom resource applied before its CRD is established or before the
 * add-on serving it runs. Empty when the order is sound.
 */
export function installOrderProblems(phases: readonly PlatformPhase[], platform: Pick<Platform, 'addons' | 'secrets'>): string[] {
  const problems: string[] = [];
  const servers = apiServers(platform.addons);
  const key = (kind: string, namespace: string | undefined, name: string) => `${kind} ${namespace ?? ''}/${name}`;
  const provided = new Set<string>();
  const issued = new Set<string>();
  const runningAddOns = new Set<string>();
  const established = new Set<string>();
  for (const secret of platform.secrets) provided.add(key('Secret', secret.namespace, secret.name));
  for (const { addon } of platform.addons) for (const created of addon.runtimeCreated ?? []) provided.add(key(created.kind, created.namespace, created.name));
  phases.forEach((phase, index) => {
    const inPhase = new Set(phase.objects.map((o) => key(o.kind, o.metadata.namespace, o.metadata.name)));
    const available = (kind: string, namespace: string, name: string) => {
      const id = key(kind, namespace, name);
      // Platform secrets are created before the first phase after the definitions.
      return inPhase.has(id) || issued.has(id) || (index > 0 && provided.has(id));
    };
    for (const kubeObject of phase.objects) {
      const name = key(kubeObject.kind, kubeObject.metadata.namespace, kubeObject.metadata.name);
      if (WORKLOAD_KINDS.has(kubeObject.kind)) {
        const podSpec = kubeObject.kind === 'CronJob' ? kubeObject.spec.jobTemplate.spec.template.spec : kubeObject.spec.template.spec;
        for (const ref of requiredReferences(podSpec)) {
          if (!available(ref.kind, kubeObject.metadata.namespace ?? 'default', ref.name)) problems.push(`${name} (phase ${phase.phase}) needs ${ref.kind} ${ref.name}, which no earlier phase provides`);
        }
      } else if (!isBuiltInApi(kubeObject.apiVersion) && kubeObject.kind !== 'CustomResourceDefinition') {
        const group = groupOf(kubeObject.apiVersion);
        if (!established.has(`${group}/${kubeObject.kind}`)) problems.push(`${name} (phase ${phase.phase}): its CRD is not established by an earlier phase`);
        const server = servers.get(group);
        const own = server === addonIdOf(kubeObject);
        if (!server || (!runningAddOns.has(server) && !own)) problems.push(`${name} (phase ${phase.phase}): ${server ?? 'no add-on'} serving ${group} is not running yet`);
        if (own && !runningAddOns.has(server!) && phase.phase.startsWith('prerequisites')) problems.push(`${name} (phase ${phase.phase}): applied before its own add-on ${server} runs`);
      }
    }
    // What this phase makes true for the next ones (its waits done).
    for (const kubeObject of phase.objects) {
      if (kubeObject.kind === 'CustomResourceDefinition' && phase.waits.some((w) => w.args.includes('--for=condition=Established'))) established.add(`${kubeObject.spec.group}/${kubeObject.spec.names.kind}`);
      if (kubeObject.kind === 'Certificate' && phase.waits.some((w) => w.args.includes('certificate') && w.args.includes(kubeObject.metadata.namespace!))) issued.add(key('Secret', kubeObject.metadata.namespace, kubeObject.spec.secretName));
    }
    if (phase.waits.some((w) => w.args.includes('deployment'))) for (const kubeObject of phase.objects) if (kubeObject.kind === 'Deployment') runningAddOns.add(addonIdOf(kubeObject)!);
  });
  return problems;
}
