/**
 * Every workload of every stage meets the Pod Security Standards "restricted" profile, with
 * requests, limits, probes and no API token unless an operator's agent needs one — for
 * Deployments and StatefulSets, and for the pods operators create from custom resources
 * (checked through the fields each CRD exposes; see constructs/k8s/policy-checks.ts).
 */
import { modeledPods, probeExemptions, restrictedViolations } from './support/policy-checks';
import { STAGE_NAMES } from '../core/ladder';
import { k8sObjects } from './support/stages';

describe.each(STAGE_NAMES)('%s', (stage) => {
  const objects = k8sObjects(stage);

  test('the namespace enforces the restricted Pod Security Standard', () => {
    const ns = objects.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('every pod meets the restricted profile, with requests, limits and probes', () => {
    expect(restrictedViolations(objects)).toEqual([]);
  });

  test('every workload and every custom resource that makes pods is checked', () => {
    const sources = new Set(modeledPods(objects).map((p) => p.source));
    const podMaking = objects.filter((o) => ['Deployment', 'StatefulSet', 'Cluster', 'Pooler', 'RedisReplication', 'RedisSentinel', 'KafkaNodePool', 'Kafka'].includes(o.kind));
    for (const o of podMaking) expect(sources).toContain(`${o.kind} ${o.metadata.name}`);
  });

  test('only operator agents get an API token; our own pods mount none', () => {
    for (const pod of modeledPods(objects)) {
      const operatorRun = /^(Cluster|Pooler|KafkaNodePool|Kafka) /.test(pod.source) && pod.what !== 'kafka exporter';
      expect(`${pod.source} (${pod.what}): ${pod.automountToken}`).toBe(`${pod.source} (${pod.what}): ${operatorRun ? 'operator' : false}`);
    }
  });

  test('the only containers without configurable probes are the Redis exporter sidecars', () => {
    for (const exemption of probeExemptions(objects)) expect(exemption).toMatch(/^RedisReplication \w+ \(redis pods\): redis-exporter$/);
  });
});

describe('the checker catches violations', () => {
  const objects = k8sObjects('queue-pipeline');
  const rules = (broken: any[]) => restrictedViolations(broken).map((v) => `${v.pod}${v.container ? ` ${v.container}` : ''}: ${v.rule}`);

  test('in a Deployment', () => {
    const web = structuredClone(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web'));
    const spec = web.spec.template.spec;
    spec.hostNetwork = true;
    spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
    spec.automountServiceAccountToken = true;
    delete spec.securityContext.seccompProfile;
    const c = spec.containers[0];
    c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } };
    delete c.securityContext.seccompProfile;
    delete c.resources.limits.memory;
    delete c.readinessProbe;
    expect(rules([web])).toEqual([
      'Deployment web (pods): hostNetwork must not be set',
      'Deployment web (pods): volume host is a hostPath',
      'Deployment web (pods): the service account token is mounted (automountServiceAccountToken must be false)',
      'Deployment web (pods) app: allowPrivilegeEscalation must be false',
      'Deployment web (pods) app: capabilities must drop ALL',
      'Deployment web (pods) app: capabilities may only add NET_BIND_SERVICE (adds NET_ADMIN)',
      'Deployment web (pods) app: seccompProfile must be RuntimeDefault or Localhost (container or pod)',
      'Deployment web (pods) app: limits.memory must be set',
      'Deployment web (pods) app: readinessProbe must be set',
    ]);
  });

  test('in custom resources', () => {
    const cluster = structuredClone(objects.find((o) => o.kind === 'Cluster'));
    delete cluster.spec.securityContext.capabilities;
    const pool = structuredClone(objects.find((o) => o.kind === 'KafkaNodePool' && o.metadata.name === 'broker'));
    delete pool.spec.resources;
    const kafka = structuredClone(objects.find((o) => o.kind === 'Kafka'));
    delete kafka.spec.kafkaExporter.template.container.securityContext.runAsNonRoot;
    delete kafka.spec.kafkaExporter.template.pod.securityContext.runAsNonRoot;
    delete kafka.spec.kafka.livenessProbe;
    const found = rules([cluster, kafka, pool]);
    expect(found).toContain('Cluster postgres (instances) postgres: capabilities must drop ALL');
    expect(found).toContain('KafkaNodePool broker (broker nodes) kafka: requests.cpu must be set');
    expect(found).toContain('KafkaNodePool broker (broker nodes) kafka: livenessProbe must be set');
    expect(found).toContain('Kafka kafka (kafka exporter) kafka-exporter: runAsNonRoot must be true (container or pod)');
  });
});
