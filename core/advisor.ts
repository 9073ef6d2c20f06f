/**
 * The advisor: which stage carries a workload now, which limit it reaches next and in which month, and
 * the stage to be on each month with time to move. Month by month arithmetic: the profile is projected
 * (traffic, writes and jobs grow with the traffic growth and the seasonal peak, the dataset with the data
 * growth), every stage's capacity checks (core/capacity.ts) are run on it, and the path climbs when the
 * stage it is on runs short of headroom or will exceed a limit within the lead time. Nothing here is
 * synthesized or priced: cost/path.ts prices the path.
 */
import { CapacityAssumptions, CapacityCheck, CHECK_TITLES, CheckId, DEFAULT_CAPACITY_ASSUMPTIONS, formatAmount, percent, stageCapacity, StageCapacity } from './capacity';
import type { Plan } from './plan';
import type { Profile } from './profile';
import { round } from './units';
import { STAGE_NAMES, StageName } from './ladder';

export interface AdvisorOptions {
  /** Months to project after this one. @default 36 */
  readonly months?: number;
  /** Calendar month of month 0, as `YYYY-MM`; places the seasonal peak. @default the current month */
  readonly start?: string;
  /** Move before the headroom of any check falls below this share. @default 0.3 */
  readonly minHeadroom?: number;
  /** Move this many months before a limit is exceeded. @default 3 */
  readonly leadMonths?: number;
  readonly capacity?: CapacityAssumptions;
}

export interface ResolvedAdvisorOptions {
  readonly months: number;
  readonly start: string;
  readonly minHeadroom: number;
  readonly leadMonths: number;
  readonly capacity: CapacityAssumptions;
}

export interface ProjectedWorkload {
  readonly peakRequestsPerSecond: number;
  readonly writesPerSecond: number;
  readonly jobsPerSecond: number;
  readonly datasetGiB: number;
  /** True in the seasonal peak month. */
  readonly seasonalPeak: boolean;
  /** Peak traffic as a multiple of today's (growth and season). */
  readonly trafficFactor: number;
}

export interface MonthAdvice {
  /** 0 = the start month. */
  readonly month: number;
  /** Calendar month, YYYY-MM. */
  readonly label: string;
  readonly workload: ProjectedWorkload;
  /** The lowest stage whose limits carry this month's workload (undefined: none). */
  readonly lowestFitting?: StageName;
  /** The stage to be on (undefined: no stage of the ladder carries the workload). */
  readonly stage?: StageName;
  /** True when `stage` differs from the month before (or month 0). */
  readonly move: boolean;
  /** Why the path is on this stage (why it moved, or the tightest check). */
  readonly reason: string;
  /** The recommended stage's tightest check this month. */
  readonly tightest?: { readonly id: CheckId; readonly title: string; readonly headroom: number | null };
  /** The recommended stage's sizes this month, in one line. */
  readonly sizes?: string;
}

export interface ThresholdTrip {
  readonly stage: StageName;
  readonly id: CheckId;
  readonly title: string;
  /** Value and limit this month. */
  readonly today: { readonly value: number; readonly limit: number; readonly unit: string; readonly headroom: number | null };
  /** First month the headroom is below the minimum (undefined: not within the months projected). */
  readonly lowHeadroomMonth?: number;
  /** First month the value exceeds the limit (undefined: not within the months projected). */
  readonly exceededMonth?: number;
}

export interface Advice {
  readonly product: string;
  readonly options: ResolvedAdvisorOptions;
  /** Every stage's capacity this month. */
  readonly today: StageCapacity[];
  /** The lowest stage that carries the workload this month. */
  readonly fitsToday?: StageName;
  readonly months: MonthAdvice[];
  /** For every stage and growing check: when it runs low and when it is exceeded. */
  readonly trips: ThresholdTrip[];
  /** The first limit the stage recommended now reaches, and when (undefined: none within the months). */
  readonly nextLimit?: ThresholdTrip;
  /** Stage moves along the path: month, from, to, why, and the sizes moved to. */
  readonly moves: { readonly month: number; readonly label: string; readonly from?: StageName; readonly to?: StageName; readonly reason: string; readonly sizes?: string }[];
  /** Plans along the path, for pricing: the recommended stage's plan of each month. */
  readonly plans: (Plan | undefined)[];
  /** Every assumption the advice rests on, in words. */
  readonly assumptions: string[];
}

const DEFAULTS = { months: 36, minHeadroom: 0.3, leadMonths: 3 } as const;

function currentMonth(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

function parseStart(start: string): { year: number; month: number } {
  const match = /^(\d{4})-(\d{2})$/.exec(start);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) throw new RangeError(`start: expected YYYY-MM, got ${JSON.stringify(start)}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function resolveAdvisorOptions(options: AdvisorOptions = {}): ResolvedAdvisorOptions {
  const start = options.start ?? currentMonth();
  parseStart(start);
  return {
    months: options.months ?? DEFAULTS.months,
    start,
    minHeadroom: options.minHeadroom ?? DEFAULTS.minHeadroom,
    leadMonths: options.leadMonths ?? DEFAULTS.leadMonths,
    capacity: options.capacity ?? DEFAULT_CAPACITY_ASSUMPTIONS,
  };
}

/** Calendar label of month `offset` after `start`. */
export function monthLabel(start: string, offset: number): string {
  const parsed = parseStart(start);
  const index = parsed.year * 12 + (parsed.month - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The workload `month` months after `start`: growth compounds monthly; the seasonal peak multiplies its month. */
export function projectWorkload(profile: Profile, month: number, start: string): ProjectedWorkload {
  const calendar = Number(monthLabel(start, month).slice(5));
  const seasonal = profile.traffic.seasonalPeak?.month === calendar;
  const trafficFactor = (1 + profile.traffic.monthlyGrowthPercent / 100) ** month * (seasonal ? profile.traffic.seasonalPeak!.multiplier : 1);
  return {
    peakRequestsPerSecond: profile.traffic.peakRequestsPerSecond * trafficFactor,
    writesPerSecond: profile.data.writesPerSecond * trafficFactor,
    jobsPerSecond: profile.async.jobsPerSecond * trafficFactor,
    datasetGiB: profile.data.datasetGiB * (1 + profile.data.monthlyGrowthPercent / 100) ** month,
    seasonalPeak: seasonal,
    trafficFactor,
  };
}

/** The profile with the projected workload in place of today's. */
export function projectProfile(profile: Profile, workload: ProjectedWorkload): Profile {
  return {
    ...profile,
    traffic: { ...profile.traffic, peakRequestsPerSecond: workload.peakRequestsPerSecond },
    data: { ...profile.data, datasetGiB: workload.datasetGiB, writesPerSecond: workload.writesPerSecond },
    async: { ...profile.async, jobsPerSecond: workload.jobsPerSecond },
  };
}

/** A stage's sizes in one line: "app 4 × m7g.large · db.r7g.xlarge + standby + 2 replicas · cache 2 × cache.r7g.large". */
export function planSizes(plan: Plan): string {
  const parts: string[] = [];
  if (plan.server) return `server ${plan.server.instance.name} (${plan.server.instance.vcpu} vCPU, ${plan.server.instance.memoryGiB} GiB), ${plan.server.dataVolumeGiB} GiB disk`;
  parts.push(`app ${plan.app.minCount}-${plan.app.maxCount} × ${plan.app.instance.name}`);
  const db = plan.database!;
  parts.push(`${db.shards > 1 ? `${db.shards} shards of ` : ''}${db.instance.name} + standby${db.readReplicas ? ` + ${db.readReplicas} replica${db.readReplicas > 1 ? 's' : ''}` : ''}, ${db.storageGiB} GiB`);
  if (plan.cache) parts.push(`cache ${plan.cache.nodes} × ${plan.cache.node.name}`);
  if (plan.queue) {
    parts.push(`workers ${plan.queue.minWorkers}-${plan.queue.maxWorkers} × ${plan.queue.worker.name}`);
    if (plan.queue.kafka) parts.push(`Kafka ${plan.queue.kafka.brokers} × ${plan.queue.kafka.broker.name}`);
  }
  return parts.join(' · ');
}

function growing(check: CapacityCheck): boolean {
  return check.headroom !== null;
}

/** The advice for a profile: today's fit, the month-by-month path and the limits along it. */
export function advise(profile: Profile, options: AdvisorOptions = {}): Advice {
  const settings = resolveAdvisorOptions(options);
  const horizon = settings.months + settings.leadMonths; // look past the last month so it is advised with the same lead time
  const workloads = Array.from({ length: horizon + 1 }, (_, m) => projectWorkload(profile, m, settings.start));
  const capacity: StageCapacity[][] = workloads.map((workload) => {
    const projected = projectProfile(profile, workload);
    return STAGE_NAMES.map((stage) => stageCapacity(projected, stage, settings.capacity));
  });
  const stageIndex = (s: StageName) => STAGE_NAMES.indexOf(s);

  /** Why stage `stageIdx` is not comfortable in month `month` (undefined: it is). */
  const shortfall = (stageIdx: number, month: number): string | undefined => {
    const now = capacity[month][stageIdx];
    const exceeded = now.checks.find((c) => c.exceeded);
    if (exceeded) return `${exceeded.title} exceeds its limit (${describe(exceeded)})`;
    const low = now.checks.filter(growing).find((c) => c.headroom! < settings.minHeadroom);
    if (low) return `${low.title} headroom ${(low.headroom! * 100).toFixed(1)}% < ${percent(settings.minHeadroom)} (${describe(low)})`;
    for (let aheadMonth = month + 1; aheadMonth <= Math.min(month + settings.leadMonths, horizon); aheadMonth++) {
      const ahead = capacity[aheadMonth][stageIdx].checks.find((c) => c.exceeded);
      if (ahead) return `${ahead.title} exceeds its limit in ${monthLabel(settings.start, aheadMonth)} (month ${aheadMonth}, within the ${settings.leadMonths}-month lead time)`;
    }
    return undefined;
  };

  const months: MonthAdvice[] = [];
  const plans: (Plan | undefined)[] = [];
  const moves: Advice['moves'] = [];
  let floor = 0; // the path never goes below the highest stage it recommended
  let previous: StageName | undefined;
  let started = false;
  for (let month = 0; month <= settings.months; month++) {
    const row = capacity[month];
    const lowestFitting = row.find((c) => c.fits)?.stage;
    let chosen: number | undefined;
    for (let candidate = floor; candidate < STAGE_NAMES.length && chosen === undefined; candidate++) if (!shortfall(candidate, month)) chosen = candidate;
    for (let candidate = floor; candidate < STAGE_NAMES.length && chosen === undefined; candidate++) if (row[candidate].fits) chosen = candidate;
    const stage = chosen === undefined ? undefined : STAGE_NAMES[chosen];
    if (chosen !== undefined) floor = chosen;
    const move = !started || stage !== previous;
    let reason: string;
    if (stage === undefined) {
      const best = row[row.length - 1];
      reason = `no stage carries the workload: at ${best.stage}, ${best.checks.filter((c) => c.exceeded).map((c) => `${c.title} (${describe(c)})`).join('; ')}`;
    } else if (!move) {
      const tightest = row[chosen!].tightest;
      reason = `tightest: ${tightest.title} ${tightest.headroom === null ? 'met' : `${percent(tightest.headroom)} headroom`}`;
    } else {
      const from = started && previous ? stageIndex(previous) : chosen! - 1;
      const why = from >= 0 ? `${STAGE_NAMES[from]}: ${shortfall(from, month) ?? 'no longer carries the workload'}` : 'the lowest stage, with room';
      const own = shortfall(chosen!, month);
      reason = own ? `${why}; ${stage} carries it but ${own}` : why;
    }
    const plan = stage === undefined ? undefined : row[chosen!].plan;
    const tightest = stage === undefined ? undefined : row[chosen!].tightest;
    const advice: MonthAdvice = {
      month,
      label: monthLabel(settings.start, month),
      workload: roundWorkload(workloads[month]),
      lowestFitting,
      stage,
      move,
      reason,
      tightest: tightest ? { id: tightest.id, title: tightest.title, headroom: tightest.headroom } : undefined,
      sizes: plan ? planSizes(plan) : undefined,
    };
    months.push(advice);
    plans.push(plan);
    if (move) moves.push({ month, label: advice.label, from: started ? previous : undefined, to: stage, reason, sizes: advice.sizes });
    previous = stage;
    started = true;
  }

  const trips: ThresholdTrip[] = [];
  for (let stageIdx = 0; stageIdx < STAGE_NAMES.length; stageIdx++) {
    for (const startCheck of capacity[0][stageIdx].checks) {
      let lowHeadroomMonth: number | undefined;
      let exceededMonth: number | undefined;
      for (let month = 0; month <= settings.months; month++) {
        const check = capacity[month][stageIdx].checks.find((y) => y.id === startCheck.id)!;
        if (lowHeadroomMonth === undefined && (check.exceeded || (check.headroom !== null && check.headroom < settings.minHeadroom))) lowHeadroomMonth = month;
        if (exceededMonth === undefined && check.exceeded) exceededMonth = month;
      }
      trips.push({ stage: STAGE_NAMES[stageIdx], id: startCheck.id, title: startCheck.title, today: { value: startCheck.value, limit: startCheck.limit, unit: startCheck.unit, headroom: startCheck.headroom }, lowHeadroomMonth, exceededMonth });
    }
  }
  const now = months[0].stage;
  const nextLimit = now
    ? trips.filter((t) => t.stage === now && t.exceededMonth !== undefined).sort((x, y) => x.exceededMonth! - y.exceededMonth!)[0]
    : undefined;

  const sizing = profile.assumptions;
  const season = profile.traffic.seasonalPeak;
  const assumptions = [
    `month 0 is ${settings.start}; ${settings.months} months projected`,
    `traffic, row writes and background jobs grow ${profile.traffic.monthlyGrowthPercent}% a month (profile traffic.monthlyGrowthPercent)`,
    season ? `seasonal peak: ×${season.multiplier} in month ${season.month} of every year (profile traffic.seasonalPeak)` : 'no seasonal peak (profile traffic.seasonalPeak)',
    `the dataset grows ${profile.data.monthlyGrowthPercent}% a month (profile data.monthlyGrowthPercent)`,
    `move when any limit's headroom falls below ${percent(settings.minHeadroom)} (--min-headroom) or ${settings.leadMonths} months before a limit is exceeded (--lead-months)`,
    `background jobs may take up to ${percent(settings.capacity.maxInlineJobCpuShare)} of the app servers' CPU before a queue pipeline is needed (--max-inline-jobs)`,
    `sizing rules of the profile's assumptions: ${sizing.requestsPerSecondPerVcpu} req/s per vCPU, ${sizing.targetCpuUtilization * 100}% CPU target, ${sizing.queriesPerRequest} queries per request, ` +
      `${sizing.queriesPerSecondPerDatabaseVcpu} queries/s and ${sizing.writesPerSecondPerDatabaseVcpu} writes/s per database vCPU, ${sizing.hotDataShare * 100}% of the data hot, ${sizing.cacheHitRatio * 100}% cache hits, ${sizing.maxShardGiB} GiB per shard`,
    'the path never moves down a stage, and never recommends a stage whose limits the workload exceeds',
  ];
  return { product: profile.name, options: settings, today: capacity[0], fitsToday: months[0].lowestFitting, months, trips, nextLimit, moves, plans, assumptions };
}

function describe(check: CapacityCheck): string {
  return `${formatAmount(check.value, check.unit)} of ${formatAmount(check.limit, check.unit)}`;
}

function roundWorkload(workload: ProjectedWorkload): ProjectedWorkload {
  return {
    peakRequestsPerSecond: round(workload.peakRequestsPerSecond, 1),
    writesPerSecond: round(workload.writesPerSecond, 1),
    jobsPerSecond: round(workload.jobsPerSecond, 2),
    datasetGiB: round(workload.datasetGiB, 1),
    seasonalPeak: workload.seasonalPeak,
    trafficFactor: round(workload.trafficFactor, 4),
  };
}

export { CHECK_TITLES };
