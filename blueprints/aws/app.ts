import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { HTTP_ONLY_WARNING_ID } from '../../constructs/aws/web-tier';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Plan } from '../../core/plan';
import { ProductStack } from './product-stack';

export interface AwsAppOptions {
  /** An existing app to add the stack to (the `cdk` CLI's, carrying its context). @default a new App */
  readonly app?: App;
  /**
   * CDK context over cdk.json's, as `npx cdk synth -c key=value` gives it: the stage's
   * options (keepSingleServer, activeShards, certificateArn, natStrategy; see docs/aws-stages.md).
   * @default none
   */
  readonly context?: Record<string, string>;
  /** Where the cloud assembly goes. @default a temporary directory chosen by the CDK */
  readonly outdir?: string;
  /**
   * Run cdk-nag's AwsSolutions pack at synth; any unacknowledged finding fails synth.
   * @default true
   */
  readonly nag?: boolean;
  /** Run aws-cdk-lib's built-in CloudFormation validation at synth (a new App only). @default true */
  readonly validate?: boolean;
}

/** The stack's name: the product, so every stage updates the same stack. */
export function stackName(plan: Plan): string {
  return plan.product;
}

/**
 * The feature flags and settings in cdk.json, so a stack built here (stagekit synth, the
 * tests, the cost module) is the same stack `npx cdk synth` builds.
 */
let cdkJson: Record<string, unknown> | undefined;
export function cdkJsonContext(): Record<string, unknown> {
  if (!cdkJson) {
    const file = path.join(__dirname, '..', '..', 'cdk.json');
    const { stage: _stage, ...context } = JSON.parse(fs.readFileSync(file, 'utf8')).context ?? {};
    cdkJson = context;
  }
  return { ...cdkJson };
}

/**
 * Outside CDK_DEBUG, an app stagekit makes records no JavaScript stack trace for each resource and annotation
 * (construct metadata in the assembly's manifest, never in the template): capturing them took a fifth of a
 * stage's synth. With CDK_DEBUG=true they are recorded, as the cdk CLI's --debug records them.
 */
function withoutStackTraces(): Record<string, boolean> {
  if (['1', 'on', 'true'].includes(String(process.env.CDK_DEBUG).toLowerCase())) return {};
  // cx-api's DISABLE_CREATION_STACK_TRACES and DISABLE_METADATA_STACK_TRACE (literal: older aws-cdk-lib lacks the first).
  return { 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true };
}

/** Builds the CDK app for a plan: one stack, environment pinned to the region, no account (no lookups). */
export function buildAwsApp(plan: Plan, options: AwsAppOptions = {}): { app: App; stack: ProductStack } {
  const app =
    options.app ??
    new App({
      outdir: options.outdir,
      context: { ...cdkJsonContext(), ...withoutStackTraces(), ...options.context },
      builtinCloudFormationValidation: options.validate ?? true,
    });
  const stack = new ProductStack(app, stackName(plan), {
    plan,
    env: { region: plan.region },
    description: `stagekit ${plan.stage} stage of ${plan.product}`,
  });
  // `--allow-http` / `-c allowHttp=true`: plain HTTP is a decision, so its warning is acknowledged.
  if (String(app.node.tryGetContext('allowHttp')) === 'true') {
    Annotations.of(stack).acknowledgeWarning(HTTP_ONLY_WARNING_ID, 'Plain HTTP acknowledged with allowHttp=true (stagekit --allow-http).');
  }
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
