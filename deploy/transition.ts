/**
 * `stagekit plan FROM TO`: what moving a product between two stages does, per target. The same
 * comparisons run in `deploy` against what is deployed, so a reviewed plan and the deploy's
 * safety check cannot disagree.
 */
import type { Profile } from '../core/profile';
import type { Target } from '../core/rendering';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { Runbook, runbookContext, transitionRunbook } from './runbooks';
import { AwsRiskCheck, compareTemplates, TemplateResourceChange } from './aws/changes';
import { CostDelta, CostEstimator } from './cost-delta';
import { ChangedObject, compareObjects } from './k8s/changes';
import { describeObject, KubeObject } from './k8s/objects';
import { MoveRenderings } from './render';
import { isBlocking, sortRisks, StatefulRisk } from './risk';

export interface ChangeLine {
  /** Logical ID (AWS) or `Kind namespace/name` (Kubernetes). */
  readonly id: string;
  readonly type: string;
  /** For changes: what changed (properties, fields, replacement). */
  readonly detail?: string;
}

export interface TargetTransition {
  readonly target: Target;
  /** The CloudFormation stack or the namespace the move happens in. */
  readonly scope: string;
  readonly added: ChangeLine[];
  readonly changed: ChangeLine[];
  /** Changed only in their tags or labels (the stage tag on a move): printed as one line. */
  readonly tagsOnly: ChangeLine[];
  readonly removed: ChangeLine[];
  readonly unchanged: number;
  /** Every stateful resource replaced, destroyed, rejected, ignored or retained; worst first. */
  readonly risks: StatefulRisk[];
  readonly cost: CostDelta;
  readonly runbook: Runbook;
}

export interface TransitionReport {
  readonly product: string;
  readonly from: StageName;
  readonly to: StageName;
  readonly profileFile?: string;
  readonly targets: TargetTransition[];
  /** `plan --from-profile`: the profile deployed now (the move is then a profile edit at one stage). */
  readonly fromProfileFile?: string;
  /** True when any target has a risk that blocks a deploy (data loss or a rejected change). */
  readonly risky: boolean;
  /** `plan --from-profile`: the plan both targets rendered for the edited profile (its floors in its reasoning). */
  readonly toPlan?: import('../core/plan').Plan;
}

export interface TransitionInput {
  readonly profile: Profile;
  readonly profileFile?: string;
  readonly from: StageName;
  readonly to: StageName;
  readonly targets: readonly Target[];
  readonly render: MoveRenderings;
  readonly awsRiskCheck: AwsRiskCheck;
  readonly cost: CostEstimator;
}

/** AWS changes, those that touch only `Tags` (updated in place) apart. */
export function awsChangeLines(changed: readonly TemplateResourceChange[]): { changed: ChangeLine[]; tagsOnly: ChangeLine[] } {
  const line = (change: TemplateResourceChange): ChangeLine => ({
    id: change.logicalId,
    type: change.resourceType,
    detail: `${change.impact === 'replace' ? 'REPLACED' : change.impact === 'may-replace' ? 'may be replaced' : 'updated in place'}: ${change.properties?.join(', ')}`,
  });
  const tagOnly = (c: TemplateResourceChange) => c.impact === 'update' && (c.properties?.length ?? 0) > 0 && c.properties!.every((p) => p === 'Tags');
  return { changed: changed.filter((c) => !tagOnly(c)).map(line), tagsOnly: changed.filter(tagOnly).map(line) };
}

/** Kubernetes changes, those that touch only labels or annotations apart. */
export function k8sChangeLines(changed: readonly ChangedObject[]): { changed: ChangeLine[]; tagsOnly: ChangeLine[] } {
  const line = (c: ChangedObject): ChangeLine => ({ id: describeObject(c.after), type: c.after.apiVersion, detail: c.fields.join(', ') });
  const tagOnly = (c: ChangedObject) => c.fields.every((f) => f === 'metadata.labels' || f === 'metadata.annotations');
  return { changed: changed.filter((c) => !tagOnly(c)).map(line), tagsOnly: changed.filter(tagOnly).map(line) };
}

export function planTransition(input: TransitionInput): TransitionReport {
  const { profile, from, to } = input;
  const base = runbookContext(profile, { profileFile: input.profileFile });
  const fromPlan = base.plans[from];
  const toPlan = base.plans[to];
  const targets: TargetTransition[] = [];
  // The runbook of a longer move names resources of the stages in between, so render those too.
  const lo = Math.min(STAGE_NAMES.indexOf(from), STAGE_NAMES.indexOf(to));
  const hi = Math.max(STAGE_NAMES.indexOf(from), STAGE_NAMES.indexOf(to));
  const between = STAGE_NAMES.slice(lo + 1, hi);

  for (const target of input.targets) {
    if (target === 'aws') {
      const fromTemplate = input.render.awsTemplate(fromPlan);
      const toTemplate = from === to ? fromTemplate : input.render.awsTemplate(toPlan);
      const changes = compareTemplates(fromTemplate, toTemplate, input.awsRiskCheck);
      const awsTemplates: Partial<Record<StageName, any>> = { [from]: fromTemplate, [to]: toTemplate };
      for (const stage of between) awsTemplates[stage] = input.render.awsTemplate(base.plans[stage]);
      const ctx = { ...base, awsTemplates };
      targets.push({
        target,
        scope: `CloudFormation stack ${profile.name} (${profile.region})`,
        added: changes.added.map((c) => ({ id: c.logicalId, type: c.resourceType })),
        ...awsChangeLines(changes.changed),
        removed: changes.removed.map((c) => ({ id: c.logicalId, type: c.resourceType })),
        unchanged: changes.unchanged,
        risks: sortRisks(changes.risks),
        cost: input.cost({ target, fromPlan, toPlan, fromTemplate, toTemplate }),
        runbook: transitionRunbook(from, to, target, ctx),
      });
    } else {
      const fromObjects = input.render.k8sObjects(fromPlan);
      const toObjects = from === to ? fromObjects : input.render.k8sObjects(toPlan);
      const changes = compareObjects(fromObjects, toObjects);
      const k8sObjects: Partial<Record<StageName, readonly KubeObject[]>> = { [from]: fromObjects, [to]: toObjects };
      for (const stage of between) k8sObjects[stage] = input.render.k8sObjects(base.plans[stage]);
      const ctx = { ...base, k8sObjects };
      const line = (o: KubeObject): ChangeLine => ({ id: describeObject(o), type: o.apiVersion });
      targets.push({
        target,
        scope: `namespace ${profile.name}`,
        added: changes.added.map(line),
        ...k8sChangeLines(changes.changed),
        removed: changes.removed.map(line),
        unchanged: changes.unchanged,
        risks: sortRisks(changes.risks),
        cost: input.cost({ target, fromPlan, toPlan, fromObjects, toObjects }),
        runbook: transitionRunbook(from, to, target, ctx),
      });
    }
  }
  return {
    product: profile.name,
    from,
    to,
    profileFile: input.profileFile,
    targets,
    risky: targets.some((t) => t.risks.some(isBlocking)),
  };
}
