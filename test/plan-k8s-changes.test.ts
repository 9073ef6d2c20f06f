/**
 * The Kubernetes half of the safety check: identity, immutable fields and removal of stateful
 * kinds, on small hand-written objects (each case names the API rule it encodes).
 */
import { compareObjects, gibibytes, immutableFieldProblems } from '../deploy/k8s/changes';
import { applyPhase, KubeObject, objectsByPhase } from '../deploy/k8s/objects';

const ns = 'shop';

function statefulSet(spec: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'postgres', namespace: ns },
    spec: {
      serviceName: 'postgres',
      replicas: 1,
      selector: { matchLabels: { app: 'postgres' } },
      template: { metadata: { labels: { app: 'postgres' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16.4' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      ...spec,
    },
  };
}

const cluster = (spec: Record<string, any> = {}): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'db', namespace: ns },
  spec: { instances: 2, storage: { size: '100Gi', storageClass: 'fast' }, bootstrap: { initdb: { database: 'app', owner: 'app' } }, ...spec },
});

const severities = (before: KubeObject, after: KubeObject) => immutableFieldProblems(before, after).map((p) => `${p.severity} ${p.field}`);

describe('StatefulSet: only replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds may change', () => {
  test('allowed changes raise nothing', () => {
    const after = statefulSet({ replicas: 3, template: { metadata: { labels: { app: 'postgres' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16.6' }] } }, minReadySeconds: 10 });
    expect(severities(statefulSet(), after)).toEqual([]);
  });
  test('volumeClaimTemplates, selector and serviceName are rejected, with the orphan-cascade fix', () => {
    const after = statefulSet({
      serviceName: 'pg',
      selector: { matchLabels: { app: 'pg' } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } } }],
    });
    const problems = immutableFieldProblems(statefulSet(), after);
    expect(problems.map((p) => p.field).sort()).toEqual(['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates']);
    expect(problems.every((p) => p.severity === 'rejected')).toBe(true);
    expect(problems[0].fix).toMatch(/kubectl delete statefulset postgres -n shop --cascade=orphan/);
  });
});

test('Deployment selector is immutable; its template is not', () => {
  const d = (label: string, image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { selector: { matchLabels: { app: label } }, template: { spec: { containers: [{ name: 'web', image }] } } } });
  expect(severities(d('web', 'a'), d('web', 'b'))).toEqual([]);
  expect(severities(d('web', 'a'), d('frontend', 'a'))).toEqual(['rejected spec.selector']);
});

test('PersistentVolumeClaim: storage may grow, nothing else may change', () => {
  const pvc = (storage: string, storageClassName = 'standard'): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: ns }, spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
  expect(severities(pvc('10Gi'), pvc('20Gi'))).toEqual([]);
  expect(severities(pvc('20Gi'), pvc('10Gi'))).toEqual(['rejected spec.resources.requests.storage']);
  expect(severities(pvc('10Gi'), pvc('10Gi', 'fast'))).toEqual(['rejected spec.storageClassName']);
});

describe('CloudNativePG Cluster', () => {
  test('a new bootstrap section has no effect on an existing cluster', () => {
    expect(severities(cluster(), cluster({ bootstrap: { initdb: { import: { type: 'monolith', databases: ['app'], source: { externalCluster: 'old' } } } } }))).toEqual(['no-effect spec.bootstrap']);
  });
  test('a new storage class applies only to new instances; shrinking is rejected; growing is fine', () => {
    expect(severities(cluster(), cluster({ storage: { size: '100Gi', storageClass: 'faster' } }))).toEqual(['no-effect spec.storage.storageClass']);
    expect(severities(cluster(), cluster({ storage: { size: '50Gi', storageClass: 'fast' } }))).toEqual(['rejected spec.storage.size']);
    expect(severities(cluster(), cluster({ storage: { size: '200Gi', storageClass: 'fast' }, instances: 3 }))).toEqual([]);
  });
  test('removing a separate WAL volume is rejected', () => {
    expect(severities(cluster({ walStorage: { size: '10Gi' } }), cluster())).toEqual(['rejected spec.walStorage']);
  });
});

describe('Strimzi', () => {
  const pool = (storage: any): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'brokers', namespace: ns }, spec: { replicas: 3, roles: ['broker'], storage } });
  test('a node pool cannot change storage type or shrink; a new class has no effect', () => {
    expect(severities(pool({ type: 'persistent-claim', size: '100Gi' }), pool({ type: 'ephemeral' }))).toEqual(['rejected spec.storage.type']);
    expect(severities(pool({ type: 'persistent-claim', size: '100Gi' }), pool({ type: 'persistent-claim', size: '50Gi' }))).toEqual(['rejected spec.storage.size']);
    expect(severities(pool({ type: 'persistent-claim', size: '100Gi', class: 'a' }), pool({ type: 'persistent-claim', size: '200Gi', class: 'b' }))).toEqual(['no-effect spec.storage.class']);
  });
  test('JBOD volumes are compared by id', () => {
    const jbod = (size: string) => pool({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size }] });
    expect(severities(jbod('100Gi'), jbod('50Gi'))).toEqual(['rejected spec.storage.volumes[id=0].size']);
  });
  test('a topic cannot lose partitions or change name; replicas need Cruise Control', () => {
    const topic = (spec: any): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'jobs', namespace: ns }, spec });
    expect(severities(topic({ partitions: 12, replicas: 3 }), topic({ partitions: 6, replicas: 3 }))).toEqual(['rejected spec.partitions']);
    expect(severities(topic({ partitions: 12, replicas: 3 }), topic({ partitions: 24, replicas: 2 }))).toEqual(['no-effect spec.replicas']);
    expect(severities(topic({ topicName: 'jobs' }), topic({ topicName: 'work' }))).toEqual(['rejected spec.topicName']);
  });
});

describe('compareObjects', () => {
  test('identity is group, kind, namespace and name: a version bump is a change, a rename is a removal and an addition', () => {
    const hpa = (apiVersion: string, name = 'web'): KubeObject => ({ apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: ns }, spec: { maxReplicas: 4 } });
    const bumped = compareObjects([hpa('autoscaling/v1')], [hpa('autoscaling/v2')]);
    expect([bumped.added.length, bumped.changed.length, bumped.removed.length]).toEqual([0, 1, 0]);
    expect(bumped.changed[0].fields).toEqual(['apiVersion']);
    const renamed = compareObjects([hpa('autoscaling/v2')], [hpa('autoscaling/v2', 'frontend')]);
    expect([renamed.added.length, renamed.removed.length]).toEqual([1, 1]);
  });

  test('a removed StatefulSet keeps its claims (retained); with whenDeleted: Delete it loses them', () => {
    expect(compareObjects([statefulSet()], []).risks.map((r) => r.severity)).toEqual(['retained']);
    const deleting = statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    const [risk] = compareObjects([deleting], []).risks;
    expect(risk.severity).toBe('data-loss');
    expect(risk.reason).toMatch(/data-postgres-N/);
  });

  test('removing a CloudNativePG cluster or a Kafka topic loses data; an unmanaged topic is not ours to lose', () => {
    const topic = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'jobs', namespace: ns, annotations }, spec: { partitions: 3 } });
    expect(compareObjects([cluster(), topic()], []).risks.map((r) => `${r.severity} ${r.resource}`)).toEqual(['data-loss Cluster shop/db', 'data-loss KafkaTopic shop/jobs']);
    expect(compareObjects([topic({ 'strimzi.io/managed': 'false' })], []).risks).toEqual([]);
  });

  test('stateless removals carry no risk', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis', namespace: ns }, spec: { ports: [{ port: 6379 }] } };
    const changes = compareObjects([svc], []);
    expect(changes.removed).toHaveLength(1);
    expect(changes.risks).toEqual([]);
  });
});

test('apply phases: namespace, config, data, services, workloads, then autoscalers and monitors', () => {
  const o = (apiVersion: string, kind: string): KubeObject => ({ apiVersion, kind, metadata: { name: kind.toLowerCase(), namespace: ns } });
  const objects = [
    o('monitoring.coreos.com/v1', 'PodMonitor'),
    o('autoscaling/v2', 'HorizontalPodAutoscaler'),
    o('apps/v1', 'Deployment'),
    o('v1', 'Service'),
    o('postgresql.cnpg.io/v1', 'Cluster'),
    o('keda.sh/v1alpha1', 'ScaledObject'),
    o('networking.k8s.io/v1', 'NetworkPolicy'),
    o('v1', 'ConfigMap'),
    o('v1', 'Namespace'),
    o('policy/v1', 'PodDisruptionBudget'),
    o('kafka.strimzi.io/v1', 'KafkaTopic'),
    o('scheduling.k8s.io/v1', 'PriorityClass'),
    o('coordination.k8s.io/v1', 'Lease'),
  ];
  expect(objectsByPhase(objects).map((p) => `${p.phase}: ${p.objects.map((x) => x.kind).join(',')}`)).toEqual([
    'namespace: Namespace,PriorityClass',
    'config: NetworkPolicy,ConfigMap,Lease',
    'data: Cluster,KafkaTopic',
    'services: Service',
    'workloads: Deployment,PodDisruptionBudget',
    'scaling-and-monitoring: PodMonitor,HorizontalPodAutoscaler,ScaledObject',
  ]);
  expect(applyPhase(o('example.com/v1', 'Widget'))).toBe('data');
});

test('storage quantities', () => {
  expect(gibibytes('1Ti')).toBe(1024);
  expect(gibibytes('512Mi')).toBe(0.5);
  expect(gibibytes('10G')).toBeCloseTo(9.31, 2);
  expect(gibibytes('1Ei')).toBe(1024 ** 3);
  expect(gibibytes('2000000k')).toBeCloseTo(1.86, 2);
  expect(gibibytes('lots')).toBeUndefined();
});
