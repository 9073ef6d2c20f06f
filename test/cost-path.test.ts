/** Bills along the advised path and the self-hosted break-even: the arithmetic, on bills made by hand. */
import * as path from 'path';
import { advise } from '../core/advisor';
import { loadProfile } from '../core/profile';
import { computePlan } from '../core/plan';
import { component, makeBill, notPricedResource, resource, Bill } from '../cost/model';
import { egressUsd, pathCosts, planVcpu, PricedStage, scaledTotal } from '../cost/path';
import { loadCatalog } from '../cost/catalog';
import { ROOT } from './support/paths';

const fresh = loadProfile(path.join(ROOT, 'profiles', 'fresh-startup.yaml'));
const flat = { ...fresh, traffic: { ...fresh.traffic, monthlyGrowthPercent: 0 }, data: { ...fresh.data, monthlyGrowthPercent: 0 } };

function bill(provider: Bill['provider'], fixed: number, machines: number, extra: Bill['resources'] = []): Bill {
  return makeBill({
    provider,
    label: provider,
    usageIncluded: true,
    assumptions: [],
    catalogDate: 'test',
    resources: [
      resource('Alarms', 'AWS::CloudWatch::Alarm', [component({ name: 'alarms', unit: 'months', quantity: 1, price: fixed })]),
      resource('Server', 'AWS::EC2::Instance', [component({ name: 'instance', unit: 'hours', quantity: 1, price: machines })]),
      ...extra,
    ],
  });
}

function stage(aws: Bill, selfHosted: Bill): PricedStage {
  return { stage: 'single-server', plan: computePlan(flat, 'single-server'), bills: { aws, 'self-hosted:hetzner': selfHosted } };
}

test('break-even: the first month the AWS bills saved since the move cover the one-off cost (flat workload)', () => {
  const advice = advise(flat, { months: 24, start: '2027-01' });
  expect(advice.moves.map((m) => m.to)).toEqual(['single-server']);
  // AWS 1,000 a month, self-hosted 400: 600 saved a month. One-off: 2 engineer-months × 1,000 + 1 month of dual running (400)
  // + the 8 GiB dataset's egress at the catalog's internet tiers for eu-central-1.
  const catalog = loadCatalog();
  const egress = egressUsd(8, 'eu-central-1', catalog);
  const costs = pathCosts(advice, [stage(bill('aws', 100, 900), bill('self-hosted', 100, 300))], {
    migration: { engineerMonths: 2, engineerMonthUsd: 1000, dualRunningMonths: 1, moveMonth: 0 },
    region: 'eu-central-1',
    catalog,
  });
  const b = costs.breakEven[0];
  expect(b.oneOff).toEqual({ engineeringUsd: 2000, dualRunningUsd: 400, egressUsd: expect.closeTo(egress, 2), egressGiB: 8, totalUsd: expect.closeTo(2400 + egress, 2) });
  expect(b.monthlySavingAtMove).toBe(600);
  // Month 0 both run (the dual-running month): AWS is paid in full, nothing saved. From month 1 AWS is off:
  // saved by the end of month k = 600 × k >= 2,400 + egress. 8 GiB at eu-central-1's first tier ($0.09/GB)
  // = $0.72, so 600 × k >= 2,400.72 → k = 5 (600 × 4 = 2,400 falls 72 cents short).
  expect(egress).toBeCloseTo(0.72, 2);
  expect(b.month).toBe(5);
  expect(costs.providers.find((p) => p.provider === 'aws')!.cumulative[11]).toBe(12_000);
});

test('break-even never falls inside the dual running: both bills are paid then, and the extra is the self-hosted one', () => {
  // As million-merchants on owned hardware: the saving is larger than the whole one-off cost, so any month
  // that counted a saving while both run would break even in month 0.
  const advice = advise(flat, { months: 12, start: '2027-01' });
  const costs = pathCosts(advice, [stage(bill('aws', 0, 300_000), bill('self-hosted', 0, 50_000))], {
    migration: { engineerMonths: 6, engineerMonthUsd: 14_400, dualRunningMonths: 2, moveMonth: 1 },
    region: 'eu-central-1',
  });
  const b = costs.breakEven[0];
  // One-off: 6 × 14,400 = 86,400 engineering + 2 × 50,000 dual running (months 1 and 2) + 8 GiB × $0.09 egress = 186,400.72.
  // AWS is off from month 3 (move month 1 + 2 months of dual running): month 3 saves 250,000 >= 186,400.72 → month 3.
  expect(b.oneOff).toMatchObject({ engineeringUsd: 86_400, dualRunningUsd: 100_000, egressUsd: 0.72, totalUsd: 186_400.72 });
  expect(b.month).toBe(3);
  expect(b.monthLabel).toBe('2027-04');
});

test('no break-even over a bill that left a major component out: the result names what is missing', () => {
  const advice = advise(flat, { months: 12, start: '2027-01' });
  const costs = pathCosts(advice, [stage(bill('aws', 100, 900, [notPricedResource('Db', 'AWS::RDS::DBInstance', 'no price for the instance class')]), bill('self-hosted', 100, 300))], {
    migration: { engineerMonths: 1, engineerMonthUsd: 1, dualRunningMonths: 0 },
  });
  expect(costs.breakEven[0].month).toBeUndefined();
  expect(costs.breakEven[0].oneOff).toBeUndefined();
  expect(costs.breakEven[0].reason).toBe('not computed: the bills leave out AWS single-server: AWS::RDS::DBInstance (Db)');
  expect(costs.providers[0].gaps).toEqual([{ stage: 'single-server', missing: ['AWS::RDS::DBInstance (Db)'] }]);
});

test('a minor line not priced (a log bucket) is a footnote, not a reason to withhold the break-even', () => {
  const advice = advise(flat, { months: 12, start: '2027-01' });
  const costs = pathCosts(advice, [stage(bill('aws', 100, 900, [notPricedResource('Logs', 'AWS::S3::Bucket', 'no S3 price')]), bill('self-hosted', 100, 300))], {
    migration: { engineerMonths: 1, engineerMonthUsd: 1, dualRunningMonths: 0 },
  });
  expect(costs.providers[0].gaps).toEqual([]);
  expect(costs.breakEven[0].reason).toBeUndefined();
  expect(costs.breakEven[0].month).toBeDefined();
});

test('a month\'s bill scales machine lines with the plan\'s vCPU and leaves fixed lines alone', () => {
  const b = bill('aws', 100, 900);
  expect(scaledTotal(b, { machines: 2, storage: 1, requests: 3, dataset: 1 })).toBe(100 + 1800);
  const grown = { ...fresh, traffic: { ...fresh.traffic, peakRequestsPerSecond: 400 } };
  expect(planVcpu(computePlan(grown, 'split-tier'))).toBeGreaterThan(planVcpu(computePlan(fresh, 'split-tier')));
});

test('a seasonal peak month bills the autoscaled machines at the peak for the peak days only, not all month', () => {
  // growing-product without growth, ×3 for 6 days in March (31 days): split-tier, whose app tier autoscales.
  const growing = loadProfile(path.join(ROOT, 'profiles', 'growing-product.yaml'));
  const seasonal = { ...growing, traffic: { ...growing.traffic, monthlyGrowthPercent: 0, seasonalPeak: { multiplier: 3, month: 3, days: 6 } }, data: { ...growing.data, monthlyGrowthPercent: 0 } };
  const advice = advise(seasonal, { months: 4, start: '2027-01' });
  const march = advice.months[2];
  expect([march.stage, march.workload.peakShare]).toEqual(['split-tier', 0.1935]); // 6 / 31
  const priced: PricedStage = { stage: 'split-tier', plan: computePlan(seasonal, 'split-tier'), bills: { aws: bill('aws', 100, 900), 'self-hosted:hetzner': bill('self-hosted', 100, 300) } };
  const aws = pathCosts(advice, [priced], { region: 'eu-central-1' }).providers.find((p) => p.provider === 'aws')!.monthly;
  // The database is sized for the peak all month (the same in both plans); the app tier is at the peak 6 of 31 days.
  const peak = advice.plans[2]!;
  const usual = march.offPeakPlan!;
  expect(usual.database).toEqual(peak.database);
  expect(usual.app.minCount).toBeLessThan(peak.app.minCount);
  const vcpu = 0.1935 * planVcpu(peak) + (1 - 0.1935) * planVcpu(usual);
  expect(aws[2]).toBeCloseTo(100 + (900 * vcpu) / planVcpu(priced.plan), 2);
  // Well below the whole month at the peak, which the bill was before.
  expect(aws[2]!).toBeLessThan(100 + (900 * planVcpu(peak)) / planVcpu(priced.plan) - 50);
});
