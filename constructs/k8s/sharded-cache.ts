import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import {
  RedisCluster,
  RedisClusterSpecInitContainerResourcesLimits,
  RedisClusterSpecInitContainerResourcesRequests,
  RedisClusterSpecKubernetesConfigResourcesLimits,
  RedisClusterSpecKubernetesConfigResourcesRequests,
  RedisClusterSpecRedisExporterResourcesLimits,
  RedisClusterSpecRedisExporterResourcesRequests,
  RedisClusterSpecStorageNodeConfVolumeClaimTemplateSpecResourcesRequests,
  RedisClusterSpecStorageVolumeClaimTemplateSpecResourcesRequests,
} from './imports/rediscluster-redis.redis.opstreelabs.in';
import { Peer } from './network-policies';
import { componentLabels, PROBE_TIMINGS, quantities, restrictedContainerSecurity, restrictedPodSecurityContext, ZONE_KEY, zoneSpread } from './pod-defaults';
import { EXPORTER_SHAPE, MAX_MEMORY_PERCENT, OT_REDIS_UID, REDIS_EXPORTER_IMAGE, REDIS_EXPORTER_PORT, REDIS_IMAGE, REDIS_PORT } from './replicated-cache';

/** Redis Cluster's bus port: the client port + 10000 (gossip and failover between the nodes). */
export const REDIS_BUS_PORT = REDIS_PORT + 10000;

export interface ShardedCacheProps {
  readonly product: string;
  /** RedisCluster name: the StatefulSets `<name>-leader` and `<name>-follower` and their Services take it. */
  readonly name: string;
  /** Shards (hash-slot ranges), each with one leader. At least 3: Redis Cluster needs a majority of leaders to fail one over. */
  readonly shards: number;
  /** Nodes per shard: one leader plus replicas (followers), one per zone. */
  readonly nodesPerShard: number;
  /** Requests (= limits) of every Redis pod. */
  readonly shape: Shape;
  readonly zones: number;
  /** Secret (created by the user) holding the Redis password. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

/**
 * A Redis Cluster (hash slots over several leaders, each with replicas) run by the OT redis-operator:
 * the cache for a hot set larger than one node holds, rendered like ElastiCache's cluster mode so the
 * application speaks the same cluster protocol on both targets. Leaders and followers spread over the
 * zones; nodes.conf and the RDB snapshot live on retained volumes so a restarted node rejoins as itself.
 * Clients seed from `<name>-leader:6379` and follow MOVED redirections.
 */
export class ShardedCache extends Construct {
  readonly cluster: RedisCluster;
  /** The seed Service clients connect to (any leader; the client learns the slot map). */
  readonly seedService: string;
  /** Every Redis pod of the cluster (leaders and followers): they talk to each other on the bus port. */
  readonly redisPeer: Peer;

  constructor(scope: Construct, id: string, props: ShardedCacheProps) {
    super(scope, id);
    if (props.shards < 3) throw new Error(`ShardedCache: Redis Cluster needs at least 3 shards for failover by majority, got ${props.shards}`);
    if (props.nodesPerShard < 2) throw new Error('ShardedCache: each shard needs a replica (nodesPerShard >= 2) to fail over');
    const name = props.name;
    this.seedService = `${name}-leader`;
    // The operator labels pods app=<name>-leader|follower, redis_setup_type=cluster; the CR's labels are added to both.
    this.redisPeer = { name, selector: { 'app.kubernetes.io/name': name, redis_setup_type: 'cluster' } };
    const redisQuantities = quantities(props.shape);
    const exporterQuantities = quantities(EXPORTER_SHAPE);
    const storageGiB = Math.max(2, Math.ceil(props.shape.memoryGiB * (MAX_MEMORY_PERCENT / 100) * 2));
    const labels = componentLabels(props.product, name);
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });

    const followers = props.shards * (props.nodesPerShard - 1);
    const role = (redisRole: 'leader' | 'follower') => {
      const selector = { app: `${name}-${redisRole}`, redis_setup_type: 'cluster' };
      return {
        replicas: redisRole === 'leader' ? props.shards : followers,
        pdb: { enabled: true, maxUnavailable: 1 },
        readinessProbe: PROBE_TIMINGS.readiness,
        livenessProbe: PROBE_TIMINGS.liveness,
        securityContext: restrictedContainerSecurity(false),
        terminationGracePeriodSeconds: 60,
        // Preferred: shards outnumber zones, so several leaders share a zone; the spread keeps them even.
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: ZONE_KEY } }] } },
        topologySpreadConstraints: zoneSpread(selector),
      };
    };

    this.cluster = new RedisCluster(this, 'cluster', {
      metadata: { name, labels: { ...labels, 'app.kubernetes.io/name': name } },
      spec: {
        clusterSize: props.shards,
        clusterVersion: 'v7',
        persistenceEnabled: true,
        serviceAccountName: name,
        port: REDIS_PORT,
        kubernetesConfig: {
          image: REDIS_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          redisSecret: props.passwordSecret,
          resources: {
            requests: { cpu: RedisClusterSpecKubernetesConfigResourcesRequests.fromString(redisQuantities.cpu), memory: RedisClusterSpecKubernetesConfigResourcesRequests.fromString(redisQuantities.memory) },
            limits: { cpu: RedisClusterSpecKubernetesConfigResourcesLimits.fromString(redisQuantities.cpu), memory: RedisClusterSpecKubernetesConfigResourcesLimits.fromString(redisQuantities.memory) },
          },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        },
        redisConfig: { maxMemoryPercentOfLimit: MAX_MEMORY_PERCENT },
        redisLeader: role('leader'),
        redisFollower: role('follower'),
        storage: {
          keepAfterDelete: true,
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClass,
              resources: { requests: { storage: RedisClusterSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(`${storageGiB}Gi`) } },
            },
          },
          // nodes.conf: a node's identity in the cluster; without it a restarted pod joins as a stranger.
          nodeConfVolume: true,
          nodeConfVolumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClass,
              resources: { requests: { storage: RedisClusterSpecStorageNodeConfVolumeClaimTemplateSpecResourcesRequests.fromString('1Gi') } },
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
            requests: { cpu: RedisClusterSpecRedisExporterResourcesRequests.fromString(exporterQuantities.cpu), memory: RedisClusterSpecRedisExporterResourcesRequests.fromString(exporterQuantities.memory) },
            limits: { cpu: RedisClusterSpecRedisExporterResourcesLimits.fromString(exporterQuantities.cpu), memory: RedisClusterSpecRedisExporterResourcesLimits.fromString(exporterQuantities.memory) },
          },
        },
        initContainer: {
          enabled: false,
          image: REDIS_IMAGE,
          securityContext: restrictedContainerSecurity(true),
          resources: {
            requests: { cpu: RedisClusterSpecInitContainerResourcesRequests.fromString(exporterQuantities.cpu), memory: RedisClusterSpecInitContainerResourcesRequests.fromString(exporterQuantities.memory) },
            limits: { cpu: RedisClusterSpecInitContainerResourcesLimits.fromString(exporterQuantities.cpu), memory: RedisClusterSpecInitContainerResourcesLimits.fromString(exporterQuantities.memory) },
          },
        },
        podSecurityContext: restrictedPodSecurityContext(OT_REDIS_UID),
      },
    });
  }
}
