/**
 * Checks over rendered manifests (plain objects, as parsed from the YAML), for the tests and
 * for anyone reviewing a render: the Pod Security Standards "restricted" profile, requests,
 * limits and probes, and reachability under the NetworkPolicies.
 *
 * Operators create the pods of their custom resources: those come from the one operator model
 * (constructs/k8s/operator-pods.ts, which the cost engine prices too); the Services operators
 * create for their custom resources are modeled here (`modeledServices`).
 */

import { Labels, OperatorContainer, operatorPods, tokenMounter } from '../../constructs/k8s/operator-pods';

export type { Labels };

/** A container of a modeled pod (`probesConfigurable` false: the check is skipped and reported as an exemption). */
export type ModeledContainer = OperatorContainer;

export interface ModeledPod {
  /** `Kind name` of the object that yields the pod (a workload or a custom resource). */
  readonly source: string;
  /** Which pods of the source (e.g. `instances`, `entity operator`). */
  readonly what: string;
  readonly labels: Labels;
  readonly securityContext?: any;
  readonly containers: readonly ModeledContainer[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly volumes?: readonly any[];
  /**
   * Whether the pod mounts an API token: false, true, or 'operator' when the operator runs
   * its own agent in the pod and needs one (CNPG instance manager, Strimzi init and operators).
   */
  readonly automountToken: boolean | 'operator';
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Every pod the manifests lead to: workload templates and the pods operators create from custom resources. */
export function modeledPods(objects: readonly any[]): ModeledPod[] {
  const pods: ModeledPod[] = [];
  const mountsToken = tokenMounter(objects);
  for (const workload of objects) {
    if (WORKLOAD_KINDS.has(workload.kind)) {
      const spec = workload.spec.template.spec;
      pods.push({
        source: `${workload.kind} ${workload.metadata.name}`,
        what: 'pods',
        labels: workload.spec.template.metadata?.labels ?? {},
        securityContext: spec.securityContext,
        containers: [
          ...(spec.initContainers ?? []).map((c: any) => ({ ...c, role: 'init' as const, probesConfigurable: true })),
          ...spec.containers.map((c: any) => ({ ...c, role: 'main' as const, probesConfigurable: true })),
        ],
        hostNetwork: spec.hostNetwork,
        hostPID: spec.hostPID,
        hostIPC: spec.hostIPC,
        volumes: spec.volumes,
        automountToken: mountsToken(spec),
      });
    }
  }
  // Pods operators create from custom resources: the model the cost engine prices too.
  for (const group of operatorPods(objects)) {
    pods.push({ source: group.source, what: group.what, labels: group.labels, securityContext: group.securityContext, containers: group.containers, automountToken: group.automountToken });
  }
  return pods;
}

export interface Violation {
  readonly pod: string;
  readonly container?: string;
  readonly rule: string;
}

const ALLOWED_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

/**
 * The Pod Security Standards "restricted" profile (v1.27) plus stagekit's own rules: CPU and
 * memory requests and limits on every container, readiness and liveness probes on every
 * long-running container whose owner lets them be set, and no API token unless an operator's
 * agent in the pod needs it.
 */
export function restrictedViolations(objects: readonly any[]): Violation[] {
  const violations: Violation[] = [];
  for (const pod of modeledPods(objects)) {
    const where = `${pod.source} (${pod.what})`;
    const add = (rule: string, container?: string) => violations.push({ pod: where, container, rule });
    const podSc = pod.securityContext ?? {};
    if (pod.hostNetwork) add('hostNetwork must not be set');
    if (pod.hostPID) add('hostPID must not be set');
    if (pod.hostIPC) add('hostIPC must not be set');
    for (const v of pod.volumes ?? []) if (v.hostPath) add(`volume ${v.name} is a hostPath`);
    if (podSc.runAsUser === 0) add('pod runAsUser must not be 0');
    if (pod.automountToken === true) add('the service account token is mounted (automountServiceAccountToken must be false)');
    for (const c of pod.containers) {
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) add('allowPrivilegeEscalation must be false', c.name);
      if (sc.privileged === true) add('privileged must not be true', c.name);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('capabilities must drop ALL', c.name);
      const added: string[] = sc.capabilities?.add ?? [];
      if (added.some((cap) => cap !== 'NET_BIND_SERVICE')) add(`capabilities may only add NET_BIND_SERVICE (adds ${added.join(', ')})`, c.name);
      if (!(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && podSc.runAsNonRoot === true))) add('runAsNonRoot must be true (container or pod)', c.name);
      if (sc.runAsUser === 0) add('runAsUser must not be 0', c.name);
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (!ALLOWED_SECCOMP.has(seccomp)) add('seccompProfile must be RuntimeDefault or Localhost (container or pod)', c.name);
      for (const kind of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) {
          if (c.resources?.[kind]?.[resource] === undefined) add(`${kind}.${resource} must be set`, c.name);
        }
      }
      if (c.role !== 'init' && c.probesConfigurable) {
        if (!c.readinessProbe) add('readinessProbe must be set', c.name);
        if (!c.livenessProbe) add('livenessProbe must be set', c.name);
      }
    }
  }
  return violations;
}

/** Containers whose probes the owning CR does not expose (operator-injected sidecars), for the record. */
export function probeExemptions(objects: readonly any[]): string[] {
  return modeledPods(objects).flatMap((p) => p.containers.filter((c) => c.role !== 'init' && !c.probesConfigurable).map((c) => `${p.source} (${p.what}): ${c.name}`));
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy evaluation

/** A pod (or anything with labels) in a namespace, or an address outside the pod network. */
export type Endpoint = { readonly namespace: string; readonly labels: Labels } | { readonly ip: string };

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && e.values!.includes(value))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Labels a namespace carries (Kubernetes sets `kubernetes.io/metadata.name` on every namespace). */
const namespaceLabels = (namespace: string): Labels => ({ 'kubernetes.io/metadata.name': namespace });

function ipv4(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (ipv4(ip) & mask) === (ipv4(base) & mask);
}

function peerMatches(peer: any, endpoint: Endpoint, policyNamespace: string): boolean {
  if ('ip' in endpoint) {
    if (!peer.ipBlock) return false;
    return inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(endpoint.ip, c));
  }
  if (peer.ipBlock) return false; // pod traffic is not matched by address blocks here
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(endpoint.namespace)) : endpoint.namespace === policyNamespace;
  return nsOk && selects(peer.podSelector, endpoint.labels);
}

function portMatches(rulePorts: any[] | undefined, port: number, protocol: string): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort)));
}

export class NetworkPolicyModel {
  private readonly policies: any[];

  constructor(objects: readonly any[]) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  }

  private selecting(namespace: string, labels: Labels, type: 'Ingress' | 'Egress'): any[] {
    return this.policies.filter((p) => p.metadata.namespace === namespace && selects(p.spec.podSelector, labels) && policyTypes(p).includes(type));
  }

  /** Names of the policies whose rules admit `from` into `to` on `port` (empty when none do). */
  ingressAllowedBy(to: { namespace: string; labels: Labels }, from: Endpoint, port: number, protocol = 'TCP'): string[] {
    return this.selecting(to.namespace, to.labels, 'Ingress')
      .filter((p) => (p.spec.ingress ?? []).some((r: any) => (!r.from || r.from.some((peer: any) => peerMatches(peer, from, p.metadata.namespace))) && portMatches(r.ports, port, protocol)))
      .map((p) => p.metadata.name);
  }

  egressAllowedBy(from: { namespace: string; labels: Labels }, to: Endpoint, port: number, protocol = 'TCP'): string[] {
    return this.selecting(from.namespace, from.labels, 'Egress')
      .filter((p) => (p.spec.egress ?? []).some((r: any) => (!r.to || r.to.some((peer: any) => peerMatches(peer, to, p.metadata.namespace))) && portMatches(r.ports, port, protocol)))
      .map((p) => p.metadata.name);
  }

  isolated(endpoint: { namespace: string; labels: Labels }, type: 'Ingress' | 'Egress'): boolean {
    return this.selecting(endpoint.namespace, endpoint.labels, type).length > 0;
  }

  /** Whether a connection from `from` to `to` on `port` passes both sides' policies. */
  canConnect(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    const egressOk = 'ip' in from || !this.isolated(from, 'Egress') || this.egressAllowedBy(from, to, port, protocol).length > 0;
    const ingressOk = 'ip' in to || !this.isolated(to, 'Ingress') || this.ingressAllowedBy(to, from, port, protocol).length > 0;
    return egressOk && ingressOk;
  }
}

function policyTypes(p: any): string[] {
  if (p.spec.policyTypes) return p.spec.policyTypes;
  return p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

// ---------------------------------------------------------------------------------------------
// Services

export interface ModeledService {
  readonly name: string;
  readonly namespace: string;
  /** `Service` when in the manifests, else the CR that makes the operator create it. */
  readonly source: string;
  readonly selector: Labels;
  readonly ports: readonly number[];
}

/** Services of the manifests and the Services operators create for the custom resources (the ones clients connect to). */
export function modeledServices(objects: readonly any[]): ModeledService[] {
  const services: ModeledService[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    const add = (service: string, selector: Labels, ports: number[]) => services.push({ name: service, namespace: ns, source: `${o.kind} ${name}`, selector, ports });
    switch (o.kind) {
      case 'Service':
        services.push({
          name,
          namespace: ns,
          source: 'Service',
          selector: o.spec.selector ?? {},
          ports: (o.spec.ports ?? []).map((p: any) => (typeof p.targetPort === 'number' ? p.targetPort : p.port)),
        });
        break;
      case 'Cluster':
        for (const suffix of ['rw', 'ro', 'r']) add(`${name}-${suffix}`, { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' }, [5432]);
        break;
      case 'Pooler':
        add(name, { 'cnpg.io/poolerName': name }, [5432]);
        break;
      case 'RedisReplication':
        for (const suffix of ['', '-master', '-replica', '-headless']) add(`${name}${suffix}`, { app: name, redis_setup_type: 'replication' }, [6379]);
        break;
      case 'RedisSentinel':
        add(`${name}-sentinel`, { app: `${name}-sentinel`, redis_setup_type: 'sentinel' }, [26379]);
        break;
      case 'Kafka':
        add(
          `${name}-kafka-bootstrap`,
          { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${name}-kafka`, 'strimzi.io/broker-role': 'true' },
          (o.spec.kafka.listeners ?? []).map((l: any) => l.port),
        );
        break;
    }
  }
  return services;
}

/** Label sets of the pods a Service sends to (from the modeled pods). */
export function podsOfService(service: ModeledService, pods: readonly ModeledPod[]): ModeledPod[] {
  return pods.filter((p) => Object.keys(service.selector).length > 0 && selects({ matchLabels: service.selector }, p.labels));
}
