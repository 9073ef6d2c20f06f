/**
 * `stagekit deploy --engine pulumi`: the Kubernetes rendering through Pulumi's Automation API
 * (`@pulumi/pulumi/automation`, LocalWorkspace with an inline program, deploy/pulumi/program.ts). One
 * Pulumi stack per product (project `stagekit-k8s`), so climbing the ladder updates it in place,
 * as with CloudFormation. The safety check reads the preview: a stateful object that Pulumi would
 * delete or replace stops the deploy unless --allow-data-loss. Unlike kubectl deploy, Pulumi
 * deletes objects that leave the rendering, which the preview shows.
 *
 * The AWS rendering through @pulumi/cdk is not offered: see PULUMI_CDK_UNAVAILABLE.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Plan } from '../../core/plan';
import { STAGE_NAMES, StageName } from '../../core/ladder';
import { runbookContext, transitionRunbook } from '../runbooks';
import { CostEstimator } from '../cost-delta';
import { EXIT, StopError } from '../exit-codes';
import { Clock, confirmOrStop, DeployLog, formatDuration, Prompter, withTimeout } from '../io';
import { describeObject, KubeObject, removalEffect } from '../k8s/objects';
import { randomPassword, secretsToGenerate } from '../k8s/secrets';
import { costText, risksText, runbookText } from '../report';
import { isBlocking, sortRisks, StatefulRisk } from '../risk';
import { K8sStageProgramInput, secretConfigKey } from './stage-input';

export const PULUMI_PROJECT = 'stagekit-k8s';

/**
 * Why the AWS rendering does not deploy through Pulumi here. Measured in a scratch install
 * (@pulumi/cdk 1.10.0 with @pulumi/aws 6.83.4, @pulumi/aws-native 1.79.0, @pulumi/docker 4.6.2 and
 * the undeclared @pulumi/docker-build): it installs (12 s, +300 MB) but cannot read our app.
 */
export const PULUMI_CDK_UNAVAILABLE =
  '--engine pulumi supports --target k8s only. The Pulumi CDK adapter (@pulumi/cdk 1.10.0, its latest release) reads the ' +
  'cloud assembly through @aws-cdk/cli-lib-alpha 2.1013.0-alpha.0, which understands assembly schema 43 at most, while ' +
  'aws-cdk-lib 2.276.0 writes schema 55 ("Cloud assembly schema version mismatch"), so it cannot synthesize this stack. ' +
  'Deploy AWS with the default engine: stagekit deploy --target aws (CDK toolkit).';

/** One step of a preview or update, as the Automation API reports it. */
export interface PulumiStep {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  /** The resource's state before the step (outputs: the live Kubernetes object). */
  readonly old?: { readonly outputs?: Record<string, any> };
}

/** The Automation API surface the engine uses; tests drive it with recorded steps. */
export interface PulumiStackDriver {
  readonly stackName: string;
  /** The stage the stack was last deployed at (the program's `stage` output), if any. */
  deployedStage(): Promise<string | undefined>;
  getConfig(key: string): Promise<string | undefined>;
  setSecretConfig(key: string, value: string): Promise<void>;
  preview(onStep: (step: PulumiStep) => void): Promise<Record<string, number>>;
  up(onStep: (step: PulumiStep) => void, onOutput: (line: string) => void): Promise<Record<string, number>>;
  cancel(): Promise<void>;
}

export interface PulumiDeployRequest {
  readonly plan: Plan;
  /** Renders the stage; called after the CLI check, so a missing pulumi fails before any rendering work. */
  readonly renderObjects: () => KubeObject[];
  readonly allowDataLoss: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
  readonly context?: string;
}

export interface PulumiDeployDeps {
  /** The pulumi CLI's path, or undefined when it is not installed. */
  readonly findCli: () => string | undefined;
  readonly openStack: (input: K8sStageProgramInput, cli: string) => Promise<PulumiStackDriver>;
  /** Cluster and operator checks through kubectl, when kubectl is available. */
  readonly clusterChecks?: (objects: readonly KubeObject[]) => Promise<void>;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly log: DeployLog;
  readonly cost: CostEstimator;
  readonly planOf: (stage: StageName) => Plan;
  /** Renders another stage of the same profile (the deployed one, for the cost delta). */
  readonly renderStage: (stage: StageName) => KubeObject[];
}

export interface PulumiDeployResult {
  readonly changes: Record<string, number>;
}

/** Looks for `pulumi` on PATH and in the installer's default location (~/.pulumi/bin). */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(path.delimiter), path.join(env.PULUMI_HOME ?? path.join(os.homedir(), '.pulumi'), 'bin')];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'pulumi.exe' : 'pulumi');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const DESTRUCTIVE_OPS = new Set(['delete', 'replace', 'create-replacement', 'delete-replaced']);

/** Stateful Kubernetes objects the preview deletes or replaces, judged by the same rules as plan. */
export function risksFromSteps(steps: readonly PulumiStep[]): StatefulRisk[] {
  const risks: StatefulRisk[] = [];
  const seen = new Set<string>();
  for (const step of steps) {
    if (!DESTRUCTIVE_OPS.has(step.op) || seen.has(step.urn)) continue;
    const live = step.old?.outputs;
    if (!live?.kind || !live.metadata?.name) continue;
    const effect = removalEffect(live as KubeObject);
    if (!effect) continue;
    seen.add(step.urn);
    const replace = step.op !== 'delete';
    risks.push({
      target: 'k8s',
      resource: describeObject(live as KubeObject),
      resourceType: `${live.apiVersion} ${live.kind}`,
      severity: replace || effect.effect === 'data-deleted' ? 'data-loss' : 'retained',
      change: replace ? 'replaced by Pulumi' : 'deleted by Pulumi',
      reason: replace ? `Pulumi deletes and recreates it: ${effect.reason}` : effect.reason,
      fix: 'Move its data first (see the runbook), or deploy with the kubectl engine, which leaves removed objects in place.',
    });
  }
  return risks;
}

export async function deployWithPulumi(request: PulumiDeployRequest, deps: PulumiDeployDeps): Promise<PulumiDeployResult> {
  const { log, clock, plan } = { ...deps, plan: request.plan };
  const started = clock.now();

  log.section('Preflight');
  const cli = deps.findCli();
  if (!cli) {
    throw new StopError(
      EXIT.preflight,
      'The pulumi CLI is not installed (not on PATH, not in ~/.pulumi/bin). The Automation API drives it to run the program in pulumi/.',
      'Install it (curl -fsSL https://get.pulumi.com | sh), choose a backend (pulumi login, or PULUMI_BACKEND_URL=file://~/.pulumi-state for local state) and set PULUMI_CONFIG_PASSPHRASE for a local backend; or deploy with the default engine.',
    );
  }
  log.ok(`pulumi CLI: ${cli}`);
  const objects = request.renderObjects();
  if (deps.clusterChecks) await deps.clusterChecks(objects);
  else log.warn('kubectl not found: the cluster and operator checks are left to Pulumi\u2019s Kubernetes provider.');

  const input: K8sStageProgramInput = { product: plan.product, stage: plan.stage, objects: objects, context: request.context };
  const stack = await deps.openStack(input, cli);
  log.ok(`Pulumi stack ${PULUMI_PROJECT}/${stack.stackName}`);
  for (const secret of secretsToGenerate(objects)) {
    const key = secretConfigKey(secret.name);
    if ((await stack.getConfig(key)) === undefined) {
      await stack.setSecretConfig(key, randomPassword());
      log.ok(`set stack secret ${key} (${secret.purpose}, random; kept in the stack configuration)`);
    }
  }

  const deployed = await stack.deployedStage();
  if (deployed) log.info(`deployed: ${deployed}; deploying ${plan.stage}`);

  log.section('Safety (pulumi preview)');
  const steps: PulumiStep[] = [];
  const previewSummary = await stack.preview((s) => steps.push(s));
  log.info(`preview: ${formatSummary(previewSummary)}`);
  const risks = sortRisks(risksFromSteps(steps));
  if (risks.length > 0) log.block(risksText(risks));
  const blocking = risks.filter(isBlocking);
  if (blocking.length > 0 && !request.allowDataLoss) {
    throw new StopError(EXIT.risky, `Refused: Pulumi would delete or replace ${blocking.length} stateful object(s). Nothing was changed.`, 'Follow the runbook (stagekit plan FROM TO) to move the data first; then re-run with --allow-data-loss if the loss is intended.');
  }
  const changed = Object.entries(previewSummary).filter(([op, n]) => op !== 'same' && n > 0).length > 0;
  if (!changed) {
    log.ok('no changes: the Pulumi stack is up to date');
    return { changes: previewSummary };
  }
  const deployedStage = STAGE_NAMES.find((s) => s === deployed);
  // What the stack holds now is the deployed stage rendered from the same profile (the program is that rendering).
  const fromObjects = deployedStage ? deps.renderStage(deployedStage) : undefined;
  log.block(costText(deps.cost({ target: 'k8s', fromPlan: deps.planOf(deployedStage ?? plan.stage), toPlan: plan, fromObjects, toObjects: objects }), deployedStage ?? 'nothing deployed', plan.stage));
  if (deployedStage && deployedStage !== plan.stage) {
    log.block(runbookText(transitionRunbook(deployedStage, plan.stage, 'k8s', runbookContext(plan.profile, { k8sObjects: { [plan.stage]: objects } })), ['before']));
  }
  await confirmOrStop(deps.prompt, request.yes, `Deploy ${plan.stage} with Pulumi (stack ${PULUMI_PROJECT}/${stack.stackName}: ${formatSummary(previewSummary)})?`, log);

  log.section('Deploy (pulumi up)');
  const remaining = Math.max(0, request.timeoutMs - (clock.now() - started));
  try {
    const summary = await withTimeout(
      stack.up(
        (s) => log.progress(`${s.op} ${s.type} ${s.urn.split('::').pop()}`),
        () => undefined,
      ),
      remaining,
      clock,
      () => new StopError(EXIT.timeout, `pulumi up did not finish within ${formatDuration(request.timeoutMs)}; stagekit asked Pulumi to cancel it.`, `Check the stack: pulumi stack --stack ${stack.stackName} (in project ${PULUMI_PROJECT}); run pulumi refresh before the next deploy.`),
    );
    log.progressDone(`deployed ${plan.stage} with Pulumi: ${formatSummary(summary)}`);
    return { changes: summary };
  } catch (err) {
    if (err instanceof StopError) {
      if (err.exitCode === EXIT.timeout) await stack.cancel().catch(() => undefined);
      throw err;
    }
    throw new StopError(EXIT.deployFailed, `pulumi up failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function formatSummary(summary: Record<string, number>): string {
  const parts = Object.entries(summary)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

type AutomationStack = import('@pulumi/pulumi/automation').Stack;

/**
 * A LocalWorkspace stack running an inline program, with the pulumi CLI found at `cli` (or on PATH).
 * Shared by every Pulumi engine of stagekit (the stage on Kubernetes, the Hetzner Cloud fleet).
 */
export async function openLocalStack(project: { name: string; description: string }, stackName: string, program: () => Promise<any>, cli: string): Promise<AutomationStack> {
  // Loaded on use: the Pulumi SDK takes most of a second to load, and only the engines need it.
  const { LocalWorkspace, PulumiCommand } = require('@pulumi/pulumi/automation') as typeof import('@pulumi/pulumi/automation');
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(cli)), skipVersionCheck: true }).catch(() => PulumiCommand.get({ skipVersionCheck: true }));
  return LocalWorkspace.createOrSelectStack(
    { projectName: project.name, stackName, program },
    { pulumiCommand, projectSettings: { name: project.name, runtime: 'nodejs', description: project.description } },
  );
}

/** A resource step of an engine event (before the step: the resource's outputs), or nothing for other events. */
export function stepOfEvent(event: any): PulumiStep | undefined {
  const metadata = event?.resourcePreEvent?.metadata;
  return metadata ? { op: metadata.op, urn: metadata.urn, type: metadata.type, old: metadata.old ? { outputs: metadata.old.outputs } : undefined } : undefined;
}

/** The driver operations every stagekit stack has alike: its config (secrets kept encrypted) and a preview. */
export function commonStackOperations(stack: AutomationStack): Pick<PulumiStackDriver, 'getConfig' | 'setSecretConfig' | 'preview' | 'cancel'> {
  return {
    getConfig: async (key) => {
      try {
        return (await stack.getConfig(key)).value;
      } catch {
        return undefined;
      }
    },
    setSecretConfig: (key, value) => stack.setConfig(key, { value, secret: true }),
    preview: async (onStep) => {
      const result = await stack.preview({ color: 'never', onEvent: (event) => { const step = stepOfEvent(event); if (step) onStep(step); } });
      return result.changeSummary as Record<string, number>;
    },
    cancel: () => stack.cancel(),
  };
}

/** The Automation API behind PulumiStackDriver: LocalWorkspace with the inline program. */
export async function openAutomationStack(input: K8sStageProgramInput, cli: string): Promise<PulumiStackDriver> {
  const { k8sStageProgram } = require('./program') as typeof import('./program');
  const stack = await openLocalStack({ name: PULUMI_PROJECT, description: 'stagekit: the Kubernetes rendering of a stage' }, input.product, k8sStageProgram(input), cli);
  return {
    stackName: input.product,
    deployedStage: async () => {
      const outputs = await stack.outputs().catch(() => ({}) as Record<string, { value: unknown }>);
      const stage = outputs.stage?.value;
      return typeof stage === 'string' ? stage : undefined;
    },
    ...commonStackOperations(stack),
    up: async (onStep, onOutput) => {
      const result = await stack.up({ color: 'never', onOutput, onEvent: (event) => { const step = stepOfEvent(event); if (step) onStep(step); } });
      return (result.summary.resourceChanges ?? {}) as Record<string, number>;
    },
  };
}
