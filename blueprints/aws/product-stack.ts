import { CfnOutput, Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { describeValue, UsageError } from '../../core/errors';
import { computePlan, Plan, ServerPlan, shardSizings } from '../../core/plan';
import { CacheCluster } from '../../constructs/aws/cache-cluster';
import { KafkaPipeline } from '../../constructs/aws/kafka-pipeline';
import { NatStrategy, Network } from '../../constructs/aws/network';
import { ShardedPostgres, ShardShape } from '../../constructs/aws/sharded-postgres';
import { SingleServer } from '../../constructs/aws/single-server';
import { SloAlarms } from '../../constructs/aws/slo-alarms';
import { SqsWorkQueue } from '../../constructs/aws/sqs-work-queue';
import { StageObservability } from '../../constructs/aws/stage-observability';
import { WebTier } from '../../constructs/aws/web-tier';
import { WorkerFleet } from '../../constructs/aws/worker-fleet';

/**
 * Deployment choices that are not sizes, so they live outside the plan. Each can also be
 * given as CDK context (`-c name=value`), which is how `cdk synth` and `cdk deploy` pass them.
 */
export interface ProductStackOptions {
  /**
   * ACM certificate ARN for the load balancer (context `certificateArn`). Without one the
   * web tier serves HTTP only and synth warns.
   * @default none
   */
  readonly certificateArn?: string;
  /**
   * Keep the single server running beside the new tiers while its data moves to RDS
   * (context `keepSingleServer=true`). Deploy split-tier with it, move the data, cut over,
   * then deploy again without it: the server is removed and its data volume retained.
   * @default false
   */
  readonly keepSingleServer?: boolean;
  /** NAT gateways (context `natStrategy`): `one-per-zone` or `single`. @default 'one-per-zone' */
  readonly natStrategy?: NatStrategy;
  /**
   * Shards the shard map routes keys to (context `activeShards`). Deploy the sharded stage
   * with `1` first, backfill the new shards, then deploy with the full count to switch.
   * While it is below the shard count, shard 0 keeps the size it had before sharding.
   * @default every planned shard
   */
  readonly activeShards?: number;
}

export interface ProductStackProps extends StackProps, ProductStackOptions {
  readonly plan: Plan;
}

/**
 * One stack per product. The stage decides what is in it; construct IDs never depend on
 * the stage, so every resource keeps its logical ID as the product climbs the ladder and
 * CloudFormation updates it in place.
 */
export class ProductStack extends Stack {
  readonly plan: Plan;
  readonly options: Required<Omit<ProductStackOptions, 'certificateArn'>> & { certificateArn?: string };
  readonly observability: StageObservability;
  readonly network: Network;
  readonly singleServer?: SingleServer;
  readonly zone?: route53.PrivateHostedZone;
  readonly database?: ShardedPostgres;
  readonly cache?: CacheCluster;
  readonly jobQueue?: SqsWorkQueue;
  readonly jobStream?: KafkaPipeline;
  readonly web?: WebTier;
  readonly workers?: WorkerFleet;
  readonly slo?: SloAlarms;

  constructor(scope: Construct, id: string, props: ProductStackProps) {
    super(scope, id, props);
    const { plan } = props;
    this.plan = plan;
    this.options = resolveOptions(this, props);
    Tags.of(this).add('stagekit:product', plan.product);
    Tags.of(this).add('stagekit:stage', plan.stage);

    this.observability = new StageObservability(this, 'Observability', {
      dashboardName: `${plan.product}-${plan.stage}`,
      alarmEmail: plan.observability.alarmEmail,
    });
    const alarmTopic = this.observability.alarmTopic;
    const retention = retentionDays(plan.observability.logRetentionDays);
    this.network = new Network(this, 'Network', {
      zones: plan.zones,
      privateTiers: plan.stage !== 'single-server',
      natStrategy: this.options.natStrategy,
      flowLogRetention: retention,
    });
    const vpc = this.network.vpc;

    // The single server: the whole first stage, or kept beside split-tier during the data move.
    const server = plan.server ?? (this.options.keepSingleServer ? computePlan(plan.profile, 'single-server').server : undefined);
    if (server) this.singleServer = this.buildSingleServer(server);

    const db = plan.database;
    if (!db) return;

    this.zone = new route53.PrivateHostedZone(this, 'InternalDns', { zoneName: `${plan.product}.internal`, vpc, comment: 'Stable names for the data tier' });
    this.database = new ShardedPostgres(this, 'Database', {
      vpc,
      alarms: alarmTopic,
      identifierPrefix: plan.product,
      engineVersion: db.engineVersion,
      shards: shardShapes(plan, this.options.activeShards),
      zone: this.zone,
      shardKey: db.shardKey,
      activeShards: this.options.activeShards,
      multiAz: db.standby,
      backupRetentionDays: db.backupRetentionDays,
      replicaLagAlarm: Duration.seconds(db.replicaLagAlarmSeconds),
      cpuAlarmPercent: plan.observability.cpuAlarmPercent,
      freeStorageAlarmPercent: 100 - plan.observability.diskUsedAlarmPercent,
      logRetention: retention,
    });

    if (this.singleServer) {
      // The data move (keepSingleServer): the server may reach the new database (pg_dump | pg_restore, psql),
      // and the database may reach the server's Postgres (a logical-replication subscription).
      const server = this.singleServer.securityGroup;
      this.database.allowFrom(server, 'PostgreSQL from the single server during the data move');
      this.database.securityGroup.addEgressRule(server, ec2.Port.tcp(5432), 'Logical replication from the single server during the data move');
      server.addIngressRule(this.database.securityGroup, ec2.Port.tcp(5432), 'Logical replication subscription from RDS during the data move');
    }

    if (plan.cache) {
      this.cache = new CacheCluster(this, 'Cache', {
        vpc,
        alarms: alarmTopic,
        namePrefix: plan.product,
        nodeType: plan.cache.node.name,
        nodes: plan.cache.nodes,
        zone: this.zone,
        cpuAlarmPercent: plan.observability.cpuAlarmPercent,
        logRetention: retention,
      });
    }

    const queue = plan.queue;
    if (queue?.technology === 'sqs') {
      this.jobQueue = new SqsWorkQueue(this, 'Jobs', {
        alarms: alarmTopic,
        retention: Duration.hours(queue.retentionHours),
        visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
        maxReceiveCount: queue.maxReceiveCount,
        maxJobDelay: Duration.seconds(queue.maxJobDelaySeconds),
      });
    } else if (queue?.technology === 'kafka' && queue.kafka) {
      const k = queue.kafka;
      this.jobStream = new KafkaPipeline(this, 'JobStream', {
        vpc,
        alarms: alarmTopic,
        namePrefix: plan.product,
        brokerType: k.broker.name,
        brokers: k.brokers,
        storageGiBPerBroker: k.storageGiBPerBroker,
        topic: k.topic,
        partitions: k.partitions,
        replicationFactor: k.replicationFactor,
        minInSyncReplicas: k.minInSyncReplicas,
        retention: Duration.hours(queue.retentionHours),
        consumerGroup: k.consumerGroup,
        consumerLagAlarmMessages: k.consumerLagAlarmMessages,
        maxTimeLag: Duration.seconds(queue.maxJobDelaySeconds),
        diskUsedAlarmPercent: plan.observability.diskUsedAlarmPercent,
        logRetention: retention,
      });
    }

    const environment = this.appEnvironment();
    this.web = new WebTier(this, 'Web', {
      vpc,
      alarms: alarmTopic,
      image: plan.app.image,
      port: plan.app.port,
      healthCheckPath: plan.app.healthCheckPath,
      instanceType: plan.app.instance.name,
      minCapacity: plan.app.minCount,
      maxCapacity: plan.app.maxCount,
      targetCpuPercent: plan.app.targetCpuPercent,
      certificateArn: this.options.certificateArn,
      environment: { ...environment, STAGEKIT_ROLE: 'web' },
      eventsTopic: this.observability.eventsTopic(),
    });
    this.connectClient(this.web.fleet.autoScalingGroup, this.web.fleet.role, 'web fleet');
    this.jobQueue?.grantProduce(this.web.fleet.role);
    this.jobStream?.grantProduce(this.web.fleet.role);

    if (queue) {
      const backlog = this.jobQueue ? this.jobQueue.metricBacklog() : this.jobStream!.metricLag('SumOffsetLag');
      this.workers = new WorkerFleet(this, 'Workers', {
        vpc,
        alarms: alarmTopic,
        instanceType: queue.worker.name,
        minCapacity: queue.minWorkers,
        maxCapacity: queue.maxWorkers,
        container: { image: plan.app.image, environment: { ...environment, STAGEKIT_ROLE: 'worker' } },
        backlog,
        backlogPerWorker: queue.backlogPerWorker,
        eventsTopic: this.observability.eventsTopic(),
      });
      this.connectClient(this.workers.fleet.autoScalingGroup, this.workers.fleet.role, 'workers');
      this.jobQueue?.grantConsume(this.workers.fleet.role);
      this.jobStream?.grantConsume(this.workers.fleet.role);
    }

    this.slo = new SloAlarms(this, 'Slo', {
      loadBalancer: this.web.loadBalancer,
      alarms: alarmTopic,
      availabilityPercent: plan.observability.availabilityPercent,
      burnRates: plan.observability.burnRates.map((b) => ({
        name: b.name,
        longWindow: Duration.minutes(b.longWindowMinutes),
        shortWindow: Duration.minutes(b.shortWindowMinutes),
        errorRatioThreshold: b.errorRatioThreshold,
        burnRate: b.burnRate,
      })),
      p99Latency: Duration.millis(plan.observability.p99LatencyMs),
    });

    this.buildDashboard();
    new CfnOutput(this, 'LoadBalancerUrl', {
      description: 'Where the web tier answers',
      value: `${this.web.https ? 'https' : 'http'}://${this.web.loadBalancer.loadBalancerDnsName}`,
    });
    new CfnOutput(this, 'ShardMapParameter', { description: 'SSM parameter holding the shard map', value: this.database.shardMap.parameterName });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Every alarm of this stage notifies this topic', value: alarmTopic.topic.topicArn });
  }

  /** What the app and the workers are told about the data tier (names, not secrets). */
  private appEnvironment(): Record<string, string> {
    const shard0 = this.database!.shards[0];
    const env: Record<string, string> = {
      AWS_REGION: this.region,
      DATABASE_SHARD_MAP_PARAMETER: this.database!.shardMap.parameterName,
      DATABASE_WRITER_HOST: shard0.writerHostname,
      DATABASE_READER_HOST: shard0.readerHostname,
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'app',
      DATABASE_USER: APP_DATABASE_USER,
      DATABASE_AUTH: 'iam',
    };
    if (this.cache) {
      Object.assign(env, {
        CACHE_HOST: this.cache.primaryHostname,
        CACHE_READER_HOST: this.cache.readerHostname,
        CACHE_PORT: String(this.cache.port),
        CACHE_TLS: 'true',
        CACHE_USER: this.cache.appUserId,
        CACHE_REPLICATION_GROUP_ID: this.cache.replicationGroupId,
        CACHE_AUTH: 'iam',
      });
    }
    if (this.jobQueue) env.JOB_QUEUE_URL = this.jobQueue.queue.queueUrl;
    if (this.jobStream) {
      Object.assign(env, {
        KAFKA_CLUSTER_ARN: this.jobStream.cluster.attrArn,
        KAFKA_TOPIC: this.jobStream.topicName,
        KAFKA_CONSUMER_GROUP: this.jobStream.consumerGroup,
        KAFKA_AUTH: 'iam',
      });
    }
    return env;
  }

  /** Network reach and IAM grants to the data tier for a fleet. */
  private connectClient(peer: ec2.IConnectable, role: iam.IGrantable, what: string): void {
    this.database!.allowFrom(peer, `PostgreSQL from the ${what}`);
    this.database!.grantClient(role, APP_DATABASE_USER);
    if (this.cache) {
      this.cache.allowFrom(peer, `Valkey from the ${what}`);
      this.cache.grantConnect(role);
    }
    this.jobStream?.allowFrom(peer, `Kafka from the ${what}`);
  }

  private buildSingleServer(server: ServerPlan): SingleServer {
    const plan = this.plan;
    const single = new SingleServer(this, 'SingleServer', {
      vpc: this.network.vpc,
      alarms: this.observability.alarmTopic,
      instanceType: server.instance.name,
      dataVolumeGiB: server.dataVolumeGiB,
      snapshotRetentionDays: server.snapshotRetentionDays,
      appImage: plan.app.image,
      appPort: plan.app.port,
      postgresMemoryGiB: server.postgresShape.memoryGiB,
      redisMemoryGiB: server.redisShape.memoryGiB,
      cpuAlarmPercent: plan.observability.cpuAlarmPercent,
      diskUsedAlarmPercent: plan.observability.diskUsedAlarmPercent,
    });
    const id = single.instance.instanceId;
    this.observability.addRow(
      plan.server ? 'Single server' : 'Single server (kept for the data move; deploy without keepSingleServer after cut-over)',
      new cloudwatch.GraphWidget({ title: 'CPU %', left: [new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: id } })], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Data disk used %', left: [new cloudwatch.Metric({ namespace: 'CWAgent', metricName: 'disk_used_percent', dimensionsMap: { InstanceId: id, path: '/data' } })], width: 12 }),
    );
    if (plan.server) this.observability.addRow('Alarms', StageObservability.alarmStatus('Single server alarms', single.alarms));
    return single;
  }

  private buildDashboard(): void {
    const o = this.observability;
    o.addRow(`Service level: ${this.plan.observability.availabilityPercent}% availability, p99 under ${this.plan.observability.p99LatencyMs} ms`, ...this.slo!.widgets());
    o.addRow('Web tier', ...this.web!.widgets());
    for (const shard of this.database!.shards) {
      o.addRow(`Database shard ${shard.shardId}: ${shard.writerHostname}`, ...shard.widgets());
    }
    if (this.cache) o.addRow(`Cache: ${this.cache.primaryHostname}`, ...this.cache.widgets());
    if (this.jobQueue) o.addRow('Jobs (SQS)', ...this.jobQueue.widgets());
    if (this.jobStream) o.addRow(`Jobs (Kafka topic ${this.jobStream.topicName})`, ...this.jobStream.widgets());
    if (this.workers) {
      const backlog = this.jobQueue ? this.jobQueue.metricBacklog() : this.jobStream!.metricLag('SumOffsetLag');
      o.addRow(
        'Workers',
        new cloudwatch.GraphWidget({ title: 'Backlog per worker (scaling signal)', left: [this.workers.metricBacklogPerWorker(backlog)], width: 12 }),
        new cloudwatch.GraphWidget({ title: 'Workers in service', left: [this.workers.fleet.metricInService()], width: 12 }),
      );
    }
    const alarms: cloudwatch.IAlarm[] = [
      ...this.slo!.burnRateAlarms,
      this.slo!.latencyAlarm,
      ...this.web!.alarms,
      ...this.database!.alarms,
      ...(this.cache?.alarms ?? []),
      ...(this.jobQueue?.alarms ?? []),
      ...(this.jobStream?.alarms ?? []),
      ...(this.workers?.fleet.alarms ?? []),
      ...(this.singleServer?.alarms ?? []),
    ];
    const widgets: cloudwatch.IWidget[] = [];
    for (let i = 0; i < alarms.length; i += 100) widgets.push(StageObservability.alarmStatus(i ? `Alarms (${i + 1}-)` : 'Alarms', alarms.slice(i, i + 100)));
    o.addRow('Alarms', ...widgets);
  }
}

/** The database user applications log in as, with IAM authentication (create it once: see docs/aws-stages.md). */
export const APP_DATABASE_USER = 'app';

function resolveOptions(scope: Construct, props: ProductStackOptions): ProductStack['options'] {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const shards = (props as ProductStackProps).plan.database?.shards ?? 1;
  const flag = (value: unknown) => value === true || ['true', '1', 'yes'].includes(String(value).toLowerCase());

  const nat = props.natStrategy ?? (ctx('natStrategy') as string | undefined) ?? 'one-per-zone';
  if (nat !== 'one-per-zone' && nat !== 'single') throw new UsageError(`natStrategy: expected one-per-zone or single, got ${describeValue(nat)}`);

  const rawActive = props.activeShards ?? ctx('activeShards');
  const activeShards = rawActive === undefined ? shards : Number(rawActive);
  if (!Number.isInteger(activeShards) || activeShards < 1 || activeShards > shards) {
    throw new UsageError(`activeShards: expected a whole number from 1 to ${shards} (the planned shards), got ${describeValue(rawActive)}`);
  }
  const certificateArn = props.certificateArn ?? (ctx('certificateArn') as string | undefined);
  if (certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    throw new UsageError(`certificateArn: expected an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID), got ${describeValue(certificateArn)}`);
  }
  const region = (props as ProductStackProps).plan.region;
  if (certificateArn !== undefined && certificateArn.split(':')[3] !== region) {
    throw new UsageError(`certificateArn: the load balancer is in ${region}, so its certificate must be too; got one from ${certificateArn.split(':')[3]}`);
  }
  return {
    certificateArn,
    keepSingleServer: props.keepSingleServer ?? flag(ctx('keepSingleServer')),
    natStrategy: nat,
    activeShards,
  };
}

/** The shape of every shard as RDS takes it (the rules for shard 0 are in `shardSizings`). */
export function shardShapes(plan: Plan, activeShards: number): ShardShape[] {
  return shardSizings(plan, activeShards).map((s) => ({
    instanceClass: s.instance.name,
    allocatedStorageGiB: s.storageGiB,
    iops: s.iops,
    readReplicas: s.readReplicas,
    maxConnections: s.maxConnections,
  }));
}

/** The CloudWatch Logs retention at or above `days`. */
function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? allowed[allowed.length - 1]) as logs.RetentionDays;
}
