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

  for (const [key, nextObject] of next) {
    const previous = old.get(key);
    if (!previous) {
      added.push(nextObject);
      continue;
    }
    const fields = differingFields(previous, nextObject);
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    changed.push({ before: previous, after: nextObject, fields });
    for (const problem of immutableFieldProblems(previous, nextObject)) {
      risks.push({
        target: 'k8s',
        resource: describeObject(nextObject),
        resourceType: `${nextObject.apiVersion} ${nextObject.kind}`,
        severity: problem.severity,
        change: problem.severity === 'rejected' ? `${problem.field} change rejected` : `${problem.field} change has no effect`,
        reason: problem.reason,
        fix: problem.fix,
      });
    }
  }
  for (const [key, oldObject] of old) {
    if (next.has(key)) continue;
    removed.push(oldObject);
    const effect = removalEffect(oldObject);
    if (!effect) continue;
    risks.push({
      target: 'k8s',
      resource: describeObject(oldObject),
      resourceType: `${oldObject.apiVersion} ${oldObject.kind}`,
      severity: effect.effect === 'data-deleted' ? 'data-loss' : 'retained',
      change: 'removed',
      reason: `${effect.reason}. stagekit's kubectl deploy does not prune, so it stays until you delete it; Pulumi deletes it.`,
      fix: 'Move its data first (see the runbook), then delete it by hand.',
    });
  }
  return { added, changed, removed, unchanged, risks };
}

/** Paths (two levels under spec, one elsewhere) whose values differ. */
function differingFields(before: KubeObject, after: KubeObject): string[] {
  const fields: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (same(before[key], after[key])) continue;
    if ((key === 'spec' || key === 'metadata') && isObject(before[key]) && isObject(after[key])) {
      for (const sub of new Set([...Object.keys(before[key]), ...Object.keys(after[key])])) {
        if (!same(before[key][sub], after[key][sub])) fields.push(`${key}.${sub}`);
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
  const beforeSpec = before.spec ?? {};
  const afterSpec = after.spec ?? {};
  const ns = after.metadata.namespace ? ` -n ${after.metadata.namespace}` : '';
  const name = after.metadata.name;
  const problems: ImmutableFieldProblem[] = [];
  const rejected = (field: string, reason: string, fix?: string) => problems.push({ severity: 'rejected', field, reason, fix });
  const noEffect = (field: string, reason: string, fix?: string) => problems.push({ severity: 'no-effect', field, reason, fix });

  switch (`${apiGroup(after.apiVersion)}/${after.kind}`) {
    case 'apps/StatefulSet':
      for (const field of new Set([...Object.keys(beforeSpec), ...Object.keys(afterSpec)])) {
        if (STATEFULSET_MUTABLE.has(field) || same(beforeSpec[field], afterSpec[field])) continue;
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
      if (!same(beforeSpec.selector, afterSpec.selector)) {
        rejected('spec.selector', `the selector of an apps/v1 ${after.kind} is immutable`, `kubectl delete ${after.kind.toLowerCase()} ${name}${ns}, then deploy again (its pods restart: brief downtime, no data involved)`);
      }
      break;
    case 'batch/Job':
      for (const field of ['selector', 'template']) {
        if (!same(beforeSpec[field], afterSpec[field])) rejected(`spec.${field}`, `a Job's spec.${field} is immutable`, `kubectl delete job ${name}${ns}, then deploy again`);
      }
      break;
    case '/Service':
      if (beforeSpec.clusterIP && afterSpec.clusterIP && beforeSpec.clusterIP !== afterSpec.clusterIP) rejected('spec.clusterIP', 'a Service keeps its cluster IP for life', `kubectl delete service ${name}${ns}, then deploy again`);
      break;
    case '/PersistentVolumeClaim': {
      for (const field of new Set([...Object.keys(beforeSpec), ...Object.keys(afterSpec)])) {
        if (field === 'resources' || field === 'volumeAttributesClassName' || same(beforeSpec[field], afterSpec[field])) continue;
        rejected(`spec.${field}`, 'a bound claim only allows its storage request to grow (and its volume attributes class to change)', 'copy the data to a new claim (a Job that mounts both), then switch the workload to it');
      }
      const from = gibibytes(beforeSpec.resources?.requests?.storage);
      const to = gibibytes(afterSpec.resources?.requests?.storage);
      if (from !== undefined && to !== undefined && to < from) rejected('spec.resources.requests.storage', `claims cannot shrink (${beforeSpec.resources.requests.storage} to ${afterSpec.resources.requests.storage})`);
      break;
    }
    case 'postgresql.cnpg.io/Cluster': {
      if (!same(beforeSpec.bootstrap, afterSpec.bootstrap)) {
        noEffect(
          'spec.bootstrap',
          'CloudNativePG runs bootstrap once, when the cluster is created; an existing cluster keeps its data and never re-imports',
          'to load data into an existing cluster, follow the runbook (logical replication or pg_dump/pg_restore)',
        );
      }
      storageProblems('spec.storage', beforeSpec.storage, afterSpec.storage, 'the existing instances keep their volumes; only instances created later get the new class', rejected, noEffect);
      if (beforeSpec.walStorage && !afterSpec.walStorage) rejected('spec.walStorage', 'CloudNativePG does not allow removing a separate WAL volume once configured');
      else storageProblems('spec.walStorage', beforeSpec.walStorage, afterSpec.walStorage, 'existing WAL volumes keep their class', rejected, noEffect);
      break;
    }
    case 'kafka.strimzi.io/KafkaNodePool':
      kafkaStorageProblems('spec.storage', beforeSpec.storage, afterSpec.storage, rejected, noEffect);
      if (typeof beforeSpec.replicas === 'number' && typeof afterSpec.replicas === 'number' && afterSpec.replicas < beforeSpec.replicas) {
        rejected(
          'spec.replicas',
          `Strimzi refuses to remove brokers that still host partition replicas (${beforeSpec.replicas} to ${afterSpec.replicas} brokers); the pool stays at ${beforeSpec.replicas} and the Kafka resource reports the error`,
          'move the partitions off the brokers to remove (Cruise Control remove-brokers, or kafka-reassign-partitions), then scale the pool down',
        );
      }
      break;
    case 'kafka.strimzi.io/Kafka':
      // Before node pools, storage sat on the Kafka resource itself; the same rules apply there.
      kafkaStorageProblems('spec.kafka.storage', beforeSpec.kafka?.storage, afterSpec.kafka?.storage, rejected, noEffect);
      if (typeof beforeSpec.kafka?.replicas === 'number' && typeof afterSpec.kafka?.replicas === 'number' && afterSpec.kafka.replicas < beforeSpec.kafka.replicas) {
        rejected('spec.kafka.replicas', `Strimzi refuses to remove brokers that still host partition replicas (${beforeSpec.kafka.replicas} to ${afterSpec.kafka.replicas})`, 'move the partitions off the brokers to remove first (Cruise Control remove-brokers)');
      }
      break;
    case 'kafka.strimzi.io/KafkaTopic':
      if (beforeSpec.topicName !== afterSpec.topicName) rejected('spec.topicName', 'the Topic Operator cannot rename a topic');
      if (typeof beforeSpec.partitions === 'number' && typeof afterSpec.partitions === 'number' && afterSpec.partitions < beforeSpec.partitions) {
        rejected('spec.partitions', `Kafka cannot reduce a topic's partitions (${beforeSpec.partitions} to ${afterSpec.partitions}); the topic goes NotReady`);
      }
      if (beforeSpec.replicas !== undefined && afterSpec.replicas !== undefined && beforeSpec.replicas !== afterSpec.replicas) {
        noEffect('spec.replicas', 'the Topic Operator changes the replication factor only through Cruise Control; without it the topic keeps its replicas and reports NotReady');
      }
      break;
    case 'redis.redis.opstreelabs.in/RedisReplication':
    case 'redis.redis.opstreelabs.in/Redis':
    case 'redis.redis.opstreelabs.in/RedisCluster':
      if (!same(beforeSpec.storage, afterSpec.storage)) {
        rejected('spec.storage', "the redis-operator renders storage into a StatefulSet's volumeClaimTemplates, which Kubernetes does not allow to change", 'create a new replication with the new storage, let it sync, and switch the Sentinel/service to it');
      }
      break;
    default:
      break;
  }
  return problems;
}

type Report = (field: string, reason: string, fix?: string) => void;

function storageProblems(path: string, before: any, after: any, classNote: string, rejected: Report, noEffect: Report): void {
  if (!before || !after) return;
  if ((before.storageClass ?? null) !== (after.storageClass ?? null)) noEffect(`${path}.storageClass`, classNote, 'add instances on the new class and switch over (or restore a backup into a new cluster)');
  const from = gibibytes(before.size);
  const to = gibibytes(after.size);
  if (from !== undefined && to !== undefined && to < from) rejected(`${path}.size`, `volumes cannot shrink (${before.size} to ${after.size})`);
}

function kafkaStorageProblems(path: string, before: any, after: any, rejected: Report, noEffect: Report): void {
  if (!before || !after) return;
  if (before.type !== after.type) {
    rejected(`${path}.type`, `Strimzi does not support changing the storage type (${before.type} to ${after.type}) of existing brokers`, 'add a new node pool with the new storage, move the partitions to it (Cruise Control or kafka-reassign-partitions), then remove the old pool');
    return;
  }
  if (before.type === 'jbod') {
    const volumes = new Map<number, any>((before.volumes ?? []).map((v: any) => [v.id, v]));
    for (const volume of after.volumes ?? []) {
      const old = volumes.get(volume.id);
      if (old) kafkaStorageProblems(`${path}.volumes[id=${volume.id}]`, old, volume, rejected, noEffect);
    }
    return;
  }
  if ((before.class ?? null) !== (after.class ?? null)) noEffect(`${path}.class`, 'existing broker volumes keep their class; only new brokers get the new one');
  const from = gibibytes(before.size);
  const to = gibibytes(after.size);
  if (from !== undefined && to !== undefined && to < from) rejected(`${path}.size`, `broker volumes cannot shrink (${before.size} to ${after.size})`);
}

/** A Kubernetes storage quantity in GiB, or undefined when it is not one. */
export function gibibytes(quantity: unknown): number | undefined {
  const bytes = parseQuantity(quantity);
  return bytes === undefined ? undefined : bytes / 2 ** 30;
}

function same(left: unknown, right: unknown): boolean {
  return canonical(left) === canonical(right);
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
