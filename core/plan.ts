import { Profile, QueueTechnology, Region } from './profile';
import { CACHE_MAX_NODES_PER_CLUSTER, CACHE_NODES, cacheNodes, EC2_GENERAL, KAFKA_BROKERS, KafkaBrokerSize, MachineSize, RDS_GENERAL, RDS_MEMORY, Shape, smallestFitting } from './sizes';
import { reaches, STAGE_NAMES, StageName, stageByName } from './ladder';
import { HOURS_PER_MONTH, round } from './units';
import { describeValue, UsageError } from './errors';
import { checkPlanLimits, PlanLimitError, SERVICE_LIMITS } from './limits';
import { applyDeployedFloor, DeployedSizes } from './floor';

export interface PlanOptions {
  /**
   * What is deployed now (from the deployed template or live objects, or stagekit.lock.json):
   * sizes become max(planned, deployed), zone sets and broker counts are kept, so a profile edit
   * never shrinks storage or changes a create-only field in place. @default nothing deployed
   */
  readonly deployed?: DeployedSizes;
}

/**
 * The plan: every size and count of a stage, computed once from the workload profile.
 * Both targets render this object (AWS with the named instance types, Kubernetes with
 * the shapes as pod requests), so their bills describe the same capacity.
 */
export interface Plan {
  readonly product: string;
  readonly stage: StageName;
  readonly region: Region;
  /** Availability zones (AWS) or failure domains (Kubernetes) the stage spreads over. */
  readonly zones: number;
  readonly app: AppPlan;
  /** Only on single-server: the VM that runs everything. */
  readonly server?: ServerPlan;
  /** From split-tier on: managed (AWS) or operator-run (Kubernetes) Postgres. */
  readonly database?: DatabasePlan;
  /** From read-replicas on. */
  readonly cache?: CachePlan;
  /** On queue-pipeline. */
  readonly queue?: QueuePlan;
  readonly observability: ObservabilityPlan;
  /** Monthly usage the profile implies, for the usage-based lines of the bill. */
  readonly usage: UsagePlan;
  /** Why each size is what it is, one line per decision. */
  readonly reasoning: string[];
  /** Where the profile is beyond what this stage is built for. */
  readonly warnings: string[];
  /** The profile the plan came from (alarm e-mail, app image, assumptions). */
  readonly profile: Profile;
  /** The deployed sizes the plan keeps as a floor, when it was planned against a deployment. */
  readonly deployedFloor?: DeployedSizes;
}

export interface AppPlan {
  readonly image: string;
  readonly port: number;
  readonly healthCheckPath: string;
  /** Machine of one app server (split-tier on); on single-server the server plan applies. */
  readonly instance: MachineSize;
  /** Servers that carry peak load with one zone lost; the autoscaling floor. */
  readonly minCount: number;
  /** Autoscaling ceiling: room for twice the planned peak. */
  readonly maxCount: number;
  readonly targetCpuPercent: number;
  /** Share of the machine the app process may use (the rest is OS, agents, kubelet). */
  readonly podShape: Shape;
}

export interface ServerPlan {
  readonly instance: MachineSize;
  readonly dataVolumeGiB: number;
  /**
   * Kubernetes: the size in the StatefulSet's volume claim template, fixed when it was created
   * (templates are immutable); the claim itself is grown to `dataVolumeGiB`. @default dataVolumeGiB
   */
  readonly claimTemplateGiB?: number;
  readonly snapshotRetentionDays: number;
  /** How the server's memory is split (pod requests on Kubernetes, config on the VM). */
  readonly appShape: Shape;
  readonly postgresShape: Shape;
  readonly redisShape: Shape;
}

export interface DatabaseGroupPlan {
  /** The instance class of the primary and of each replica (the same, so any can take over). */
  readonly instance: MachineSize;
  readonly storageGiB: number;
  /** Provisioned gp3 IOPS, when above the included baseline. */
  readonly iops?: number;
  readonly readReplicas: number;
  /** Requests (= limits) of one Postgres pod on Kubernetes: the usable share of `instance`. */
  readonly podShape: Shape;
}

export interface DatabasePlan extends DatabaseGroupPlan {
  readonly engineVersion: string;
  /** A synchronous standby in another zone (RDS Multi-AZ, CloudNativePG instance). */
  readonly standby: boolean;
  readonly backupRetentionDays: number;
  /** Shard groups; 1 before the sharded stage. Every shard has the shape above. */
  readonly shards: number;
  /** The key-to-shard rule applications follow. */
  readonly shardKey: string;
  /** Longest replica lag tolerated before alarming, seconds. */
  readonly replicaLagAlarmSeconds: number;
  readonly maxConnections: number;
}

export interface CachePlan {
  readonly engine: 'valkey';
  readonly node: MachineSize;
  /** Nodes per shard: one primary plus one replica per other zone (the whole group when not sharded). */
  readonly nodes: number;
  /**
   * Hash-slot shards (ElastiCache cluster mode, Redis Cluster on Kubernetes), each with `nodes` nodes;
   * present only when one node cannot hold the cache.
   */
  readonly shards?: number;
  /** Requests (= limits) of one cache pod on Kubernetes: the usable share of `node`. */
  readonly podShape: Shape;
  /**
   * Kubernetes: the size in the replication's volume claim template, fixed when it was created
   * (the redis-operator renders it into an immutable StatefulSet template). @default from `podShape`
   */
  readonly claimTemplateGiB?: number;
}

export interface QueuePlan {
  readonly technology: QueueTechnology;
  readonly retentionHours: number;
  readonly maxJobDelaySeconds: number;
  /** Deliveries before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Seconds a worker has to finish a job before it is redelivered. */
  readonly visibilityTimeoutSeconds: number;
  readonly worker: MachineSize;
  readonly workerPodShape: Shape;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  /** Queued jobs per worker the autoscaler aims for (drained within maxJobDelay / 2). */
  readonly backlogPerWorker: number;
  /** The managed Kafka cluster (MSK), when the profile chose Kafka. */
  readonly kafka?: KafkaPlan;
  /**
   * The Kafka cluster the self-hosted (Kubernetes) rendering runs: `kafka` itself when the
   * profile chose Kafka; for SQS, a cluster sized by the same rules for the same load, since
   * there is no self-hosted SQS (the dead-letter queue becomes a second topic).
   */
  readonly selfHostedKafka: KafkaPlan;
}

export interface KafkaPlan {
  readonly broker: KafkaBrokerSize;
  /** Requests (= limits) of one broker pod on Kubernetes: the usable share of `broker`. */
  readonly brokerPodShape: Shape;
  readonly brokers: number;
  readonly storageGiBPerBroker: number;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
  readonly topic: string;
  readonly consumerGroup: string;
  /** Consumer lag (messages) that pages: maxJobDelay worth of peak traffic. */
  readonly consumerLagAlarmMessages: number;
}

export interface BurnRateWindow {
  readonly name: 'fast' | 'slow';
  readonly longWindowMinutes: number;
  readonly shortWindowMinutes: number;
  /** How many times faster than sustainable the budget burns. */
  readonly burnRate: number;
  /** Error ratio that triggers: burnRate x error budget. */
  readonly errorRatioThreshold: number;
}

export interface ObservabilityPlan {
  readonly alarmEmail?: string;
  readonly availabilityPercent: number;
  readonly errorBudget: number;
  readonly burnRates: readonly BurnRateWindow[];
  readonly p99LatencyMs: number;
  readonly cpuAlarmPercent: number;
  readonly diskUsedAlarmPercent: number;
  readonly logRetentionDays: number;
}

export interface UsagePlan {
  readonly averageRequestsPerSecond: number;
  readonly requestsPerMonth: number;
  readonly egressGiBPerMonth: number;
  readonly jobsPerMonth: number;
  /** Bytes the app pulls from Postgres per month (crosses zones about (zones-1)/zones of the time). */
  readonly databaseTrafficGiBPerMonth: number;
  readonly writeGiBPerMonth: number;
  readonly logGiBPerMonth: number;
  readonly queueIngressMBps: number;
  readonly assumptions: string[];
}

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const GIB = 1024 ** 3;

/** Share of a machine a workload may request after OS, agents and kubelet take theirs. */
function usableShare(machine: Shape): Shape {
  return { vcpu: round(machine.vcpu * 0.9, 2), memoryGiB: round(machine.memoryGiB * 0.85, 2) };
}

/** Count of machines that carries `need` with one of `zones` lost, spread evenly. */
function zoneTolerantCount(need: number, zones: number): number {
  const survivors = zones > 1 ? zones - 1 : 1;
  const perZone = Math.ceil(need / survivors);
  return Math.max(perZone * zones, zones > 1 ? zones : 1);
}

/**
 * The plan of a stage for a profile. Refused with a PlanLimitError (a UsageError: exit 2)
 * when it breaks a hard service limit (core/limits.ts); adjustable quotas and vendor
 * guidance it exceeds are added to its warnings.
 */
export function computePlan(profile: Profile, stage: StageName, options: PlanOptions = {}): Plan {
  const keptZones = options.deployed && stage !== 'single-server' && options.deployed.zones > 1 ? options.deployed.zones : undefined;
  const planned = computeUncheckedPlan(profile, stage, keptZones);
  const plan = options.deployed ? applyDeployedFloor(planned, options.deployed, computeUncheckedPlan(profile, stage).zones) : planned;
  plan.warnings.push(...checkPlanLimits(plan));
  if (plan.database && plan.database.shards > 1) {
    // Shard 0 is the database earlier stages built: say its size as the renderings (and the runbook) have it.
    const earlier = Object.fromEntries(STAGE_NAMES.filter((s) => reaches(s, 'split-tier') && reaches(stage, s) && s !== stage).map((s) => [s, computeUncheckedPlan(profile, s)]));
    const shard0 = shardSizings(plan, earlier as PlanLadder)[0].storageGiB;
    if (shard0 !== plan.database.storageGiB) {
      plan.reasoning.push(`shard 0: ${shard0} GiB, not ${plan.database.storageGiB}: it is the database the earlier stages built (or deployed), and storage cannot shrink`);
    }
  }
  return plan;
}

/** The plan before the limit check: only for reasoning about other stages of a plan already checked. */
function computeUncheckedPlan(profile: Profile, stage: StageName, keptZones?: number): Plan {
  stageByName(stage); // validates the name
  const assumptions = profile.assumptions;
  const reasoning: string[] = [];
  const warnings: string[] = [];
  const single = stage === 'single-server';
  const zones = single ? 1 : (keptZones ?? (profile.objectives.availabilityPercent >= 99.95 ? 3 : 2));
  reasoning.push(
    keptZones
      ? `zones: ${zones} (kept: the deployed stack spreads over ${keptZones}; its cache and Kafka zone sets are create-only)`
      : single
      ? 'zones: 1 (a single server lives in one zone)'
      : `zones: ${zones} (SLO ${profile.objectives.availabilityPercent}% ${zones === 3 ? '>= 99.95%: survive a zone loss with capacity to spare' : '< 99.95%: two zones'})`,
  );

  // Application tier: CPU-bound; sized for peak at the target utilization.
  const peak = profile.traffic.peakRequestsPerSecond;
  const appVcpuNeed = peak / assumptions.requestsPerSecondPerVcpu / assumptions.targetCpuUtilization;

  // Database: reads after the cache (from read-replicas on), plus writes.
  const readQps = peak * profile.traffic.readShare * assumptions.queriesPerRequest;
  const cachedReadQps = reaches(stage, 'read-replicas') ? readQps * (1 - assumptions.cacheHitRatio) : readQps;
  const writes = profile.data.writesPerSecond;
  const horizonGiB = profile.data.datasetGiB * (1 + profile.data.monthlyGrowthPercent / 100) ** assumptions.planningHorizonMonths;
  const hotGiB = horizonGiB * assumptions.hotDataShare;
  reasoning.push(
    `dataset: ${round(profile.data.datasetGiB, 1)} GiB today, ${round(horizonGiB, 1)} GiB in ${assumptions.planningHorizonMonths} months at ${profile.data.monthlyGrowthPercent}%/month; hot set ${round(hotGiB, 1)} GiB`,
  );

  let server: ServerPlan | undefined;
  let database: DatabasePlan | undefined;
  const appInstance = smallestFitting(EC2_GENERAL, { vcpu: appVcpuNeed > 24 ? 4 : 2, memoryGiB: 0 }).size;
  let minCount = 1;
  let maxCount = 1;

  if (single) {
    const dbVcpu = (readQps / assumptions.queriesPerSecondPerDatabaseVcpu + writes / assumptions.writesPerSecondPerDatabaseVcpu) / assumptions.targetCpuUtilization;
    const redisGiB = 1;
    const pgMemory = Math.max(2, hotGiB / 0.75);
    const need: Shape = { vcpu: appVcpuNeed + dbVcpu + 0.25, memoryGiB: 2 + pgMemory + redisGiB + 1 };
    const fit = smallestFitting(EC2_GENERAL, need);
    if (!fit.fits) warnings.push(`single-server: needs ${round(need.vcpu, 1)} vCPU / ${round(need.memoryGiB, 1)} GiB, more than ${fit.size.name}; climb to split-tier`);
    const instance = fit.size;
    const usable = usableShare(instance);
    // Postgres gets what it needs for the hot set (at most half the box); Redis 1 GiB or an eighth; the app the rest.
    const postgresShape: Shape = { vcpu: round(Math.max(0.25, usable.vcpu * 0.4), 2), memoryGiB: round(Math.min(usable.memoryGiB * 0.5, Math.max(1, pgMemory)), 2) };
    const redisShape: Shape = { vcpu: round(Math.max(0.1, usable.vcpu * 0.1), 2), memoryGiB: round(Math.min(redisGiB, usable.memoryGiB / 8), 2) };
    const appShape: Shape = { vcpu: round(usable.vcpu - postgresShape.vcpu - redisShape.vcpu, 2), memoryGiB: round(usable.memoryGiB - postgresShape.memoryGiB - redisShape.memoryGiB, 2) };
    server = {
      instance,
      dataVolumeGiB: Math.max(20, Math.ceil((horizonGiB * 1.5) / 10) * 10),
      snapshotRetentionDays: profile.data.backupRetentionDays,
      appShape,
      postgresShape,
      redisShape,
    };
    reasoning.push(
      `server: ${instance.name} (${instance.vcpu} vCPU, ${instance.memoryGiB} GiB) for ${round(need.vcpu, 2)} vCPU (app ${round(appVcpuNeed, 2)} + Postgres ${round(dbVcpu, 2)}) and ${round(need.memoryGiB, 1)} GiB`,
    );
    if (profile.objectives.availabilityPercent > 99.5) warnings.push(`single-server: one machine in one zone cannot honour a ${profile.objectives.availabilityPercent}% SLO; climb to split-tier`);
  } else {
    const serversNeed = Math.ceil(appVcpuNeed / appInstance.vcpu);
    minCount = zoneTolerantCount(serversNeed, zones);
    maxCount = minCount * 2;
    reasoning.push(
      `app: ${minCount} x ${appInstance.name} (min), ${maxCount} (max): ${peak} req/s / ${assumptions.requestsPerSecondPerVcpu} req/s per vCPU / ${assumptions.targetCpuUtilization} target = ${round(appVcpuNeed, 1)} vCPU = ${serversNeed} servers, spread so ${zones - 1} zone(s) carry peak`,
    );

    const shards = reaches(stage, 'sharded')
      ? Math.max(
          2,
          Math.ceil(writes / (assumptions.writesPerSecondPerDatabaseVcpu * 16 * assumptions.targetCpuUtilization)),
          Math.ceil(horizonGiB / assumptions.maxShardGiB),
          // Reads past what the largest replicas of one primary serve (RDS allows 15 replicas per primary).
          Math.ceil(
            (cachedReadQps * (profile.objectives.consistency === 'strong' ? 0.5 : 1)) /
              assumptions.queriesPerSecondPerDatabaseVcpu /
              assumptions.targetCpuUtilization /
              (SERVICE_LIMITS.rdsReadReplicasPerSource.value * RDS_MEMORY[RDS_MEMORY.length - 1].vcpu),
          ),
        )
      : 1;
    if (shards > 1) reasoning.push(`shards: ${shards} = max(2, writes over a 16-vCPU primary, ${round(horizonGiB, 0)} GiB / ${assumptions.maxShardGiB} GiB per shard, reads over ${SERVICE_LIMITS.rdsReadReplicasPerSource.value} of the largest replicas)`);

    // Under strong consistency, reads that follow a write stay on the primary: model half the reads there.
    const replicaReadShare = profile.objectives.consistency === 'strong' ? 0.5 : 1;
    const hasReplicas = reaches(stage, 'read-replicas');
    const perShardReads = cachedReadQps / shards;
    const primaryReads = hasReplicas ? perShardReads * (1 - replicaReadShare) : perShardReads;
    const replicaReads = hasReplicas ? perShardReads * replicaReadShare : 0;
    const primaryVcpu = (primaryReads / assumptions.queriesPerSecondPerDatabaseVcpu + writes / shards / assumptions.writesPerSecondPerDatabaseVcpu) / assumptions.targetCpuUtilization;
    const memory = Math.max(8, hotGiB / shards / 0.75);
    const family = memory / Math.max(primaryVcpu, 2) > 4 ? RDS_MEMORY : RDS_GENERAL;
    const replicaVcpuNeed = replicaReads / assumptions.queriesPerSecondPerDatabaseVcpu / assumptions.targetCpuUtilization;
    const dbFit = smallestFitting(family, { vcpu: Math.max(primaryVcpu, 2), memoryGiB: memory });
    if (!dbFit.fits) warnings.push(`database: a primary needs ${round(primaryVcpu, 1)} vCPU / ${round(memory, 0)} GiB, beyond ${dbFit.size.name}; ${hasReplicas ? 'shard' : 'add read replicas'}`);
    // Replicas have the primary's class (any can take over). When the reads need more replicas than RDS
    // allows per primary, a larger class for all of them is the answer before sharding is.
    const maxReplicas = SERVICE_LIMITS.rdsReadReplicasPerSource.value;
    const instance =
      (hasReplicas && family.slice(family.indexOf(dbFit.size)).find((size) => Math.ceil(replicaVcpuNeed / size.vcpu) <= maxReplicas)) ||
      (hasReplicas && Math.ceil(replicaVcpuNeed / dbFit.size.vcpu) > maxReplicas ? family[family.length - 1] : dbFit.size);
    if (instance !== dbFit.size) reasoning.push(`database: ${instance.name} rather than ${dbFit.size.name} so that the replicas fit RDS's ${maxReplicas} per primary`);
    const readReplicas = hasReplicas ? Math.max(1, Math.ceil(replicaVcpuNeed / instance.vcpu)) : 0;
    const storageGiB = Math.max(20, Math.ceil((horizonGiB * 1.5) / shards / 10) * 10);
    // gp3 includes 3,000 IOPS (12,000 from 400 GiB on RDS); about 4 I/Os per row write (heap, index, WAL, checkpoint).
    const iopsNeed = Math.ceil(((writes / shards) * 4 + cachedReadQps / shards * 0.1) / 100) * 100;
    const included = storageGiB >= 400 ? 12000 : 3000;
    const iops = iopsNeed > included && storageGiB >= 400 ? iopsNeed : undefined;
    const staleness = profile.objectives.consistency === 'strong' ? 1 : profile.objectives.consistency.boundedStalenessSeconds;
    database = {
      engineVersion: '16',
      instance,
      storageGiB,
      iops,
      readReplicas,
      standby: true,
      backupRetentionDays: profile.data.backupRetentionDays,
      shards,
      shardKey: 'shop_id: shard = hash(shop_id) mod shards, via the published shard map',
      replicaLagAlarmSeconds: staleness,
      // Postgres reserves ~10 MiB per connection for work_mem and buffers; leave the rest to the cache.
      maxConnections: Math.min(5000, Math.max(100, Math.floor((instance.memoryGiB * 1024 * 0.25) / 10 / 10) * 10)),
      podShape: usableShare(instance),
    };
    reasoning.push(
      `database: ${shards > 1 ? `${shards} shards of ` : ''}${instance.name} primary + standby${readReplicas ? ` + ${readReplicas} read replica(s)` : ''}, ${storageGiB} GiB gp3 each: ` +
        `${round(primaryVcpu, 1)} vCPU for ${round(primaryReads, 0)} reads/s + ${round(writes / shards, 0)} writes/s at the primary, ${round(memory, 0)} GiB for the hot set` +
        (hasReplicas ? `; replicas serve ${round(replicaReads, 0)} reads/s (${round(replicaVcpuNeed, 1)} vCPU)` : ''),
    );
  }

  let cache: CachePlan | undefined;
  if (reaches(stage, 'read-replicas')) {
    const need = Math.max(4, hotGiB * 0.3);
    const fit = cacheNodes(need, zones);
    if (fit.shards === 1) {
      cache = { engine: 'valkey', node: fit.size, nodes: zones, podShape: usableShare(fit.size) };
      reasoning.push(`cache: ${zones} x ${fit.size.name} (1 primary + ${zones - 1} replica(s)) to hold ~30% of the hot set (${round(hotGiB * 0.3, 1)} GiB) and answer ${assumptions.cacheHitRatio * 100}% of reads`);
    } else {
      cache = { engine: 'valkey', node: fit.size, nodes: zones, shards: fit.shards, podShape: usableShare(fit.size) };
      reasoning.push(
        `cache: ${fit.shards} shards x ${zones} x ${fit.size.name} (cluster mode: 1 primary + ${zones - 1} replica(s) per shard, ${round(fit.shards * fit.size.memoryGiB, 0)} GiB) to hold ~30% of the hot set (${round(hotGiB * 0.3, 1)} GiB), more than the largest node (${CACHE_NODES[CACHE_NODES.length - 1].name}, ${CACHE_NODES[CACHE_NODES.length - 1].memoryGiB} GiB) holds, and answer ${assumptions.cacheHitRatio * 100}% of reads`,
      );
      if (!fit.fits) warnings.push(`cache: ${round(need, 0)} GiB is more than ${fit.shards} shards of ${fit.size.name} hold within ElastiCache's default quota of ${CACHE_MAX_NODES_PER_CLUSTER} nodes per cluster; ask AWS to raise it`);
    }
  }

  let queue: QueuePlan | undefined;
  if (reaches(stage, 'queue-pipeline')) {
    const jobs = profile.async.jobsPerSecond;
    const workerVcpu = Math.max(0.5, (jobs * assumptions.averageJobSeconds) / assumptions.jobsInFlightPerWorkerVcpu / assumptions.targetCpuUtilization);
    const worker = smallestFitting(EC2_GENERAL, { vcpu: 2, memoryGiB: 0 }).size;
    const minWorkers = Math.max(zones, Math.ceil(workerVcpu / worker.vcpu));
    const jobsPerWorkerPerSecond = (worker.vcpu * assumptions.jobsInFlightPerWorkerVcpu) / assumptions.averageJobSeconds;
    const backlogPerWorker = Math.max(10, Math.floor((jobsPerWorkerPerSecond * profile.async.maxJobDelaySeconds) / 2));
    const ingressMBps = (jobs * assumptions.jobMessageKiB) / 1024;
    // MSK wants a broker count that is a multiple of the zones; three copies need at least three brokers.
    // One partition per worker at full scale, so the lag-based autoscaler can use every worker.
    // Sized for Kafka whatever the profile chose: with SQS this is the self-hosted stand-in.
    const replicationFactor = 3;
    const baseBrokers = zones === 3 ? 3 : 4;
    const maxWorkers = minWorkers * 4;
    const broker =
      KAFKA_BROKERS.find(
        (b) => b.ingressMBps * 0.5 * baseBrokers >= ingressMBps && (b.maxPartitionReplicas * baseBrokers) / replicationFactor >= maxWorkers,
      ) ?? KAFKA_BROKERS[KAFKA_BROKERS.length - 1];
    const brokersForLoad = Math.max(ingressMBps / (broker.ingressMBps * 0.5), (maxWorkers * replicationFactor) / broker.maxPartitionReplicas);
    const brokers = Math.max(baseBrokers, Math.ceil(brokersForLoad / zones) * zones);
    const retained = (ingressMBps * profile.async.retentionHours * 3600 * replicationFactor) / 1024; // GiB
    const storageGiBPerBroker = Math.max(100, Math.ceil(((retained / brokers) * 1.5) / 10) * 10);
    const partitions = Math.max(12, Math.ceil(maxWorkers / brokers) * brokers);
    const kafkaSizing: KafkaPlan = {
      broker,
      brokerPodShape: usableShare(broker),
      brokers,
      storageGiBPerBroker,
      partitions,
      replicationFactor,
      minInSyncReplicas: Math.max(1, replicationFactor - 1),
      topic: 'jobs',
      consumerGroup: 'workers',
      consumerLagAlarmMessages: Math.max(100, Math.ceil(jobs * profile.async.maxJobDelaySeconds)),
    };
    const kafka = profile.async.queue === 'kafka' ? kafkaSizing : undefined;
    reasoning.push(
      `kafka${kafka ? '' : ' (self-hosted stand-in for SQS)'}: ${brokers} x ${broker.name}, ${storageGiBPerBroker} GiB each for ${round(ingressMBps, 3)} MB/s x ${profile.async.retentionHours} h x RF ${replicationFactor} (+50%), ${partitions} partitions (one per worker at full scale)`,
    );
    queue = {
      technology: profile.async.queue,
      retentionHours: profile.async.retentionHours,
      maxJobDelaySeconds: profile.async.maxJobDelaySeconds,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: Math.max(30, Math.ceil(assumptions.averageJobSeconds * 6)),
      worker,
      workerPodShape: usableShare(worker),
      minWorkers,
      maxWorkers: minWorkers * 4,
      backlogPerWorker,
      kafka,
      selfHostedKafka: kafkaSizing,
    };
    reasoning.push(
      `workers: ${minWorkers}-${minWorkers * 4} x ${worker.name} for ${jobs} jobs/s x ${assumptions.averageJobSeconds} s / ${assumptions.jobsInFlightPerWorkerVcpu} per vCPU; scale at ${backlogPerWorker} queued jobs per worker`,
    );
  }

  const slo = profile.objectives.availabilityPercent;
  const errorBudget = round(1 - slo / 100, 6);
  const burn = (name: 'fast' | 'slow', longWindowMinutes: number, shortWindowMinutes: number, burnRate: number): BurnRateWindow => ({
    name,
    longWindowMinutes,
    shortWindowMinutes,
    burnRate,
    errorRatioThreshold: round(burnRate * errorBudget, 6),
  });

  const averageRps = peak * assumptions.averageToPeakLoad;
  const requestsPerMonth = Math.round(averageRps * SECONDS_PER_MONTH);
  const usage: UsagePlan = {
    averageRequestsPerSecond: round(averageRps, 2),
    requestsPerMonth,
    egressGiBPerMonth: round((requestsPerMonth * profile.traffic.averageResponseKiB * 1024) / GIB, 1),
    jobsPerMonth: Math.round(profile.async.jobsPerSecond * assumptions.averageToPeakLoad * SECONDS_PER_MONTH),
    // ~4 KiB per query result on average.
    databaseTrafficGiBPerMonth: round((averageRps * assumptions.queriesPerRequest * 4 * 1024 * SECONDS_PER_MONTH) / GIB, 1),
    // ~1 KiB per row write, shipped to each standby or replica.
    writeGiBPerMonth: round((writes * assumptions.averageToPeakLoad * 1024 * SECONDS_PER_MONTH) / GIB, 1),
    // ~1 KiB of logs per request (access log + app log line).
    logGiBPerMonth: round((requestsPerMonth * 1024) / GIB, 1),
    queueIngressMBps: round((profile.async.jobsPerSecond * assumptions.jobMessageKiB) / 1024, 4),
    assumptions: [
      `average load is ${assumptions.averageToPeakLoad * 100}% of peak over a month`,
      `${profile.traffic.averageResponseKiB} KiB per response leaves the region`,
      'about 4 KiB per database query result, 1 KiB per row write replicated, 1 KiB of logs per request',
    ],
  };

  return {
    product: profile.name,
    stage,
    region: profile.region,
    zones,
    app: {
      image: profile.app.image,
      port: profile.app.port,
      healthCheckPath: profile.app.healthCheckPath,
      instance: appInstance,
      minCount,
      maxCount,
      targetCpuPercent: Math.round(assumptions.targetCpuUtilization * 100),
      podShape: usableShare(appInstance),
    },
    server,
    database,
    cache,
    queue,
    observability: {
      alarmEmail: profile.alerts.email,
      availabilityPercent: slo,
      errorBudget,
      // Google SRE workbook multi-window, multi-burn-rate alerts: 2% of a 30-day budget in 1 h, 5% in 6 h.
      burnRates: [burn('fast', 60, 5, 14.4), burn('slow', 360, 30, 6)],
      p99LatencyMs: profile.objectives.p99LatencyMs,
      cpuAlarmPercent: 80,
      diskUsedAlarmPercent: 80,
      logRetentionDays: 30,
    },
    usage,
    reasoning,
    warnings,
    profile,
  };
}

/** The size of one shard as both targets render it. */
export interface ShardSizing {
  readonly instance: MachineSize;
  readonly podShape: Shape;
  readonly storageGiB: number;
  readonly iops?: number;
  readonly readReplicas: number;
  readonly maxConnections: number;
}

/** The plan of every stage of one profile, computed once: what a move or a data migration compares. */
export type PlanLadder = Readonly<Record<StageName, Plan>>;

/**
 * The plan of a stage even when it breaks a hard service limit: then the plan is the unchecked one,
 * its findings among its warnings, and the error is returned beside it. For reasoning about a stage
 * (what an earlier stage built, whether a stage can carry a workload), never for rendering one.
 */
export function planWithinOrOverLimits(profile: Profile, stage: StageName): { plan: Plan; overLimits?: PlanLimitError } {
  try {
    return { plan: computePlan(profile, stage) };
  } catch (err) {
    if (!(err instanceof PlanLimitError)) throw err;
    const unchecked = computeUncheckedPlan(profile, stage);
    unchecked.warnings.push(...err.findings.map((f) => `over a service limit (not deployable): ${f.field}: ${f.message}`));
    return { plan: unchecked, overLimits: err };
  }
}

/**
 * Plans every stage of the ladder for a profile, each as `computePlan` gives it. A stage that
 * breaks a hard service limit is still planned (see `planWithinOrOverLimits`): a later stage must
 * know what an earlier one built or would have built, deployable or not.
 */
export function computeLadder(profile: Profile): PlanLadder {
  return Object.fromEntries(STAGE_NAMES.map((stage) => [stage, planWithinOrOverLimits(profile, stage).plan])) as Record<StageName, Plan>;
}

/** The plans of the stages before `plan`'s that already had a database (what shard 0 was built as). */
function earlierDatabases(plan: Plan, ladder: PlanLadder): DatabasePlan[] {
  return STAGE_NAMES.filter((stage) => reaches(stage, 'split-tier') && reaches(plan.stage, stage) && stage !== plan.stage).map((stage) => ladder[stage].database!);
}

/**
 * The one rule for `activeShards` (the shards the shard map routes keys to while new ones are
 * backfilled), for every way it is given: construct props, CDK context, the CLI, the cdk8s
 * app's environment. Returns the planned shard count when nothing was given.
 * @param field what the user wrote, named in the error (e.g. `activeShards`, `STAGEKIT_ACTIVE_SHARDS`)
 */
export function validateActiveShards(plan: Plan, given: unknown, field = 'activeShards'): number {
  const planned = plan.database?.shards ?? 1;
  if (given === undefined) return planned;
  const value = typeof given === 'number' ? given : typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > planned) {
    throw new UsageError(`${field}: expected a whole number from 1 to ${planned} (the planned shards), got ${describeValue(given)}`);
  }
  return value;
}

/**
 * The size of every shard of a plan. Shard 0 is the database the earlier stages built, so its
 * storage never shrinks (neither RDS storage nor a volume claim can, and the data is all still
 * there), and while new shards are backfilled (`activeShards` below the shard count) it keeps
 * the largest instance, replicas, IOPS and connection limit it had before: it still serves every key.
 * @param ladder the plans of the profile's stages (`computeLadder`), for what shard 0 was before
 */
export function shardSizings(plan: Plan, ladder: PlanLadder, activeShards = plan.database!.shards): ShardSizing[] {
  const db = plan.database!;
  const sizing = (databasePlan: DatabasePlan): ShardSizing => ({
    instance: databasePlan.instance,
    podShape: databasePlan.podShape,
    storageGiB: databasePlan.storageGiB,
    iops: databasePlan.iops,
    readReplicas: databasePlan.readReplicas,
    maxConnections: databasePlan.maxConnections,
  });
  const deployed = plan.deployedFloor?.databaseStorageGiB ?? [];
  // A deployed shard never shrinks (the plan's floor, per shard).
  const shards = Array.from({ length: db.shards }, (_, i) => ({ ...sizing(db), storageGiB: Math.max(db.storageGiB, deployed[i] ?? 0) }));
  // An earlier stage whose database is over RDS's storage limit was never deployed: it sets no floor.
  const earlier = earlierDatabases(plan, ladder).filter((d) => d.storageGiB <= SERVICE_LIMITS.rdsStorageGiB.value);
  if (!earlier.length) return shards;
  let shard0: ShardSizing = { ...shards[0], storageGiB: Math.max(shards[0].storageGiB, ...earlier.map((d) => d.storageGiB)) };
  if (activeShards < db.shards) {
    const all = [db, ...earlier];
    const biggest = all.reduce((a, b) => (b.instance.memoryGiB > a.instance.memoryGiB || (b.instance.memoryGiB === a.instance.memoryGiB && b.instance.vcpu > a.instance.vcpu) ? b : a));
    const iops = all.map((d) => d.iops ?? 0).reduce((a, b) => Math.max(a, b), 0);
    shard0 = {
      ...shard0,
      instance: biggest.instance,
      podShape: biggest.podShape,
      maxConnections: biggest.maxConnections,
      readReplicas: Math.min(SERVICE_LIMITS.rdsReadReplicasPerSource.value, Math.max(db.readReplicas, ...earlier.map((d) => d.readReplicas))),
      iops: iops || undefined,
    };
  }
  shards[0] = shard0;
  return shards;
}
