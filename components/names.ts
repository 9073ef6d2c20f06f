/**
 * Object names of the Kubernetes rendering. None depends on the stage or on a count that the
 * plan may change, so applying a later stage updates the objects of the earlier one in place:
 * CNPG clusters, their claims (`<cluster>-<n>`), the Redis claim template, the Kafka cluster,
 * its node pools (claims `data-0-kafka-<pool>-<id>`) and topics keep their names for good.
 */
export const K8S_NAMES = {
  web: 'web',
  worker: 'worker',
  /** The CNPG cluster of split-tier and read-replicas, and shard 0 from the sharded stage on. */
  postgres: 'postgres',
  /** barman-cloud ObjectStore the user creates (docs/kubernetes.md). */
  postgresObjectStore: 'postgres-backups',
  /** CNPG's generated credentials of shard 0; later shards are bootstrapped with the same ones. */
  postgresAppSecret: 'postgres-app',
  shardMap: 'postgres-shard-map',
  cache: 'cache',
  /** Secret with the Redis password, created by the user (key `password`). */
  cacheSecret: 'cache-auth',
  kafka: 'kafka',
  kafkaUsers: { web: 'kafka-web', worker: 'kafka-worker', keda: 'kafka-keda' },
} as const;

/** CNPG cluster of shard `id`: shard 0 is the cluster the earlier stages created. */
export function shardClusterName(id: number): string {
  return id === 0 ? K8S_NAMES.postgres : `${K8S_NAMES.postgres}-shard-${id}`;
}

/** Dead-letter topic of a job topic (the SQS dead-letter queue's stand-in). */
export function deadLetterTopic(topic: string): string {
  return `${topic}-dlq`;
}

/** Namespaces and addresses of the cluster the product runs in (see docs/kubernetes.md). */
export interface ClusterEnvironment {
  readonly ingressNamespace: string;
  readonly monitoringNamespace: string;
  readonly cnpgNamespace: string;
  readonly strimziNamespace: string;
  readonly redisOperatorNamespace: string;
  readonly kedaNamespace: string;
  /** @default the default StorageClass */
  readonly storageClass?: string;
  /** Address block of the Kubernetes API server. @default '0.0.0.0/0' (port-restricted to 443/6443) */
  readonly apiServerCidr?: string;
  /** Address block and port of the backup object store. @default 0.0.0.0/0, 443 */
  readonly objectStore?: { readonly cidr: string; readonly port: number };
  /** Labels Prometheus selects monitors and rules by. @default none (Prometheus selecting all) */
  readonly monitoringLabels?: Record<string, string>;
}

/** The namespaces the operators' release manifests and charts install into (as `stagekit deploy` suggests). */
export const DEFAULT_ENVIRONMENT: ClusterEnvironment = {
  ingressNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
  cnpgNamespace: 'cnpg-system',
  strimziNamespace: 'kafka',
  redisOperatorNamespace: 'redis-operator',
  kedaNamespace: 'keda',
};
