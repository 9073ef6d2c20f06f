import { ArnFormat, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { acknowledge } from './nag';
import { physicalName } from './names';
import { checkProp, dataSubnets, eitherExistingOrProps, isWhole } from './props';
import { CACHE_PANELS, CachePanel, drawPanels } from '../../core/dashboard';

/** CloudWatch: an alarm on metric math references at most 10 metrics. */
const ALARM_METRICS_MAX = 10;

export interface CacheClusterProps {
  /**
   * Your VPC (any layout with private or isolated subnets: a plain `new ec2.Vpc()` works), or stagekit's
   * `Network`. Required: a replication group lives in a VPC, and only you know which one the app uses.
   */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the cache nodes (the subnet group).
   * @default the VPC's isolated subnets when it has some (no route to the internet; the `Data` group of `Network`), else its private subnets; never public ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /**
   * Prefix of the replication group and user IDs, e.g. the product name. Required: those IDs must be unique
   * per account and region and are fixed at synth (the IAM grant and the alarms name them), so no generated
   * default is stable enough.
   */
  readonly namePrefix: string;
  /**
   * ElastiCache node type, e.g. `cache.r7g.large`. Required: the node's memory is the cache's size, which only
   * your hot set decides (stagekit's plan sizes it from the profile).
   */
  readonly nodeType: string;
  /** Nodes (per shard when sharded): one primary plus replicas, placed over the zones. At least 2 (Multi-AZ failover needs a replica). @default 2 */
  readonly nodes?: number;
  /**
   * Hash-slot shards (cluster mode enabled): for a cache larger than one node. Each shard has `nodes` nodes;
   * clients connect to the configuration endpoint with a cluster-aware client. Shards can be added later
   * online (NumNodeGroups); switching an existing group between 1 and more shards replaces it.
   * @default 1 (cluster mode disabled)
   */
  readonly shards?: number;
  /** Valkey version. @default '8.0' */
  readonly engineVersion?: string;
  /** What to evict when memory is full. @default 'allkeys-lru' (a cache: any key may go) */
  readonly maxmemoryPolicy?: string;
  /**
   * An existing key that encrypts the cache at rest and its snapshots. Give this or `encryptionKeyProps`, not both.
   * @default a new customer managed key with yearly rotation, retained on removal (so snapshots stay readable)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Settings for the key CacheCluster creates, merged over its defaults (rotation on, retained on removal).
   * Give this or `encryptionKey`, not both.
   * @default the defaults above
   */
  readonly encryptionKeyProps?: kms.KeyProps;
  /**
   * An existing security group for the nodes (then you decide who may connect; `allowFrom` still adds rules
   * to it). Give this or `securityGroupProps`, not both.
   * @default a new group with no ingress and no egress: `allowFrom` opens port 6379 to named peers only
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Settings for the security group CacheCluster creates, merged over its defaults (no egress); the VPC is
   * always `vpc`. Give this or `securityGroup`, not both.
   * @default the defaults above
   */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /**
   * An existing log group for the slow log. Give this or `slowLogGroupProps`, not both.
   * @default a new group kept `logRetention`
   */
  readonly slowLogGroup?: logs.ILogGroup;
  /** Settings for the slow-log group CacheCluster creates, merged over its defaults (retention `logRetention`). Give this or `slowLogGroup`, not both. @default the defaults above */
  readonly slowLogGroupProps?: logs.LogGroupProps;
  /**
   * An existing log group for the engine log. Give this or `engineLogGroupProps`, not both.
   * @default a new group kept `logRetention`
   */
  readonly engineLogGroup?: logs.ILogGroup;
  /** Settings for the engine-log group CacheCluster creates, merged over its defaults (retention `logRetention`). Give this or `engineLogGroup`, not both. @default the defaults above */
  readonly engineLogGroupProps?: logs.LogGroupProps;
  /**
   * Escape hatch: settings for the replication group, merged over CacheCluster's defaults (snapshot and
   * maintenance windows, minor version upgrades...). Applied before the wiring that keeps the cache safe, which
   * always wins: engine, node layout and Multi-AZ failover, TLS required, encryption at rest with the key,
   * RBAC user group, subnet group, parameter group, security groups, port, log delivery.
   * @default none
   */
  readonly replicationGroupProps?: Partial<elasticache.CfnReplicationGroupProps>;
  /** Days of daily snapshots. @default 7 */
  readonly snapshotRetentionDays?: number;
  /** Retention of the slow and engine logs CacheCluster creates (bounded, so logs never grow without limit). @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Private zone for `cache.<zone>` and `cache-reader.<zone>`. @default no DNS names */
  readonly zone?: route53.IPrivateHostedZone;
  /** Evictions per 5 minutes that, sustained for 15 minutes, mean the cache is too small. @default 1000 */
  readonly evictionAlarmThreshold?: number;
  /** Memory use of a node that pages (past it, evictions start). @default 80 */
  readonly memoryAlarmPercent?: number;
  /** Engine (main thread) CPU. @default 80 */
  readonly cpuAlarmPercent?: number;
}

/**
 * A Valkey replication group on ElastiCache: Multi-AZ with automatic failover, TLS required,
 * encrypted at rest with a customer managed key, isolated subnets, daily snapshots (and a
 * final one on removal), slow and engine logs in CloudWatch, and authentication through
 * RBAC with IAM: the `default` user is disabled and the application user authenticates with
 * short-lived IAM tokens (`grantConnect`), so there is no shared password to leak or rotate.
 * Alarms on evictions, memory and engine CPU.
 */
export class CacheCluster extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The nodes' security group: the one given, or the one CacheCluster created. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly encryptionKey: kms.IKey;
  readonly subnetGroup: elasticache.CfnSubnetGroup;
  readonly parameterGroup: elasticache.CfnParameterGroup;
  readonly userGroup: elasticache.CfnUserGroup;
  /** Where the slow log is delivered: the group given, or the one CacheCluster created. */
  readonly slowLogGroup: logs.ILogGroup;
  /** Where the engine log is delivered: the group given, or the one CacheCluster created. */
  readonly engineLogGroup: logs.ILogGroup;
  /** The IAM-authenticated user applications connect as (user name = user ID). */
  readonly appUserId: string;
  readonly replicationGroupId: string;
  /** Primary (writer) hostname: the DNS name in the zone, when given, else the ElastiCache endpoint. */
  readonly primaryHostname: string;
  readonly readerHostname: string;
  readonly port = 6379;
  /** True when the group is sharded (cluster mode enabled): clients must be cluster-aware. */
  readonly clusterMode: boolean;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly nodeIds: string[];

  constructor(scope: Construct, id: string, props: CacheClusterProps) {
    super(scope, id);
    const construct = 'CacheCluster';
    const nodes = props.nodes ?? 2;
    if (nodes < 2) throw new Error('CacheCluster: Multi-AZ automatic failover needs at least 2 nodes');
    const engine = 'valkey';
    const engineVersion = props.engineVersion ?? '8.0';
    const shards = props.shards ?? 1;
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`CacheCluster: shards must be a whole number of at least 1, got ${shards}`);
    checkProp(construct, 'nodeType', typeof props.nodeType === 'string' && (Token.isUnresolved(props.nodeType) || /^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(props.nodeType)), "an ElastiCache node type such as 'cache.r7g.large'", props.nodeType);
    if (props.snapshotRetentionDays !== undefined) checkProp(construct, 'snapshotRetentionDays', isWhole(props.snapshotRetentionDays, 0, 35), 'a whole number of days from 0 to 35', props.snapshotRetentionDays);
    eitherExistingOrProps(construct, 'encryptionKey', props.encryptionKey, 'encryptionKeyProps', props.encryptionKeyProps);
    eitherExistingOrProps(construct, 'securityGroup', props.securityGroup, 'securityGroupProps', props.securityGroupProps);
    eitherExistingOrProps(construct, 'slowLogGroup', props.slowLogGroup, 'slowLogGroupProps', props.slowLogGroupProps);
    eitherExistingOrProps(construct, 'engineLogGroup', props.engineLogGroup, 'engineLogGroupProps', props.engineLogGroupProps);
    const clustered = shards > 1;
    this.replicationGroupId = physicalName([props.namePrefix, 'cache'], 40);
    // Node ids ElastiCache gives: <group>-001.. without cluster mode, <group>-0001-001.. (shard, node) with it.
    this.nodeIds = clustered
      ? Array.from({ length: shards * nodes }, (_, i) => `${this.replicationGroupId}-${String(Math.floor(i / nodes) + 1).padStart(4, '0')}-${String((i % nodes) + 1).padStart(3, '0')}`)
      : Array.from({ length: nodes }, (_, i) => `${this.replicationGroupId}-${String(i + 1).padStart(3, '0')}`);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: 'Encrypts the cache at rest and its snapshots', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN, ...props.encryptionKeyProps });
    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        description: 'Valkey cache: port 6379 from the app and worker fleets only',
        allowAllOutbound: false,
        ...props.securityGroupProps,
        vpc: props.vpc,
      });
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? dataSubnets(construct, props.vpc));
    const subnetGroup = (this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Valkey cache: isolated subnets',
      subnetIds: subnets.subnetIds,
    }));
    const parameterGroup = (this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: `${engine}${engineVersion.split('.')[0]}`,
      description: 'Valkey cache settings',
      properties: { 'maxmemory-policy': props.maxmemoryPolicy ?? 'allkeys-lru', ...(clustered ? { 'cluster-enabled': 'yes' } : {}) },
    }));

    // RBAC: a user group must contain a user named "default"; it gets a random password it can never use ("off").
    const defaultUserPassword = new secretsmanager.Secret(this, 'DisabledDefaultUserPassword', {
      description: 'Password of the disabled "default" cache user (required by ElastiCache, never used)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledge(
      defaultUserPassword,
      'AwsSolutions-SMG4',
      'This password belongs to the cache\'s "default" user, which ElastiCache requires in every user group and which is disabled ("off -@all"): it cannot authenticate, so rotating it protects nothing. Applications authenticate with IAM tokens.',
    );
    const defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
      engine,
      userId: physicalName([props.namePrefix, 'cache-default'], 40),
      userName: 'default',
      accessString: 'off -@all',
      passwords: [defaultUserPassword.secretValue.unsafeUnwrap()],
    });
    this.appUserId = physicalName([props.namePrefix, 'cache-app'], 40);
    const appUser = new elasticache.CfnUser(this, 'AppUser', {
      engine,
      userId: this.appUserId,
      userName: this.appUserId,
      accessString: 'on ~* &* +@all -@dangerous',
      authenticationMode: { Type: 'iam' },
    });
    const userGroup = (this.userGroup = new elasticache.CfnUserGroup(this, 'Users', {
      engine,
      userGroupId: physicalName([props.namePrefix, 'cache-users'], 40),
      userIds: [defaultUser.userId, appUser.userId],
    }));
    userGroup.node.addDependency(defaultUser);
    userGroup.node.addDependency(appUser);

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    // Groups CacheCluster creates are tagged as service logs (the cost model prices them so); yours keep your tags.
    const ownLogGroup = (id: string, groupProps: logs.LogGroupProps | undefined): logs.ILogGroup => {
      const group = new logs.LogGroup(this, id, { retention: logRetention, ...groupProps });
      Tags.of(group).add(ROLE_TAG, RESOURCE_ROLES.serviceLogs);
      return group;
    };
    const slowLog = (this.slowLogGroup = props.slowLogGroup ?? ownLogGroup('SlowLog', props.slowLogGroupProps));
    const engineLog = (this.engineLogGroup = props.engineLogGroup ?? ownLogGroup('EngineLog', props.engineLogGroupProps));
    const zones = [...new Set(subnets.availabilityZones)];

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'Application cache (Valkey)',
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      snapshotWindow: '05:00-06:00',
      preferredMaintenanceWindow: 'sun:06:30-sun:07:30',
      ...props.replicationGroupProps,
      // The wiring that keeps the cache safe comes last: the escape hatch cannot undo it.
      replicationGroupId: this.replicationGroupId,
      engine,
      engineVersion,
      cacheNodeType: props.nodeType,
      // Cluster mode: shards of one primary and nodes-1 replicas; ElastiCache spreads each shard's nodes over
      // the subnet group's zones (Multi-AZ). Zones are not pinned per shard: NodeGroupConfiguration is
      // create-only, so pinning it would make adding a shard replace the group.
      ...(clustered
        ? { clusterMode: 'enabled', numNodeGroups: shards, replicasPerNodeGroup: nodes - 1 }
        : { numCacheClusters: nodes, preferredCacheClusterAZs: zones.length ? this.nodeIds.map((_, i) => zones[i % zones.length]) : undefined }),
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      userGroupIds: [userGroup.userGroupId],
      cacheSubnetGroupName: subnetGroup.ref,
      cacheParameterGroupName: parameterGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: this.port,
      logDeliveryConfigurations: [
        { destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log', destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } } },
        { destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'engine-log', destinationDetails: { cloudWatchLogsDetails: { logGroup: engineLog.logGroupName } } },
      ],
    });
    this.replicationGroup.node.addDependency(userGroup);
    // A snapshot is taken before CloudFormation deletes or replaces the group.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    acknowledge(
      this.replicationGroup,
      'AwsSolutions-AEC6',
      'Authentication uses ElastiCache RBAC (UserGroupIds) with IAM authentication instead of a shared AUTH token (the two are mutually exclusive): the default user is disabled and the app user accepts only short-lived IAM tokens.',
    );

    this.clusterMode = clustered;
    // Cluster mode has one configuration endpoint: the client learns the slot map and reads replicas with READONLY.
    const primary = clustered ? this.replicationGroup.attrConfigurationEndPointAddress : this.replicationGroup.attrPrimaryEndPointAddress;
    const reader = clustered ? this.replicationGroup.attrConfigurationEndPointAddress : this.replicationGroup.attrReaderEndPointAddress;
    if (props.zone) {
      new route53.CnameRecord(this, 'PrimaryName', { zone: props.zone, recordName: 'cache', domainName: primary, ttl: Duration.seconds(30) });
      new route53.CnameRecord(this, 'ReaderName', { zone: props.zone, recordName: 'cache-reader', domainName: reader, ttl: Duration.seconds(30) });
      this.primaryHostname = `cache.${props.zone.zoneName}`;
      this.readerHostname = `cache-reader.${props.zone.zoneName}`;
    } else {
      this.primaryHostname = primary;
      this.readerHostname = reader;
    }
    this.addAlarms(props);
  }

  /** Lets `grantee` authenticate to the cache as the app user with IAM tokens. */
  grantConnect(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [
        stack.formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: this.replicationGroupId, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        stack.formatArn({ service: 'elasticache', resource: 'user', resourceName: this.appUserId, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
    });
  }

  /** Allows Valkey (TLS) from `peer`. */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }

  /** The highest value of a per-node metric across the group's nodes. */
  metricMaxOverNodes(metricName: string, statistic = 'Maximum', period = Duration.minutes(5), nodeIds: readonly string[] = this.nodeIds): cloudwatch.MathExpression {
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    nodeIds.forEach((node, nodeIndex) => {
      usingMetrics[`n${nodeIndex}`] = new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: node }, statistic, period });
    });
    return new cloudwatch.MathExpression({ expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`, usingMetrics, label: `${metricName} (max over nodes)`, period });
  }

  /** Evictions summed over the nodes. */
  metricEvictions(period = Duration.minutes(5), nodeIds: readonly string[] = this.nodeIds): cloudwatch.MathExpression {
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    nodeIds.forEach((node, nodeIndex) => {
      usingMetrics[`n${nodeIndex}`] = new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName: 'Evictions', dimensionsMap: { CacheClusterId: node }, statistic: 'Sum', period });
    });
    return new cloudwatch.MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`, usingMetrics, label: 'Evictions', period });
  }

  widgets(): cloudwatch.IWidget[] {
    return drawPanels<CachePanel, cloudwatch.IWidget>(CACHE_PANELS, {
      memory: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricMaxOverNodes('DatabaseMemoryUsagePercentage', 'Maximum', Duration.minutes(1))], width }),
      cpu: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricMaxOverNodes('EngineCPUUtilization', 'Maximum', Duration.minutes(1))], width }),
      evictions: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricEvictions(Duration.minutes(1))], width }),
    });
  }

  private addAlarms(props: CacheClusterProps): void {
    const memory = props.memoryAlarmPercent ?? 80;
    const cpu = props.cpuAlarmPercent ?? 80;
    const evictions = props.evictionAlarmThreshold ?? 1000;
    // An alarm's metric math takes at most 10 metrics: a sharded group's nodes are watched 10 at a time.
    const chunks: string[][] = [];
    for (let start = 0; start < this.nodeIds.length; start += ALARM_METRICS_MAX) chunks.push(this.nodeIds.slice(start, start + ALARM_METRICS_MAX));
    chunks.forEach((nodeIds, chunkIndex) => {
      const suffix = chunkIndex === 0 ? '' : String(chunkIndex + 1);
      const of = chunks.length > 1 ? ` (nodes ${nodeIds[0]} to ${nodeIds[nodeIds.length - 1]})` : '';
      this.alarms.push(
        new cloudwatch.Alarm(this, `Evictions${suffix}`, {
          alarmDescription: `Cache${of}: more than ${evictions} evictions per 5 minutes for 15 minutes: the hot set no longer fits; the hit ratio and the database load will follow. Grow the node type.`,
          metric: this.metricEvictions(undefined, nodeIds),
          threshold: evictions,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `Memory${suffix}`, {
          alarmDescription: `Cache${of}: a node above ${memory}% of its memory for 15 minutes.`,
          metric: this.metricMaxOverNodes('DatabaseMemoryUsagePercentage', undefined, undefined, nodeIds),
          threshold: memory,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `EngineCpu${suffix}`, {
          alarmDescription: `Cache${of}: a node's engine thread above ${cpu}% CPU for 15 minutes (commands queue behind it).`,
          metric: this.metricMaxOverNodes('EngineCPUUtilization', undefined, undefined, nodeIds),
          threshold: cpu,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    });
    notifyAlarms(props.alarms, ...this.alarms);
  }
}
