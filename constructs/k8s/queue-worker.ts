import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import { ScaledObject } from './imports/scaledobject-keda.sh';
import { TriggerAuthentication } from './imports/triggerauthentication-keda.sh';
import { componentLabels, quantities, RESTRICTED_CONTAINER_SECURITY, restrictedPodSecurity, zoneSpread } from './pod-defaults';
import { checkName, checkProp, checkWorkload, inNamespace, isWhole } from './validate';

export interface SecretFile {
  /** Volume name. Required: the pod's volume and its mount are joined by it. */
  readonly name: string;
  /** The existing Secret to mount. Required: it is yours (created by you or an operator). */
  readonly secret: string;
  /** Where its keys appear as files in the container. Required: only your app knows where it reads them. */
  readonly mountPath: string;
}

export interface QueueWorkerProps {
  /** Product name: the `app.kubernetes.io/part-of` label of every object. */
  readonly product: string;
  /** Name of the Deployment. @default 'worker' */
  readonly name?: string;
  /**
   * Namespace of every object it creates.
   * @default the chart's namespace
   */
  readonly namespace?: string;
  /** Container image; it runs as a non-root user (`uid`) with a read-only root file system. */
  readonly image: string;
  /** Port the worker serves its health check and /metrics on. @default 8080 */
  readonly port?: number;
  /** Path of the readiness and liveness probes. @default '/healthz' */
  readonly healthCheckPath?: string;
  /** Requests (= limits) of one worker pod (Guaranteed QoS). @default { vcpu: 0.5, memoryGiB: 0.5 } */
  readonly shape?: Shape;
  /** Workers when the topic is idle. @default 1 */
  readonly minReplicas?: number;
  /** Workers at most, however large the lag. @default 10 */
  readonly maxReplicas?: number;
  /** Zones to spread workers over (hard topology spread when more than one). @default 1 */
  readonly zones?: number;
  /** Environment variables for the worker (connection endpoints). @default none */
  readonly env?: Record<string, string>;
  /** Environment variables read from existing Secrets. @default none */
  readonly secretEnv?: Record<
    string,
    {
      /** The existing Secret. Required: it is yours (created by you or an operator). */
      readonly secret: string;
      /** The key in it whose value becomes the variable. Required: a Secret holds several. */
      readonly key: string;
    }
  >;
  /** Existing Secrets mounted read-only as files (the worker's Kafka client certificate). @default none */
  readonly secretFiles?: readonly SecretFile[];
  /** ConfigMaps mounted read-only as files (the shard map). @default none */
  readonly configMapFiles?: ReadonlyArray<{
    /** Volume name. Required: the pod's volume and its mount are joined by it. */
    readonly name: string;
    /** The existing ConfigMap to mount. Required: it is yours. */
    readonly configMap: string;
    /** Where its keys appear as files in the container. Required: only your app knows where it reads them. */
    readonly mountPath: string;
  }>;
  /** Scale on the lag of this consumer group (KEDA's Kafka scaler). */
  readonly kafka: {
    /** Bootstrap address of the TLS listener, e.g. `events-kafka-bootstrap.shop.svc:9093`. */
    readonly bootstrapServers: string;
    /** Topic the workers consume. */
    readonly topic: string;
    /** Consumer group the workers join; its lag is what KEDA scales on. */
    readonly consumerGroup: string;
    /** Queued messages per worker the autoscaler aims for. */
    readonly lagThreshold: number;
    /** Secret with the cluster CA (`ca.crt`) KEDA verifies the brokers with. */
    readonly caSecret: string;
    /** KafkaUser Secret (`user.crt`, `user.key`) KEDA reads offsets with. */
    readonly userSecret: string;
  };
  /** UID the container runs as. @default 101 (as WebApp) */
  readonly uid?: number;
}

/**
 * Background workers consuming a Kafka topic: a Deployment of restricted, read-only pods
 * spread over zones, with probes and Guaranteed resources, no API token, and a KEDA
 * `ScaledObject` that sizes it on the consumer group's lag (one worker per `lagThreshold`
 * queued jobs, between the plan's minimum and maximum). KEDA reads the offsets over TLS
 * with its own client certificate (`TriggerAuthentication`).
 */
export class QueueWorker extends Construct {
  readonly name: string;
  readonly deployment: k8s.KubeDeployment;
  readonly scaledObject: ScaledObject;
  readonly triggerAuthentication: TriggerAuthentication;

  constructor(scope: Construct, id: string, userProps: QueueWorkerProps) {
    super(scope, id);
    const props = QueueWorker.withDefaults(userProps);
    const name = (this.name = props.name ?? 'worker');
    const labels = componentLabels(props.product, name);
    const selector = { 'app.kubernetes.io/name': name };
    const uid = props.uid ?? 101;
    const workerQuantities = quantities(props.shape);
    const resources = { cpu: k8s.Quantity.fromString(workerQuantities.cpu), memory: k8s.Quantity.fromString(workerQuantities.memory) };
    const probe = (periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path: props.healthCheckPath, port: k8s.IntOrString.fromNumber(props.port) },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 5,
    });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, labels },
      spec: {
        // No replicas: KEDA's HorizontalPodAutoscaler owns the count (re-applying must not reset it).
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%'), maxSurge: k8s.IntOrString.fromString('10%') } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(uid),
            // A job in flight gets time to finish (or be handed back) before the pod goes.
            terminationGracePeriodSeconds: 120,
            topologySpreadConstraints: props.zones > 1 ? zoneSpread(selector) : undefined,
            containers: [
              {
                name: 'worker',
                image: props.image,
                ports: [{ containerPort: props.port, name: 'http' }],
                env: [
                  { name: 'PORT', value: String(props.port) },
                  ...Object.entries(props.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
                  ...Object.entries(props.secretEnv ?? {}).map(([k, v]) => ({ name: k, valueFrom: { secretKeyRef: { name: v.secret, key: v.key } } })),
                ],
                resources: { requests: resources, limits: resources },
                securityContext: RESTRICTED_CONTAINER_SECURITY as unknown as k8s.SecurityContext,
                readinessProbe: probe(10, 3),
                livenessProbe: { ...probe(15, 6), initialDelaySeconds: 15 },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  ...(props.secretFiles ?? []).map((f) => ({ name: f.name, mountPath: f.mountPath, readOnly: true })),
                  ...(props.configMapFiles ?? []).map((f) => ({ name: f.name, mountPath: f.mountPath, readOnly: true })),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
              ...(props.secretFiles ?? []).map((f) => ({ name: f.name, secret: { secretName: f.secret } })),
              ...(props.configMapFiles ?? []).map((f) => ({ name: f.name, configMap: { name: f.configMap } })),
            ],
          },
        },
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: { name, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromString('10%'), selector: { matchLabels: selector } },
    });

    this.triggerAuthentication = new TriggerAuthentication(this, 'kafka-auth', {
      metadata: { name: `${name}-kafka`, labels },
      spec: {
        secretTargetRef: [
          { parameter: 'ca', name: props.kafka.caSecret, key: 'ca.crt' },
          { parameter: 'cert', name: props.kafka.userSecret, key: 'user.crt' },
          { parameter: 'key', name: props.kafka.userSecret, key: 'user.key' },
        ],
      },
    });

    this.scaledObject = new ScaledObject(this, 'scaler', {
      metadata: { name, labels },
      spec: {
        scaleTargetRef: { name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: 15,
        cooldownPeriod: 300,
        triggers: [
          {
            type: 'kafka',
            name: 'consumer-lag',
            metadata: {
              bootstrapServers: props.kafka.bootstrapServers,
              consumerGroup: props.kafka.consumerGroup,
              topic: props.kafka.topic,
              lagThreshold: String(props.kafka.lagThreshold),
              offsetResetPolicy: 'earliest',
              tls: 'enable',
            },
            authenticationRef: { name: `${name}-kafka` },
          },
        ],
      },
    });
    inNamespace(this, 'QueueWorker', props.namespace);
  }

  private static withDefaults(props: QueueWorkerProps) {
    const construct = 'QueueWorker';
    const filled = {
      ...props,
      port: props.port ?? 8080,
      healthCheckPath: props.healthCheckPath ?? '/healthz',
      shape: props.shape ?? { vcpu: 0.5, memoryGiB: 0.5 },
      minReplicas: props.minReplicas ?? 1,
      maxReplicas: props.maxReplicas ?? 10,
      zones: props.zones ?? 1,
    };
    checkWorkload(construct, filled);
    checkProp(construct, 'minReplicas', isWhole(filled.minReplicas, 0), 'a whole number from 0', filled.minReplicas);
    checkProp(construct, 'maxReplicas', isWhole(filled.maxReplicas, Math.max(1, filled.minReplicas)), `at least minReplicas (${filled.minReplicas}) and 1`, filled.maxReplicas);
    checkProp(construct, 'zones', isWhole(filled.zones, 1), 'a whole number from 1', filled.zones);
    const kafka = props.kafka;
    checkProp(construct, 'kafka.bootstrapServers', typeof kafka?.bootstrapServers === 'string' && /^[^\s,]+:\d+(,[^\s,]+:\d+)*$/.test(kafka.bootstrapServers), 'host:port[,host:port...]', kafka?.bootstrapServers);
    checkProp(construct, 'kafka.topic', typeof kafka.topic === 'string' && /^[a-zA-Z0-9._-]{1,249}$/.test(kafka.topic), 'a Kafka topic name', kafka.topic);
    checkProp(construct, 'kafka.consumerGroup', typeof kafka.consumerGroup === 'string' && kafka.consumerGroup.length > 0, 'a consumer group name', kafka.consumerGroup);
    checkProp(construct, 'kafka.lagThreshold', isWhole(kafka.lagThreshold, 1), 'a whole number of messages from 1', kafka.lagThreshold);
    checkName(construct, 'kafka.caSecret', kafka.caSecret);
    checkName(construct, 'kafka.userSecret', kafka.userSecret);
    if (props.uid !== undefined) checkProp(construct, 'uid', isWhole(props.uid, 1), 'a non-root user id (from 1)', props.uid);
    return filled;
  }
}
