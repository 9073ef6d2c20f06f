/**
 * Capacity: how much of each stage's limits a workload uses. For every threshold that ends a stage
 * (the single server's CPU and memory, the primary's CPU and memory, write capacity, dataset per shard,
 * read replicas per primary, cache memory, background work without a queue, the SLO one zone can keep)
 * it gives the workload's value, the stage's limit and the headroom left. `stagekit advise` walks the
 * months with it; `synth`, `cost`, `plan` and `deploy` print the same verdict for the stage they work on.
 *
 * The needs follow the plan's sizing rules (core/plan.ts) at the workload as it is now, not at the
 * plan's storage horizon; the limits are the largest size the plan can choose and the service limits
 * below. Structure the plan decides (shard count, the replica count it deploys) is read from the plan.
 */
import { Plan, planWithinOrOverLimits } from './plan';
import type { Profile } from './profile';
import { CACHE_MAX_NODES_PER_CLUSTER, CACHE_NODES, cacheCapacityGiB, EC2_GENERAL, RDS_GENERAL, RDS_MEMORY } from './sizes';
import { round } from './units';
import { reaches, STAGE_NAMES, StageName } from './ladder';

/** Service limits the capacity checks use. */
export const CAPACITY_LIMITS = {
  /** RDS for PostgreSQL: read replicas per source instance (AWS RDS User Guide, "Working with read replicas"). */
  rdsReadReplicasPerPrimary: 15,
  /** The highest availability SLO one machine in one zone is planned for (the plan warns above it). */
  singleZoneMaxAvailabilityPercent: 99.5,
} as const;

/** Assumptions of the capacity checks that the profile does not carry; each is overridable. */
export interface CapacityAssumptions {
  /**
   * Most of the app tier's CPU that background jobs may take while they run on the app servers (no queue
   * pipeline yet) before they hurt request latency. @default 0.5
   */
  readonly maxInlineJobCpuShare: number;
}

export const DEFAULT_CAPACITY_ASSUMPTIONS: CapacityAssumptions = { maxInlineJobCpuShare: 0.5 };

export const CHECK_IDS = [
  'server-cpu',
  'server-memory',
  'zone-redundancy',
  'primary-cpu',
  'primary-memory',
  'write-capacity',
  'dataset-per-shard',
  'read-replicas',
  'cache-memory',
  'inline-jobs',
  'service-limits',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, string> = {
  'server-cpu': 'Single-server CPU',
  'server-memory': 'Single-server memory',
  'zone-redundancy': 'SLO on one zone',
  'primary-cpu': 'Primary CPU',
  'primary-memory': 'Primary memory',
  'write-capacity': 'Write capacity',
  'dataset-per-shard': 'Dataset per shard',
  'read-replicas': 'Read replicas per primary',
  'cache-memory': 'Cache memory',
  'inline-jobs': 'Background work without a queue',
  'service-limits': 'Hard service limits',
};

export interface CapacityCheck {
  readonly id: CheckId;
  readonly title: string;
  /** The workload's need, in `unit`. */
  readonly value: number;
  /** The most the stage can carry, in `unit`. */
  readonly limit: number;
  readonly unit: string;
  /**
   * Share of the limit still free: (limit - value) / limit; negative when exceeded. Null for a
   * requirement that does not grow with the workload (the SLO one zone can keep): it fits or not.
   */
  readonly headroom: number | null;
  readonly exceeded: boolean;
  /** How the value and the limit were computed, in words. */
  readonly basis: string;
}

export interface StageCapacity {
  readonly stage: StageName;
  readonly checks: CapacityCheck[];
  /** True when no check is exceeded: the stage can carry the workload. */
  readonly fits: boolean;
  /** The check with the least headroom (an unmet requirement first). */
  readonly tightest: CapacityCheck;
  /** The plan the checks read their structure from. */
  readonly plan: Plan;
}

const largest = <T extends { vcpu: number; memoryGiB: number }>(table: readonly T[]) => table[table.length - 1];
const LARGEST_SERVER = largest(EC2_GENERAL);
const LARGEST_DB_VCPU = Math.max(largest(RDS_GENERAL).vcpu, largest(RDS_MEMORY).vcpu);
const LARGEST_DB = largest(RDS_MEMORY);
const LARGEST_CACHE = largest(CACHE_NODES);

function check(id: CheckId, value: number, limit: number, unit: string, basis: string): CapacityCheck {
  const headroom = id === 'zone-redundancy' ? null : round((limit - value) / limit, 4);
  return { id, title: CHECK_TITLES[id], value: round(value, 4), limit: round(limit, 4), unit, headroom, exceeded: value > limit, basis };
}

/** Headroom for ordering: an unmet requirement is the tightest, a met one the loosest. */
export function headroomOf(capacityCheck: CapacityCheck): number {
  return capacityCheck.headroom ?? (capacityCheck.exceeded ? -Infinity : Infinity);
}

/**
 * The capacity checks of one stage for a profile. `plan` may be given when the caller has it already
 * (it must be `computePlan(profile, stage)`).
 */
export function stageCapacity(
  profile: Profile,
  stage: StageName,
  assumptions: CapacityAssumptions = DEFAULT_CAPACITY_ASSUMPTIONS,
  given?: Plan,
): StageCapacity {
  const { plan, overLimits } = given ? { plan: given, overLimits: undefined } : planWithinOrOverLimits(profile, stage);
  const profileAssumptions = profile.assumptions;
  const peak = profile.traffic.peakRequestsPerSecond;
  const appVcpu = peak / profileAssumptions.requestsPerSecondPerVcpu / profileAssumptions.targetCpuUtilization;
  const readQps = peak * profile.traffic.readShare * profileAssumptions.queriesPerRequest;
  const writes = profile.data.writesPerSecond;
  const dataset = profile.data.datasetGiB;
  const hot = dataset * profileAssumptions.hotDataShare;
  const jobVcpu = (profile.async.jobsPerSecond * profileAssumptions.averageJobSeconds) / profileAssumptions.jobsInFlightPerWorkerVcpu / profileAssumptions.targetCpuUtilization;
  const target = `${profileAssumptions.targetCpuUtilization * 100}% CPU target`;
  const checks: CapacityCheck[] = [];

  if (stage === 'single-server') {
    const dbVcpu = (readQps / profileAssumptions.queriesPerSecondPerDatabaseVcpu + writes / profileAssumptions.writesPerSecondPerDatabaseVcpu) / profileAssumptions.targetCpuUtilization;
    checks.push(
      check('server-cpu', appVcpu + dbVcpu + 0.25, LARGEST_SERVER.vcpu, 'vCPU', `app ${round(appVcpu, 1)} + Postgres ${round(dbVcpu, 1)} + Redis 0.25 vCPU at the ${target}; the largest server is ${LARGEST_SERVER.name}`),
      check('server-memory', 2 + Math.max(2, hot / 0.75) + 1 + 1, LARGEST_SERVER.memoryGiB, 'GiB', `app 2 + Postgres ${round(Math.max(2, hot / 0.75), 1)} (hot set ${round(hot, 1)} GiB / 0.75) + Redis 1 + OS 1 GiB; the largest server is ${LARGEST_SERVER.name}`),
      check('zone-redundancy', profile.objectives.availabilityPercent, CAPACITY_LIMITS.singleZoneMaxAvailabilityPercent, '% SLO', `one machine in one zone is planned for an SLO up to ${CAPACITY_LIMITS.singleZoneMaxAvailabilityPercent}%`),
    );
  } else {
    const db = plan.database!;
    const shards = db.shards;
    const hasReplicas = reaches(stage, 'read-replicas');
    const dbReads = hasReplicas ? readQps * (1 - profileAssumptions.cacheHitRatio) : readQps;
    const replicaShare = hasReplicas ? (profile.objectives.consistency === 'strong' ? 0.5 : 1) : 0;
    const primaryReads = (dbReads / shards) * (1 - replicaShare);
    const primaryVcpu = (primaryReads / profileAssumptions.queriesPerSecondPerDatabaseVcpu + writes / shards / profileAssumptions.writesPerSecondPerDatabaseVcpu) / profileAssumptions.targetCpuUtilization;
    const perShard = shards > 1 ? ' per shard' : '';
    checks.push(
      check('primary-cpu', primaryVcpu, LARGEST_DB_VCPU, 'vCPU', `${round(primaryReads, 0)} reads/s + ${round(writes / shards, 0)} writes/s at the primary${perShard} at the ${target}; the largest RDS class has ${LARGEST_DB_VCPU} vCPU`),
      check('primary-memory', Math.max(8, hot / shards / 0.75), LARGEST_DB.memoryGiB, 'GiB', `hot set ${round(hot / shards, 1)} GiB${perShard} / 0.75; the largest RDS class is ${LARGEST_DB.name}`),
      check('write-capacity', writes / shards, profileAssumptions.writesPerSecondPerDatabaseVcpu * LARGEST_DB_VCPU * profileAssumptions.targetCpuUtilization, 'writes/s', `row writes/s${perShard}; one primary sustains ${profileAssumptions.writesPerSecondPerDatabaseVcpu}/vCPU × ${LARGEST_DB_VCPU} vCPU × ${profileAssumptions.targetCpuUtilization}`),
    );
    if (hasReplicas) {
      const replicaVcpu = (dbReads / shards) * replicaShare / profileAssumptions.queriesPerSecondPerDatabaseVcpu / profileAssumptions.targetCpuUtilization;
      const needed = Math.max(1, Math.ceil(replicaVcpu / db.instance.vcpu));
      checks.push(
        check('read-replicas', needed, CAPACITY_LIMITS.rdsReadReplicasPerPrimary, 'replicas', `${round(replicaVcpu, 1)} vCPU of replica reads${perShard} on ${db.instance.name} replicas; RDS allows ${CAPACITY_LIMITS.rdsReadReplicasPerPrimary} read replicas per primary`),
        check(
          'cache-memory',
          Math.max(4, hot * 0.3),
          cacheCapacityGiB(plan.zones),
          'GiB',
          `30% of the hot set (${round(hot, 1)} GiB) so the cache answers ${profileAssumptions.cacheHitRatio * 100}% of reads; one node (${LARGEST_CACHE.name}) holds ${LARGEST_CACHE.memoryGiB} GiB, cluster mode up to ${Math.floor(CACHE_MAX_NODES_PER_CLUSTER / plan.zones)} shards of it (${CACHE_MAX_NODES_PER_CLUSTER} nodes per cluster, ElastiCache's default quota, at ${plan.zones} nodes a shard)`,
        ),
      );
    }
  }
  const shards = plan.database?.shards ?? 1;
  checks.push(check('dataset-per-shard', dataset / shards, profileAssumptions.maxShardGiB, 'GiB', `${round(dataset, 0)} GiB${shards > 1 ? ` over ${shards} shards` : ' on one primary'}; assumption maxShardGiB ${profileAssumptions.maxShardGiB} (a rebuild or restore within hours)`));
  if (!reaches(stage, 'queue-pipeline')) {
    const share = jobVcpu / (appVcpu + jobVcpu || 1);
    checks.push(
      check('inline-jobs', share, assumptions.maxInlineJobCpuShare, 'share of app CPU', `jobs ${round(jobVcpu, 1)} vCPU of ${round(appVcpu + jobVcpu, 1)} vCPU on the app servers; a queue pipeline with its own workers is needed above ${assumptions.maxInlineJobCpuShare * 100}%`),
    );
  }
  if (overLimits) {
    // The plan itself cannot be deployed (computePlan refuses it): the stage does not carry the workload.
    const findings = overLimits.findings;
    checks.push({ id: 'service-limits', title: CHECK_TITLES['service-limits'], value: findings.length, limit: 0, unit: 'limits broken', headroom: null, exceeded: true, basis: findings.map((f) => `${f.field}: ${f.message}`).join('; ') });
  }
  const tightest = checks.reduce((x, y) => (headroomOf(y) < headroomOf(x) ? y : x));
  return { stage, checks, fits: checks.every((c) => !c.exceeded), tightest, plan };
}

/** Every stage's capacity for a profile, in ladder order. */
export function ladderCapacity(profile: Profile, assumptions: CapacityAssumptions = DEFAULT_CAPACITY_ASSUMPTIONS): StageCapacity[] {
  return STAGE_NAMES.map((stage) => stageCapacity(profile, stage, assumptions));
}

/** The lowest stage that carries the profile today, or undefined when none does. */
export function fittingStage(profile: Profile, assumptions: CapacityAssumptions = DEFAULT_CAPACITY_ASSUMPTIONS): StageName | undefined {
  return ladderCapacity(profile, assumptions).find((c) => c.fits)?.stage;
}

/**
 * A check's headroom in one wording for every output (advise's tables, the report): "45%", "-720% (exceeded)"
 * past the limit, "met" / "not met" for a requirement that does not grow.
 */
export function headroomText(capacityCheck: { headroom: number | null; exceeded?: boolean }): string {
  if (capacityCheck.headroom === null) return capacityCheck.exceeded ? 'not met' : 'met';
  return capacityCheck.headroom < 0 ? `${percent(capacityCheck.headroom)} (exceeded)` : percent(capacityCheck.headroom);
}

/** Percent with no decimals for headroom shares: 0.4512 → "45%". */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * The one-paragraph verdict synth, cost, plan and deploy print: ok when the stage carries the
 * profile, otherwise every exceeded check and the lowest stage that fits.
 */
export function capacityVerdict(capacity: StageCapacity, profile: Profile, assumptions: CapacityAssumptions = DEFAULT_CAPACITY_ASSUMPTIONS): { ok: boolean; lines: string[] } {
  if (capacity.fits) {
    const tightest = capacity.tightest;
    const room = tightest.headroom === null ? 'met' : `${percent(tightest.headroom)} headroom`;
    return { ok: true, lines: [`capacity: ${capacity.stage} carries ${profile.name}; tightest: ${tightest.title} ${formatAmount(tightest.value, tightest.unit)} of ${formatAmount(tightest.limit, tightest.unit)} (${room})`] };
  }
  const fit = fittingStage(profile, assumptions);
  const lines = [`capacity: ${capacity.stage} cannot carry ${profile.name}:`];
  for (const exceeded of capacity.checks.filter((x) => x.exceeded && x.id === 'service-limits')) lines.push(`  ${exceeded.title}: ${exceeded.basis}`);
  for (const exceeded of capacity.checks.filter((x) => x.exceeded && x.id !== 'service-limits')) lines.push(`  ${exceeded.title}: needs ${formatAmount(exceeded.value, exceeded.unit)}, the stage's limit is ${formatAmount(exceeded.limit, exceeded.unit)} (${exceeded.basis})`);
  lines.push(fit ? `  the lowest stage that carries it is ${fit} (stagekit advise shows when to move)` : '  no stage of the ladder carries it (stagekit advise shows which limits)');
  return { ok: false, lines };
}

export function formatAmount(value: number, unit: string): string {
  if (unit === 'limits broken') return `${value} broken`;
  if (unit === 'share of app CPU') return `${Math.round(value * 100)}% of app CPU`;
  if (unit === '% SLO') return `${value}%`;
  const digits = Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const noun = unit === 'replicas' && value === 1 ? 'replica' : unit;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${noun}`;
}
