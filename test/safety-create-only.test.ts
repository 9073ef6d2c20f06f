/**
 * The safety check knows create-only properties, nested ones included (from
 * @aws-cdk/aws-service-spec), sizes a service cannot shrink, and the Kubernetes fields
 * the API server or an operator refuses to change.
 */
import createOnly from '../data/aws/create-only-properties.json';
import { changedNestedCreateOnly, statefulRisks } from '../deploy/aws/upgrade-safety';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { immutableFieldProblems } from '../deploy/k8s/changes';

const template = (type: string, properties: object) => ({ Resources: { Thing: { Type: type, Properties: properties, DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' } } });

const msk = (subnets: string[], brokers = 4, volume = 100) => ({
  ClusterName: 'growing-shop-kafka',
  KafkaVersion: '3.8.x',
  NumberOfBrokerNodes: brokers,
  BrokerNodeGroupInfo: {
    InstanceType: 'kafka.m7g.large',
    ClientSubnets: subnets.map((s) => ({ Ref: s })),
    StorageInfo: { EBSStorageInfo: { VolumeSize: volume } },
  },
});

describe('AWS: create-only properties from the CloudFormation resource specification', () => {
  test('the extract carries the nested facts the issue names, with its source', () => {
    expect(createOnly.source).toMatch(/@aws-cdk\/aws-service-spec \d/);
    expect((createOnly.resourceTypes as any)['AWS::MSK::Cluster']['BrokerNodeGroupInfo.ClientSubnets']).toBe('yes');
    expect((createOnly.resourceTypes as any)['AWS::ElastiCache::ReplicationGroup']['PreferredCacheClusterAZs']).toBe('yes');
  });

  test('MSK BrokerNodeGroupInfo.ClientSubnets (nested, create-only): a third zone replaces the cluster', () => {
    const risks = statefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', msk(['A', 'B', 'C'], 6)));
    expect(risks).toEqual([expect.objectContaining({ kind: 'replaced', dataLoss: true, causes: expect.arrayContaining(['BrokerNodeGroupInfo.ClientSubnets']) })]);
    expect(awsStatefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', msk(['A', 'B', 'C'])))[0].severity).toBe('data-loss');
  });

  test('an in-place MSK change (instance type) is not a replacement', () => {
    const next = msk(['A', 'B']);
    next.BrokerNodeGroupInfo.InstanceType = 'kafka.m7g.xlarge';
    expect(statefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', next))).toEqual([]);
    expect(changedNestedCreateOnly('AWS::MSK::Cluster', msk(['A', 'B']), next)).toEqual([]);
  });

  test('ElastiCache PreferredCacheClusterAZs changes: the fixed-name cache is replaced', () => {
    const cache = (azs: string[]) => ({ ReplicationGroupId: 'growing-shop-cache', ReplicationGroupDescription: 'cache', NumCacheClusters: azs.length, PreferredCacheClusterAZs: azs, Engine: 'valkey' });
    const risks = statefulRisks(template('AWS::ElastiCache::ReplicationGroup', cache(['a', 'b'])), template('AWS::ElastiCache::ReplicationGroup', cache(['a', 'b', 'c'])));
    expect(risks[0]).toEqual(expect.objectContaining({ kind: 'replaced', causes: expect.arrayContaining(['PreferredCacheClusterAZs']) }));
  });

  test('shrinks the service refuses: RDS storage, MSK broker storage and broker count', () => {
    const rds = (gib: string) => ({ DBInstanceIdentifier: 'db', Engine: 'postgres', DBInstanceClass: 'db.m7g.large', AllocatedStorage: gib });
    const shrink = awsStatefulRisks(template('AWS::RDS::DBInstance', rds('760')), template('AWS::RDS::DBInstance', rds('370')));
    expect(shrink).toEqual([expect.objectContaining({ severity: 'rejected', reason: expect.stringContaining('AllocatedStorage 760 -> 370') })]);
    expect(awsStatefulRisks(template('AWS::RDS::DBInstance', rds('370')), template('AWS::RDS::DBInstance', rds('760')))).toEqual([]);
    const kafka = awsStatefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'], 4, 200)), template('AWS::MSK::Cluster', msk(['A', 'B'], 2, 100)));
    expect(kafka.map((r) => r.reason).join('\n')).toMatch(/VolumeSize 200 -> 100[\s\S]*NumberOfBrokerNodes 4 -> 2|NumberOfBrokerNodes 4 -> 2[\s\S]*VolumeSize 200 -> 100/);
    expect(kafka.every((r) => r.severity === 'rejected')).toBe(true);
  });
});

describe('Kubernetes: fields the API server or the operator refuses', () => {
  const obj = (apiVersion: string, kind: string, spec: object) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'shop' }, spec });

  test('StatefulSet volumeClaimTemplates growth is rejected (grow the claims instead)', () => {
    const sts = (size: string) => obj('apps/v1', 'StatefulSet', { replicas: 1, selector: { matchLabels: { app: 'pg' } }, template: {}, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: size } } } }] });
    expect(immutableFieldProblems(sts('760Gi'), sts('1510Gi'))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.volumeClaimTemplates' })]);
  });

  test('a Deployment selector change is rejected', () => {
    const d = (app: string) => obj('apps/v1', 'Deployment', { selector: { matchLabels: { app } }, template: {} });
    expect(immutableFieldProblems(d('web'), d('web2'))[0]).toEqual(expect.objectContaining({ severity: 'rejected', field: 'spec.selector' }));
  });

  test('Strimzi: fewer brokers in a node pool is refused; CloudNativePG: storage cannot shrink', () => {
    const pool = (replicas: number) => obj('kafka.strimzi.io/v1', 'KafkaNodePool', { replicas, roles: ['broker'], storage: { type: 'persistent-claim', size: '100Gi' } });
    expect(immutableFieldProblems(pool(4), pool(3))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.replicas' })]);
    expect(immutableFieldProblems(pool(3), pool(4))).toEqual([]);
    const cluster = (size: string) => obj('postgresql.cnpg.io/v1', 'Cluster', { instances: 2, storage: { size } });
    expect(immutableFieldProblems(cluster('760Gi'), cluster('370Gi'))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.storage.size' })]);
  });
});
