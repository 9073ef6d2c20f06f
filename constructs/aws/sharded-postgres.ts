import { Duration, NestedStack, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AlarmDestination } from './alarm-topic';
import { DatabaseShard } from './database-shard';
import { checkProp, isWhole } from './props';
import { APP_DATABASE_NAME, shardMapDocument, ShardMapDocument } from '../../core/contract';
import { shardGroupOf, SHARDS_IN_PARENT_STACK, SHARDS_PER_GROUP } from '../../core/nested-stacks';

export { shardGroupOf, SHARDS_IN_PARENT_STACK, SHARDS_PER_GROUP };

/** The size of one shard. */
export interface ShardShape {
  /** RDS instance class of the shard's primary and replicas, e.g. `db.r7g.xlarge`. */
  readonly instanceClass: string;
  /** Storage of the shard's primary (gp3, encrypted), in GiB. Required: it holds the shard's share of your data, which only you can size. */
  readonly allocatedStorageGiB: number;
  /** @default twice `allocatedStorageGiB` */
  readonly maxAllocatedStorageGiB?: number;
  /** @default the gp3 baseline */
  readonly iops?: number;
  /** @default 0 */
  readonly readReplicas?: number;
  /** @default the RDS default (no connections alarm) */
  readonly maxConnections?: number;
}

export interface ShardedPostgresProps {
  /** Your VPC, of any layout, or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** Prefix of instance identifiers and of the shard map parameter, e.g. the product name. */
  readonly identifierPrefix: string;
  /** PostgreSQL major version, e.g. '16'. */
  readonly engineVersion: string;
  /** One entry per shard, shard 0 first. A single entry is an unsharded database that is already shard 0. */
  readonly shards: readonly ShardShape[];
  /** Private zone for `writer.shard<N>.db` and `reader.shard<N>.db`. @default no DNS names (the map lists RDS endpoints) */
  readonly zone?: route53.IPrivateHostedZone;
  /** The key-to-shard rule applications follow, published in the shard map. */
  readonly shardKey: string;
  /**
   * Shards applications route keys to (the first N). While a new shard is being backfilled
   * it is provisioned but not yet active, so keys stay where their data is.
   * @default every shard
   */
  readonly activeShards?: number;
  /** @default `/<identifierPrefix>/database/shard-map` */
  readonly shardMapParameterName?: string;
  /** @default true */
  readonly multiAz?: boolean;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** @default Duration.seconds(30) */
  readonly replicaLagAlarm?: Duration;
  /** @default 80 */
  readonly cpuAlarmPercent?: number;
  /** @default 20 */
  readonly freeStorageAlarmPercent?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Shards built in this construct's own stack (shards 0 to N-1), as before there were shard groups.
   * Fixed, so that a growing product never moves a shard it has: the shards beyond go into nested
   * stacks (`ShardGroup<g>`) of `shardsPerGroup` each, which keeps every stack under CloudFormation's
   * 500 resources.
   * @default 16 (SHARDS_IN_PARENT_STACK)
   */
  readonly shardsInParentStack?: number;
  /** Shards per nested stack beyond `shardsInParentStack`. @default 8 (SHARDS_PER_GROUP) */
  readonly shardsPerGroup?: number;
}

/** What the shard map parameter holds (JSON): the one shard-map format of the app contract. */
export type { ShardMapDocument };

/**
 * PostgreSQL as K shard groups built by `DatabaseShard` (shard 0 is the database every
 * earlier stage had: same construct path, same logical IDs), sharing one KMS key, security
 * group, subnet group and monitoring role, and a shard map in SSM Parameter Store that tells
 * applications which shard holds a key and how to reach its writer and readers.
 */
export class ShardedPostgres extends Construct {
  readonly shards: DatabaseShard[] = [];
  readonly encryptionKey: kms.Key;
  readonly securityGroup: ec2.SecurityGroup;
  readonly shardMap: ssm.StringParameter;
  readonly shardMapDocument: ShardMapDocument;
  /** The nested stacks holding shards beyond `shardsInParentStack`, group 0 first (none for smaller products). */
  readonly shardGroups: NestedStack[] = [];

  constructor(scope: Construct, id: string, props: ShardedPostgresProps) {
    super(scope, id);
    if (!props.shards.length) throw new Error('ShardedPostgres: at least one shard');
    const activeShards = props.activeShards ?? props.shards.length;
    if (activeShards < 1 || activeShards > props.shards.length) {
      throw new Error(`ShardedPostgres: activeShards must be between 1 and ${props.shards.length}, got ${activeShards}`);
    }

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts every database shard: storage, snapshots, Performance Insights, master secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PostgreSQL shards: port 5432 from the app and worker fleets only',
      allowAllOutbound: false,
    });
    const subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      description: 'PostgreSQL shards: isolated subnets',
    });
    const monitoringRole = DatabaseShard.monitoringRole(this, 'MonitoringRole');
    const inParent = props.shardsInParentStack ?? SHARDS_IN_PARENT_STACK;
    const perGroup = props.shardsPerGroup ?? SHARDS_PER_GROUP;
    checkProp('ShardedPostgres', 'shardsInParentStack', isWhole(inParent, 1), 'a whole number of 1 or more', inParent);
    checkProp('ShardedPostgres', 'shardsPerGroup', isWhole(perGroup, 1), 'a whole number of 1 or more', perGroup);
    // Shard i is built in the parent stack (i < inParent, construct path and logical IDs as always)
    // or in nested stack ShardGroup<g>: the rule never moves a shard as the count grows.
    const scopeOf = (shardId: number): Construct => {
      const group = shardGroupOf(shardId, inParent, perGroup);
      if (group === undefined) return this;
      while (this.shardGroups.length <= group) {
        const nextGroup = this.shardGroups.length;
        this.shardGroups.push(new NestedStack(this, `ShardGroup${nextGroup}`, { description: `Database shards ${inParent + nextGroup * perGroup} to ${inParent + (nextGroup + 1) * perGroup - 1}` }));
      }
      return this.shardGroups[group];
    };

    props.shards.forEach((shape, shardIndex) => {
      this.shards.push(
        new DatabaseShard(scopeOf(shardIndex), `Shard${shardIndex}`, {
          vpc: props.vpc,
          alarms: props.alarms,
          shardId: shardIndex,
          identifierPrefix: props.identifierPrefix,
          engineVersion: props.engineVersion,
          instanceClass: shape.instanceClass,
          allocatedStorageGiB: shape.allocatedStorageGiB,
          maxAllocatedStorageGiB: shape.maxAllocatedStorageGiB,
          iops: shape.iops,
          readReplicas: shape.readReplicas,
          maxConnections: shape.maxConnections,
          multiAz: props.multiAz,
          backupRetentionDays: props.backupRetentionDays,
          replicaLagAlarm: props.replicaLagAlarm,
          cpuAlarmPercent: props.cpuAlarmPercent,
          freeStorageAlarmPercent: props.freeStorageAlarmPercent,
          logRetention: props.logRetention,
          encryptionKey: this.encryptionKey,
          securityGroup: this.securityGroup,
          subnetGroup,
          monitoringRole,
          zone: props.zone,
        }),
      );
    });

    this.shardMapDocument = shardMapDocument({
      database: APP_DATABASE_NAME,
      port: 5432,
      shardKey: props.shardKey,
      activeShards,
      // RDS has no pooler in front of the writer: the direct host is the writer.
      shards: this.shards.map((shard) => ({ writer: shard.writerHostname, reader: shard.readerHostname, direct: shard.writerHostname })),
    });
    const value = JSON.stringify(this.shardMapDocument);
    this.shardMap = new ssm.StringParameter(this, 'ShardMap', {
      parameterName: props.shardMapParameterName ?? `/${props.identifierPrefix}/database/shard-map`,
      description: 'Shard map: shard id to writer and reader hostnames, and the key-to-shard rule',
      stringValue: value,
      // Standard parameters hold 4 KB; larger maps need the advanced tier. Endpoints are
      // tokens without a zone, so size those at the advanced tier too.
      tier: props.zone && value.length <= 4096 ? ssm.ParameterTier.STANDARD : ssm.ParameterTier.ADVANCED,
    });
  }

  /** Allows PostgreSQL on every shard from `peer`. */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(5432), description);
  }

  /** Lets `grantee` read the shard map and connect to every shard as `dbUser` with IAM tokens. */
  grantClient(grantee: iam.IGrantable, dbUser: string): void {
    this.shardMap.grantRead(grantee);
    for (const shard of this.shards) shard.grantConnect(grantee, dbUser);
  }

  get alarms(): cloudwatch.Alarm[] {
    return this.shards.flatMap((s) => s.alarms);
  }
}
