import { StatefulRisk } from '../risk';
import { parseQuantity } from '../../core/quantity';
import { apiGroup, describeObject, KubeObject, objectKey, removalEffect } from './objects';

export interface ChangedObject {
  readonly before: KubeObject;
  readonly after: KubeObject;
  /** Top-level paths that differ (`spec.replicas`, `spec.template`, `metadata.labels`). */
  readonly fields: string[];
}

export interface KubernetesChanges {
  readonly added: KubeObject[];
  readonly changed: ChangedObject[];
  readonly removed: KubeObject[];
  readonly unchanged: number;
  readonly risks: StatefulRisk[];
}

/**
 * Compares two renderings (or the last-applied rendering with a new one) object by object.
 * Objects match by identity (group, kind, namespace, name); a renamed object is a removal plus an
 * addition, which is exactly what the cluster sees.
 */
export function compareObjects(before: readonly KubeObject[], after: readonly KubeObject[]): KubernetesChanges {
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const next = new Map(after.map((o) => [objectKey(o), o]));
  const added: KubeObject[] = [];
  const changed: ChangedObject[] = [];
  const removed: KubeObject[] = [];
  const risks: StatefulRisk[] = [];
  let unchanged = 0;

  for (const [key, o] of next) {
    const previous = old.get(key);
    if (!previous) {
      added.push(o);
      continue;
    }
    const fields = differingFields(previous, o);
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    changed.push({ before: previous, after: o, fields });
    for (const problem of immutableFieldProblems(previous, o)) {
      risks.push({
        target: 'k8s',
        resource: describeObject(o),
        resourceType: `${o.apiVersion} ${o.kind}`,
        severity: problem.severity,
        change: problem.severity === 'rejected' ? `${problem.field} change rejected` : `${problem.field} change has no effect`,
        reason: problem.reason,
        fix: problem.fix,
      });
    }
  }
  for (const [key, o] of old) {
    if (next.has(key)) continue;
    removed.push(o);
    const effect = removalEffect(o);
    if (!effect) continue;
    risks.push({
      target: 'k8s',
      resource: describeObject(o),
      resourceType: `${o.apiVersion} ${o.kind}`,
      severity: effect.effect === 'data-deleted' ? 'data-loss' : 'retained',
      change: 'removed',
      reason: `${effect.reason}. stagekit's kubectl deploy does not prune, so it stays until you delete it; Pulumi deletes it.`,
      fix: 'Move its data first (see the runbook), then delete it by hand.',
    });
  }
  return { added, changed, removed, unchanged, risks };
}

/** Paths (two levels under spec, one elsewhere) whose values differ. */
function differingFields(a: KubeObject, b: KubeObject): string[] {
  const fields: string[] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (same(a[key], b[key])) continue;
    if ((key === 'spec' || key === 'metadata') && isObject(a[key]) && isObject(b[key])) {
      for (const sub of new Set([...Object.keys(a[key]), ...Object.keys(b[key])])) {
        if (!same(a[key][sub], b[key][sub])) fields.push(`${key}.${sub}`);
      }
    } else {
      fields.push(key);
    }
  }
  return fields;
}

export interface ImmutableFieldProblem {
  readonly severity: 'rejected' | 'no-effect';
  readonly field: string;
  readonly reason: string;
  readonly fix?: string;
}

/** StatefulSet spec fields the API server lets an update change; any other is forbidden. */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

/**
 * Changes to an existing object that Kubernetes or the owning operator refuses, or accepts
 * without applying them to what is already running. Sources: the API server's validation
 * (apps/v1 StatefulSet, Deployment selector, PersistentVolumeClaim spec), CloudNativePG's
 * webhook and bootstrap semantics, Strimzi's storage rules for node pools and topics.
 */
export function immutableFieldProblems(before: KubeObject, after: KubeObject): ImmutableFieldProblem[] {
  const a = before.spec ?? {};
  const b = after.spec ?? {};
  const ns = after.metadata.namespace ? ` -n ${after.metadata.namespace}` : '';
  const name = after.metadata.name;
  const problems: ImmutableFieldProblem[] = [];
  const rejected = (field: string, reason: string, fix?: string) => problems.push({ severity: 'rejected', field, reason, fix });
  const noEffect = (field: string, reason: string, fix?: string) => problems.push({ severity: 'no-effect', field, reason, fix });

  switch (`${apiGroup(after.apiVersion)}/${after.kind}`) {
    case 'apps/StatefulSet':
      for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (STATEFULSET_MUTABLE.has(field) || same(a[field], b[field])) continue;
        rejected(
          `spec.${field}`,
          `the API server forbids updating StatefulSet spec fields other than ${[...STATEFULSET_MUTABLE].join(', ')}`,
          `kubectl delete statefulset ${name}${ns} --cascade=orphan (pods and volume claims stay), then deploy again; existing claims keep their old size and class`,
        );
      }
      break;
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/DaemonSet':
      if (!same(a.selector, b.selector)) {
        rejected('spec.selector', `the selector of an apps/v1 ${after.kind} is immutable`, `kubectl delete ${after.kind.toLowerCase()} ${name}${ns}, then deploy again (its pods restart: brief downtime, no data involved)`);
      }
      break;
    case 'batch/Job':
      for (const field of ['selector', 'template']) {
        if (!same(a[field], b[field])) rejected(`spec.${field}`, `a Job's spec.${field} is immutable`, `kubectl delete job ${name}${ns}, then deploy again`);
      }
      break;
    case '/Service':
      if (a.clusterIP && b.clusterIP && a.clusterIP !== b.clusterIP) rejected('spec.clusterIP', 'a Service keeps its cluster IP for life', `kubectl delete service ${name}${ns}, then deploy again`);
      break;
    case '/PersistentVolumeClaim': {
      for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (field === 'resources' || field === 'volumeAttributesClassName' || same(a[field], b[field])) continue;
        rejected(`spec.${field}`, 'a bound claim only allows its storage request to grow (and its volume attributes class to change)', 'copy the data to a new claim (a Job that mounts both), then switch the workload to it');
      }
      const from = gibibytes(a.resources?.requests?.storage);
      const to = gibibytes(b.resources?.requests?.storage);
      if (from !== undefined && to !== undefined && to < from) rejected('spec.resources.requests.storage', `claims cannot shrink (${a.resources.requests.storage} to ${b.resources.requests.storage})`);
      break;
    }
    case 'postgresql.cnpg.io/Cluster': {
      if (!same(a.bootstrap, b.bootstrap)) {
        noEffect(
          'spec.bootstrap',
          'CloudNativePG runs bootstrap once, when the cluster is created; an existing cluster keeps its data and never re-imports',
          'to load data into an existing cluster, follow the runbook (logical replication or pg_dump/pg_restore)',
        );
      }
      storageProblems('spec.storage', a.storage, b.storage, 'the existing instances keep their volumes; only instances created later get the new class', rejected, noEffect);
      if (a.walStorage && !b.walStorage) rejected('spec.walStorage', 'CloudNativePG does not allow removing a separate WAL volume once configured');
      else storageProblems('spec.walStorage', a.walStorage, b.walStorage, 'existing WAL volumes keep their class', rejected, noEffect);
      break;
    }
    case 'kafka.strimzi.io/KafkaNodePool':
      kafkaStorageProblems('spec.storage', a.storage, b.storage, rejected, noEffect);
      if (typeof a.replicas === 'number' && typeof b.replicas === 'number' && b.replicas < a.replicas) {
        rejected(
          'spec.replicas',
          `Strimzi refuses to remove brokers that still host partition replicas (${a.replicas} to ${b.replicas} brokers); the pool stays at ${a.replicas} and the Kafka resource reports the error`,
          'move the partitions off the brokers to remove (Cruise Control remove-brokers, or kafka-reassign-partitions), then scale the pool down',
        );
      }
      break;
    case 'kafka.strimzi.io/Kafka':
      // Before node pools, storage sat on the Kafka resource itself; the same rules apply there.
      kafkaStorageProblems('spec.kafka.storage', a.kafka?.storage, b.kafka?.storage, rejected, noEffect);
      if (typeof a.kafka?.replicas === 'number' && typeof b.kafka?.replicas === 'number' && b.kafka.replicas < a.kafka.replicas) {
        rejected('spec.kafka.replicas', `Strimzi refuses to remove brokers that still host partition replicas (${a.kafka.replicas} to ${b.kafka.replicas})`, 'move the partitions off the brokers to remove first (Cruise Control remove-brokers)');
      }
      break;
    case 'kafka.strimzi.io/KafkaTopic':
      if (a.topicName !== b.topicName) rejected('spec.topicName', 'the Topic Operator cannot rename a topic');
      if (typeof a.partitions === 'number' && typeof b.partitions === 'number' && b.partitions < a.partitions) {
        rejected('spec.partitions', `Kafka cannot reduce a topic's partitions (${a.partitions} to ${b.partitions}); the topic goes NotReady`);
      }
      if (a.replicas !== undefined && b.replicas !== undefined && a.replicas !== b.replicas) {
        noEffect('spec.replicas', 'the Topic Operator changes the replication factor only through Cruise Control; without it the topic keeps its replicas and reports NotReady');
      }
      break;
    case 'redis.redis.opstreelabs.in/RedisReplication':
    case 'redis.redis.opstreelabs.in/Redis':
    case 'redis.redis.opstreelabs.in/RedisCluster':
      if (!same(a.storage, b.storage)) {
        rejected('spec.storage', "the redis-operator renders storage into a StatefulSet's volumeClaimTemplates, which Kubernetes does not allow to change", 'create a new replication with the new storage, let it sync, and switch the Sentinel/service to it');
      }
      break;
    default:
      break;
  }
  return problems;
}

type Report = (field: string, reason: string, fix?: string) => void;

function storageProblems(path: string, a: any, b: any, classNote: string, rejected: Report, noEffect: Report): void {
  if (!a || !b) return;
  if ((a.storageClass ?? null) !== (b.storageClass ?? null)) noEffect(`${path}.storageClass`, classNote, 'add instances on the new class and switch over (or restore a backup into a new cluster)');
  const from = gibibytes(a.size);
  const to = gibibytes(b.size);
  if (from !== undefined && to !== undefined && to < from) rejected(`${path}.size`, `volumes cannot shrink (${a.size} to ${b.size})`);
}

function kafkaStorageProblems(path: string, a: any, b: any, rejected: Report, noEffect: Report): void {
  if (!a || !b) return;
  if (a.type !== b.type) {
    rejected(`${path}.type`, `Strimzi does not support changing the storage type (${a.type} to ${b.type}) of existing brokers`, 'add a new node pool with the new storage, move the partitions to it (Cruise Control or kafka-reassign-partitions), then remove the old pool');
    return;
  }
  if (a.type === 'jbod') {
    const volumes = new Map<number, any>((a.volumes ?? []).map((v: any) => [v.id, v]));
    for (const v of b.volumes ?? []) {
      const old = volumes.get(v.id);
      if (old) kafkaStorageProblems(`${path}.volumes[id=${v.id}]`, old, v, rejected, noEffect);
    }
    return;
  }
  if ((a.class ?? null) !== (b.class ?? null)) noEffect(`${path}.class`, 'existing broker volumes keep their class; only new brokers get the new one');
  const from = gibibytes(a.size);
  const to = gibibytes(b.size);
  if (from !== undefined && to !== undefined && to < from) rejected(`${path}.size`, `broker volumes cannot shrink (${a.size} to ${b.size})`);
}

/** A Kubernetes storage quantity in GiB, or undefined when it is not one. */
export function gibibytes(quantity: unknown): number | undefined {
  const bytes = parseQuantity(quantity);
  return bytes === undefined ? undefined : bytes / 2 ** 30;
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
