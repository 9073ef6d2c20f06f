/**
 * What is deployed, read back from what was deployed: the CloudFormation template a stack runs
 * (AwsApi.deployedTemplate) or the objects a namespace runs (the deploy record, or live objects
 * from kubectl). The result is core's DeployedSizes, the floor a new plan keeps (core/floor.ts).
 * Only stagekit's own resources are read (by their stable logical IDs and object names).
 */
import { DeployedSizes } from '../core/floor';
import type { StageName } from '../core/ladder';
import { gibibytes } from './k8s/changes';
import type { KubeObject } from './k8s/objects';

/** A shard's primary: in the product stack (shards 0-15), or in a shard group's nested stack as the flattened template names it. */
const SHARD_PRIMARY = /^(?:Database|DatabaseShardGroup\d+NestedStack\w+\/)Shard(\d+)Primary[0-9A-F]{8}$/;

/** Sizes of the stateful resources in a deployed stagekit template. */
export function sizesFromTemplate(template: any, product: string, stage: StageName): DeployedSizes {
  const resources: Record<string, any> = template?.Resources ?? {};
  const shards: number[] = [];
  let serverDataVolumeGiB: number | undefined;
  let cache: { type?: string; nodes?: number; zones?: number } = {};
  let kafka: { brokers?: number; storage?: number; zones?: number } = {};
  let publicSubnets = 0;
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource?.Properties ?? {};
    switch (resource?.Type) {
      case 'AWS::RDS::DBInstance': {
        const shard = SHARD_PRIMARY.exec(id);
        if (shard && props.SourceDBInstanceIdentifier === undefined && Number(props.AllocatedStorage) > 0) shards[Number(shard[1])] = Number(props.AllocatedStorage);
        break;
      }
      case 'AWS::EC2::Volume':
        if (id.startsWith('SingleServerDataVolume') && Number(props.Size) > 0) serverDataVolumeGiB = Number(props.Size);
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        cache = { type: props.CacheNodeType, nodes: numberOr(props.NumCacheClusters), zones: Array.isArray(props.PreferredCacheClusterAZs) ? props.PreferredCacheClusterAZs.length : undefined };
        break;
      case 'AWS::MSK::Cluster': {
        const group = props.BrokerNodeGroupInfo ?? {};
        kafka = {
          brokers: numberOr(props.NumberOfBrokerNodes),
          storage: numberOr(group.StorageInfo?.EBSStorageInfo?.VolumeSize),
          zones: Array.isArray(group.ClientSubnets) ? group.ClientSubnets.length : undefined,
        };
        break;
      }
      case 'AWS::EC2::Subnet':
        if ((props.Tags ?? []).some((t: any) => t?.Key === 'aws-cdk:subnet-type' && t?.Value === 'Public')) publicSubnets++;
        break;
      default:
        break;
    }
  }
  const zones = stage === 'single-server' ? 1 : (cache.zones ?? kafka.zones ?? (publicSubnets || 0));
  return clean({
    product,
    stage,
    zones,
    serverDataVolumeGiB,
    databaseStorageGiB: shards.length ? Array.from({ length: shards.length }, (_, i) => shards[i] ?? 0) : undefined,
    cacheNodeType: cache.type,
    cacheNodes: cache.nodes,
    kafkaBrokers: kafka.brokers,
    kafkaStorageGiBPerBroker: kafka.storage,
  });
}

const CNPG_SHARD = /^postgres(?:-shard-(\d+))?$/;

/**
 * Sizes of the stateful objects a namespace runs. `objects` may be what stagekit applied (the
 * deploy record) or live objects (`kubectl get -o json`): a live claim of the single server
 * (`data-postgres-0`), grown by PVC expansion, counts over its StatefulSet's template.
 */
export function sizesFromObjects(objects: readonly KubeObject[], product: string, stage: StageName): DeployedSizes {
  const shards: number[] = [];
  let serverClaimTemplateGiB: number | undefined;
  let serverClaimGiB: number | undefined;
  let cache: { nodes?: number; storage?: number } = {};
  let kafka: { brokers?: number; storage?: number; partitions?: number } = {};
  let dlqPartitions: number | undefined;
  for (const kubeObject of objects) {
    const spec = kubeObject.spec ?? {};
    const name = kubeObject.metadata?.name ?? '';
    const group = kubeObject.apiVersion.split('/')[0];
    if (kubeObject.kind === 'StatefulSet' && name === 'postgres') {
      serverClaimTemplateGiB = gibibytes(spec.volumeClaimTemplates?.find((t: any) => t?.metadata?.name === 'data')?.spec?.resources?.requests?.storage);
    } else if (kubeObject.kind === 'PersistentVolumeClaim' && name === 'data-postgres-0') {
      serverClaimGiB = gibibytes(kubeObject.status?.capacity?.storage) ?? gibibytes(spec.resources?.requests?.storage);
    } else if (kubeObject.kind === 'Cluster' && group === 'postgresql.cnpg.io') {
      const shard = CNPG_SHARD.exec(name);
      const size = gibibytes(spec.storage?.size);
      if (shard && size) shards[Number(shard[1] ?? 0)] = size;
    } else if (kubeObject.kind === 'RedisReplication' && name === 'cache') {
      cache = { nodes: numberOr(spec.clusterSize), storage: gibibytes(spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage) };
    } else if (kubeObject.kind === 'KafkaNodePool' && (spec.roles ?? []).includes('broker')) {
      const volume = spec.storage?.type === 'jbod' ? spec.storage.volumes?.find((v: any) => v?.id === 0) : spec.storage;
      kafka = { ...kafka, brokers: numberOr(spec.replicas), storage: gibibytes(volume?.size) };
    } else if (kubeObject.kind === 'KafkaTopic' && group === 'kafka.strimzi.io') {
      if (name.endsWith('-dlq')) dlqPartitions = numberOr(spec.partitions);
      else kafka = { ...kafka, partitions: numberOr(spec.partitions) };
    }
  }
  // The zones of a Kubernetes stage: one cache node per zone, one dead-letter partition per zone.
  const zones = stage === 'single-server' ? 1 : (cache.nodes ?? dlqPartitions ?? 0);
  return clean({
    product,
    stage,
    zones,
    serverDataVolumeGiB: serverClaimTemplateGiB === undefined ? undefined : Math.max(serverClaimTemplateGiB, serverClaimGiB ?? 0),
    serverClaimTemplateGiB,
    databaseStorageGiB: shards.length ? Array.from({ length: shards.length }, (_, i) => shards[i] ?? 0) : undefined,
    cacheNodes: cache.nodes,
    cacheClaimTemplateGiB: cache.storage,
    kafkaBrokers: kafka.brokers,
    kafkaStorageGiBPerBroker: kafka.storage,
    kafkaPartitions: kafka.partitions,
  });
}

function numberOr(value: unknown): number | undefined {
  const numeric = typeof value === 'string' ? Number(value) : value;
  return typeof numeric === 'number' && Number.isFinite(numeric) ? numeric : undefined;
}

function clean(sizes: DeployedSizes): DeployedSizes {
  return Object.fromEntries(Object.entries(sizes).filter(([, v]) => v !== undefined)) as unknown as DeployedSizes;
}
