import type { Plan } from '../core/plan';
import type { StageName } from '../core/ladder';
import type { StageRenderer } from '../core/rendering';
import { flattenNestedStacks } from '../core/nested-stacks';
import type { KubeObject } from './k8s/objects';

/** The renderings a stage move is compared from. Tests substitute the renderings globalSetup already made. */
export interface MoveRenderings {
  awsTemplate(plan: Plan): any;
  k8sObjects(plan: Plan): KubeObject[];
}

/**
 * The renderings of a move, in memory. The CloudFormation template is rendered without cdk-nag:
 * comparing two stages needs the template, not its review (deploy runs nag).
 * `context` (the AWS stage options) applies to `forStage` only (every stage when omitted): the
 * options describe how that stage is deployed, so the other stages of a move render without them.
 */
export function moveRenderings(renderer: StageRenderer, context: Record<string, string>, forStage?: StageName): MoveRenderings {
  return {
    awsTemplate(plan) {
      // Every resource, the shard groups' nested stacks included: a shard moved between stacks is a replacement.
      const rendering = renderer.aws(plan, { nag: false, context: forStage === undefined || plan.stage === forStage ? context : {} });
      return flattenNestedStacks(rendering.template, rendering.nestedTemplates);
    },
    k8sObjects(plan) {
      return renderer.k8s(plan).objects as KubeObject[];
    },
  };
}
