import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import {
  RedisReplication,
  RedisReplicationSpecKubernetesConfigResourcesLimits,
  RedisReplicationSpecKubernetesConfigResourcesRequests,
  RedisReplicationSpecRedisExporterResourcesLimits,
  RedisReplicationSpecRedisExporterResourcesRequests,
  RedisReplicationSpecStorageVolumeClaimTemplateSpecResourcesRequests,
  RedisReplicationSpecInitContainerResourcesLimits,
  RedisReplicationSpecInitContainerResourcesRequests,
} from './imports/redisreplication-redis.redis.opstreelabs.in';
import {
  RedisSentinel,
  RedisSentinelSpecKubernetesConfigResourcesLimits,
  RedisSentinelSpecKubernetesConfigResourcesRequests,
  RedisSentinelSpecInitContainerResourcesLimits,
  RedisSentinelSpecInitContainerResourcesRequests,
} from './imports/redissentinel-redis.redis.opstreelabs.in';
import { Peer } from './network-policies';
import { checkImage, checkName, checkProp, checkShape, inNamespace, isWhole } from './validate';
import { componentLabels, PROBE_TIMINGS, quantities, restrictedContainerSecurity, restrictedPodSecurityContext, ZONE_KEY, zoneSpread } from './pod-defaults';

/** UID the OT (opstree) Redis, Sentinel and exporter images run as. */
export const OT_REDIS_UID = 1000;
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const REDIS_EXPORTER_PORT = 9121;
/** Redis 7.2 is the last BSD-licensed Redis and the base Valkey forked from: same protocol and commands as ElastiCache for Valkey. */
export const REDIS_IMAGE = 'quay.io/opstree/redis:v7.2.7';
export const SENTINEL_IMAGE = 'quay.io/opstree/redis-sentinel:v7.0.15';
export const REDIS_EXPORTER_IMAGE = 'quay.io/opstree/redis-exporter:v1.44.0';
/** Each Sentinel and each exporter sidecar. */
export const SENTINEL_SHAPE: Shape = { vcpu: 0.2, memoryGiB: 0.25 };
export const EXPORTER_SHAPE: Shape = { vcpu: 0.1, memoryGiB: 0.125 };
/** maxmemory as a share of the container limit: the rest is headroom for copy-on-write while saving and for replication buffers. */
export const MAX_MEMORY_PERCENT = 70;

export interface ReplicatedCacheProps {
  /** Product name: the `app.kubernetes.io/part-of` label of every object. */
  readonly product: string;
  /** RedisReplication name: the StatefulSet, its pods (`<name>-<n>`), the claim template and the `<name>-master` Service take it. */
  readonly name: string;
  /** Redis pods: one primary, the rest replicas. */
  readonly nodes: number;
  /** Requests (= limits) of each Redis pod; maxmemory is `MAX_MEMORY_PERCENT` of its memory. */
  readonly shape: Shape;
  /** Failure domains the pods are spread over (hard anti-affinity per zone when the zones allow it). */
  readonly zones: number;
  /** An existing Secret (created by you) holding the Redis password: its name and key. */
  readonly passwordSecret: {
    /** The Secret's name. Required: it is yours, created before the cache. */
    readonly name: string;
    /** The key in it that holds the password. Required: a Secret holds several. */
    readonly key: string;
  };
  /** Sentinels; an odd number, at least 3, so a majority survives one loss. @default 3 */
  readonly sentinels?: number;
  /** StorageClass of the Redis volumes. @default the cluster's default StorageClass */
  readonly storageClass?: string;
  /**
   * Size of each node's volume claim. The redis-operator renders it into a StatefulSet's claim
   * template, which cannot change once created: keep the deployed size here.
   * @default twice the memory Redis may use (an RDB snapshot plus an AOF rewrite), at least 2 GiB
   */
  readonly storageGiB?: number;
  /**
   * In-cluster TLS: a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) for Redis and Sentinel,
   * e.g. one cert-manager issues. Clients then connect with TLS. @default none: plain TCP inside the namespace
   */
  readonly tlsSecret?: string;
  /**
   * Namespace of every object it creates.
   * @default the chart's namespace
   */
  readonly namespace?: string;
  /** Redis image (the OT redis-operator's build, pinned). @default REDIS_IMAGE */
  readonly image?: string;
  /** Sentinel image (the OT redis-operator's build, pinned). @default SENTINEL_IMAGE */
  readonly sentinelImage?: string;
}

/**
 * A replicated Redis with automatic failover, run by the OT redis-operator: a
 * `RedisReplication` (primary + replicas, one per zone, RDB persistence on a volume so a
 * restarted primary does not come back empty and wipe its replicas) and a `RedisSentinel`
 * quorum that promotes a replica when the primary is lost. Clients ask Sentinel for the
 * primary (`<name>-sentinel:26379`, master group `myMaster`); `<name>-master` follows the
 * operator's role label for clients without Sentinel support.
 */
export class ReplicatedCache extends Construct {
  readonly replication: RedisReplication;
  readonly sentinel: RedisSentinel;
  readonly masterService: string;
  readonly sentinelService: string;
  /** Master group name Sentinel publishes. */
  readonly masterGroup = 'myMaster';
  readonly redisPeer: Peer;
  readonly sentinelPeer: Peer;

  constructor(scope: Construct, id: string, props: ReplicatedCacheProps) {
    super(scope, id);
    const construct = 'ReplicatedCache';
    checkName(construct, 'name', props.name);
    checkProp(construct, 'nodes', isWhole(props.nodes, 1, 100), 'a whole number from 1 to 100', props.nodes);
    checkProp(construct, 'zones', isWhole(props.zones, 1, 10), 'a whole number from 1 to 10', props.zones);
    checkShape(construct, 'shape', props.shape);
    checkName(construct, 'passwordSecret.name', props.passwordSecret?.name);
    if (props.sentinels !== undefined) checkProp(construct, 'sentinels', isWhole(props.sentinels, 3, 99) && props.sentinels % 2 === 1, 'an odd whole number, at least 3 (a majority must survive one loss)', props.sentinels);
    if (props.storageClass !== undefined) checkName(construct, 'storageClass', props.storageClass);
    const image = props.image ?? REDIS_IMAGE;
    const sentinelImage = props.sentinelImage ?? SENTINEL_IMAGE;
    checkImage(construct, 'image', image);
    checkImage(construct, 'sentinelImage', sentinelImage);
    const name = props.name;
    const sentinelName = `${name}-sentinel`;
    this.masterService = `${name}-master`;
    this.sentinelService = sentinelName;
    // The operator labels its pods app=<statefulset>, redis_setup_type=<mode> (labels of the CR are added).
    this.redisPeer = { name, selector: { app: name, redis_setup_type: 'replication' } };
    this.sentinelPeer = { name: sentinelName, selector: { app: sentinelName, redis_setup_type: 'sentinel' } };
    const redisQuantities = quantities(props.shape);
    const exporterQuantities = quantities(EXPORTER_SHAPE);
    const sentinelQuantities = quantities(SENTINEL_SHAPE);
    // RDB snapshot plus an AOF rewrite of the data set fit twice over.
    const storageGiB = props.storageGiB ?? Math.max(2, Math.ceil(props.shape.memoryGiB * (MAX_MEMORY_PERCENT / 100) * 2));

    for (const [saName, labels] of [
      [name, componentLabels(props.product, name)],
      [sentinelName, componentLabels(props.product, sentinelName)],
    ] as const) {
      new k8s.KubeServiceAccount(this, `${saName}-service-account`, { metadata: { name: saName, labels }, automountServiceAccountToken: false });
    }

    this.replication = new RedisReplication(this, 'replication', {
      metadata: { name, labels: componentLabels(props.product, name) },
      spec: {
        clusterSize: props.nodes,
        serviceAccountName: name,
        kubernetesConfig: {
          image,
          imagePullPolicy: 'IfNotPresent',
          redisSecret: props.passwordSecret,
          resources: {
            requests: { cpu: RedisReplicationSpecKubernetesConfigResourcesRequests.fromString(redisQuantities.cpu), memory: RedisReplicationSpecKubernetesConfigResourcesRequests.fromString(redisQuantities.memory) },
            limits: { cpu: RedisReplicationSpecKubernetesConfigResourcesLimits.fromString(redisQuantities.cpu), memory: RedisReplicationSpecKubernetesConfigResourcesLimits.fromString(redisQuantities.memory) },
          },
          // Keep the claims when the replication is deleted or scaled down.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        },
        redisConfig: { maxMemoryPercentOfLimit: MAX_MEMORY_PERCENT },
        ...(props.tlsSecret ? { tls: { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key', secret: { secretName: props.tlsSecret } } } : {}),
        storage: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClass,
              resources: { requests: { storage: RedisReplicationSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(`${storageGiB}Gi`) } },
            },
          },
        },
        redisExporter: {
          enabled: true,
          image: REDIS_EXPORTER_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          port: REDIS_EXPORTER_PORT,
          securityContext: restrictedContainerSecurity(true),
          resources: {
            requests: { cpu: RedisReplicationSpecRedisExporterResourcesRequests.fromString(exporterQuantities.cpu), memory: RedisReplicationSpecRedisExporterResourcesRequests.fromString(exporterQuantities.memory) },
            limits: { cpu: RedisReplicationSpecRedisExporterResourcesLimits.fromString(exporterQuantities.cpu), memory: RedisReplicationSpecRedisExporterResourcesLimits.fromString(exporterQuantities.memory) },
          },
        },
        // Not run (enabled: false) unless the operator's GenerateConfigInInitContainer feature is on;
        // then its init container takes this security context and these resources.
        initContainer: {
          enabled: false,
          image,
          securityContext: restrictedContainerSecurity(true),
          resources: {
            requests: { cpu: RedisReplicationSpecInitContainerResourcesRequests.fromString(exporterQuantities.cpu), memory: RedisReplicationSpecInitContainerResourcesRequests.fromString(exporterQuantities.memory) },
            limits: { cpu: RedisReplicationSpecInitContainerResourcesLimits.fromString(exporterQuantities.cpu), memory: RedisReplicationSpecInitContainerResourcesLimits.fromString(exporterQuantities.memory) },
          },
        },
        podSecurityContext: restrictedPodSecurityContext(OT_REDIS_UID),
        // The image's entrypoint writes redis.conf under /etc/redis: not a read-only root.
        securityContext: restrictedContainerSecurity(false),
        readinessProbe: PROBE_TIMINGS.readiness,
        livenessProbe: PROBE_TIMINGS.liveness,
        pdb: { enabled: true, maxUnavailable: 1 },
        affinity: antiAffinity(this.redisPeer.selector, props.nodes <= props.zones),
        topologySpreadConstraints: zoneSpread(this.redisPeer.selector),
        terminationGracePeriodSeconds: 60,
      },
    });

    const sentinels = props.sentinels ?? 3;
    this.sentinel = new RedisSentinel(this, 'sentinel', {
      metadata: { name, labels: componentLabels(props.product, sentinelName) },
      spec: {
        clusterSize: sentinels,
        serviceAccountName: sentinelName,
        ...(props.tlsSecret ? { tls: { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key', secret: { secretName: props.tlsSecret } } } : {}),
        kubernetesConfig: {
          image: sentinelImage,
          imagePullPolicy: 'IfNotPresent',
          redisSecret: props.passwordSecret,
          resources: {
            requests: { cpu: RedisSentinelSpecKubernetesConfigResourcesRequests.fromString(sentinelQuantities.cpu), memory: RedisSentinelSpecKubernetesConfigResourcesRequests.fromString(sentinelQuantities.memory) },
            limits: { cpu: RedisSentinelSpecKubernetesConfigResourcesLimits.fromString(sentinelQuantities.cpu), memory: RedisSentinelSpecKubernetesConfigResourcesLimits.fromString(sentinelQuantities.memory) },
          },
        },
        redisSentinelConfig: {
          redisReplicationName: name,
          masterGroupName: this.masterGroup,
          redisPort: String(REDIS_PORT),
          quorum: String(Math.floor(sentinels / 2) + 1),
          downAfterMilliseconds: '5000',
          failoverTimeout: '10000',
          parallelSyncs: '1',
          redisReplicationPassword: { secretKeyRef: { name: props.passwordSecret.name, key: props.passwordSecret.key } },
        },
        initContainer: {
          enabled: false,
          image: sentinelImage,
          securityContext: restrictedContainerSecurity(true),
          resources: {
            requests: { cpu: RedisSentinelSpecInitContainerResourcesRequests.fromString(exporterQuantities.cpu), memory: RedisSentinelSpecInitContainerResourcesRequests.fromString(exporterQuantities.memory) },
            limits: { cpu: RedisSentinelSpecInitContainerResourcesLimits.fromString(exporterQuantities.cpu), memory: RedisSentinelSpecInitContainerResourcesLimits.fromString(exporterQuantities.memory) },
          },
        },
        podSecurityContext: restrictedPodSecurityContext(OT_REDIS_UID),
        securityContext: restrictedContainerSecurity(false),
        readinessProbe: PROBE_TIMINGS.readiness,
        livenessProbe: PROBE_TIMINGS.liveness,
        pdb: { enabled: true, maxUnavailable: 1 },
        affinity: antiAffinity(this.sentinelPeer.selector, sentinels <= props.zones),
        topologySpreadConstraints: zoneSpread(this.sentinelPeer.selector),
      },
    });
    inNamespace(this, construct, props.namespace);
  }
}

/** One pod per zone when there are enough zones (required), otherwise a preference. */
function antiAffinity(selector: Record<string, string>, hard: boolean) {
  const term = { labelSelector: { matchLabels: selector }, topologyKey: ZONE_KEY };
  return {
    podAntiAffinity: hard
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}
