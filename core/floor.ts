/**
 * Deployed sizes are a floor. A profile edit at the same stage (more traffic, less data, a
 * higher SLO) must not shrink what holds data or change what a service only sets at creation:
 * RDS storage and volume claims cannot shrink, MSK and Strimzi do not drop brokers that hold
 * partitions, and an ElastiCache replication group's zones or an MSK cluster's client subnets
 * are create-only. Where the deployed state is known, the plan keeps it:
 * sizes are max(planned, deployed), zones and broker counts are kept.
 *
 * The deployed state comes from the deployed template or live objects (deploy/floor-sources.ts)
 * or from stagekit.lock.json, which `deploy` writes for offline use (deploy/lock.ts).
 */
import type { Plan } from './plan';
import type { StageName } from './ladder';
import { CACHE_NODES } from './sizes';

export interface DeployedSizes {
  readonly product: string;
  readonly stage: StageName;
  /** Zones the deployed stack spreads over (1 on single-server). */
  readonly zones: number;
  readonly serverDataVolumeGiB?: number;
  /** Storage of each deployed shard (index = shard), GiB. */
  readonly databaseStorageGiB?: readonly number[];
  readonly kafkaBrokers?: number;
  readonly kafkaStorageGiBPerBroker?: number;
  readonly kafkaPartitions?: number;
  /**
   * Kubernetes: the size the single server's StatefulSet volume claim template was created with.
   * The template is immutable; growth goes to the claim itself (PVC expansion).
   */
  readonly serverClaimTemplateGiB?: number;
  /** The cache's node type (ElastiCache name) and node count. */
  readonly cacheNodeType?: string;
  readonly cacheNodes?: number;
  /**
   * Kubernetes: the size of the cache replication's volume claim template (the redis-operator
   * renders it into a StatefulSet template, which cannot change).
   */
  readonly cacheClaimTemplateGiB?: number;
}

/** The sizes a plan renders, as they will be deployed. */
export function deployedSizesOf(plan: Plan, shardStorageGiB?: readonly number[]): DeployedSizes {
  const kafka = plan.queue?.selfHostedKafka;
  return {
    product: plan.product,
    stage: plan.stage,
    zones: plan.zones,
    ...(plan.server ? { serverDataVolumeGiB: plan.server.dataVolumeGiB, serverClaimTemplateGiB: plan.server.claimTemplateGiB ?? plan.server.dataVolumeGiB } : {}),
    ...(plan.database ? { databaseStorageGiB: shardStorageGiB ?? Array.from({ length: plan.database.shards }, () => plan.database!.storageGiB) } : {}),
    ...(plan.cache ? { cacheNodeType: plan.cache.node.name, cacheNodes: plan.cache.nodes, ...(plan.cache.claimTemplateGiB ? { cacheClaimTemplateGiB: plan.cache.claimTemplateGiB } : {}) } : {}),
    ...(kafka ? { kafkaBrokers: kafka.brokers, kafkaStorageGiBPerBroker: kafka.storageGiBPerBroker, kafkaPartitions: kafka.partitions } : {}),
  };
}

/** Sizes that only grow, combined: what is deployed in `earlier` and `later` together (a later deploy never lowers the floor). */
export function mergeDeployedSizes(earlier: DeployedSizes, later: DeployedSizes): DeployedSizes {
  const max = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.max(x, y));
  const shards = Math.max(earlier.databaseStorageGiB?.length ?? 0, later.databaseStorageGiB?.length ?? 0);
  return {
    product: later.product,
    stage: later.stage,
    zones: later.zones || earlier.zones,
    serverDataVolumeGiB: max(earlier.serverDataVolumeGiB, later.serverDataVolumeGiB),
    serverClaimTemplateGiB: earlier.serverClaimTemplateGiB ?? later.serverClaimTemplateGiB,
    databaseStorageGiB: shards ? Array.from({ length: shards }, (_, i) => max(earlier.databaseStorageGiB?.[i], later.databaseStorageGiB?.[i])!) : undefined,
    kafkaBrokers: max(earlier.kafkaBrokers, later.kafkaBrokers),
    kafkaStorageGiBPerBroker: max(earlier.kafkaStorageGiBPerBroker, later.kafkaStorageGiBPerBroker),
    kafkaPartitions: max(earlier.kafkaPartitions, later.kafkaPartitions),
    cacheNodeType: largerCacheNode(earlier.cacheNodeType, later.cacheNodeType),
    cacheNodes: max(earlier.cacheNodes, later.cacheNodes),
    cacheClaimTemplateGiB: earlier.cacheClaimTemplateGiB ?? later.cacheClaimTemplateGiB,
  };
}

/**
 * The plan with the deployed sizes as a floor. `wantedZones` is what the profile asks for: when the
 * deployed zones differ, the plan keeps the deployed ones (the caller computed it so) and says why.
 */
export function applyDeployedFloor(plan: Plan, deployed: DeployedSizes, wantedZones: number): Plan {
  const reasoning = [...plan.reasoning];
  const warnings = [...plan.warnings];
  const kept = (what: string, planned: number, floor: number, unit = 'GiB') => reasoning.push(`floor: ${what} kept at the deployed ${floor} ${unit} (the profile alone plans ${planned}): it cannot shrink`);
  if (plan.zones !== wantedZones) {
    warnings.push(
      `zones: the SLO asks for ${wantedZones} zones, the deployed stack spreads over ${plan.zones}; the plan keeps ${plan.zones} (the cache's zones and Kafka's client subnets are create-only). Spreading wider is a migration: see the runbook`,
    );
  }

  let server = plan.server;
  if (server && deployed.serverDataVolumeGiB !== undefined) {
    const floor = Math.max(server.dataVolumeGiB, deployed.serverDataVolumeGiB);
    if (floor > server.dataVolumeGiB) kept('server data volume', server.dataVolumeGiB, floor);
    server = { ...server, dataVolumeGiB: floor, claimTemplateGiB: deployed.serverClaimTemplateGiB ?? deployed.serverDataVolumeGiB };
  }

  let database = plan.database;
  if (database && deployed.databaseStorageGiB?.length) {
    // Shard 0 is the database earlier stages built: its floor is its own (core's shardSizings applies
    // it per shard). The size every shard is planned at takes the floor of the other shards, or of the
    // only database when the plan has one.
    const deployedShards = deployed.databaseStorageGiB;
    const others = database.shards > 1 ? deployedShards.slice(1, database.shards) : deployedShards.slice(0, 1);
    const floor = Math.max(database.storageGiB, ...others);
    if (floor > database.storageGiB) kept(database.shards > 1 ? 'shard storage' : 'database storage', database.storageGiB, floor);
    if (database.shards > 1 && (deployedShards[0] ?? 0) > floor) reasoning.push(`floor: shard 0 keeps its deployed ${deployedShards[0]} GiB`);
    database = { ...database, storageGiB: floor };
  }

  let cache = plan.cache;
  if (cache && (deployed.cacheNodeType || deployed.cacheNodes || deployed.cacheClaimTemplateGiB)) {
    const node = CACHE_NODES.find((n) => n.name === largerCacheNode(cache!.node.name, deployed.cacheNodeType));
    if (node && node !== cache.node) reasoning.push(`floor: cache node kept at the deployed ${node.name} (the profile alone plans ${cache.node.name})`);
    cache = {
      ...cache,
      node: node ?? cache.node,
      podShape: node && node !== cache.node ? { vcpu: Math.round(node.vcpu * 0.9 * 100) / 100, memoryGiB: Math.round(node.memoryGiB * 0.85 * 100) / 100 } : cache.podShape,
      nodes: Math.max(cache.nodes, deployed.cacheNodes ?? 0),
      ...(deployed.cacheClaimTemplateGiB ? { claimTemplateGiB: deployed.cacheClaimTemplateGiB } : {}),
    };
  }

  let queue = plan.queue;
  if (queue && deployed.kafkaBrokers !== undefined) {
    const planned = queue.selfHostedKafka;
    // Kafka clusters keep a broker count that is a multiple of the zones.
    const brokers = Math.max(planned.brokers, Math.ceil(deployed.kafkaBrokers / plan.zones) * plan.zones);
    const storageGiBPerBroker = Math.max(planned.storageGiBPerBroker, deployed.kafkaStorageGiBPerBroker ?? 0);
    const partitions = Math.max(planned.partitions, deployed.kafkaPartitions ?? 0);
    if (brokers > planned.brokers) kept('Kafka brokers', planned.brokers, brokers, 'brokers');
    if (storageGiBPerBroker > planned.storageGiBPerBroker) kept('Kafka storage per broker', planned.storageGiBPerBroker, storageGiBPerBroker);
    if (partitions > planned.partitions) reasoning.push(`floor: ${partitions} partitions kept (Kafka cannot reduce a topic's partitions; the profile alone plans ${planned.partitions})`);
    const kafka = { ...planned, brokers, storageGiBPerBroker, partitions };
    queue = { ...queue, selfHostedKafka: kafka, kafka: queue.kafka ? kafka : undefined };
  }
  return { ...plan, server, database, cache, queue, reasoning, warnings, deployedFloor: deployed };
}

/** The larger of two ElastiCache node types by memory (then vCPU); unknown names lose. */
function largerCacheNode(first?: string, second?: string): string | undefined {
  const size = (name?: string) => CACHE_NODES.find((n) => n.name === name);
  const firstNode = size(first);
  const secondNode = size(second);
  if (!firstNode) return secondNode ? second : first;
  if (!secondNode) return first;
  return secondNode.memoryGiB > firstNode.memoryGiB || (secondNode.memoryGiB === firstNode.memoryGiB && secondNode.vcpu > firstNode.vcpu) ? second : first;
}
