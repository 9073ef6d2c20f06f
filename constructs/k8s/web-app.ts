import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import { componentLabels, quantities } from './pod-defaults';
import { checkProp, checkWorkload, inNamespace, isWhole } from './validate';

export interface WebAppProps {
  /** Product name: the `app.kubernetes.io/part-of` label of every object. */
  readonly product: string;
  /** Name of the Deployment, Service and Ingress. @default 'web' */
  readonly name?: string;
  /**
   * Namespace of every object it creates.
   * @default the chart's namespace
   */
  readonly namespace?: string;
  /** Container image; it must serve HTTP on `port` as a non-root user (`uid`) with a read-only root file system. */
  readonly image: string;
  /** Port the app listens on (above 1024: the pod runs without privileges). @default 8080 */
  readonly port?: number;
  /** Path of the readiness and liveness probes. @default '/' */
  readonly healthCheckPath?: string;
  /**
   * CPU and memory of one pod (requests = limits: Guaranteed QoS, never throttled by a neighbour's burst).
   * @default { vcpu: 0.5, memoryGiB: 0.5 }
   */
  readonly shape?: Shape;
  /** Pods (the autoscaler's floor when `maxReplicas` is given). @default 2 (one pod can restart while the other serves) */
  readonly replicas?: number;
  /** Horizontal autoscaling between `replicas` and this count on CPU. @default no autoscaler */
  readonly maxReplicas?: number;
  /** @default 60 */
  readonly targetCpuPercent?: number;
  /**
   * Spread pods evenly over this many zones (topology spread, hard) and never two on one
   * node when avoidable; also adds a PodDisruptionBudget. @default no spreading (one node)
   */
  readonly zones?: number;
  /** Environment variables for the app (connection endpoints). @default none */
  readonly env?: Record<string, string>;
  /** Environment variables read from existing Secrets (credentials the operators generate or you provide). @default none */
  readonly secretEnv?: Record<
    string,
    {
      /** The existing Secret. Required: it is yours (created by you or an operator). */
      readonly secret: string;
      /** The key in it whose value becomes the variable. Required: a Secret holds several. */
      readonly key: string;
    }
  >;
  /** Existing Secrets mounted read-only as files (client certificates). @default none */
  readonly secretFiles?: ReadonlyArray<{
    /** Volume name. Required: the pod's volume and its mount are joined by it. */
    readonly name: string;
    /** The existing Secret to mount. Required: it is yours (created by you or an operator). */
    readonly secret: string;
    /** Where its keys appear as files in the container. Required: only your app knows where it reads them. */
    readonly mountPath: string;
  }>;
  /** ConfigMaps mounted read-only as files (the shard map). @default none */
  readonly configMapFiles?: ReadonlyArray<{
    /** Volume name. Required: the pod's volume and its mount are joined by it. */
    readonly name: string;
    /** The existing ConfigMap to mount. Required: it is yours. */
    readonly configMap: string;
    /** Where its keys appear as files in the container. Required: only your app knows where it reads them. */
    readonly mountPath: string;
  }>;
  /** Host name the Ingress answers. @default any host */
  readonly host?: string;
  /**
   * TLS for the Ingress: a kubernetes.io/tls Secret for `host` (yours, or one cert-manager issues).
   * @default none: plain HTTP, which must be acknowledged with `allowHttp`
   */
  readonly tlsSecret?: string;
  /** Acknowledge that the Ingress serves plain HTTP (no `tlsSecret`). @default false: a warning at synth */
  readonly allowHttp?: boolean;
  /** UID the container runs as. @default 101 (the unprivileged nginx image's user) */
  readonly uid?: number;
}

/**
 * The stateless web tier: a Deployment of non-root, read-only pods with probes, its
 * Service and Ingress, and, when spread over zones, a HorizontalPodAutoscaler and a
 * PodDisruptionBudget that keeps all but one pod up during node drains.
 */
export class WebApp extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly ingress: kplus.Ingress;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  readonly name: string;

  constructor(scope: Construct, id: string, userProps: WebAppProps) {
    super(scope, id);
    const props = WebApp.withDefaults(userProps);
    const name = (this.name = props.name ?? 'web');
    const labels = componentLabels(props.product, name);
    const uid = props.uid ?? 101;
    const appQuantities = quantities(props.shape);
    // With an autoscaler, the HorizontalPodAutoscaler owns the count: a fixed `replicas` would reset it on every apply.
    const autoscaled = props.maxReplicas !== undefined && props.maxReplicas > props.replicas;

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name, labels }, automountToken: false });
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name, labels },
      podMetadata: { labels },
      replicas: autoscaled ? undefined : props.replicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid },
      containers: [
        {
          name: 'app',
          image: props.image,
          portNumber: props.port,
          envVariables: {
            ...Object.fromEntries(Object.entries({ PORT: String(props.port), ...props.env }).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
            ...Object.fromEntries(
              Object.entries(props.secretEnv ?? {}).map(([envName, secretRef]) => [
                envName,
                kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `env-${envName}`, secretRef.secret), key: secretRef.key }),
              ]),
            ),
          },
          resources: {
            cpu: { request: kplus.Cpu.millis(parseInt(appQuantities.cpu)), limit: kplus.Cpu.millis(parseInt(appQuantities.cpu)) },
            memory: { request: Size.mebibytes(parseInt(appQuantities.memory)), limit: Size.mebibytes(parseInt(appQuantities.memory)) },
          },
          securityContext: {
            ensureNonRoot: true,
            user: uid,
            group: uid,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
          },
          readiness: kplus.Probe.fromHttpGet(props.healthCheckPath, { port: props.port, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
          liveness: kplus.Probe.fromHttpGet(props.healthCheckPath, { port: props.port, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10), failureThreshold: 6 }),
          volumeMounts: [
            { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(256) }) },
            ...(props.secretFiles ?? []).map((file) => ({
              path: file.mountPath,
              readOnly: true,
              volume: kplus.Volume.fromSecret(this, `volume-${file.name}`, kplus.Secret.fromSecretName(this, `secret-${file.name}`, file.secret), { name: file.name }),
            })),
            ...(props.configMapFiles ?? []).map((file) => ({
              path: file.mountPath,
              readOnly: true,
              volume: kplus.Volume.fromConfigMap(this, `volume-${file.name}`, kplus.ConfigMap.fromConfigMapName(this, `configmap-${file.name}`, file.configMap), { name: file.name }),
            })),
          ],
        },
      ],
    });
    const deploymentObject = ApiObject.of(this.deployment);
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    // cdk8s-plus has no "ALL" capability nor seccomp fields: the restricted profile needs both.
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));

    this.service = this.deployment.exposeViaService({ name, ports: [{ port: 80, targetPort: props.port, name: 'http' }] });
    ApiObject.of(this.service).metadata.addLabel('app.kubernetes.io/name', name);
    this.ingress = new kplus.Ingress(this, 'ingress', { metadata: { name, labels } });
    const backend = kplus.IngressBackend.fromService(this.service, { port: 80 });
    if (props.host) this.ingress.addHostDefaultBackend(props.host, backend);
    else this.ingress.addDefaultBackend(backend);
    if (props.tlsSecret) {
      if (!props.host) throw new Error(`WebApp ${name}: tlsSecret needs host (the name the certificate is for)`);
      this.ingress.addTls([{ hosts: [props.host], secret: kplus.Secret.fromSecretName(this, 'tls-secret', props.tlsSecret) }]);
      // Redirect plain HTTP to HTTPS (ingress-nginx; other controllers redirect when TLS is set or ignore it).
      this.ingress.metadata.addAnnotation('nginx.ingress.kubernetes.io/force-ssl-redirect', 'true');
    } else if (props.allowHttp) {
      this.ingress.metadata.addAnnotation('stagekit.dev/plain-http', 'acknowledged');
    } else {
      console.warn(
        `The Ingress ${name} serves plain HTTP because no TLS was given. Set tls.host with tls.issuer (a cert-manager ClusterIssuer) or tls.secretName in the profile ` +
          '(WebApp: host and tlsSecret), or acknowledge plain HTTP with tls.allowHttp: true (WebApp: allowHttp).',
      );
    }

    if (props.zones && props.zones > 1) {
      // Hard spread across zones (a zone loss takes 1/zones of the pods), soft across nodes.
      deploymentObject.addJsonPatch(
        JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } },
          { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } },
        ]),
      );
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
        metadata: { name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
      });
    }
    if (autoscaled) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'autoscaler', {
        metadata: { name, labels },
        target: this.deployment,
        minReplicas: props.replicas,
        maxReplicas: props.maxReplicas!,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.targetCpuPercent ?? 60))],
      });
    }
    inNamespace(this, 'WebApp', props.namespace);
  }

  private static withDefaults(props: WebAppProps) {
    const construct = 'WebApp';
    const filled = { ...props, port: props.port ?? 8080, healthCheckPath: props.healthCheckPath ?? '/', shape: props.shape ?? { vcpu: 0.5, memoryGiB: 0.5 }, replicas: props.replicas ?? 2 };
    checkWorkload(construct, filled);
    checkProp(construct, 'replicas', isWhole(filled.replicas, 1), 'a whole number from 1', filled.replicas);
    if (props.maxReplicas !== undefined) checkProp(construct, 'maxReplicas', isWhole(props.maxReplicas, filled.replicas), `at least replicas (${filled.replicas})`, props.maxReplicas);
    if (props.targetCpuPercent !== undefined) checkProp(construct, 'targetCpuPercent', isWhole(props.targetCpuPercent, 1, 100), 'a whole percentage from 1 to 100', props.targetCpuPercent);
    if (props.zones !== undefined) checkProp(construct, 'zones', isWhole(props.zones, 1), 'a whole number from 1', props.zones);
    if (props.uid !== undefined) checkProp(construct, 'uid', isWhole(props.uid, 1), 'a non-root user id (from 1)', props.uid);
    return filled;
  }
}
