import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { APP_ENV } from '../../core/contract';
import { computeLadder, Plan, PlanLadder } from '../../core/plan';
import { CacheCluster } from '../../constructs/aws/cache-cluster';
import { KafkaPipeline } from '../../constructs/aws/kafka-pipeline';
import { Network } from '../../constructs/aws/network';
import { ShardedPostgres } from '../../constructs/aws/sharded-postgres';
import { SingleServer } from '../../constructs/aws/single-server';
import { SloAlarms } from '../../constructs/aws/slo-alarms';
import { SqsWorkQueue } from '../../constructs/aws/sqs-work-queue';
import { StageObservability } from '../../constructs/aws/stage-observability';
import { WebTier } from '../../constructs/aws/web-tier';
import { WorkerFleet } from '../../constructs/aws/worker-fleet';
import { AwsContext, AwsParts, AwsStageOptions, STAGE_COMPONENTS, StageComponent, StageDashboard } from '../../components';
import { ProductStackOptions, resolveStageOptions, retentionDays } from './stage-options';

export { APP_DATABASE_USER } from '../../core/contract';
export type { ProductStackOptions } from './stage-options';

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
    this.options = resolveStageOptions(this, props.plan, props);
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
