/**
 * The Pulumi engine's decisions, driven through a recorded stack (the Automation API boundary):
 * missing CLI, the preview-based safety check, confirmation, timeout and cancel.
 */
import { EXIT } from '../deploy/exit-codes';
import { FakeClock, FrozenClock, RecordingLog, ScriptedPrompt, stopOf } from './support/fakes';
import { stageCostDelta } from '../deploy/cost-delta';
import { deployWithPulumi, PulumiDeployDeps, PulumiStackDriver, PulumiStep, risksFromSteps, PULUMI_CDK_UNAVAILABLE } from '../deploy/pulumi/engine';
import { k8sObjects, stagePlan } from './support/stages';
import { computePlan } from '../core/plan';
import type { StageName } from '../core/ladder';

const postgresStatefulSet = () => k8sObjects('single-server').find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres');
const cnpgCluster = () => k8sObjects('split-tier').find((o) => o.kind === 'Cluster');

class RecordedStack implements PulumiStackDriver {
  readonly stackName = 'growing-shop';
  readonly config = new Map<string, string>();
  upCalls = 0;
  cancelled = false;
  constructor(
    private readonly previewSteps: PulumiStep[],
    private readonly summary: Record<string, number> = { create: 3, same: 5 },
    private readonly upResult: () => Promise<Record<string, number>> = async () => summary,
    private readonly deployed?: string,
  ) {}
  async deployedStage() {
    return this.deployed;
  }
  async getConfig(key: string) {
    return this.config.get(key);
  }
  async setSecretConfig(key: string, value: string) {
    this.config.set(key, value);
  }
  async preview(onStep: (s: PulumiStep) => void) {
    this.previewSteps.forEach(onStep);
    return this.summary;
  }
  async up() {
    this.upCalls++;
    return this.upResult();
  }
  async cancel() {
    this.cancelled = true;
  }
}

function deps(stack: RecordedStack, over: Partial<PulumiDeployDeps> = {}): PulumiDeployDeps {
  const profile = stagePlan('single-server').profile;
  return {
    findCli: () => '/usr/local/bin/pulumi',
    openStack: async () => stack,
    prompt: new ScriptedPrompt(false),
    // Sleeps never end: an update always beats the timeout, except where a test brings a FakeClock.
    clock: new FrozenClock(),
    log: new RecordingLog(),
    cost: stageCostDelta,
    planOf: (s: StageName) => computePlan(profile, s),
    renderStage: (s: StageName) => k8sObjects(s),
    ...over,
  };
}

function request(stage: StageName, over: Partial<{ allowDataLoss: boolean; yes: boolean; timeoutMs: number }> = {}) {
  return { plan: computePlan(stagePlan(stage).profile, stage), renderObjects: () => k8sObjects(stage), allowDataLoss: false, yes: true, timeoutMs: 60_000, ...over };
}

test('no pulumi CLI: exit 5 with install and backend instructions, before anything is rendered', async () => {
  let rendered = false;
  const stop = await stopOf(deployWithPulumi({ ...request('single-server'), renderObjects: () => ((rendered = true), []) }, deps(new RecordedStack([]), { findCli: () => undefined })));
  expect(stop.exitCode).toBe(EXIT.preflight);
  expect(stop.message).toMatch(/pulumi CLI is not installed/);
  expect(stop.hint).toMatch(/get\.pulumi\.com/);
  expect(stop.hint).toMatch(/PULUMI_BACKEND_URL/);
  expect(rendered).toBe(false);
});

test('the preview deleting a CloudNativePG cluster is refused (exit 3) unless --allow-data-loss', async () => {
  const steps: PulumiStep[] = [{ op: 'delete', urn: 'urn:pulumi:x::p::kubernetes:postgresql.cnpg.io/v1:Cluster::postgres', type: 'kubernetes:postgresql.cnpg.io/v1:Cluster', old: { outputs: cnpgCluster() } }];
  const stack = new RecordedStack(steps, { delete: 1, same: 3 });
  const stop = await stopOf(deployWithPulumi(request('single-server'), deps(stack)));
  expect(stop.exitCode).toBe(EXIT.risky);
  expect(stack.upCalls).toBe(0);

  const allowed = new RecordedStack(steps, { delete: 1, same: 3 });
  await deployWithPulumi(request('single-server', { allowDataLoss: true }), deps(allowed));
  expect(allowed.upCalls).toBe(1);
});

test('a StatefulSet whose claims are retained is reported as retained, not data loss', () => {
  const risks = risksFromSteps([{ op: 'delete', urn: 'urn:sts', type: 'kubernetes:apps/v1:StatefulSet', old: { outputs: postgresStatefulSet() } }]);
  expect(risks).toHaveLength(1);
  expect(risks[0].severity).toBe('retained');
  expect(risks[0].resource).toBe('StatefulSet growing-shop/postgres');
  // Replacing it is a new, empty StatefulSet for the application.
  expect(risksFromSteps([{ op: 'replace', urn: 'urn:sts', type: 'kubernetes:apps/v1:StatefulSet', old: { outputs: postgresStatefulSet() } }])[0].severity).toBe('data-loss');
});

test('the generated password is set once in the stack configuration and never replaced', async () => {
  const stack = new RecordedStack([]);
  await deployWithPulumi(request('single-server'), deps(stack));
  const first = stack.config.get('postgresCredentials');
  expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
  await deployWithPulumi(request('single-server'), deps(stack));
  expect(stack.config.get('postgresCredentials')).toBe(first);
});

test('without a terminal and without --yes: exit 4 and no update', async () => {
  const stack = new RecordedStack([]);
  const stop = await stopOf(deployWithPulumi(request('split-tier', { yes: false }), deps(stack)));
  expect(stop.exitCode).toBe(EXIT.notConfirmed);
  expect(stack.upCalls).toBe(0);
});

test('nothing to change: no question asked, no update', async () => {
  const stack = new RecordedStack([], { same: 12 });
  await deployWithPulumi(request('split-tier', { yes: false }), deps(stack));
  expect(stack.upCalls).toBe(0);
});

test('an update that outlives --timeout is cancelled and exits 7', async () => {
  const stack = new RecordedStack([], { create: 2 }, () => new Promise(() => undefined));
  const stop = await stopOf(deployWithPulumi(request('split-tier'), deps(stack, { clock: new FakeClock() })));
  expect(stop.exitCode).toBe(EXIT.timeout);
  expect(stack.cancelled).toBe(true);
});

test('a failed update exits 6', async () => {
  const stack = new RecordedStack([], { create: 2 }, async () => {
    throw new Error('kubernetes:apps/v1:Deployment growing-shop/web: timed out waiting for readiness');
  });
  const stop = await stopOf(deployWithPulumi(request('split-tier'), deps(stack)));
  expect(stop.exitCode).toBe(EXIT.deployFailed);
  expect(stop.message).toMatch(/timed out waiting/);
});

test('the AWS rendering through @pulumi/cdk is explained, not attempted', () => {
  expect(PULUMI_CDK_UNAVAILABLE).toMatch(/schema 55/);
  expect(PULUMI_CDK_UNAVAILABLE).toMatch(/--target aws/);
});
