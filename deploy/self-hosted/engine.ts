/**
 * `stagekit deploy --target self-hosted`: provisioning (the Hetzner Cloud program through Pulumi's
 * Automation API), then the platform add-ons, then the stage (the same kubectl deploy as --target k8s,
 * against the new cluster's kubeconfig). One Pulumi stack per product in project stagekit-hcloud, so
 * climbing the ladder resizes the fleet in place. Same preflight, safety check, confirmation, exit codes
 * and --dry-run as the other targets.
 */
import type { PulumiStep } from '../pulumi/engine';
import type { Plan } from '../../core/plan';
import type { Platform } from '../../platform/builder';
import type { PlatformSecret } from '../../platform/types';
import { CostEstimator } from '../cost-delta';
import { EXIT, StopError } from '../exit-codes';
import { Clock, confirmOrStop, DeployLog, formatDuration, Prompter, withTimeout } from '../io';
import { randomPassword } from '../k8s/secrets';
import type { Kubectl } from '../k8s/kubectl';
import type { KubeObject } from '../k8s/objects';
import { costText, risksText } from '../report';
import { isBlocking, sortRisks } from '../risk';
import { HcloudLayout, PULUMI_HCLOUD_PROJECT } from './layout';
import { installPlatform, platformStatus } from './platform-install';
import { gib, plural } from './explain';
import { fleetRisks, risksFromHcloudSteps } from './safety';
import { CLUSTER_SECRET_KEYS, CLUSTER_SECRET_PURPOSES, newSshKeyPair } from './secrets';

/** A resource step of the fleet's stack: the same shape as every Pulumi engine's. */
export type HcloudStep = PulumiStep;

/** The Automation API surface the engine uses; tests drive it with recorded steps. */
export interface HcloudStackDriver {
  readonly stackName: string;
  /** The layout deployed last (the program's `layout` output), if any. */
  deployedLayout(): Promise<HcloudLayout | undefined>;
  getConfig(key: string): Promise<string | undefined>;
  setSecretConfig(key: string, value: string): Promise<void>;
  preview(onStep: (step: HcloudStep) => void): Promise<Record<string, number>>;
  up(onStep: (step: HcloudStep) => void): Promise<{ summary: Record<string, number>; outputs: { apiServerIpv4: string; networkId: string } }>;
  cancel(): Promise<void>;
}

export interface SelfHostedDeployRequest {
  readonly plan: Plan;
  readonly profileFile: string;
  /** Lays out the fleet (renders the stage for the fleet plan); called after the preflight. */
  readonly layout: () => HcloudLayout;
  readonly platform: () => Platform;
  readonly allowDataLoss: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
}

export interface SelfHostedDeployDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly findPulumiCli: () => string | undefined;
  /** True when kubectl runs (`kubectl version --client`). */
  readonly hasKubectl: () => Promise<boolean>;
  /** True when an OpenSSH client runs (`ssh -V`): the kubeconfig is read over SSH. */
  readonly hasSsh: () => Promise<boolean>;
  readonly openStack: (layout: HcloudLayout, cli: string) => Promise<HcloudStackDriver>;
  /** Reads the new cluster's kubeconfig over SSH (with the stack's key), writes it and returns a kubectl bound to it. */
  readonly connect: (layout: HcloudLayout, apiServerIpv4: string, sshPrivateKey: string) => Promise<{ kubectl: Kubectl; kubeconfig: string }>;
  /** The stage deploy (deploy/k8s) against the new cluster. */
  readonly deployStage: (kubectl: Kubectl, kubeconfig: string, yes: boolean) => Promise<void>;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly log: DeployLog;
  readonly cost: CostEstimator;
  readonly planOf: (stage: Plan['stage']) => Plan;
  /** A random secret (the k3s tokens, the platform's generated passwords). */
  readonly password: () => string;
}

/** What is missing to deploy self-hosted, each with how to get it. */
export async function selfHostedPrerequisites(deps: Pick<SelfHostedDeployDeps, 'env' | 'findPulumiCli' | 'hasKubectl' | 'hasSsh'>): Promise<{ missing: string[]; pulumi?: string }> {
  const missing: string[] = [];
  if (!deps.env.HCLOUD_TOKEN) missing.push('HCLOUD_TOKEN: a Hetzner Cloud API token with read & write access (Hetzner Console > project > Security > API tokens), in the environment');
  const pulumi = deps.findPulumiCli();
  if (!pulumi) missing.push('the pulumi CLI (not on PATH, not in ~/.pulumi/bin): curl -fsSL https://get.pulumi.com | sh, then pulumi login (or PULUMI_BACKEND_URL=file://~/.pulumi-state with PULUMI_CONFIG_PASSPHRASE)');
  if (!(await deps.hasKubectl())) missing.push('kubectl 1.30 or later (https://kubernetes.io/docs/tasks/tools/): the platform and the stage are applied with it');
  if (!(await deps.hasSsh())) missing.push('an OpenSSH client (ssh on PATH; apt install openssh-client): the new cluster\u2019s kubeconfig is read from its first control plane over SSH');
  return { missing, pulumi };
}

export async function deploySelfHosted(request: SelfHostedDeployRequest, deps: SelfHostedDeployDeps): Promise<void> {
  const { log, clock, plan } = { ...deps, plan: request.plan };
  const started = clock.now();

  log.section('Preflight');
  const { missing, pulumi } = await selfHostedPrerequisites(deps);
  if (missing.length) {
    throw new StopError(EXIT.preflight, `Cannot deploy to Hetzner Cloud; missing:\n${missing.map((m) => `- ${m}`).join('\n')}`, 'Nothing was created. `stagekit deploy --target self-hosted --dry-run` shows every action without any of them.');
  }
  log.ok('HCLOUD_TOKEN set (read by the Hetzner provider from the environment; never written to the stack)');
  log.ok(`pulumi CLI: ${pulumi}`);
  log.ok('kubectl found');
  log.ok('ssh found');
  let layout: HcloudLayout;
  try {
    layout = request.layout();
  } catch (err) {
    throw new StopError(EXIT.preflight, `The fleet cannot be provisioned: ${(err as Error).message}`, 'A pod larger than every Hetzner Cloud server type needs dedicated servers (docs/self-hosted.md, "Dedicated servers").');
  }
  const platform = request.platform();
  log.ok(`fleet plan: ${plural(layout.servers.length, 'server')} (${summary(layout)}), ${plural(layout.loadBalancers.length, 'load balancer')}, ${plural(layout.volumes, 'volume')} (${gib(layout.volumeGiB)}) from the CSI driver`);

  const stack = await deps.openStack(layout, pulumi!);
  log.ok(`Pulumi stack ${PULUMI_HCLOUD_PROJECT}/${stack.stackName}`);
  for (const [name, key] of Object.entries(CLUSTER_SECRET_KEYS) as [keyof typeof CLUSTER_SECRET_KEYS, string][]) {
    if ((await stack.getConfig(key)) === undefined) {
      await stack.setSecretConfig(key, name === 'sshPrivateKey' ? newSshKeyPair().privateKey : deps.password());
      log.ok(`set stack secret ${key} (${CLUSTER_SECRET_PURPOSES[name]}; random, kept encrypted in the stack configuration)`);
    }
  }

  log.section('Safety (fleet and pulumi preview)');
  const deployed = await stack.deployedLayout();
  const risks = deployed ? fleetRisks(deployed, layout) : [];
  if (deployed) log.info(`deployed: ${deployed.stage} (${plural(deployed.servers.length, 'server')}); deploying ${plan.stage} (${plural(layout.servers.length, 'server')})`);
  const steps: HcloudStep[] = [];
  const preview = await stack.preview((s) => steps.push(s));
  log.info(`preview: ${formatSummary(preview)}`);
  for (const risk of risksFromHcloudSteps(steps)) if (!risks.some((x) => x.resource.startsWith(risk.resource))) risks.push(risk);
  const sorted = sortRisks(risks);
  if (sorted.length) log.block(risksText(sorted));
  const blocking = sorted.filter(isBlocking);
  if (blocking.length && !request.allowDataLoss) {
    throw new StopError(EXIT.risky, `Refused: ${plural(blocking.length, 'server')} holding data would be deleted or replaced. Nothing was changed.`, 'Drain them and move their replicas first (the fix under each); then re-run with --allow-data-loss if that is intended.');
  }
  log.block(costText(deps.cost({ target: 'k8s', fromPlan: deps.planOf((deployed?.stage as Plan['stage']) ?? plan.stage), toPlan: plan }), deployed?.stage ?? 'nothing deployed', plan.stage));
  await confirmOrStop(deps.prompt, request.yes, `Provision ${plural(layout.servers.length, 'Hetzner server')} for ${plan.stage} (${formatSummary(preview)}), then install the platform and deploy the stage?`, log);

  log.section('Provision (pulumi up)');
  const remaining = () => Math.max(0, request.timeoutMs - (clock.now() - started));
  let outputs: { apiServerIpv4: string; networkId: string };
  try {
    const result = await withTimeout(
      stack.up((s) => log.progress(`${s.op} ${s.type} ${s.urn.split('::').pop()}`)),
      remaining(),
      clock,
      () => new StopError(EXIT.timeout, `pulumi up did not finish within ${formatDuration(request.timeoutMs)}; stagekit asked Pulumi to cancel it.`, `Check the stack: pulumi stack --stack ${stack.stackName} (project ${PULUMI_HCLOUD_PROJECT}); run pulumi refresh before the next deploy.`),
    );
    outputs = result.outputs;
    log.progressDone(`provisioned: ${formatSummary(result.summary)}`);
  } catch (err) {
    if (err instanceof StopError) {
      if (err.exitCode === EXIT.timeout) await stack.cancel().catch(() => undefined);
      throw err;
    }
    throw new StopError(EXIT.deployFailed, `pulumi up failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  log.section('Platform');
  const sshPrivateKey = (await stack.getConfig(CLUSTER_SECRET_KEYS.sshPrivateKey))!;
  const { kubectl, kubeconfig } = await deps.connect(layout, outputs.apiServerIpv4, sshPrivateKey);
  log.ok(`kubeconfig: ${kubeconfig}`);
  const status = await platformStatus(kubectl, platform);
  const generated = new Map<string, string>();
  await installPlatform(kubectl, platform, log, {
    timeoutSeconds: Math.max(60, Math.floor(remaining() / 1000)),
    secretData: (secret: PlatformSecret) => {
      if (secret.namespace === 'kube-system' && secret.name === 'hcloud') return { token: deps.env.HCLOUD_TOKEN!, network: outputs.networkId };
      if (secret.source === 'generated') {
        if (!generated.has(secret.name)) generated.set(secret.name, deps.password());
        return { [secret.key]: generated.get(secret.name)! };
      }
      return undefined;
    },
  });
  log.info(`add-ons: ${status.map((s) => `${s.addon.addon.id}${s.installed ? ' (was there, re-applied)' : ''}`).join(', ')}`);
  for (const warning of platform.warnings) log.warn(warning);

  log.section(`Stage ${plan.stage}`);
  await deps.deployStage(kubectl, kubeconfig, true);
}

function summary(layout: HcloudLayout): string {
  const by = new Map<string, number>();
  for (const server of layout.servers) by.set(`${server.pool} ${server.serverType}`, (by.get(`${server.pool} ${server.serverType}`) ?? 0) + 1);
  return [...by].map(([k, n]) => `${n} × ${k}`).join(', ');
}

function formatSummary(countsByOperation: Record<string, number>): string {
  const parts = Object.entries(countsByOperation).filter(([, n]) => n > 0).map(([op, n]) => `${n} ${op}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

export function newPassword(): string {
  return randomPassword();
}

export type { KubeObject };
