/**
 * What stagekit needs to know about a Kubernetes object to move it between stages safely:
 * its identity, the phase it is applied in, and whether it holds data.
 */

import type { KubeObject } from '../../core/rendering';

export type { KubeObject };

/**
 * The API group of an apiVersion ('' for the core group). Identity uses the group, not the
 * version: `autoscaling/v2` and `autoscaling/v1` address the same stored object.
 */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** group/kind/namespace/name: two objects with the same key are the same object in the cluster. */
export function objectKey(kubeObject: KubeObject): string {
  return `${apiGroup(kubeObject.apiVersion)}/${kubeObject.kind}/${kubeObject.metadata.namespace ?? ''}/${kubeObject.metadata.name}`;
}

/** `StatefulSet growing-shop/postgres`, or `Namespace growing-shop` for cluster-scoped objects. */
export function describeObject(kubeObject: KubeObject): string {
  return kubeObject.metadata.namespace ? `${kubeObject.kind} ${kubeObject.metadata.namespace}/${kubeObject.metadata.name}` : `${kubeObject.kind} ${kubeObject.metadata.name}`;
}

// ---------------------------------------------------------------------------------------------
// Apply phases

/**
 * The order objects are applied in. Each phase only refers to what earlier phases created:
 * the namespace first; configuration that needs no operator; the operators' data services
 * (their controllers create pods, services and volumes); Services in front of the workloads;
 * the workloads, which connect to the data services; and last what watches or scales the
 * workloads, whose targets must exist.
 */
export const APPLY_PHASES = ['namespace', 'config', 'data', 'services', 'workloads', 'scaling-and-monitoring'] as const;
export type ApplyPhase = (typeof APPLY_PHASES)[number];

export const APPLY_PHASE_TITLES: Record<ApplyPhase, string> = {
  namespace: 'namespace and cluster-scoped prerequisites',
  config: 'configuration (service accounts, config maps, secrets, network policies, RBAC)',
  data: "data services (the operators' custom resources and volume claims)",
  services: 'services and ingress',
  workloads: 'workloads (deployments, stateful sets, disruption budgets)',
  'scaling-and-monitoring': 'autoscalers, monitors and alert rules',
};

const PHASE_BY_KIND: Record<string, ApplyPhase> = {
  '/Namespace': 'namespace',
  'apiextensions.k8s.io/CustomResourceDefinition': 'namespace',
  'scheduling.k8s.io/PriorityClass': 'namespace',
  'storage.k8s.io/StorageClass': 'namespace',
  '/ServiceAccount': 'config',
  '/ConfigMap': 'config',
  '/Secret': 'config',
  '/ResourceQuota': 'config',
  '/LimitRange': 'config',
  'networking.k8s.io/NetworkPolicy': 'config',
  'networking.k8s.io/IngressClass': 'config',
  'rbac.authorization.k8s.io/Role': 'config',
  'rbac.authorization.k8s.io/RoleBinding': 'config',
  'rbac.authorization.k8s.io/ClusterRole': 'config',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'config',
  '/PersistentVolumeClaim': 'data',
  '/Service': 'services',
  'networking.k8s.io/Ingress': 'services',
  'apps/Deployment': 'workloads',
  'apps/StatefulSet': 'workloads',
  'apps/DaemonSet': 'workloads',
  'apps/ReplicaSet': 'workloads',
  'batch/Job': 'workloads',
  'batch/CronJob': 'workloads',
  '/Pod': 'workloads',
  'policy/PodDisruptionBudget': 'workloads',
  'autoscaling/HorizontalPodAutoscaler': 'scaling-and-monitoring',
};

/** API groups whose objects scale or watch workloads rather than hold data. */
const SCALING_AND_MONITORING_GROUPS = new Set(['keda.sh', 'monitoring.coreos.com', 'autoscaling.k8s.io']);

/** Built-in groups: an unlisted kind from them is configuration, never an operator's resource. */
const BUILT_IN_GROUP = /^(|[a-z0-9-]+\.k8s\.io|apps|batch|autoscaling|policy|extensions)$/;

export function applyPhase(kubeObject: KubeObject): ApplyPhase {
  const group = apiGroup(kubeObject.apiVersion);
  const known = PHASE_BY_KIND[`${group}/${kubeObject.kind}`];
  if (known) return known;
  if (SCALING_AND_MONITORING_GROUPS.has(group)) return 'scaling-and-monitoring';
  return BUILT_IN_GROUP.test(group) ? 'config' : 'data';
}

/** Objects grouped by phase, in phase order; within a phase, manifest order is kept. */
export function objectsByPhase(objects: readonly KubeObject[]): { phase: ApplyPhase; objects: KubeObject[] }[] {
  return APPLY_PHASES.map((phase) => ({ phase, objects: objects.filter((o) => applyPhase(o) === phase) })).filter((p) => p.objects.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Stateful kinds: what deleting the object does to its data

export type RemovalEffect =
  /** The object's data is deleted with it. */
  | 'data-deleted'
  /** The object goes, its volumes stay (and must be cleaned up by hand once the data has moved). */
  | 'volumes-retained';

/**
 * How deleting a stateful object affects its data, or undefined for objects that hold none.
 * The reason names the mechanism, so a reviewer can check it against the cluster.
 */
export function removalEffect(kubeObject: KubeObject): { effect: RemovalEffect; reason: string } | undefined {
  const group = apiGroup(kubeObject.apiVersion);
  const spec = kubeObject.spec ?? {};
  switch (`${group}/${kubeObject.kind}`) {
    case 'apps/StatefulSet': {
      if (!spec.volumeClaimTemplates?.length) return undefined;
      const whenDeleted = spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
      const claims = spec.volumeClaimTemplates.map((t: any) => `${t.metadata?.name}-${kubeObject.metadata.name}-N`).join(', ');
      return whenDeleted === 'Delete'
        ? { effect: 'data-deleted', reason: `persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: its claims (${claims}) are deleted with it` }
        : { effect: 'volumes-retained', reason: `its claims (${claims}) are retained (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain)` };
    }
    case '/PersistentVolumeClaim':
      return { effect: 'data-deleted', reason: "deleting a claim releases its volume; with the usual reclaimPolicy Delete the disk is deleted" };
    case 'postgresql.cnpg.io/Cluster':
      return { effect: 'data-deleted', reason: 'CloudNativePG deletes the instances and their volume claims with the Cluster; only backups in object storage survive' };
    case 'kafka.strimzi.io/Kafka':
      return { effect: 'data-deleted', reason: 'Strimzi removes the brokers; topics and their messages are gone with the cluster' };
    case 'kafka.strimzi.io/KafkaNodePool': {
      const deleteClaim = spec.storage?.deleteClaim ?? spec.storage?.volumes?.some((v: any) => v.deleteClaim);
      return deleteClaim
        ? { effect: 'data-deleted', reason: 'storage.deleteClaim is true: the brokers\u2019 volume claims are deleted with the pool' }
        : { effect: 'volumes-retained', reason: 'the brokers go; their claims stay (deleteClaim false), but the log segments are only readable by a cluster with the same identity' };
    }
    case 'kafka.strimzi.io/KafkaTopic':
      return kubeObject.metadata.annotations?.['strimzi.io/managed'] === 'false'
        ? undefined
        : { effect: 'data-deleted', reason: 'the Topic Operator deletes the topic and its messages in Kafka' };
    case 'redis.redis.opstreelabs.in/RedisReplication':
    case 'redis.redis.opstreelabs.in/Redis':
    case 'redis.redis.opstreelabs.in/RedisCluster':
      return { effect: 'data-deleted', reason: 'the redis-operator removes the Redis pods; keys not rebuilt from the database (sessions, rate limits, queued jobs) are lost' };
    case 'stackgres.io/SGShardedCluster':
    case 'stackgres.io/SGCluster':
      return { effect: 'data-deleted', reason: 'StackGres deletes the Postgres instances and their volumes with the cluster' };
    default:
      return undefined;
  }
}

