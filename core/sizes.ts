/**
 * Machine shapes the plan chooses from. One table per role, smallest first, so the
 * plan picks the smallest machine that fits. Graviton (arm64) families throughout:
 * they are the cheapest current generation on EC2, RDS, ElastiCache and MSK alike,
 * and Hetzner's CAX line gives the self-hosted side the same architecture.
 */
export interface Shape {
  readonly vcpu: number;
  readonly memoryGiB: number;
}

export interface MachineSize extends Shape {
  /** The AWS type or class name. */
  readonly name: string;
}

const sizes = (prefix: string, rows: Array<[string, number, number]>): MachineSize[] =>
  rows.map(([size, vcpu, memoryGiB]) => ({ name: `${prefix}${size}`, vcpu, memoryGiB }));

const GRAVITON_GENERAL: Array<[string, number, number]> = [
  ['large', 2, 8],
  ['xlarge', 4, 16],
  ['2xlarge', 8, 32],
  ['4xlarge', 16, 64],
  ['8xlarge', 32, 128],
  ['12xlarge', 48, 192],
  ['16xlarge', 64, 256],
];
const GRAVITON_MEMORY: Array<[string, number, number]> = GRAVITON_GENERAL.map(([s, v, m]) => [s, v, m * 2]);

/** EC2 types for app servers, workers and the single server. */
export const EC2_GENERAL = [{ name: 'm7g.medium', vcpu: 1, memoryGiB: 4 }, ...sizes('m7g.', GRAVITON_GENERAL)];
/** RDS classes: general purpose when the working set is small, memory optimized when it is not. */
export const RDS_GENERAL = sizes('db.m7g.', GRAVITON_GENERAL);
export const RDS_MEMORY = sizes('db.r7g.', GRAVITON_MEMORY);
/** ElastiCache node types: memory is what a cache node is bought for (usable memory as AWS lists it). */
export const CACHE_NODES: MachineSize[] = [
  { name: 'cache.m7g.large', vcpu: 2, memoryGiB: 6.38 },
  { name: 'cache.r7g.large', vcpu: 2, memoryGiB: 13.07 },
  { name: 'cache.r7g.xlarge', vcpu: 4, memoryGiB: 26.32 },
  { name: 'cache.r7g.2xlarge', vcpu: 8, memoryGiB: 52.82 },
  { name: 'cache.r7g.4xlarge', vcpu: 16, memoryGiB: 105.81 },
  { name: 'cache.r7g.8xlarge', vcpu: 32, memoryGiB: 209.55 },
];
/**
 * ElastiCache's default quota of nodes in one cluster-mode-enabled replication group (Amazon ElastiCache
 * User Guide, "Quotas for ElastiCache": 90 nodes per cluster, raisable to 500 on request). Shards × nodes per
 * shard stay within it.
 */
export const CACHE_MAX_NODES_PER_CLUSTER = 90;
/** Fewest shards of a sharded cache: Redis Cluster fails a leader over by a majority of leaders. */
export const CACHE_MIN_SHARDS = 3;

/** The largest cache one plan can hold: the largest node in every shard the quota allows. */
export function cacheCapacityGiB(nodesPerShard: number): number {
  return CACHE_NODES[CACHE_NODES.length - 1].memoryGiB * Math.floor(CACHE_MAX_NODES_PER_CLUSTER / nodesPerShard);
}

/**
 * The cache's nodes for `needGiB` of memory: the smallest node that holds it all (one shard, cluster mode
 * off, as before), or, when even the largest node is too small, hash-slot shards of one node type: the
 * type whose whole shards provision the least memory (cost follows memory along the r7g line), preferring
 * fewer shards when within 10 % of it (fewer, larger shards: fewer nodes to run and rebalance), at least CACHE_MIN_SHARDS and within the nodes-per-cluster quota.
 */
export function cacheNodes(needGiB: number, nodesPerShard: number): { size: MachineSize; shards: number; fits: boolean } {
  const single = smallestFitting(CACHE_NODES, { vcpu: 0, memoryGiB: needGiB });
  if (single.fits) return { size: single.size, shards: 1, fits: true };
  const maxShards = Math.floor(CACHE_MAX_NODES_PER_CLUSTER / nodesPerShard);
  const options = CACHE_NODES.map((size) => ({ size, shards: Math.max(CACHE_MIN_SHARDS, Math.ceil(needGiB / size.memoryGiB)) })).filter((o) => o.shards <= maxShards);
  if (!options.length) return { size: CACHE_NODES[CACHE_NODES.length - 1], shards: maxShards, fits: false };
  const least = Math.min(...options.map((o) => o.shards * o.size.memoryGiB));
  const near = options.filter((o) => o.shards * o.size.memoryGiB <= least * 1.1).sort((x, y) => x.shards - y.shards);
  return { ...near[0], fits: true };
}

/**
 * MSK broker types with the sustained ingress one broker takes (MB/s) and the partition
 * replicas it carries comfortably (MSK best-practice guidance per broker size).
 */
export interface KafkaBrokerSize extends MachineSize {
  readonly ingressMBps: number;
  readonly maxPartitionReplicas: number;
}
export const KAFKA_BROKERS: KafkaBrokerSize[] = [
  { name: 'kafka.m7g.large', vcpu: 2, memoryGiB: 8, ingressMBps: 20, maxPartitionReplicas: 1000 },
  { name: 'kafka.m7g.xlarge', vcpu: 4, memoryGiB: 16, ingressMBps: 40, maxPartitionReplicas: 1000 },
  { name: 'kafka.m7g.2xlarge', vcpu: 8, memoryGiB: 32, ingressMBps: 80, maxPartitionReplicas: 2000 },
  { name: 'kafka.m7g.4xlarge', vcpu: 16, memoryGiB: 64, ingressMBps: 160, maxPartitionReplicas: 4000 },
  { name: 'kafka.m7g.8xlarge', vcpu: 32, memoryGiB: 128, ingressMBps: 320, maxPartitionReplicas: 4000 },
  { name: 'kafka.m7g.16xlarge', vcpu: 64, memoryGiB: 256, ingressMBps: 640, maxPartitionReplicas: 4000 },
];

/** The smallest size meeting both the vCPU and memory need, or the largest if none does. */
export function smallestFitting<T extends Shape>(table: readonly T[], need: Shape): { size: T; fits: boolean } {
  const size = table.find((s) => s.vcpu >= need.vcpu && s.memoryGiB >= need.memoryGiB);
  return size ? { size, fits: true } : { size: table[table.length - 1], fits: false };
}
