import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabasePlan, Plan, shardSizings } from '../../core/plan';
import { describeValue, UsageError } from '../../core/errors';
import { KafkaCluster, KAFKA_AGENT_PORT, KAFKA_CLIENT_PORT, KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT } from '../../constructs/k8s/kafka-cluster';
import { podMonitor, prometheusRule, serviceMonitor } from '../../constructs/k8s/monitoring';
import { NamespaceGuard, Peer } from '../../constructs/k8s/network-policies';
import { componentLabels } from '../../constructs/k8s/pod-defaults';
import { CNPG_STATUS_PORT, PGBOUNCER_PORT, PostgresCluster, POSTGRES_PORT } from '../../constructs/k8s/postgres-cluster';
import { QueueWorker } from '../../constructs/k8s/queue-worker';
import { REDIS_PORT, ReplicatedCache, SENTINEL_PORT } from '../../constructs/k8s/replicated-cache';
import { SingleNodeStore } from '../../constructs/k8s/single-node-store';
import { WebApp } from '../../constructs/k8s/web-app';
import { stageRuleGroups } from './alerts';
import { ClusterEnvironment, deadLetterTopic, DEFAULT_ENVIRONMENT, K8S_NAMES, shardClusterName } from './names';

/** PostgreSQL 16 (the plan's engine version), CloudNativePG's standard image, pinned to a minor release. */
export const POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:16.12-standard-trixie';

export interface ProductChartProps extends ChartProps {
  readonly plan: Plan;
  /** Operator namespaces, storage class and addresses of the target cluster. @default DEFAULT_ENVIRONMENT */
  readonly environment?: Partial<ClusterEnvironment>;
  /**
   * Shards the shard map routes keys to (as the AWS rendering's `activeShards`). Apply the
   * sharded stage with `1` first, backfill the new shards, then apply the full count. While it
   * is below the shard count, shard 0 keeps the size it had before sharding.
   * @default every planned shard
   */
  readonly activeShards?: number;
}

/** A CNPG cluster's sizes: the plan's shard shape, except for shard 0 as described at `shardShapes`. */
export interface ShardShape {
  readonly podShape: DatabasePlan['podShape'];
  readonly storageGiB: number;
  readonly readReplicas: number;
  readonly maxConnections: number;
}

/** The size of every shard as CloudNativePG takes it (the rules for shard 0 are in `shardSizings`). */
export function shardShapes(plan: Plan, activeShards = plan.database!.shards): ShardShape[] {
  return shardSizings(plan, activeShards).map((s) => ({ podShape: s.podShape, storageGiB: s.storageGiB, readReplicas: s.readReplicas, maxConnections: s.maxConnections }));
}

/** The namespace, labelled so the API server enforces the "restricted" Pod Security Standard. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, plan: Plan) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: plan.product,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.27',
          'app.kubernetes.io/part-of': plan.product,
        },
      },
    });
  }
}

/** Where the application finds its dependencies: environment variables, secrets and files. */
interface Connections {
  env: Record<string, string>;
  secretEnv: Record<string, { secret: string; key: string }>;
  secretFiles: Array<{ name: string; secret: string; mountPath: string }>;
  configMapFiles: Array<{ name: string; configMap: string; mountPath: string }>;
}

/**
 * The product's stage as Kubernetes objects in the product's namespace. Object names do
 * not depend on the stage, so re-applying a later stage updates objects in place.
 *
 * - single-server: the web Deployment, Postgres and Redis as one-pod StatefulSets.
 * - split-tier: the web tier spread over zones (HPA, PDB), Postgres as a CloudNativePG cluster
 *   (primary + synchronous standby) with WAL archiving and daily backups.
 * - read-replicas: read replicas behind `-ro`, PgBouncer poolers, a Redis replication with Sentinel.
 * - sharded: one CNPG cluster per shard (shard 0 keeps the first cluster) and a shard map.
 * - queue-pipeline: Strimzi Kafka (KRaft) with the job and dead-letter topics, KEDA-scaled workers.
 *
 * Every stage: default-deny NetworkPolicies with one allow per real flow, PrometheusRules for
 * the failures the AWS alarms watch, and a ServiceMonitor or PodMonitor for every component.
 */
export class ProductChart extends Chart {
  readonly plan: Plan;
  readonly guard: NamespaceGuard;
  readonly environment: ClusterEnvironment;

  constructor(scope: Construct, id: string, props: ProductChartProps) {
    super(scope, id, { ...props, namespace: props.plan.product, disableResourceNameHashes: true });
    const { plan } = props;
    this.plan = plan;
    const env = (this.environment = { ...DEFAULT_ENVIRONMENT, ...props.environment });
    this.guard = new NamespaceGuard(this, 'network', {
      namespace: plan.product,
      ingressNamespace: env.ingressNamespace,
      monitoringNamespace: env.monitoringNamespace,
    });
    const monitoring = { labels: env.monitoringLabels };

    const activeShards = props.activeShards ?? plan.database?.shards ?? 1;
    if (plan.database && (!Number.isInteger(activeShards) || activeShards < 1 || activeShards > plan.database.shards)) {
      throw new UsageError(`activeShards: expected a whole number from 1 to ${plan.database.shards} (the planned shards), got ${describeValue(props.activeShards)}`);
    }
    if (plan.server) this.singleServer(plan);
    else this.multiTier(plan, env, activeShards);

    serviceMonitor(this, { name: K8S_NAMES.web, selector: { 'app.kubernetes.io/name': K8S_NAMES.web }, port: 'http' }, monitoring);
    prometheusRule(this, `${plan.product}-alerts`, plan.product, stageRuleGroups(plan), monitoring);
  }

  private singleServer(plan: Plan): void {
    const s = plan.server!;
    new SingleNodeStore(this, 'postgres', {
      product: plan.product,
      name: 'postgres',
      image: 'postgres:16.4',
      port: 5432,
      uid: 999,
      shape: s.postgresShape,
      storageGiB: s.dataVolumeGiB,
      storageClassName: this.environment.storageClass,
      dataPath: '/var/lib/postgresql/data',
      scratchPaths: ['/var/run/postgresql', '/tmp'],
      env: [
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
      ],
      args: ['-c', `shared_buffers=${Math.max(128, Math.floor(s.postgresShape.memoryGiB * 1024 * 0.25))}MB`],
      probeCommand: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1'],
    });
    new SingleNodeStore(this, 'redis', {
      product: plan.product,
      name: 'redis',
      image: 'redis:7.4',
      port: 6379,
      uid: 999,
      shape: s.redisShape,
      storageGiB: Math.max(1, Math.ceil(s.redisShape.memoryGiB * 2)),
      storageClassName: this.environment.storageClass,
      dataPath: '/data',
      args: ['--appendonly', 'yes', '--maxmemory', `${Math.floor(s.redisShape.memoryGiB * 1024 * 0.9)}mb`, '--maxmemory-policy', 'allkeys-lru'],
      probeCommand: ['redis-cli', 'ping'],
    });
    const web = new WebApp(this, 'web', {
      product: plan.product,
      image: plan.app.image,
      port: plan.app.port,
      healthCheckPath: plan.app.healthCheckPath,
      shape: s.appShape,
      replicas: 1,
      env: { DATABASE_HOST: 'postgres', DATABASE_PORT: '5432', REDIS_HOST: 'redis', REDIS_PORT: '6379' },
    });
    this.guard.allowFromIngress(web.name, plan.app.port);
    this.guard.allow(web.name, 'postgres', [5432]);
    this.guard.allow(web.name, 'redis', [6379]);
  }

  private multiTier(plan: Plan, env: ClusterEnvironment, activeShards: number): void {
    const db = plan.database!;
    const product = plan.product;
    const guard = this.guard;
    const monitoring = { labels: env.monitoringLabels };
    const web: Peer = { name: K8S_NAMES.web, selector: { 'app.kubernetes.io/name': K8S_NAMES.web } };
    const worker: Peer = { name: K8S_NAMES.worker, selector: { 'app.kubernetes.io/name': K8S_NAMES.worker } };
    const clients = plan.queue ? [web, worker] : [web];
    const connections: Connections = { env: {}, secretEnv: {}, secretFiles: [], configMapFiles: [] };
    // The cache is the web tier's; workers get the database and the queue only.
    const cacheConnections: Pick<Connections, 'env' | 'secretEnv'> = { env: {}, secretEnv: {} };

    // --- Postgres: one CNPG cluster per shard (shard 0 is the cluster of the earlier stages).
    const postgresLabels = componentLabels(product, 'postgres');
    const poolerLabels = componentLabels(product, 'pgbouncer');
    const postgres: Peer = { name: 'postgres', selector: { 'app.kubernetes.io/name': 'postgres' } };
    const pgbouncer: Peer = { name: 'pgbouncer', selector: { 'app.kubernetes.io/name': 'pgbouncer' } };
    const pooled = db.readReplicas > 0;
    const shards = shardShapes(plan, activeShards).map((shape, id) =>
      new PostgresCluster(this, id === 0 ? 'postgres' : `postgres-shard-${id}`, {
        product,
        name: shardClusterName(id),
        instances: 1 + (db.standby ? 1 : 0) + shape.readReplicas,
        shape: shape.podShape,
        storageGiB: shape.storageGiB,
        storageClass: env.storageClass,
        imageName: POSTGRES_IMAGE,
        zones: plan.zones,
        maxConnections: shape.maxConnections,
        synchronousStandby: db.standby,
        podLabels: { ...postgresLabels, 'stagekit.dev/shard': String(id) },
        objectStoreName: K8S_NAMES.postgresObjectStore,
        poolers: pooled ? { instances: Math.max(2, plan.zones), podLabels: poolerLabels } : undefined,
        // Later shards get shard 0's application credentials: one user and password for the whole shard map.
        appSecret: id === 0 ? undefined : K8S_NAMES.postgresAppSecret,
        annotations: { 'stagekit.dev/shard': `${id} of ${db.shards}` },
      }),
    );
    const primary = shards[0];
    connections.env.DATABASE_HOST = primary.rwPoolerService ?? primary.rwService;
    // A split-tier standby is for failover only (as RDS Multi-AZ): reads go to the primary until read replicas exist.
    connections.env.DATABASE_READ_HOST = primary.roPoolerService ?? primary.rwService;
    connections.env.DATABASE_DIRECT_HOST = primary.rwService;
    connections.env.DATABASE_PORT = String(POSTGRES_PORT);
    connections.env.DATABASE_NAME = 'app';
    connections.env.DATABASE_SSLMODE = 'require';
    connections.secretEnv.DATABASE_USER = { secret: K8S_NAMES.postgresAppSecret, key: 'username' };
    connections.secretEnv.DATABASE_PASSWORD = { secret: K8S_NAMES.postgresAppSecret, key: 'password' };
    if (db.shards > 1) {
      this.shardMap(plan, shards, activeShards);
      connections.env.SHARD_COUNT = String(db.shards);
      connections.env.SHARD_MAP_FILE = '/etc/stagekit/shard-map/shard-map.json';
      connections.configMapFiles.push({ name: 'shard-map', configMap: K8S_NAMES.shardMap, mountPath: '/etc/stagekit/shard-map' });
    }
    for (const client of clients) guard.allow(client, postgres, [POSTGRES_PORT]);
    guard.allow(postgres, postgres, [POSTGRES_PORT, CNPG_STATUS_PORT]);
    guard.allowFromNamespace(env.cnpgNamespace, postgres, [CNPG_STATUS_PORT], 'cnpg-operator-to-postgres');
    guard.allowEgressToApiServer(postgres, env.apiServerCidr);
    guard.allowEgressToAddresses(postgres, [env.objectStore?.port ?? 443], 'postgres-to-object-store', env.objectStore?.cidr);
    podMonitor(this, { name: 'postgres', selector: { ...postgres.selector, 'cnpg.io/podRole': 'instance' }, port: 'metrics', podLabels: { cluster: 'cnpg.io/cluster' } }, monitoring);
    if (pooled) {
      for (const client of clients) guard.allow(client, pgbouncer, [PGBOUNCER_PORT]);
      guard.allow(pgbouncer, postgres, [POSTGRES_PORT]);
      guard.allowEgressToApiServer(pgbouncer, env.apiServerCidr);
      podMonitor(this, { name: 'pgbouncer', selector: pgbouncer.selector, port: 'metrics', podLabels: { cluster: 'cnpg.io/cluster', pooler: 'cnpg.io/poolerName' } }, monitoring);
    }

    // --- Cache: Redis replication with Sentinel.
    if (plan.cache) {
      const cache = new ReplicatedCache(this, 'cache', {
        product,
        name: K8S_NAMES.cache,
        nodes: plan.cache.nodes,
        shape: plan.cache.podShape,
        zones: plan.zones,
        passwordSecret: { name: K8S_NAMES.cacheSecret, key: 'password' },
        storageClass: env.storageClass,
      });
      cacheConnections.env.REDIS_SENTINEL_ADDRESSES = `${cache.sentinelService}:${SENTINEL_PORT}`;
      cacheConnections.env.REDIS_SENTINEL_MASTER = cache.masterGroup;
      cacheConnections.env.REDIS_HOST = cache.masterService;
      cacheConnections.env.REDIS_PORT = String(REDIS_PORT);
      cacheConnections.secretEnv.REDIS_PASSWORD = { secret: K8S_NAMES.cacheSecret, key: 'password' };
      guard.allow(web, cache.redisPeer, [REDIS_PORT]);
      guard.allow(web, cache.sentinelPeer, [SENTINEL_PORT]);
      guard.allow(cache.redisPeer, cache.redisPeer, [REDIS_PORT]);
      guard.allow(cache.sentinelPeer, cache.redisPeer, [REDIS_PORT]);
      guard.allow(cache.sentinelPeer, cache.sentinelPeer, [SENTINEL_PORT]);
      guard.allowFromNamespace(env.redisOperatorNamespace, cache.redisPeer, [REDIS_PORT], 'redis-operator-to-cache');
      guard.allowFromNamespace(env.redisOperatorNamespace, cache.sentinelPeer, [SENTINEL_PORT], 'redis-operator-to-cache-sentinel');
      podMonitor(this, { name: K8S_NAMES.cache, selector: cache.redisPeer.selector, port: 'redis-exporter' }, monitoring);
    }

    // --- Queue: Kafka (also for SQS profiles: the self-hosted stand-in) and KEDA-scaled workers.
    if (plan.queue) this.queuePipeline(plan, env, web, worker, connections);

    const app = new WebApp(this, 'web', {
      product,
      image: plan.app.image,
      port: plan.app.port,
      healthCheckPath: plan.app.healthCheckPath,
      shape: plan.app.podShape,
      replicas: plan.app.minCount,
      maxReplicas: plan.app.maxCount,
      targetCpuPercent: plan.app.targetCpuPercent,
      zones: plan.zones,
      env: { ...connections.env, ...cacheConnections.env },
      secretEnv: { ...connections.secretEnv, ...cacheConnections.secretEnv },
      secretFiles: connections.secretFiles,
      configMapFiles: connections.configMapFiles,
    });
    guard.allowFromIngress(app.name, plan.app.port);
  }

  private queuePipeline(plan: Plan, env: ClusterEnvironment, web: Peer, worker: Peer, connections: Connections): void {
    const q = plan.queue!;
    const k = q.selfHostedKafka;
    const guard = this.guard;
    const monitoring = { labels: env.monitoringLabels };
    const dlq = deadLetterTopic(k.topic);
    const users = K8S_NAMES.kafkaUsers;
    const kafka = new KafkaCluster(this, 'kafka', {
      product: plan.product,
      name: K8S_NAMES.kafka,
      brokers: k.brokers,
      brokerShape: k.brokerPodShape,
      storageGiBPerBroker: k.storageGiBPerBroker,
      replicationFactor: k.replicationFactor,
      minInSyncReplicas: k.minInSyncReplicas,
      zones: plan.zones,
      storageClass: env.storageClass,
      topics: [
        { name: k.topic, partitions: k.partitions, retentionHours: q.retentionHours },
        // Dead letters are kept at least 14 days (SQS's longest retention), to inspect and replay.
        { name: dlq, partitions: plan.zones, retentionHours: Math.max(q.retentionHours, 14 * 24) },
      ],
      users: [
        { name: users.web, acls: [{ type: 'topic', name: k.topic, operations: ['Write', 'Describe'] }] },
        {
          name: users.worker,
          acls: [
            { type: 'topic', name: k.topic, operations: ['Read', 'Describe'] },
            { type: 'group', name: k.consumerGroup, operations: ['Read', 'Describe'] },
            { type: 'topic', name: dlq, operations: ['Write', 'Describe'] },
          ],
        },
        {
          name: users.keda,
          acls: [
            { type: 'topic', name: k.topic, operations: ['Describe'] },
            { type: 'group', name: k.consumerGroup, operations: ['Describe'] },
          ],
        },
      ],
      clientPeers: [web, worker],
      clientNamespaces: [env.kedaNamespace],
    });
    const kafkaEnv = {
      KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca/ca.crt',
      KAFKA_SSL_CERT_FILE: '/etc/kafka/user/user.crt',
      KAFKA_SSL_KEY_FILE: '/etc/kafka/user/user.key',
      JOBS_TOPIC: k.topic,
      JOBS_DEAD_LETTER_TOPIC: dlq,
    };
    Object.assign(connections.env, kafkaEnv);
    connections.secretFiles.push(
      { name: 'kafka-ca', secret: kafka.clusterCaSecret, mountPath: '/etc/kafka/ca' },
      { name: 'kafka-web-certificate', secret: users.web, mountPath: '/etc/kafka/user' },
    );

    new QueueWorker(this, 'worker', {
      product: plan.product,
      name: K8S_NAMES.worker,
      image: plan.app.image,
      port: plan.app.port,
      healthCheckPath: plan.app.healthCheckPath,
      shape: q.workerPodShape,
      minReplicas: q.minWorkers,
      maxReplicas: q.maxWorkers,
      zones: plan.zones,
      env: {
        ...connections.env,
        STAGEKIT_ROLE: 'worker',
        JOBS_CONSUMER_GROUP: k.consumerGroup,
        JOBS_MAX_DELIVERIES: String(q.maxReceiveCount),
        JOBS_VISIBILITY_TIMEOUT_SECONDS: String(q.visibilityTimeoutSeconds),
      },
      secretEnv: connections.secretEnv,
      secretFiles: [
        { name: 'kafka-ca', secret: kafka.clusterCaSecret, mountPath: '/etc/kafka/ca' },
        { name: 'kafka-worker-certificate', secret: users.worker, mountPath: '/etc/kafka/user' },
      ],
      configMapFiles: connections.configMapFiles,
      kafka: {
        bootstrapServers: `${K8S_NAMES.kafka}-kafka-bootstrap.${plan.product}.svc:${KAFKA_CLIENT_PORT}`,
        topic: k.topic,
        consumerGroup: k.consumerGroup,
        lagThreshold: q.backlogPerWorker,
        caSecret: kafka.clusterCaSecret,
        userSecret: users.keda,
      },
    });

    guard.allow(web, kafka.brokerPeer, [KAFKA_CLIENT_PORT]);
    guard.allow(worker, kafka.brokerPeer, [KAFKA_CLIENT_PORT]);
    guard.allowFromNamespace(env.kedaNamespace, kafka.brokerPeer, [KAFKA_CLIENT_PORT], 'keda-to-kafka');
    guard.allow(kafka.nodePeer, kafka.nodePeer, [KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT]);
    guard.allow(kafka.entityOperatorPeer, kafka.brokerPeer, [KAFKA_REPLICATION_PORT]);
    guard.allow(kafka.exporterPeer, kafka.brokerPeer, [KAFKA_REPLICATION_PORT]);
    guard.allowFromNamespace(env.strimziNamespace, kafka.nodePeer, [KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT, KAFKA_AGENT_PORT], 'strimzi-operator-to-kafka');
    guard.allowEgressToApiServer(kafka.nodePeer, env.apiServerCidr);
    guard.allowEgressToApiServer(kafka.entityOperatorPeer, env.apiServerCidr);

    podMonitor(this, { name: 'kafka', selector: kafka.nodePeer.selector, port: 'tcp-prometheus', podLabels: { pool: 'strimzi.io/pool-name' } }, monitoring);
    podMonitor(this, { name: 'kafka-exporter', selector: kafka.exporterPeer.selector, port: 'tcp-prometheus' }, monitoring);
    podMonitor(this, { name: 'kafka-entity-operator', selector: kafka.entityOperatorPeer.selector, port: ['healthcheck-to', 'healthcheck-uo'] }, monitoring);
    podMonitor(this, { name: K8S_NAMES.worker, selector: worker.selector, port: 'http' }, monitoring);
  }

  /**
   * The published shard map: which cluster and which hosts serve each shard, in the AWS
   * rendering's document format (writer/reader hostnames, state) plus the CNPG cluster and
   * the direct (unpooled) primary.
   */
  private shardMap(plan: Plan, shards: PostgresCluster[], activeShards: number): void {
    const db = plan.database!;
    const host = (service: string) => `${service}.${plan.product}.svc`;
    const map = {
      version: 1,
      engine: 'postgres',
      database: 'app',
      port: POSTGRES_PORT,
      shardKey: db.shardKey,
      activeShards,
      shards: shards.map((shard, id) => ({
        id,
        cluster: shard.name,
        writer: host(shard.rwPoolerService ?? shard.rwService),
        reader: host(shard.roPoolerService ?? shard.roService),
        direct: host(shard.rwService),
        state: id < activeShards ? 'active' : 'backfilling',
      })),
    };
    new k8s.KubeConfigMap(this, 'shard-map', {
      metadata: { name: K8S_NAMES.shardMap, labels: componentLabels(plan.product, 'shard-map') },
      data: { 'shard-map.json': `${JSON.stringify(map, null, 2)}\n` },
    });
  }
}
