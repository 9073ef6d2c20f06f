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

export const PLATFORM_PHASES = ['definitions', 'operators', 'resources'] as const;
export type PlatformPhase = (typeof PLATFORM_PHASES)[number];

export const PLATFORM_PHASE_TITLES: Record<PlatformPhase, string> = {
  definitions: 'namespaces and custom resource definitions',
  operators: 'operators, controllers, RBAC, webhooks and their services',
  resources: 'custom resources served by the operators just installed (Prometheus, Alertmanager, monitors, certificates, Helm charts)',
};

/** Objects by apply phase: a custom resource can only be applied once its CRD is established and its operator runs. */
export function platformPhases(objects: readonly KubeObject[]): { phase: PlatformPhase; objects: KubeObject[] }[] {
  const phaseOf = (kubeObject: KubeObject): PlatformPhase => {
    if (kubeObject.kind === 'Namespace' || kubeObject.kind === 'CustomResourceDefinition') return 'definitions';
    const group = kubeObject.apiVersion.includes('/') ? kubeObject.apiVersion.split('/')[0] : '';
    return group.includes('.') && !group.endsWith('.k8s.io') ? 'resources' : 'operators';
  };
  return PLATFORM_PHASES.map((phase) => ({ phase, objects: objects.filter((o) => phaseOf(o) === phase) })).filter((p) => p.objects.length > 0);
}
