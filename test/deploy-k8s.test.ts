/**
 * `deploy --target k8s` decisions, up to the kubectl boundary: a recorded cluster answers every
 * kubectl call (API discovery, the last deploy's record, server-side apply, status), a fake clock
 * drives the waits. Nothing reaches a cluster.
 */
import { computePlan } from '../core/plan';
import type { StageName } from '../core/ladder';
import { stageCostDelta } from '../deploy/cost-delta';
import { EXIT } from '../deploy/exit-codes';
import { deployK8s, K8sDeployDeps, K8sDeployRequest } from '../deploy/k8s/deploy-k8s';
import { KubeObject, objectKey, objectsByPhase } from '../deploy/k8s/objects';
import { KUBECTL_NOT_FOUND } from '../deploy/k8s/kubectl';
import { recordConfigMap } from '../deploy/k8s/record';
import { fail, FakeClock, ok, RecordedKubectl, RecordingLog, ScriptedPrompt, stopOf } from './support/fakes';
import { k8sObjects, stagePlan } from './support/stages';

const profile = stagePlan('single-server').profile;
const NS = profile.name;

/** `kubectl api-resources` as kubectl prints it: fixed-width columns under a header, SHORTNAMES often empty. */
function apiResourcesTable(kinds: { apiVersion: string; kind: string }[]): string {
  const rows = [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ...kinds.map((k) => [`${k.kind.toLowerCase()}s`, '', k.apiVersion, 'true', k.kind])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 3);
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('').trimEnd()).join('\n');
}

const BUILT_IN = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' },
];

/** Every kind the ladder uses, as a cluster with all operators installed serves them. */
function allKinds(): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const k of BUILT_IN) seen.set(`${k.apiVersion} ${k.kind}`, k);
  for (const stage of ['single-server', 'split-tier', 'read-replicas', 'sharded', 'queue-pipeline'] as StageName[]) {
    for (const o of k8sObjects(stage)) seen.set(`${o.apiVersion} ${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  }
  return [...seen.values()];
}

const READY_STATUS: Record<string, (o: KubeObject) => any> = {
  Deployment: (o) => ({ observedGeneration: 1, replicas: o.spec?.replicas ?? 1, updatedReplicas: o.spec?.replicas ?? 1, availableReplicas: o.spec?.replicas ?? 1 }),
  StatefulSet: (o) => ({ observedGeneration: 1, readyReplicas: o.spec?.replicas ?? 1, currentRevision: 'r1', updateRevision: 'r1' }),
  Cluster: () => ({ phase: 'Cluster in healthy state', conditions: [{ type: 'Ready', status: 'True' }] }),
  Kafka: () => ({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }),
  KafkaTopic: () => ({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }),
  ScaledObject: () => ({ conditions: [{ type: 'Ready', status: 'True' }] }),
  RedisReplication: () => ({ masterNode: 'cache-0' }),
};

/**
 * A recorded cluster: kubectl calls answered from an in-memory object store, so apply, get and the
 * readiness polls see each other's effects. `status` decides what a live object reports.
 */
class FakeCluster {
  readonly live = new Map<string, KubeObject>();
  readonly kubectl = new RecordedKubectl();
  private version = 100;
  status: (o: KubeObject) => any = (o) => READY_STATUS[o.kind]?.(o);

  constructor(served = allKinds()) {
    const items = (stdin?: string): KubeObject[] => JSON.parse(stdin ?? '{"items":[]}').items;
    const list = (objects: KubeObject[]) => ok(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    this.kubectl
      .on('version --client', ok('{"clientVersion":{"gitVersion":"v1.30.1"}}'))
      .on('config current-context', ok('kind-stagekit\n'))
      .on('version -o json', ok('{"clientVersion":{"gitVersion":"v1.30.1"},"serverVersion":{"major":"1","minor":"29","gitVersion":"v1.29.4"}}'))
      .on('api-resources', ok(apiResourcesTable(served)))
      .on(`get namespace ${NS}`, () => ok(this.live.has(`/Namespace//${NS}`) ? `namespace/${NS}\n` : ''))
      .on(`get configmap stagekit-deployment -n ${NS}`, () => {
        const record = this.live.get(`/ConfigMap/${NS}/stagekit-deployment`);
        return ok(record ? JSON.stringify(record) : '');
      })
      .on(`get secret postgres-credentials -n ${NS}`, () => ok(this.live.has(`/Secret/${NS}/postgres-credentials`) ? 'secret/postgres-credentials\n' : ''))
      .on('create -f -', ({ stdin }) => {
        this.store(JSON.parse(stdin!));
        return ok();
      })
      .on('apply --server-side --field-manager=stagekit --dry-run=server', ok())
      .on('apply --server-side --field-manager=stagekit -o json -f -', ({ stdin }) => list(items(stdin).map((o) => this.store(o))))
      .on('apply --server-side --field-manager=stagekit -f -', ({ stdin }) => {
        this.store(JSON.parse(stdin!));
        return ok();
      })
      .on('get -f - -o json --ignore-not-found', ({ stdin }) => list(items(stdin).flatMap((o) => this.live.get(objectKey(o)) ?? [])))
      .on('get -f - -o json', ({ stdin }) => list(items(stdin).map((o) => this.live.get(objectKey(o))!).map((o) => ({ ...o, status: this.status(o) }))));
  }

  /** Stores an object; its resourceVersion changes only when its content does (as server-side apply behaves). */
  store(o: KubeObject): KubeObject {
    const key = objectKey(o);
    const previous = this.live.get(key);
    const { resourceVersion: _rv, ...meta } = (previous?.metadata ?? {}) as any;
    const same = previous && JSON.stringify({ ...previous, metadata: meta }) === JSON.stringify(o);
    const stored = same ? previous! : { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.version) } };
    this.live.set(key, stored);
    return stored;
  }

  /** The cluster as a previous deploy of `stage` left it (objects and stagekit's record). */
  deployed(stage: StageName, objects = k8sObjects(stage)): this {
    for (const o of objects) this.store(o);
    this.store(recordConfigMap(NS, { stage, profile: 'profiles/growing-product.yaml', deployedAt: '2030-01-01T00:00:00.000Z', objects }));
    return this;
  }

  applies(): string[] {
    return this.kubectl.calls.filter((c) => c.args.join(' ').startsWith('apply --server-side --field-manager=stagekit -o json')).map((c) => JSON.parse(c.stdin!).items.map((o: KubeObject) => o.kind).join(','));
  }
}

function request(stage: StageName, over: Partial<K8sDeployRequest> = {}): K8sDeployRequest {
  return { plan: computePlan(profile, stage), renderObjects: () => k8sObjects(stage), profileFile: 'profiles/growing-product.yaml', allowDataLoss: false, yes: true, timeoutMs: 10 * 60_000, ...over };
}

function deps(cluster: FakeCluster, over: Partial<K8sDeployDeps> = {}): K8sDeployDeps & { log: RecordingLog; clock: FakeClock } {
  return {
    kubectl: cluster.kubectl,
    prompt: new ScriptedPrompt(false),
    clock: new FakeClock(),
    log: new RecordingLog(),
    cost: stageCostDelta,
    password: () => 'generated-password',
    planOf: (s) => computePlan(profile, s),
    ...over,
  } as K8sDeployDeps & { log: RecordingLog; clock: FakeClock };
}

describe('preflight fails fast, saying what is missing and how to fix it', () => {
  test('kubectl not installed: exit 5, before anything is rendered', async () => {
    const kubectl = new RecordedKubectl().on('version --client', fail('kubectl: command not found', KUBECTL_NOT_FOUND));
    let rendered = false;
    const stop = await stopOf(deployK8s(request('single-server', { renderObjects: () => ((rendered = true), []) }), deps(new FakeCluster(), { kubectl })));
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message).toMatch(/kubectl is not installed/);
    expect(stop.hint).toMatch(/kubernetes\.io\/docs\/tasks\/tools/);
    expect(rendered).toBe(false);
  });

  test('no context selected', async () => {
    const kubectl = new RecordedKubectl().on('version --client', ok('{}')).on('config current-context', fail('error: current-context is not set'));
    const stop = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl })));
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message).toBe('No Kubernetes context is selected (kubectl: current-context is not set).');
    expect(stop.hint).toMatch(/KUBECONFIG.*use-context.*--context/);
  });

  test('cluster unreachable, or credentials rejected', async () => {
    const base = () => new RecordedKubectl().on('version --client', ok('{}')).on('config current-context', ok('prod\n'));
    const refused = base().on('version -o json', fail('The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?'));
    const stop = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl: refused })));
    expect([stop.exitCode, stop.message]).toEqual([EXIT.preflight, 'The cluster of context prod is not reachable: The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?']);
    const unauthorized = base().on('version -o json', fail('error: You must be logged in to the server (Unauthorized)'));
    const denied = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl: unauthorized })));
    expect(denied.message).toMatch(/rejects the credentials/);
    expect(denied.hint).toMatch(/update-kubeconfig/);
  });

  test('missing operators are derived from the manifest and named with the version to install', async () => {
    const cluster = new FakeCluster(BUILT_IN); // no operator installed
    const stop = await stopOf(deployK8s(request('queue-pipeline'), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.preflight);
    const needed = new Set(k8sObjects('queue-pipeline').map((o) => o.apiVersion).filter((v) => v.includes('.') && !v.includes('k8s.io')));
    for (const apiVersion of needed) expect(stop.message).toContain(apiVersion);
    expect(stop.message).toMatch(/CloudNativePG 1\.30\.0: the cluster does not serve postgresql\.cnpg\.io\/v1 Cluster/);
    expect(stop.message).toMatch(/releases\/cnpg-1\.30\.0\.yaml/);
    expect(cluster.applies()).toEqual([]);
  });

  test('an operator too old to serve the version the stage renders is told to upgrade', async () => {
    const old = allKinds().map((k) => (k.apiVersion === 'kafka.strimzi.io/v1' ? { ...k, apiVersion: 'kafka.strimzi.io/v1beta2' } : k));
    const stop = await stopOf(deployK8s(request('queue-pipeline'), deps(new FakeCluster(old))));
    expect(stop.message).toMatch(/Strimzi 0\.51\.0: the cluster does not serve kafka\.strimzi\.io\/v1 Kafka \(the cluster serves only kafka\.strimzi\.io\/v1beta2\)/);
    expect(stop.message).toMatch(/To upgrade/);
  });
});

test('first deploy of single-server: phases in dependency order, the password secret once, a record, readiness, a report', async () => {
  const cluster = new FakeCluster();
  const d = deps(cluster);
  const result = await deployK8s(request('single-server'), d);
  const phases = objectsByPhase(k8sObjects('single-server'));
  expect(cluster.applies()).toEqual(phases.map((p) => p.objects.map((o) => o.kind).join(',')));
  expect(result.phases).toEqual(phases.map((p) => p.phase));
  // The secret is created after the namespace exists and before anything that mounts it.
  const lines = cluster.kubectl.lines;
  const createAt = lines.indexOf('create -f -');
  expect(createAt).toBeGreaterThan(lines.findIndex((l) => l.startsWith('apply --server-side --field-manager=stagekit -o json')));
  expect(createAt).toBeLessThan(lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('apply --server-side --field-manager=stagekit -o json'))[1][1]);
  expect(cluster.live.get(`/Secret/${NS}/postgres-credentials`)?.stringData).toEqual({ password: 'generated-password' });
  // No dry run on a first deploy: the namespace did not exist.
  expect(lines.some((l) => l.includes('--dry-run=server'))).toBe(false);
  expect(cluster.live.get(`/ConfigMap/${NS}/stagekit-deployment`)?.metadata.annotations['stagekit.dev/stage']).toBe('single-server');
  expect(result.created).toHaveLength(k8sObjects('single-server').length);
  expect(d.log.text).toMatch(/workloads ready/);
  // Every kubectl apply used server-side apply with stagekit as the field manager.
  expect(lines.filter((l) => l.startsWith('apply')).every((l) => l.startsWith('apply --server-side --field-manager=stagekit'))).toBe(true);
});

test('deploying the same stage again: no question, everything unchanged, the password kept', async () => {
  const cluster = new FakeCluster().deployed('single-server');
  cluster.store({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgres-credentials', namespace: NS }, stringData: { password: 'original' } });
  const result = await deployK8s(request('single-server', { yes: false }), deps(cluster));
  expect(result.created).toEqual([]);
  expect(result.updated).toEqual([]);
  expect(cluster.kubectl.lines).not.toContain('create -f -');
  expect(cluster.live.get(`/Secret/${NS}/postgres-credentials`)?.stringData).toEqual({ password: 'original' });
});

test('climbing to split-tier: asks, applies, waits for the CloudNativePG cluster before the workloads, leaves the old StatefulSets in place', async () => {
  const cluster = new FakeCluster().deployed('single-server');
  const prompt = new ScriptedPrompt(true, [true]);
  const d = deps(cluster, { prompt });
  const result = await deployK8s(request('split-tier', { yes: false }), d);
  expect(prompt.questions[0]).toMatch(/Deploy split-tier .* to namespace growing-shop, with the runbook\u2019s "before" steps done\?/);
  expect(d.log.text).toMatch(/Runbook single-server \u2192 split-tier/);
  // The recorded cluster has no Barman Cloud plugin: the deploy goes on, and says backups are not running.
  expect(d.log.text).toMatch(/WARN The Barman Cloud plugin \(barmancloud\.cnpg\.io\/v1 ObjectStore\) is not installed; clusters postgres archive through it/);
  expect(result.leftInPlace).toEqual(expect.arrayContaining([`StatefulSet ${NS}/postgres`, `StatefulSet ${NS}/redis`]));
  expect(result.updated).toContain(`Deployment ${NS}/web`);
  const log = d.log.lines;
  expect(log.findIndex((l) => l.startsWith('DONE data services ready'))).toBeLessThan(log.findIndex((l) => l.startsWith('OK services:')));
  // The dry run ran first, since the namespace existed.
  expect(cluster.kubectl.lines.findIndex((l) => l.includes('--dry-run=server'))).toBeLessThan(cluster.kubectl.lines.findIndex((l) => l.startsWith('apply --server-side --field-manager=stagekit -o json')));
});

test('--until data: only the phases up to data, no record (the next deploy still compares with single-server)', async () => {
  const cluster = new FakeCluster().deployed('single-server');
  const result = await deployK8s(request('split-tier', { until: 'data' }), deps(cluster));
  expect(result.phases).toEqual(['namespace', 'config', 'data']);
  expect(cluster.live.get(`/ConfigMap/${NS}/stagekit-deployment`)?.metadata.annotations['stagekit.dev/stage']).toBe('single-server');
});

describe('refusals: nothing is applied', () => {
  test('moving down deletes data (the CloudNativePG cluster): exit 3 unless --allow-data-loss', async () => {
    const cluster = new FakeCluster().deployed('split-tier');
    const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stop.message).toMatch(/would lose data/);
    expect(cluster.applies()).toEqual([]);

    const allowed = new FakeCluster().deployed('split-tier');
    const d = deps(allowed);
    await deployK8s(request('single-server', { allowDataLoss: true }), d);
    expect(d.log.text).toMatch(/--allow-data-loss: proceeding/);
    expect(allowed.applies().length).toBeGreaterThan(0);
  });

  test('an immutable field change is refused even with --allow-data-loss, with the fix', async () => {
    const previous = k8sObjects('single-server').map((o) =>
      o.kind === 'StatefulSet' && o.metadata.name === 'postgres' ? { ...o, spec: { ...o.spec, volumeClaimTemplates: [{ ...o.spec.volumeClaimTemplates[0], spec: { ...o.spec.volumeClaimTemplates[0].spec, storageClassName: 'slow' } }] } } : o,
    );
    const cluster = new FakeCluster().deployed('single-server', previous);
    const stop = await stopOf(deployK8s(request('single-server', { allowDataLoss: true }), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stop.message).toMatch(/would reject 1 change/);
    expect(stop.hint).toMatch(/--cascade=orphan/);
  });

  test('the API server rejecting the dry run is a rejected change (exit 3)', async () => {
    const cluster = new FakeCluster().deployed('single-server');
    cluster.kubectl.override('apply --server-side --field-manager=stagekit --dry-run=server', fail('The StatefulSet "redis" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\' are forbidden'));
    const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stop.hint).toMatch(/StatefulSet redis/);
  });

  test('no terminal and no --yes: exit 4', async () => {
    const cluster = new FakeCluster();
    const stop = await stopOf(deployK8s(request('single-server', { yes: false }), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.notConfirmed);
    expect(stop.hint).toMatch(/--yes/);
    expect(cluster.applies()).toEqual([]);
  });

  test('answering no: exit 4', async () => {
    const cluster = new FakeCluster();
    const stop = await stopOf(deployK8s(request('single-server', { yes: false }), deps(cluster, { prompt: new ScriptedPrompt(true, [false]) })));
    expect([stop.exitCode, stop.message]).toEqual([EXIT.notConfirmed, 'Not confirmed. Nothing was changed.']);
  });
});

test('a cluster that never gets Ready: exit 7 after --timeout, naming it and hinting at the operator', async () => {
  const cluster = new FakeCluster().deployed('single-server');
  cluster.status = (o) => (o.kind === 'Cluster' ? undefined : READY_STATUS[o.kind]?.(o));
  const d = deps(cluster);
  const stop = await stopOf(deployK8s(request('split-tier', { timeoutMs: 5 * 60_000 }), d));
  expect(stop.exitCode).toBe(EXIT.timeout);
  expect(stop.message).toMatch(/not ready after 5 min:\n {2}Cluster growing-shop\/postgres: no status yet \(is the CloudNativePG operator running/);
  expect(d.clock.time - Date.UTC(2030, 0, 1)).toBe(5 * 60_000);
  // It stopped at the data services: the workloads were not applied against a database that is not there.
  expect(cluster.applies().some((kinds) => kinds.includes('Deployment'))).toBe(false);
});

test('a rollout past its progress deadline fails at once (exit 6)', async () => {
  const cluster = new FakeCluster();
  cluster.status = (o) => (o.kind === 'Deployment' ? { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5d9" has timed out progressing.' }] } : READY_STATUS[o.kind]?.(o));
  const d = deps(cluster);
  const stop = await stopOf(deployK8s(request('single-server'), d));
  expect(stop.exitCode).toBe(EXIT.deployFailed);
  expect(stop.message).toMatch(/Deployment growing-shop\/web: rollout exceeded its progress deadline/);
  expect(d.clock.time).toBe(Date.UTC(2030, 0, 1));
});

test('kubectl apply failing in a phase: exit 6, saying which phases were applied', async () => {
  const cluster = new FakeCluster();
  let phase = 0;
  cluster.kubectl.override('apply --server-side --field-manager=stagekit -o json', ({ stdin }) => (++phase === 3 ? fail('Error from server (Conflict): Apply failed with 1 conflict: conflict with "helm" using apps/v1: .spec.replicas') : ok(stdin)));
  const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
  expect(stop.exitCode).toBe(EXIT.deployFailed);
  expect(stop.message).toMatch(/kubectl apply failed in phase "services".*\nAlready applied: namespace, config\./s);
  expect(stop.hint).toMatch(/--force-conflicts/);
});
