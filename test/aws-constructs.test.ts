/**
 * The building blocks on their own, outside the ladder: each L3 construct works in a bare
 * stack with its secure defaults, and the product stack validates its deployment options.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { AlarmTopic } from '../constructs/aws/alarm-topic';
import { CacheCluster } from '../constructs/aws/cache-cluster';
import { DatabaseShard } from '../constructs/aws/database-shard';
import { InstanceFleet, parseEcrImage } from '../constructs/aws/instance-fleet';
import { KafkaPipeline } from '../constructs/aws/kafka-pipeline';
import { physicalName } from '../constructs/aws/names';
import { Network } from '../constructs/aws/network';
import { ReaderEndpoint } from '../constructs/aws/reader-endpoint';
import { SloAlarms } from '../constructs/aws/slo-alarms';
import { ProductStack } from '../blueprints/aws/product-stack';
import { TEST_PROFILE_FILE } from './support/paths';

function bareStack() {
  const stack = new Stack(new App(), 'Bare', { env: { region: 'eu-central-1' } });
  const network = new Network(stack, 'Network', { zones: 2 });
  const alarms = new AlarmTopic(stack, 'Alarms');
  return { stack, vpc: network.vpc, alarms };
}

describe('DatabaseShard on its own', () => {
  const { stack, vpc, alarms } = bareStack();
  const shard = new DatabaseShard(stack, 'Orders', {
    vpc,
    alarms,
    shardId: 0,
    identifierPrefix: 'orders',
    engineVersion: '16',
    instanceClass: 'db.m7g.large',
    allocatedStorageGiB: 50,
    readReplicas: 2,
  });
  const template = Template.fromStack(stack);

  test('creates its own key, security group, subnet group and monitoring role, with secure defaults', () => {
    template.resourceCountIs('AWS::KMS::Key', 2); // the shard's and the alarm topic's
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'orders-shard0',
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      MaxAllocatedStorage: 100,
      ManageMasterUserPassword: true,
    });
    template.resourceCountIs('AWS::RDS::DBSubnetGroup', 1);
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] }) });
  });

  test('without a zone, the reader is a replica endpoint and no DNS records exist', () => {
    expect(shard.readerHostname).toBe(shard.replicas[0].dbInstanceEndpointAddress);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::RDS::DBInstance', 3);
  });

  test('replicas land in the zones that have subnets, never in a reserved one', () => {
    const zones = Object.values<any>(template.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone).filter(Boolean);
    expect(zones.sort()).toEqual(['eu-central-1a', 'eu-central-1b']);
  });
});

test('ReaderEndpoint: equal weights over healthy replicas, a zero-weight fallback', () => {
  const { stack, vpc } = bareStack();
  const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'example.internal', vpc });
  const endpoint = new ReaderEndpoint(stack, 'Reader', {
    zone,
    recordName: 'reader.db',
    targets: [
      { id: 'A', hostname: 'a.example.com' },
      { id: 'B', hostname: 'b.example.com' },
    ],
    fallbackHostname: 'primary.example.com',
  });
  expect(endpoint.hostname).toBe('reader.db.example.internal');
  const records = Object.values<any>(Template.fromStack(stack).findResources('AWS::Route53::RecordSet')).map((r) => [r.Properties.ResourceRecords[0], r.Properties.Weight]);
  expect(records.sort()).toEqual([
    ['a.example.com', 1],
    ['b.example.com', 1],
    ['primary.example.com', 0],
  ]);
});

test('SloAlarms on any load balancer, with its own burn rates', () => {
  const { stack, vpc, alarms } = bareStack();
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
  const slo = new SloAlarms(stack, 'Slo', {
    loadBalancer: alb,
    alarms,
    availabilityPercent: 99.99,
    burnRates: [{ name: 'page', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), errorRatioThreshold: 0.00144 }],
    p99Latency: Duration.millis(250),
  });
  const template = Template.fromStack(stack);
  expect(slo.burnRateAlarms).toHaveLength(1);
  template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0.00144, AlarmActions: Match.absent() });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TargetResponseTime', Threshold: 0.25 });
});

test('guard rails: a cache needs a replica for failover, Kafka brokers must divide over the zones', () => {
  const { stack, vpc, alarms } = bareStack();
  expect(() => new CacheCluster(stack, 'Cache', { vpc, alarms, namePrefix: 'x', nodeType: 'cache.m7g.large', nodes: 1 })).toThrow(/at least 2 nodes/);
  expect(
    () =>
      new KafkaPipeline(stack, 'Kafka', {
        vpc,
        alarms,
        namePrefix: 'x',
        brokerType: 'kafka.m7g.large',
        brokers: 3,
        storageGiBPerBroker: 100,
        topic: 'jobs',
        partitions: 12,
        retention: Duration.days(1),
        consumerGroup: 'workers',
        consumerLagAlarmMessages: 100,
        maxTimeLag: Duration.minutes(1),
      }),
  ).toThrow(/not a multiple of the 2 zones/);
});

test('physicalName: stable, valid, unique when cut', () => {
  expect(physicalName(['Growing Shop', 'cache'], 40)).toBe('growing-shop-cache');
  const long = physicalName(['a'.repeat(38), 'cache-default'], 40);
  expect(long).toHaveLength(40);
  expect(long).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
  expect(long).not.toBe(physicalName(['a'.repeat(38), 'cache-app'], 40));
  expect(physicalName(['a'.repeat(38), 'cache-default'], 40)).toBe(long);
});

describe('ProductStack options', () => {
  const plan = computePlan(loadProfile(TEST_PROFILE_FILE), 'sharded');
  const stack = (options: Record<string, unknown>) => new ProductStack(new App(), 'P', { plan, env: { region: plan.region }, ...options });

  test('reject values that would deploy something else than asked', () => {
    expect(() => stack({ activeShards: 0 })).toThrow(/activeShards: expected a whole number from 1 to 2/);
    expect(() => stack({ natStrategy: 'none' })).toThrow(/natStrategy/);
    expect(() => stack({ certificateArn: 'my-cert' })).toThrow(/certificateArn/);
  });

  test('natStrategy single: one NAT gateway for all zones', () => {
    Template.fromStack(stack({ natStrategy: 'single' })).resourceCountIs('AWS::EC2::NatGateway', 1);
  });
});

test('a fleet running an ECR image logs in to ECR and may pull that repository only', () => {
  const { stack, vpc, alarms } = bareStack();
  const image = '111122223333.dkr.ecr.eu-central-1.amazonaws.com/shop/web:1.4.2';
  const fleet = new InstanceFleet(stack, 'Fleet', { vpc, alarms, instanceType: 'm7g.large', minCapacity: 2, maxCapacity: 4, container: { image, port: 8080 } });
  expect(parseEcrImage(image)).toEqual({ registry: '111122223333.dkr.ecr.eu-central-1.amazonaws.com', account: '111122223333', region: 'eu-central-1', repository: 'shop/web' });
  expect(parseEcrImage('nginxinc/nginx-unprivileged:1.27-alpine')).toBeUndefined();
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':ecr:eu-central-1:111122223333:repository/shop/web'])] }) }),
        Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
      ]),
    },
  });
  expect(JSON.stringify(stack.resolve(fleet.userData.render()))).toContain('docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-central-1.amazonaws.com');
});
