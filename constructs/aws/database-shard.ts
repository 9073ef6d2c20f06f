import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { acknowledge, managedPolicyFinding } from './nag';
import { physicalName } from './names';
import { checkProp, dataSubnets, eitherExistingOrProps, isWhole } from './props';
import { ReaderEndpoint } from './reader-endpoint';
import { DatabaseShardPanel, databaseShardPanels, drawPanels } from '../../core/dashboard';

/** Database pieces several shards can share. Each is created per shard when not given. */
export interface DatabaseSharedResources {
  /**
   * An existing key that encrypts storage, snapshots, Performance Insights and the master secret.
   * @default a new customer managed key with yearly rotation, retained on removal (so snapshots stay readable)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * An existing security group for the primary and replicas (then you decide who may connect).
   * @default a new group with no ingress and no egress: `allowFrom` opens port 5432 to named peers only
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * An existing DB subnet group.
   * @default a new one over `vpcSubnets`
   */
  readonly subnetGroup?: rds.ISubnetGroup;
  /**
   * Role RDS enhanced monitoring publishes OS metrics with.
   * @default a new role with only the AWS managed AmazonRDSEnhancedMonitoringRole policy
   */
  readonly monitoringRole?: iam.IRole;
  /** Private zone the writer and reader names go in. @default no DNS names */
  readonly zone?: route53.IPrivateHostedZone;
}

export interface DatabaseShardProps extends DatabaseSharedResources {
  /** Your VPC, of any layout (a plain `new ec2.Vpc()` works), or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the instances.
   * @default the VPC's isolated subnets when it has some (no route to the internet), else its private subnets; never public ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Settings for the key DatabaseShard creates, merged over its defaults (rotation on, retained).
   * Give this or `encryptionKey`, not both.
   * @default the defaults above
   */
  readonly encryptionKeyProps?: kms.KeyProps;
  /**
   * Settings for the security group DatabaseShard creates, merged over its defaults (no egress); the VPC
   * is always `vpc`. Give this or `securityGroup`, not both.
   * @default the defaults above
   */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /**
   * Escape hatch: settings for the primary instance, merged over DatabaseShard's defaults. Applied before
   * the wiring that keeps the shard safe, which always wins: VPC, subnets, security group, engine,
   * parameter group (TLS forced), encryption key, managed master secret, private (not publicly accessible).
   * @default none
   */
  readonly primaryProps?: Partial<rds.DatabaseInstanceProps>;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /**
   * Shard number: names the instances (`<prefix>-shard<N>`) and the DNS names (`writer.shard<N>.db`).
   * @default 0
   */
  readonly shardId?: number;
  /**
   * Prefix of the instance identifiers, e.g. the product name. Identifiers are fixed at synth so the
   * log groups (with retention) exist before RDS writes to them.
   * @default the stack name
   */
  readonly identifierPrefix?: string;
  /**
   * PostgreSQL major version, e.g. '16' (RDS picks and upgrades the minor; a major upgrade is never automatic).
   * @default '16'
   */
  readonly engineVersion?: string;
  /**
   * RDS instance class of the primary and each replica, e.g. `db.r7g.xlarge`.
   * @default 'db.m7g.large' (Graviton, 2 vCPU, 8 GiB)
   */
  readonly instanceClass?: string;
  /**
   * Storage of the primary (gp3, encrypted), in GiB; storage autoscaling grows it up to `maxAllocatedStorageGiB`.
   * @default 100
   */
  readonly allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling. @default twice `allocatedStorageGiB` */
  readonly maxAllocatedStorageGiB?: number;
  /** Provisioned gp3 IOPS above the baseline. @default the gp3 baseline */
  readonly iops?: number;
  /** A synchronous standby in another zone (survives a zone failure without data loss). @default true */
  readonly multiAz?: boolean;
  /** Read replicas, spread over the zones, behind one reader name. @default 0 */
  readonly readReplicas?: number;
  /** Days of automated backups (the point-in-time recovery window). @default 7 */
  readonly backupRetentionDays?: number;
  /** `max_connections`; also sets the connections alarm at 80% of it. @default the RDS memory-based default, no connections alarm */
  readonly maxConnections?: number;
  /**
   * Replica lag that pages and takes the replica out of the reader name; replicas also cancel
   * conflicting queries after this long (`max_standby_*_delay`) so lag stays within it.
   * @default Duration.seconds(30)
   */
  readonly replicaLagAlarm?: Duration;
  /** CPU of the primary that pages. @default 80 */
  readonly cpuAlarmPercent?: number;
  /** Alarm when less than this share of the allocated storage is free. @default 20 */
  readonly freeStorageAlarmPercent?: number;
  /** Deletion protection on the primary (a stack update or `cdk destroy` cannot delete it). @default true */
  readonly deletionProtection?: boolean;
  /**
   * What CloudFormation does with the primary on removal or replacement.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of the PostgreSQL logs in CloudWatch (bounded, so logs never grow without limit). @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Extra or overriding parameter group settings. @default none */
  readonly parameters?: Record<string, string>;
  /** Database created on the primary. @default 'app' */
  readonly databaseName?: string;
}

/**
 * One PostgreSQL shard on RDS: a Multi-AZ primary and N read replicas (encrypted with a
 * customer managed key, isolated subnets, TLS forced, IAM database authentication, master
 * password managed and rotated by RDS in Secrets Manager, automated backups with PITR,
 * Performance Insights, enhanced monitoring, logs in CloudWatch with retention, deletion
 * protection, snapshot on removal), DNS names `writer.shard<N>.db.<zone>` and
 * `reader.shard<N>.db.<zone>`, and its alarms. The read-replicas stage builds shard 0 with
 * it; the sharded stage builds every shard with it, so shard 0 is the same resources.
 */
export class DatabaseShard extends Construct {
  readonly primary: rds.DatabaseInstance;
  readonly replicas: rds.DatabaseInstanceReadReplica[] = [];
  readonly parameterGroup: rds.ParameterGroup;
  readonly encryptionKey: kms.IKey;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The writer's DNS name, when a zone was given; otherwise the RDS endpoint. */
  readonly writerHostname: string;
  /** The reader name (replicas, falling back to the primary), when a zone was given; otherwise the primary's endpoint. */
  readonly readerHostname: string;
  readonly readerEndpoint?: ReaderEndpoint;
  readonly replicaLagAlarms: cloudwatch.Alarm[] = [];
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly shardId: number;
  private readonly maxConnections?: number;

  constructor(scope: Construct, id: string, userProps: DatabaseShardProps) {
    super(scope, id);
    const props = DatabaseShard.withDefaults(this, userProps);
    this.shardId = props.shardId;
    this.maxConnections = props.maxConnections;
    const shard = `shard${props.shardId}`;
    const vpcSubnets = props.vpcSubnets ?? dataSubnets('DatabaseShard', props.vpc);
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(props.engineVersion, props.engineVersion.split('.')[0]) });
    const instanceType = new ec2.InstanceType(props.instanceClass.replace(/^db\./, ''));
    const lag = props.replicaLagAlarm ?? Duration.seconds(30);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const maxAllocated = props.maxAllocatedStorageGiB ?? props.allocatedStorageGiB * 2;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts database ${shard}: storage, snapshots, Performance Insights, master secret`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...props.encryptionKeyProps,
      });
    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', { description: `Database ${shard}: PostgreSQL from granted clients only`, allowAllOutbound: false, ...props.securityGroupProps, vpc: props.vpc });
    const subnetGroup =
      props.subnetGroup ??
      new rds.SubnetGroup(this, 'SubnetGroup', { vpc: props.vpc, vpcSubnets, description: `Database ${shard}: isolated subnets` });
    const monitoringRole = props.monitoringRole ?? DatabaseShard.monitoringRole(this, 'MonitoringRole');

    const standbyDelayMs = String(Math.max(1000, lag.toMilliseconds()));
    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `Database ${shard}: TLS only, logical replication, bounded replica delay`,
      parameters: {
        'rds.force_ssl': '1',
        // Logical replication: RDS Blue/Green upgrades and the shard backfill both need it.
        'rds.logical_replication': '1',
        // Replicas cancel queries that hold up replay longer than the staleness bound.
        max_standby_streaming_delay: standbyDelayMs,
        max_standby_archive_delay: standbyDelayMs,
        log_min_duration_statement: '1000',
        log_lock_waits: '1',
        ...(props.maxConnections ? { max_connections: String(props.maxConnections) } : {}),
        ...(props.parameters ?? {}),
      },
    });

    const common = {
      vpc: props.vpc,
      vpcSubnets,
      subnetGroup,
      securityGroups: [this.securityGroup],
      instanceType,
      port: 5432,
      parameterGroup: this.parameterGroup,
      iamAuthentication: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      monitoringInterval: Duration.seconds(60),
      monitoringRole,
      cloudwatchLogsExports: ['postgresql'],
      autoMinorVersionUpgrade: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
      maxAllocatedStorage: maxAllocated,
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
    };

    const primaryId = physicalName([props.identifierPrefix, shard], 63);
    const primaryLogs = this.instanceLogGroup('PrimaryLogs', primaryId, logRetention, RemovalPolicy.RETAIN);
    this.primary = new rds.DatabaseInstance(this, 'Primary', {
      ...common,
      multiAz: props.multiAz ?? true,
      allocatedStorage: props.allocatedStorageGiB,
      storageType: rds.StorageType.GP3,
      iops: props.iops,
      backupRetention: Duration.days(props.backupRetentionDays ?? 7),
      preferredBackupWindow: '03:00-04:00',
      deleteAutomatedBackups: false,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      allowMajorVersionUpgrade: false,
      databaseName: props.databaseName ?? 'app',
      ...props.primaryProps,
      // The wiring that keeps the shard safe comes last: the escape hatch cannot undo it.
      vpc: props.vpc,
      vpcSubnets,
      subnetGroup,
      securityGroups: [this.securityGroup],
      parameterGroup: this.parameterGroup,
      publiclyAccessible: false,
      instanceIdentifier: primaryId,
      storageEncryptionKey: this.encryptionKey,
      credentials: rds.Credentials.fromUsername('postgres', { encryptionKey: this.encryptionKey }),
      manageMasterUserPassword: true,
      engine,
    });
    this.primary.node.addDependency(primaryLogs);
    if (props.multiAz === false) {
      acknowledge(this.primary, 'AwsSolutions-RDS3', 'Multi-AZ turned off on purpose through the DatabaseShard multiAz prop (a non-production shard).');
    }
    acknowledge(
      this.primary,
      'AwsSolutions-RDS11',
      'PostgreSQL keeps its standard port 5432: the instance sits in isolated subnets, its security group admits only the app and worker fleets, and TLS plus IAM or managed-secret authentication is required; a non-standard port would add no protection and break client defaults.',
    );

    // Zones that have database subnets (a VPC's availabilityZones also lists reserved ones).
    const zones = [...new Set(props.vpc.selectSubnets(vpcSubnets).availabilityZones)];
    for (let replicaNumber = 1; replicaNumber <= (props.readReplicas ?? 0); replicaNumber++) {
      const replicaId = physicalName([props.identifierPrefix, shard, `replica${replicaNumber}`], 63);
      // Logs outlive their instance, like every log group here (re-adding a removed replica needs its old group deleted first).
      const replicaLogs = this.instanceLogGroup(`Replica${replicaNumber}Logs`, replicaId, logRetention, RemovalPolicy.RETAIN);
      const replica = new rds.DatabaseInstanceReadReplica(this, `Replica${replicaNumber}`, {
        ...common,
        sourceDatabaseInstance: this.primary,
        instanceIdentifier: replicaId,
        availabilityZone: zones.length ? zones[replicaNumber % zones.length] : undefined,
        storageType: rds.StorageType.GP3,
        iops: props.iops,
        storageEncrypted: true,
        deletionProtection: false,
        // A replica is a copy of its primary: removing one loses no data.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      replica.node.addDependency(replicaLogs);
      // A same-region replica is always encrypted with its source's key; CloudFormation rejects
      // StorageEncrypted (and a KmsKeyId of its own) beside SourceDBInstanceIdentifier.
      (replica.node.defaultChild as rds.CfnDBInstance).addPropertyDeletionOverride('StorageEncrypted');
      acknowledge(
        replica,
        'AwsSolutions-RDS3',
        'A read replica is a single-AZ copy by design: replicas are spread over the zones and the reader name drops any that fails; the primary they copy is Multi-AZ.',
      );
      acknowledge(
        replica,
        'AwsSolutions-RDS10',
        'A read replica holds no data of its own (it copies the deletion-protected primary); the stack removes replicas when the plan lowers their count.',
      );
      acknowledge(
        replica,
        'AwsSolutions-RDS11',
        'A read replica inherits its engine and port (5432) from its primary, which the rule cannot see; like the primary it sits in isolated subnets behind a security group that admits only the app and worker fleets, with TLS and authentication required.',
      );
      this.replicas.push(replica);

      const lagAlarm = new cloudwatch.Alarm(this, `Replica${replicaNumber}Lag`, {
        alarmDescription: `Database ${shard} replica ${replicaNumber}: replication lag above ${lag.toSeconds()} s (the staleness bound) for 3 minutes. The reader name stops sending reads to it while this is in alarm.`,
        metric: replica.metric('ReplicaLag', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: lag.toSeconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // A replica that stops reporting is down or broken: page and take it out of the rotation.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.replicaLagAlarms.push(lagAlarm);
    }

    if (props.zone) {
      new route53.CnameRecord(this, 'Writer', {
        zone: props.zone,
        recordName: `writer.${shard}.db`,
        domainName: this.primary.dbInstanceEndpointAddress,
        ttl: Duration.seconds(30),
      });
      this.writerHostname = `writer.${shard}.db.${props.zone.zoneName}`;
      this.readerEndpoint = new ReaderEndpoint(this, 'Reader', {
        zone: props.zone,
        recordName: `reader.${shard}.db`,
        targets: this.replicas.map((replica, i) => ({ id: `Replica${i + 1}`, hostname: replica.dbInstanceEndpointAddress, healthAlarm: this.replicaLagAlarms[i] })),
        fallbackHostname: this.primary.dbInstanceEndpointAddress,
      });
      this.readerHostname = this.readerEndpoint.hostname;
    } else {
      this.writerHostname = this.primary.dbInstanceEndpointAddress;
      this.readerHostname = this.replicas.length ? this.replicas[0].dbInstanceEndpointAddress : this.primary.dbInstanceEndpointAddress;
    }

    this.addPrimaryAlarms(props, shard);
    this.alarms.push(...this.replicaLagAlarms);
    notifyAlarms(props.alarms, ...this.alarms);
  }

  /** The props with their defaults filled in, after checking them (errors name the prop). */
  private static withDefaults(scope: Construct, props: DatabaseShardProps) {
    const construct = 'DatabaseShard';
    eitherExistingOrProps(construct, 'encryptionKey', props.encryptionKey, 'encryptionKeyProps', props.encryptionKeyProps);
    eitherExistingOrProps(construct, 'securityGroup', props.securityGroup, 'securityGroupProps', props.securityGroupProps);
    const filled = {
      ...props,
      shardId: props.shardId ?? 0,
      identifierPrefix: props.identifierPrefix ?? Stack.of(scope).stackName,
      engineVersion: props.engineVersion ?? '16',
      instanceClass: props.instanceClass ?? 'db.m7g.large',
      allocatedStorageGiB: props.allocatedStorageGiB ?? 100,
    };
    checkProp(construct, 'shardId', isWhole(filled.shardId, 0), 'a whole number from 0', filled.shardId);
    checkProp(construct, 'engineVersion', /^\d+(\.\d+)?$/.test(filled.engineVersion), "a PostgreSQL version such as '16' or '16.4'", filled.engineVersion);
    checkProp(construct, 'instanceClass', /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(filled.instanceClass), "an RDS instance class such as 'db.r7g.xlarge'", filled.instanceClass);
    checkProp(construct, 'allocatedStorageGiB', isWhole(filled.allocatedStorageGiB, 20, 65536), 'whole GiB from 20 to 65536 (gp3)', filled.allocatedStorageGiB);
    if (props.maxAllocatedStorageGiB !== undefined) {
      checkProp(construct, 'maxAllocatedStorageGiB', isWhole(props.maxAllocatedStorageGiB, filled.allocatedStorageGiB, 65536), `whole GiB from allocatedStorageGiB (${filled.allocatedStorageGiB}) to 65536`, props.maxAllocatedStorageGiB);
    }
    if (props.readReplicas !== undefined) checkProp(construct, 'readReplicas', isWhole(props.readReplicas, 0, 15), 'a whole number from 0 to 15 (the RDS limit per primary)', props.readReplicas);
    if (props.backupRetentionDays !== undefined) checkProp(construct, 'backupRetentionDays', isWhole(props.backupRetentionDays, 1, 35), 'whole days from 1 to 35 (0 would turn backups and read replicas off)', props.backupRetentionDays);
    if (props.maxConnections !== undefined) checkProp(construct, 'maxConnections', isWhole(props.maxConnections, 6, 262143), 'a whole number from 6 to 262143', props.maxConnections);
    for (const [prop, value] of [['cpuAlarmPercent', props.cpuAlarmPercent], ['freeStorageAlarmPercent', props.freeStorageAlarmPercent]] as const) {
      if (value !== undefined) checkProp(construct, prop, value > 0 && value < 100, 'a percentage between 0 and 100', value);
    }
    return filled;
  }

  /** A role for RDS enhanced monitoring, to share between instances. */
  static monitoringRole(scope: Construct, id: string): iam.Role {
    const role = new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      description: 'RDS enhanced monitoring publishes OS metrics to CloudWatch Logs',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
    });
    acknowledge(
      role,
      'AwsSolutions-IAM4',
      'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS enhanced monitoring documents for its role; it only writes the RDSOSMetrics log group.',
      [managedPolicyFinding('service-role/AmazonRDSEnhancedMonitoringRole')],
    );
    return role;
  }

  /** Lets `grantee` connect as database user `dbUser` with an IAM token (on the primary and every replica). */
  grantConnect(grantee: iam.IGrantable, dbUser: string): void {
    this.primary.grantConnect(grantee, dbUser);
    for (const replica of this.replicas) replica.grantConnect(grantee, dbUser);
  }

  /** Allows PostgreSQL from `peer` (a fleet's security group). */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.primary.connections.allowDefaultPortFrom(peer, description);
  }

  /** Dashboard widgets for this shard: CPU, connections, replica lag, free storage. */
  widgets(): cloudwatch.IWidget[] {
    const instances: Array<{ label: string; db: rds.DatabaseInstanceBase }> = [
      { label: 'primary', db: this.primary },
      ...this.replicas.map((db, i) => ({ label: `replica ${i + 1}`, db })),
    ];
    const per = (metricName: string, statistic: string) =>
      instances.map(({ label, db }) => db.metric(metricName, { statistic, period: Duration.minutes(1), label }));
    return drawPanels<DatabaseShardPanel, cloudwatch.IWidget>(databaseShardPanels(this.shardId), {
      cpu: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: per('CPUUtilization', 'Average'), width }),
      connections: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: per('DatabaseConnections', 'Maximum'), width }),
      replicaLag: ({ title, width }) =>
        new cloudwatch.GraphWidget({
          title,
          left: this.replicas.map((db, i) => db.metric('ReplicaLag', { statistic: 'Maximum', period: Duration.minutes(1), label: `replica ${i + 1}` })),
          width,
        }),
      freeStorage: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: per('FreeStorageSpace', 'Minimum'), width }),
    });
  }

  private instanceLogGroup(id: string, instanceId: string, retention: logs.RetentionDays, removalPolicy: RemovalPolicy): logs.LogGroup {
    // Created before the instance with the name RDS writes to, so the retention applies from the first line.
    const group = new logs.LogGroup(this, id, { logGroupName: `/aws/rds/instance/${instanceId}/postgresql`, retention, removalPolicy });
    Tags.of(group).add(ROLE_TAG, RESOURCE_ROLES.serviceLogs);
    return group;
  }

  private addPrimaryAlarms(props: DatabaseShardProps & { allocatedStorageGiB: number }, shard: string): void {
    const cpuPercent = props.cpuAlarmPercent ?? 80;
    const freePercent = props.freeStorageAlarmPercent ?? 20;
    this.alarms.push(
      new cloudwatch.Alarm(this, 'PrimaryCpu', {
        alarmDescription: `Database ${shard} primary: CPU above ${cpuPercent}% for 15 minutes. Check pg_stat_statements; reads belong on the replicas, writes past one primary mean the next stage.`,
        metric: this.primary.metricCPUUtilization({ period: Duration.minutes(5) }),
        threshold: cpuPercent,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      new cloudwatch.Alarm(this, 'PrimaryFreeStorage', {
        alarmDescription: `Database ${shard} primary: under ${freePercent}% of its ${props.allocatedStorageGiB} GiB free for 15 minutes. Storage autoscaling grows it up to ${props.maxAllocatedStorageGiB ?? props.allocatedStorageGiB * 2} GiB; past that, raise the ceiling or shard.`,
        metric: this.primary.metricFreeStorageSpace({ statistic: 'Minimum', period: Duration.minutes(5) }),
        threshold: Math.round(props.allocatedStorageGiB * 1024 ** 3 * (freePercent / 100)),
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    if (this.maxConnections) {
      const limit = Math.floor(this.maxConnections * 0.8);
      this.alarms.push(
        new cloudwatch.Alarm(this, 'PrimaryConnections', {
          alarmDescription: `Database ${shard} primary: more than ${limit} connections (80% of max_connections ${this.maxConnections}) for 10 minutes. Pool connections (RDS Proxy or PgBouncer) before new ones are refused.`,
          metric: this.primary.metricDatabaseConnections({ statistic: 'Maximum', period: Duration.minutes(5) }),
          threshold: limit,
          evaluationPeriods: 2,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
