/**
 * The growth matrix: every stage x {grow traffic 2x, grow data 10x, shrink 2x, SLO 99.9 -> 99.99,
 * queue sqs -> kafka (queue-pipeline)}, both targets, planned the way `plan --from-profile` and
 * `deploy` plan them (what the old profile deployed is the floor). Every cell either keeps every
 * stateful resource (none replaced, no storage shrunk, no immutable field changed) or is refused
 * (exit 3) with a runbook that says why and what to do. The old profile's renderings are the
 * shared synth; each variant is rendered once, and compared in-process.
 */
import type { Plan } from '../core/plan';
import type { Profile } from '../core/profile';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { DeployedSizes } from '../core/floor';
import { stageRenderer } from '../blueprints/render';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { sizesFromObjects, sizesFromTemplate } from '../deploy/floor-sources';
import { KubeObject } from '../deploy/k8s/objects';
import { planProfileChange } from '../deploy/profile-change';
import { MoveRenderings } from '../deploy/render';
import { isBlocking } from '../deploy/risk';
import { TransitionReport } from '../deploy/transition';
import { formatTransition } from '../deploy/report';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

const base = stagePlan('single-server').profile;

const VARIANTS: Record<string, (p: Profile) => Profile> = {
  'traffic x2': (p) => ({
    ...p,
    traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond * 2 },
    data: { ...p.data, writesPerSecond: p.data.writesPerSecond * 2 },
    async: { ...p.async, jobsPerSecond: p.async.jobsPerSecond * 2 },
  }),
  'data x10': (p) => ({ ...p, data: { ...p.data, datasetGiB: p.data.datasetGiB * 10 } }),
  'shrink /2': (p) => ({
    ...p,
    traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond / 2 },
    data: { ...p.data, datasetGiB: p.data.datasetGiB / 2, writesPerSecond: p.data.writesPerSecond / 2 },
    async: { ...p.async, jobsPerSecond: p.async.jobsPerSecond / 2 },
  }),
  'SLO 99.99': (p) => ({ ...p, objectives: { ...p.objectives, availabilityPercent: 99.99 } }),
  'sqs -> kafka': (p) => ({ ...p, async: { ...p.async, queue: 'kafka' } }),
};

const cells = STAGE_NAMES.flatMap((stage) => Object.keys(VARIANTS).filter((v) => v !== 'sqs -> kafka' || stage === 'queue-pipeline').map((variant) => ({ stage, variant })));

// Renders each distinct plan once; the old profile's plans are the shared synth.
const renderingKey = (plan: Plan) => JSON.stringify({ ...plan, reasoning: undefined, warnings: undefined });
const shared = new Map(STAGE_NAMES.map((stage) => [renderingKey(stagePlan(stage)), stage]));
const renderer = stageRenderer();
const awsCache = new Map<string, any>();
const k8sCache = new Map<string, KubeObject[]>();
let renders = 0;
const renderings: MoveRenderings = {
  awsTemplate(plan) {
    const key = renderingKey(plan);
    if (shared.has(key)) return awsTemplate(shared.get(key)!);
    if (!awsCache.has(key)) {
      renders++;
      awsCache.set(key, renderer.aws(plan, { nag: false }).template);
    }
    return awsCache.get(key);
  },
  k8sObjects(plan) {
    const key = renderingKey(plan);
    if (shared.has(key)) return k8sObjects(shared.get(key)!);
    if (!k8sCache.has(key)) {
      renders++;
      k8sCache.set(key, renderer.k8s(plan).objects as KubeObject[]);
    }
    return k8sCache.get(key)!;
  },
};

/** Sizes that only grow: every one in `after` at least its value in `before`. */
function shrunk(before: DeployedSizes, after: DeployedSizes): string[] {
  const out: string[] = [];
  for (const field of ['serverDataVolumeGiB', 'serverClaimTemplateGiB', 'kafkaBrokers', 'kafkaStorageGiBPerBroker', 'kafkaPartitions', 'cacheNodes', 'cacheClaimTemplateGiB'] as const) {
    if (before[field] !== undefined && (after[field] ?? 0) < before[field]!) out.push(`${field} ${before[field]} -> ${after[field]}`);
  }
  (before.databaseStorageGiB ?? []).forEach((gib, i) => {
    if ((after.databaseStorageGiB?.[i] ?? 0) < gib) out.push(`shard ${i} ${gib} -> ${after.databaseStorageGiB?.[i]} GiB`);
  });
  if (before.zones > 1 && after.zones !== before.zones) out.push(`zones ${before.zones} -> ${after.zones}`);
  return out;
}

const results: { stage: StageName; variant: string; report: TransitionReport; shrinks: string[] }[] = [];

beforeAll(() => {
  for (const { stage, variant } of cells) {
    const report = planProfileChange({
      stage,
      fromProfile: base,
      fromProfileFile: 'old.yaml',
      profile: VARIANTS[variant](base),
      profileFile: 'new.yaml',
      targets: ['aws', 'k8s'],
      render: renderings,
      awsRiskCheck: awsStatefulRisks,
      cost: () => ({ status: 'unavailable', reason: 'not priced in the matrix' }) as any,
    });
    const fromPlan = stagePlan(stage);
    const toAws = renderings.awsTemplate(report.toPlan!);
    const toK8s = renderings.k8sObjects(report.toPlan!);
    const shrinks = [
      ...shrunk(sizesFromTemplate(awsTemplate(stage), fromPlan.product, stage), sizesFromTemplate(toAws, fromPlan.product, stage)).map((s) => `aws ${s}`),
      ...shrunk(sizesFromObjects(k8sObjects(stage), fromPlan.product, stage), sizesFromObjects(toK8s, fromPlan.product, stage)).map((s) => `k8s ${s}`),
    ];
    results.push({ stage, variant, report, shrinks });
  }
  const refused = results.filter((r) => r.report.risky);
  const tagLines = results.flatMap((r) => r.report.targets.map((t) => t.tagsOnly.length));
  // The closing figures of issue 12.
  console.log(
    `growth matrix: ${results.length} cells x 2 targets = ${results.length * 2} comparisons; ${results.length - refused.length} cells safe, ${refused.length} refused with exit 3 ` +
      `(${refused.map((r) => `${r.stage}/${r.variant}: ${r.report.targets.flatMap((t) => t.risks.filter(isBlocking).map((k) => `${t.target} ${k.resource} ${k.change}`)).join('; ')}`).join(', ') || 'none'}); ` +
      `${renders} variant renderings; tag-only changes per comparison: max ${Math.max(...tagLines)}`,
  );
}, 600_000);

test.each(cells.map((c) => [c.stage, c.variant]))('%s, %s: nothing stateful replaced, shrunk or rejected, or refused with a runbook', (stage, variant) => {
  const { report, shrinks } = results.find((r) => r.stage === stage && r.variant === variant)!;
  expect(report.targets.map((t) => t.target)).toEqual(['aws', 'k8s']);
  for (const t of report.targets) {
    const blocking = t.risks.filter(isBlocking);
    if (blocking.length === 0) {
      expect(t.runbook.notes[0]).toMatch(/^Same stage: a deploy applies this profile edit in place/);
    } else {
      // Refused: exit 3, and the runbook names each blocked resource and the way out.
      expect(report.risky).toBe(true);
      expect(t.runbook.notes[0]).toMatch(/^Refused \(exit 3\)/);
      for (const r of blocking) expect(t.runbook.notes.join('\n')).toContain(r.resource);
    }
  }
  if (!report.risky) expect(shrinks).toEqual([]);
});

test('what the matrix must keep: the cases the issue found are safe now', () => {
  const cell = (stage: StageName, variant: string) => results.find((r) => r.stage === stage && r.variant === variant)!;
  // SLO 99.9 -> 99.99: zones kept (cache AZs, MSK subnets), brokers not dropped.
  for (const stage of ['read-replicas', 'queue-pipeline'] as const) expect(cell(stage, 'SLO 99.99').report.risky).toBe(false);
  // Growth at single-server on Kubernetes: the claim is expanded, the StatefulSet template untouched.
  const grown = cell('single-server', 'data x10').report.targets.find((t) => t.target === 'k8s')!;
  expect(grown.risks.filter(isBlocking)).toEqual([]);
  expect(grown.runbook.notes.join('\n')).toMatch(/data-postgres-0 is expanded .*PVC expansion/);
  // Shrinking keeps storage.
  expect(cell('sharded', 'shrink /2').shrinks).toEqual([]);
  expect(cell('sharded', 'shrink /2').report.targets[0].runbook.notes.join('\n')).toMatch(/Kept: .*kept at the deployed/);
});

test('the report reads at a glance: tag-only changes are one line; the dashboard is never replaced', () => {
  const text = formatTransition(results.find((r) => r.stage === 'sharded' && r.variant === 'data x10')!.report, 'table');
  expect(text).toMatch(/sharded: profile old\.yaml \u2192 new\.yaml/);
  for (const r of results) for (const t of r.report.targets) expect([...t.changed, ...t.added, ...t.removed].some((c) => /Dashboard/.test(c.type) && /REPLACED/.test(c.detail ?? ''))).toBe(false);
});
