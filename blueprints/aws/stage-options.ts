import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { describeValue, UsageError } from '../../core/errors';
import { Plan, validateActiveShards } from '../../core/plan';
import { STAGE_OPTIONS } from '../../core/stage-options';
import { NatStrategy } from '../../constructs/aws/network';
import { SHARDS_IN_PARENT_STACK } from '../../constructs/aws/sharded-postgres';
import { AwsStageOptions } from '../../components';

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
  /**
   * Shards kept in the product stack (context `shardsInParentStack`); the others go into nested
   * stacks of 8. Only a stack deployed with more shards than the default before shard groups
   * existed needs it: give its shard count, and none of its shards moves.
   * @default 16 (SHARDS_IN_PARENT_STACK)
   */
  readonly shardsInParentStack?: number;
}

/** The stage options of `options`, or else of CDK context, validated by the rules of core/stage-options.ts and core/plan.ts. */
export function resolveStageOptions(scope: Construct, plan: Plan, props: ProductStackOptions): AwsStageOptions {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const flag = (value: unknown) => value === true || ['true', '1', 'yes'].includes(String(value).toLowerCase());

  const nat = props.natStrategy ?? (ctx('natStrategy') as string | undefined) ?? 'one-per-zone';
  checkOption('natStrategy', nat);

  const activeShards = validateActiveShards(plan, props.activeShards ?? ctx('activeShards'));
  const shardsInParentStack = props.shardsInParentStack ?? ctx('shardsInParentStack') ?? SHARDS_IN_PARENT_STACK;
  checkOption('shardsInParentStack', String(shardsInParentStack));
  const certificateArn = props.certificateArn ?? (ctx('certificateArn') as string | undefined);
  if (certificateArn !== undefined) checkOption('certificateArn', certificateArn);
  const region = plan.region;
  if (certificateArn !== undefined && certificateArn.split(':')[3] !== region) {
    throw new UsageError(`certificateArn: the load balancer is in ${region}, so its certificate must be too; got one from ${certificateArn.split(':')[3]}`);
  }
  return {
    certificateArn,
    keepSingleServer: props.keepSingleServer ?? flag(ctx('keepSingleServer')),
    natStrategy: nat as NatStrategy,
    activeShards,
    shardsInParentStack: Number(shardsInParentStack),
  };
}

/** The CloudWatch Logs retention at or above `days`. */
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? allowed[allowed.length - 1]) as logs.RetentionDays;
}

/** A stage option given as a prop or CDK context, held to the same rule as `--cdk-context` (core/stage-options.ts). */
function checkOption(key: 'natStrategy' | 'certificateArn' | 'shardsInParentStack', value: unknown): void {
  const spec = STAGE_OPTIONS[key];
  if (typeof value !== 'string' || !spec.valid!(value)) throw new UsageError(`${key}: expected ${spec.values}, got ${describeValue(value)}`);
}
