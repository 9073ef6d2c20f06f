/**
 * The core: profile parsing and errors (and properties over generated profiles), the plan's sizing, the service limits it respects, the advisor, and the one contract with the app on both targets.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import { ProfileInput, loadProfile, parseProfile, profileJsonSchema } from '../core/profile';
import { UsageError } from '../core/errors';
import { ROOT, STAGEKIT_BIN } from './support/paths';
import { computeLadder, computePlan, shardSizings } from '../core/plan';
import { profileArbitrary } from '../scripts/support/profile-arbitrary';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { PlanLimitError, SERVICE_LIMITS, checkStackResourceCount, planLimitFindings } from '../core/limits';
import { advise, projectProfile, projectWorkload } from '../core/advisor';
import { stageCapacity } from '../core/capacity';
import { APP_ENV, TARGET_DETAIL_ENV } from '../core/contract';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

describe('profile', () => {
  const profilesDir = path.join(ROOT, 'profiles');
  const example = () => parse(fs.readFileSync(path.join(profilesDir, 'growing-product.yaml'), 'utf8'));

  function errorOf(fn: () => unknown): UsageError {
    try {
      fn();
    } catch (err) {
      if (err instanceof UsageError) return err;
      throw err;
    }
    throw new Error('expected a UsageError');
  }

  describe('workload profile', () => {
    test.each(['fresh-startup', 'growing-product', 'million-merchants'])('example %s validates', (name) => {
      const profile = loadProfile(path.join(profilesDir, `${name}.yaml`));
      expect(profile.name).toMatch(/^[a-z]/);
      expect(profile.assumptions.requestsPerSecondPerVcpu).toBeGreaterThan(0);
    });

    test('a wrong type names the field, what was expected and what was given', () => {
      const input = example();
      input.traffic.peakRequestsPerSecond = 'lots';
      const err = errorOf(() => parseProfile(input, 'p.yaml'));
      expect(err.message).toBe('p.yaml: traffic.peakRequestsPerSecond: expected requests per second, got "lots"');
      expect(err.exitCode).toBe(2);
    });

    test('an unknown field is reported with its path', () => {
      const input = example();
      input.traffic.peakRps = 5;
      expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toContain('traffic.peakRps: unknown field');
    });

    test('a CPU target of 0 is refused (it would size an infinite fleet)', () => {
      const input = example();
      input.assumptions = { targetCpuUtilization: 0 };
      expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toBe('p.yaml: assumptions.targetCpuUtilization: expected a CPU utilization from 0.05 to 1, got 0');
    });

    test('enums list the valid choices', () => {
      const input = example();
      input.async.queue = 'rabbitmq';
      expect(errorOf(() => parseProfile(input, 'p.yaml')).message).toBe('p.yaml: async.queue: expected one of sqs, kafka, got "rabbitmq"');
    });

    test('every bad field is reported, one per line', () => {
      const input = example();
      input.region = 'mars-1';
      input.traffic.readShare = 1.5;
      const lines = errorOf(() => parseProfile(input, 'p.yaml')).message.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('region: expected one of us-east-1, eu-central-1, ap-south-1, us-west-2, eu-west-1, ap-southeast-1, got "mars-1"');
      expect(lines[1]).toContain('traffic.readShare: expected a share of requests between 0 and 1, got 1.5');
    });

    test('invalid YAML and missing files are usage errors', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-'));
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, 'name: [unclosed\n');
      expect(errorOf(() => loadProfile(bad)).message).toMatch(/bad\.yaml: line \d+ not valid YAML/);
      expect(errorOf(() => loadProfile(path.join(dir, 'missing.yaml'))).message).toContain('cannot read the profile (ENOENT)');
    });

    test('the published JSON Schema is current', () => {
      const published = JSON.parse(fs.readFileSync(path.join(profilesDir, 'profile.schema.json'), 'utf8'));
      expect(published).toEqual(profileJsonSchema());
    });
  });
});

/**
 * Property: every profile gets an answer. Profiles are drawn from the schema's own ranges (with
 * their edges, and with values outside them); each one either plans (and renders) or is refused
 * with a UsageError (exit 2). Never another error, never a hang.
 */
describe('profile-property', () => {
  /** Strips the keys fast-check left undefined (the YAML a user writes has no such keys). */
  const clean = (value: unknown) => JSON.parse(JSON.stringify(value));

  const RUNS = 4000;

  describe('every profile drawn from the schema gets an answer', () => {
    test(`${RUNS} profiles x a random stage: a plan or a UsageError, within 2 s each`, () => {
      const outcomes = { planned: 0, refusedBySchema: 0, refusedByLimits: 0 };
      let slowest = 0;
      fc.assert(
        fc.property(profileArbitrary, fc.constantFrom(...STAGE_NAMES), (input, stage) => {
          const t0 = performance.now();
          try {
            const plan = computePlan(parseProfile(clean(input)), stage);
            // What the renderers iterate over: must be bounded for any plan that passed.
            if (plan.database) expect(shardSizings(plan, computeLadder(plan.profile)).length).toBe(plan.database.shards);
            outcomes.planned++;
          } catch (err) {
            if (!(err instanceof UsageError)) throw err;
            if (err.name === 'PlanLimitError') outcomes.refusedByLimits++;
            else outcomes.refusedBySchema++;
          }
          const ms = performance.now() - t0;
          slowest = Math.max(slowest, ms);
          expect(ms).toBeLessThan(2000);
        }),
        { numRuns: RUNS, seed: 1207 },
      );
      // The draw must exercise all three answers, or the property says little.
      expect(outcomes.planned).toBeGreaterThan(RUNS / 10);
      expect(outcomes.refusedByLimits).toBeGreaterThan(RUNS / 50);
      expect(outcomes.refusedBySchema).toBeGreaterThan(RUNS / 50);
      process.stdout.write(`property: ${JSON.stringify(outcomes)}, slowest case ${slowest.toFixed(1)} ms\n`);
    });

    test('through the CLI with a 384 MB heap: exit 0 or 2, no stack trace', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-prop-'));
      try {
        // One process (the CLI loads aws-cdk-lib: seconds each): the largest valid profile, every stage.
        const largest = clean(fc.sample(profileArbitrary, { numRuns: 1, seed: 7 })[0]);
        Object.assign(largest.traffic, { peakRequestsPerSecond: 10_000_000 });
        Object.assign(largest.data, { datasetGiB: 10_485_760, writesPerSecond: 10_000_000, monthlyGrowthPercent: 200 });
        for (const [i, input] of [largest].entries()) {
          const file = path.join(dir, `p${i}.yaml`);
          fs.writeFileSync(file, stringify(input));
          const r = spawnSync(process.execPath, ['--max-old-space-size=384', STAGEKIT_BIN, 'explain', '--all', '--profile', file], {
            cwd: ROOT,
            encoding: 'utf8',
            timeout: 60_000,
            env: { ...process.env, NO_COLOR: '1' },
          });
          expect({ i, status: [0, 2].includes(r.status ?? -1) }).toEqual({ i, status: true });
          expect(r.stderr).not.toMatch(/\n\s+at /);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('plan', () => {
  const load = (name: string) => loadProfile(path.join(ROOT, 'profiles', `${name}.yaml`));
  const growing = load('growing-product');

  describe('sizing plan', () => {
    test('each stage keeps what the one before it has', () => {
      const plans = STAGE_NAMES.map((s) => computePlan(growing, s));
      expect(plans[0].server).toBeDefined();
      expect(plans[0].database).toBeUndefined();
      expect(plans[1].database?.standby).toBe(true);
      expect(plans[1].database?.readReplicas).toBe(0);
      expect(plans[2].database?.readReplicas).toBeGreaterThanOrEqual(1);
      expect(plans[2].cache).toBeDefined();
      expect(plans[3].database?.shards).toBeGreaterThanOrEqual(2);
      expect(plans[3].cache).toEqual(plans[2].cache);
      expect(plans[4].queue?.technology).toBe('sqs');
      expect(plans[4].database).toEqual(plans[3].database);
    });

    test('app servers carry peak load with one zone lost', () => {
      for (const profile of [growing, load('million-merchants')]) {
        const plan = computePlan(profile, 'split-tier');
        const a = profile.assumptions;
        const vcpuNeeded = profile.traffic.peakRequestsPerSecond / a.requestsPerSecondPerVcpu / a.targetCpuUtilization;
        const survivingVcpu = (plan.app.minCount * (plan.zones - 1)) / plan.zones * plan.app.instance.vcpu;
        expect(survivingVcpu).toBeGreaterThanOrEqual(vcpuNeeded);
        expect(plan.app.minCount % plan.zones).toBe(0);
        expect(plan.app.maxCount).toBe(plan.app.minCount * 2);
      }
    });

    test('three zones from a 99.95% SLO, two below, one for a single server', () => {
      expect(computePlan(load('million-merchants'), 'split-tier').zones).toBe(3);
      expect(computePlan(growing, 'split-tier').zones).toBe(2);
      expect(computePlan(growing, 'single-server').zones).toBe(1);
    });

    test('shard count follows the dataset and the write rate', () => {
      const big = computePlan(load('million-merchants'), 'sharded');
      // 8000 GiB growing 4%/month for 12 months is ~12,808 GiB; at most 1024 GiB per shard.
      expect(big.database?.shards).toBe(13);
      const writeHeavy = parseProfile({ ...growing, data: { ...growing.data, writesPerSecond: 20000 } });
      // 20,000 writes/s over 200 writes/s per vCPU x 16 vCPU x 60% = 10.4 -> 11 shards.
      expect(computePlan(writeHeavy, 'sharded').database?.shards).toBe(11);
    });

    test('replica lag alarm follows the staleness bound', () => {
      expect(computePlan(growing, 'read-replicas').database?.replicaLagAlarmSeconds).toBe(5);
      expect(computePlan(load('fresh-startup'), 'read-replicas').database?.replicaLagAlarmSeconds).toBe(1);
    });

    test('burn-rate thresholds are the SRE workbook multiples of the error budget', () => {
      const obs = computePlan(growing, 'split-tier').observability;
      expect(obs.errorBudget).toBeCloseTo(0.001, 6);
      expect(obs.burnRates.map((b) => [b.longWindowMinutes, b.shortWindowMinutes, b.errorRatioThreshold])).toEqual([
        [60, 5, 0.0144],
        [360, 30, 0.006],
      ]);
    });

    test('kafka brokers come in multiples of the zones, with one partition per worker at full scale', () => {
      const plan = computePlan(load('million-merchants'), 'queue-pipeline');
      const kafka = plan.queue!.kafka!;
      expect(kafka.brokers % plan.zones).toBe(0);
      expect(kafka.partitions).toBeGreaterThanOrEqual(plan.queue!.maxWorkers);
      expect(kafka.replicationFactor).toBe(3);
      expect((kafka.partitions * kafka.replicationFactor) / kafka.brokers).toBeLessThanOrEqual(kafka.broker.maxPartitionReplicas);
    });

    test('a single server warns when the profile outgrows it', () => {
      expect(computePlan(load('fresh-startup'), 'single-server').warnings).toEqual([]);
      expect(computePlan(load('million-merchants'), 'single-server').warnings.join('\n')).toContain('climb to split-tier');
    });

    test('pod shapes fit inside the machines they stand for', () => {
      const plan = computePlan(growing, 'queue-pipeline');
      expect(plan.app.podShape.vcpu).toBeLessThan(plan.app.instance.vcpu);
      expect(plan.app.podShape.memoryGiB).toBeLessThan(plan.app.instance.memoryGiB);
      const server = computePlan(growing, 'single-server').server!;
      const used = server.appShape.vcpu + server.postgresShape.vcpu + server.redisShape.vcpu;
      expect(used).toBeLessThanOrEqual(server.instance.vcpu);
    });
  });
});

describe('limits', () => {
  const example = (name = 'growing-product'): any => parse(fs.readFileSync(path.join(ROOT, 'profiles', `${name}.yaml`), 'utf8'));
  const withProfile = (edit: (p: any) => void, name?: string) => {
    const input = example(name);
    edit(input);
    return parseProfile(input as ProfileInput);
  };
  function refusal(fn: () => unknown): PlanLimitError {
    try {
      fn();
    } catch (err) {
      if (err instanceof PlanLimitError) return err;
      throw err;
    }
    throw new Error('expected the plan to be refused');
  }

  describe('service limits table', () => {
    test('every row has a value, a kind and a source with a date', () => {
      for (const [id, limit] of Object.entries(SERVICE_LIMITS)) {
        expect({ id, ok: Number.isFinite(limit.value) && limit.value > 0 }).toEqual({ id, ok: true });
        expect(['hard', 'quota', 'guidance']).toContain(limit.kind);
        expect(limit.source.length).toBeGreaterThan(10);
        expect(limit.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    });

    test.each(['fresh-startup', 'growing-product', 'million-merchants'])('the shipped profile %s plans every stage within hard limits', (name) => {
      const profile = withProfile(() => {}, name);
      for (const stage of STAGE_NAMES) {
        const plan = computePlan(profile, stage);
        expect(planLimitFindings(plan).filter((f) => f.kind === 'hard')).toEqual([]);
      }
    });
  });

  describe('plans that break a limit are refused with exit 2, naming the field and the limit', () => {
    test('reads past 15 replicas: first a larger class, then refused at read-replicas and taken by shards', () => {
      // 100k req/s: 20 replicas of the class the primary needs; a larger class fits them in 15.
      const fits = computePlan(withProfile((p) => (p.traffic.peakRequestsPerSecond = 100_000)), 'read-replicas');
      expect(fits.database!.readReplicas).toBeLessThanOrEqual(15);
      expect(fits.reasoning.join('\n')).toMatch(/so that the replicas fit RDS's 15 per primary/);
      const profile = withProfile((p) => (p.traffic.peakRequestsPerSecond = 1_000_000));
      const err = refusal(() => computePlan(profile, 'read-replicas'));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(/database\.readReplicas: needs \d+ read replicas; RDS allows 15 per primary: use the sharded stage or lower traffic\.readShare/);
      // The sharded stage takes the same load.
      const sharded = computePlan(profile, 'sharded');
      expect(sharded.database!.readReplicas).toBeLessThanOrEqual(15);
      expect(sharded.database!.shards).toBeGreaterThan(2);
    });

    test('a single server cannot hold a 40,000 GiB dataset (EBS gp3 maximum)', () => {
      const profile = withProfile((p) => (p.data.datasetGiB = 40_000));
      expect(refusal(() => computePlan(profile, 'single-server')).message).toMatch(/server\.dataVolumeGiB: needs a [\d,]+ GiB data volume; EBS allows 65,536 GiB per gp3 volume/);
    });

    test('monthlyGrowthPercent at the schema maximum (200) is refused, not a crash', () => {
      const profile = withProfile((p) => (p.data.monthlyGrowthPercent = 200));
      for (const stage of STAGE_NAMES) {
        try {
          computePlan(profile, stage);
        } catch (err) {
          expect(err).toBeInstanceOf(PlanLimitError);
        }
      }
      expect(refusal(() => computePlan(profile, 'sharded')).message).toContain('database.shards: needs');
    });

    test('jobs and writes at the schema maximum: refused by the pod and shard limits', () => {
      const jobs = withProfile((p) => (p.async.jobsPerSecond = 10_000_000));
      expect(refusal(() => computePlan(jobs, 'queue-pipeline')).message).toMatch(/pods: runs up to [\d,]+ pods; Kubernetes supports 150,000 per cluster/);
      const writes = withProfile((p) => (p.data.writesPerSecond = 10_000_000));
      expect(refusal(() => computePlan(writes, 'sharded')).message).toMatch(/database\.shards: needs [\d,]+ shards; stagekit builds at most 64/);
    });

    test('values beyond the static bounds are schema errors (exit 2) naming the field', () => {
      const cases: Array<[string, (p: any) => void]> = [
        ['data.writesPerSecond', (p) => (p.data.writesPerSecond = 1e12)],
        ['traffic.peakRequestsPerSecond', (p) => (p.traffic.peakRequestsPerSecond = 1e9)],
        ['async.jobsPerSecond', (p) => (p.async.jobsPerSecond = 1e12)],
        ['assumptions.targetCpuUtilization', (p) => (p.assumptions = { targetCpuUtilization: 1e-300 })],
      ];
      for (const [field, edit] of cases) {
        const input = example();
        edit(input);
        expect(() => parseProfile(input)).toThrow(new RegExp(`${field.replace('.', '\\.')}: expected`));
      }
    });

    test('adjustable quotas warn instead of refusing', () => {
      const profile = withProfile((p) => (p.traffic.peakRequestsPerSecond = 60_000));
      const plan = computePlan(profile, 'split-tier');
      expect(plan.app.maxCount).toBeGreaterThan(1000);
      expect(plan.warnings.join('\n')).toMatch(/app\.maxCount: scales to [\d,]+ app servers; an Application Load Balancer takes 1,000 targets by default.*adjustable quota/);
    });

    test('a stack over 500 resources is a usage error', () => {
      expect(() => checkStackResourceCount('big', 799)).toThrow(/big: synthesizes 799 resources; CloudFormation allows 500 per stack/);
      expect(() => checkStackResourceCount('ok', 500)).not.toThrow();
    });

    test('every stage of an absurd but schema-valid profile answers quickly (no allocation per shard or server)', () => {
      const profile = withProfile((p) => {
        p.traffic.peakRequestsPerSecond = 10_000_000;
        p.data = { ...p.data, datasetGiB: 10_485_760, monthlyGrowthPercent: 200, writesPerSecond: 10_000_000 };
        p.async.jobsPerSecond = 10_000_000;
        p.assumptions = { planningHorizonMonths: 60, maxShardGiB: 10, requestsPerSecondPerVcpu: 0.01, targetCpuUtilization: 0.05 };
      });
      const t0 = performance.now();
      for (const stage of STAGE_NAMES as readonly StageName[]) expect(() => computePlan(profile, stage)).toThrow(PlanLimitError);
      expect(performance.now() - t0).toBeLessThan(2000);
    });
  });
});

/**
 * The advisor's arithmetic on the shipped profiles (hand-checked below), and properties every path
 * keeps: it never moves down a stage and never recommends a stage whose limits the workload exceeds.
 */
describe('advisor', () => {
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
});

/**
 * One contract with the app (core/contract.ts): the web tier sees the same environment names on
 * AWS and on Kubernetes, every name it sees is in the contract, and the shard map has the same
 * document shape on both targets.
 */
describe('app-contract', () => {
  const CONTRACT = new Set<string>(Object.values(APP_ENV));

  /** Names passed to the app container in user data: `-e NAME=value` flags and lines of its Docker env file. */
  function userDataEnvNames(userData: unknown): string[] {
    const text = JSON.stringify(userData);
    const flags = [...text.matchAll(/-e '?([A-Z][A-Z0-9_]*)=/g)].map((match) => match[1]);
    const envFile = [...text.matchAll(/echo \\"([A-Z][A-Z0-9_]*)=\$\(cat /g)].map((match) => match[1]);
    return [...flags, ...envFile];
  }

  /** Names passed to the app container in a launch template's user data. */
  function awsEnvNames(template: any, launchTemplatePrefix: string): string[] {
    const [, resource] = Object.entries<any>(template.Resources).find(([id, r]) => id.startsWith(launchTemplatePrefix) && r.Type === 'AWS::EC2::LaunchTemplate')!;
    return userDataEnvNames(resource.Properties.LaunchTemplateData.UserData);
  }

  /** Names the web app gets on AWS: from the single server's instance, or from the web fleet. */
  function awsWebEnvNames(stage: (typeof STAGE_NAMES)[number]): string[] {
    const template = awsTemplate(stage);
    if (!stagePlan(stage).server) return awsEnvNames(template, 'WebFleetLaunchTemplate');
    const [, instance] = Object.entries<any>(template.Resources).find(([id, r]) => id.startsWith('SingleServerInstance') && r.Type === 'AWS::EC2::Instance')!;
    return userDataEnvNames(instance.Properties.UserData);
  }

  function k8sEnvNames(objects: any[], name: string): string[] {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    return deployment.spec.template.spec.containers[0].env.map((e: any) => e.name);
  }

  /** What the app relies on, whatever the target. */
  function expectedNames(stage: (typeof STAGE_NAMES)[number]): string[] {
    const plan = stagePlan(stage);
    const names = ['STAGEKIT_ROLE', 'PORT', 'DATABASE_HOST', 'DATABASE_READ_HOST', 'DATABASE_DIRECT_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_AUTH', 'DATABASE_SSLMODE'];
    if (plan.cache) names.push('CACHE_HOST', 'CACHE_READ_HOST', 'CACHE_PORT', 'CACHE_TLS', 'CACHE_AUTH');
    if (plan.database) names.push('DATABASE_SHARD_MAP', 'DATABASE_SHARD_COUNT');
    // The transport may differ (SQS on AWS, Kafka standing in on Kubernetes): JOBS_TRANSPORT says which.
    if (plan.queue) names.push('JOBS_TRANSPORT');
    return names;
  }

  /** The names a process gets that both targets must give alike (all but TARGET_DETAIL_ENV), sorted. */
  const sharedNames = (names: string[]): string[] => [...new Set(names.filter((name) => !TARGET_DETAIL_ENV.has(name as never)))].sort();

  describe.each(STAGE_NAMES)('%s: the app sees the same environment on both targets', (stage) => {
    test('the web app gets the same names on AWS as on Kubernetes', () => {
      const aws = awsWebEnvNames(stage);
      const k8s = k8sEnvNames(k8sObjects(stage), 'web');
      expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
      expect(sharedNames(aws)).toEqual(sharedNames(k8s));
      for (const name of expectedNames(stage)) expect(aws).toContain(name);
    });

    if (stage === 'queue-pipeline') {
      test('the workers get the same names on AWS as on Kubernetes', () => {
        expect(sharedNames(awsEnvNames(awsTemplate(stage), 'WorkersFleetLaunchTemplate'))).toEqual(sharedNames(k8sEnvNames(k8sObjects(stage), 'worker')));
      });
    }
  });

  test('on the single server the app gets exactly the Kubernetes names, the password included (plus the AWS region)', () => {
    const aws = awsWebEnvNames('single-server');
    expect(aws.filter((name) => name !== APP_ENV.awsRegion).sort()).toEqual(k8sEnvNames(k8sObjects('single-server'), 'web').sort());
    expect(aws).toContain(APP_ENV.databasePassword);
    const userData = JSON.stringify(awsTemplate('single-server'));
    // The password reaches the app through the env file, never a command line, and Postgres requires it on TCP.
    expect(userData).not.toMatch(/-e '?DATABASE_PASSWORD/);
    expect(userData).toContain('--auth-host=scram-sha-256');
    expect(userData).toContain("-e 'DATABASE_AUTH=password'");
  });

  describe.each(STAGE_NAMES.filter((stage) => stage !== 'single-server'))('%s', (stage) => {
    const aws = awsEnvNames(awsTemplate(stage), 'WebFleetLaunchTemplate');
    const k8s = k8sEnvNames(k8sObjects(stage), 'web');

    test('every name the web tier is given is in the contract, on both targets', () => {
      expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
      expect(k8s.filter((name) => !CONTRACT.has(name))).toEqual([]);
    });

    test('the names the app relies on are there on both targets', () => {
      for (const name of expectedNames(stage)) {
        expect(aws).toContain(name);
        expect(k8s).toContain(name);
      }
    });

    test('DATABASE_AUTH and CACHE_AUTH say how to authenticate on each target', () => {
      expect(JSON.stringify(awsTemplate(stage))).toContain("-e 'DATABASE_AUTH=iam'");
      const env = k8sObjects(stage).find((o) => o.kind === 'Deployment' && o.metadata.name === 'web').spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: 'DATABASE_AUTH', value: 'password' });
      expect(env.find((e: any) => e.name === 'DATABASE_PASSWORD').valueFrom.secretKeyRef).toBeDefined();
    });
  });

  test('the shard map has the same document shape on both targets', () => {
    const template = awsTemplate('sharded');
    const [, parameter] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::SSM::Parameter')!;
    const onAws = JSON.parse(parameter.Properties.Value);
    const configMap = k8sObjects('sharded').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'postgres-shard-map');
    const onK8s = JSON.parse(configMap.data['shard-map.json']);
    expect(Object.keys(onK8s).sort()).toEqual(Object.keys(onAws).sort());
    expect(onK8s.shards.map((shard: object) => Object.keys(shard).sort())).toEqual(onAws.shards.map((shard: object) => Object.keys(shard).sort()));
    expect(onK8s.shards.length).toBe(onAws.shards.length);
  });

  test('workers get the job settings on both targets', () => {
    const aws = awsEnvNames(awsTemplate('queue-pipeline'), 'WorkersFleetLaunchTemplate');
    const k8s = k8sEnvNames(k8sObjects('queue-pipeline'), 'worker');
    for (const name of ['STAGEKIT_ROLE', 'JOBS_TRANSPORT', 'JOBS_MAX_DELIVERIES', 'JOBS_VISIBILITY_TIMEOUT_SECONDS', 'DATABASE_HOST']) {
      expect(aws).toContain(name);
      expect(k8s).toContain(name);
    }
    expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
    expect(k8s.filter((name) => !CONTRACT.has(name))).toEqual([]);
  });
});
