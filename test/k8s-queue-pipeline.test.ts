/**
 * Kafka at the scale it was planned for: the million-merchants profile (Kafka, three zones,
 * 99.95%) rendered once for this file. Strimzi in KRaft mode on kafka.strimzi.io/v1 only, sized
 * from plan.queue.kafka, with KEDA scaling the workers on consumer lag.
 */
import * as path from 'path';
import { renderK8s } from '../blueprints/k8s/app';
import { deadLetterTopic, K8S_NAMES } from '../blueprints/k8s/names';
import { CONTROLLER_COUNT } from '../constructs/k8s/kafka-cluster';
import { modeledPods, NetworkPolicyModel, restrictedViolations } from './support/policy-checks';
import { quantities } from '../constructs/k8s/pod-defaults';
import { computePlan, KafkaPlan, Plan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { expectValidManifests } from './support/k8s-schema';
import { ROOT } from './support/paths';

let plan: Plan;
let kafkaPlan: KafkaPlan;
let objects: any[];
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

beforeAll(() => {
  plan = computePlan(loadProfile(path.join(ROOT, 'profiles', 'million-merchants.yaml')), 'queue-pipeline');
  kafkaPlan = plan.queue!.kafka!;
  objects = renderK8s(plan).objects;
});

test('the profile is the one this file is for: Kafka in three zones', () => {
  expect(plan.queue!.technology).toBe('kafka');
  expect(plan.zones).toBe(3);
  expect(plan.queue!.selfHostedKafka).toEqual(kafkaPlan);
});

test('every object validates against its schema, and Strimzi objects use kafka.strimzi.io/v1 only', () => {
  expectValidManifests(objects);
  const strimzi = objects.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/'));
  expect(strimzi.map((o) => o.kind).sort()).toEqual(['Kafka', 'KafkaNodePool', 'KafkaNodePool', 'KafkaTopic', 'KafkaTopic', 'KafkaUser', 'KafkaUser', 'KafkaUser']);
  for (const o of strimzi) expect(o.apiVersion).toBe('kafka.strimzi.io/v1');
});

test('KRaft with node pools: the annotations, dedicated controllers and the planned brokers', () => {
  const kafka = find('Kafka', K8S_NAMES.kafka);
  expect(kafka.metadata.annotations).toEqual({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
  expect(kafka.spec.zookeeper).toBeUndefined();
  const controllers = find('KafkaNodePool', 'controller');
  const brokers = find('KafkaNodePool', 'broker');
  for (const pool of [controllers, brokers]) expect(pool.metadata.labels).toEqual({ 'strimzi.io/cluster': K8S_NAMES.kafka });
  expect(controllers.spec).toMatchObject({ replicas: CONTROLLER_COUNT, roles: ['controller'] });
  expect(brokers.spec).toMatchObject({ replicas: kafkaPlan.brokers, roles: ['broker'] });
  expect(brokers.spec.replicas % plan.zones).toBe(0);
});

test('brokers request the plan broker shape and its storage; volumes are kept when a broker goes', () => {
  const brokers = find('KafkaNodePool', 'broker');
  expect(brokers.spec.resources.requests).toEqual(quantities(kafkaPlan.brokerPodShape));
  expect(brokers.spec.resources.limits).toEqual(quantities(kafkaPlan.brokerPodShape));
  expect(brokers.spec.storage).toEqual({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: `${kafkaPlan.storageGiBPerBroker}Gi`, deleteClaim: false }] });
  const heapMiB = parseInt(brokers.spec.jvmOptions['-Xmx'], 10);
  expect(heapMiB).toBeLessThan(kafkaPlan.brokerPodShape.memoryGiB * 1024 * 0.5);
});

test('replication, min.insync.replicas, rack awareness over zones and no auto-created topics', () => {
  const kafka = find('Kafka', K8S_NAMES.kafka).spec.kafka;
  expect(kafka.config).toMatchObject({
    'default.replication.factor': kafkaPlan.replicationFactor,
    'min.insync.replicas': kafkaPlan.minInSyncReplicas,
    'offsets.topic.replication.factor': kafkaPlan.replicationFactor,
    'auto.create.topics.enable': false,
  });
  expect(kafka.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
  expect(kafka.metricsConfig).toEqual({ type: 'strimziMetricsReporter' });
  expect(kafka.listeners).toEqual([expect.objectContaining({ port: 9093, tls: true, authentication: { type: 'tls' } })]);
  expect(kafka.authorization).toEqual({ type: 'simple' });
});

test('the job topic has the planned partitions, replicas, retention and min.insync.replicas; dead letters have their own topic', () => {
  const topic = find('KafkaTopic', kafkaPlan.topic);
  expect(topic.metadata.labels).toEqual({ 'strimzi.io/cluster': K8S_NAMES.kafka });
  expect(topic.spec).toEqual({
    partitions: kafkaPlan.partitions,
    replicas: kafkaPlan.replicationFactor,
    config: { 'retention.ms': plan.queue!.retentionHours * 3_600_000, 'min.insync.replicas': kafkaPlan.minInSyncReplicas, 'cleanup.policy': 'delete' },
  });
  expect(find('KafkaTopic', deadLetterTopic(kafkaPlan.topic)).spec.replicas).toBe(kafkaPlan.replicationFactor);
});

test('each client has its own certificate user with least-privilege ACLs', () => {
  const acls = (name: string) => find('KafkaUser', name).spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.operations.join('+')}`);
  expect(acls(K8S_NAMES.kafkaUsers.web)).toEqual([`topic:${kafkaPlan.topic}:Write+Describe`]);
  expect(acls(K8S_NAMES.kafkaUsers.worker)).toEqual([`topic:${kafkaPlan.topic}:Read+Describe`, `group:${kafkaPlan.consumerGroup}:Read+Describe`, `topic:${deadLetterTopic(kafkaPlan.topic)}:Write+Describe`]);
  expect(acls(K8S_NAMES.kafkaUsers.keda)).toEqual([`topic:${kafkaPlan.topic}:Describe`, `group:${kafkaPlan.consumerGroup}:Describe`]);
});

test('KEDA scales the workers on consumer lag, from the plan minimum to one worker per partition', () => {
  const scaler = find('ScaledObject', K8S_NAMES.worker).spec;
  expect(scaler).toMatchObject({ minReplicaCount: plan.queue!.minWorkers, maxReplicaCount: plan.queue!.maxWorkers });
  expect(scaler.triggers[0].metadata).toMatchObject({
    bootstrapServers: `kafka-kafka-bootstrap.${plan.product}.svc:9093`,
    topic: kafkaPlan.topic,
    consumerGroup: kafkaPlan.consumerGroup,
    lagThreshold: String(plan.queue!.backlogPerWorker),
  });
  expect(kafkaPlan.partitions).toBeGreaterThanOrEqual(plan.queue!.maxWorkers);
  expect(find('TriggerAuthentication', `${K8S_NAMES.worker}-kafka`).spec.secretTargetRef.map((r: any) => `${r.parameter}=${r.name}/${r.key}`)).toEqual([
    'ca=kafka-cluster-ca-cert/ca.crt',
    `cert=${K8S_NAMES.kafkaUsers.keda}/user.crt`,
    `key=${K8S_NAMES.kafkaUsers.keda}/user.key`,
  ]);
});

test('consumer-lag and queue-delay alerts at the plan thresholds', () => {
  const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
  expect(rules.find((r: any) => r.alert === 'JobsConsumerLagHigh').expr).toBe(
    `sum(kafka_consumergroup_lag{namespace="${plan.product}",consumergroup="${kafkaPlan.consumerGroup}",topic="${kafkaPlan.topic}"}) > ${kafkaPlan.consumerLagAlarmMessages}`,
  );
  expect(rules.find((r: any) => r.alert === 'JobsDelayHigh').expr).toMatch(new RegExp(`> ${plan.queue!.maxJobDelaySeconds}$`));
  expect(rules.find((r: any) => r.alert === 'KafkaPartitionsUnderMinIsr').expr).toMatch(new RegExp(`< ${kafkaPlan.minInSyncReplicas}$`));
});

test('every Kafka pod is restricted and reachable only where it must be', () => {
  expect(restrictedViolations(objects)).toEqual([]);
  const model = new NetworkPolicyModel(objects);
  const pods = modeledPods(objects);
  const web = pods.find((p) => p.source === 'Deployment web')!;
  const brokers = pods.find((p) => p.source === 'KafkaNodePool broker')!;
  const controllers = pods.find((p) => p.source === 'KafkaNodePool controller')!;
  const at = (labels: Record<string, string>) => ({ namespace: plan.product, labels });
  expect(model.canConnect(at(web.labels), at(brokers.labels), 9093)).toBe(true);
  expect(model.canConnect(at(web.labels), at(controllers.labels), 9093)).toBe(false);
  expect(model.canConnect(at(brokers.labels), at(controllers.labels), 9090)).toBe(true);
  expect(model.canConnect({ namespace: 'keda', labels: {} }, at(brokers.labels), 9093)).toBe(true);
});

test('brokers, controllers and Postgres shards spread over the three zones', () => {
  for (const name of ['broker', 'controller']) {
    expect(find('KafkaNodePool', name).spec.template.pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
  }
  const clusters = objects.filter((o) => o.kind === 'Cluster');
  expect(clusters).toHaveLength(plan.database!.shards);
  for (const c of clusters) expect(c.spec.affinity.podAntiAffinityType).toBe(c.spec.instances <= 3 ? 'required' : 'preferred');
});
