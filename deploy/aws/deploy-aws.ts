/**
 * `stagekit deploy --target aws`: preflight (credentials, region, CDK bootstrap), the same
 * stateful-resource check as `plan` against the template CloudFormation has deployed, the cost
 * delta, confirmation, then the CDK toolkit deploys a change set. The AWS calls, the toolkit, the
 * prompt and the clock are boundaries (see AwsDeployDeps), so every decision is testable offline.
 */
import type { Plan } from '../../core/plan';
import { StageName, STAGE_NAMES } from '../../core/ladder';
import { runbookContext, transitionRunbook } from '../runbooks';
import { CostEstimator } from '../cost-delta';
import { EXIT, StopError } from '../exit-codes';
import { Clock, confirmOrStop, DeployLog, formatDuration, Prompter, withTimeout } from '../io';
import { costText, risksText, runbookText } from '../report';
import { isBlocking, sortRisks } from '../risk';
import { AwsApi } from './aws-api';
import { AwsRiskCheck, compareTemplates } from './changes';
import { isStatefulResourceType } from './safety';
import { CdkDeployer, DestructiveChangeSummary } from './toolkit';
import type { DeployedSizes } from '../../core/floor';
import { sizesFromTemplate } from '../floor-sources';

/** The CDK's bootstrap stack (the toolkit's default name). */
export const BOOTSTRAP_STACK = 'CDKToolkit';

export interface SynthesizedStage {
  readonly assemblyDir: string;
  /** Every resource of the stage: the stack's own and its nested stacks' (core/nested-stacks.ts flattenNestedStacks). */
  readonly template: any;
  /** From the assembly manifest: the bootstrap version the stack's synthesizer needs. */
  readonly requiredBootstrapVersion?: number;
}

export interface AwsDeployRequest {
  readonly plan: Plan;
  readonly stackName: string;
  readonly profileFile: string;
  readonly allowDataLoss: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
}

export interface AwsDeployDeps {
  readonly aws: AwsApi;
  readonly deployer: CdkDeployer;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly log: DeployLog;
  readonly cost: CostEstimator;
  readonly riskCheck: AwsRiskCheck;
  readonly synth: (plan: Plan) => SynthesizedStage;
  readonly planOf: (stage: StageName) => Plan;
  /** Deployed sizes as a floor: the plan again, keeping what the deployed template runs; and where to record a deploy. */
  readonly deployedState?: DeployedStateHooks;
}

/**
 * How a deploy keeps what is deployed: `replan` plans the stage again with the deployed sizes as a
 * floor (the CLI merges them with stagekit.lock.json); `record` keeps what was deployed (the lock file).
 */
export interface DeployedStateHooks {
  replan(deployed: DeployedSizes): Plan;
  record(sizes: DeployedSizes, plan: Plan): void;
}

export interface AwsDeployResult {
  readonly upToDate: boolean;
  readonly stackArn?: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly deleteFailures: readonly { logicalId: string; resourceType: string; physicalId?: string }[];
}

const BUSY = /_IN_PROGRESS$/;

export async function deployAws(request: AwsDeployRequest, deps: AwsDeployDeps): Promise<AwsDeployResult> {
  const { aws, log, clock } = deps;
  let plan = request.plan;
  const started = clock.now();
  const region = plan.region;

  log.section('Preflight');
  const identity = await aws.callerIdentity();
  log.ok(`credentials: account ${identity.account} as ${identity.arn}`);
  const envRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  log.ok(`region: ${region} (from the profile)${envRegion && envRegion !== region ? `; AWS_REGION=${envRegion} is not used for this stack` : ''}`);
  const bootstrap = await aws.describeStack(BOOTSTRAP_STACK);
  const bootstrapHint = `npx cdk bootstrap aws://${identity.account}/${region}`;
  if (!bootstrap || bootstrap.status === 'REVIEW_IN_PROGRESS') {
    throw new StopError(EXIT.preflight, `Account ${identity.account} is not bootstrapped for the CDK in ${region}: no ${BOOTSTRAP_STACK} stack.`, `Bootstrap it once per account and region: ${bootstrapHint}`);
  }
  if (/FAILED|ROLLBACK_COMPLETE$/.test(bootstrap.status) && !/^UPDATE_ROLLBACK_COMPLETE$/.test(bootstrap.status)) {
    throw new StopError(EXIT.preflight, `The ${BOOTSTRAP_STACK} stack is in state ${bootstrap.status}.`, `Repair it (see its events in the CloudFormation console), then run ${bootstrapHint}`);
  }
  const bootstrapVersion = Number(bootstrap.outputs.BootstrapVersion);

  log.section('Synth');
  // What the stack runs now is the floor of the new plan: storage never shrinks, zones and brokers stay.
  const current = deps.deployedState ? await aws.describeStack(request.stackName) : undefined;
  if (deps.deployedState && current && current.status !== 'REVIEW_IN_PROGRESS' && current.status !== 'ROLLBACK_COMPLETE') {
    const running = await aws.deployedTemplate(request.stackName);
    const floored = deps.deployedState.replan(sizesFromTemplate(running, plan.product, stageFromTags(current.tags) ?? plan.stage));
    for (const line of floored.reasoning.filter((r) => r.startsWith('floor:') && !plan.reasoning.includes(r))) log.info(line);
    for (const line of floored.warnings.filter((w) => !plan.warnings.includes(w))) log.warn(line);
    plan = floored;
  }
  const synthesized = deps.synth(plan);
  log.ok(`synthesized ${plan.stage}: ${Object.keys(synthesized.template.Resources ?? {}).length} resources (${synthesized.assemblyDir})`);
  const required = synthesized.requiredBootstrapVersion;
  if (required !== undefined && !(bootstrapVersion >= required)) {
    throw new StopError(EXIT.preflight, `${BOOTSTRAP_STACK} in ${region} is bootstrap version ${Number.isFinite(bootstrapVersion) ? bootstrapVersion : 'unknown'}; this stack needs ${required} or later.`, `Upgrade it: ${bootstrapHint}`);
  }
  log.ok(`bootstrap: version ${bootstrapVersion}${required !== undefined ? ` (needs ${required})` : ''}`);

  log.section('Safety');
  const deployed = await aws.describeStack(request.stackName);
  if (deployed && BUSY.test(deployed.status) && deployed.status !== 'REVIEW_IN_PROGRESS') {
    throw new StopError(EXIT.preflight, `Stack ${request.stackName} is busy (${deployed.status}).`, 'Wait for the running operation to finish, then deploy again.');
  }
  if (deployed?.status === 'ROLLBACK_COMPLETE') {
    throw new StopError(EXIT.preflight, `Stack ${request.stackName} failed its first creation (ROLLBACK_COMPLETE) and can only be deleted.`, `aws cloudformation delete-stack --region ${region} --stack-name ${request.stackName}, then deploy again.`);
  }
  if (deployed?.status === 'UPDATE_ROLLBACK_FAILED') {
    throw new StopError(EXIT.preflight, `Stack ${request.stackName} is stuck in UPDATE_ROLLBACK_FAILED.`, `aws cloudformation continue-update-rollback --region ${region} --stack-name ${request.stackName} (skip the resources that cannot roll back), then deploy again.`);
  }
  const exists = deployed !== undefined && deployed.status !== 'REVIEW_IN_PROGRESS';
  const deployedTemplate = exists ? await aws.deployedTemplate(request.stackName) : {};
  const deployedStage = exists ? stageFromTags(deployed!.tags) : undefined;
  const changes = compareTemplates(deployedTemplate, synthesized.template, deps.riskCheck);
  if (exists) {
    log.info(`deployed: stack ${request.stackName} (${deployed!.status})${deployedStage ? `, stage ${deployedStage}` : ''}; deploying ${plan.stage}`);
  } else {
    log.info(`stack ${request.stackName} does not exist in ${region} yet: a first deploy`);
  }
  if (exists && changes.identical) {
    log.ok(`stack ${request.stackName} is up to date with ${plan.stage}: nothing to deploy`);
    deps.deployedState?.record(sizesFromTemplate(synthesized.template, plan.product, plan.stage), plan);
    return { upToDate: true, stackArn: deployed!.arn, outputs: deployed!.outputs, deleteFailures: [] };
  }
  log.info(`changes: +${changes.added.length} added, ~${changes.changed.length} changed, -${changes.removed.length} removed`);
  const risks = sortRisks(changes.risks);
  if (risks.length > 0) log.block(risksText(risks));
  const blocking = risks.filter(isBlocking);
  if (blocking.length > 0 && !request.allowDataLoss) {
    throw new StopError(
      EXIT.risky,
      `Refused: ${blocking.length} stateful resource(s) would be replaced or destroyed. Nothing was changed.`,
      'Follow the runbook (stagekit plan FROM TO) to move the data first; then re-run with --allow-data-loss if the loss is intended.',
    );
  }
  if (blocking.length > 0) log.warn(`--allow-data-loss: proceeding although ${blocking.length} stateful resource(s) would be replaced or destroyed.`);

  const fromPlan = deps.planOf(deployedStage ?? plan.stage);
  log.block(costText(deps.cost({ target: 'aws', fromPlan, toPlan: plan, fromTemplate: exists ? deployedTemplate : undefined, toTemplate: synthesized.template }), exists ? (deployedStage ?? 'deployed') : 'nothing deployed', plan.stage));
  const runbook =
    deployedStage && deployedStage !== plan.stage
      ? transitionRunbook(deployedStage, plan.stage, 'aws', runbookContext(plan.profile, { profileFile: request.profileFile, awsTemplates: { [deployedStage]: deployedTemplate, [plan.stage]: synthesized.template } }))
      : undefined;
  if (runbook) log.block(runbookText(runbook, ['before']));

  await confirmOrStop(
    deps.prompt,
    request.yes,
    `Deploy ${plan.stage} to stack ${request.stackName} in account ${identity.account} (${region})${runbook ? ', with the runbook\u2019s "before" steps done' : ''}?`,
    log,
  );

  log.section('Deploy');
  // The stateful resources the comparison showed and the user accepted. The change set CloudFormation prepares
  // is the final word: if it would replace or delete any other stateful resource (a "may be replaced" that
  // turns out replaced, or drift), the deploy stops there.
  const accepted = new Set(risks.filter((r) => r.severity !== 'possible-data-loss').map((r) => r.resource));
  const typeOf = (id: string) => synthesized.template.Resources?.[id]?.Type ?? deployedTemplate.Resources?.[id]?.Type;
  let refused: DestructiveChangeSummary[] = [];
  const remaining = Math.max(0, request.timeoutMs - (clock.now() - started));
  try {
    const result = await withTimeout(
      deps.deployer.deploy(synthesized.assemblyDir, request.stackName, {
        onProgress: (text) => log.progress(text),
        approveChangeSet: async (destructive) => {
          const unexpected = destructive.filter((d) => isStatefulResourceType(d.resourceType ?? typeOf(d.logicalId)) && !accepted.has(d.logicalId));
          if (unexpected.length === 0 || request.allowDataLoss) return true;
          refused = unexpected;
          return false;
        },
      }),
      remaining,
      clock,
      () =>
        new StopError(
          EXIT.timeout,
          `CloudFormation is still deploying stack ${request.stackName} after ${formatDuration(request.timeoutMs)}; stagekit stopped waiting, the deployment goes on.`,
          `Follow it with: aws cloudformation describe-stack-events --region ${region} --stack-name ${request.stackName}`,
        ),
    );
    log.progressDone(`deployed ${plan.stage} to ${request.stackName} in ${formatDuration(clock.now() - started)}`);
    if (deps.deployedState) {
      deps.deployedState.record(sizesFromTemplate(synthesized.template, plan.product, plan.stage), plan);
      log.ok('recorded the deployed sizes (stagekit.lock.json): later plans never go below them');
    }
    for (const failure of result.deleteFailures) log.warn(`CloudFormation could not delete ${failure.logicalId} (${failure.resourceType}${failure.physicalId ? ` ${failure.physicalId}` : ''}): it is out of the stack but still exists and is billed.`);
    for (const [key, value] of Object.entries(result.outputs)) log.info(`  ${key} = ${value}`);
    if (runbook) log.block(runbookText(runbook, ['after']));
    return { upToDate: false, stackArn: result.stackArn, outputs: result.outputs, deleteFailures: result.deleteFailures };
  } catch (err) {
    if (err instanceof StopError) throw err;
    if (refused.length > 0) {
      throw new StopError(
        EXIT.risky,
        `Refused: CloudFormation's change set would also ${refused.map((d) => `${impactVerb(d.impact)} ${d.logicalId}${d.resourceType ? ` (${d.resourceType})` : ''}`).join(', ')}, which the template comparison did not predict (drift, or a property whose replacement depends on its value). The change set was discarded; nothing was changed.`,
        'Inspect the resources (drift detection in the CloudFormation console), then re-run with --allow-data-loss if this is intended.',
      );
    }
    throw new StopError(
      EXIT.deployFailed,
      `Deploying ${request.stackName} failed: ${err instanceof Error ? err.message : String(err)}`,
      `CloudFormation rolls a failed update back. Events: aws cloudformation describe-stack-events --region ${region} --stack-name ${request.stackName}`,
    );
  }
}

function impactVerb(impact: string): string {
  return /REPLACE/.test(impact) ? 'replace' : /ORPHAN/.test(impact) ? 'orphan' : 'destroy';
}

/** The stage a stack was deployed at, from the stagekit:stage tag ProductStack puts on it. */
export function stageFromTags(tags: Readonly<Record<string, string>>): StageName | undefined {
  const value = tags['stagekit:stage'];
  return (STAGE_NAMES as readonly string[]).includes(value) ? (value as StageName) : undefined;
}
