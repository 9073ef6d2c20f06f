import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import {
  Kafka,
  KafkaSpecEntityOperatorTopicOperatorResourcesLimits,
  KafkaSpecEntityOperatorTopicOperatorResourcesRequests,
  KafkaSpecEntityOperatorUserOperatorResourcesLimits,
  KafkaSpecEntityOperatorUserOperatorResourcesRequests,
  KafkaSpecKafkaAuthorizationType,
  KafkaSpecKafkaExporterResourcesLimits,
  KafkaSpecKafkaExporterResourcesRequests,
  KafkaSpecKafkaListenersAuthenticationType,
  KafkaSpecKafkaListenersType,
  KafkaSpecKafkaMetricsConfigType,
} from './imports/kafka-kafka.strimzi.io';
import {
  KafkaNodePool,
  KafkaNodePoolSpecResourcesLimits,
  KafkaNodePoolSpecResourcesRequests,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorageType,
  KafkaNodePoolSpecStorageVolumesKraftMetadata,
  KafkaNodePoolSpecStorageVolumesType,
} from './imports/kafkanodepool-kafka.strimzi.io';
import { KafkaTopic } from './imports/kafkatopic-kafka.strimzi.io';
import {
  KafkaUser,
  KafkaUserSpecAuthenticationType,
  KafkaUserSpecAuthorizationAclsOperations,
  KafkaUserSpecAuthorizationAclsResourcePatternType,
  KafkaUserSpecAuthorizationAclsResourceType,
  KafkaUserSpecAuthorizationType,
} from './imports/kafkauser-kafka.strimzi.io';
import { Peer } from './network-policies';
import { jvmHeap, PROBE_TIMINGS, quantities, restrictedContainerSecurity, restrictedPodSecurityContext, ZONE_KEY, zoneSpread } from './pod-defaults';

/** A Kafka version Strimzi 0.51 and 1.0 both run (Strimzi refuses versions it does not support). */
export const KAFKA_VERSION = '4.1.1';
export const KAFKA_METADATA_VERSION = '4.1-IV1';
/** Client listener: TLS with client certificates (mTLS) and ACLs. */
export const KAFKA_CLIENT_PORT = 9093;
/** Strimzi's internal ports: KRaft control plane, replication (also used by the operators), the Kafka agent, metrics. */
export const KAFKA_CONTROL_PLANE_PORT = 9090;
export const KAFKA_REPLICATION_PORT = 9091;
export const KAFKA_AGENT_PORT = 8443;
/** KRaft controllers: a quorum of three small nodes that hold only metadata (MSK runs the equivalent out of sight). */
export const CONTROLLER_COUNT = 3;
export const CONTROLLER_SHAPE: Shape = { vcpu: 1, memoryGiB: 2 };
export const CONTROLLER_STORAGE_GIB = 20;
export const TOPIC_OPERATOR_SHAPE: Shape = { vcpu: 0.25, memoryGiB: 0.5 };
export const USER_OPERATOR_SHAPE: Shape = { vcpu: 0.25, memoryGiB: 0.5 };
export const KAFKA_EXPORTER_SHAPE: Shape = { vcpu: 0.2, memoryGiB: 0.25 };

export type AclOperation = 'Read' | 'Write' | 'Describe' | 'IdempotentWrite';

export interface KafkaTopicSpecProps {
  /** Topic name (the `KafkaTopic` resource and the topic). Required: producers and consumers address it by name. */
  readonly name: string;
  /** Partitions: the most consumers of one group that work in parallel. Required: it follows your throughput, and can grow but never shrink. */
  readonly partitions: number;
  /** Hours a message is kept. Required: how long consumers may fall behind (or replay) is your decision, and it sizes the disks. */
  readonly retentionHours: number;
}

export interface KafkaUserProps {
  /** KafkaUser name = the certificate's CN = the principal ACLs name; its Secret (user.crt, user.key) has the same name. */
  readonly name: string;
  /** What the user may do. Required: a user with no ACLs can do nothing (simple authorization denies by default). */
  readonly acls: ReadonlyArray<{
    /** What the ACL is on. Required: it decides what `name` names. */
    readonly type: 'topic' | 'group' | 'cluster';
    /** The topic or consumer group. @default none (the cluster, for type 'cluster') */
    readonly name?: string;
    /** Operations allowed. Required: there is no safe default set; grant only what the client does. */
    readonly operations: readonly AclOperation[];
  }>;
}

export interface KafkaClusterProps {
  /** Kafka name: pods are `<name>-<pool>-<id>`, the bootstrap Service `<name>-kafka-bootstrap`. Never change it. */
  readonly name: string;
  /** Broker count (a node pool; controllers are separate). Required: it follows your throughput and `replicationFactor`. */
  readonly brokers: number;
  /** CPU and memory of each broker pod. Required: sized from your throughput (stagekit's plan sizes it). */
  readonly brokerShape: Shape;
  /** Size of each broker's volume, in GiB. Required: it follows your throughput times retention; volumes grow later, never shrink. */
  readonly storageGiBPerBroker: number;
  /** Copies of each partition. Required: it trades durability against disk and brokers (3 survives a zone; at most `brokers`). */
  readonly replicationFactor: number;
  /** Replicas that must acknowledge a write (`min.insync.replicas`). Required: it trades availability against durability, together with `replicationFactor`. */
  readonly minInSyncReplicas: number;
  /** Failure domains (zones) the brokers are spread over, rack-aware. Required: only you know the cluster's zones. */
  readonly zones: number;
  /** Topics created as `KafkaTopic` resources. Required: your application's topics (an empty list is allowed). */
  readonly topics: readonly KafkaTopicSpecProps[];
  /** Users created as `KafkaUser` resources (client certificates and ACLs). Required: only your clients may connect (an empty list is allowed). */
  readonly users: readonly KafkaUserProps[];
  /** Who may connect to the client listener (Strimzi writes these into its own NetworkPolicy for the listener). */
  readonly clientPeers: readonly Peer[];
  /** Namespaces whose pods may connect to the client listener besides `clientPeers`. Required: an explicit list, so no namespace is let in by default (an empty list is allowed). */
  readonly clientNamespaces: readonly string[];
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

const jbod = (sizeGiB: number, storageClass: string | undefined, kraftMetadata: boolean) => ({
  type: KafkaNodePoolSpecStorageType.JBOD,
  volumes: [
    {
      id: 0,
      type: KafkaNodePoolSpecStorageVolumesType.PERSISTENT_HYPHEN_CLAIM,
      size: `${sizeGiB}Gi`,
      class: storageClass,
      deleteClaim: false,
      kraftMetadata: kraftMetadata ? KafkaNodePoolSpecStorageVolumesKraftMetadata.SHARED : undefined,
    },
  ],
});

/**
 * Strimzi Kafka in KRaft mode (`kafka.strimzi.io/v1`): a `Kafka` with node pools for three
 * dedicated controllers and the planned brokers (rack-aware over zones, JBOD volumes that can
 * grow), a TLS client listener with client certificates and simple ACL authorization, the
 * Strimzi metrics reporter, the Kafka Exporter (consumer-group lag), the entity operator for
 * `KafkaTopic` and `KafkaUser`, and those topics and users. Every pod gets the restricted
 * security context through the templates.
 */
export class KafkaCluster extends Construct {
  readonly name: string;
  readonly kafka: Kafka;
  readonly brokerPool: KafkaNodePool;
  readonly controllerPool: KafkaNodePool;
  /** `host:port` of the TLS client listener. */
  readonly bootstrapServers: string;
  /** Secret holding the cluster CA certificate clients trust (`ca.crt`). */
  readonly clusterCaSecret: string;
  /** Every Kafka node (brokers and controllers). */
  readonly nodePeer: Peer;
  readonly brokerPeer: Peer;
  readonly entityOperatorPeer: Peer;
  readonly exporterPeer: Peer;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const name = (this.name = props.name);
    this.bootstrapServers = `${name}-kafka-bootstrap:${KAFKA_CLIENT_PORT}`;
    this.clusterCaSecret = `${name}-cluster-ca-cert`;
    const strimzi = (component: string) => ({ 'strimzi.io/cluster': name, 'strimzi.io/name': `${name}-${component}` });
    this.nodePeer = { name: 'kafka', selector: { ...strimzi('kafka'), 'strimzi.io/kind': 'Kafka' } };
    this.brokerPeer = { name: 'kafka-broker', selector: { ...this.nodePeer.selector, 'strimzi.io/broker-role': 'true' } };
    this.entityOperatorPeer = { name: 'kafka-entity-operator', selector: strimzi('entity-operator') };
    this.exporterPeer = { name: 'kafka-exporter', selector: strimzi('kafka-exporter') };

    const clusterLabel = { 'strimzi.io/cluster': name };
    const podTemplate = (selector: Record<string, string>) => ({
      pod: {
        securityContext: restrictedPodSecurityContext(),
        topologySpreadConstraints: zoneSpread(selector),
        terminationGracePeriodSeconds: 120,
      },
      kafkaContainer: { securityContext: restrictedContainerSecurity(true) },
      initContainer: { securityContext: restrictedContainerSecurity(true) },
    });
    const rf = props.replicationFactor;

    this.kafka = new Kafka(this, 'kafka', {
      metadata: {
        name,
        // Required by Strimzi 0.4x-0.51 for node pools and KRaft; ignored (and harmless) from 1.0.
        annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
      },
      spec: {
        kafka: {
          version: KAFKA_VERSION,
          metadataVersion: KAFKA_METADATA_VERSION,
          listeners: [
            {
              name: 'tls',
              port: KAFKA_CLIENT_PORT,
              type: KafkaSpecKafkaListenersType.INTERNAL,
              tls: true,
              authentication: { type: KafkaSpecKafkaListenersAuthenticationType.TLS },
              networkPolicyPeers: [
                ...props.clientPeers.map((p) => ({ podSelector: { matchLabels: p.selector } })),
                ...props.clientNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
              ],
            },
          ],
          authorization: { type: KafkaSpecKafkaAuthorizationType.SIMPLE },
          rack: { topologyKey: ZONE_KEY },
          config: {
            'default.replication.factor': rf,
            'min.insync.replicas': props.minInSyncReplicas,
            'offsets.topic.replication.factor': rf,
            'transaction.state.log.replication.factor': rf,
            'transaction.state.log.min.isr': props.minInSyncReplicas,
            'auto.create.topics.enable': false,
            // Consumers fetch from a replica in their own zone when they set client.rack: no cross-zone reads.
            'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
          },
          metricsConfig: { type: KafkaSpecKafkaMetricsConfigType.STRIMZI_METRICS_REPORTER },
          readinessProbe: PROBE_TIMINGS.readiness,
          livenessProbe: PROBE_TIMINGS.liveness,
          template: podTemplate(this.nodePeer.selector),
        },
        entityOperator: {
          topicOperator: {
            resources: {
              requests: { cpu: KafkaSpecEntityOperatorTopicOperatorResourcesRequests.fromString(quantities(TOPIC_OPERATOR_SHAPE).cpu), memory: KafkaSpecEntityOperatorTopicOperatorResourcesRequests.fromString(quantities(TOPIC_OPERATOR_SHAPE).memory) },
              limits: { cpu: KafkaSpecEntityOperatorTopicOperatorResourcesLimits.fromString(quantities(TOPIC_OPERATOR_SHAPE).cpu), memory: KafkaSpecEntityOperatorTopicOperatorResourcesLimits.fromString(quantities(TOPIC_OPERATOR_SHAPE).memory) },
            },
            readinessProbe: PROBE_TIMINGS.readiness,
            livenessProbe: PROBE_TIMINGS.liveness,
          },
          userOperator: {
            resources: {
              requests: { cpu: KafkaSpecEntityOperatorUserOperatorResourcesRequests.fromString(quantities(USER_OPERATOR_SHAPE).cpu), memory: KafkaSpecEntityOperatorUserOperatorResourcesRequests.fromString(quantities(USER_OPERATOR_SHAPE).memory) },
              limits: { cpu: KafkaSpecEntityOperatorUserOperatorResourcesLimits.fromString(quantities(USER_OPERATOR_SHAPE).cpu), memory: KafkaSpecEntityOperatorUserOperatorResourcesLimits.fromString(quantities(USER_OPERATOR_SHAPE).memory) },
            },
            readinessProbe: PROBE_TIMINGS.readiness,
            livenessProbe: PROBE_TIMINGS.liveness,
          },
          template: {
            pod: { securityContext: restrictedPodSecurityContext() },
            topicOperatorContainer: { securityContext: restrictedContainerSecurity(true) },
            userOperatorContainer: { securityContext: restrictedContainerSecurity(true) },
          },
        },
        kafkaExporter: {
          groupRegex: '.*',
          topicRegex: '.*',
          resources: {
            requests: { cpu: KafkaSpecKafkaExporterResourcesRequests.fromString(quantities(KAFKA_EXPORTER_SHAPE).cpu), memory: KafkaSpecKafkaExporterResourcesRequests.fromString(quantities(KAFKA_EXPORTER_SHAPE).memory) },
            limits: { cpu: KafkaSpecKafkaExporterResourcesLimits.fromString(quantities(KAFKA_EXPORTER_SHAPE).cpu), memory: KafkaSpecKafkaExporterResourcesLimits.fromString(quantities(KAFKA_EXPORTER_SHAPE).memory) },
          },
          readinessProbe: PROBE_TIMINGS.readiness,
          livenessProbe: PROBE_TIMINGS.liveness,
          template: {
            pod: { securityContext: restrictedPodSecurityContext() },
            container: { securityContext: restrictedContainerSecurity(true) },
          },
        },
      },
    });

    const controllerQuantities = quantities(CONTROLLER_SHAPE);
    this.controllerPool = new KafkaNodePool(this, 'controllers', {
      metadata: { name: 'controller', labels: clusterLabel },
      spec: {
        replicas: CONTROLLER_COUNT,
        roles: [KafkaNodePoolSpecRoles.CONTROLLER],
        storage: jbod(CONTROLLER_STORAGE_GIB, props.storageClass, true),
        resources: {
          requests: { cpu: KafkaNodePoolSpecResourcesRequests.fromString(controllerQuantities.cpu), memory: KafkaNodePoolSpecResourcesRequests.fromString(controllerQuantities.memory) },
          limits: { cpu: KafkaNodePoolSpecResourcesLimits.fromString(controllerQuantities.cpu), memory: KafkaNodePoolSpecResourcesLimits.fromString(controllerQuantities.memory) },
        },
        jvmOptions: { xms: jvmHeap(CONTROLLER_SHAPE.memoryGiB, 0.5, 1024), xmx: jvmHeap(CONTROLLER_SHAPE.memoryGiB, 0.5, 1024) },
        template: podTemplate({ ...clusterLabel, 'strimzi.io/pool-name': 'controller' }),
      },
    });

    const brokerQuantities = quantities(props.brokerShape);
    // Heap: 40% of the pod, at most 6 GiB; the page cache gets the rest.
    const heap = jvmHeap(props.brokerShape.memoryGiB, 0.4, 6144);
    this.brokerPool = new KafkaNodePool(this, 'brokers', {
      metadata: { name: 'broker', labels: clusterLabel },
      spec: {
        replicas: props.brokers,
        roles: [KafkaNodePoolSpecRoles.BROKER],
        storage: jbod(props.storageGiBPerBroker, props.storageClass, false),
        resources: {
          requests: { cpu: KafkaNodePoolSpecResourcesRequests.fromString(brokerQuantities.cpu), memory: KafkaNodePoolSpecResourcesRequests.fromString(brokerQuantities.memory) },
          limits: { cpu: KafkaNodePoolSpecResourcesLimits.fromString(brokerQuantities.cpu), memory: KafkaNodePoolSpecResourcesLimits.fromString(brokerQuantities.memory) },
        },
        jvmOptions: { xms: heap, xmx: heap },
        template: podTemplate({ ...clusterLabel, 'strimzi.io/pool-name': 'broker' }),
      },
    });

    for (const topic of props.topics) {
      new KafkaTopic(this, `topic-${topic.name}`, {
        metadata: { name: topic.name, labels: clusterLabel },
        spec: {
          partitions: topic.partitions,
          replicas: rf,
          config: {
            'retention.ms': topic.retentionHours * 3600 * 1000,
            'min.insync.replicas': props.minInSyncReplicas,
            'cleanup.policy': 'delete',
          },
        },
      });
    }

    for (const user of props.users) {
      new KafkaUser(this, `user-${user.name}`, {
        metadata: { name: user.name, labels: clusterLabel },
        spec: {
          authentication: { type: KafkaUserSpecAuthenticationType.TLS },
          authorization: {
            type: KafkaUserSpecAuthorizationType.SIMPLE,
            acls: user.acls.map((acl) => ({
              resource: {
                type: { topic: KafkaUserSpecAuthorizationAclsResourceType.TOPIC, group: KafkaUserSpecAuthorizationAclsResourceType.GROUP, cluster: KafkaUserSpecAuthorizationAclsResourceType.CLUSTER }[acl.type],
                name: acl.name,
                patternType: acl.name ? KafkaUserSpecAuthorizationAclsResourcePatternType.LITERAL : undefined,
              },
              operations: acl.operations.map((op) => OPERATIONS[op]),
            })),
          },
        },
      });
    }
  }
}

const OPERATIONS: Record<AclOperation, KafkaUserSpecAuthorizationAclsOperations> = {
  Read: KafkaUserSpecAuthorizationAclsOperations.READ,
  Write: KafkaUserSpecAuthorizationAclsOperations.WRITE,
  Describe: KafkaUserSpecAuthorizationAclsOperations.DESCRIBE,
  IdempotentWrite: KafkaUserSpecAuthorizationAclsOperations.IDEMPOTENT_WRITE,
};
