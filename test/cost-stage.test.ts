/**
 * Stage bills (AWS, EKS, self-hosted), the stage diff, the JSON contract and the commands, on the stages
 * jest's globalSetup synthesized.
 */
import { diffBills } from '../cost/diff';
import { PROVIDERS } from '../cost/model';
import { billJson, diffJson, stageDiffJson, stageJson } from '../cost/render';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffStages, ladderSummary, priceArtifacts, readK8sObjects, StageBills } from '../cost/stage';
import { k8sObjectsFileOf } from '../core/k8s-objects-file';
import { KITCHEN_SINK_TEMPLATE } from './support/fixtures/kitchen-sink';
import { STAGE_NAMES } from '../core/ladder';
import { SYNTH_OUT } from './support/paths';
import { awsTemplate, k8sManifestFile, k8sObjects, stagePlan } from './support/stages';
import { runCli } from './support/cli';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ladder: StageBills[] = STAGE_NAMES.map((s) => priceArtifacts(stagePlan(s), awsTemplate(s), k8sObjects(s)));

describe('stage bills', () => {
  test.each(STAGE_NAMES)('%s: three bills, each the sum of its lines, with the catalog date', (stage) => {
    const s = ladder.find((b) => b.stage === stage)!;
    for (const p of PROVIDERS) {
      const bill = s.providers[p];
      expect(bill.provider).toBe(p);
      expect(bill.stage).toBe(stage);
      expect(bill.totalMonthlyCost).toBeGreaterThan(0);
      expect(bill.totalMonthlyCost).toBeCloseTo(sum(bill.resources.map((r) => r.monthlyCost ?? 0)), 6);
      expect(bill.catalogDate).toMatch(/^Prices published \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
      expect(bill.usageIncluded).toBe(true);
    }
    // Operations labour is on the self-hosted and EKS bills (the stateful systems run in the cluster).
    expect(s.providers['self-hosted'].resources.some((r) => r.name === 'Operations')).toBe(true);
  });

  test('the single server runs its own Postgres and Redis: the AWS bill carries their operations too', () => {
    const aws = ladder[0].providers.aws;
    expect(aws.resources.find((r) => r.name === 'Operations')!.costComponents.map((c) => c.name)).toEqual(expect.arrayContaining(['Postgres on the instance', 'Redis on the instance']));
  });

  test('managed services carry labour too, at their lower rates, so the difference is explicit', () => {
    const managed = ladder[1].providers.aws.resources.find((r) => r.name === 'Operations')!;
    const names = managed.costComponents.map((c) => c.name);
    expect(names.some((n) => n.startsWith('Managed Postgres'))).toBe(true);
    expect(names).toContain('On-call rotation (managed data systems)');
    expect(managed.note).toMatch(/h\/month = [0-9.]+ FTE/);
    const selfRun = ladder[1].providers['self-hosted'].resources.find((r) => r.name === 'Operations')!;
    expect(selfRun.costComponents.map((c) => c.name)).toContain('On-call rotation (self-run data systems)');
    expect(selfRun.monthlyCost!).toBeGreaterThan(managed.monthlyCost!);
  });

  test('the ladder summary is stage × provider with the managed / self-hosted ratio', () => {
    const rows = ladderSummary(ladder);
    expect(rows.map((r) => r.stage)).toEqual([...STAGE_NAMES]);
    for (const [i, r] of rows.entries()) {
      expect(r.aws).toBe(ladder[i].providers.aws.totalMonthlyCost);
      expect(r.ratio).toBeCloseTo(r.aws / r.selfHosted, 9);
    }
  });
});

describe('stage diff', () => {
  test.each(STAGE_NAMES.slice(1).map((to, i) => [STAGE_NAMES[i], to]))('%s → %s equals the difference of the two bills', (from, to) => {
    const d = diffStages(ladder.find((b) => b.stage === from)!, ladder.find((b) => b.stage === to)!);
    for (const p of PROVIDERS) {
      const before = ladder.find((b) => b.stage === from)!.providers[p];
      const after = ladder.find((b) => b.stage === to)!.providers[p];
      const pd = d.providers[p];
      expect(pd.pastTotalMonthlyCost).toBe(before.totalMonthlyCost);
      expect(pd.totalMonthlyCost).toBe(after.totalMonthlyCost);
      expect(pd.diffTotalMonthlyCost).toBeCloseTo(after.totalMonthlyCost - before.totalMonthlyCost, 6);
      expect(sum(pd.resources.map((r) => r.diffMonthlyCost))).toBeCloseTo(pd.diffTotalMonthlyCost, 6);
      for (const r of pd.resources) {
        expect(r.diffMonthlyCost).toBeCloseTo((r.monthlyCost ?? 0) - (r.pastMonthlyCost ?? 0), 6);
        if (r.change === 'added') expect(r.pastMonthlyCost).toBeNull();
        if (r.change === 'removed') expect(r.monthlyCost).toBeNull();
      }
    }
  });

  test('a bill against itself has no change', () => {
    const d = diffBills(ladder[2].providers.aws, ladder[2].providers.aws);
    expect(d.diffTotalMonthlyCost).toBe(0);
    expect(d.resources).toEqual([]);
    expect(d.percentChange).toBe(0);
  });
});

describe('JSON uses Infracost\'s field names', () => {
  const componentKeys = ['name', 'unit', 'monthlyQuantity', 'price', 'monthlyCost', 'usageBased'];

  test('a bill: totalMonthlyCost and resources[] of { name, resourceType, monthlyCost, costComponents[] }', () => {
    const json: any = JSON.parse(JSON.stringify(billJson(ladder[1].providers.aws)));
    expect(typeof json.totalMonthlyCost).toBe('number');
    expect(json.currency).toBe('USD');
    for (const r of json.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['name', 'resourceType', 'monthlyCost', 'costComponents']));
      for (const c of r.costComponents) expect(Object.keys(c)).toEqual(expect.arrayContaining(componentKeys));
    }
    expect(json.resources.some((r: any) => r.costComponents.some((c: any) => c.usageBased === true))).toBe(true);
    expect(json.resources.some((r: any) => /^[A-Za-z0-9]+$/.test(r.name) && r.resourceType.startsWith('AWS::'))).toBe(true); // logical IDs
    const k8s: any = billJson(ladder[1].providers['self-hosted']);
    expect(k8s.resources.some((r: any) => /^[A-Za-z]+\/[a-z0-9-]+$/.test(r.name))).toBe(true); // kind/name
  });

  test('a stage: one bill per provider under providers', () => {
    const json: any = stageJson(ladder[3]);
    expect(Object.keys(json.providers).sort()).toEqual(['aws', 'eks', 'self-hosted']);
    expect(json.providers.aws.totalMonthlyCost).toBeCloseTo(ladder[3].providers.aws.totalMonthlyCost, 4);
  });

  test('a diff: pastTotalMonthlyCost, totalMonthlyCost, diffTotalMonthlyCost', () => {
    const d = diffStages(ladder[2], ladder[3]);
    const json: any = stageDiffJson(d);
    for (const p of PROVIDERS) {
      expect(Object.keys(json.providers[p])).toEqual(expect.arrayContaining(['pastTotalMonthlyCost', 'totalMonthlyCost', 'diffTotalMonthlyCost', 'resources']));
    }
    expect((diffJson(d.providers.aws) as any).diffTotalMonthlyCost).toBeCloseTo(d.providers.aws.diffTotalMonthlyCost, 4);
  });
});

test('pricing the whole ladder and a diff takes well under a second (after synthesis)', () => {
  const started = performance.now();
  const bills = STAGE_NAMES.map((s) => priceArtifacts(stagePlan(s), awsTemplate(s), k8sObjects(s)));
  diffStages(bills[2], bills[3]);
  // bench/cost.ts reports the figure; the bound here is loose so a busy CI machine does not fail it.
  expect(performance.now() - started).toBeLessThan(3000);
});

describe('the objects file beside each manifest (what cost --from reads instead of parsing YAML)', () => {
  test.each(STAGE_NAMES)('%s: synth wrote it, and it holds exactly the objects the YAML parses to', (stage) => {
    const manifest = k8sManifestFile(stage);
    expect(fs.existsSync(k8sObjectsFileOf(manifest))).toBe(true);
    expect(readK8sObjects(manifest)).toEqual(k8sObjects(stage));
  });

  test('a manifest edited after synth no longer matches its objects file: the YAML is read, the edit counts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-objects-'));
    try {
      const manifest = path.join(dir, 'sharded.k8s.yaml');
      fs.copyFileSync(k8sObjectsFileOf(k8sManifestFile('sharded')), k8sObjectsFileOf(manifest));
      const text = fs.readFileSync(k8sManifestFile('sharded'), 'utf8');
      fs.writeFileSync(manifest, text);
      expect(readK8sObjects(manifest)).toEqual(k8sObjects('sharded'));
      fs.writeFileSync(manifest, `${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added-by-hand\n`);
      const objects = readK8sObjects(manifest);
      expect(objects).toHaveLength(k8sObjects('sharded').length + 1);
      expect(objects.at(-1)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-by-hand' } });
      // No objects file, or a malformed one: the YAML is read.
      fs.writeFileSync(k8sObjectsFileOf(manifest), '{ not json');
      expect(readK8sObjects(manifest)).toHaveLength(k8sObjects('sharded').length + 1);
      fs.rmSync(k8sObjectsFileOf(manifest));
      expect(readK8sObjects(manifest)).toHaveLength(k8sObjects('sharded').length + 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stagekit cost', () => {
  // The CLI's program in this process (test/support/cli.ts): what the command prints, without a node start per case.
  const run = runCli;

  test('--summary --from reads what synth wrote and prints the ladder', async () => {
    const r = await run(['cost', '--summary', '--from', SYNTH_OUT]);
    // Only the capacity verdict: growing-product's 99.9% SLO is more than one server in one zone keeps.
    expect(r.stderr).toMatch(/^warning: capacity: single-server cannot carry growing-shop:\n  SLO on one zone: needs 99\.9%[^\n]*\n  the lowest stage that carries it is split-tier[^\n]*\n$/);
    expect(r.status).toBe(0);
    for (const s of STAGE_NAMES) expect(r.stdout).toMatch(new RegExp(`^ ${s} +\\$[0-9,]+`, 'm'));
    expect(r.stdout).toMatch(/AWS ÷ self-hosted/);
    expect(r.stdout).toMatch(/Catalog: Prices published \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
  });

  test('--template prices a foreign CDK app; JSON is that template\'s bill', async () => {
    const r = await run(['cost', '--template', KITCHEN_SINK_TEMPLATE, '--format', 'json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.usageIncluded).toBe(false);
    expect(json.resources.find((x: any) => x.resourceType === 'AWS::EC2::TransitGateway').status).toBe('not-priced');
  });

  test('diff FROM TO prints each provider\'s change in Infracost style', async () => {
    const r = await run(['cost', 'diff', 'read-replicas', 'sharded', '--from', SYNTH_OUT]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ [~+-] \S+ +[+-]\$[0-9,.]+ \(\$[0-9,]+ → \$[0-9,]+\)$/m);
    expect((r.stdout.match(/Monthly cost change: [+-]\$/g) ?? []).length).toBe(3);
  });

  test('bad input is a usage error (exit 2)', async () => {
    expect((await run(['cost', '--stage', 'huge'])).status).toBe(2);
    expect((await run(['cost', '--all', '--region', 'mars-1', '--from', SYNTH_OUT])).status).toBe(2);
    expect((await run(['cost', '--all', '--ops-hours', 'nope', '--from', SYNTH_OUT])).status).toBe(2);
  });
});
