/**
 * The construct library as users import it: the constructs in their own apps, every prop documented, and no import running back up a layer.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { CacheCluster, DatabaseShard, KafkaPipeline, SingleServer, SqsWorkQueue, WebTier, WorkerFleet } from '../constructs/aws';
import { PostgresCluster, QueueWorker, ReplicatedCache, WebApp } from '../constructs/k8s';
import { LAYERS, layerViolations, packageImports, relativeImports, sourceFiles } from './support/layers';
import { ROOT } from './support/paths';

/** The constructs as a user's own app uses them: their VPC, their topic, their settings. */
describe('library-constructs', () => {
  const userStack = () => {
    const stack = new Stack(new App(), 'UserStack', { env: { region: 'eu-west-1' } });
    return { stack, vpc: new ec2.Vpc(stack, 'Vpc'), topic: new sns.Topic(stack, 'Pager') };
  };
  const alarmsOf = (t: Template) => Object.values(t.toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');

  describe('DatabaseShard in a user stack', () => {
    test('a plain new ec2.Vpc() (no isolated subnets): the private subnets; the user topic pages', () => {
      const { stack, vpc, topic } = userStack();
      const db = new DatabaseShard(stack, 'Db', { vpc, alarms: topic, readReplicas: 2 });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::RDS::DBInstance', 3);
      const group = Object.values(t.findResources('AWS::RDS::DBSubnetGroup'))[0] as any;
      const privateIds = vpc.privateSubnets.map((s) => stack.resolve(s.subnetId));
      expect(group.Properties.SubnetIds).toEqual(privateIds);
      const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
      const alarms = alarmsOf(t);
      expect(alarms.length).toBe(db.alarms.length);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
        expect(alarm.Properties.OKActions).toEqual([topicRef]);
      }
      t.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false, StorageEncrypted: true, MultiAZ: true, DeletionProtection: true });
    });

    test('a VPC with public subnets only is refused, naming vpcSubnets', () => {
      const stack = new Stack(new App(), 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      expect(() => new DatabaseShard(stack, 'Db', { vpc })).toThrow(/must not sit in public ones; add private subnets or pass vpcSubnets/);
    });

    test('no destination: alarms exist, with no actions', () => {
      const { stack, vpc } = userStack();
      new DatabaseShard(stack, 'Db', { vpc });
      const alarms = alarmsOf(Template.fromStack(stack));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
    });

    test('an existing object and props for the same resource: an error naming both', () => {
      const { stack, vpc } = userStack();
      const key = new kms.Key(stack, 'Key');
      expect(() => new DatabaseShard(stack, 'Db', { vpc, encryptionKey: key, encryptionKeyProps: { description: 'x' } })).toThrow(
        'DatabaseShard: give encryptionKey (an existing resource) or encryptionKeyProps (settings for the one DatabaseShard creates), not both',
      );
    });

    test('primaryProps is merged, but cannot undo the required wiring', () => {
      const { stack, vpc } = userStack();
      new DatabaseShard(stack, 'Db', { vpc, primaryProps: { publiclyAccessible: true, backupRetention: Duration.days(14) } });
      Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false, BackupRetentionPeriod: 14 });
    });

    test('bad values name the prop, what it expects and what it got', () => {
      const { stack, vpc } = userStack();
      expect(() => new DatabaseShard(stack, 'A', { vpc, readReplicas: 20 })).toThrow('DatabaseShard: readReplicas expects a whole number from 0 to 15 (the RDS limit per primary), got 20');
      expect(() => new DatabaseShard(stack, 'B', { vpc, instanceClass: 'r7g.large' })).toThrow(`DatabaseShard: instanceClass expects an RDS instance class such as 'db.r7g.xlarge', got "r7g.large"`);
    });
  });

  const topicRefOf = (stack: Stack, topic: sns.Topic) => ({ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) });
  const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);

  describe('CacheCluster in a user stack', () => {
    const cache = { namePrefix: 'shop', nodeType: 'cache.r7g.large' };

    test('a plain new ec2.Vpc() (no isolated subnets): the private subnets; the user topic pages', () => {
      const { stack, vpc, topic } = userStack();
      const cluster = new CacheCluster(stack, 'Cache', { vpc, alarms: topic, ...cache });
      const t = Template.fromStack(stack);
      const subnetGroup = Object.values(t.findResources('AWS::ElastiCache::SubnetGroup'))[0] as any;
      expect(subnetGroup.Properties.SubnetIds).toEqual(vpc.privateSubnets.map((subnet) => stack.resolve(subnet.subnetId)));
      const alarms = alarmsOf(t);
      expect(alarms.length).toBe(cluster.alarms.length);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicRefOf(stack, topic)]);
        expect(alarm.Properties.OKActions).toEqual([topicRefOf(stack, topic)]);
      }
      t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { TransitEncryptionMode: 'required', AtRestEncryptionEnabled: true, MultiAZEnabled: true });
    });

    test('a VPC with public subnets only is refused, naming vpcSubnets', () => {
      const stack = new Stack(new App(), 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      expect(() => new CacheCluster(stack, 'Cache', { vpc, ...cache })).toThrow(/CacheCluster: the VPC has no isolated or private subnets.*pass vpcSubnets/);
    });

    test('no destination: alarms exist, with no actions', () => {
      const { stack, vpc } = userStack();
      new CacheCluster(stack, 'Cache', { vpc, ...cache });
      const alarms = alarmsOf(Template.fromStack(stack));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
    });

    test('existing security group, key and log groups are used, none created; allowFrom still opens 6379 on the given group', () => {
      const { stack, vpc } = userStack();
      const sg = new ec2.SecurityGroup(stack, 'CacheSg', { vpc, allowAllOutbound: false });
      const key = new kms.Key(stack, 'CacheKey');
      const slow = new logs.LogGroup(stack, 'Slow');
      const engine = new logs.LogGroup(stack, 'Engine');
      const cluster = new CacheCluster(stack, 'Cache', { vpc, ...cache, securityGroup: sg, encryptionKey: key, slowLogGroup: slow, engineLogGroup: engine });
      expect([cluster.securityGroup, cluster.encryptionKey, cluster.slowLogGroup, cluster.engineLogGroup]).toEqual([sg, key, slow, engine]);
      const app = new ec2.SecurityGroup(stack, 'App', { vpc });
      cluster.allowFrom(app, 'Valkey from the app');
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::SecurityGroup', 2); // the user's two
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.resourceCountIs('AWS::Logs::LogGroup', 2);
      const group = Object.values(t.findResources('AWS::ElastiCache::ReplicationGroup'))[0] as any;
      expect(group.Properties.SecurityGroupIds).toEqual([stack.resolve(sg.securityGroupId)]);
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] });
      expect(group.Properties.LogDeliveryConfigurations.map((c: any) => c.DestinationDetails.CloudWatchLogsDetails.LogGroup)).toEqual([{ Ref: logicalIdOf(stack, slow) }, { Ref: logicalIdOf(stack, engine) }]);
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 6379, GroupId: { 'Fn::GetAtt': [logicalIdOf(stack, sg), 'GroupId'] } });
    });

    test('xProps merge over the defaults; replicationGroupProps cannot undo the required wiring', () => {
      const { stack, vpc } = userStack();
      new CacheCluster(stack, 'Cache', {
        vpc,
        ...cache,
        encryptionKeyProps: { description: 'cache key of the user' },
        securityGroupProps: { description: 'cache of the user', vpc: undefined as any },
        slowLogGroupProps: { retention: logs.RetentionDays.ONE_WEEK },
        replicationGroupProps: { transitEncryptionEnabled: false, atRestEncryptionEnabled: false, snapshotWindow: '01:00-02:00', port: 1 },
      });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::KMS::Key', { Description: 'cache key of the user', EnableKeyRotation: true });
      t.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'cache of the user', VpcId: { Ref: logicalIdOf(stack, vpc) } });
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 }); // the engine log keeps the default
      t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { SnapshotWindow: '01:00-02:00', TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true, Port: 6379 });
    });

    test.each([
      ['encryptionKey', 'encryptionKeyProps'],
      ['securityGroup', 'securityGroupProps'],
      ['slowLogGroup', 'slowLogGroupProps'],
      ['engineLogGroup', 'engineLogGroupProps'],
    ])('%s and %s together is an error naming both', (existing, settings) => {
      const { stack, vpc } = userStack();
      const objects: Record<string, unknown> = {
        encryptionKey: new kms.Key(stack, 'K'),
        securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
        slowLogGroup: new logs.LogGroup(stack, 'Slow'),
        engineLogGroup: new logs.LogGroup(stack, 'Engine'),
      };
      const props = { vpc, ...cache, [existing]: objects[existing], [settings]: {} };
      expect(() => new CacheCluster(stack, 'Cache', props as any)).toThrow(`CacheCluster: give ${existing} (an existing resource) or ${settings} (settings for the one CacheCluster creates), not both`);
    });

    test('bad values name the prop, what it expects and what it got', () => {
      const { stack, vpc } = userStack();
      expect(() => new CacheCluster(stack, 'A', { vpc, ...cache, nodeType: 'r7g.large' })).toThrow(`CacheCluster: nodeType expects an ElastiCache node type such as 'cache.r7g.large', got "r7g.large"`);
      expect(() => new CacheCluster(stack, 'B', { vpc, ...cache, snapshotRetentionDays: 40 })).toThrow('CacheCluster: snapshotRetentionDays expects a whole number of days from 0 to 35, got 40');
    });
  });

  describe('SingleServer in a user stack', () => {
    const server = { instanceType: 't4g.small', dataVolumeGiB: 20, appImage: 'acme/app:1', appPort: 8080, postgresMemoryGiB: 1, redisMemoryGiB: 0.5 };

    test('a plain new ec2.Vpc(): the first public subnet; the user topic gets the paging alarms', () => {
      const { stack, vpc, topic } = userStack();
      const single = new SingleServer(stack, 'Server', { vpc, alarms: topic, ...server });
      const t = Template.fromStack(stack);
      const instance = Object.values(t.findResources('AWS::EC2::Instance'))[0] as any;
      expect(instance.Properties.SubnetId).toEqual(stack.resolve(vpc.publicSubnets[0].subnetId));
      const alarms = alarmsOf(t);
      expect(alarms.length).toBe(single.alarms.length);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual(expect.arrayContaining([topicRefOf(stack, topic)]));
    });

    test('no destination: the alarms exist; only the recovery and reboot actions are wired', () => {
      const { stack, vpc } = userStack();
      new SingleServer(stack, 'Server', { vpc, ...server });
      const alarms = alarmsOf(Template.fromStack(stack));
      expect(alarms.length).toBe(4);
      const actions = alarms.flatMap((alarm) => alarm.Properties.AlarmActions ?? []);
      expect(actions).toHaveLength(2);
      expect(JSON.stringify(actions)).toMatch(/ec2:recover/);
      expect(JSON.stringify(actions)).toMatch(/ec2:reboot/);
    });

    test('vpcSubnets picks the subnet; a selection with none is refused, naming vpcSubnets', () => {
      const { stack, vpc } = userStack();
      new SingleServer(stack, 'Server', { vpc, ...server, vpcSubnets: { subnets: [vpc.publicSubnets[1]] } });
      const t = Template.fromStack(stack);
      const instance = Object.values(t.findResources('AWS::EC2::Instance'))[0] as any;
      expect(instance.Properties.SubnetId).toEqual(stack.resolve(vpc.publicSubnets[1].subnetId));
      const volume = Object.values(t.findResources('AWS::EC2::Volume'))[0] as any;
      expect(volume.Properties.AvailabilityZone).toEqual(stack.resolve(vpc.publicSubnets[1].availabilityZone));
      const isolatedOnly = new Stack(new App(), 'I');
      const closed = new ec2.Vpc(isolatedOnly, 'Vpc', { subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      expect(() => new SingleServer(isolatedOnly, 'Server', { vpc: closed, ...server })).toThrow(/SingleServer: no subnet for the server: the VPC has no public subnets.*pass vpcSubnets/);
    });

    test('an existing security group and key are used, none created; 80 and 443 are still opened on the group', () => {
      const { stack, vpc } = userStack();
      const sg = new ec2.SecurityGroup(stack, 'ServerSg', { vpc });
      const key = new kms.Key(stack, 'DataKey');
      const single = new SingleServer(stack, 'Server', { vpc, ...server, securityGroup: sg, encryptionKey: key });
      expect(single.securityGroup).toBe(sg);
      expect(single.encryptionKey).toBe(key);
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
      t.resourceCountIs('AWS::KMS::Key', 1);
      const group = t.findResources('AWS::EC2::SecurityGroup')[logicalIdOf(stack, sg)] as any;
      expect(group.Properties.SecurityGroupIngress.map((rule: any) => rule.FromPort).sort()).toEqual([443, 80]);
      const keyArn = { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] };
      t.hasResourceProperties('AWS::EC2::Volume', { Encrypted: true, KmsKeyId: keyArn });
      t.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: keyArn });
    });

    test('securityGroupProps and encryptionKeyProps merge over the defaults; the VPC is always vpc', () => {
      const { stack, vpc } = userStack();
      new SingleServer(stack, 'Server', { vpc, ...server, securityGroupProps: { description: 'server of the user', vpc: undefined as any }, encryptionKeyProps: { description: 'server key of the user' } });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'server of the user', VpcId: { Ref: logicalIdOf(stack, vpc) } });
      t.hasResourceProperties('AWS::KMS::Key', { Description: 'server key of the user', EnableKeyRotation: true });
    });

    test.each([
      ['securityGroup', 'securityGroupProps'],
      ['encryptionKey', 'encryptionKeyProps'],
    ])('%s and %s together is an error naming both', (existing, settings) => {
      const { stack, vpc } = userStack();
      const objects: Record<string, unknown> = { securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }), encryptionKey: new kms.Key(stack, 'K') };
      const props = { vpc, ...server, [existing]: objects[existing], [settings]: {} };
      expect(() => new SingleServer(stack, 'Server', props as any)).toThrow(`SingleServer: give ${existing} (an existing resource) or ${settings} (settings for the one SingleServer creates), not both`);
    });

    test('bad values name the prop, what it expects and what it got', () => {
      const { stack, vpc } = userStack();
      expect(() => new SingleServer(stack, 'A', { vpc, ...server, dataVolumeGiB: 0 })).toThrow('SingleServer: dataVolumeGiB expects a whole number of GiB, at least 1, got 0');
      expect(() => new SingleServer(stack, 'B', { vpc, ...server, redisMemoryGiB: -1 })).toThrow('SingleServer: redisMemoryGiB expects a number of GiB above 0, got -1');
    });
  });

  describe('SqsWorkQueue in a user stack', () => {
    test('defaults only: encrypted, TLS-only, a dead-letter queue; alarms to the user topic', () => {
      const { stack, topic } = userStack();
      new SqsWorkQueue(stack, 'Jobs', { alarms: topic, queueProps: { queueName: 'jobs' } });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::SQS::Queue', 2);
      t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'jobs', SqsManagedSseEnabled: true, VisibilityTimeout: 300, RedrivePolicy: { maxReceiveCount: 5 } });
      t.resourceCountIs('AWS::SQS::QueuePolicy', 2);
      expect(alarmsOf(t).every((a) => a.Properties.AlarmActions.length === 1)).toBe(true);
    });

    test('encryption through queueProps is refused (it would bypass encryptionKey)', () => {
      const { stack } = userStack();
      expect(() => new SqsWorkQueue(stack, 'Jobs', { queueProps: { encryption: 0 as any } })).toThrow('queueProps.encryption and deadLetterQueueProps.encryption are not used');
    });
  });

  describe('existingXObj / xProps on the other AWS constructs', () => {
    const web = { image: 'acme/web:1', port: 8080, instanceType: 'm7g.large', minCapacity: 2, maxCapacity: 4, allowHttp: true };

    test('WebTier: an existing load balancer and security group are used, none created', () => {
      const { stack, vpc } = userStack();
      const alb = new elbv2.ApplicationLoadBalancer(stack, 'MyAlb', { vpc, internetFacing: true });
      const sg = new ec2.SecurityGroup(stack, 'MySg', { vpc });
      const tier = new WebTier(stack, 'Web', { vpc, ...web, existingLoadBalancerObj: alb, securityGroup: sg });
      expect(tier.loadBalancer).toBe(alb);
      expect(tier.fleet.securityGroup).toBe(sg);
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
      t.resourceCountIs('AWS::EC2::SecurityGroup', 2); // the user's ALB group and the user's app group
      // The wiring is still applied: the load balancer reaches the app port on the user's group.
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, GroupId: { 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] } });
    });

    test('WebTier: loadBalancerProps and targetGroupProps merge over the defaults; the wiring wins', () => {
      const { stack, vpc } = userStack();
      new WebTier(stack, 'Web', {
        vpc,
        ...web,
        loadBalancerProps: { internetFacing: false, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, idleTimeout: Duration.seconds(120) },
        targetGroupProps: { port: 1, slowStart: Duration.seconds(60) },
      });
      const t = Template.fromStack(stack);
      const lb = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0] as any;
      expect(lb.Properties.Scheme).toBe('internal');
      expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'idle_timeout.timeout_seconds', Value: '120' }, { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]));
      const tg = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0] as any;
      expect(tg.Properties.Port).toBe(8080); // the app port, not the 1 the props asked for
      expect(tg.Properties.TargetGroupAttributes).toEqual(expect.arrayContaining([{ Key: 'slow_start.duration_seconds', Value: '60' }]));
      expect(tg.Properties.HealthCheckIntervalSeconds).toBe(15);
    });

    test('WebTier: an existing target group gets the fleet as its target', () => {
      const { stack, vpc } = userStack();
      const tg = new elbv2.ApplicationTargetGroup(stack, 'MyTargets', { vpc, port: 8080, protocol: elbv2.ApplicationProtocol.HTTP });
      const tier = new WebTier(stack, 'Web', { vpc, ...web, existingTargetGroupObj: tg });
      expect(tier.targetGroup).toBe(tg);
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
      const group = Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'))[0] as any;
      expect(group.Properties.TargetGroupARNs).toEqual([{ Ref: stack.getLogicalId(tg.node.defaultChild as elbv2.CfnTargetGroup) }]);
    });

    test.each([
      ['existingLoadBalancerObj', 'loadBalancerProps'],
      ['existingTargetGroupObj', 'targetGroupProps'],
      ['securityGroup', 'securityGroupProps'],
      ['logGroup', 'logGroupProps'],
    ])('WebTier: %s and %s together is an error naming both', (existing, settings) => {
      const { stack, vpc } = userStack();
      const objects: Record<string, unknown> = {
        existingLoadBalancerObj: new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }),
        existingTargetGroupObj: new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc, port: 80 }),
        securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
        logGroup: new logs.LogGroup(stack, 'Lg'),
      };
      const props = { vpc, ...web, [existing]: objects[existing], [settings]: {} };
      expect(() => new WebTier(stack, 'Web', props as any)).toThrow(new RegExp(`give ${existing} \\(an existing resource\\) or ${settings} \\(settings for the one \\w+ creates\\), not both`));
    });

    test('WorkerFleet: logGroupProps merged (retention), securityGroupProps keep the VPC', () => {
      const { stack, vpc } = userStack();
      const queue = new SqsWorkQueue(stack, 'Jobs');
      new WorkerFleet(stack, 'Workers', {
        vpc,
        instanceType: 'm7g.large',
        minCapacity: 1,
        maxCapacity: 3,
        container: { image: 'acme/worker:1' },
        backlog: queue.metricBacklog(),
        backlogPerWorker: 100,
        logGroupProps: { retention: logs.RetentionDays.THREE_MONTHS },
        securityGroupProps: { description: 'workers of the user', allowAllOutbound: false },
      });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      t.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'workers of the user', VpcId: { Ref: stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC) } });
    });

    test('SqsWorkQueue: encryptionKeyProps creates a rotated key for both queues; with encryptionKey it is refused', () => {
      const { stack } = userStack();
      const jobs = new SqsWorkQueue(stack, 'Jobs', { encryptionKeyProps: { description: 'jobs key' } });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::KMS::Key', { Description: 'jobs key', EnableKeyRotation: true });
      const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(jobs.encryptionKey!.node.defaultChild as kms.CfnKey), 'Arn'] };
      for (const queue of Object.values(t.findResources('AWS::SQS::Queue')) as any[]) expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
      expect(() => new SqsWorkQueue(stack, 'Both', { encryptionKey: new kms.Key(stack, 'K'), encryptionKeyProps: {} })).toThrow(
        'SqsWorkQueue: give encryptionKey (an existing resource) or encryptionKeyProps (settings for the one SqsWorkQueue creates), not both',
      );
    });

    const kafkaProps = { namePrefix: 'shop', brokerType: 'kafka.m7g.large', storageGiBPerBroker: 100, topic: 'jobs', partitions: 12, retention: Duration.days(3), consumerGroup: 'workers', consumerLagAlarmMessages: 1000, maxTimeLag: Duration.minutes(5), replicationFactor: 2 };

    test('KafkaPipeline in a plain new ec2.Vpc(): private subnets; existing security group and log group used', () => {
      const { stack, vpc } = userStack();
      const sg = new ec2.SecurityGroup(stack, 'Brokers', { vpc, allowAllOutbound: false });
      const lg = new logs.LogGroup(stack, 'BrokerLogs');
      const pipeline = new KafkaPipeline(stack, 'Kafka', { vpc, brokers: 2, securityGroup: sg, logGroup: lg, ...kafkaProps });
      expect(pipeline.securityGroup).toBe(sg);
      expect(pipeline.logGroup).toBe(lg);
      const t = Template.fromStack(stack);
      const cluster = Object.values(t.findResources('AWS::MSK::Cluster'))[0] as any;
      expect(cluster.Properties.BrokerNodeGroupInfo.ClientSubnets).toEqual(vpc.privateSubnets.map((s) => stack.resolve(s.subnetId)));
      expect(cluster.Properties.BrokerNodeGroupInfo.SecurityGroups).toEqual([stack.resolve(sg.securityGroupId)]);
      t.resourceCountIs('AWS::Logs::LogGroup', 1); // the user's: none created
    });

    test('KafkaPipeline: encryptionKeyProps merged; both key props refused', () => {
      const { stack, vpc } = userStack();
      new KafkaPipeline(stack, 'Kafka', { vpc, brokers: 2, encryptionKeyProps: { description: 'broker volumes of shop' }, ...kafkaProps });
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { Description: 'broker volumes of shop', EnableKeyRotation: true });
      expect(() => new KafkaPipeline(stack, 'K2', { vpc, brokers: 2, encryptionKey: new kms.Key(stack, 'K'), encryptionKeyProps: {}, ...kafkaProps })).toThrow(
        'KafkaPipeline: give encryptionKey (an existing resource) or encryptionKeyProps',
      );
    });
  });

  describe('Kubernetes constructs in a user chart', () => {
    const chart = () => new Chart(Testing.app(), 'shop', { namespace: 'shop' });

    test('WebApp with only an image: defaults, in the chart namespace', () => {
      const c = chart();
      new WebApp(c, 'web', { product: 'shop', image: 'ghcr.io/acme/web:1.2.3' });
      const objects = Testing.synth(c);
      const deployment = objects.find((o) => o.kind === 'Deployment');
      expect(deployment.metadata.namespace).toBe('shop');
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/web:1.2.3');
    });

    test('WebApp: namespace, resources and probes overridable; bad props named', () => {
      const c = chart();
      new WebApp(c, 'web', { product: 'shop', image: 'acme/web:1', namespace: 'storefront', shape: { vcpu: 1, memoryGiB: 2 }, port: 3000 });
      const deployment = Testing.synth(c).find((o) => o.kind === 'Deployment');
      expect(deployment.metadata.namespace).toBe('storefront');
      expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1000m', memory: '2048Mi' });
      expect(() => new WebApp(chart(), 'w', { product: 'shop', image: 'acme/web:1', port: 70000 })).toThrow('WebApp: port expects a port number from 1 to 65535, got 70000');
      expect(() => new WebApp(chart(), 'w', { product: 'Shop!', image: 'acme/web:1' })).toThrow('WebApp: product expects a DNS label');
      expect(() => new WebApp(chart(), 'w', { product: 'shop', image: '' })).toThrow('WebApp: image expects a container image reference');
      expect(() => new WebApp(chart(), 'w', { product: 'shop', image: 'a/b:1', replicas: 3, maxReplicas: 2 })).toThrow('WebApp: maxReplicas expects at least replicas (3)');
    });

    test('PostgresCluster: storage class, existing app secret, image; validation', () => {
      const c = chart();
      new PostgresCluster(c, 'pg', { product: 'shop', name: 'orders', objectStoreName: 'backups', storageClass: 'fast-ssd', appSecret: 'orders-app-credentials' });
      const cluster = Testing.synth(c).find((o) => o.kind === 'Cluster');
      expect(cluster.spec.storage.storageClass).toBe('fast-ssd');
      expect(cluster.spec.bootstrap.initdb.secret).toEqual({ name: 'orders-app-credentials' });
      expect(cluster.spec.instances).toBe(2);
      expect(() => new PostgresCluster(chart(), 'p', { product: 'shop', name: 'orders', objectStoreName: 'b', instances: 0 })).toThrow('PostgresCluster: instances expects a whole number from 1');
      expect(() => new PostgresCluster(chart(), 'p', { product: 'shop', name: 'orders', objectStoreName: 'b', storageGiB: -1 })).toThrow('PostgresCluster: storageGiB expects');
    });

    test('QueueWorker: defaults and validation', () => {
      const c = chart();
      const kafka = { bootstrapServers: 'kafka:9093', topic: 'jobs', consumerGroup: 'workers', lagThreshold: 100, caSecret: 'kafka-ca', userSecret: 'worker-user' };
      new QueueWorker(c, 'worker', { product: 'shop', image: 'acme/worker:1', kafka });
      expect(Testing.synth(c).some((o) => o.kind === 'ScaledObject')).toBe(true);
      expect(() => new QueueWorker(chart(), 'w', { product: 'shop', image: 'acme/worker:1', kafka, minReplicas: 5, maxReplicas: 2 })).toThrow('QueueWorker: maxReplicas expects at least minReplicas (5)');
      expect(() => new QueueWorker(chart(), 'w', { product: 'shop', image: 'acme/worker:1', kafka: { ...kafka, lagThreshold: 0 } })).toThrow('QueueWorker: kafka.lagThreshold expects');
    });

    test('ReplicatedCache: namespace, images and storage class overridable; validation names the prop', () => {
      const c = chart();
      const base = { product: 'shop', name: 'cache', nodes: 3, zones: 3, shape: { vcpu: 1, memoryGiB: 4 }, passwordSecret: { name: 'redis-auth', key: 'password' } };
      new ReplicatedCache(c, 'cache', { ...base, namespace: 'caching', image: 'registry.example/redis:7.2.7', sentinelImage: 'registry.example/sentinel:7.0.15', storageClass: 'fast-ssd' });
      const objects = Testing.synth(c);
      for (const o of objects) expect(o.metadata.namespace).toBe('caching');
      const replication = objects.find((o) => o.kind === 'RedisReplication');
      expect(replication.spec.kubernetesConfig.image).toBe('registry.example/redis:7.2.7');
      expect(replication.spec.kubernetesConfig.redisSecret).toEqual({ name: 'redis-auth', key: 'password' });
      expect(replication.spec.storage.volumeClaimTemplate.spec.storageClassName).toBe('fast-ssd');
      expect(objects.find((o) => o.kind === 'RedisSentinel').spec.kubernetesConfig.image).toBe('registry.example/sentinel:7.0.15');
      expect(() => new ReplicatedCache(chart(), 'c', { ...base, sentinels: 2 })).toThrow('ReplicatedCache: sentinels expects an odd whole number, at least 3');
      expect(() => new ReplicatedCache(chart(), 'c', { ...base, image: 'has space' })).toThrow('ReplicatedCache: image expects a container image reference');
      expect(() => new ReplicatedCache(chart(), 'c', { ...base, namespace: 'Bad_NS' })).toThrow('ReplicatedCache: namespace expects a DNS label');
    });
  });
});

/**
 * Every prop of every exported construct is documented: an optional prop says what happens without it
 * (`@default`), a required prop says what it is (its JSDoc). Read with the TypeScript compiler from
 * `stagekit/aws` and `stagekit/k8s` (constructs/aws/index.ts, constructs/k8s/index.ts): each exported
 * class's constructor props, the interfaces they extend, and stagekit's own interfaces their props hold
 * (`ShardShape` inside `ShardedPostgresProps.shards`), as a user's editor shows them.
 */
describe('construct-props-docs', () => {
  const ROOT = path.join(__dirname, '..');
  const ENTRY_POINTS = ['constructs/aws/index.ts', 'constructs/k8s/index.ts'].map((file) => path.join(ROOT, file));
  /**
   * The program holds stagekit's construct sources only (noResolve): what they import from aws-cdk-lib, cdk8s
   * and the generated CRD classes stays unread, which the check skips anyway, and reading it cost most of
   * this file's time.
   */
  const CONSTRUCT_SOURCES = ['constructs/aws', 'constructs/k8s'].flatMap((folder) =>
    fs
      .readdirSync(path.join(ROOT, folder))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => path.join(ROOT, folder, file)),
  );

  interface PropDoc {
    readonly owner: string;
    readonly name: string;
    readonly optional: boolean;
    readonly documentation: string;
    readonly hasDefault: boolean;
    readonly file: string;
  }

  /** Declared in stagekit's construct sources (not aws-cdk-lib, cdk8s or the generated CRD classes). */
  const ownDeclaration = (declaration: ts.Declaration): boolean => {
    const file = path.relative(ROOT, declaration.getSourceFile().fileName).split(path.sep).join('/');
    return /^constructs\/(aws|k8s)\//.test(file) && !file.startsWith('constructs/k8s/imports/');
  };

  function collectProps(): { constructs: string[]; props: PropDoc[] } {
    const program = ts.createProgram(CONSTRUCT_SOURCES, { noResolve: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true });
    const checker = program.getTypeChecker();
    const constructs: string[] = [];
    const props = new Map<string, PropDoc>();
    const seenTypes = new Set<ts.Type>();

    /** `owner` names where an inline type sits (`WebAppProps.secretFiles[]`), as the error lists it. */
    const visitType = (type: ts.Type, owner: string): void => {
      // Arrays, unions, records and the like: look at what they hold.
      if (checker.isArrayType(type) || checker.isTupleType(type)) {
        for (const element of checker.getTypeArguments(type as ts.TypeReference)) visitType(element, `${owner}[]`);
        return;
      }
      if (type.isUnion() || type.isIntersection()) {
        for (const member of type.types) visitType(member, owner);
        return;
      }
      const indexed = checker.getIndexTypeOfType(type, ts.IndexKind.String);
      if (indexed) visitType(indexed, `${owner}[name]`);
      const symbol = type.aliasSymbol ?? type.getSymbol();
      if (!symbol || !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeLiteral))) return;
      if (!(symbol.declarations ?? []).some(ownDeclaration) || seenTypes.has(type)) return;
      seenTypes.add(type);
      const typeName = symbol.flags & ts.SymbolFlags.Interface ? symbol.getName() : owner;
      for (const property of checker.getPropertiesOfType(type)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (!declaration || !ownDeclaration(declaration)) continue;
        const parent = declaration.parent;
        const declaredIn = ts.isInterfaceDeclaration(parent) ? parent.name.text : typeName;
        const key = `${declaredIn}.${property.getName()}`;
        if (!props.has(key)) {
          props.set(key, {
            owner: declaredIn,
            name: property.getName(),
            optional: Boolean(property.flags & ts.SymbolFlags.Optional),
            documentation: ts.displayPartsToString(property.getDocumentationComment(checker)).trim(),
            hasDefault: property.getJsDocTags(checker).some((tag) => tag.name === 'default' && ts.displayPartsToString(tag.text).trim().length > 0),
            file: path.relative(ROOT, declaration.getSourceFile().fileName),
          });
        }
        visitType(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration)), `${declaredIn}.${property.getName()}`);
      }
    };

    for (const entry of ENTRY_POINTS) {
      const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
        const classType = checker.getTypeOfSymbol(symbol);
        const signatures = classType.getConstructSignatures();
        if (!signatures.length) continue;
        constructs.push(symbol.getName());
        for (const signature of signatures) {
          for (const parameter of signature.getParameters().slice(2)) {
            const declaration = parameter.valueDeclaration!;
            visitType(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, declaration)), symbol.getName());
          }
        }
      }
    }
    return { constructs, props: [...props.values()] };
  }

  const { constructs, props } = collectProps();

  test('the check sees the exported constructs and their props (so an empty result cannot pass)', () => {
    expect(constructs).toEqual(expect.arrayContaining(['CacheCluster', 'SingleServer', 'DatabaseShard', 'WebTier', 'PostgresCluster', 'WebApp', 'QueueWorker']));
    expect(props.map((p) => `${p.owner}.${p.name}`)).toEqual(expect.arrayContaining(['CacheClusterProps.nodeType', 'ShardShape.instanceClass', 'DatabaseSharedResources.encryptionKey', 'WebAppProps.image']));
    expect(props.length).toBeGreaterThan(200);
  });

  test('every optional prop documents its @default', () => {
    const missing = props.filter((p) => p.optional && !p.hasDefault).map((p) => `${p.file}: ${p.owner}.${p.name}`);
    expect(missing).toEqual([]);
  });

  test('every required prop is documented (what it is and why it has no default)', () => {
    const missing = props.filter((p) => !p.optional && !p.documentation).map((p) => `${p.file}: ${p.owner}.${p.name}`);
    expect(missing).toEqual([]);
  });
});

/**
 * No import runs back up a layer (the order and the rules are in test/support/layers.ts), and
 * production code never imports test helpers.
 */
describe('layers', () => {
  describe('the repository', () => {
    const files = sourceFiles(ROOT);

    test('has its layers where the layer list says', () => {
      for (const layer of LAYERS.filter((candidate) => candidate.name !== 'components' && candidate.name !== 'tools')) {
        expect(layer.folders.some((folder) => fs.existsSync(path.join(ROOT, folder)))).toBe(true);
      }
      // Enough files to mean something: every layer's code is read, generated CRD classes are not.
      expect(files.length).toBeGreaterThan(100);
      expect(files).toContain('cost/stage.ts');
      expect(files.some((file) => file.startsWith('constructs/k8s/imports/'))).toBe(false);
    });

    test('has no import that runs back up a layer or reaches test helpers from production code', () => {
      const violations = files.flatMap((file) => layerViolations(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
      expect(violations.map((violation) => violation.message)).toEqual([]);
    });

    test('ships code that imports only packages it declares (a package hoisted from a dependency of a dependency is not installed for sure)', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
      const shipped = LAYERS.filter((layer) => layer.name !== 'tools').flatMap((layer) => layer.folders);
      const undeclared = files
        .filter((file) => shipped.includes(file.split('/')[0]))
        .flatMap((file) => packageImports(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((name) => `${file}: ${name}`))
        .filter((entry) => !declared.has(entry.split(': ')[1]));
      expect(undeclared).toEqual([]);
    });
  });

  describe('the layer check', () => {
    // The back-edges the repository had before the layers were drawn: each must be caught.
    test.each([
      ['deploy/report.ts', "import { colors } from '../cli/output';", /deploy\/report\.ts \(deploy\) imports \.\.\/cli\/output \(cli\): cli is above deploy/],
      ['blueprints/aws/main.ts', "import { runOrExit } from '../../cli/exit';", /blueprints\/aws\/main\.ts \(blueprints\) imports \.\.\/\.\.\/cli\/exit \(cli\)/],
      ['core/plan.ts', "import { reaches } from '../deploy/runbooks';", /core\/plan\.ts \(core\) imports \.\.\/deploy\/runbooks \(deploy\)/],
      [
        'cost/stage.ts',
        "const { synthAws } = require('../blueprints/synth') as typeof import('../blueprints/synth');",
        /cost\/stage\.ts \(cost\) imports \.\.\/blueprints\/synth \(blueprints\): cost never imports blueprints/,
      ],
      ['deploy/transition.ts', "import type { Target } from '../blueprints/render';", /deploy never imports blueprints/],
      ['cost/k8s/inventory.ts', "import { operatorPods } from '../../test/support/policy-checks';", /test-only helpers/],
      ['scripts/tool.ts', "export * from '../test/support/fakes';", /test-only helpers/],
    ])('catches %s importing what it must not', (file, source, message) => {
      const violations = layerViolations(file, source);
      expect(violations.length).toBeGreaterThan(0);
      for (const violation of violations) expect(violation.message).toMatch(message);
    });

    test('allows imports within a layer and down, and ignores packages and data files', () => {
      const source = [
        "import { App } from 'aws-cdk-lib';",
        "import { computePlan } from '../core/plan';",
        "import { colors } from '../terminal/output';",
        "import { priceArtifacts } from '../cost';",
        "import { EXIT } from './exit-codes';",
        "const pkg = require('../package.json');",
      ].join('\n');
      expect(relativeImports(source)).toHaveLength(5);
      expect(layerViolations('deploy/cost-delta.ts', source)).toEqual([]);
      expect(layerViolations('test/anything.test.ts', "import { x } from '../cli/main'; import { y } from './support/fakes';")).toEqual([]);
    });

    test('names a file that is in no layer', () => {
      expect(layerViolations('stray/module.ts', '')[0].message).toMatch(/stray\/module\.ts is in no layer/);
    });
  });
});
