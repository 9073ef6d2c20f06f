/**
 * The contract between stagekit and the application: the environment variables the app and
 * its workers are given, and the shard map they read. Both targets render exactly these names
 * (AWS in the fleets' user data, Kubernetes in the pod specs), so one app image runs unchanged
 * on either; where a target genuinely differs (IAM tokens on AWS, passwords from a Secret and
 * Sentinel discovery on Kubernetes) the difference is itself a contract variable
 * (`DATABASE_AUTH`, `CACHE_AUTH`, `CACHE_SENTINEL_*`, `KAFKA_AUTH`). The README's "The app
 * contract" section is the table app developers read; keep the two in step.
 */

/** Every environment variable name of the contract, by purpose. */
export const APP_ENV = {
  /** `web` or `worker`: which part of the product this process is. */
  role: 'STAGEKIT_ROLE',
  /** The port to listen on (set by the fleet or pod, always). */
  port: 'PORT',
  /** AWS only: the region for the SDK (IAM tokens, SSM, SQS). */
  awsRegion: 'AWS_REGION',

  /** Writer endpoint of shard 0 (pooled where a pooler exists). */
  databaseHost: 'DATABASE_HOST',
  /** Read endpoint of shard 0: replicas when there are any, otherwise the writer. */
  databaseReadHost: 'DATABASE_READ_HOST',
  /** Unpooled writer of shard 0, for session-level work (migrations, advisory locks, LISTEN). */
  databaseDirectHost: 'DATABASE_DIRECT_HOST',
  databasePort: 'DATABASE_PORT',
  databaseName: 'DATABASE_NAME',
  databaseUser: 'DATABASE_USER',
  /** `iam` (ask for a token: `rds generate-db-auth-token`) or `password` (`DATABASE_PASSWORD`). */
  databaseAuth: 'DATABASE_AUTH',
  /** Only with `DATABASE_AUTH=password`. */
  databasePassword: 'DATABASE_PASSWORD',
  /** libpq `sslmode` the server requires. */
  databaseSslMode: 'DATABASE_SSLMODE',
  /** Where the shard map is: `ssm:<parameter name>` or `file:<path>` (see `ShardMapDocument`). */
  databaseShardMap: 'DATABASE_SHARD_MAP',
  databaseShardCount: 'DATABASE_SHARD_COUNT',

  /** Cache primary (writes, and reads that must be fresh). */
  cacheHost: 'CACHE_HOST',
  /** Cache read endpoint: replicas when the target has one, otherwise the primary. */
  cacheReadHost: 'CACHE_READ_HOST',
  cachePort: 'CACHE_PORT',
  /** `true` when the cache speaks TLS only. */
  cacheTls: 'CACHE_TLS',
  /** `iam` (`CACHE_USER` with a SigV4 token for `CACHE_REPLICATION_GROUP_ID`), `password` (`CACHE_PASSWORD`) or `none`. */
  cacheAuth: 'CACHE_AUTH',
  cacheUser: 'CACHE_USER',
  cachePassword: 'CACHE_PASSWORD',
  /** Only with `CACHE_AUTH=iam`: the replication group the IAM token is signed for. */
  cacheReplicationGroupId: 'CACHE_REPLICATION_GROUP_ID',
  /** When set, discover the primary through Sentinel (`host:port,...`); `CACHE_HOST` stays a fallback. */
  cacheSentinelAddresses: 'CACHE_SENTINEL_ADDRESSES',
  cacheSentinelMaster: 'CACHE_SENTINEL_MASTER',
  /**
   * Set (`true`) only when the cache is sharded (ElastiCache cluster mode, Redis Cluster): connect with a
   * cluster-aware client seeded from `CACHE_HOST`, which follows MOVED redirections; no Sentinel.
   */
  cacheClusterMode: 'CACHE_CLUSTER_MODE',

  /** `sqs` or `kafka`: how jobs travel. */
  jobsTransport: 'JOBS_TRANSPORT',
  /** With `sqs`: the queue URL (its dead-letter queue is wired by redrive, not by the app). */
  jobsQueueUrl: 'JOBS_QUEUE_URL',
  /** With `kafka`: the job topic. */
  jobsTopic: 'JOBS_TOPIC',
  /** With `kafka` where the app publishes dead letters itself. */
  jobsDeadLetterTopic: 'JOBS_DEAD_LETTER_TOPIC',
  /** Workers with `kafka`: the consumer group. */
  jobsConsumerGroup: 'JOBS_CONSUMER_GROUP',
  /** Workers: deliveries of a failing job before it is dead-lettered. */
  jobsMaxDeliveries: 'JOBS_MAX_DELIVERIES',
  /** Workers: seconds a job may run before it is delivered again. */
  jobsVisibilityTimeoutSeconds: 'JOBS_VISIBILITY_TIMEOUT_SECONDS',

  /** `iam` (MSK IAM, SASL_SSL; find brokers from `KAFKA_CLUSTER_ARN`) or `tls` (mutual TLS with the `KAFKA_SSL_*` files). */
  kafkaAuth: 'KAFKA_AUTH',
  kafkaBootstrapServers: 'KAFKA_BOOTSTRAP_SERVERS',
  /** With `KAFKA_AUTH=iam`: `kafka:GetBootstrapBrokers` gives the brokers. */
  kafkaClusterArn: 'KAFKA_CLUSTER_ARN',
  kafkaSecurityProtocol: 'KAFKA_SECURITY_PROTOCOL',
  kafkaSslCaFile: 'KAFKA_SSL_CA_FILE',
  kafkaSslCertFile: 'KAFKA_SSL_CERT_FILE',
  kafkaSslKeyFile: 'KAFKA_SSL_KEY_FILE',
} as const;

export type AppEnvName = (typeof APP_ENV)[keyof typeof APP_ENV];

/**
 * The only names one target may give and the other not: the details of a choice that both
 * targets announce under the same name (`DATABASE_AUTH`, `CACHE_AUTH`, `JOBS_TRANSPORT` and,
 * with Kafka, `KAFKA_AUTH`; Sentinel discovery when its addresses are set), and the AWS SDK's region.
 * Every other name the app gets is the same on both targets, stage by stage
 * (test/core.test.ts (app-contract block) holds both renderings to that).
 */
export const TARGET_DETAIL_ENV: ReadonlySet<AppEnvName> = new Set<AppEnvName>([
  APP_ENV.awsRegion,
  APP_ENV.databasePassword,
  APP_ENV.cacheUser,
  APP_ENV.cachePassword,
  APP_ENV.cacheReplicationGroupId,
  APP_ENV.cacheSentinelAddresses,
  APP_ENV.cacheSentinelMaster,
  APP_ENV.jobsQueueUrl,
  APP_ENV.jobsTopic,
  APP_ENV.jobsDeadLetterTopic,
  APP_ENV.jobsConsumerGroup,
  APP_ENV.kafkaAuth,
  APP_ENV.kafkaBootstrapServers,
  APP_ENV.kafkaClusterArn,
  APP_ENV.kafkaSecurityProtocol,
  APP_ENV.kafkaSslCaFile,
  APP_ENV.kafkaSslCertFile,
  APP_ENV.kafkaSslKeyFile,
]);
export type AppRole = 'web' | 'worker';
export type DatabaseAuth = 'iam' | 'password';
export type CacheAuth = 'iam' | 'password' | 'none';

/** The database the app logs into on every stage past the single server. */
export const APP_DATABASE_NAME = 'app';
/** The database user applications log in as (on AWS with IAM authentication: create it once, see docs/aws-stages.md). */
export const APP_DATABASE_USER = 'app';

/** Where the shard map file is mounted on Kubernetes. */
export const SHARD_MAP_DIRECTORY = '/etc/stagekit/shard-map';
export const SHARD_MAP_FILE_NAME = 'shard-map.json';

/** `DATABASE_SHARD_MAP` for a shard map in SSM Parameter Store. */
export const shardMapFromParameter = (parameterName: string): string => `ssm:${parameterName}`;
/** `DATABASE_SHARD_MAP` for a shard map mounted as a file. */
export const shardMapFromFile = (path: string): string => `file:${path}`;

/** One shard of the shard map. */
export interface ShardMapEntry {
  readonly id: number;
  /** Writer host (pooled where a pooler exists). */
  readonly writer: string;
  /** Read host: replicas when the shard has any, otherwise the writer. */
  readonly reader: string;
  /** Unpooled writer, for session-level work. */
  readonly direct: string;
  /** `backfilling` shards are provisioned but own no keys yet. */
  readonly state: 'active' | 'backfilling';
}

/**
 * The shard map, the same JSON document on both targets (the AWS SSM parameter's value and
 * the Kubernetes ConfigMap's `shard-map.json`): which shard holds a key and how to reach it.
 */
export interface ShardMapDocument {
  readonly version: 1;
  readonly engine: 'postgres';
  readonly database: string;
  readonly port: number;
  /** The key-to-shard rule, e.g. `shop_id: shard = hash(shop_id) mod shards, via the published shard map`. */
  readonly shardKey: string;
  /** Route keys over shards 0..activeShards-1; the rest are being backfilled. */
  readonly activeShards: number;
  readonly shards: readonly ShardMapEntry[];
}

/** The shard map of shards given by their hosts, shard 0 first; shards from `activeShards` on are backfilling. */
export function shardMapDocument(props: {
  readonly database: string;
  readonly port: number;
  readonly shardKey: string;
  readonly activeShards: number;
  readonly shards: ReadonlyArray<Omit<ShardMapEntry, 'id' | 'state'>>;
}): ShardMapDocument {
  return {
    version: 1,
    engine: 'postgres',
    database: props.database,
    port: props.port,
    shardKey: props.shardKey,
    activeShards: props.activeShards,
    shards: props.shards.map((hosts, id) => ({ id, writer: hosts.writer, reader: hosts.reader, direct: hosts.direct, state: id < props.activeShards ? 'active' : 'backfilling' })),
  };
}
