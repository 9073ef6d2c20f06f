/**
 * Upgrade safety: what a stack update would do to the resources that hold data.
 *
 * `statefulRisks(deployed, next)` compares two CloudFormation templates with
 * `@aws-cdk/cloudformation-diff` (the engine behind `cdk diff`) and reports every stateful
 * resource (databases, caches, queues, Kafka, volumes, secrets, keys, buckets, log groups...)
 * that the update would replace, remove, or leave less protected. A removal is data loss
 * only when the resource's DeletionPolicy lets CloudFormation delete it; one with Retain
 * or Snapshot is reported as retained or snapshotted, which is how a stage hands a
 * resource over to a runbook (the single server's data volume on the move to split-tier).
 *
 * `stagekit plan` and `stagekit deploy` use it to flag and refuse risky moves; the AWS
 * tests use it to prove that every step up the ladder keeps every stateful resource.
 *
 *   const risks = statefulRisks(deployedTemplate, newTemplate);
 *   if (dataLossRisks(risks).length) throw new Error(formatRisks(risks));
 */
import { ResourceDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { templateDiff } from './template-diff';
import createOnly from '../../data/aws/create-only-properties.json';

/**
 * Nested properties whose change replaces the resource ("yes") or may ("maybe"), per type, from
 * @aws-cdk/aws-service-spec (extracted by scripts/write-create-only.ts: the database takes seconds
 * to load). cloudformation-diff judges top-level properties only, so a change of, say, an MSK
 * cluster's BrokerNodeGroupInfo.ClientSubnets would otherwise pass as an in-place update.
 */
const NESTED_REPLACEMENT_PATHS: Readonly<Record<string, ReadonlyArray<[string[], 'yes' | 'maybe']>>> = Object.fromEntries(
  Object.entries(createOnly.resourceTypes as Record<string, Record<string, 'yes' | 'maybe'>>).map(([type, paths]) => [
    type,
    Object.entries(paths)
      .map(([p, how]) => [p.split('.'), how] as [string[], 'yes' | 'maybe'])
      .filter(([segments]) => segments.length > 1),
  ]),
);

/** The values at a property path ('*' stands for every element of an array or map), as JSON for comparison. */
function valuesAt(node: unknown, segments: readonly string[]): string {
  const out: unknown[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth === segments.length) return void out.push(value);
    if (value === null || typeof value !== 'object') return void out.push(undefined);
    if (segments[depth] === '*') {
      for (const element of Object.values(value as object)) walk(element, depth + 1);
      return;
    }
    walk((value as any)[segments[depth]], depth + 1);
  };
  walk(node, 0);
  return JSON.stringify(out);
}

/** Nested create-only properties that differ between two versions of a resource's Properties. */
export function changedNestedCreateOnly(type: string, oldProperties: unknown, newProperties: unknown): Array<{ path: string; replacement: 'yes' | 'maybe' }> {
  return (NESTED_REPLACEMENT_PATHS[type] ?? [])
    .filter(([segments]) => valuesAt(oldProperties, segments) !== valuesAt(newProperties, segments))
    .map(([segments, replacement]) => ({ path: segments.join('.'), replacement }));
}

/**
 * Resource types whose removal or replacement loses data (or the key to it), with what
 * they hold. Extend it through `StatefulRisksOptions.statefulTypes`.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'database instance',
  'AWS::RDS::DBCluster': 'database cluster',
  'AWS::ElastiCache::ReplicationGroup': 'cache replication group',
  'AWS::ElastiCache::CacheCluster': 'cache cluster',
  'AWS::ElastiCache::ServerlessCache': 'serverless cache',
  'AWS::SQS::Queue': 'queue (its messages)',
  'AWS::MSK::Cluster': 'Kafka cluster',
  'AWS::MSK::ServerlessCluster': 'Kafka cluster',
  'AWS::MSK::Topic': 'Kafka topic (its messages)',
  'AWS::Kinesis::Stream': 'stream',
  'AWS::EC2::Volume': 'EBS volume',
  'AWS::EFS::FileSystem': 'file system',
  'AWS::DynamoDB::Table': 'table',
  'AWS::DynamoDB::GlobalTable': 'table',
  'AWS::S3::Bucket': 'bucket',
  'AWS::SecretsManager::Secret': 'secret',
  'AWS::KMS::Key': 'encryption key (data encrypted under it becomes unreadable)',
  'AWS::Backup::BackupVault': 'backup vault (its recovery points)',
  'AWS::Logs::LogGroup': 'log group',
  'AWS::OpenSearchService::Domain': 'search domain',
};

/**
 * The property that names a resource, for types that have one. A removed resource whose
 * name reappears on an added resource of the same type has moved to a new logical ID (a
 * renamed construct): CloudFormation treats that as a new, empty resource.
 */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::CacheCluster': 'ClusterName',
  'AWS::MSK::Cluster': 'ClusterName',
  'AWS::MSK::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::OpenSearchService::Domain': 'DomainName',
};

/**
 * What the update does to a stateful resource.
 * - `replaced`: CloudFormation creates a new, empty resource and deletes (or, under its
 *   UpdateReplacePolicy, keeps) the old one: the application loses its data either way.
 *   Also reported when a named resource moves to a new logical ID (a renamed construct).
 * - `may-be-replaced`: a property changes that forces replacement in some cases (the
 *   resource specification says "conditional"), or changes to a value only known at deploy
 *   time. Counted as data loss until a change set against the account says otherwise.
 * - `destroyed`: removed from the template with no Retain/Snapshot policy: deleted.
 * - `retained`: removed, DeletionPolicy Retain: left in the account, outside the stack.
 * - `snapshotted`: removed, DeletionPolicy Snapshot: a final snapshot, then deleted.
 * - `replica-removed`: a database read replica removed: a copy of its primary, no data lost.
 * - `protection-weakened`: kept, but its DeletionPolicy or UpdateReplacePolicy now allows
 *   deletion where it did not before.
 */
export type RiskKind = 'replaced' | 'may-be-replaced' | 'destroyed' | 'retained' | 'snapshotted' | 'replica-removed' | 'protection-weakened' | 'shrink-rejected';

/**
 * Sizes the service can only grow: CloudFormation would start the update and the service refuse
 * it (a failed update and a rollback), so a smaller value is reported before deploying.
 */
const GROW_ONLY_PROPERTIES: Readonly<Record<string, ReadonlyArray<{ path: string[]; why: string }>>> = {
  'AWS::RDS::DBInstance': [{ path: ['AllocatedStorage'], why: 'RDS cannot reduce allocated storage (only grow it, by at least 10%)' }],
  'AWS::EC2::Volume': [{ path: ['Size'], why: 'an EBS volume cannot shrink' }],
  'AWS::MSK::Cluster': [
    { path: ['BrokerNodeGroupInfo', 'StorageInfo', 'EBSStorageInfo', 'VolumeSize'], why: 'MSK broker storage cannot shrink' },
    { path: ['NumberOfBrokerNodes'], why: 'an MSK cluster update only adds brokers (removing one needs its partitions moved off first)' },
  ],
};

function numberAt(node: any, path: readonly string[]): number | undefined {
  for (const key of path) node = node?.[key];
  const numeric = typeof node === 'string' ? Number(node) : node;
  return typeof numeric === 'number' && Number.isFinite(numeric) ? numeric : undefined;
}

export interface Risk {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly kind: RiskKind;
  /** True when the application would (or may) lose data: a replacement, a possible replacement, or a deletion without a snapshot. */
  readonly dataLoss: boolean;
  /** The CDK construct path (from `aws:cdk:path` metadata), when the template has it. */
  readonly path?: string;
  /** For replacements: the properties whose change forces it. */
  readonly causes?: readonly string[];
  /** The DeletionPolicy (removals) or UpdateReplacePolicy (replacements) that applies. */
  readonly policy?: string;
  /** One line for a human. */
  readonly message: string;
}

export interface StatefulRisksOptions {
  /** Resource types to treat as stateful, with a description. @default STATEFUL_RESOURCE_TYPES */
  readonly statefulTypes?: Readonly<Record<string, string>>;
}

type Template = { [key: string]: any };

/** Every stateful resource that the update from `oldTemplate` to `newTemplate` replaces, removes or exposes. */
export function statefulRisks(oldTemplate: Template, newTemplate: Template, options: StatefulRisksOptions = {}): Risk[] {
  const types = options.statefulTypes ?? STATEFUL_RESOURCE_TYPES;
  const diff = templateDiff(oldTemplate, newTemplate);
  const risks: Risk[] = [];
  // Names of the stateful resources this update adds, to spot a resource moving to a new logical ID.
  const addedNames = new Map<string, string>();
  diff.resources.forEachDifference((logicalId: string, change: ResourceDifference) => {
    const type = change.newResourceType;
    const nameProperty = type ? NAME_PROPERTIES[type] : undefined;
    const name = nameProperty ? change.newValue?.Properties?.[nameProperty] : undefined;
    if (change.isAddition && type && types[type] && name !== undefined) addedNames.set(`${type} ${JSON.stringify(name)}`, logicalId);
  });
  diff.resources.forEachDifference((logicalId: string, change: ResourceDifference) => {
    const type = change.oldResourceType ?? change.newResourceType;
    if (!type || !types[type] || change.isAddition) return;
    const what = types[type];
    const old = change.oldValue!;
    const path: string | undefined = old.Metadata?.['aws:cdk:path'];
    const where = path ? `${logicalId} (${path})` : logicalId;
    const base = { logicalId, resourceType: type, ...(path ? { path } : {}) };

    if (change.isRemoval) {
      const policy: string = old.DeletionPolicy ?? 'Delete';
      const nameProperty = NAME_PROPERTIES[type];
      const name = nameProperty ? old.Properties?.[nameProperty] : undefined;
      const movedTo = name !== undefined ? addedNames.get(`${type} ${JSON.stringify(name)}`) : undefined;
      if (movedTo) {
        risks.push({
          ...base,
          kind: 'replaced',
          dataLoss: true,
          causes: ['logical ID'],
          policy,
          message: `${where}: ${what} moves to a new logical ID (${movedTo}): CloudFormation creates a new, empty one named ${JSON.stringify(name)} (which fails while the old one holds the name) and removes the old one (DeletionPolicy ${policy})`,
        });
      } else if (type === 'AWS::RDS::DBInstance' && old.Properties?.SourceDBInstanceIdentifier !== undefined) {
        risks.push({ ...base, kind: 'replica-removed', dataLoss: false, policy, message: `${where}: read replica removed (a copy of its primary; no data lost)` });
      } else if (policy === 'Retain' || policy === 'RetainExceptOnCreate') {
        risks.push({ ...base, kind: 'retained', dataLoss: false, policy, message: `${where}: ${what} removed from the stack and retained in the account (DeletionPolicy ${policy})` });
      } else if (policy === 'Snapshot') {
        risks.push({ ...base, kind: 'snapshotted', dataLoss: false, policy, message: `${where}: ${what} deleted after a final snapshot (DeletionPolicy Snapshot)` });
      } else {
        risks.push({ ...base, kind: 'destroyed', dataLoss: true, policy, message: `${where}: ${what} DELETED with its data (DeletionPolicy ${policy})` });
      }
      return;
    }

    const nested = change.isUpdate ? changedNestedCreateOnly(type, old.Properties, change.newValue?.Properties) : [];
    let impact = change.changeImpact;
    if (nested.some((n) => n.replacement === 'yes')) impact = ResourceImpact.WILL_REPLACE;
    else if (nested.length && impact !== ResourceImpact.WILL_REPLACE) impact = ResourceImpact.MAY_REPLACE;
    if (impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE) {
      const causes: string[] = [];
      if (change.resourceTypeChanged) causes.push('Type');
      for (const [name, prop] of Object.entries(change.propertyUpdates)) {
        if (prop.changeImpact === ResourceImpact.WILL_REPLACE || prop.changeImpact === ResourceImpact.MAY_REPLACE) causes.push(name);
      }
      for (const nestedCause of nested) if (!causes.includes(nestedCause.path)) causes.push(nestedCause.path);
      const policy: string = change.newValue?.UpdateReplacePolicy ?? 'Delete';
      const oldCopy = policy === 'Retain' ? 'the old one is retained' : policy === 'Snapshot' ? 'the old one is snapshotted, then deleted' : 'the old one is DELETED';
      const will = impact === ResourceImpact.WILL_REPLACE;
      risks.push({
        ...base,
        kind: will ? 'replaced' : 'may-be-replaced',
        dataLoss: true,
        causes,
        policy,
        message: `${where}: ${what} ${will ? 'REPLACED' : 'may be replaced'} by a new, empty one (${causes.join(', ') || 'unknown cause'} changed); ${oldCopy}`,
      });
      return;
    }

    for (const { path: sizePath, why } of GROW_ONLY_PROPERTIES[type] ?? []) {
      const from = numberAt(old.Properties, sizePath);
      const to = numberAt(change.newValue?.Properties, sizePath);
      if (from !== undefined && to !== undefined && to < from) {
        risks.push({
          ...base,
          kind: 'shrink-rejected',
          dataLoss: false,
          causes: [sizePath.join('.')],
          message: `${where}: ${what} ${sizePath.join('.')} ${from} -> ${to}: ${why}; the update would fail and roll back`,
        });
      }
    }

    const weakened = (attribute: 'DeletionPolicy' | 'UpdateReplacePolicy') =>
      protects(old[attribute]) && !protects(change.newValue?.[attribute]) ? `${attribute} ${old[attribute]} -> ${change.newValue?.[attribute] ?? 'Delete'}` : undefined;
    const loosened = [weakened('DeletionPolicy'), weakened('UpdateReplacePolicy')].filter((x): x is string => Boolean(x));
    if (loosened.length) {
      risks.push({ ...base, kind: 'protection-weakened', dataLoss: false, message: `${where}: ${what} kept, but ${loosened.join(' and ')}: a later removal would delete it` });
    }
  });
  return risks.sort((a, b) => Number(b.dataLoss) - Number(a.dataLoss) || a.logicalId.localeCompare(b.logicalId));
}

/** The risks that lose data: replacements (certain or possible) and deletions without a snapshot. */
export function dataLossRisks(risks: readonly Risk[]): Risk[] {
  return risks.filter((r) => r.dataLoss);
}

/** One line per risk, data loss first, for terminals and pull requests. */
export function formatRisks(risks: readonly Risk[]): string {
  if (!risks.length) return 'No stateful resource is replaced or removed.';
  return risks.map((r) => `${r.dataLoss ? 'DATA LOSS' : 'note'}  [${r.kind}] ${r.message}`).join('\n');
}

function protects(policy: unknown): boolean {
  return policy === 'Retain' || policy === 'RetainExceptOnCreate' || policy === 'Snapshot';
}
