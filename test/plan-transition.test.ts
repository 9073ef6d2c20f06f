/**
 * `stagekit plan` on the stages globalSetup synthesized: every pair of stages on both targets,
 * the known risky moves flagged, the safe climbs not, and the three output formats.
 */
import { STAGE_NAMES, StageName } from '../core/ladder';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { CostEstimator } from '../deploy/cost-delta';
import { formatTransition } from '../deploy/report';
import { planTransition, TransitionReport } from '../deploy/transition';
import { isBlocking } from '../deploy/risk';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

const profile = stagePlan('single-server').profile;
const renderer = { awsTemplate: (plan: { stage: StageName }) => awsTemplate(plan.stage), k8sObjects: (plan: { stage: StageName }) => k8sObjects(plan.stage) };
const unavailable: CostEstimator = () => ({ status: 'unavailable', reason: 'not wired in this test' });

const reports = new Map<string, TransitionReport>();
function plan(from: StageName, to: StageName, cost: CostEstimator = unavailable): TransitionReport {
  const key = `${from}>${to}`;
  if (cost === unavailable && reports.has(key)) return reports.get(key)!;
  const report = planTransition({ profile, from, to, targets: ['aws', 'k8s'], render: renderer, awsRiskCheck: awsStatefulRisks, cost });
  if (cost === unavailable) reports.set(key, report);
  return report;
}

const blocking = (r: TransitionReport, target: 'aws' | 'k8s') => r.targets.find((t) => t.target === target)!.risks.filter(isBlocking).map((k) => `${k.severity} ${k.resourceType} ${k.resource}`);
const pairs = STAGE_NAMES.flatMap((from) => STAGE_NAMES.map((to) => [from, to] as const));

test.each(pairs)('plan %s -> %s: both targets, a runbook with one leg per step, every format renders', (from, to) => {
  const report = plan(from, to);
  expect(report.targets.map((t) => t.target)).toEqual(['aws', 'k8s']);
  const steps = Math.abs(STAGE_NAMES.indexOf(to) - STAGE_NAMES.indexOf(from));
  for (const t of report.targets) {
    expect(t.runbook.legs).toHaveLength(steps);
    if (from === to) expect(t.added.length + t.changed.length + t.removed.length).toBe(0);
  }
  expect(JSON.parse(formatTransition(report, 'json')).to).toBe(to);
  expect(formatTransition(report, 'markdown')).toContain(`## stagekit plan: \`${profile.name}\` ${from} \u2192 ${to}`);
  expect(formatTransition(report, 'table')).toContain(`${from} \u2192 ${to}`);
});

test('every climb to the next stage keeps every stateful resource on both targets', () => {
  for (let i = 0; i + 1 < STAGE_NAMES.length; i++) {
    const report = plan(STAGE_NAMES[i], STAGE_NAMES[i + 1]);
    expect({ move: `${STAGE_NAMES[i]} -> ${STAGE_NAMES[i + 1]}`, aws: blocking(report, 'aws'), k8s: blocking(report, 'k8s') }).toEqual({
      move: `${STAGE_NAMES[i]} -> ${STAGE_NAMES[i + 1]}`,
      aws: [],
      k8s: [],
    });
    expect(report.risky).toBe(false);
  }
});

test('single-server -> split-tier hands the data volume to the runbook: retained, not destroyed', () => {
  const report = plan('single-server', 'split-tier');
  const aws = report.targets[0];
  expect(aws.risks.find((r) => r.resourceType === 'AWS::EC2::Volume')).toMatchObject({ severity: 'retained' });
  const k8s = report.targets[1];
  expect(k8s.risks.find((r) => r.resource.endsWith('/postgres') && r.resourceType.endsWith('StatefulSet'))).toMatchObject({ severity: 'retained' });
  expect(aws.runbook.legs[0].dataWork).toBe(true);
});

test('moving down from split-tier flags the database: RDS deleted (snapshot), CloudNativePG cluster deleted', () => {
  const report = plan('split-tier', 'single-server');
  expect(report.risky).toBe(true);
  expect(blocking(report, 'aws').some((r) => r.includes('AWS::RDS::DBInstance'))).toBe(true);
  expect(blocking(report, 'k8s').some((r) => r.includes('Cluster'))).toBe(true);
});

test('moving down from sharded flags the extra shards; from queue-pipeline, the queue (retained on AWS, Kafka deleted on Kubernetes)', () => {
  const sharded = plan('sharded', 'read-replicas');
  expect(blocking(sharded, 'aws').some((r) => /DBInstance .*Shard1/.test(r))).toBe(true);
  expect(blocking(sharded, 'k8s').some((r) => /Cluster .*shard-1/.test(r))).toBe(true);
  const queue = plan('queue-pipeline', 'sharded');
  // The stack retains its SQS queues (DeletionPolicy Retain): reported, not destroyed; the runbook drains them.
  expect(queue.targets[0].risks.filter((r) => r.resourceType === 'AWS::SQS::Queue').map((r) => r.severity)).toEqual(['retained', 'retained']);
  // Self-hosted, Kafka stands in for SQS: removing the cluster deletes its messages.
  expect(blocking(queue, 'k8s').some((r) => /kafka\.strimzi\.io\/v1 Kafka /.test(r))).toBe(true);
});

test('markdown for a pull request: caution block on a risky move, risks table, collapsed resources, runbook steps', () => {
  const md = formatTransition(plan('split-tier', 'single-server'), 'markdown');
  expect(md).toMatch(/> \[!CAUTION\]/);
  expect(md).toMatch(/\| :red_circle: \*\*DATA LOSS\*\* \| `DatabaseShard0Primary\w+` \| `AWS::RDS::DBInstance` \|/);
  expect(md).toMatch(/<details><summary>Resources<\/summary>/);
  expect(md).toMatch(/#### Runbook: split-tier \u2192 single-server \(data work\)/);
  expect(md).toMatch(/```sh\n {3}aws rds create-db-snapshot/);
  const safe = formatTransition(plan('split-tier', 'read-replicas'), 'markdown');
  expect(safe).toMatch(/> \[!NOTE\]\n> No stateful resource is replaced or destroyed/);
});

test('the cost delta comes from the estimator, per provider, and says when it is unavailable', () => {
  const priced: CostEstimator = ({ target }) => ({
    status: 'priced',
    currency: 'USD',
    catalogDate: '2026-05',
    providers: target === 'aws' ? [{ provider: 'aws', label: 'AWS us-east-1', fromMonthly: 120, toMonthly: 1450.5, deltaMonthly: 1330.5, notPriced: 0 }] : [{ provider: 'self-hosted', label: 'Hetzner', fromMonthly: 40, toMonthly: 95, deltaMonthly: 55, notPriced: 1 }],
  });
  const report = plan('single-server', 'split-tier', priced);
  const md = formatTransition(report, 'markdown');
  expect(md).toContain('| AWS us-east-1 | $120.00 | $1,450.50 | **+$1,330.50** |  |');
  expect(md).toContain('| Hetzner | $40.00 | $95.00 | **+$55.00** | 1 resource(s) not priced |');
  expect(formatTransition(plan('single-server', 'split-tier'), 'markdown')).toContain('Monthly cost: not available (not wired in this test).');
});

test('the real estimator prices both ends with the cost module: AWS for aws, EKS and self-hosted for k8s', () => {
  const { stageCostDelta } = require('../deploy/cost-delta') as typeof import('../deploy/cost-delta');
  const { priceArtifacts } = require('../cost') as typeof import('../cost');
  const fromPlan = stagePlan('single-server');
  const toPlan = stagePlan('split-tier');
  const aws = stageCostDelta({ target: 'aws', fromPlan, toPlan, fromTemplate: awsTemplate('single-server'), toTemplate: awsTemplate('split-tier') });
  if (aws.status !== 'priced') throw new Error(aws.reason);
  const expectedTo = priceArtifacts(toPlan, awsTemplate('split-tier'), []).providers.aws.totalMonthlyCost;
  const expectedFrom = priceArtifacts(fromPlan, awsTemplate('single-server'), []).providers.aws.totalMonthlyCost;
  expect(aws.providers).toEqual([expect.objectContaining({ provider: 'aws', fromMonthly: expectedFrom, toMonthly: expectedTo, deltaMonthly: expectedTo - expectedFrom })]);
  expect(aws.catalogDate).toMatch(/Prices published/);
  const k8s = stageCostDelta({ target: 'k8s', fromPlan, toPlan, fromObjects: k8sObjects('single-server'), toObjects: k8sObjects('split-tier') });
  expect(k8s.status === 'priced' && k8s.providers.map((p) => p.provider)).toEqual(['eks', 'self-hosted']);
  // Nothing deployed yet: the "from" side is $0 and the delta is the whole bill.
  const first = stageCostDelta({ target: 'k8s', fromPlan: toPlan, toPlan, toObjects: k8sObjects('split-tier') });
  expect(first.status === 'priced' && first.providers.every((p) => p.fromMonthly === 0 && p.deltaMonthly === p.toMonthly)).toBe(true);
});
