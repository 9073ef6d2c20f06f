import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import { checkImage, checkName, checkProp, checkShape, inNamespace, isWhole } from './validate';
import {
  Cluster,
  ClusterSpecPostgresqlSynchronousDataDurability,
  ClusterSpecPostgresqlSynchronousMethod,
  ClusterSpecResourcesLimits,
  ClusterSpecResourcesRequests,
} from './imports/cluster-postgresql.cnpg.io';
import {
  Pooler,
  PoolerSpecPgbouncerPoolMode,
  PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort,
  PoolerSpecTemplateSpecContainersReadinessProbeTcpSocketPort,
  PoolerSpecTemplateSpecContainersResourcesLimits,
  PoolerSpecTemplateSpecContainersResourcesRequests,
  PoolerSpecType,
} from './imports/pooler-postgresql.cnpg.io';
import {
  ScheduledBackup,
  ScheduledBackupSpecBackupOwnerReference,
  ScheduledBackupSpecMethod,
  ScheduledBackupSpecTarget,
} from './imports/scheduledbackup-postgresql.cnpg.io';
import {
  HOST_KEY,
  PROBE_TIMINGS,
  quantities,
  restrictedContainerSecurity,
  restrictedPodSecurityContext,
  ZONE_KEY,
  zoneSpread,
  componentLabels,
} from './pod-defaults';

/** The CNPG-I plugin that archives WAL and takes base backups to an object store (CloudNativePG 1.26+). */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
/** UID and GID the CloudNativePG PostgreSQL images run as. */
export const CNPG_POSTGRES_UID = 26;
/** PgBouncer per pooler pod: it is single-threaded, so one core is all it can use. */
export const POOLER_SHAPE: Shape = { vcpu: 1, memoryGiB: 1 };
/** PgBouncer's listening port in CNPG pooler pods (the same as PostgreSQL's, so clients need no change). */
export const PGBOUNCER_PORT = 5432;
export const POSTGRES_PORT = 5432;
/** The CNPG instance manager's status port (operator to instance, instance to instance). */
export const CNPG_STATUS_PORT = 8000;
/** The PostgreSQL image a PostgresCluster runs unless told otherwise (CloudNativePG's, pinned). */
export const DEFAULT_POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:16.12-standard-trixie';

export interface PostgresClusterProps {
  /** Product name: the `app.kubernetes.io/part-of` label of every object. */
  readonly product: string;
  /** Cluster name; CNPG derives `<name>-rw`, `-ro`, `-r` Services and `<name>-<n>` pods and claims from it. Never change it. */
  readonly name: string;
  /**
   * Namespace of every object it creates.
   * @default the chart's namespace
   */
  readonly namespace?: string;
  /** Primary + standby + read replicas. @default 2 (a primary and a standby: one can fail without losing the database) */
  readonly instances?: number;
  /** Requests (= limits) of each instance (Guaranteed QoS). @default { vcpu: 1, memoryGiB: 4 } */
  readonly shape?: Shape;
  /** Volume of each instance, in GiB (grown in place when raised). @default 50 */
  readonly storageGiB?: number;
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Pinned PostgreSQL image (never a floating tag: the major version is the data format). @default DEFAULT_POSTGRES_IMAGE (PostgreSQL 16.12) */
  readonly imageName?: string;
  /** Failure domains to spread instances over. @default 1 */
  readonly zones?: number;
  /** `max_connections`. @default 200 */
  readonly maxConnections?: number;
  /**
   * One synchronous standby (RDS Multi-AZ semantics): a commit waits for a second copy when one is available.
   * @default true when there are 2 instances or more
   */
  readonly synchronousStandby?: boolean;
  /** Labels every object of the cluster (pods included) inherits; NetworkPolicies select on them. @default the component labels of `product` */
  readonly podLabels?: Record<string, string>;
  /** Name of the barman-cloud `ObjectStore` (barmancloud.cnpg.io/v1) the user provides; WAL and base backups go there. */
  readonly objectStoreName: string;
  /** Six-field cron (seconds first) of the daily base backup. @default '0 0 3 * * *' (03:00 UTC) */
  readonly backupSchedule?: string;
  /** PgBouncer poolers in front of the primary (`rw`) and of the replicas (`ro`). @default none */
  readonly poolers?: {
    /** PgBouncer pods per pooler. Required: it follows your connection count (the server pool is split over them). */
    readonly instances: number;
    /** Labels on the pooler pods, which the network policies select them by. Required: only your policies know them. */
    readonly podLabels: Record<string, string>;
  };
  /**
   * Existing basic-auth Secret (username, password) the application owner is created with.
   * @default CNPG generates `<name>-app`
   */
  readonly appSecret?: string;
  /** Annotations on the Cluster (e.g. the shard id). @default none */
  readonly annotations?: Record<string, string>;
}

/**
 * One PostgreSQL cluster run by CloudNativePG: primary and standbys spread over zones with
 * hard anti-affinity where the zones allow it, restricted security contexts, Guaranteed
 * resources from the plan, WAL archiving and a daily base backup through the barman-cloud
 * plugin, and optionally PgBouncer poolers for writes and for reads.
 */
export class PostgresCluster extends Construct {
  readonly name: string;
  readonly cluster: Cluster;
  readonly backup: ScheduledBackup;
  readonly rwPooler?: Pooler;
  readonly roPooler?: Pooler;
  /** Service of the primary (always current after a failover). */
  readonly rwService: string;
  /** Service of the hot standbys (reads that tolerate the replica lag). */
  readonly roService: string;
  readonly rwPoolerService?: string;
  readonly roPoolerService?: string;

  constructor(scope: Construct, id: string, userProps: PostgresClusterProps) {
    super(scope, id);
    const props = PostgresCluster.withDefaults(userProps);
    const name = (this.name = props.name);
    this.rwService = `${name}-rw`;
    this.roService = `${name}-ro`;
    const postgresQuantities = quantities(props.shape);
    const memoryMiB = Math.round(props.shape.memoryGiB * 1024);
    // More instances than zones cannot all sit in different zones: anti-affinity becomes a
    // preference, and the hard zone spread keeps them balanced.
    const antiAffinityType = props.instances <= props.zones ? 'required' : 'preferred';

    this.cluster = new Cluster(this, 'cluster', {
      metadata: { name, annotations: props.annotations },
      spec: {
        instances: props.instances,
        imageName: props.imageName,
        imagePullPolicy: 'IfNotPresent',
        inheritedMetadata: { labels: props.podLabels },
        postgresUid: CNPG_POSTGRES_UID,
        postgresGid: CNPG_POSTGRES_UID,
        enableSuperuserAccess: false,
        enablePdb: true,
        bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true, secret: props.appSecret ? { name: props.appSecret } : undefined } },
        storage: { size: `${props.storageGiB}Gi`, storageClass: props.storageClass, resizeInUseVolumes: true },
        resources: {
          requests: { cpu: ClusterSpecResourcesRequests.fromString(postgresQuantities.cpu), memory: ClusterSpecResourcesRequests.fromString(postgresQuantities.memory) },
          limits: { cpu: ClusterSpecResourcesLimits.fromString(postgresQuantities.cpu), memory: ClusterSpecResourcesLimits.fromString(postgresQuantities.memory) },
        },
        postgresql: {
          parameters: {
            max_connections: String(props.maxConnections),
            shared_buffers: `${Math.floor(memoryMiB * 0.25)}MB`,
            effective_cache_size: `${Math.floor(memoryMiB * 0.7)}MB`,
            maintenance_work_mem: `${Math.min(2048, Math.floor(memoryMiB * 0.05))}MB`,
            work_mem: `${Math.max(4, Math.floor((memoryMiB * 0.25) / props.maxConnections))}MB`,
            max_wal_size: '8GB',
            wal_compression: 'on',
            log_min_duration_statement: '1000',
          },
          synchronous: props.synchronousStandby
            ? {
                method: ClusterSpecPostgresqlSynchronousMethod.ANY,
                number: 1,
                // Like Multi-AZ: a commit waits for the standby, but a lost standby does not stop writes.
                dataDurability: ClusterSpecPostgresqlSynchronousDataDurability.PREFERRED,
              }
            : undefined,
        },
        affinity: { enablePodAntiAffinity: true, topologyKey: ZONE_KEY, podAntiAffinityType: antiAffinityType },
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' } } },
          { maxSkew: 1, topologyKey: HOST_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' } } },
        ],
        podSecurityContext: { ...restrictedPodSecurityContext(CNPG_POSTGRES_UID), fsGroupChangePolicy: 'OnRootMismatch' },
        securityContext: restrictedContainerSecurity(true),
        seccompProfile: { type: 'RuntimeDefault' },
        probes: {
          readiness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
          liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        },
        // WAL archiving and base backups through the barman-cloud plugin (the in-tree
        // barmanObjectStore is deprecated since 1.26 and goes in 1.31).
        plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWalArchiver: true, parameters: { barmanObjectName: props.objectStoreName } }],
      },
    });

    this.backup = new ScheduledBackup(this, 'daily-backup', {
      metadata: { name: `${name}-daily` },
      spec: {
        cluster: { name },
        schedule: props.backupSchedule ?? '0 0 3 * * *',
        immediate: true,
        method: ScheduledBackupSpecMethod.PLUGIN,
        pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
        target: ScheduledBackupSpecTarget.PREFER_HYPHEN_STANDBY,
        backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
      },
    });

    if (props.poolers) {
      // Server connections: 60% of max_connections per pooler type, split over its pods; the
      // rest is for direct sessions (migrations, LISTEN/NOTIFY) and replication.
      const poolSize = Math.max(10, Math.floor((props.maxConnections * 0.6) / props.poolers.instances));
      const pooler = (type: 'rw' | 'ro') =>
        new Pooler(this, `pooler-${type}`, {
          metadata: { name: `${name}-pooler-${type}` },
          spec: {
            cluster: { name },
            type: type === 'rw' ? PoolerSpecType.RW : PoolerSpecType.RO,
            instances: props.poolers!.instances,
            pgbouncer: {
              poolMode: PoolerSpecPgbouncerPoolMode.TRANSACTION,
              parameters: {
                default_pool_size: String(poolSize),
                max_client_conn: '10000',
                max_prepared_statements: '200',
                server_idle_timeout: '300',
              },
            },
            template: {
              metadata: { labels: { ...props.poolers!.podLabels, 'stagekit.dev/pooler-type': type } },
              spec: {
                securityContext: restrictedPodSecurityContext(),
                topologySpreadConstraints: zoneSpread({ 'cnpg.io/poolerName': `${name}-pooler-${type}` }),
                containers: [
                  {
                    name: 'pgbouncer',
                    securityContext: restrictedContainerSecurity(true),
                    resources: poolerResources(),
                    readinessProbe: { ...PROBE_TIMINGS.readiness, tcpSocket: { port: PoolerSpecTemplateSpecContainersReadinessProbeTcpSocketPort.fromNumber(PGBOUNCER_PORT) } },
                    livenessProbe: { ...PROBE_TIMINGS.liveness, tcpSocket: { port: PoolerSpecTemplateSpecContainersLivenessProbeTcpSocketPort.fromNumber(PGBOUNCER_PORT) } },
                  },
                ],
              },
            },
          },
        });
      this.rwPooler = pooler('rw');
      this.roPooler = pooler('ro');
      this.rwPoolerService = `${name}-pooler-rw`;
      this.roPoolerService = `${name}-pooler-ro`;
    }
    inNamespace(this, 'PostgresCluster', props.namespace);
  }

  private static withDefaults(props: PostgresClusterProps) {
    const construct = 'PostgresCluster';
    const instances = props.instances ?? 2;
    const filled = {
      ...props,
      instances,
      shape: props.shape ?? { vcpu: 1, memoryGiB: 4 },
      storageGiB: props.storageGiB ?? 50,
      imageName: props.imageName ?? DEFAULT_POSTGRES_IMAGE,
      zones: props.zones ?? 1,
      maxConnections: props.maxConnections ?? 200,
      synchronousStandby: props.synchronousStandby ?? instances >= 2,
      podLabels: props.podLabels ?? componentLabels(props.product, props.name),
    };
    checkName(construct, 'product', filled.product);
    checkName(construct, 'name', filled.name);
    checkProp(construct, 'instances', isWhole(filled.instances, 1, 10), 'a whole number from 1 to 10', filled.instances);
    checkShape(construct, 'shape', filled.shape);
    checkProp(construct, 'storageGiB', isWhole(filled.storageGiB, 1), 'whole GiB from 1', filled.storageGiB);
    checkImage(construct, 'imageName', filled.imageName);
    checkProp(construct, 'zones', isWhole(filled.zones, 1), 'a whole number from 1', filled.zones);
    checkProp(construct, 'maxConnections', isWhole(filled.maxConnections, 10, 100000), 'a whole number from 10 to 100000', filled.maxConnections);
    checkProp(construct, 'synchronousStandby', !filled.synchronousStandby || filled.instances >= 2, 'false with a single instance (there is no standby to wait for)', filled.synchronousStandby);
    checkName(construct, 'objectStoreName', filled.objectStoreName);
    if (props.storageClass !== undefined) checkProp(construct, 'storageClass', /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(props.storageClass), 'a StorageClass name', props.storageClass);
    if (props.appSecret !== undefined) checkProp(construct, 'appSecret', /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(props.appSecret), 'the name of an existing basic-auth Secret', props.appSecret);
    if (props.backupSchedule !== undefined) checkProp(construct, 'backupSchedule', props.backupSchedule.trim().split(/\s+/).length === 6, "a six-field cron (seconds first), e.g. '0 0 3 * * *'", props.backupSchedule);
    if (props.poolers) checkProp(construct, 'poolers.instances', isWhole(props.poolers.instances, 1, 20), 'a whole number from 1 to 20', props.poolers.instances);
    return filled;
  }
}

function poolerResources() {
  const poolerQuantities = quantities(POOLER_SHAPE);
  return {
    requests: { cpu: PoolerSpecTemplateSpecContainersResourcesRequests.fromString(poolerQuantities.cpu), memory: PoolerSpecTemplateSpecContainersResourcesRequests.fromString(poolerQuantities.memory) },
    limits: { cpu: PoolerSpecTemplateSpecContainersResourcesLimits.fromString(poolerQuantities.cpu), memory: PoolerSpecTemplateSpecContainersResourcesLimits.fromString(poolerQuantities.memory) },
  };
}
