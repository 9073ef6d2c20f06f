/**
 * The Kafka flavour of queue-pipeline, on the large-platform profile (three zones, 13
 * shards, MSK). The shared synth covers the SQS profile; this file synthesizes the stages
 * it needs itself, once. The top stage, which holds every shard of the stages below it plus MSK,
 * runs cdk-nag as a validation plugin (a finding fails the synth); aws-cdk-lib's CloudFormation checks of
 * it run with the others' (test/cloudformation-checks.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { computePlan, Plan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { StageName } from '../core/ladder';
import { stageRenderer } from '../blueprints/render';
import { dataLossRisks, formatRisks, statefulRisks } from '../deploy/aws/upgrade-safety';
import { ROOT } from './support/paths';

const profile = loadProfile(path.join(ROOT, 'profiles', 'million-merchants.yaml'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-aws-kafka-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const synth = (stage: StageName) => stageRenderer().writeAws(computePlan(profile, stage), path.join(out, stage), { nag: stage === 'queue-pipeline' }).template;
const templates: Partial<Record<StageName, any>> = {};
for (const stage of ['read-replicas', 'sharded', 'queue-pipeline'] as const) templates[stage] = synth(stage);

const plan: Plan = computePlan(profile, 'queue-pipeline');
const kafka = plan.queue!.kafka!;
const json = templates['queue-pipeline'];
const template = Template.fromJSON(json);

describe('queue-pipeline with Kafka (million-merchants)', () => {
  test('an MSK cluster sized by the plan, brokers a multiple of the zones, in the isolated subnets', () => {
    expect(kafka.brokers % plan.zones).toBe(0);
    template.hasResource('AWS::MSK::Cluster', {
      Properties: Match.objectLike({
        NumberOfBrokerNodes: kafka.brokers,
        BrokerNodeGroupInfo: Match.objectLike({
          InstanceType: kafka.broker.name,
          StorageInfo: { EBSStorageInfo: { VolumeSize: kafka.storageGiBPerBroker } },
          ClientSubnets: Array.from({ length: plan.zones }, (_, i) => ({ Ref: Match.stringLikeRegexp(`^NetworkVpcDataSubnet${i + 1}`) })),
        }),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('TLS everywhere, IAM authentication only, encrypted at rest with a customer managed key, broker logs, per-partition metrics', () => {
    template.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobStreamKey'), 'Arn'] } }, EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: { Ref: Match.stringLikeRegexp('^JobStreamBrokerLogs') } } } },
      EnhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
    });
    const [, config] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::MSK::Configuration')!;
    expect(config.Properties.ServerProperties.split('\n')).toEqual(
      expect.arrayContaining([`min.insync.replicas=${kafka.minInSyncReplicas}`, `default.replication.factor=${kafka.replicationFactor}`, 'auto.create.topics.enable=false', `log.retention.hours=${plan.queue!.retentionHours}`]),
    );
  });

  test('the jobs topic itself, with the planned partitions and replication, retained', () => {
    template.hasResource('AWS::MSK::Topic', {
      Properties: { TopicName: kafka.topic, PartitionCount: kafka.partitions, ReplicationFactor: kafka.replicationFactor, ClusterArn: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
  });

  test('alarms on consumer lag (messages and time) for the workers\' group, broker disk per broker, offline partitions', () => {
    const dims = (metric: any) => Object.fromEntries(metric.Dimensions.map((d: any) => [d.Name, d.Value]));
    const alarms = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === 'AWS/Kafka').map((r) => r.Properties);
    const lag = alarms.find((a) => a.MetricName === 'SumOffsetLag');
    expect(lag.Threshold).toBe(kafka.consumerLagAlarmMessages);
    expect(dims(lag)).toEqual({ 'Cluster Name': `${plan.product}-jobs`, 'Consumer Group': kafka.consumerGroup, Topic: kafka.topic });
    expect(alarms.find((a) => a.MetricName === 'EstimatedMaxTimeLag').Threshold).toBe(plan.queue!.maxJobDelaySeconds);
    const disks = alarms.filter((a) => a.MetricName === 'KafkaDataLogsDiskUsed');
    expect(disks.map((a) => dims(a)['Broker ID']).sort()).toEqual(Array.from({ length: kafka.brokers }, (_, i) => String(i + 1)).sort());
    expect(disks.every((a) => a.Threshold === plan.observability.diskUsedAlarmPercent)).toBe(true);
    expect(alarms.some((a) => a.MetricName === 'OfflinePartitionsCount')).toBe(true);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  test('workers scaled on consumer lag per worker', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: {
        TargetValue: plan.queue!.backlogPerWorker,
        CustomizedMetricSpecification: {
          Metrics: Match.arrayWith([Match.objectLike({ Id: 'backlog', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Kafka', MetricName: 'SumOffsetLag' }) }) })]),
        },
      },
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: String(plan.queue!.minWorkers), MaxSize: String(plan.queue!.maxWorkers) });
  });

  test('IAM: the web fleet writes the topic, the workers read it in their group; the brokers admit both on 9098 only', () => {
    const policy = (prefix: string) => JSON.stringify(Object.entries<any>(json.Resources).filter(([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::IAM::Policy'));
    expect(policy('WebFleetRole')).toContain('kafka-cluster:WriteData');
    expect(policy('WebFleetRole')).not.toContain('kafka-cluster:ReadData');
    expect(policy('WorkersFleetRole')).toContain('kafka-cluster:ReadData');
    expect(policy('WorkersFleetRole')).toContain(`/${kafka.consumerGroup}`);
    const ingress = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties.GroupId).includes('JobStream'));
    expect(ingress.map((r) => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([
      [9098, 9098],
      [9098, 9098],
    ]);
  });

  test('three zones, 13 shards and the rest stay under CloudFormation\'s limits', () => {
    expect(plan.zones).toBe(3);
    expect(Object.keys(json.Resources).length).toBeLessThan(500);
    expect(JSON.stringify(json).length).toBeLessThan(1_000_000);
  });
});

describe('climbing the large platform\'s ladder', () => {
  test.each([
    ['read-replicas', 'sharded'],
    ['sharded', 'queue-pipeline'],
  ] as const)('%s -> %s loses nothing (a surplus read replica of shard 0 is a copy)', (from, to) => {
    const risks = statefulRisks(templates[from], templates[to]);
    expect(formatRisks(dataLossRisks(risks))).toBe(formatRisks([]));
    expect(risks.every((r) => r.kind === 'replica-removed' || r.kind === 'retained')).toBe(true);
  });
});
