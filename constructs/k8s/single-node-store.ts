import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Shape } from '../../core/sizes';
import { componentLabels, guaranteedResources, RESTRICTED_CONTAINER_SECURITY, restrictedPodSecurity } from './pod-defaults';

export interface SingleNodeStoreProps {
  /** Product name: the `app.kubernetes.io/part-of` label of every object. */
  readonly product: string;
  /** Object and component name, e.g. "postgres". */
  readonly name: string;
  /** Pinned image of the store, e.g. `postgres:16.12-alpine`. */
  readonly image: string;
  /** Port the store listens on (its Service exposes it). */
  readonly port: number;
  /** Requests (= limits) of the pod: Guaranteed QoS. */
  readonly shape: Shape;
  /** Size of the data volume, in GiB (grown in place when raised). */
  readonly storageGiB: number;
  /**
   * The size the StatefulSet's volume claim template was created with. Templates are immutable;
   * when `storageGiB` is larger, the claim of pod 0 is grown in place (PVC expansion: the
   * StorageClass must allow volume expansion). @default storageGiB
   */
  readonly claimTemplateGiB?: number;
  /** Where the data volume is mounted. */
  readonly dataPath: string;
  /** UID the image's process runs as (the pod never runs as root). */
  readonly uid: number;
  /** Arguments passed to the image's entrypoint. @default none (the image's own) */
  readonly args?: string[];
  /** Environment of the container (values or references to existing Secrets). @default none */
  readonly env?: k8s.EnvVar[];
  /** Extra writable scratch directories (the root filesystem is read-only). @default none */
  readonly scratchPaths?: string[];
  /** Command whose success means the store answers (readiness and liveness). */
  readonly probeCommand: string[];
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * One stateful pod with its own persistent volume: Postgres or Redis on the
 * single-server stage. A StatefulSet (not a Deployment) so the volume claim follows the
 * pod and is never shared; the claim template's name stays fixed so the data survives
 * every re-render.
 */
export class SingleNodeStore extends Construct {
  readonly statefulSet: k8s.KubeStatefulSet;
  readonly service: k8s.KubeService;
  /** The expanded claim of pod 0, when `storageGiB` is above the template's size. */
  readonly expandedClaim?: k8s.KubePersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: SingleNodeStoreProps) {
    super(scope, id);
    const labels = componentLabels(props.product, props.name);
    const selector = { 'app.kubernetes.io/name': props.name };
    const scratch = props.scratchPaths ?? [];
    // Not named `props.name`: CloudNativePG creates a ServiceAccount named after its cluster, and the
    // split-tier cluster `postgres` must be able to run beside this store while the data moves.
    const serviceAccount = `${props.name}-single-node`;
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name: serviceAccount, labels }, automountServiceAccountToken: false });
    this.service = new k8s.KubeService(this, 'service', {
      metadata: { name: props.name, labels },
      spec: { selector, ports: [{ name: props.name, port: props.port, targetPort: k8s.IntOrString.fromNumber(props.port) }] },
    });
    const templateGiB = props.claimTemplateGiB ?? props.storageGiB;
    const probe = (periodSeconds: number, failureThreshold: number) => ({ exec: { command: props.probeCommand }, periodSeconds, failureThreshold, timeoutSeconds: 5 });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: { name: props.name, labels },
      spec: {
        serviceName: props.name,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(props.uid),
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: props.name,
                image: props.image,
                args: props.args,
                env: props.env,
                ports: [{ containerPort: props.port, name: props.name }],
                resources: {
                  requests: mapQuantities(guaranteedResources(props.shape).requests),
                  limits: mapQuantities(guaranteedResources(props.shape).limits),
                },
                securityContext: RESTRICTED_CONTAINER_SECURITY as unknown as k8s.SecurityContext,
                readinessProbe: probe(5, 3),
                livenessProbe: { ...probe(10, 6), initialDelaySeconds: 30 },
                volumeMounts: [
                  { name: 'data', mountPath: props.dataPath },
                  ...scratch.map((path, i) => ({ name: `scratch-${i}`, mountPath: path })),
                ],
              },
            ],
            volumes: scratch.map((_, i) => ({ name: `scratch-${i}`, emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } })),
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(`${templateGiB}Gi`) } },
            },
          },
        ],
        // Keep the data when the StatefulSet is deleted or scaled down: deleting a volume is a human decision.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    });
    if (props.storageGiB > templateGiB) {
      // The claim the StatefulSet made for pod 0 (<template>-<statefulset>-<ordinal>), patched by server-side
      // apply: Kubernetes grows a bound claim in place when its StorageClass allows volume expansion.
      this.expandedClaim = new k8s.KubePersistentVolumeClaim(this, 'expanded-claim', {
        metadata: {
          name: `data-${props.name}-0`,
          labels: { ...labels, ...selector },
          annotations: { 'stagekit.dev/expands': `statefulset ${props.name}: template ${templateGiB}Gi, claim grown to ${props.storageGiB}Gi` },
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: props.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(`${props.storageGiB}Gi`) } },
        },
      });
    }
  }
}

function mapQuantities(shapeQuantities: { cpu: string; memory: string }): Record<string, k8s.Quantity> {
  return { cpu: k8s.Quantity.fromString(shapeQuantities.cpu), memory: k8s.Quantity.fromString(shapeQuantities.memory) };
}
