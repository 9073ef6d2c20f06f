/**
 * What operators make of their custom resources: the pods each CR leads to, how many, with which
 * containers (resources, security contexts, probes), labels, volumes and spread. One model, read by
 * the cost engine (requests and storage to pack onto nodes) and by the manifest checks (restricted
 * profile, NetworkPolicy reachability). It follows the operators' documented behaviour: CloudNativePG
 * 1.30 (Cluster, Pooler), Strimzi 0.51 (Kafka, KafkaNodePool), OT redis-operator 0.26 (RedisReplication,
 * RedisSentinel, Redis, RedisCluster). Plain objects in, plain objects out: no cdk8s needed.
 */
import { parseQuantity } from '../../core/quantity';

export type Labels = Record<string, string>;

export interface OperatorContainer {
  readonly name: string;
  readonly role: 'main' | 'sidecar' | 'init';
  readonly securityContext?: any;
  readonly resources?: any;
  readonly readinessProbe?: any;
  readonly livenessProbe?: any;
  /** False when the CR gives no way to set probes on this container. */
  readonly probesConfigurable: boolean;
}

/** One group of identical pods an operator runs for a custom resource. */
export interface OperatorPodGroup {
  /** The custom resource the pods come from. */
  readonly owner: any;
  /** `Kind name` of the owner. */
  readonly source: string;
  /** Which pods of the owner: `instances`, `entity operator`... */
  readonly what: string;
  /** Short name of the group when a CR makes several (`brokers`, `entity-operator`); undefined when it makes one. */
  readonly part?: string;
  readonly replicas: number;
  readonly labels: Labels;
  readonly securityContext?: any;
  readonly containers: readonly OperatorContainer[];
  /** Persistent volume claims of one pod, GiB. */
  readonly storageGiB: number;
  /** Replicas never share a node (the operator's default pod anti-affinity for data systems). */
  readonly spreadOverNodes: boolean;
  /**
   * Whether the pods mount an API token: false, true, or 'operator' when the operator runs its own
   * agent in the pod and needs one (CNPG instance manager, Strimzi init and operators).
   */
  readonly automountToken: boolean | 'operator';
}

const GIB = 2 ** 30;
const toGiB = (value: unknown) => (parseQuantity(value) ?? 0) / GIB;

function strimziStorageGiB(storage: any): number {
  if (!storage) return 0;
  if (storage.type === 'jbod') return (storage.volumes ?? []).reduce((total: number, volume: any) => total + strimziStorageGiB(volume), 0);
  if (storage.type === 'persistent-claim') return toGiB(storage.size);
  return 0;
}

/** Whether a pod spec mounts the service account token, given the ServiceAccounts of the manifests. */
export function tokenMounter(objects: readonly any[]): (spec: any) => boolean {
  const serviceAccounts = new Map<string, any>(objects.filter((object) => object?.kind === 'ServiceAccount').map((object) => [object.metadata.name, object]));
  return (spec) => {
    if (spec.automountServiceAccountToken !== undefined) return spec.automountServiceAccountToken;
    const account = serviceAccounts.get(spec.serviceAccountName ?? 'default');
    return account?.automountServiceAccountToken !== false;
  };
}

const strimziLabels = (cluster: string, component: string): Labels => ({ 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka', 'strimzi.io/name': `${cluster}-${component}` });

/** The pod groups operators create for the custom resources among `objects`, in manifest order. */
export function operatorPods(objects: readonly any[]): OperatorPodGroup[] {
  const groups: OperatorPodGroup[] = [];
  const mountsToken = tokenMounter(objects);
  const kafkas = new Map<string, any>(objects.filter((object) => object?.kind === 'Kafka').map((object) => [object.metadata?.name, object]));
  for (const owner of objects) {
    if (!owner || typeof owner !== 'object' || !owner.kind) continue;
    const name: string = owner.metadata?.name ?? '?';
    const spec = owner.spec ?? {};
    const source = `${owner.kind} ${name}`;
    const base = { owner, source };
    switch (owner.kind) {
      case 'Cluster': {
        if (!String(owner.apiVersion ?? '').startsWith('postgresql.cnpg.io')) break;
        // CNPG instance pods: the postgres container (and the bootstrap-controller init container,
        // which gets the same security context) with the Cluster's resources and probes.
        const postgres = { securityContext: { ...spec.securityContext, seccompProfile: spec.securityContext?.seccompProfile ?? spec.seccompProfile }, resources: spec.resources };
        const dataGiB = toGiB(spec.storage?.size ?? spec.storage?.pvcTemplate?.resources?.requests?.storage) + toGiB(spec.walStorage?.size ?? spec.walStorage?.pvcTemplate?.resources?.requests?.storage);
        const tablespacesGiB = (spec.tablespaces ?? []).reduce((total: number, tablespace: any) => total + toGiB(tablespace?.storage?.size), 0);
        groups.push({
          ...base,
          what: 'instances',
          replicas: spec.instances ?? 1,
          labels: { ...spec.inheritedMetadata?.labels, 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' },
          securityContext: { ...spec.podSecurityContext, seccompProfile: spec.podSecurityContext?.seccompProfile ?? spec.seccompProfile },
          containers: [
            { name: 'bootstrap-controller', role: 'init', ...postgres, probesConfigurable: false },
            { name: 'postgres', role: 'main', ...postgres, readinessProbe: spec.probes?.readiness, livenessProbe: spec.probes?.liveness, probesConfigurable: true },
          ],
          storageGiB: dataGiB + tablespacesGiB,
          spreadOverNodes: true,
          automountToken: 'operator',
        });
        break;
      }
      case 'Pooler': {
        const template = spec.template?.spec ?? {};
        groups.push({
          ...base,
          what: 'pgbouncer pods',
          replicas: spec.instances ?? 1,
          labels: { ...spec.template?.metadata?.labels, 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler' },
          securityContext: template.securityContext,
          containers: [
            ...(template.initContainers ?? []).map((container: any) => ({ ...container, role: 'init' as const, probesConfigurable: true })),
            ...(template.containers ?? [{ name: 'pgbouncer' }]).map((container: any) => ({ ...container, role: 'main' as const, probesConfigurable: true })),
          ],
          storageGiB: 0,
          spreadOverNodes: false,
          automountToken: 'operator',
        });
        break;
      }
      case 'Kafka': {
        const nodePools = owner.metadata?.annotations?.['strimzi.io/node-pools'] === 'enabled';
        const kafka = spec.kafka ?? {};
        if (!nodePools && kafka.replicas) {
          groups.push({
            ...base,
            what: 'brokers',
            part: 'brokers',
            replicas: kafka.replicas,
            labels: { ...strimziLabels(name, 'kafka'), 'strimzi.io/broker-role': 'true' },
            securityContext: kafka.template?.pod?.securityContext,
            containers: [{ name: 'kafka', role: 'main', securityContext: kafka.template?.kafkaContainer?.securityContext, resources: kafka.resources, readinessProbe: kafka.readinessProbe, livenessProbe: kafka.livenessProbe, probesConfigurable: true }],
            storageGiB: strimziStorageGiB(kafka.storage),
            spreadOverNodes: true,
            automountToken: 'operator',
          });
        }
        const zookeeper = spec.zookeeper;
        if (zookeeper?.replicas) {
          groups.push({
            ...base,
            what: 'zookeeper',
            part: 'zookeeper',
            replicas: zookeeper.replicas,
            labels: strimziLabels(name, 'zookeeper'),
            securityContext: zookeeper.template?.pod?.securityContext,
            containers: [{ name: 'zookeeper', role: 'main', securityContext: zookeeper.template?.zookeeperContainer?.securityContext, resources: zookeeper.resources, readinessProbe: zookeeper.readinessProbe, livenessProbe: zookeeper.livenessProbe, probesConfigurable: true }],
            storageGiB: strimziStorageGiB(zookeeper.storage),
            spreadOverNodes: true,
            automountToken: 'operator',
          });
        }
        const entityOperator = spec.entityOperator;
        if (entityOperator && (entityOperator.topicOperator || entityOperator.userOperator)) {
          const containers: OperatorContainer[] = [];
          for (const [container, operator, templateKey] of [
            ['topic-operator', entityOperator.topicOperator, 'topicOperatorContainer'],
            ['user-operator', entityOperator.userOperator, 'userOperatorContainer'],
          ] as const) {
            if (!operator) continue;
            containers.push({ name: container, role: 'main', securityContext: entityOperator.template?.[templateKey]?.securityContext, resources: operator.resources, readinessProbe: operator.readinessProbe, livenessProbe: operator.livenessProbe, probesConfigurable: true });
          }
          groups.push({
            ...base,
            what: 'entity operator',
            part: 'entity-operator',
            replicas: 1,
            labels: strimziLabels(name, 'entity-operator'),
            securityContext: entityOperator.template?.pod?.securityContext,
            containers,
            storageGiB: 0,
            spreadOverNodes: false,
            automountToken: 'operator',
          });
        }
        const exporter = spec.kafkaExporter;
        if (exporter) {
          groups.push({
            ...base,
            what: 'kafka exporter',
            part: 'kafka-exporter',
            replicas: 1,
            labels: strimziLabels(name, 'kafka-exporter'),
            securityContext: exporter.template?.pod?.securityContext,
            containers: [{ name: 'kafka-exporter', role: 'main', securityContext: exporter.template?.container?.securityContext, resources: exporter.resources, readinessProbe: exporter.readinessProbe, livenessProbe: exporter.livenessProbe, probesConfigurable: true }],
            storageGiB: 0,
            spreadOverNodes: false,
            automountToken: false,
          });
        }
        const cruiseControl = spec.cruiseControl;
        if (cruiseControl) {
          groups.push({
            ...base,
            what: 'cruise control',
            part: 'cruise-control',
            replicas: 1,
            labels: strimziLabels(name, 'cruise-control'),
            securityContext: cruiseControl.template?.pod?.securityContext,
            containers: [{ name: 'cruise-control', role: 'main', securityContext: cruiseControl.template?.cruiseControlContainer?.securityContext, resources: cruiseControl.resources, readinessProbe: cruiseControl.readinessProbe, livenessProbe: cruiseControl.livenessProbe, probesConfigurable: true }],
            storageGiB: 0,
            spreadOverNodes: false,
            automountToken: 'operator',
          });
        }
        break;
      }
      case 'KafkaNodePool': {
        const cluster = owner.metadata?.labels?.['strimzi.io/cluster'];
        // A node pool takes what it does not set from its Kafka's broker settings.
        const kafka = kafkas.get(cluster)?.spec?.kafka ?? {};
        const template = { ...kafka.template, ...spec.template };
        const roles: string[] = spec.roles ?? [];
        const resources = spec.resources ?? kafka.resources;
        groups.push({
          ...base,
          what: `${roles.join('+')} nodes`,
          replicas: spec.replicas ?? 0,
          labels: {
            ...strimziLabels(cluster, 'kafka'),
            'strimzi.io/pool-name': name,
            ...(roles.includes('broker') ? { 'strimzi.io/broker-role': 'true' } : {}),
            ...(roles.includes('controller') ? { 'strimzi.io/controller-role': 'true' } : {}),
          },
          securityContext: template.pod?.securityContext,
          containers: [
            { name: 'kafka', role: 'main', securityContext: template.kafkaContainer?.securityContext, resources, readinessProbe: kafka.readinessProbe, livenessProbe: kafka.livenessProbe, probesConfigurable: true },
            // Rack awareness adds the kafka-init container (reads the node's zone); it runs with the broker's resources.
            ...(kafka.rack ? [{ name: 'kafka-init', role: 'init' as const, securityContext: template.initContainer?.securityContext, resources, probesConfigurable: false }] : []),
          ],
          storageGiB: strimziStorageGiB(spec.storage),
          spreadOverNodes: true,
          automountToken: 'operator',
        });
        break;
      }
      case 'RedisReplication':
      case 'RedisSentinel':
      case 'Redis':
      case 'RedisCluster': {
        const sentinel = owner.kind === 'RedisSentinel';
        const app = sentinel ? `${name}-sentinel` : name;
        const setup = { RedisReplication: 'replication', RedisSentinel: 'sentinel', Redis: 'standalone', RedisCluster: 'cluster' }[owner.kind as string]!;
        const clusterSize = spec.clusterSize ?? 3;
        // A RedisCluster runs redisLeader.replicas leaders and redisFollower.replicas followers (both default to clusterSize); its container settings are per role.
        const replicas = owner.kind === 'Redis' ? 1 : owner.kind === 'RedisCluster' ? (spec.redisLeader?.replicas ?? clusterSize) + (spec.redisFollower?.replicas ?? clusterSize) : clusterSize;
        const role = owner.kind === 'RedisCluster' ? (spec.redisLeader ?? {}) : spec;
        const containers: OperatorContainer[] = [
          { name: app, role: 'main', securityContext: role.securityContext, resources: role.resources ?? spec.kubernetesConfig?.resources, readinessProbe: role.readinessProbe, livenessProbe: role.livenessProbe, probesConfigurable: true },
        ];
        if (spec.redisExporter?.enabled) {
          containers.push({ name: 'redis-exporter', role: 'sidecar', securityContext: spec.redisExporter.securityContext, resources: spec.redisExporter.resources, probesConfigurable: false });
        }
        if (spec.initContainer?.enabled) {
          containers.push({ name: `init${app}`, role: 'init', securityContext: spec.initContainer.securityContext, resources: spec.initContainer.resources, probesConfigurable: false });
        }
        groups.push({
          ...base,
          what: sentinel ? 'sentinels' : owner.kind === 'RedisCluster' ? 'leader and follower pods' : 'redis pods',
          replicas,
          // A RedisCluster's leaders and followers differ in `app` and `role`: only the labels they share are modeled.
          labels: owner.kind === 'RedisCluster' ? { redis_setup_type: setup, ...owner.metadata?.labels } : { app, redis_setup_type: setup, role: setup, ...owner.metadata?.labels },
          securityContext: spec.podSecurityContext,
          containers,
          storageGiB: sentinel ? 0 : toGiB(spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage) + (spec.storage?.nodeConfVolume ? toGiB(spec.storage?.nodeConfVolumeClaimTemplate?.spec?.resources?.requests?.storage) : 0),
          spreadOverNodes: replicas > 1,
          automountToken: mountsToken({ serviceAccountName: spec.serviceAccountName }),
        });
        break;
      }
    }
  }
  return groups;
}
