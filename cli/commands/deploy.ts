import * as path from 'path';
import { Command, Option } from 'commander';
import { computePlan, Plan } from '../../core/plan';
import { DEFAULT_PROFILE_FILE } from '../../core/profile-file';
import { stageByName, StageName } from '../../core/ladder';
import type { StageRenderer } from '../../core/rendering';
import { stageRenderer } from '../../blueprints/render';
import { stageCostDelta } from '../../deploy/cost-delta';
import { awsDryRun, k8sDryRun } from '../../deploy/dry-run';
import { EXIT, exitCodeHelp, StopError } from '../../deploy/exit-codes';
import { DeployLog, parseTimeout, systemClock, terminalPrompter } from '../../deploy/io';
import { APPLY_PHASES, ApplyPhase, KubeObject } from '../../deploy/k8s/objects';
import { systemKubectl } from '../../deploy/k8s/kubectl';
import { randomPassword } from '../../deploy/k8s/secrets';
import { deployAws, SynthesizedStage } from '../../deploy/aws/deploy-aws';
import { sdkAwsApi } from '../../deploy/aws/aws-api';
import { awsStatefulRisks } from '../../deploy/aws/safety';
import { toolkitDeployer } from '../../deploy/aws/toolkit';
import { checkApis, checkCluster, deployK8s } from '../../deploy/k8s/deploy-k8s';
import { deployWithPulumi, findPulumiCli, openAutomationStack, PULUMI_CDK_UNAVAILABLE } from '../../deploy/pulumi/engine';
import { pulumiDryRun } from '../../deploy/pulumi/dry-run';
import { colors, progress, Progress } from '../../terminal/output';
import { allowHttpOption, cdkContextOption, checkOutDir, parseCdkContext, profileOption, readProfile, targetOption } from '../options';
import { capacityOf } from '../verdict';
import { capacityVerdict } from '../../core/capacity';

export interface DeployOptions {
  stage?: string;
  target?: 'aws' | 'k8s';
  profile: string;
  dryRun?: boolean;
  yes?: boolean;
  allowDataLoss?: boolean;
  allowOverCapacity?: boolean;
  engine: 'cdk' | 'pulumi';
  timeout?: string;
  context?: string;
  cdkContext?: string[];
  until?: ApplyPhase;
  out: string;
  allowHttp?: boolean;
}

/** Default waits: RDS Multi-AZ, replicas and MSK take tens of minutes to create; a cluster rollout minutes. */
const DEFAULT_TIMEOUT = { aws: '60m', k8s: '20m' } as const;

export function deployCommand(): Command {
  return new Command('deploy')
    .description('deploy one stage: AWS through the CDK toolkit, Kubernetes through kubectl server-side apply (or through Pulumi with --engine pulumi)')
    .addOption(new Option('-s, --stage <name>', 'the stage to deploy').makeOptionMandatory())
    .addOption(targetOption(false).makeOptionMandatory())
    .addOption(profileOption())
    .option('--dry-run', 'print the exact actions for this stage and target; needs neither credentials nor a cluster')
    .option('-y, --yes', 'do not ask for confirmation (CI); without it and without a terminal, deploy stops (exit 4)')
    .option('--allow-data-loss', 'deploy even when a stateful resource would be replaced or destroyed (after the runbook moved its data)')
    .option('--allow-over-capacity', 'deploy a stage whose limits the profile exceeds (the capacity checks of stagekit advise)')
    .addOption(new Option('--engine <engine>', 'cdk: CDK toolkit (aws) / kubectl (k8s); pulumi: Pulumi Automation API (k8s only)').choices(['cdk', 'pulumi']).default('cdk'))
    .option('--timeout <duration>', `how long to wait for the deploy to finish and become ready: 90s, 15m, 1h (default: aws ${DEFAULT_TIMEOUT.aws}, k8s ${DEFAULT_TIMEOUT.k8s})`)
    .option('--context <name>', 'k8s: kubeconfig context (default: the current context)')
    .addOption(cdkContextOption())
    .addOption(allowHttpOption())
    .addOption(new Option('--until <phase>', 'k8s: apply the phases up to this one only (e.g. data: create the database before switching the app)').choices([...APPLY_PHASES]))
    .option('-o, --out <dir>', 'aws: where the cloud assembly is synthesized', 'out')
    .addHelpText(
      'after',
      `\n${exitCodeHelp()}\n\nThe move between stages needs data work deploy cannot do: read \`stagekit plan FROM TO\` first. docs/deploy.md walks through it.`,
    )
    .action(async (opts: DeployOptions) => {
      try {
        await runDeploy(opts);
      } catch (err) {
        if (err instanceof StopError) return reportStop(err);
        throw err;
      }
    });
}

/** The profile as the runbook's commands should show it: omitted when it is the default, else relative to here. */
export function displayedProfile(file: string): string | undefined {
  return path.resolve(file) === path.resolve(DEFAULT_PROFILE_FILE) ? undefined : path.relative(process.cwd(), file) || file;
}

/** Prints an expected stop (message, then how to fix it) and sets the exit code. */
export function reportStop(err: StopError): void {
  process.stderr.write(`${colors.red('error:')} ${err.message}\n`);
  if (err.hint) process.stderr.write(`${err.hint.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
  process.exitCode = err.exitCode;
}

export async function runDeploy(opts: DeployOptions): Promise<void> {
  const stage = stageByName(opts.stage ?? '').name;
  const target = opts.target!;
  if (opts.until && target !== 'k8s') throw new StopError(EXIT.usage, '--until applies to --target k8s only (a CloudFormation update is one step).');
  if (opts.context && target !== 'k8s') throw new StopError(EXIT.usage, '--context applies to --target k8s only.');
  if (opts.cdkContext?.length && target !== 'aws') throw new StopError(EXIT.usage, '--cdk-context applies to --target aws only.');
  const cdkContext = parseCdkContext(opts.cdkContext, opts);
  if (target === 'aws') checkOutDir(opts.out);
  if (opts.until && opts.engine === 'pulumi') throw new StopError(EXIT.usage, '--until applies to the kubectl engine only (--engine cdk).');
  const timeoutMs = parseTimeout(opts.timeout ?? DEFAULT_TIMEOUT[target]);
  const profile = readProfile(opts);
  const plan = computePlan(profile, stage);
  const capacity = capacityOf(plan);
  if (!capacity.fits) {
    const { lines } = capacityVerdict(capacity, profile);
    if (!opts.dryRun && !opts.allowOverCapacity) {
      throw new StopError(EXIT.overCapacity, `${lines[0].replace(/^capacity: /, '')}\n${lines.slice(1).join('\n')}`, 'Deploy the stage `stagekit advise` recommends, or pass --allow-over-capacity to deploy this one anyway.');
    }
    process.stderr.write(`${colors.yellow(`warning: ${lines.join('\n')}`)}\n${opts.dryRun && !opts.allowOverCapacity ? colors.yellow('  a deploy (without --dry-run) refuses this stage unless --allow-over-capacity is given (exit 8)\n') : ''}`);
  }
  const planOf = (other: StageName) => computePlan(profile, other);
  const renderer = stageRenderer();
  const renderObjects = (stagePlan: Plan): KubeObject[] => renderer.k8s(stagePlan).objects as KubeObject[];
  const common = { plan, profileFile: displayedProfile(opts.profile) ?? path.relative(process.cwd(), opts.profile), timeoutMs, allowDataLoss: Boolean(opts.allowDataLoss), yes: Boolean(opts.yes) };

  if (opts.engine === 'pulumi') {
    if (target === 'aws') throw new StopError(EXIT.usage, PULUMI_CDK_UNAVAILABLE);
  }

  if (opts.dryRun) {
    if (opts.engine === 'pulumi') {
      return print(pulumiDryRun({ ...common, objects: renderObjects(plan), context: opts.context }));
    }
    if (target === 'aws') {
      const synthesized = synthForDeploy(renderer, plan, opts.out, cdkContext);
      return print(awsDryRun({ ...common, stackName: plan.product, template: synthesized.template, assemblyDir: synthesized.assemblyDir, requiredBootstrapVersion: synthesized.requiredBootstrapVersion }));
    }
    return print(k8sDryRun({ ...common, objects: renderObjects(plan), kubectl: systemKubectl({ context: opts.context }), context: opts.context, until: opts.until }));
  }

  const log = terminalLog();
  const shared = { prompt: terminalPrompter(), clock: systemClock, log, cost: stageCostDelta, planOf };
  if (opts.engine === 'pulumi') {
    const kubectl = systemKubectl({ context: opts.context });
    const hasKubectl = (await kubectl.run(['version', '--client', '-o', 'json'], { timeoutMs: 10_000 })).code === 0;
    await deployWithPulumi(
      { ...common, renderObjects: () => renderObjects(plan), context: opts.context },
      {
        ...shared,
        findCli: () => findPulumiCli(),
        renderStage: (other) => renderObjects(planOf(other)),
        openStack: openAutomationStack,
        clusterChecks: hasKubectl
          ? async (objects) => {
              await checkCluster(kubectl, opts.context, log);
              await checkApis(kubectl, objects, log);
            }
          : undefined,
      },
    );
    return;
  }
  if (target === 'aws') {
    await deployAws(
      { ...common, stackName: plan.product },
      { ...shared, aws: sdkAwsApi(plan.region), deployer: toolkitDeployer(), riskCheck: awsStatefulRisks, synth: (stagePlan) => synthForDeploy(renderer, stagePlan, opts.out, cdkContext) },
    );
    return;
  }
  await deployK8s({ ...common, renderObjects: () => renderObjects(plan), until: opts.until, context: opts.context }, { ...shared, kubectl: systemKubectl({ context: opts.context }), password: randomPassword });
}

function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Synthesizes the stage into OUT/aws/<stage> (cdk-nag included) and reads the bootstrap version it needs. */
export function synthForDeploy(renderer: StageRenderer, plan: Plan, outDir: string, context: Record<string, string> = {}): SynthesizedStage {
  const spinner = progress(`synthesizing ${plan.stage} for aws`);
  try {
    const assembly = renderer.writeAws(plan, outDir, { context });
    spinner.stop();
    return { assemblyDir: assembly.assemblyDir, template: assembly.template, requiredBootstrapVersion: assembly.requiredBootstrapVersion };
  } catch (err) {
    spinner.fail(`synth of ${plan.stage} failed`);
    throw err;
  }
}

/** Deploy output: lines on stdout; progress as a spinner on a terminal, as changed lines otherwise (CI logs). */
function terminalLog(): DeployLog {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let spinner: Progress | undefined;
  let lastProgress = '';
  const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
  const settle = () => {
    spinner?.stop();
    spinner = undefined;
  };
  return {
    section: (title) => {
      settle();
      out(`\n${colors.bold(title)}`);
    },
    info: (line) => {
      settle();
      out(`  ${line}`);
    },
    warn: (line) => {
      settle();
      out(`  ${colors.yellow(`! ${line}`)}`);
    },
    ok: (line) => {
      settle();
      out(`  ${colors.green('\u2713')} ${line}`);
    },
    progress: (text) => {
      if (interactive) {
        spinner ??= progress(text);
        spinner.text = text;
      } else if (text !== lastProgress) {
        out(`  ... ${text}`);
      }
      lastProgress = text;
    },
    progressDone: (line) => {
      settle();
      if (line) out(`  ${colors.green('\u2713')} ${line}`);
    },
    block: (text) => {
      settle();
      out(text);
    },
  };
}
