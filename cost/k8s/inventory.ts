/**
 * What a Kubernetes rendering asks for: every pod's CPU and memory requests, replica counts (autoscaled
 * workloads at their minimum), persistent volumes, load balancers, and the stateful systems someone has to
 * operate. Operators' custom resources are read the way the operator turns them into pods: CloudNativePG
 * Cluster and Pooler, Strimzi Kafka and KafkaNodePool, OT-Container-Kit RedisReplication, RedisSentinel,
 * RedisCluster and Redis. Kinds that cost nothing are recognised; unknown kinds are listed as not priced.
 */

export type Role = 'app' | 'database' | 'kafka' | 'cache' | 'stateful' | 'platform';
export type SystemKind = 'postgres' | 'kafka' | 'redis' | 'stateful';

export interface Workload {
  /** kind/name of the object that makes the pods. */
  readonly name: string;
  readonly kind: string;
  readonly role: Role;
  readonly replicas: number;
  /** Requests of one pod. */
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Persistent volume claims of one pod. */
  readonly storageGiB: number;
  /** Replicas never share a node (operators' default pod anti-affinity for data systems). */
  readonly spreadOverNodes: boolean;
  readonly note?: string;
}

export interface StatefulSystem {
  readonly name: string;
  readonly kind: SystemKind;
  /** For Postgres: the object backs itself up to object storage (or should: see the self-hosted engine). */
  readonly backsUp?: boolean;
}

export interface InventoryEntry {
  readonly name: string;
  readonly kind: string;
  readonly reason: string;
}

export interface Inventory {
  readonly workloads: Workload[];
  readonly loadBalancers: InventoryEntry[];
  readonly volumes: { name: string; storageGiB: number }[];
  readonly systems: StatefulSystem[];
  readonly free: InventoryEntry[];
  readonly notPriced: InventoryEntry[];
  /** Operators and controllers the objects need running in the cluster. */
  readonly operators: string[];
  readonly monitoring: boolean;
}

import { parseQuantity } from '../../core/quantity';
import { OperatorContainer, OperatorPodGroup, operatorPods } from '../../constructs/k8s/operator-pods';

export { parseQuantity };

const GIB = 2 ** 30;
const toGiB = (v: unknown) => (parseQuantity(v) ?? 0) / GIB;

interface Requests {
  vcpu: number;
  memoryGiB: number;
  /** True when a container had neither requests nor limits. */
  unspecified: boolean;
}

function containerRequests(resources: any): Requests {
  const req = resources?.requests ?? {};
  const lim = resources?.limits ?? {};
  const cpu = parseQuantity(req.cpu ?? lim.cpu);
  const mem = parseQuantity(req.memory ?? lim.memory);
  return { vcpu: cpu ?? 0, memoryGiB: (mem ?? 0) / GIB, unspecified: cpu === undefined && mem === undefined };
}

/** A pod's effective requests: the sum of its containers, or the largest init container if that is more. */
export function podRequests(podSpec: any): Requests {
  const sum = (podSpec?.containers ?? []).map((c: any) => containerRequests(c.resources)).reduce(
    (a: Requests, b: Requests) => ({ vcpu: a.vcpu + b.vcpu, memoryGiB: a.memoryGiB + b.memoryGiB, unspecified: a.unspecified || b.unspecified }),
    { vcpu: 0, memoryGiB: 0, unspecified: false },
  );
  for (const init of podSpec?.initContainers ?? []) {
    const requests = containerRequests(init.resources);
    sum.vcpu = Math.max(sum.vcpu, requests.vcpu);
    sum.memoryGiB = Math.max(sum.memoryGiB, requests.memoryGiB);
  }
  return sum;
}

/** Requests used when an operator's resource sets none (the pods would be BestEffort): stated on the line. */
const UNSPECIFIED: Requests = { vcpu: 0.1, memoryGiB: 0.25, unspecified: true };

function orDefault(requests: Requests): Requests {
  return requests.vcpu === 0 && requests.memoryGiB === 0 ? UNSPECIFIED : requests;
}

const unspecifiedNote = (requests: Requests) => (requests.unspecified ? 'no requests set: assumed 0.1 vCPU / 256 MiB per pod' : undefined);

const FREE_KINDS = new Set([
  'Namespace', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Secret', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ScaledObject', 'ScaledJob', 'TriggerAuthentication', 'ClusterTriggerAuthentication',
  'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'KafkaTopic', 'KafkaUser', 'ScheduledBackup', 'Backup', 'LimitRange', 'ResourceQuota',
  'PriorityClass', 'StorageClass', 'IngressClass', 'VerticalPodAutoscaler', 'Certificate', 'Issuer', 'ClusterIssuer', 'CustomResourceDefinition',
]);

const OPERATOR_OF: Record<string, string> = {
  Cluster: 'CloudNativePG operator', Pooler: 'CloudNativePG operator', ScheduledBackup: 'CloudNativePG operator',
  Kafka: 'Strimzi operator', KafkaNodePool: 'Strimzi operator', KafkaTopic: 'Strimzi operator', KafkaUser: 'Strimzi operator',
  RedisReplication: 'Redis operator', RedisSentinel: 'Redis operator', RedisCluster: 'Redis operator', Redis: 'Redis operator',
  ScaledObject: 'KEDA', ScaledJob: 'KEDA', SGShardedCluster: 'StackGres operator',
};

const MONITORING_KINDS = new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule']);

/**
 * Requests of one pod of an operator's group: its main containers summed (each without requests
 * assumed at 0.1 vCPU / 256 MiB), or its largest init container if that is more. Sidecars the
 * operator adds (the Redis exporter) are not counted.
 */
function operatorPodRequests(group: OperatorPodGroup): Requests {
  const requestsOf = (container: OperatorContainer) => orDefault(containerRequests(container.resources));
  const total = group.containers
    .filter((container) => container.role === 'main')
    .map(requestsOf)
    .reduce((sum, next) => ({ vcpu: sum.vcpu + next.vcpu, memoryGiB: sum.memoryGiB + next.memoryGiB, unspecified: sum.unspecified || next.unspecified }), { vcpu: 0, memoryGiB: 0, unspecified: false });
  for (const init of group.containers.filter((container) => container.role === 'init').map(requestsOf)) {
    total.vcpu = Math.max(total.vcpu, init.vcpu);
    total.memoryGiB = Math.max(total.memoryGiB, init.memoryGiB);
  }
  return total;
}

function operatorWorkload(name: string, kind: string, role: Role, group: OperatorPodGroup, note?: string): Workload {
  const requests = operatorPodRequests(group);
  return {
    name: group.part ? `${name}/${group.part}` : name,
    kind,
    role,
    replicas: group.replicas,
    vcpu: requests.vcpu,
    memoryGiB: requests.memoryGiB,
    storageGiB: group.storageGiB,
    spreadOverNodes: group.spreadOverNodes,
    note: [note, unspecifiedNote(requests)].filter(Boolean).join('; ') || undefined,
  };
}

function imageRole(podSpec: any): { role: Role; system?: SystemKind } {
  const images = (podSpec?.containers ?? []).map((c: any) => String(c.image ?? '')).join(' ');
  if (/(^|\/)postgres(ql)?[:@]|postgis|timescale/.test(images)) return { role: 'database', system: 'postgres' };
  if (/(^|\/)(redis|valkey)[:@]/.test(images)) return { role: 'cache', system: 'redis' };
  if (/kafka/.test(images)) return { role: 'kafka', system: 'kafka' };
  return { role: 'stateful', system: 'stateful' };
}

function claimTemplatesGiB(templates: any[] | undefined): number {
  return (templates ?? []).reduce((s, t) => s + toGiB(t?.spec?.resources?.requests?.storage), 0);
}

export function inventory(objects: any[]): Inventory {
  const workloads: Workload[] = [];
  const loadBalancers: InventoryEntry[] = [];
  const volumes: { name: string; storageGiB: number }[] = [];
  const systems: StatefulSystem[] = [];
  const free: InventoryEntry[] = [];
  const notPriced: InventoryEntry[] = [];
  const operators = new Set<string>();
  let monitoring = false;
  let ingress = false;

  // Autoscalers first: a scaled workload is priced at its floor.
  const floors = new Map<string, { min: number; by: string }>();
  for (const resource of objects) {
    const target = resource?.spec?.scaleTargetRef;
    if (resource?.kind === 'HorizontalPodAutoscaler' && target) floors.set(`${target.kind}/${target.name}`, { min: resource.spec.minReplicas ?? 1, by: 'HorizontalPodAutoscaler' });
    if (resource?.kind === 'ScaledObject' && target) floors.set(`${target.kind ?? 'Deployment'}/${target.name}`, { min: resource.spec.minReplicaCount ?? 0, by: 'KEDA ScaledObject' });
  }
  // Pods of custom resources come from the one operator model (constructs/k8s/operator-pods.ts).
  const operatorGroups = new Map<any, OperatorPodGroup[]>();
  for (const group of operatorPods(objects)) operatorGroups.set(group.owner, [...(operatorGroups.get(group.owner) ?? []), group]);
  const podsOf = (owner: any) => operatorGroups.get(owner) ?? [];
  const kafkaClusters = new Map<string, any>();
  for (const resource of objects) if (resource?.kind === 'Kafka') kafkaClusters.set(resource.metadata?.name, resource);

  for (const resource of objects) {
    if (!resource || typeof resource !== 'object' || !resource.kind) continue;
    const kind: string = resource.kind;
    const name = `${kind}/${resource.metadata?.name ?? '?'}`;
    const spec = resource.spec ?? {};
    if (OPERATOR_OF[kind]) operators.add(OPERATOR_OF[kind]);
    if (MONITORING_KINDS.has(kind)) monitoring = true;
    switch (kind) {
      case 'Deployment':
      case 'ReplicaSet': {
        const floor = floors.get(name);
        const replicas = floor ? floor.min : (spec.replicas ?? 1);
        const requests = podRequests(spec.template?.spec);
        workloads.push({
          name, kind, role: 'app', replicas, vcpu: requests.vcpu, memoryGiB: requests.memoryGiB, storageGiB: 0, spreadOverNodes: false,
          note: [floor ? `${floor.by}: priced at its minimum of ${floor.min} replica(s)` : undefined, requests.unspecified ? 'a container sets no requests' : undefined].filter(Boolean).join('; ') || undefined,
        });
        break;
      }
      case 'StatefulSet': {
        const floor = floors.get(name);
        const replicas = floor ? floor.min : (spec.replicas ?? 1);
        const requests = podRequests(spec.template?.spec);
        const { role, system } = imageRole(spec.template?.spec);
        workloads.push({ name, kind, role, replicas, vcpu: requests.vcpu, memoryGiB: requests.memoryGiB, storageGiB: claimTemplatesGiB(spec.volumeClaimTemplates), spreadOverNodes: replicas > 1 });
        if (system) systems.push({ name, kind: system, backsUp: system === 'postgres' });
        break;
      }
      case 'DaemonSet': {
        const requests = podRequests(spec.template?.spec);
        notPriced.push({ name, kind, reason: `a DaemonSet runs on every node (${requests.vcpu} vCPU / ${requests.memoryGiB.toFixed(2)} GiB each): covered by the nodes' system reserve, not packed` });
        break;
      }
      case 'Job':
      case 'CronJob':
        free.push({ name, kind, reason: 'runs to completion: no standing capacity (it uses the nodes\' headroom)' });
        break;
      case 'Cluster':
        if (!String(resource.apiVersion ?? '').startsWith('postgresql.cnpg.io')) {
          notPriced.push({ name, kind, reason: `unknown kind (${resource.apiVersion})` });
          break;
        }
        for (const group of podsOf(resource)) workloads.push(operatorWorkload(name, kind, 'database', group));
        systems.push({ name, kind: 'postgres', backsUp: true });
        break;
      case 'Pooler':
        for (const group of podsOf(resource)) workloads.push(operatorWorkload(name, kind, 'app', group));
        break;
      case 'Kafka':
        for (const group of podsOf(resource)) workloads.push(operatorWorkload(name, kind, group.part === 'brokers' || group.part === 'zookeeper' ? 'kafka' : 'platform', group));
        systems.push({ name, kind: 'kafka' });
        break;
      case 'KafkaNodePool': {
        const roles = (spec.roles ?? []).join('+') || 'broker';
        for (const group of podsOf(resource)) workloads.push(operatorWorkload(name, kind, 'kafka', group, `${roles} nodes`));
        const cluster = resource.metadata?.labels?.['strimzi.io/cluster'];
        if (cluster && !kafkaClusters.has(cluster) && !systems.some((s) => s.name === `Kafka/${cluster}`)) systems.push({ name: `Kafka/${cluster}`, kind: 'kafka' });
        break;
      }
      case 'RedisReplication':
      case 'RedisSentinel':
      case 'Redis':
      case 'RedisCluster':
        for (const group of podsOf(resource)) workloads.push(operatorWorkload(name, kind, 'cache', group));
        if (kind !== 'RedisSentinel') systems.push({ name, kind: 'redis' });
        break;
      case 'SGShardedCluster':
      case 'SGCluster':
        notPriced.push({ name, kind, reason: 'StackGres clusters take their sizes from SGInstanceProfile objects, which the engine does not read' });
        break;
      case 'PersistentVolumeClaim':
        volumes.push({ name, storageGiB: toGiB(spec.resources?.requests?.storage) });
        break;
      case 'Ingress':
        if (!ingress) loadBalancers.push({ name, kind, reason: 'the ingress controller sits behind one load balancer for every Ingress' });
        else free.push({ name, kind, reason: 'shares the ingress controller\'s load balancer' });
        ingress = true;
        break;
      case 'Service':
        if (spec.type === 'LoadBalancer') loadBalancers.push({ name, kind, reason: 'Service of type LoadBalancer' });
        else free.push({ name, kind, reason: 'no charge' });
        break;
      case 'Pod': {
        const requests = podRequests(spec);
        workloads.push({ name, kind, role: 'app', replicas: 1, vcpu: requests.vcpu, memoryGiB: requests.memoryGiB, storageGiB: 0, spreadOverNodes: false });
        break;
      }
      default:
        if (FREE_KINDS.has(kind)) free.push({ name, kind, reason: 'no charge' });
        else notPriced.push({ name, kind, reason: `unknown kind (${resource.apiVersion ?? 'no apiVersion'})` });
    }
  }
  if (ingress) operators.add('ingress controller');
  return { workloads, loadBalancers, volumes, systems, free, notPriced, operators: [...operators].sort(), monitoring };
}
