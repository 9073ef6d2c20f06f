/**
 * The advisor: which stage carries a workload now, which limit it reaches next and in which month, and
 * the stage to be on each month with time to move. Month by month arithmetic: the profile is projected
 * (traffic, writes and jobs grow with the traffic growth and the seasonal peak, the dataset with the data
 * growth), every stage's capacity checks (core/capacity.ts) are run on it, and the path climbs when the
 * stage it is on runs short of headroom or will exceed a limit within the lead time. Nothing here is
 * synthesized or priced: cost/path.ts prices the path.
 */
import { CapacityAssumptions, CapacityCheck, CHECK_TITLES, CheckId, DEFAULT_CAPACITY_ASSUMPTIONS, formatAmount, percent, stageCapacity, StageCapacity } from './capacity';
import { DatabasePlan, KafkaPlan, Plan, planWithinOrOverLimits } from './plan';
import type { Profile } from './profile';
import { round } from './units';
import { RDS_GENERAL, RDS_MEMORY, smallestFitting } from './sizes';
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
  /**
   * Share of the month the seasonal peak lasts (its days over the month's; 0 outside the peak month). The
   * autoscaled parts run at the peak for this share of the month only.
   */
  readonly peakShare: number;
  /** The month's traffic over the month, as a multiple of today's peak: growth, plus the peak for its days. Usage lines scale with it. */
  readonly averageTrafficFactor: number;
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
  /**
   * What the stateful sizes changed from the month before on the same stage (shards, database class,
   * replicas, cache, brokers), each with why; empty on a stage move (`sizes` says it all) or when nothing changed.
   */
  readonly sizeChanges: string[];
  /**
   * In a seasonal peak month: the plan with the app tier and workers sized for the month without the peak
   * (the stateful parts as `plans[month]`): billed for the rest of the month.
   */
  readonly offPeakPlan?: Plan;
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
  /** Changes of the stateful sizes within a stage (a reshard is a migration too), with the sizes after. */
  readonly resizes: { readonly month: number; readonly label: string; readonly stage: StageName; readonly changes: string[]; readonly sizes: string }[];
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

/** Days in a calendar month (`YYYY-MM`). */
function daysInMonth(label: string): number {
  return new Date(Date.UTC(Number(label.slice(0, 4)), Number(label.slice(5)), 0)).getUTCDate();
}

/**
 * The workload `month` months after `start`: growth compounds monthly; the seasonal peak multiplies its
 * month's peak rates (capacity must carry them), and the month's usage for the peak's days.
 */
export function projectWorkload(profile: Profile, month: number, start: string): ProjectedWorkload {
  const label = monthLabel(start, month);
  const season = profile.traffic.seasonalPeak;
  const seasonal = season?.month === Number(label.slice(5));
  const growth = (1 + profile.traffic.monthlyGrowthPercent / 100) ** month;
  const multiplier = seasonal ? season!.multiplier : 1;
  const peakShare = seasonal ? Math.min(season!.days ?? 7, daysInMonth(label)) / daysInMonth(label) : 0;
  const trafficFactor = growth * multiplier;
  return {
    peakRequestsPerSecond: profile.traffic.peakRequestsPerSecond * trafficFactor,
    writesPerSecond: profile.data.writesPerSecond * trafficFactor,
    jobsPerSecond: profile.async.jobsPerSecond * trafficFactor,
    datasetGiB: profile.data.datasetGiB * (1 + profile.data.monthlyGrowthPercent / 100) ** month,
    seasonalPeak: seasonal,
    trafficFactor,
    peakShare,
    averageTrafficFactor: growth * (1 + (multiplier - 1) * peakShare),
  };
}

/** The largest of each dimension of several months' workloads: what stateful sizes planned ahead must carry. */
function envelope(workloads: readonly ProjectedWorkload[]): ProjectedWorkload {
  const most = (pick: (workload: ProjectedWorkload) => number) => Math.max(...workloads.map(pick));
  return {
    peakRequestsPerSecond: most((w) => w.peakRequestsPerSecond),
    writesPerSecond: most((w) => w.writesPerSecond),
    jobsPerSecond: most((w) => w.jobsPerSecond),
    datasetGiB: most((w) => w.datasetGiB),
    seasonalPeak: workloads.some((w) => w.seasonalPeak),
    trafficFactor: most((w) => w.trafficFactor),
    peakShare: most((w) => w.peakShare),
    averageTrafficFactor: most((w) => w.averageTrafficFactor),
  };
}

/** Larger machine: more memory, then more vCPU. */
function larger<T extends { vcpu: number; memoryGiB: number }>(first: T, second: T): T {
  return second.memoryGiB > first.memoryGiB || (second.memoryGiB === first.memoryGiB && second.vcpu > first.vcpu) ? second : first;
}

/**
 * The stateful parts of `ahead` (planned for the lead window's largest workload) floored by `before` (the
 * same stage's sizes last month): they only grow along the path, as deploy's floors keep them. A database
 * with more shards is a reshard (a migration, new instances): its class is the new plan's; at the same shard
 * count the class, replicas and storage never go down. The app tier and workers are `own`'s: they autoscale.
 */
export function statefulSizes(own: Plan, ahead: Plan, before?: Plan): Plan {
  let database: DatabasePlan | undefined = ahead.database;
  const previousDb = before?.database;
  if (database && previousDb) {
    if (previousDb.shards > database.shards) database = { ...previousDb };
    else if (previousDb.shards === database.shards) {
      const instance = larger(database.instance, previousDb.instance);
      database = { ...database, instance, readReplicas: Math.max(database.readReplicas, previousDb.readReplicas), maxConnections: instance === previousDb.instance ? previousDb.maxConnections : database.maxConnections };
    }
    database = { ...database, storageGiB: Math.max(database.storageGiB, previousDb.storageGiB) };
  }
  let cache = ahead.cache;
  if (cache && before?.cache) {
    const node = larger(cache.node, before.cache.node);
    const shards = Math.max(cache.shards ?? 1, before.cache.shards ?? 1);
    cache = { ...(node === cache.node ? cache : before.cache), nodes: Math.max(cache.nodes, before.cache.nodes), ...(shards > 1 ? { shards } : {}) };
  }
  let queue = own.queue;
  if (queue && ahead.queue) {
    const kafkaFloor = (planned: KafkaPlan, floor?: KafkaPlan): KafkaPlan =>
      floor ? { ...planned, brokers: Math.max(planned.brokers, floor.brokers), broker: larger(planned.broker, floor.broker), storageGiBPerBroker: Math.max(planned.storageGiBPerBroker, floor.storageGiBPerBroker), partitions: Math.max(planned.partitions, floor.partitions) } : planned;
    const selfHostedKafka = kafkaFloor(ahead.queue.selfHostedKafka, before?.queue?.selfHostedKafka);
    queue = { ...queue, selfHostedKafka, kafka: ahead.queue.kafka ? (ahead.queue.kafka === ahead.queue.selfHostedKafka ? selfHostedKafka : kafkaFloor(ahead.queue.kafka, before?.queue?.kafka)) : undefined };
  }
  // One server carries everything, the peak included: it does not autoscale.
  let server = ahead.server;
  if (server && before?.server) server = { ...(larger(server.instance, before.server.instance) === server.instance ? server : before.server), dataVolumeGiB: Math.max(server.dataVolumeGiB, before.server.dataVolumeGiB) };
  return { ...own, server, database, cache, queue };
}

const DATABASE_CHECKS: readonly CheckId[] = ['primary-cpu', 'primary-memory', 'write-capacity', 'dataset-per-shard', 'read-replicas'];

/**
 * The plan keeping `before`'s shards when they carry every month of the lead window (`window`: the
 * capacity at `before`'s shard count) within the database limits; the class and replicas grow to what
 * the window needs. Undefined: a database limit would be exceeded, so reshard.
 */
function keepShards(own: Plan, sized: Plan, before: Plan, window: readonly StageCapacity[]): Plan | undefined {
  const database = before.database!;
  if (window.some((capacity) => capacity.checks.some((c) => DATABASE_CHECKS.includes(c.id) && c.exceeded))) return undefined;
  const family = database.instance.name.startsWith('db.r') ? RDS_MEMORY : RDS_GENERAL;
  let instance = database.instance;
  let readReplicas = database.readReplicas;
  let storageGiB = database.storageGiB;
  for (const capacity of window) {
    const value = (id: CheckId) => capacity.checks.find((c) => c.id === id)?.value ?? 0;
    instance = larger(instance, smallestFitting(family, { vcpu: Math.max(value('primary-cpu'), 2), memoryGiB: value('primary-memory') }).size);
    readReplicas = Math.max(readReplicas, value('read-replicas'));
    // The plan's rule: 1.5 × the data a shard holds, in 10 GiB steps.
    storageGiB = Math.max(storageGiB, Math.ceil((value('dataset-per-shard') * 1.5) / 10) * 10);
  }
  return { ...sized, app: own.app, database: { ...database, instance, readReplicas, storageGiB } };
}

/** What the stateful sizes changed from `before` to `after` (same stage), in words. */
export function sizeChanges(before: Plan, after: Plan): string[] {
  const changes: string[] = [];
  const was = before.database;
  const now = after.database;
  if (was && now) {
    if (now.shards !== was.shards) changes.push(`reshard ${was.shards} → ${now.shards} shards${now.instance.name !== was.instance.name ? ` of ${now.instance.name} (was ${was.instance.name})` : ''}`);
    else if (now.instance.name !== was.instance.name) changes.push(`database ${was.instance.name} → ${now.instance.name}`);
    if (now.readReplicas !== was.readReplicas) changes.push(`read replicas ${was.readReplicas} → ${now.readReplicas}${now.shards > 1 ? ' per shard' : ''}`);
  }
  if (before.cache && after.cache) {
    if ((after.cache.shards ?? 1) !== (before.cache.shards ?? 1)) changes.push(`cache ${before.cache.shards ?? 1} → ${after.cache.shards ?? 1} shards`);
    if (after.cache.node.name !== before.cache.node.name) changes.push(`cache ${before.cache.node.name} → ${after.cache.node.name}`);
  }
  const kafkaBefore = before.queue?.kafka;
  const kafkaAfter = after.queue?.kafka;
  if (kafkaBefore && kafkaAfter && kafkaBefore.brokers !== kafkaAfter.brokers) changes.push(`Kafka ${kafkaBefore.brokers} → ${kafkaAfter.brokers} brokers`);
  if (kafkaBefore && kafkaAfter && kafkaBefore.broker.name !== kafkaAfter.broker.name) changes.push(`Kafka brokers ${kafkaBefore.broker.name} → ${kafkaAfter.broker.name}`);
  return changes;
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
  if (plan.cache) parts.push(`cache ${plan.cache.shards ? `${plan.cache.shards} shards × ` : ''}${plan.cache.nodes} × ${plan.cache.node.name}`);
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
  const resizes: Advice['resizes'] = [];
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
      // Every stage passed over says why: the one the path leaves and each it skips.
      const from = started && previous ? stageIndex(previous) : 0;
      const passed = Array.from({ length: chosen! - from }, (_, offset) => from + offset);
      const why = passed.length ? passed.map((index) => `${STAGE_NAMES[index]}: ${shortfall(index, month) ?? 'no longer carries the workload'}`).join('; ') : 'the lowest stage, with room';
      const own = shortfall(chosen!, month);
      reason = own ? `${why}; ${stage} carries it but ${own}` : why;
    }
    // The stage's sizes this month: the app tier and workers for this month; the stateful parts planned for
    // the largest workload of the lead window (a reshard or a larger class comes as early as a stage move
    // would), never below last month's on the same stage.
    let plan: Plan | undefined;
    let offPeakPlan: Plan | undefined;
    let changes: string[] = [];
    let tightest = stage === undefined ? undefined : row[chosen!].tightest;
    if (stage !== undefined) {
      const window = workloads.slice(month, Math.min(month + settings.leadMonths, horizon) + 1);
      const ahead = planWithinOrOverLimits(projectProfile(profile, envelope(window)), stage).plan;
      const before = !move ? plans[month - 1] : undefined;
      plan = statefulSizes(row[chosen!].plan, ahead, before);
      if (before?.database && plan.database && plan.database.shards > before.database.shards) {
        // A reshard is a migration: only when the shards there are would exceed a limit within the lead
        // window; then to the plan's count, which has room for a year of data growth.
        const kept = keepShards(row[chosen!].plan, plan, before, window.map((workload) => stageCapacity(projectProfile(profile, workload), stage, settings.capacity, { ...plan!, database: before.database })));
        if (kept) plan = kept;
      }
      if (before) changes = sizeChanges(before, plan);
      tightest = stageCapacity(projectProfile(profile, workloads[month]), stage, settings.capacity, plan).tightest;
      if (workloads[month].seasonalPeak) {
        const usual = projectWorkload({ ...profile, traffic: { ...profile.traffic, seasonalPeak: undefined } }, month, settings.start);
        offPeakPlan = statefulSizes(planWithinOrOverLimits(projectProfile(profile, usual), stage).plan, plan, plan);
      }
    }
    if (changes.length) {
      const until = Math.min(month + settings.leadMonths, horizon);
      const peakAhead = workloads.slice(month, until + 1).some((w) => w.seasonalPeak);
      reason = `${changes.join('; ')}: the stateful parts carry the largest workload up to ${monthLabel(settings.start, until)} (the ${settings.leadMonths}-month lead time${peakAhead ? ', the seasonal peak included' : ''})`;
    }
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
      sizeChanges: changes,
      offPeakPlan,
    };
    months.push(advice);
    plans.push(plan);
    if (move) moves.push({ month, label: advice.label, from: started ? previous : undefined, to: stage, reason, sizes: advice.sizes });
    else if (changes.length) resizes.push({ month, label: advice.label, stage: stage!, changes, sizes: advice.sizes! });
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
    season
      ? `seasonal peak: ×${season.multiplier} for ${season.days ?? 7} days in month ${season.month} of every year (profile traffic.seasonalPeak): the database, cache and Kafka are sized to carry it (they cannot be resized for a week), the app tier and workers autoscale, so they are billed at the peak for its days only and usage lines for the extra traffic of those days`
      : 'no seasonal peak (profile traffic.seasonalPeak)',
    `stateful sizes (shards, database class, replicas, storage, cache, Kafka brokers) only grow along a stage, and are planned for the largest workload of the next ${settings.leadMonths} months (--lead-months), as a stage move is: the database reshards when its shards would exceed a limit within that time, to the plan's count (room for ${sizing.planningHorizonMonths} months of data growth). A bill can still drop while the load grows: after the seasonal peak the app tier and workers scale back, and a reshard onto more shards can choose a smaller class`,
    `the dataset grows ${profile.data.monthlyGrowthPercent}% a month (profile data.monthlyGrowthPercent)`,
    `move when any limit's headroom falls below ${percent(settings.minHeadroom)} (--min-headroom) or ${settings.leadMonths} months before a limit is exceeded (--lead-months)`,
    `background jobs may take up to ${percent(settings.capacity.maxInlineJobCpuShare)} of the app servers' CPU before a queue pipeline is needed (--max-inline-jobs)`,
    `sizing rules of the profile's assumptions: ${sizing.requestsPerSecondPerVcpu} req/s per vCPU, ${sizing.targetCpuUtilization * 100}% CPU target, ${sizing.queriesPerRequest} queries per request, ` +
      `${sizing.queriesPerSecondPerDatabaseVcpu} queries/s and ${sizing.writesPerSecondPerDatabaseVcpu} writes/s per database vCPU, ${sizing.hotDataShare * 100}% of the data hot, ${sizing.cacheHitRatio * 100}% cache hits, ${sizing.maxShardGiB} GiB per shard`,
    'the path never moves down a stage, and never recommends a stage whose limits the workload exceeds',
  ];
  return { product: profile.name, options: settings, today: capacity[0], fitsToday: months[0].lowestFitting, months, trips, nextLimit, moves, resizes, plans, assumptions };
}

/** A check's value against its limit, in words; a broken service limit says which limit and what it needs. */
export function describe(check: CapacityCheck): string {
  if (check.id === 'service-limits') return check.basis;
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
    peakShare: round(workload.peakShare, 4),
    averageTrafficFactor: round(workload.averageTrafficFactor, 4),
  };
}

export { CHECK_TITLES };
