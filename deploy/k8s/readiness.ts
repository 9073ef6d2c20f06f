/**
 * When an applied object is ready, read from its live status the way its controller reports it:
 * rollouts for workloads, the Ready condition for operators that publish one (CloudNativePG
 * Cluster, Strimzi Kafka and KafkaTopic, KEDA ScaledObject), the elected master for a Redis
 * replication. Objects with no readiness signal (config, services, monitors) are not waited for.
 */
import { EXIT, StopError } from '../exit-codes';
import { Clock, formatDuration } from '../io';
import { apiGroup, describeObject, KubeObject } from './objects';
import { firstErrorLine, Kubectl } from './kubectl';

export interface Readiness {
  readonly ready: boolean;
  /** What the object reports now, in a few words. */
  readonly detail: string;
  /** Set when the object will not get ready by waiting (a rollout past its deadline, a failed reconcile). */
  readonly failed?: string;
}

type Rule = (live: any) => Readiness;

const conditionReady =
  (operatorHint: string): Rule =>
  (live) => {
    const status = live.status ?? {};
    const ready = (status.conditions ?? []).find((c: any) => c.type === 'Ready');
    const generationSeen = status.observedGeneration === undefined || status.observedGeneration >= (live.metadata?.generation ?? 0);
    if (ready?.status === 'True' && generationSeen) return { ready: true, detail: 'Ready' };
    if (!live.status) return { ready: false, detail: `no status yet (is the ${operatorHint} operator running and watching this namespace?)` };
    const phase = status.phase ? `${status.phase}` : ready ? `${ready.reason ?? 'not ready'}${ready.message ? `: ${ready.message}` : ''}` : 'waiting for a Ready condition';
    return { ready: false, detail: phase };
  };

const RULES: Record<string, Rule> = {
  'apps/Deployment': (live) => {
    const want = live.spec?.replicas ?? 1;
    const status = live.status ?? {};
    const stuck = (status.conditions ?? []).find((c: any) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (stuck) return { ready: false, detail: 'rollout stalled', failed: `rollout exceeded its progress deadline: ${stuck.message ?? ''}`.trim() };
    const current = (status.observedGeneration ?? 0) >= (live.metadata?.generation ?? 0);
    const ready = current && (status.updatedReplicas ?? 0) >= want && (status.availableReplicas ?? 0) >= want && (status.replicas ?? 0) <= want;
    return { ready, detail: `${status.availableReplicas ?? 0}/${want} available, ${status.updatedReplicas ?? 0} updated` };
  },
  'apps/StatefulSet': (live) => {
    const want = live.spec?.replicas ?? 1;
    const status = live.status ?? {};
    const current = (status.observedGeneration ?? 0) >= (live.metadata?.generation ?? 0);
    const rolled = live.spec?.updateStrategy?.type === 'OnDelete' || !status.updateRevision || status.currentRevision === status.updateRevision;
    return { ready: current && rolled && (status.readyReplicas ?? 0) >= want, detail: `${status.readyReplicas ?? 0}/${want} ready${rolled ? '' : ', rolling to the new revision'}` };
  },
  'apps/DaemonSet': (live) => {
    const status = live.status ?? {};
    const want = status.desiredNumberScheduled ?? 0;
    const current = (status.observedGeneration ?? 0) >= (live.metadata?.generation ?? 0);
    return { ready: current && (status.updatedNumberScheduled ?? 0) >= want && (status.numberAvailable ?? 0) >= want, detail: `${status.numberAvailable ?? 0}/${want} available` };
  },
  'postgresql.cnpg.io/Cluster': conditionReady('CloudNativePG'),
  'kafka.strimzi.io/Kafka': conditionReady('Strimzi cluster'),
  'kafka.strimzi.io/KafkaTopic': conditionReady('Strimzi topic'),
  'kafka.strimzi.io/KafkaUser': conditionReady('Strimzi user'),
  'keda.sh/ScaledObject': conditionReady('KEDA'),
  'redis.redis.opstreelabs.in/RedisReplication': (live) =>
    live.status?.masterNode ? { ready: true, detail: `master ${live.status.masterNode}` } : { ready: false, detail: live.status ? 'no master elected yet' : 'no status yet (is the redis-operator running?)' },
};

export function hasReadinessRule(kubeObject: KubeObject): boolean {
  return `${apiGroup(kubeObject.apiVersion)}/${kubeObject.kind}` in RULES;
}

export function readinessOf(live: KubeObject): Readiness {
  const rule = RULES[`${apiGroup(live.apiVersion)}/${live.kind}`];
  return rule ? rule(live) : { ready: true, detail: 'no readiness signal' };
}

/** How readiness is judged, for the dry run. */
export function readinessCriterion(kubeObject: KubeObject): string {
  switch (`${apiGroup(kubeObject.apiVersion)}/${kubeObject.kind}`) {
    case 'apps/Deployment':
      return 'rollout complete: updated and available replicas = spec.replicas';
    case 'apps/StatefulSet':
      return 'ready replicas = spec.replicas, current revision = update revision';
    case 'apps/DaemonSet':
      return 'updated and available pods on every scheduled node';
    case 'redis.redis.opstreelabs.in/RedisReplication':
      return 'a master elected (status.masterNode)';
    default:
      return 'condition Ready=True for the current generation';
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** @default 5 s */
  readonly pollMs?: number;
  readonly onProgress?: (ready: number, total: number, waitingFor: string[]) => void;
}

/** Parses `kubectl get -o json` output: one object or a List. */
export function parseObjectList(stdout: string): KubeObject[] {
  if (!stdout.trim()) return [];
  const parsed = JSON.parse(stdout);
  return parsed.kind === 'List' || Array.isArray(parsed.items) ? parsed.items : [parsed];
}

/**
 * Polls the objects' live state until all are ready. Stops early on an object that reports a
 * failure it will not recover from, and with exit code `timeout` when the time is up.
 */
export async function waitForReady(kubectl: Kubectl, objects: readonly KubeObject[], clock: Clock, options: WaitOptions): Promise<void> {
  const waited = objects.filter(hasReadinessRule);
  if (waited.length === 0) return;
  const started = clock.now();
  const pollMs = options.pollMs ?? 5000;
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: waited });
  let last: { object: KubeObject; readiness: Readiness }[] = [];
  for (;;) {
    const result = await kubectl.run(['get', '-f', '-', '-o', 'json'], { stdin: manifest, timeoutMs: 30_000 });
    if (result.code === 0) {
      const live = parseObjectList(result.stdout);
      last = live.map((object) => ({ object, readiness: readinessOf(object) }));
      const failed = last.find((l) => l.readiness.failed);
      if (failed) throw new StopError(EXIT.deployFailed, `${describeObject(failed.object)}: ${failed.readiness.failed}`, `kubectl describe ${failed.object.kind.toLowerCase()} ${failed.object.metadata.name} -n ${failed.object.metadata.namespace ?? 'default'}`);
      const notReady = last.filter((l) => !l.readiness.ready);
      options.onProgress?.(last.length - notReady.length, waited.length, notReady.map((l) => `${describeObject(l.object)}: ${l.readiness.detail}`));
      if (notReady.length === 0 && live.length === waited.length) return;
    } else {
      options.onProgress?.(0, waited.length, [`cannot read status: ${firstErrorLine(result.stderr)}`]);
    }
    if (clock.now() - started >= options.timeoutMs) {
      const pending = last.filter((l) => !l.readiness.ready).map((l) => `  ${describeObject(l.object)}: ${l.readiness.detail}`);
      throw new StopError(
        EXIT.timeout,
        `Applied, but not ready after ${formatDuration(options.timeoutMs)}:\n${pending.join('\n') || '  (status could not be read)'}`,
        'Objects keep converging after stagekit stops waiting; check with kubectl get/describe, or re-run with a longer --timeout.',
      );
    }
    await clock.sleep(Math.min(pollMs, Math.max(0, options.timeoutMs - (clock.now() - started))));
  }
}
