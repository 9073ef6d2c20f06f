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
import { fullDiff, ResourceDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';

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
export type RiskKind = 'replaced' | 'may-be-replaced' | 'destroyed' | 'retained' | 'snapshotted' | 'replica-removed' | 'protection-weakened';

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
  const diff = fullDiff(oldTemplate, newTemplate);
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

    const impact = change.changeImpact;
    if (impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE) {
      const causes: string[] = [];
      if (change.resourceTypeChanged) causes.push('Type');
      for (const [name, prop] of Object.entries(change.propertyUpdates)) {
        if (prop.changeImpact === ResourceImpact.WILL_REPLACE || prop.changeImpact === ResourceImpact.MAY_REPLACE) causes.push(name);
      }
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
