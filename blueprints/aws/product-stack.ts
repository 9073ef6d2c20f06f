import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { describeValue, UsageError } from '../../core/errors';
import { computeLadder, Plan, PlanLadder, validateActiveShards } from '../../core/plan';
import { CacheCluster } from '../../constructs/aws/cache-cluster';
import { KafkaPipeline } from '../../constructs/aws/kafka-pipeline';
import { NatStrategy, Network } from '../../constructs/aws/network';
import { ShardedPostgres } from '../../constructs/aws/sharded-postgres';
import { SingleServer } from '../../constructs/aws/single-server';
import { SloAlarms } from '../../constructs/aws/slo-alarms';
import { SqsWorkQueue } from '../../constructs/aws/sqs-work-queue';
import { StageObservability } from '../../constructs/aws/stage-observability';
import { WebTier } from '../../constructs/aws/web-tier';
import { WorkerFleet } from '../../constructs/aws/worker-fleet';
import { AwsContext, AwsParts, AwsStageOptions, STAGE_COMPONENTS, StageComponent, StageDashboard } from '../../components';

import { APP_ENV } from '../../core/contract';

export { APP_DATABASE_USER } from '../../core/contract';

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
  /** The plans of every stage of the plan's profile (what earlier stages built). @default computeLadder(plan.profile) */
  readonly ladder?: PlanLadder;
  /** The capabilities to render, in order. @default STAGE_COMPONENTS */
  readonly components?: readonly StageComponent[];
}

/**
 * One stack per product: the stage's components (components/index.ts) rendered in order into
 * one stack, over a shared frame (alarm topics, dashboard, network). Construct IDs never depend
 * on the stage, so every resource keeps its logical ID as the product climbs the ladder and
 * CloudFormation updates it in place.
 */
export class ProductStack extends Stack {
  readonly plan: Plan;
  readonly options: AwsStageOptions;
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
  /** What components outside the built-in list built, by component id. */
  readonly extra!: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: ProductStackProps) {
    super(scope, id, props);
    const { plan } = props;
    this.plan = plan;
    this.options = resolveOptions(this, props);
    Tags.of(this).add('stagekit:product', plan.product);
    Tags.of(this).add('stagekit:stage', plan.stage);

    this.observability = new StageObservability(this, 'Observability', {
      dashboardName: plan.product, // not the stage: a renamed dashboard is replaced on every move
      alarmEmail: plan.observability.alarmEmail,
    });
    const logRetention = retentionDays(plan.observability.logRetentionDays);
    this.network = new Network(this, 'Network', {
      zones: plan.zones,
      privateTiers: plan.stage !== 'single-server',
      natStrategy: this.options.natStrategy,
      flowLogRetention: logRetention,
    });

    const parts: AwsParts = { extra: {} };
    const ctx: AwsContext = {
      stack: this,
      plan,
      ladder: props.ladder ?? computeLadder(plan.profile),
      options: this.options,
      network: this.network,
      observability: this.observability,
      alarms: this.observability.alarmTopic,
      logRetention,
      dashboard: new StageDashboard(),
      connections: { env: { [APP_ENV.awsRegion]: this.region }, workerEnv: {}, reach: [], grants: [] },
      parts,
    };
    const components = (props.components ?? STAGE_COMPONENTS).filter((component) => component.applies(plan));
    for (const component of components) component.aws?.(ctx);
    for (const component of components) component.postAws?.(ctx);
    ctx.dashboard.flush(this, this.observability, (stack, outputId, outputProps) => new CfnOutput(stack, outputId, outputProps));

    // What the components built, as the stack's properties (web, database, cache, ...).
    Object.assign(this, parts);
  }
}

function resolveOptions(scope: Construct, props: ProductStackProps): AwsStageOptions {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const flag = (value: unknown) => value === true || ['true', '1', 'yes'].includes(String(value).toLowerCase());

  const nat = props.natStrategy ?? (ctx('natStrategy') as string | undefined) ?? 'one-per-zone';
  if (nat !== 'one-per-zone' && nat !== 'single') throw new UsageError(`natStrategy: expected one-per-zone or single, got ${describeValue(nat)}`);

  const activeShards = validateActiveShards(props.plan, props.activeShards ?? ctx('activeShards'));
  const certificateArn = props.certificateArn ?? (ctx('certificateArn') as string | undefined);
  if (certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    throw new UsageError(`certificateArn: expected an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID), got ${describeValue(certificateArn)}`);
  }
  const region = props.plan.region;
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

/** The CloudWatch Logs retention at or above `days`. */
function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? allowed[allowed.length - 1]) as logs.RetentionDays;
}
