/**
 * The rendering contract: what rendering a plan yields for each target, and the renderer
 * interface cost and deploy are handed. blueprints/render.ts implements it; the CLI builds
 * one and passes it down, so pricing and deploying never reach up into the blueprints.
 */
import type { StageName } from './ladder';
import type { Plan } from './plan';
import type { NestedTemplates } from './nested-stacks';

export const TARGETS = ['aws', 'k8s'] as const;
export type Target = (typeof TARGETS)[number];

export interface AwsRenderOptions {
  /**
   * CDK context over cdk.json's, as `npx cdk synth -c key=value` gives it: the stage's options
   * (keepSingleServer, activeShards, certificateArn, natStrategy; see docs/aws-stages.md).
   * @default none
   */
  readonly context?: Record<string, string>;
  /**
   * Run cdk-nag's AwsSolutions pack; an unacknowledged finding fails the rendering.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation of the template (a WebAssembly engine: about
   * half of a synth's CPU). Off where only the template's resources are read, as pricing does.
   * @default true
   */
  readonly validate?: boolean;
}

export interface K8sRenderOptions {
  /** Shards the shard map routes keys to while new shards are backfilled (only matters with shards). @default all */
  readonly activeShards?: number;
}

/** The AWS rendering of a stage: its CloudFormation template. */
export interface AwsRendering {
  readonly target: 'aws';
  readonly stage: StageName;
  /** The product stack's own template (what CloudFormation deploys; nested stacks are resources in it). */
  readonly template: any;
  /**
   * The templates of its nested stacks (shard groups of a large product), by the nested stack's logical
   * ID; empty when everything fits one stack. Read every resource with `flattenNestedStacks` (core/nested-stacks.ts).
   */
  readonly nestedTemplates: NestedTemplates;
  readonly milliseconds: number;
}

/** The AWS rendering written as a cloud assembly (usable with `cdk deploy --app DIR` and `stagekit cost --assembly`). */
export interface AwsAssembly extends AwsRendering {
  readonly assemblyDir: string;
  readonly templateFile: string;
  /** The bootstrap stack version the assembly needs, when it names one. */
  readonly requiredBootstrapVersion?: number;
}

/** A Kubernetes object as stagekit reads it: identity first, the rest as the API has it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
}

/** The Kubernetes rendering of a stage: one multi-document YAML and its parsed objects, namespace first. */
export interface K8sRendering {
  readonly target: 'k8s';
  readonly stage: StageName;
  readonly yaml: string;
  readonly objects: any[];
  readonly milliseconds: number;
}

export interface K8sManifest extends K8sRendering {
  readonly manifestFile: string;
  /** The same objects as JSON, with the manifest's hash (core/k8s-objects-file.ts): read by `cost --from`. */
  readonly objectsFile: string;
}

export type WrittenRendering = AwsAssembly | K8sManifest;

/** Renders plans for both targets, in memory or into a folder (`<outDir>/aws/<stage>/`, `<outDir>/k8s/<stage>.k8s.yaml`). */
export interface StageRenderer {
  /** The CloudFormation template, in memory (the cloud assembly goes to a throw-away directory). */
  aws(plan: Plan, options?: AwsRenderOptions): AwsRendering;
  /** The Kubernetes objects, in memory. */
  k8s(plan: Plan, options?: K8sRenderOptions): K8sRendering;
  /** The cloud assembly into `<outDir>/aws/<stage>/`, swapped in whole on success: a failed rendering leaves the last good one. */
  writeAws(plan: Plan, outDir: string, options?: AwsRenderOptions): AwsAssembly;
  /** The manifest into `<outDir>/k8s/<stage>.k8s.yaml`, swapped in whole on success. */
  writeK8s(plan: Plan, outDir: string, options?: K8sRenderOptions): K8sManifest;
}
