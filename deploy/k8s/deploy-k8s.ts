/**
 * `stagekit deploy --target k8s`: checks the cluster, compares with what stagekit deployed last,
 * asks, applies phase by phase with server-side apply, waits for readiness and reports what
 * changed. Every cluster interaction goes through the Kubectl boundary.
 */
import type { Plan } from '../../core/plan';
import type { StageName } from '../../core/ladder';
import { transitionRunbook, runbookContext } from '../runbooks';
import { CostEstimator } from '../cost-delta';
import { EXIT, StopError } from '../exit-codes';
import { Clock, confirmOrStop, DeployLog, formatDuration, Prompter } from '../io';
import { costText, risksText, runbookText } from '../report';
import { sortRisks, StatefulRisk } from '../risk';
import { compareObjects, KubernetesChanges } from './changes';
import { describeMissingApis, missingApis, parseApiResources, requiredApis, ServedResource } from './discovery';
import { firstErrorLine, Kubectl, KUBECTL_NOT_FOUND } from './kubectl';
import { APPLY_PHASE_TITLES, APPLY_PHASES, ApplyPhase, describeObject, KubeObject, objectKey, objectsByPhase } from './objects';
import { parseObjectList, waitForReady } from './readiness';
import { DeploymentRecord, parseRecord, RECORD_NAME, recordConfigMap } from './record';
import { generatedSecretManifest, secretsToGenerate } from './secrets';
import type { DeployedStateHooks } from '../aws/deploy-aws';
import { sizesFromObjects } from '../floor-sources';

export const FIELD_MANAGER = 'stagekit';
export const APPLY_ARGS = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`] as const;

export interface K8sDeployRequest {
  readonly plan: Plan;
  /**
   * Renders the stage; called after the cluster checks, so a missing cluster fails before any rendering work.
   * `plan` is the request's plan, or that plan again with what the namespace runs as a floor.
   */
  readonly renderObjects: (plan: Plan) => KubeObject[];
  readonly profileFile: string;
  readonly allowDataLoss: boolean;
  readonly yes: boolean;
  /** Apply phases up to and including this one (e.g. `data`, to create a database before switching the app). */
  readonly until?: ApplyPhase;
  readonly timeoutMs: number;
  /** --context, when given; otherwise kubectl's current context. */
  readonly context?: string;
  /**
   * Runs after the cluster check and before the API check: `--install-platform` installs the platform
   * add-ons the cluster lacks there (deploy/self-hosted/platform-install.ts ensurePlatform).
   */
  readonly prepareCluster?: (kubectl: Kubectl, log: DeployLog) => Promise<void>;
}

export interface K8sDeployDeps {
  readonly kubectl: Kubectl;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly log: DeployLog;
  readonly cost: CostEstimator;
  readonly password: () => string;
  /** The plan of another stage for the same profile (the deployed stage, for the runbook and cost). */
  readonly planOf: (stage: StageName) => Plan;
  /** Deployed sizes as a floor (from the deploy record), and where to record a deploy (stagekit.lock.json). */
  readonly deployedState?: DeployedStateHooks;
}

export interface K8sDeployResult {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: number;
  /** Objects of the previous deploy that are no longer rendered: left running (no prune). */
  readonly leftInPlace: string[];
  readonly phases: ApplyPhase[];
}

export interface ClusterInfo {
  readonly context: string;
  readonly serverVersion: string;
}

/** kubectl present, a context selected, the API server answering: each failure says what to do. */
export async function checkCluster(kubectl: Kubectl, context: string | undefined, log: DeployLog): Promise<ClusterInfo> {
  const client = await kubectl.run(['version', '--client', '-o', 'json'], { timeoutMs: 10_000 });
  if (client.code === KUBECTL_NOT_FOUND) {
    throw new StopError(
      EXIT.preflight,
      'kubectl is not installed (not found on PATH). stagekit deploys to Kubernetes through kubectl.',
      'Install kubectl 1.27 or later (https://kubernetes.io/docs/tasks/tools/), or use --dry-run to see the actions without a cluster.',
    );
  }
  let name = context;
  if (!name) {
    const current = await kubectl.run(['config', 'current-context'], { timeoutMs: 10_000 });
    if (current.code !== 0) {
      throw new StopError(
        EXIT.preflight,
        `No Kubernetes context is selected (kubectl: ${firstErrorLine(current.stderr)}).`,
        'Point KUBECONFIG at your cluster\u2019s kubeconfig and run `kubectl config use-context NAME`, or pass --context NAME.',
      );
    }
    name = current.stdout.trim();
  }
  const version = await kubectl.run(['version', '-o', 'json', '--request-timeout=5s'], { timeoutMs: 15_000 });
  const server = safeJson(version.stdout)?.serverVersion;
  if (version.code !== 0 || !server) {
    const reason = firstErrorLine(version.stderr);
    const auth = /unauthorized|must be logged in|forbidden|401|403/i.test(version.stderr);
    throw new StopError(
      EXIT.preflight,
      auth ? `The cluster of context ${name} rejects the credentials: ${reason}` : `The cluster of context ${name} is not reachable: ${reason}`,
      auth
        ? 'Refresh the credentials in your kubeconfig (e.g. `aws eks update-kubeconfig`, `gcloud container clusters get-credentials`, or your OIDC login).'
        : 'Check that the API server address in the kubeconfig is right and reachable from here (VPN, firewall): `kubectl cluster-info`.',
    );
  }
  const serverVersion = String(server.gitVersion ?? `v${server.major}.${server.minor}`);
  log.ok(`cluster: context ${name}, Kubernetes ${serverVersion}`);
  const minor = Number(String(server.minor ?? '').replace(/\D/g, ''));
  if (Number(server.major) === 1 && minor > 0 && minor < 27) log.warn(`Kubernetes ${serverVersion} is older than 1.27, the version stagekit renders and validates for.`);
  return { context: name, serverVersion };
}

/** Every apiVersion/kind in the manifest must be served; a missing one names the operator and version to install. */
export async function checkApis(kubectl: Kubectl, objects: readonly KubeObject[], log: DeployLog): Promise<ServedResource[]> {
  const result = await kubectl.run(['api-resources'], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new StopError(EXIT.preflight, `Cannot list the cluster\u2019s APIs (kubectl api-resources): ${firstErrorLine(result.stderr)}`);
  const required = requiredApis(objects);
  const served = parseApiResources(result.stdout);
  const missing = missingApis(required, served);
  if (missing.length > 0) {
    throw new StopError(
      EXIT.preflight,
      `The cluster lacks ${missing.length} API(s) this stage uses:\n${describeMissingApis(missing)}`,
      'Install the operators (versions are the ones stagekit\u2019s CRDs were vendored from), or re-run with --install-platform: stagekit installs the platform add-ons the cluster lacks (pinned, vendored manifests; docs/self-hosted.md), after asking.',
    );
  }
  const custom = [...new Set(required.filter((r) => r.apiVersion.includes('.')).map((r) => r.apiVersion))];
  log.ok(`APIs: all ${required.length} kinds served${custom.length ? ` (operators: ${custom.join(', ')})` : ''}`);
  return served;
}

/**
 * CloudNativePG clusters archive WAL and back up to an ObjectStore the user provides (Barman Cloud
 * plugin). Not having it does not stop a deploy (a first deploy cannot find it in a namespace that
 * does not exist yet), but the clusters run without backups until it exists: say so up front.
 */
async function checkBackupTargets(kubectl: Kubectl, objects: readonly KubeObject[], served: readonly ServedResource[], namespaceExists: boolean, log: DeployLog): Promise<void> {
  const stores = new Map<string, string[]>();
  for (const kubeObject of objects) {
    if (kubeObject.kind !== 'Cluster' || !kubeObject.apiVersion.startsWith('postgresql.cnpg.io/')) continue;
    for (const plugin of kubeObject.spec?.plugins ?? []) {
      const store = plugin?.parameters?.barmanObjectName;
      if (typeof store === 'string') stores.set(store, [...(stores.get(store) ?? []), kubeObject.metadata.name]);
    }
  }
  if (stores.size === 0) return;
  const hint = 'Install the Barman Cloud plugin and create the ObjectStore (docs/kubernetes.md, "Backups"); until then the clusters run without WAL archiving or backups.';
  if (!served.some((r) => r.apiVersion === 'barmancloud.cnpg.io/v1' && r.kind === 'ObjectStore')) {
    log.warn(`The Barman Cloud plugin (barmancloud.cnpg.io/v1 ObjectStore) is not installed; clusters ${[...stores.values()].flat().join(', ')} archive through it. ${hint}`);
    return;
  }
  for (const [store, clusters] of stores) {
    const found = namespaceExists && (await get(kubectl, ['get', 'objectstore.barmancloud.cnpg.io', store, '-n', objects[0]?.metadata.namespace ?? '', '-o', 'name', '--ignore-not-found'])).trim() !== '';
    if (!found) log.warn(`ObjectStore ${store} does not exist yet; clusters ${clusters.join(', ')} archive to it. ${hint}`);
  }
}

export async function deployK8s(request: K8sDeployRequest, deps: K8sDeployDeps): Promise<K8sDeployResult> {
  const { kubectl, log, clock } = deps;
  let { plan } = request;
  const namespace = plan.product;
  const deadline = clock.now() + request.timeoutMs;

  log.section('Preflight');
  await checkCluster(kubectl, request.context, log);
  if (request.prepareCluster) await request.prepareCluster(kubectl, log);
  const namespaceExists = (await get(kubectl, ['get', 'namespace', namespace, '-o', 'name', '--ignore-not-found'])).trim() !== '';
  const record = namespaceExists ? parseRecord(safeJson(await get(kubectl, ['get', 'configmap', RECORD_NAME, '-n', namespace, '-o', 'json', '--ignore-not-found']))) : undefined;
  if (record && deps.deployedState) {
    // What the namespace runs is the floor: claims never shrink, templates stay, growth goes through PVC expansion.
    const floored = deps.deployedState.replan(sizesFromObjects(record.objects, plan.product, record.stage));
    for (const line of floored.reasoning.filter((r) => r.startsWith('floor:') && !plan.reasoning.includes(r))) log.info(line);
    for (const line of floored.warnings.filter((w) => !plan.warnings.includes(w))) log.warn(line);
    plan = floored;
  }
  const objects = request.renderObjects(plan);
  const served = await checkApis(kubectl, objects, log);

  const phases = objectsByPhase(objects).filter((p) => !request.until || APPLY_PHASES.indexOf(p.phase) <= APPLY_PHASES.indexOf(request.until));
  const toApply = phases.flatMap((p) => p.objects);

  log.section('Safety');
  let changes: KubernetesChanges | undefined;
  const risks: StatefulRisk[] = [];
  if (record) {
    changes = compareObjects(record.objects, objects);
    risks.push(...changes.risks);
    log.info(`deployed: ${record.stage} (profile ${record.profile}, ${record.deployedAt}); deploying ${plan.stage}`);
    log.info(`changes: +${changes.added.length} added, ~${changes.changed.length} changed, -${changes.removed.length} no longer rendered (left in place: stagekit does not prune)`);
  } else if (namespaceExists) {
    log.warn(`namespace ${namespace} exists but has no ${RECORD_NAME} record: what is deployed cannot be compared; the server-side dry run below still catches rejected changes.`);
  } else {
    log.info(`namespace ${namespace} does not exist yet: a first deploy`);
  }
  await checkBackupTargets(kubectl, objects, served, namespaceExists, log);
  if (namespaceExists) risks.push(...(await serverDryRun(kubectl, toApply)));
  const sorted = sortRisks(risks);
  if (sorted.length > 0) log.block(risksText(sorted));
  const rejected = sorted.filter((r) => r.severity === 'rejected');
  const dataLoss = sorted.filter((r) => r.severity === 'data-loss');
  if (rejected.length > 0) {
    throw new StopError(EXIT.risky, `Refused: the API server would reject ${rejected.length} change(s) (immutable fields). Nothing was changed.`, rejected.map((r) => `${r.resource}: ${r.fix ?? r.reason}`).join('\n'));
  }
  if (dataLoss.length > 0 && !request.allowDataLoss) {
    throw new StopError(EXIT.risky, `Refused: ${dataLoss.length} stateful object(s) would lose data. Nothing was changed.`, 'Follow the runbook (stagekit plan FROM TO) to move the data first; then re-run with --allow-data-loss if the loss is intended.');
  }
  if (dataLoss.length > 0) log.warn(`--allow-data-loss: proceeding although ${dataLoss.length} stateful object(s) would lose data.`);

  const fromStage = record?.stage ?? plan.stage;
  const cost = deps.cost({ target: 'k8s', fromPlan: deps.planOf(fromStage), toPlan: plan, fromObjects: record?.objects, toObjects: objects });
  log.block(costText(cost, record ? record.stage : 'nothing deployed', plan.stage));
  const runbook = record && record.stage !== plan.stage ? transitionRunbook(record.stage, plan.stage, 'k8s', runbookContext(plan.profile, { profileFile: request.profileFile, k8sObjects: { [record.stage]: record.objects, [plan.stage]: objects } })) : undefined;
  if (runbook) log.block(runbookText(runbook, ['before']));

  const upToDate = record?.stage === plan.stage && changes && changes.added.length + changes.changed.length === 0 && !request.until;
  if (upToDate) {
    log.info('No changes since the last deploy; applying again to correct any drift (no confirmation needed).');
  } else {
    const what = `${request.until ? `phases up to "${request.until}" of ` : ''}${plan.stage} (${toApply.length} objects) to namespace ${namespace}`;
    await confirmOrStop(deps.prompt, request.yes, `Deploy ${what}${runbook ? ', with the runbook\u2019s "before" steps done' : ''}?`, log);
  }

  log.section('Apply');
  const before = liveVersions(parseObjectList(await get(kubectl, ['get', '-f', '-', '-o', 'json', '--ignore-not-found'], manifestOf(toApply))));
  const created: string[] = [];
  const updated: string[] = [];
  let unchanged = 0;
  const appliedPhases: ApplyPhase[] = [];
  let secretsEnsured = false;
  for (const { phase, objects: phaseObjects } of phases) {
    // Generated secrets go in right after the namespace exists, before anything that mounts them.
    if (phase !== 'namespace' && !secretsEnsured) {
      await ensureGeneratedSecrets(kubectl, namespace, objects, deps, log);
      secretsEnsured = true;
    }
    const result = await kubectl.run([...APPLY_ARGS, '-o', 'json', '-f', '-'], { stdin: manifestOf(phaseObjects), timeoutMs: 120_000 });
    if (result.code !== 0) {
      const conflict = /conflict/i.test(result.stderr);
      throw new StopError(
        EXIT.deployFailed,
        `kubectl apply failed in phase "${phase}": ${firstErrorLine(result.stderr)}${appliedPhases.length ? `\nAlready applied: ${appliedPhases.join(', ')}.` : '\nNothing was changed.'}`,
        conflict
          ? 'Another field manager (kubectl edit, Helm, an autoscaler) owns some of these fields: hand them over with `kubectl apply --server-side --field-manager=stagekit --force-conflicts -f <manifest>` once you have checked, or undo the other change.'
          : 'Fix the cause and deploy again: server-side apply is idempotent, applied phases are not redone in a harmful way.',
      );
    }
    for (const live of parseObjectList(result.stdout)) {
      const previous = before.get(objectKey(live));
      if (previous === undefined) created.push(describeObject(live));
      else if (previous !== live.metadata?.resourceVersion) updated.push(describeObject(live));
      else unchanged++;
    }
    appliedPhases.push(phase);
    log.ok(`${phase}: ${APPLY_PHASE_TITLES[phase]} (${phaseObjects.length})`);
    if (phase === 'data') await waitPhase(kubectl, phaseObjects, clock, deadline, log, 'data services');
  }

  if (!request.until) {
    const recorded: DeploymentRecord = { stage: plan.stage, profile: request.profileFile, deployedAt: new Date(clock.now()).toISOString(), objects };
    const save = await kubectl.run([...APPLY_ARGS, '-f', '-'], { stdin: JSON.stringify(recordConfigMap(namespace, recorded)), timeoutMs: 60_000 });
    if (save.code !== 0) log.warn(`could not record the deploy in ConfigMap ${RECORD_NAME}: ${firstErrorLine(save.stderr)}; the next deploy cannot compare with it.`);
    if (deps.deployedState) {
      deps.deployedState.record(sizesFromObjects(objects, plan.product, plan.stage), plan);
      log.ok('recorded the deployed sizes (stagekit.lock.json): later plans never go below them');
    }
  }

  log.section('Readiness');
  await waitPhase(kubectl, toApply.filter((o) => !phases.find((p) => p.phase === 'data')?.objects.includes(o)), clock, deadline, log, 'workloads');

  const leftInPlace = changes?.removed.map(describeObject) ?? [];
  log.section('Result');
  log.ok(`${created.length} created, ${updated.length} updated, ${unchanged} unchanged`);
  for (const createdObject of created) log.info(`  + ${createdObject}`);
  for (const updatedObject of updated) log.info(`  ~ ${updatedObject}`);
  if (leftInPlace.length > 0) {
    log.warn(`${leftInPlace.length} object(s) of ${record?.stage} are no longer rendered and were left in place (stagekit does not prune):`);
    for (const leftObject of leftInPlace) log.info(`  - ${leftObject}`);
    log.info('Delete them once the runbook says the data has moved.');
  }
  if (request.until) log.info(`Stopped after phase "${request.until}" as asked; deploy again without --until to apply the rest.`);
  if (runbook && !request.until) log.block(runbookText(runbook, ['after']));
  return { created, updated, unchanged, leftInPlace, phases: appliedPhases };
}

async function waitPhase(kubectl: Kubectl, objects: readonly KubeObject[], clock: Clock, deadline: number, log: DeployLog, what: string): Promise<void> {
  const started = clock.now();
  await waitForReady(kubectl, objects, clock, {
    timeoutMs: Math.max(0, deadline - clock.now()),
    onProgress: (ready, total, waiting) => log.progress(`waiting for ${what}: ${ready}/${total} ready${waiting.length ? ` \u2014 ${waiting.slice(0, 3).join('; ')}` : ''}`),
  });
  log.progressDone(`${what} ready (${formatDuration(clock.now() - started)})`);
}

/** A server-side dry run of the whole apply: the API server and admission webhooks judge every change. */
async function serverDryRun(kubectl: Kubectl, objects: readonly KubeObject[]): Promise<StatefulRisk[]> {
  const result = await kubectl.run([...APPLY_ARGS, '--dry-run=server', '-f', '-'], { stdin: manifestOf(objects), timeoutMs: 120_000 });
  if (result.code === 0) return [];
  const lines = result.stderr.split('\n').filter((l) => /immutable|forbidden|invalid/i.test(l));
  if (lines.length === 0) {
    throw new StopError(EXIT.deployFailed, `The API server refuses the manifest in a dry run (nothing was changed): ${firstErrorLine(result.stderr)}`, 'The same error would stop the real apply; fix it first.');
  }
  return lines.map((line) => ({
    target: 'k8s' as const,
    resource: /The (\w+) "([^"]+)" is invalid/.exec(line)?.slice(1).join(' ') ?? 'object',
    resourceType: 'live object',
    severity: 'rejected' as const,
    change: 'rejected by the API server (dry run)',
    reason: line.replace(/^Error from server \(\w+\): /, '').trim(),
  }));
}

async function ensureGeneratedSecrets(kubectl: Kubectl, namespace: string, objects: readonly KubeObject[], deps: K8sDeployDeps, log: DeployLog): Promise<void> {
  for (const secret of secretsToGenerate(objects)) {
    const exists = (await get(kubectl, ['get', 'secret', secret.name, '-n', namespace, '-o', 'name', '--ignore-not-found'])).trim() !== '';
    if (exists) continue;
    // create, not apply: if someone created it meanwhile, keep theirs rather than overwrite a password.
    const result = await kubectl.run(['create', '-f', '-'], { stdin: JSON.stringify(generatedSecretManifest(namespace, secret, deps.password())), timeoutMs: 30_000 });
    if (result.code !== 0 && !/already exists/i.test(result.stderr)) throw new StopError(EXIT.deployFailed, `Could not create Secret ${namespace}/${secret.name}: ${firstErrorLine(result.stderr)}`);
    log.ok(`created Secret ${namespace}/${secret.name} (${secret.purpose}, random)`);
  }
}

async function get(kubectl: Kubectl, args: string[], stdin?: string): Promise<string> {
  const result = await kubectl.run(args, { stdin, timeoutMs: 30_000 });
  if (result.code !== 0) throw new StopError(EXIT.deployFailed, `kubectl ${args.slice(0, 3).join(' ')} failed: ${firstErrorLine(result.stderr)}`);
  return result.stdout;
}

function liveVersions(objects: readonly KubeObject[]): Map<string, string> {
  return new Map(objects.map((o) => [objectKey(o), String(o.metadata?.resourceVersion ?? '')]));
}

export function manifestOf(objects: readonly KubeObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

function safeJson(text: string): any {
  try {
    return text.trim() ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

