/**
 * The advisor's arithmetic on the shipped profiles (hand-checked below), and properties every path
 * keeps: it never moves down a stage and never recommends a stage whose limits the workload exceeds.
 */
import * as path from 'path';
import fc from 'fast-check';
import { advise, projectProfile, projectWorkload } from '../core/advisor';
import { stageCapacity } from '../core/capacity';
import { computePlan } from '../core/plan';
import { loadProfile, parseProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { ROOT } from './support/paths';

const profile = (name: string) => loadProfile(path.join(ROOT, 'profiles', `${name}.yaml`));
const START = '2027-01';
const trip = (a: ReturnType<typeof advise>, stage: string, id: string) => a.trips.find((t) => t.stage === stage && t.id === id)!;

describe('advise on the shipped profiles (month 0 = 2027-01, 36 months)', () => {
  test('fresh-startup: one server until its CPU runs short, then split-tier', () => {
    // Server CPU = (40 req/s / 40 / 0.6 = 1.667 app + (180 reads/s / 500 + 5 writes/s / 200) / 0.6 = 0.642 Postgres) × 1.12^m + 0.25 Redis.
    // 30% headroom of 64 vCPU is 44.8: 2.308 × 1.12^m + 0.25 > 44.8 → 1.12^m > 19.30 → m = 27 (1.12^26 = 19.04, 1.12^27 = 21.32).
    // Exceeded above 64 vCPU: 1.12^m > 27.62 → m = 30 (1.12^29 = 26.75, 1.12^30 = 29.96). 3-month lead: 30 - 3 = 27 too.
    const a = advise(profile('fresh-startup'), { start: START });
    expect(a.fitsToday).toBe('single-server');
    expect(trip(a, 'single-server', 'server-cpu')).toMatchObject({ lowHeadroomMonth: 27, exceededMonth: 30 });
    expect(a.nextLimit).toMatchObject({ stage: 'single-server', id: 'server-cpu', exceededMonth: 30 });
    expect(a.moves.map((m) => [m.month, m.to])).toEqual([[0, 'single-server'], [27, 'split-tier']]);
    expect(a.moves[1].reason).toContain('Single-server CPU headroom 22.7% < 30%');
    // Dataset 8 GiB × 1.1^m passes 30% headroom of 1,024 GiB (716.8) at 1.1^m > 89.6 → m = 48: not within 36 months.
    expect(trip(a, 'single-server', 'dataset-per-shard')).toMatchObject({ lowHeadroomMonth: undefined, exceededMonth: undefined });
  });

  test('growing-product: split-tier (a 99.9% SLO), then sharded when the dataset heads past 1 TiB', () => {
    // Single server: SLO 99.9% > 99.5% → not today.
    // Dataset 250 GiB × 1.06^m: 30% headroom of 1,024 GiB at 1.06^m > 2.867 → m = 19 (1.06^18 = 2.854, 1.06^19 = 3.026);
    // exceeded at 1.06^m > 4.096 → m = 25 (1.06^24 = 4.049, 1.06^25 = 4.292). Read replicas do not split data: sharded.
    // Primary CPU on split-tier = (600 × 0.92 × 5 / 500 + 150 / 200) / 0.6 = 10.45 vCPU × 1.05^m, × 2 in November:
    // Nov 2028 (m = 22): 10.45 × 2.925 × 2 = 61.1 → 4.5% headroom; Nov 2029 (m = 34): 10.45 × 5.253 × 2 = 109.8 > 64.
    const a = advise(profile('growing-product'), { start: START });
    expect(a.fitsToday).toBe('split-tier');
    expect(a.today.find((s) => s.stage === 'single-server')!.checks.find((c) => c.id === 'zone-redundancy')!.exceeded).toBe(true);
    expect(trip(a, 'split-tier', 'dataset-per-shard')).toMatchObject({ lowHeadroomMonth: 19, exceededMonth: 25 });
    expect(trip(a, 'split-tier', 'primary-cpu')).toMatchObject({ lowHeadroomMonth: 22, exceededMonth: 34 });
    expect(a.today.find((s) => s.stage === 'split-tier')!.checks.find((c) => c.id === 'primary-cpu')!.value).toBeCloseTo(10.45, 2);
    expect(a.nextLimit).toMatchObject({ stage: 'split-tier', id: 'dataset-per-shard', exceededMonth: 25 });
    expect(a.moves.map((m) => [m.label, m.to])).toEqual([['2027-01', 'split-tier'], ['2028-08', 'sharded']]);
    expect(a.months[10].workload).toMatchObject({ seasonalPeak: true }); // 2027-11
    expect(a.months[10].workload.peakRequestsPerSecond).toBeCloseTo(600 * 1.05 ** 10 * 2, 0);
  });

  test('million-merchants: the cache outgrows the largest node, so it is sharded and sharded carries it; inline jobs send it to queue-pipeline at once', () => {
    // Hot set 8,000 GiB × 10% = 800 GiB; the cache holds 30% of it = 240 GiB > 209.55 GiB (cache.r7g.8xlarge), so it
    // runs in cluster mode: up to 30 shards (90 nodes per cluster / 3 zones) × 209.55 GiB = 6,286.5 GiB.
    // Everything else fits on sharded: 13 shards (12,809 GiB in 12 months / 1,024), 6,000 / 13 = 462 writes/s a shard.
    const a = advise(profile('million-merchants'), { start: START });
    expect(a.fitsToday).toBe('sharded');
    const sharded = a.today.find((s) => s.stage === 'sharded')!;
    expect(sharded.checks.filter((c) => c.exceeded)).toEqual([]);
    expect(sharded.checks.find((c) => c.id === 'cache-memory')).toMatchObject({ value: 240, limit: 6286.5 });
    expect(a.months.every((m) => m.stage !== undefined)).toBe(true);
    // What trips on sharded: background work done inline. Jobs take 833.3 of the app servers' 2,083.3 vCPU = 40%
    // of a 50% limit: 1 - 0.40 / 0.50 = 20% headroom, under the 30% minimum already in month 0, so the path moves
    // to queue-pipeline in month 0. Jobs and requests both grow with traffic (3% a month), so the share stays 40%:
    // low in month 0, never exceeded. The per-shard checks never trip: shards are added as the data grows
    // (8,000 GiB / 13 shards = 615 GiB of 1,024, 40% headroom today).
    expect(sharded.checks.find((c) => c.id === 'inline-jobs')).toMatchObject({ value: 0.4, limit: 0.5 });
    expect(trip(a, 'sharded', 'inline-jobs')).toMatchObject({ lowHeadroomMonth: 0, exceededMonth: undefined });
    expect(trip(a, 'sharded', 'dataset-per-shard')).toMatchObject({ lowHeadroomMonth: undefined, exceededMonth: undefined });
    expect(sharded.checks.find((c) => c.id === 'dataset-per-shard')!.value).toBeCloseTo(8000 / 13, 2);
    expect(a.moves.map((m) => [m.month, m.to])).toEqual([[0, 'queue-pipeline']]);
  });

  test('capacity verdicts agree with the plan: a stage the plan warns is too small fails its check', () => {
    const p = profile('growing-product');
    const busy = projectProfile(p, projectWorkload(p, 30, START));
    const single = stageCapacity(busy, 'single-server');
    expect(computePlan(busy, 'single-server').warnings.some((w) => w.startsWith('single-server: needs'))).toBe(single.checks.some((c) => c.id.startsWith('server-') && c.exceeded));
  });
});

/** A new user's profile: an Indian SaaS at 2,000 req/s with Kafka and strong consistency. */
const INDIAN_SAAS = loadProfile(path.join(ROOT, 'test', 'fixtures', 'profiles', 'bharat-invoices.yaml'));

test('a new user\'s profile (Indian SaaS, 2,000 req/s, Kafka, strong consistency, ap-south-1): one server is too small, the path climbs', () => {
  const a = advise(INDIAN_SAAS, { start: START });
  const single = a.today.find((s) => s.stage === 'single-server')!;
  // (2,000 / 40 / 0.6 = 83.3 app) + ((2,000 × 0.8 × 5 / 500 + 600 / 200) / 0.6 = 31.67 Postgres) + 0.25 = 115.25 vCPU > 64.
  expect(single.checks.find((c) => c.id === 'server-cpu')!.value).toBeCloseTo(115.25, 1);
  expect(single.fits).toBe(false);
  expect(a.fitsToday).toBe('split-tier');
  // Split-tier primary = (8,000 reads/s / 500 + 600 / 200) / 0.6 = 31.67 vCPU × 1.04^m, × 1.8 in October (m = 9):
  // 31.67 × 1.423 × 1.8 = 81.1 > 64, so the 3-month lead moves to read-replicas in July (m = 6).
  // Read-replicas keeps the dataset on one primary: 400 GiB × 1.05^m passes 716.8 GiB (30% headroom) at m = 12 (1.05^12 = 1.796 → 718.3).
  expect(a.moves.map((m) => [m.month, m.to])).toEqual([[0, 'split-tier'], [6, 'read-replicas'], [12, 'sharded']]);
  expect(trip(a, 'split-tier', 'primary-cpu').exceededMonth).toBe(9);
});

describe('properties of every path', () => {
  const arbitraryProfile = fc
    .record({
      rps: fc.double({ min: 1, max: 50_000, noNaN: true }),
      readShare: fc.double({ min: 0, max: 1, noNaN: true }),
      growth: fc.double({ min: -10, max: 40, noNaN: true }),
      season: fc.option(fc.record({ multiplier: fc.double({ min: 1, max: 5, noNaN: true }), month: fc.integer({ min: 1, max: 12 }) }), { nil: undefined }),
      dataset: fc.double({ min: 1, max: 20_000, noNaN: true }),
      dataGrowth: fc.double({ min: 0, max: 20, noNaN: true }),
      writes: fc.double({ min: 0, max: 20_000, noNaN: true }),
      jobs: fc.double({ min: 0, max: 5_000, noNaN: true }),
      slo: fc.constantFrom(99, 99.5, 99.9, 99.95, 99.99),
      consistency: fc.constantFrom<'strong' | { boundedStalenessSeconds: number }>('strong', { boundedStalenessSeconds: 5 }),
    })
    .map((r) =>
      parseProfile({
        name: 'prop-test',
        region: 'us-east-1',
        traffic: { peakRequestsPerSecond: r.rps, readShare: r.readShare, averageResponseKiB: 30, monthlyGrowthPercent: r.growth, ...(r.season ? { seasonalPeak: r.season } : {}) },
        data: { datasetGiB: r.dataset, monthlyGrowthPercent: r.dataGrowth, writesPerSecond: r.writes },
        async: { jobsPerSecond: r.jobs, queue: 'sqs' },
        objectives: { availabilityPercent: r.slo, p99LatencyMs: 500, consistency: r.consistency },
      }),
    );

  test('never down a stage; never a stage the month exceeds; no stage only when none at or above the path fits', () => {
    fc.assert(
      fc.property(arbitraryProfile, fc.integer({ min: 1, max: 36 }), fc.integer({ min: 1, max: 12 }), (p, months, startMonth) => {
        const start = `2027-${String(startMonth).padStart(2, '0')}`;
        const a = advise(p, { months, start });
        let highest = -1;
        for (const m of a.months) {
          const workload = projectProfile(p, projectWorkload(p, m.month, start));
          if (m.stage === undefined) {
            // No stage at or above the path's highest so far carries the month (the path does not go down).
            expect(STAGE_NAMES.slice(Math.max(highest, 0)).some((s) => stageCapacity(workload, s).fits)).toBe(false);
            continue;
          }
          const index = STAGE_NAMES.indexOf(m.stage);
          expect(index).toBeGreaterThanOrEqual(highest);
          highest = index;
          expect(stageCapacity(workload, m.stage).checks.filter((c) => c.exceeded)).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

test('the assumptions read as sentences: the article survived the renames ("5% a month", "before a limit")', () => {
  const a = advise(profile('growing-product'), { start: START });
  const text = a.assumptions.join('\n');
  expect(text).toContain('grow 5% a month (profile traffic.monthlyGrowthPercent)');
  expect(text).toContain('3 months before a limit is exceeded');
  expect(text).toContain('before a queue pipeline is needed');
  // A local's name where the article was: "5% sizing month", "before sizing limit".
  expect(text).not.toMatch(/\b(sizing|settings|bill|stage|plan) (month|limit is|queue pipeline)\b/);
});

describe('sizes along the path', () => {
  const merchants = advise(profile('million-merchants'), { start: START });
  const growing = advise(profile('growing-product'), { start: START });

  test('a sharded cache shows its shard count', () => {
    expect(merchants.months[0].sizes).toContain('cache 9 shards × 3 × cache.r7g.2xlarge');
  });

  test('a reshard comes with the move lead time, and only when the shards there are would exceed a limit', () => {
    // Dataset 8,000 GiB × 1.04^m on 15 shards of at most 1,024 GiB (15,360 GiB): 1.04^16 × 8,000 = 14,984 fits,
    // 1.04^17 × 8,000 = 15,584 does not → exceeded in month 17 (2028-06); 3 months ahead is month 14 (2028-03).
    // The new count is the plan's: the window's dataset 15,584 GiB × 1.04^12 = 24,950 GiB / 1,024 → 25 shards.
    expect(merchants.resizes.filter((r) => r.changes.some((c) => c.startsWith('reshard'))).map((r) => [r.label, r.changes[0]])).toEqual([
      ['2028-03', 'reshard 15 → 25 shards'],
      ['2029-04', 'reshard 25 → 41 shards'],
    ]);
    expect(merchants.months[14].reason).toContain('up to 2028-06 (the 3-month lead time)');
    // Every size change is in the month's row, not only at stage moves.
    for (const resize of merchants.resizes) expect(merchants.months[resize.month].sizeChanges).toEqual(resize.changes);
  });

  test('stateful sizes never shrink within a stage: no database resized down after November', () => {
    for (const advice of [merchants, growing]) {
      for (let month = 1; month < advice.months.length; month++) {
        const before = advice.plans[month - 1];
        const now = advice.plans[month];
        if (!before?.database || !now?.database || advice.months[month].move) continue;
        expect(now.database.shards).toBeGreaterThanOrEqual(before.database.shards);
        if (now.database.shards === before.database.shards) {
          expect(now.database.instance.memoryGiB).toBeGreaterThanOrEqual(before.database.instance.memoryGiB);
          expect(now.database.readReplicas).toBeGreaterThanOrEqual(before.database.readReplicas);
        }
        expect(now.database.storageGiB).toBeGreaterThanOrEqual(before.database.storageGiB);
        if (before.cache && now.cache) expect([now.cache.node.memoryGiB, now.cache.shards ?? 1]).toEqual([Math.max(now.cache.node.memoryGiB, before.cache.node.memoryGiB), Math.max(now.cache.shards ?? 1, before.cache.shards ?? 1)]);
      }
    }
    // growing-product on split-tier: the class November 2027 needs (db.r7g.12xlarge) stays in December.
    expect([growing.plans[10]!.database!.instance.name, growing.plans[11]!.database!.instance.name]).toEqual(['db.r7g.12xlarge', 'db.r7g.12xlarge']);
  });

  test('a seasonal peak month: capacity for the peak, the autoscaled parts at the peak for its days only', () => {
    const november = growing.months[10];
    // 7 of November's 30 days: the month's traffic is 1.05^10 × (1 + (2 - 1) × 7/30) of today's peak.
    expect(november.workload.peakShare).toBeCloseTo(7 / 30, 4);
    expect(november.workload.averageTrafficFactor).toBeCloseTo(1.05 ** 10 * (1 + 7 / 30), 3);
    expect(november.offPeakPlan!.app.minCount).toBeLessThan(growing.plans[10]!.app.minCount);
    expect(november.offPeakPlan!.database).toEqual(growing.plans[10]!.database);
    expect(() => parseProfile({ ...profile('growing-product'), traffic: { ...profile('growing-product').traffic, seasonalPeak: { multiplier: 2, month: 11, days: 40 } } })).toThrow(/traffic\.seasonalPeak\.days.*1-28/);
  });

  test('the first move says why every stage it passes over does not fit', () => {
    const reason = merchants.months[0].reason;
    for (const stage of ['single-server:', 'split-tier:', 'read-replicas:', 'sharded:']) expect(reason).toContain(stage);
  });

  test('a broken service limit is named with what it needs, not "1 limits broken of 0 limits broken"', () => {
    const monster = advise(loadProfile(path.join(ROOT, 'test', 'fixtures', 'profiles', 'beyond-the-ladder.yaml')), { start: START, months: 2 });
    expect(monster.months[0].reason).toContain('database.shards: needs 613 shards; stagekit builds at most 64 per product');
    expect(monster.months[0].reason).not.toContain('limits broken');
  });
});
