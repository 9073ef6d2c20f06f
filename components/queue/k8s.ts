import { APP_ENV } from '../../core/contract';
import { KafkaCluster, KAFKA_AGENT_PORT, KAFKA_CLIENT_PORT, KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT } from '../../constructs/k8s/kafka-cluster';
import { podMonitor } from '../../constructs/k8s/monitoring';
import { QueueWorker } from '../../constructs/k8s/queue-worker';
import { K8sContext } from '../component';
import { deadLetterTopic, K8S_NAMES } from '../names';

const KAFKA_CA_DIRECTORY = '/etc/kafka/ca';
const KAFKA_USER_DIRECTORY = '/etc/kafka/user';

/**
 * Strimzi Kafka in KRaft with the job and dead-letter topics (also for SQS profiles: the
 * self-hosted stand-in), mutual-TLS users per client, and workers scaled by KEDA on consumer lag.
 */
export function queueK8s(ctx: K8sContext): void {
  const { plan, guard, environment: env, monitoring } = ctx;
  const { web, worker } = ctx.peers;
  const queue = plan.queue!;
  const kafkaPlan = queue.selfHostedKafka;
  const dlq = deadLetterTopic(kafkaPlan.topic);
  const users = K8S_NAMES.kafkaUsers;
  const kafka = new KafkaCluster(ctx.chart, 'kafka', {
    name: K8S_NAMES.kafka,
    brokers: kafkaPlan.brokers,
    brokerShape: kafkaPlan.brokerPodShape,
    storageGiBPerBroker: kafkaPlan.storageGiBPerBroker,
    replicationFactor: kafkaPlan.replicationFactor,
    minInSyncReplicas: kafkaPlan.minInSyncReplicas,
    zones: plan.zones,
    storageClass: env.storageClass,
    topics: [
      { name: kafkaPlan.topic, partitions: kafkaPlan.partitions, retentionHours: queue.retentionHours },
      // Dead letters are kept at least 14 days (SQS's longest retention), to inspect and replay.
      { name: dlq, partitions: plan.zones, retentionHours: Math.max(queue.retentionHours, 14 * 24) },
    ],
    users: [
      { name: users.web, acls: [{ type: 'topic', name: kafkaPlan.topic, operations: ['Write', 'Describe'] }] },
      {
        name: users.worker,
        acls: [
          { type: 'topic', name: kafkaPlan.topic, operations: ['Read', 'Describe'] },
          { type: 'group', name: kafkaPlan.consumerGroup, operations: ['Read', 'Describe'] },
          { type: 'topic', name: dlq, operations: ['Write', 'Describe'] },
        ],
      },
      {
        name: users.keda,
        acls: [
          { type: 'topic', name: kafkaPlan.topic, operations: ['Describe'] },
          { type: 'group', name: kafkaPlan.consumerGroup, operations: ['Describe'] },
        ],
      },
    ],
    clientPeers: [web, worker],
    clientNamespaces: [env.kedaNamespace],
  });
  const connections = ctx.connections;
  Object.assign(connections.env, {
    [APP_ENV.jobsTransport]: 'kafka',
    [APP_ENV.jobsTopic]: kafkaPlan.topic,
    [APP_ENV.jobsDeadLetterTopic]: dlq,
    [APP_ENV.kafkaAuth]: 'tls',
    [APP_ENV.kafkaBootstrapServers]: kafka.bootstrapServers,
    [APP_ENV.kafkaSecurityProtocol]: 'SSL',
    [APP_ENV.kafkaSslCaFile]: `${KAFKA_CA_DIRECTORY}/ca.crt`,
    [APP_ENV.kafkaSslCertFile]: `${KAFKA_USER_DIRECTORY}/user.crt`,
    [APP_ENV.kafkaSslKeyFile]: `${KAFKA_USER_DIRECTORY}/user.key`,
  });
  connections.secretFiles.push(
    { name: 'kafka-ca', secret: kafka.clusterCaSecret, mountPath: KAFKA_CA_DIRECTORY },
    { name: 'kafka-web-certificate', secret: users.web, mountPath: KAFKA_USER_DIRECTORY },
  );

  new QueueWorker(ctx.chart, 'worker', {
    product: plan.product,
    name: K8S_NAMES.worker,
    image: plan.app.image,
    port: plan.app.port,
    healthCheckPath: plan.app.healthCheckPath,
    shape: queue.workerPodShape,
    minReplicas: queue.minWorkers,
    maxReplicas: queue.maxWorkers,
    zones: plan.zones,
    env: {
      ...connections.env,
      [APP_ENV.role]: 'worker',
      [APP_ENV.jobsConsumerGroup]: kafkaPlan.consumerGroup,
      [APP_ENV.jobsMaxDeliveries]: String(queue.maxReceiveCount),
      [APP_ENV.jobsVisibilityTimeoutSeconds]: String(queue.visibilityTimeoutSeconds),
    },
    secretEnv: connections.secretEnv,
    secretFiles: [
      { name: 'kafka-ca', secret: kafka.clusterCaSecret, mountPath: KAFKA_CA_DIRECTORY },
      { name: 'kafka-worker-certificate', secret: users.worker, mountPath: KAFKA_USER_DIRECTORY },
    ],
    configMapFiles: connections.configMapFiles,
    kafka: {
      bootstrapServers: `${K8S_NAMES.kafka}-kafka-bootstrap.${plan.product}.svc:${KAFKA_CLIENT_PORT}`,
      topic: kafkaPlan.topic,
      consumerGroup: kafkaPlan.consumerGroup,
      lagThreshold: queue.backlogPerWorker,
      caSecret: kafka.clusterCaSecret,
      userSecret: users.keda,
    },
  });

  guard.allow(web, kafka.brokerPeer, [KAFKA_CLIENT_PORT]);
  guard.allow(worker, kafka.brokerPeer, [KAFKA_CLIENT_PORT]);
  guard.allowFromNamespace(env.kedaNamespace, kafka.brokerPeer, [KAFKA_CLIENT_PORT], 'keda-to-kafka');
  guard.allow(kafka.nodePeer, kafka.nodePeer, [KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT]);
  guard.allow(kafka.entityOperatorPeer, kafka.brokerPeer, [KAFKA_REPLICATION_PORT]);
  guard.allow(kafka.exporterPeer, kafka.brokerPeer, [KAFKA_REPLICATION_PORT]);
  guard.allowFromNamespace(env.strimziNamespace, kafka.nodePeer, [KAFKA_CONTROL_PLANE_PORT, KAFKA_REPLICATION_PORT, KAFKA_AGENT_PORT], 'strimzi-operator-to-kafka');
  guard.allowEgressToApiServer(kafka.nodePeer, env.apiServerCidr);
  guard.allowEgressToApiServer(kafka.entityOperatorPeer, env.apiServerCidr);

  podMonitor(ctx.chart, { name: 'kafka', selector: kafka.nodePeer.selector, port: 'tcp-prometheus', podLabels: { pool: 'strimzi.io/pool-name' } }, monitoring);
  podMonitor(ctx.chart, { name: 'kafka-exporter', selector: kafka.exporterPeer.selector, port: 'tcp-prometheus' }, monitoring);
  podMonitor(ctx.chart, { name: 'kafka-entity-operator', selector: kafka.entityOperatorPeer.selector, port: ['healthcheck-to', 'healthcheck-uo'] }, monitoring);
  podMonitor(ctx.chart, { name: K8S_NAMES.worker, selector: worker.selector, port: 'http' }, monitoring);
}
