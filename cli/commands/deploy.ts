import * as path from 'path';
import { Command, Option } from 'commander';
import { computePlan, Plan } from '../../core/plan';
import { DEFAULT_PROFILE_FILE } from '../../core/profile-file';
import { stageByName, StageName } from '../../core/ladder';
import type { StageRenderer } from '../../core/rendering';
import { flattenNestedStacks } from '../../core/nested-stacks';
import { stageRenderer } from '../../blueprints/render';
import { stageCostDelta } from '../../deploy/cost-delta';
import { awsDryRun, k8sDryRun } from '../../deploy/dry-run';
import { EXIT, exitCodeHelp, StopError } from '../../deploy/exit-codes';
import { DeployLog, parseTimeout, systemClock, terminalPrompter } from '../../deploy/io';
import { APPLY_PHASES, ApplyPhase, KubeObject } from '../../deploy/k8s/objects';
import { systemKubectl } from '../../deploy/k8s/kubectl';
import { randomPassword } from '../../deploy/k8s/secrets';
import { deployAws, DeployedStateHooks, SynthesizedStage } from '../../deploy/aws/deploy-aws';
import { LOCK_FILE, recordDeploy } from '../../deploy/lock';
import { mergeDeployedSizes } from '../../core/floor';
import { sdkAwsApi } from '../../deploy/aws/aws-api';
import { awsStatefulRisks } from '../../deploy/aws/safety';
import { toolkitDeployer } from '../../deploy/aws/toolkit';
import { checkApis, checkCluster, deployK8s } from '../../deploy/k8s/deploy-k8s';
import { deployWithPulumi, findPulumiCli, openAutomationStack, PULUMI_CDK_UNAVAILABLE } from '../../deploy/pulumi/engine';
import { pulumiDryRun } from '../../deploy/pulumi/dry-run';
import { colors, progress, Progress } from '../../terminal/output';
import { activeShardsOf, allowHttpOption, apiAllowOption, cdkContextOption, checkOutDir, lockFloorOf, lockOption, noLockOption, parseApiAllow, parseCdkContext, profileOption, readProfile, SELF_HOSTED, targetOption } from '../options';
import { capacityOf } from '../verdict';
import { capacityVerdict } from '../../core/capacity';

export interface DeployOptions {
  stage?: string;
  target?: 'aws' | 'k8s' | 'self-hosted';
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
  apiAllow?: string[];
  installPlatform?: boolean;
  lock?: string | false;
}

/** Default waits: RDS Multi-AZ, replicas and MSK take tens of minutes to create; a cluster rollout minutes. */
const DEFAULT_TIMEOUT = { aws: '60m', k8s: '20m', 'self-hosted': '60m' } as const;

export function deployCommand(): Command {
  return new Command('deploy')
    .description('deploy one stage: AWS through the CDK toolkit, Kubernetes through kubectl server-side apply (or through Pulumi with --engine pulumi)')
    .addOption(new Option('-s, --stage <name>', 'the stage to deploy').makeOptionMandatory())
    .addOption(targetOption(false, true).makeOptionMandatory())
    .addOption(profileOption())
    .option('--dry-run', 'print the exact actions for this stage and target; needs neither credentials nor a cluster')
    .option('-y, --yes', 'do not ask for confirmation (CI); without it and without a terminal, deploy stops (exit 4)')
    .option('--allow-data-loss', 'deploy even when a stateful resource would be replaced or destroyed (after the runbook moved its data)')
    .option('--allow-over-capacity', 'deploy a stage whose limits the profile exceeds (the capacity checks of stagekit advise)')
    .addOption(new Option('--engine <engine>', 'cdk: CDK toolkit (aws) / kubectl (k8s); pulumi: Pulumi Automation API (k8s only)').choices(['cdk', 'pulumi']).default('cdk'))
    .option('--timeout <duration>', `how long to wait for the deploy to finish and become ready: 90s, 15m, 1h (default: aws ${DEFAULT_TIMEOUT.aws}, k8s ${DEFAULT_TIMEOUT.k8s}, self-hosted ${DEFAULT_TIMEOUT['self-hosted']})`)
    .option('--context <name>', 'k8s: kubeconfig context (default: the current context)')
    .addOption(cdkContextOption())
    .addOption(allowHttpOption())
    .addOption(apiAllowOption())
    .option('--install-platform', 'k8s: install the platform add-ons the cluster lacks (operators, cert-manager, ingress, monitoring, logs; pinned and vendored) before the stage, after asking')
    .addOption(lockOption())
    .addOption(noLockOption())
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
  if (opts.installPlatform && target !== 'k8s') throw new StopError(EXIT.usage, `--install-platform applies to --target k8s only (--target ${SELF_HOSTED} always installs the platform).`);
  if (opts.installPlatform && opts.engine === 'pulumi') throw new StopError(EXIT.usage, '--install-platform applies to the kubectl engine only (--engine cdk).');
  if (opts.apiAllow && target !== SELF_HOSTED) throw new StopError(EXIT.usage, `--api-allow applies to --target ${SELF_HOSTED} only.`);
  if (target === SELF_HOSTED && opts.engine === 'pulumi') throw new StopError(EXIT.usage, `--target ${SELF_HOSTED} always provisions through Pulumi and applies the platform and the stage with kubectl: leave out --engine.`);
  const apiAllow = parseApiAllow(opts.apiAllow);
  const cdkContext = parseCdkContext(opts.cdkContext, opts);
  if (target === 'aws') checkOutDir(opts.out);
  if (opts.until && opts.engine === 'pulumi') throw new StopError(EXIT.usage, '--until applies to the kubectl engine only (--engine cdk).');
  const timeoutMs = parseTimeout(opts.timeout ?? DEFAULT_TIMEOUT[target]);
  const profile = readProfile(opts);
  const locked = lockFloorOf(opts, profile);
  const plan = computePlan(profile, stage, { deployed: locked });
  activeShardsOf([plan], cdkContext);
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

  if (target === SELF_HOSTED) return deploySelfHostedTarget(opts, common, renderObjects, planOf, apiAllow);

  if (opts.dryRun) {
    if (opts.engine === 'pulumi') {
      return print(pulumiDryRun({ ...common, objects: renderObjects(plan), context: opts.context }));
    }
    if (target === 'aws') {
      const synthesized = synthForDeploy(renderer, plan, opts.out, cdkContext);
      return print(awsDryRun({ ...common, stackName: plan.product, template: synthesized.template, assemblyDir: synthesized.assemblyDir, requiredBootstrapVersion: synthesized.requiredBootstrapVersion }));
    }
    const kubectl = systemKubectl({ context: opts.context });
    const lines = k8sDryRun({ ...common, objects: renderObjects(plan), kubectl, context: opts.context, until: opts.until });
    if (opts.installPlatform) {
      const { renderPlatform } = require('../../platform/builder') as typeof import('../../platform/builder');
      const { platformDryRun } = require('../../deploy/self-hosted/dry-run') as typeof import('../../deploy/self-hosted/dry-run');
      const at = lines.findIndex((l) => l.startsWith('  4. '));
      lines.splice(at, 0, '  --install-platform, after the cluster checks and before the API check (steps of their own):', ...platformDryRun(renderPlatform(plan, { cluster: 'existing', smtp: smtpFromEnvLazy() }), kubectl, { onlyMissing: true }).map((l) => `  ${l}`));
    }
    return print(lines);
  }

  const log = terminalLog();
  const lockFile = typeof opts.lock === 'string' ? opts.lock : LOCK_FILE;
  // The deployed state (template or deploy record) and the lock file together are the floor; a deploy records what it deployed.
  const deployedState: DeployedStateHooks = {
    replan: (deployed) => computePlan(profile, stage, { deployed: locked ? mergeDeployedSizes(locked, deployed) : deployed }),
    record: (sizes, deployedPlan) => {
      if (opts.lock === false) return;
      recordDeploy(lockFile, target, { stage, deployedAt: new Date().toISOString(), profile: common.profileFile, sizes: { ...sizes, product: deployedPlan.product } });
    },
  };
  const shared = { prompt: terminalPrompter(), clock: systemClock, log, cost: stageCostDelta, planOf, deployedState };
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
  const prepareCluster = opts.installPlatform
    ? async (kubectl: import('../../deploy/k8s/kubectl').Kubectl, clusterLog: DeployLog) => {
        const { renderPlatform } = require('../../platform/builder') as typeof import('../../platform/builder');
        const { ensurePlatform } = require('../../deploy/self-hosted/platform-install') as typeof import('../../deploy/self-hosted/platform-install');
        const generated = new Map<string, string>();
        await ensurePlatform(kubectl, renderPlatform(plan, { cluster: 'existing', smtp: smtpFromEnvLazy() }), clusterLog, {
          yes: Boolean(opts.yes),
          prompt: shared.prompt,
          timeoutSeconds: Math.max(60, Math.floor(timeoutMs / 1000)),
          secretData: (secret) => {
            if (secret.source !== 'generated') return undefined;
            if (!generated.has(secret.name)) generated.set(secret.name, randomPassword());
            return { [secret.key]: generated.get(secret.name)! };
          },
        });
      }
    : undefined;
  await deployK8s({ ...common, renderObjects: (floored) => renderObjects(floored), until: opts.until, context: opts.context, prepareCluster }, { ...shared, kubectl: systemKubectl({ context: opts.context }), password: randomPassword });
}

/** `--target self-hosted`: the Hetzner Cloud fleet (Pulumi), the platform add-ons, then the stage (kubectl). */
async function deploySelfHostedTarget(
  opts: DeployOptions,
  common: { plan: Plan; profileFile: string; timeoutMs: number; allowDataLoss: boolean; yes: boolean },
  renderObjects: (plan: Plan) => KubeObject[],
  planOf: (stage: StageName) => Plan,
  apiAllow: string[],
): Promise<void> {
  // Loaded on use: the fleet planner and the platform are only needed for this target.
  const { layoutFleet, stageFleet } = require('../../deploy/self-hosted/layout') as typeof import('../../deploy/self-hosted/layout');
  const { renderPlatform, smtpFromEnv } = require('../../platform/builder') as typeof import('../../platform/builder');
  const { plan } = common;
  const platform = () => renderPlatform(plan, { cluster: 'hcloud', smtp: smtpFromEnv() });
  const layout = (objects: KubeObject[]) => {
    try {
      return layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: apiAllow });
    } catch (err) {
      throw new StopError(EXIT.preflight, `The fleet cannot be provisioned on Hetzner Cloud: ${(err as Error).message}`, 'A pod larger than every Hetzner Cloud server type needs dedicated servers (docs/self-hosted.md, "Dedicated servers").');
    }
  };
  if (opts.dryRun) {
    const { selfHostedDryRun } = require('../../deploy/self-hosted/dry-run') as typeof import('../../deploy/self-hosted/dry-run');
    const stageObjects = renderObjects(plan);
    return print(selfHostedDryRun({ ...common, layout: layout(stageObjects), platform: platform(), stageObjects }));
  }
  if (!apiAllow.length) {
    throw new StopError(EXIT.usage, '--api-allow is required: the address blocks (your office, VPN or CI runner, e.g. 203.0.113.7/32) that may reach the new cluster’s Kubernetes API and SSH. stagekit itself connects from here (SSH to read the kubeconfig, then the API) to install the platform and the stage.');
  }
  const { deploySelfHosted, newPassword } = require('../../deploy/self-hosted/engine') as typeof import('../../deploy/self-hosted/engine');
  const log = terminalLog();
  const kubectl = systemKubectl();
  await deploySelfHosted(
    { ...common, layout: () => layout(renderObjects(plan)), platform },
    {
      env: process.env,
      findPulumiCli: () => findPulumiCli(),
      hasKubectl: async () => (await kubectl.run(['version', '--client', '-o', 'json'], { timeoutMs: 10_000 })).code === 0,
      openStack: (l, cli) => (require('../../deploy/self-hosted/automation') as typeof import('../../deploy/self-hosted/automation')).openHcloudStack(l, cli),
      hasSsh: () => (require('../../deploy/self-hosted/kubeconfig') as typeof import('../../deploy/self-hosted/kubeconfig')).sshClientAvailable(),
      connect: (l, ip, sshPrivateKey) => (require('../../deploy/self-hosted/automation') as typeof import('../../deploy/self-hosted/automation')).connectHcloudCluster(l, ip, sshPrivateKey),
      deployStage: async (clusterKubectl, _kubeconfig, yes) => {
        await deployK8s({ ...common, yes, renderObjects: () => renderObjects(plan) }, { kubectl: clusterKubectl, prompt: terminalPrompter(), clock: systemClock, log, cost: stageCostDelta, planOf, password: randomPassword });
      },
      prompt: terminalPrompter(),
      clock: systemClock,
      log,
      cost: stageCostDelta,
      planOf,
      password: newPassword,
    },
  );
}

function smtpFromEnvLazy() {
  return (require('../../platform/builder') as typeof import('../../platform/builder')).smtpFromEnv();
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
    // The safety check, the cost delta and the floor read every resource, the nested stacks' included.
    return { assemblyDir: assembly.assemblyDir, template: flattenNestedStacks(assembly.template, assembly.nestedTemplates), requiredBootstrapVersion: assembly.requiredBootstrapVersion };
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
