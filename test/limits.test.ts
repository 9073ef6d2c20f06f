import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { UsageError } from '../core/errors';
import { checkStackResourceCount, PlanLimitError, planLimitFindings, SERVICE_LIMITS } from '../core/limits';
import { computePlan } from '../core/plan';
import { parseProfile, ProfileInput } from '../core/profile';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { ROOT } from './support/paths';

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
