import { Duration, Fn, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { physicalName } from './names';
import { dataSubnets, eitherExistingOrProps } from './props';
import { drawPanels, STREAM_PANELS, StreamPanel } from '../../core/dashboard';

/** The port of MSK's IAM-authenticated TLS listener. */
export const MSK_IAM_PORT = 9098;

export interface KafkaPipelineProps {
  /** Your VPC, of any layout with private or isolated subnets, or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /**
   * One subnet per zone.
   * @default the VPC's isolated subnets when it has some (no route to the internet), else its private subnets; never public ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** Prefix of the cluster and configuration names (unique per account and region), e.g. the product name. */
  readonly namePrefix: string;
  /** Kafka version MSK runs. @default '3.8.x' (MSK applies the patch releases) */
  readonly kafkaVersion?: string;
  /** Broker type, e.g. `kafka.m7g.large`. */
  readonly brokerType: string;
  /** Brokers: a multiple of the zones. */
  readonly brokers: number;
  /** EBS storage of each broker, in GiB. */
  readonly storageGiBPerBroker: number;
  /** Name of the jobs topic KafkaPipeline creates. */
  readonly topic: string;
  /** Partitions of the jobs topic: the most consumers that can work in parallel. */
  readonly partitions: number;
  /** Copies of every partition. @default 3 (one broker can fail, and one more can be restarted, without losing writes) */
  readonly replicationFactor?: number;
  /** Copies a write must reach before it is acknowledged. @default replicationFactor - 1 */
  readonly minInSyncReplicas?: number;
  /** How long messages are kept. */
  readonly retention: Duration;
  /** The consumer group the workers join. */
  readonly consumerGroup: string;
  /** Summed consumer lag (messages) that pages. */
  readonly consumerLagAlarmMessages: number;
  /** Time lag of the furthest-behind partition that pages (a stuck consumer or partition). */
  readonly maxTimeLag: Duration;
  /** Broker disk use that pages. @default 80 */
  readonly diskUsedAlarmPercent?: number;
  /**
   * CloudWatch metrics level. Consumer lag per consumer group and topic comes at every level;
   * PER_TOPIC_PER_PARTITION adds the per-partition lag and throughput to find a hot partition.
   * @default 'PER_TOPIC_PER_PARTITION'
   */
  readonly enhancedMonitoring?: 'DEFAULT' | 'PER_BROKER' | 'PER_TOPIC_PER_BROKER' | 'PER_TOPIC_PER_PARTITION';
  /**
   * An existing key for the broker volumes. Give this or `encryptionKeyProps`, not both.
   * @default a new customer managed key with yearly rotation, retained on removal
   */
  readonly encryptionKey?: kms.IKey;
  /** Settings for the key KafkaPipeline creates, merged over its defaults. Give this or `encryptionKey`, not both. @default the defaults above */
  readonly encryptionKeyProps?: kms.KeyProps;
  /**
   * An existing security group for the brokers (you then decide who may connect; `allowFrom` still adds rules to it).
   * Give this or `securityGroupProps`, not both.
   * @default a new group with no ingress except what `allowFrom` grants, and no egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** Settings for the brokers' security group KafkaPipeline creates; the VPC is always `vpc`. Give this or `securityGroup`, not both. @default the defaults above */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /** An existing log group for the broker logs. Give this or `logGroupProps`, not both. @default a new group with `logRetention` */
  readonly logGroup?: logs.ILogGroup;
  /** Settings for the broker log group KafkaPipeline creates. Give this or `logGroup`, not both. @default retention `logRetention` */
  readonly logGroupProps?: logs.LogGroupProps;
  /** Retention of the broker log group KafkaPipeline creates. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A job stream on Amazon MSK (provisioned): brokers spread over the zones in isolated
 * subnets, TLS everywhere (client-broker and in-cluster), IAM authentication only (no
 * unauthenticated or plaintext listener), encryption at rest with a customer managed key,
 * broker logs in CloudWatch, a cluster configuration with safe replication defaults, the
 * jobs topic itself (AWS::MSK::Topic), and alarms on consumer lag (total and time of the
 * furthest-behind partition), broker disk use and offline partitions. The cluster and the
 * topic are retained if the stack ever lets go of them.
 */
export class KafkaPipeline extends Construct {
  readonly cluster: msk.CfnCluster;
  readonly configuration: msk.CfnConfiguration;
  readonly topic: msk.CfnTopic;
  /** The brokers' security group: the one given, or the one KafkaPipeline created. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly encryptionKey: kms.IKey;
  /** Where the brokers log: the log group given, or the one KafkaPipeline created. */
  readonly logGroup: logs.ILogGroup;
  readonly clusterName: string;
  readonly topicName: string;
  readonly consumerGroup: string;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly brokers: number;

  constructor(scope: Construct, id: string, props: KafkaPipelineProps) {
    super(scope, id);
    const construct = 'KafkaPipeline';
    eitherExistingOrProps(construct, 'encryptionKey', props.encryptionKey, 'encryptionKeyProps', props.encryptionKeyProps);
    eitherExistingOrProps(construct, 'securityGroup', props.securityGroup, 'securityGroupProps', props.securityGroupProps);
    eitherExistingOrProps(construct, 'logGroup', props.logGroup, 'logGroupProps', props.logGroupProps);
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? dataSubnets(construct, props.vpc));
    const zones = subnets.subnetIds.length;
    if (props.brokers % zones !== 0) throw new Error(`KafkaPipeline: ${props.brokers} brokers is not a multiple of the ${zones} zones`);
    const replicationFactor = props.replicationFactor ?? 3;
    if (props.brokers < replicationFactor) throw new Error(`KafkaPipeline: replication factor ${replicationFactor} needs at least as many brokers, got ${props.brokers}`);
    const minIsr = props.minInSyncReplicas ?? Math.max(1, replicationFactor - 1);
    this.brokers = props.brokers;
    this.clusterName = physicalName([props.namePrefix, 'jobs'], 64);
    this.topicName = props.topic;
    this.consumerGroup = props.consumerGroup;
    const kafkaVersion = props.kafkaVersion ?? '3.8.x';

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: 'Encrypts the Kafka broker volumes', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN, ...props.encryptionKeyProps });
    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        description: `Kafka brokers: the IAM/TLS listener (${MSK_IAM_PORT}) from the app and worker fleets only`,
        allowAllOutbound: false,
        ...props.securityGroupProps,
        vpc: props.vpc,
      });
    const brokerLogs = props.logGroup ?? new logs.LogGroup(this, 'BrokerLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, ...props.logGroupProps });
    this.logGroup = brokerLogs;
    if (!props.logGroup) Tags.of(brokerLogs).add(ROLE_TAG, RESOURCE_ROLES.serviceLogs);

    this.configuration = new msk.CfnConfiguration(this, 'Configuration', {
      name: physicalName([props.namePrefix, 'jobs-config'], 64),
      description: 'Replication and retention defaults for the jobs cluster',
      serverProperties: [
        'auto.create.topics.enable=false',
        `default.replication.factor=${replicationFactor}`,
        `min.insync.replicas=${minIsr}`,
        `num.partitions=${props.partitions}`,
        `log.retention.hours=${Math.max(1, Math.round(props.retention.toHours()))}`,
        'unclean.leader.election.enable=false',
      ].join('\n'),
    });
    this.configuration.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.cluster = new msk.CfnCluster(this, 'Cluster', {
      clusterName: this.clusterName,
      kafkaVersion,
      numberOfBrokerNodes: props.brokers,
      brokerNodeGroupInfo: {
        instanceType: props.brokerType,
        clientSubnets: subnets.subnetIds,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: props.storageGiBPerBroker } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: this.encryptionKey.keyArn },
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      enhancedMonitoring: props.enhancedMonitoring ?? 'PER_TOPIC_PER_PARTITION',
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
      configurationInfo: { arn: this.configuration.attrArn, revision: this.configuration.attrLatestRevisionRevision },
    });
    // MSK has no snapshots: keep the cluster (and its data) if the stack ever lets go of it.
    this.cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.topic = new msk.CfnTopic(this, 'Topic', {
      clusterArn: this.cluster.attrArn,
      topicName: props.topic,
      partitionCount: props.partitions,
      replicationFactor,
    });
    this.topic.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.addAlarms(props);
  }

  /** The cluster's ID (the last part of its ARN), needed in topic and group ARNs. */
  private get clusterUuid(): string {
    return Fn.select(2, Fn.split('/', this.cluster.attrArn));
  }

  private resourceArn(kind: 'topic' | 'group', name: string): string {
    return Stack.of(this).formatArn({ service: 'kafka', resource: kind, resourceName: `${this.clusterName}/${this.clusterUuid}/${name}` });
  }

  /** Lets `grantee` find the brokers and write jobs to the topic with IAM authentication. */
  grantProduce(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resourceArns: [this.cluster.attrArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resourceArns: [this.resourceArn('topic', this.topicName)] });
  }

  /** Lets `grantee` find the brokers, read the topic and commit offsets in the consumer group. */
  grantConsume(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resourceArns: [this.cluster.attrArn] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], resourceArns: [this.resourceArn('topic', this.topicName)] });
    iam.Grant.addToPrincipal({ grantee, actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], resourceArns: [this.resourceArn('group', this.consumerGroup)] });
  }

  /** Allows the IAM/TLS listener from `peer`. */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(MSK_IAM_PORT), description);
  }

  /** A consumer-lag metric of the workers' group on the jobs topic. */
  metricLag(metricName: 'SumOffsetLag' | 'MaxOffsetLag' | 'EstimatedMaxTimeLag', period = Duration.minutes(1)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName,
      dimensionsMap: { 'Cluster Name': this.clusterName, 'Consumer Group': this.consumerGroup, Topic: this.topicName },
      statistic: 'Maximum',
      period,
    });
  }

  /** Share of a broker's data volume in use, percent. */
  metricDiskUsed(brokerId: number, period = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName: 'KafkaDataLogsDiskUsed',
      dimensionsMap: { 'Cluster Name': this.clusterName, 'Broker ID': String(brokerId) },
      statistic: 'Maximum',
      period,
    });
  }

  widgets(): cloudwatch.IWidget[] {
    return drawPanels<StreamPanel, cloudwatch.IWidget>(STREAM_PANELS, {
      lag: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricLag('SumOffsetLag')], right: [this.metricLag('MaxOffsetLag')], width }),
      timeLag: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricLag('EstimatedMaxTimeLag')], width }),
      brokerDisk: ({ title, width }) =>
        new cloudwatch.GraphWidget({ title, left: Array.from({ length: this.brokers }, (_, i) => this.metricDiskUsed(i + 1).with({ label: `broker ${i + 1}` })), width }),
    });
  }

  private addAlarms(props: KafkaPipelineProps): void {
    const disk = props.diskUsedAlarmPercent ?? 80;
    this.alarms.push(
      new cloudwatch.Alarm(this, 'ConsumerLag', {
        alarmDescription: `Jobs: consumer group ${this.consumerGroup} is more than ${props.consumerLagAlarmMessages} messages behind on ${this.topicName} for 5 minutes; workers are not keeping up.`,
        metric: this.metricLag('SumOffsetLag'),
        threshold: props.consumerLagAlarmMessages,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ConsumerTimeLag', {
        alarmDescription: `Jobs: a partition of ${this.topicName} is more than ${props.maxTimeLag.toSeconds()} s behind in group ${this.consumerGroup} for 5 minutes (a stuck consumer or a poison message).`,
        metric: this.metricLag('EstimatedMaxTimeLag'),
        threshold: props.maxTimeLag.toSeconds(),
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'OfflinePartitions', {
        alarmDescription: 'Kafka: partitions without a leader; producers and consumers of those partitions are stopped.',
        metric: new cloudwatch.Metric({ namespace: 'AWS/Kafka', metricName: 'OfflinePartitionsCount', dimensionsMap: { 'Cluster Name': this.clusterName }, statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 0,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (let broker = 1; broker <= this.brokers; broker++) {
      this.alarms.push(
        new cloudwatch.Alarm(this, `Broker${broker}Disk`, {
          alarmDescription: `Kafka broker ${broker}: data volume above ${disk}% for 15 minutes. Grow the broker storage (online) or shorten retention before the broker stops.`,
          metric: this.metricDiskUsed(broker),
          threshold: disk,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    notifyAlarms(props.alarms, ...this.alarms);
  }
}
