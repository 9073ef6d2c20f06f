/**
 * Platform add-ons: the cluster-wide software every stage's manifests rely on (operators, cert-manager,
 * ingress controller, monitoring and logs, and on Hetzner the cloud controller manager and CSI driver),
 * pinned to vendored upstream releases and rendered by stagekit. Composed by `PlatformBuilder`, in the
 * style of EKS Blueprints' add-ons: each add-on is a small object that renders its own manifests.
 */
import type { Plan } from '../core/plan';
import type { KubeObject } from '../core/rendering';

/** Pod Security Standards level a namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Where the platform is installed. */
export type PlatformCluster =
  /** A k3s cluster stagekit provisioned on Hetzner Cloud (CCM, CSI, load balancer from the fleet plan). */
  | 'hcloud'
  /** A cluster someone else runs (`--target k8s --install-platform`): no cloud integration. */
  | 'existing';

export interface SmtpSettings {
  /** host:port of the mail relay Alertmanager sends through. */
  readonly smarthost: string;
  readonly from: string;
  readonly username?: string;
}

export interface PlatformContext {
  readonly plan: Plan;
  readonly cluster: PlatformCluster;
  /** Nodes in the cluster, one failure domain or several (a single node gets one replica of everything). */
  readonly singleNode: boolean;
  /** Mail relay for alerts; without it alerts reach Alertmanager and stop there (a warning says so). */
  readonly smtp?: SmtpSettings;
}

export interface NamespaceSpec {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace cannot enforce `restricted` (required when it does not). */
  readonly exception?: string;
}

/** A Secret the platform needs but must not render (a value in a manifest would end up in git). */
export interface PlatformSecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly purpose: string;
  /** generated: stagekit creates it once with a random value; provided: the user (or provisioning) creates it. */
  readonly source: 'generated' | 'provided';
}

/**
 * A Secret or ConfigMap a workload of the add-on mounts that no manifest holds: something running in the cluster
 * creates it (an operator generating its own webhook certificate, a Job). The install-order check accepts these
 * and only these as mounted objects nothing applies.
 */
export interface RuntimeCreated {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly namespace: string;
  readonly name: string;
  readonly createdBy: string;
}

export interface AddOnRendering {
  readonly objects: KubeObject[];
  readonly warnings?: string[];
  readonly secrets?: PlatformSecret[];
}

export interface PlatformAddOn {
  /** Stable id: cnpg, strimzi, monitoring... */
  readonly id: string;
  readonly title: string;
  /** The pinned upstream version (or versions, e.g. "Prometheus v3.11.1, Grafana 12.2.1"). */
  readonly version: string;
  readonly namespaces: readonly NamespaceSpec[];
  /** An API this add-on serves, to tell whether a cluster already has it (`apiVersion kind`). */
  readonly detect: { readonly apiVersion: string; readonly kind: string };
  /**
   * Add-ons that must be installed and running first (by id). Must name every add-on that serves a custom
   * resource this one renders (the builder checks): their controllers and webhooks are waited for before
   * those resources are applied, and those resources before this add-on's workloads.
   */
  readonly dependsOn?: readonly string[];
  /** Mounted objects created in the cluster rather than applied (see RuntimeCreated). */
  readonly runtimeCreated?: readonly RuntimeCreated[];
  render(context: PlatformContext): AddOnRendering;
}

export const PLATFORM_LABELS = { 'app.kubernetes.io/managed-by': 'stagekit', 'stagekit.dev/platform': 'true' } as const;
