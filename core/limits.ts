/**
 * Service limits every plan must respect: one table, each row with the number, what kind of
 * limit it is and where it comes from. The planner checks every plan against it
 * (`planLimitFindings`); the capacity model reads the same rows.
 *
 * Kinds:
 * - `hard`: the service refuses anything beyond it (or, for `stagekit` rows, stagekit does not
 *   build beyond it). A plan over a hard limit is refused with exit 2.
 * - `quota`: an adjustable default of an AWS account. A plan over it is built, with a warning
 *   naming the quota to raise before deploying.
 * - `guidance`: the vendor's sizing recommendation. A plan over it is built, with a warning.
 */
import { UsageError } from './errors';
import type { Plan } from './plan';
import { KAFKA_BROKERS } from './sizes';

export type LimitKind = 'hard' | 'quota' | 'guidance';

export interface ServiceLimit {
  /** Service or system the limit belongs to. */
  readonly service: string;
  /** What is limited, as a phrase: "read replicas per source DB instance". */
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  readonly kind: LimitKind;
  /** Where the number is documented. */
  readonly source: string;
  /** When the source was read (YYYY-MM-DD). */
  readonly checked: string;
}

const CHECKED = '2026-12-01';

/** The table. Keys are stable identifiers other modules (core/capacity.ts) refer to. */
export const SERVICE_LIMITS = {
  rdsReadReplicasPerSource: {
    service: 'Amazon RDS for PostgreSQL',
    what: 'read replicas per source DB instance',
    value: 15,
    unit: 'replicas',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html (SourceDBInstanceIdentifier: "Each DB instance can have up to 15 read replicas")',
    checked: CHECKED,
  },
  rdsStorageGiB: {
    service: 'Amazon RDS for PostgreSQL',
    what: 'allocated storage per DB instance (gp2, gp3, io1, io2)',
    value: 65_536,
    unit: 'GiB',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (AllocatedStorage: gp3 20 to 65536); https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.html ("a maximum capacity of 64 TiB")',
    checked: CHECKED,
  },
  rdsStorageMinimumGiB: {
    service: 'Amazon RDS for PostgreSQL',
    what: 'smallest gp3 allocated storage',
    value: 20,
    unit: 'GiB',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (AllocatedStorage: gp3 20 to 65536)',
    checked: CHECKED,
  },
  ebsGp3VolumeGiB: {
    service: 'Amazon EBS',
    what: 'size of one gp3 volume',
    value: 65_536,
    unit: 'GiB',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html; enforced by aws-cdk-lib 2.276.0 ec2.Volume (gp3: 1 to 65536 GiB; gp2, io1, st1, sc1: 16384)',
    checked: CHECKED,
  },
  ebsGp3Iops: {
    service: 'Amazon EBS',
    what: 'provisioned IOPS of one gp3 volume',
    value: 80_000,
    unit: 'IOPS',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html; enforced by aws-cdk-lib 2.276.0 ec2.Volume (gp3: 3000 to 80000 IOPS, at most 500 IOPS per GiB)',
    checked: CHECKED,
  },
  cloudFormationResourcesPerStack: {
    service: 'AWS CloudFormation',
    what: 'resources declared in one stack',
    value: 500,
    unit: 'resources',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html ("Resources: maximum number of resources that you can declare in your template: 500")',
    checked: CHECKED,
  },
  cloudFormationOutputsPerStack: {
    service: 'AWS CloudFormation',
    what: 'outputs declared in one stack (a nested stack passes values to its parent as outputs)',
    value: 200,
    unit: 'outputs',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html ("Outputs: maximum number of outputs that you can declare in your template: 200")',
    checked: CHECKED,
  },
  mskBrokersPerCluster: {
    service: 'Amazon MSK (ZooKeeper mode, Kafka 3.8.x)',
    what: 'brokers per cluster',
    value: 30,
    unit: 'brokers',
    kind: 'quota',
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html (Standard brokers: 30 per ZooKeeper-based cluster, 60 per KRaft cluster, adjustable)',
    checked: CHECKED,
  },
  mskBrokersPerAccount: {
    service: 'Amazon MSK',
    what: 'brokers per account and region',
    value: 90,
    unit: 'brokers',
    kind: 'quota',
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html (90 brokers per account, adjustable)',
    checked: CHECKED,
  },
  mskStoragePerBrokerGiB: {
    service: 'Amazon MSK',
    what: 'storage per Standard broker',
    value: 16_384,
    unit: 'GiB',
    kind: 'hard',
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html (maximum storage per broker: 16384 GiB)',
    checked: CHECKED,
  },
  mskPartitionReplicasPerBroker: {
    service: 'Amazon MSK',
    what: 'partition replicas (leaders and followers) per broker, by broker size (see KAFKA_BROKERS.maxPartitionReplicas); the value here is the largest size',
    value: Math.max(...KAFKA_BROKERS.map((b) => b.maxPartitionReplicas)),
    unit: 'partition replicas',
    kind: 'guidance',
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html (Right-size your cluster: m7g.large/xlarge 1000, 2xlarge 2000, 4xlarge and up 4000)',
    checked: CHECKED,
  },
  albTargetsPerLoadBalancer: {
    service: 'Elastic Load Balancing',
    what: 'targets per Application Load Balancer',
    value: 1_000,
    unit: 'targets',
    kind: 'quota',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html (Targets per Application Load Balancer: 1,000, adjustable)',
    checked: CHECKED,
  },
  sqsInFlightMessages: {
    service: 'Amazon SQS',
    what: 'in-flight messages per standard queue',
    value: 120_000,
    unit: 'messages',
    kind: 'quota',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html (approximately 120,000 in flight; raise by support request or use more queues)',
    checked: CHECKED,
  },
  kubernetesPodsPerCluster: {
    service: 'Kubernetes',
    what: 'pods per cluster (the largest configuration upstream supports)',
    value: 150_000,
    unit: 'pods',
    kind: 'hard',
    source: 'https://kubernetes.io/docs/setup/best-practices/cluster-large/ (no more than 150,000 total pods, 5,000 nodes, 110 pods per node)',
    checked: CHECKED,
  },
  kubernetesNodesPerCluster: {
    service: 'Kubernetes',
    what: 'nodes per cluster',
    value: 5_000,
    unit: 'nodes',
    kind: 'hard',
    source: 'https://kubernetes.io/docs/setup/best-practices/cluster-large/',
    checked: CHECKED,
  },
  kubernetesPodsPerNode: {
    service: 'Kubernetes',
    what: 'pods per node (kubelet default --max-pods)',
    value: 110,
    unit: 'pods',
    kind: 'guidance',
    source: 'https://kubernetes.io/docs/setup/best-practices/cluster-large/',
    checked: CHECKED,
  },
  hetznerLargestServerVcpu: {
    service: 'Hetzner Cloud',
    what: 'vCPUs of the largest server type (CCX63)',
    value: 48,
    unit: 'vCPU',
    kind: 'guidance',
    source: 'data/prices/catalog.json selfHosted hetzner ccx63 (from eu-cloud-prices, see the catalog sources); a larger pod needs a dedicated server',
    checked: CHECKED,
  },
  hetznerLargestServerMemoryGiB: {
    service: 'Hetzner Cloud',
    what: 'memory of the largest server type (CCX63)',
    value: 192,
    unit: 'GiB',
    kind: 'guidance',
    source: 'data/prices/catalog.json selfHosted hetzner ccx63',
    checked: CHECKED,
  },
  stagekitShards: {
    service: 'stagekit',
    what: 'shard groups in one product (the largest layout stagekit synthesizes, tests and benchmarks)',
    value: 64,
    unit: 'shards',
    kind: 'hard',
    source: 'bench/shards.ts and test/aws-shard-split.test.ts: 64 shards synthesize for both targets (AWS: 16 in the product stack, 48 in 6 nested stacks), pass cdk-nag and price; beyond that, split the product into cells',
    checked: CHECKED,
  },
} as const satisfies Record<string, ServiceLimit>;

export type LimitId = keyof typeof SERVICE_LIMITS;

/** One way a plan meets a limit. */
export interface LimitFinding {
  readonly limit: LimitId;
  readonly kind: LimitKind;
  /** The plan field that breaks it, as a path: "database.readReplicas". */
  readonly field: string;
  readonly planned: number;
  readonly message: string;
}

/** A plan that breaks hard limits: a usage error (exit 2) naming every field and limit. */
export class PlanLimitError extends UsageError {
  constructor(
    readonly stage: string,
    readonly findings: readonly LimitFinding[],
  ) {
    super(`${stage}: the plan breaks service limits:\n${findings.map((f) => `  ${f.field}: ${f.message}`).join('\n')}`);
    this.name = 'PlanLimitError';
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** `planned` exceeds `limit` (NaN and infinities always do). */
function over(planned: number, limit: number): boolean {
  return !(planned <= limit);
}

/** Pods the Kubernetes rendering of a plan runs at most (the autoscaling ceilings). */
export function plannedPods(plan: Plan): number {
  let pods = plan.server ? 3 : plan.app.maxCount;
  if (plan.database) pods += plan.database.shards * (1 + (plan.database.standby ? 1 : 0) + plan.database.readReplicas);
  if (plan.cache) pods += plan.cache.nodes;
  if (plan.queue) pods += plan.queue.maxWorkers + plan.queue.selfHostedKafka.brokers;
  return pods;
}

/**
 * Every limit the plan meets. Hard findings refuse the plan; the others become warnings.
 * Arithmetic only: it never allocates per shard or per server, so it is safe on any numbers.
 */
export function planLimitFindings(plan: Plan): LimitFinding[] {
  const findings: LimitFinding[] = [];
  const add = (limit: LimitId, field: string, planned: number, message: string) => findings.push({ limit, kind: SERVICE_LIMITS[limit].kind, field, planned, message });
  const limits = SERVICE_LIMITS;

  if (plan.server && over(plan.server.dataVolumeGiB, limits.ebsGp3VolumeGiB.value)) {
    add('ebsGp3VolumeGiB', 'server.dataVolumeGiB', plan.server.dataVolumeGiB, `needs a ${fmt(plan.server.dataVolumeGiB)} GiB data volume; EBS allows ${fmt(limits.ebsGp3VolumeGiB.value)} GiB per gp3 volume: climb to split-tier (and shard later), or plan a shorter horizon (assumptions.planningHorizonMonths)`);
  }

  const db = plan.database;
  if (db) {
    if (over(db.shards, limits.stagekitShards.value)) {
      add('stagekitShards', 'database.shards', db.shards, `needs ${fmt(db.shards)} shards; stagekit builds at most ${limits.stagekitShards.value} per product: raise assumptions.maxShardGiB (up to ${fmt(limits.rdsStorageGiB.value)}), plan a shorter horizon, or split the product into cells`);
    }
    if (over(db.readReplicas, limits.rdsReadReplicasPerSource.value)) {
      add('rdsReadReplicasPerSource', 'database.readReplicas', db.readReplicas, `needs ${fmt(db.readReplicas)} read replicas; RDS allows ${limits.rdsReadReplicasPerSource.value} per primary: use the sharded stage or lower traffic.readShare`);
    }
    if (over(db.storageGiB, limits.rdsStorageGiB.value)) {
      add('rdsStorageGiB', 'database.storageGiB', db.storageGiB, `needs ${fmt(db.storageGiB)} GiB per database; RDS allows ${fmt(limits.rdsStorageGiB.value)} GiB per instance: use the sharded stage (assumptions.maxShardGiB per shard) or plan a shorter horizon`);
    }
  }

  if (over(plan.app.maxCount, limits.albTargetsPerLoadBalancer.value)) {
    add('albTargetsPerLoadBalancer', 'app.maxCount', plan.app.maxCount, `scales to ${fmt(plan.app.maxCount)} app servers; an Application Load Balancer takes ${fmt(limits.albTargetsPerLoadBalancer.value)} targets by default: request a quota increase before deploying`);
  }

  const queue = plan.queue;
  if (queue) {
    const kafka = queue.selfHostedKafka;
    const managed = queue.kafka !== undefined;
    if (over(kafka.storageGiBPerBroker, limits.mskStoragePerBrokerGiB.value)) {
      add('mskStoragePerBrokerGiB', 'queue.kafka.storageGiBPerBroker', kafka.storageGiBPerBroker, `needs ${fmt(kafka.storageGiBPerBroker)} GiB per broker; MSK allows ${fmt(limits.mskStoragePerBrokerGiB.value)} GiB: lower async.retentionHours or assumptions.jobMessageKiB`);
    }
    const replicasPerBroker = (kafka.partitions * kafka.replicationFactor) / kafka.brokers;
    if (over(replicasPerBroker, kafka.broker.maxPartitionReplicas)) {
      add('mskPartitionReplicasPerBroker', 'queue.kafka.partitions', kafka.partitions, `puts ${fmt(replicasPerBroker)} partition replicas on each ${kafka.broker.name}; MSK recommends at most ${fmt(kafka.broker.maxPartitionReplicas)}`);
    }
    if (managed && over(kafka.brokers, limits.mskBrokersPerCluster.value)) {
      add('mskBrokersPerCluster', 'queue.kafka.brokers', kafka.brokers, `needs ${fmt(kafka.brokers)} brokers; MSK allows ${limits.mskBrokersPerCluster.value} per cluster by default: request a quota increase before deploying`);
    }
    if (!managed) {
      const inFlight = queue.maxWorkers * queue.worker.vcpu * plan.profile.assumptions.jobsInFlightPerWorkerVcpu;
      if (over(inFlight, limits.sqsInFlightMessages.value)) {
        add('sqsInFlightMessages', 'queue.maxWorkers', queue.maxWorkers, `${fmt(queue.maxWorkers)} workers hold up to ${fmt(inFlight)} messages in flight; an SQS queue takes about ${fmt(limits.sqsInFlightMessages.value)}: request an increase or split the work over more queues`);
      }
    }
  }

  const pods = plannedPods(plan);
  if (over(pods, limits.kubernetesPodsPerCluster.value)) {
    add('kubernetesPodsPerCluster', 'pods', pods, `runs up to ${fmt(pods)} pods; Kubernetes supports ${fmt(limits.kubernetesPodsPerCluster.value)} per cluster: lower the load the profile plans for, or split the product into cells`);
  }

  // The largest pods must fit the largest self-hosted server priced (else the self-hosted bill cannot place them).
  const shapes: Array<[string, { vcpu: number; memoryGiB: number } | undefined]> = [
    ['database.podShape', db?.podShape],
    ['cache.podShape', plan.cache?.podShape],
    ['queue.kafka.brokerPodShape', queue?.selfHostedKafka.brokerPodShape],
  ];
  for (const [field, shape] of shapes) {
    if (shape && (over(shape.vcpu, limits.hetznerLargestServerVcpu.value) || over(shape.memoryGiB, limits.hetznerLargestServerMemoryGiB.value))) {
      add('hetznerLargestServerMemoryGiB', field, shape.memoryGiB, `a ${shape.vcpu} vCPU / ${shape.memoryGiB} GiB pod is larger than Hetzner Cloud's largest server (${limits.hetznerLargestServerVcpu.value} vCPU / ${limits.hetznerLargestServerMemoryGiB.value} GiB): self-hosted it needs a dedicated server`);
    }
  }
  return findings;
}

/** Throws a PlanLimitError when the plan breaks a hard limit; returns the warnings of the others. */
export function checkPlanLimits(plan: Plan): string[] {
  const findings = planLimitFindings(plan);
  const hard = findings.filter((f) => f.kind === 'hard');
  if (hard.length) throw new PlanLimitError(plan.stage, hard);
  return findings.map((f) => `${f.field}: ${f.message} (${f.kind === 'quota' ? 'adjustable quota' : 'vendor guidance'})`);
}

/**
 * A stack over CloudFormation's resource limit: a usage error naming the stack and the count. Each
 * stack counts on its own: a parent and each of its nested stacks (shard groups) have 500 each.
 */
export function checkStackResourceCount(stackName: string, resources: number, outputs = 0): void {
  const limit = SERVICE_LIMITS.cloudFormationResourcesPerStack.value;
  if (over(resources, limit)) {
    throw new UsageError(`${stackName}: synthesizes ${resources} resources; CloudFormation allows ${limit} per stack: lower the shard count (assumptions.maxShardGiB) or the read replicas per shard (traffic.readShare)`);
  }
  const outputLimit = SERVICE_LIMITS.cloudFormationOutputsPerStack.value;
  if (over(outputs, outputLimit)) {
    throw new UsageError(`${stackName}: synthesizes ${outputs} outputs; CloudFormation allows ${outputLimit} per stack: lower the read replicas per shard (traffic.readShare) or the shard count (assumptions.maxShardGiB)`);
  }
}

/** CDK's own check of a stack's resources, as it words it (it stops synthesis before stagekit's check can run). */
const CDK_TOO_MANY_RESOURCES = /Number of resources in stack '([^']+)': (\d+) is greater than allowed maximum of \d+/;

/** CDK's "too many resources" error as stagekit's usage error (exit 2); undefined for any other error. */
export function stackResourceLimitError(err: unknown): UsageError | undefined {
  const match = CDK_TOO_MANY_RESOURCES.exec(err instanceof Error ? err.message : '');
  if (!match) return undefined;
  try {
    checkStackResourceCount(match[1], Number(match[2]));
  } catch (usage) {
    if (usage instanceof UsageError) return usage;
  }
  return undefined;
}
