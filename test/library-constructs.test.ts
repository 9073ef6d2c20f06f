/** The constructs as a user's own app uses them: their VPC, their topic, their settings. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Chart, Testing } from 'cdk8s';
import { DatabaseShard, SqsWorkQueue } from '../constructs/aws';
import { PostgresCluster, QueueWorker, WebApp } from '../constructs/k8s';

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
});
