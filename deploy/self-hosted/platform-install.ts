/**
 * Installing the platform add-ons on a cluster: which are already there (by the API each one serves),
 * then the missing ones with server-side apply in the phases `platformPhases` orders from the add-ons'
 * dependencies — namespaces and CRDs, then level by level the custom resources a level needs from add-ons
 * already running (cert-manager Certificates, waited for until issued), its workloads (waited for until
 * available) and the resources its own operators serve — plus the Secrets the platform needs and must
 * not render, created before the first workload.
 */
import type { Platform, RenderedAddOn } from '../../platform/builder';
import { platformPhases } from '../../platform/builder';
import type { PlatformSecret } from '../../platform/types';
import { EXIT, StopError } from '../exit-codes';
import { confirmOrStop, DeployLog, Prompter } from '../io';
import { APPLY_ARGS, manifestOf } from '../k8s/deploy-k8s';
import { parseApiResources, ServedResource } from '../k8s/discovery';
import { firstErrorLine, Kubectl } from '../k8s/kubectl';
import type { KubeObject } from '../k8s/objects';

export interface AddOnStatus {
  readonly addon: RenderedAddOn;
  readonly installed: boolean;
}

/** Which add-ons the cluster already serves the API of (`kubectl api-resources`). */
export async function platformStatus(kubectl: Kubectl, platform: Platform): Promise<AddOnStatus[]> {
  const result = await kubectl.run(['api-resources'], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new StopError(EXIT.preflight, `Cannot list the cluster\u2019s APIs (kubectl api-resources): ${firstErrorLine(result.stderr)}`);
  return statusFrom(parseApiResources(result.stdout), platform);
}

export function statusFrom(served: readonly ServedResource[], platform: Platform): AddOnStatus[] {
  const has = new Set(served.map((r) => `${r.apiVersion} ${r.kind}`));
  // Add-ons detected by a built-in kind (a Service, a StatefulSet) cannot be told apart that way: they count as missing.
  const builtIn = (apiVersion: string) => !apiVersion.includes('.') || apiVersion.endsWith('.k8s.io/v1');
  return platform.addons.map((addon) => ({ addon, installed: !builtIn(addon.addon.detect.apiVersion) && has.has(`${addon.addon.detect.apiVersion} ${addon.addon.detect.kind}`) }));
}

export interface InstallOptions {
  /** The data of a secret the platform needs (generated ones from the caller's generator, provided ones from the environment); undefined when not known. */
  readonly secretData: (secret: PlatformSecret) => Record<string, string> | undefined;
  readonly timeoutSeconds: number;
  /** Pause between attempts of an apply a webhook just started refuses (default 10 s). */
  readonly retryDelayMs?: number;
}

/**
 * An apply refused because a webhook that just became available does not answer yet (its CA not yet injected,
 * its endpoints not yet ready): worth a retry, unlike a refusal of the objects themselves.
 */
const WEBHOOK_NOT_READY = /failed calling webhook|no endpoints available for service|connection refused|x509: certificate signed by unknown authority|context deadline exceeded/i;
const APPLY_ATTEMPTS = 6;

/** Applies the given add-ons (all of the platform's when omitted). */
export async function installPlatform(kubectl: Kubectl, platform: Platform, log: DeployLog, options: InstallOptions, only?: readonly RenderedAddOn[]): Promise<void> {
  const addons = only ?? platform.addons;
  const namespaces = new Set(addons.flatMap((a) => a.addon.namespaces.map((n) => n.name)));
  const phases = platformPhases(platform, addons.map((a) => a.addon.id));
  for (const [index, { phase, title, objects, waits }] of phases.entries()) {
    if (index === 1) await ensureSecrets(kubectl, platform.secrets.filter((s) => namespaces.has(s.namespace) || s.namespace === 'kube-system'), options, log);
    await applyWithRetry(kubectl, phase, objects, options.retryDelayMs ?? 10_000);
    log.ok(`platform ${phase}: ${title} (${objects.length} objects)`);
    for (const wait of waits) {
      const result = await kubectl.run([...wait.args, `--timeout=${options.timeoutSeconds}s`], { timeoutMs: (options.timeoutSeconds + 30) * 1000 });
      if (result.code !== 0) throw new StopError(EXIT.timeout, `platform ${phase}: ${wait.what} not reached within ${options.timeoutSeconds} s: ${firstErrorLine(result.stderr)}`);
      log.ok(`${wait.what}`);
    }
  }
}

async function applyWithRetry(kubectl: Kubectl, phase: string, objects: KubeObject[], retryDelayMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await kubectl.run([...APPLY_ARGS, '--force-conflicts', '-f', '-'], { stdin: manifestOf(objects), timeoutMs: 300_000 });
    if (result.code === 0) return;
    if (attempt < APPLY_ATTEMPTS && WEBHOOK_NOT_READY.test(result.stderr)) {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      continue;
    }
    throw new StopError(EXIT.deployFailed, `kubectl apply of the platform failed in phase "${phase}": ${firstErrorLine(result.stderr)}`, 'Fix the cause and deploy again: the apply is idempotent.');
  }
}

async function ensureSecrets(kubectl: Kubectl, secrets: readonly PlatformSecret[], options: InstallOptions, log: DeployLog): Promise<void> {
  for (const secret of secrets) {
    const exists = await kubectl.run(['get', 'secret', secret.name, '-n', secret.namespace, '-o', 'name', '--ignore-not-found'], { timeoutMs: 30_000 });
    if (exists.code === 0 && exists.stdout.trim()) continue;
    const data = options.secretData(secret);
    if (data === undefined) {
      if (secret.source === 'provided') {
        log.warn(`Secret ${secret.namespace}/${secret.name} (${secret.purpose}) does not exist: create it (key ${secret.key}).`);
        continue;
      }
      throw new Error(`no value for generated secret ${secret.name}`);
    }
    // create from stdin, never on the command line (a process list would show it); never overwrite.
    const manifest = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: secret.name, namespace: secret.namespace, labels: { 'app.kubernetes.io/managed-by': 'stagekit' } }, stringData: data };
    const result = await kubectl.run(['create', '-f', '-'], { stdin: JSON.stringify(manifest), timeoutMs: 30_000 });
    if (result.code !== 0 && !/already exists/i.test(result.stderr)) throw new StopError(EXIT.deployFailed, `Could not create Secret ${secret.namespace}/${secret.name}: ${firstErrorLine(result.stderr)}`);
    log.ok(`created Secret ${secret.namespace}/${secret.name} (${secret.purpose})`);
  }
}

export interface EnsurePlatformOptions extends InstallOptions {
  readonly yes: boolean;
  readonly prompt: Prompter;
}

/**
 * `deploy --target k8s --install-platform`: lists the add-ons the cluster does not serve yet, asks (or
 * takes --yes), and installs only those. Add-ons found are left as they are.
 */
export async function ensurePlatform(kubectl: Kubectl, platform: Platform, log: DeployLog, options: EnsurePlatformOptions): Promise<RenderedAddOn[]> {
  const status = await platformStatus(kubectl, platform);
  const missing = status.filter((s) => !s.installed).map((s) => s.addon);
  const present = status.filter((s) => s.installed).map((s) => s.addon.addon);
  if (present.length) log.ok(`platform add-ons found: ${present.map((a) => `${a.id} (${a.detect.apiVersion} ${a.detect.kind})`).join(', ')}`);
  if (!missing.length) return [];
  log.info(`platform add-ons to install: ${missing.map((a) => `${a.addon.title} ${a.addon.version}`).join(', ')}`);
  await confirmOrStop(options.prompt, options.yes, `Install ${missing.length} platform add-on(s) into this cluster (${missing.map((a) => a.addon.id).join(', ')})?`, log);
  await installPlatform(kubectl, platform, log, options, missing);
  for (const warning of platform.warnings) log.warn(warning);
  return missing;
}
