/**
 * `stagekit plan --stage S --profile NEW --from-profile OLD`: what a profile edit at one stage
 * does, per target. OLD is what is deployed; NEW is planned the way `deploy` plans it, with what
 * OLD deployed as a floor (read back from OLD's rendering exactly as deploy reads the deployed
 * template or the namespace's record, merged with stagekit.lock.json when there is one). So the
 * report shows the floors that keep data safe, and flags what no floor can fix: a replacement,
 * a shrink or an immutable change is a risk, and a blocking one makes the move risky (exit 3).
 */
import { computePlan, Plan } from '../core/plan';
import { DeployedSizes, mergeDeployedSizes } from '../core/floor';
import type { Profile } from '../core/profile';
import { UsageError } from '../core/errors';
import type { StageName } from '../core/ladder';
import type { Target } from '../core/rendering';
import { AwsRiskCheck, compareTemplates } from './aws/changes';
import { CostEstimator } from './cost-delta';
import { sizesFromObjects, sizesFromTemplate } from './floor-sources';
import { compareObjects } from './k8s/changes';
import { describeObject, KubeObject } from './k8s/objects';
import { MoveRenderings } from './render';
import { isBlocking, sortRisks, StatefulRisk } from './risk';
import type { Runbook } from './runbooks';
import { awsChangeLines, k8sChangeLines, TargetTransition, TransitionReport } from './transition';

export interface ProfileChangeInput {
  readonly stage: StageName;
  /** The profile deployed now. */
  readonly fromProfile: Profile;
  readonly fromProfileFile?: string;
  /** The edited profile. */
  readonly profile: Profile;
  readonly profileFile?: string;
  readonly targets: readonly Target[];
  readonly render: MoveRenderings;
  readonly awsRiskCheck: AwsRiskCheck;
  readonly cost: CostEstimator;
  /** stagekit.lock.json's floor, when there is one: OLD is planned on it too. */
  readonly locked?: DeployedSizes;
}

export function planProfileChange(input: ProfileChangeInput): TransitionReport {
  const { stage } = input;
  if (input.fromProfile.name !== input.profile.name) {
    // Another product is another stack and namespace: nothing is changed, everything is new.
    throw new UsageError(
      `--from-profile: expected the product ${input.profile.name} (the name in --profile), got ${input.fromProfile.name}; a profile edit keeps the product name (another name is another stack and namespace)`,
    );
  }
  const fromPlan = computePlan(input.fromProfile, stage, { deployed: input.locked });
  // OLD's renderings, read back the way deploy reads what is deployed; one plan renders both targets,
  // so the floor is what either deployed (as stagekit.lock.json merges them).
  const fromTemplate = input.targets.includes('aws') ? input.render.awsTemplate(fromPlan) : undefined;
  const fromObjects = input.targets.includes('k8s') ? input.render.k8sObjects(fromPlan) : undefined;
  const floors = [
    ...(input.locked ? [input.locked] : []),
    ...(fromTemplate ? [sizesFromTemplate(fromTemplate, fromPlan.product, stage)] : []),
    ...(fromObjects ? [sizesFromObjects(fromObjects, fromPlan.product, stage)] : []),
  ];
  const toPlan = computePlan(input.profile, stage, { deployed: floors.reduce((a, b) => mergeDeployedSizes(a, b)) });
  const targets: TargetTransition[] = [];
  for (const target of input.targets) {
    if (target === 'aws') {
      const toTemplate = input.render.awsTemplate(toPlan);
      const changes = compareTemplates(fromTemplate, toTemplate, input.awsRiskCheck);
      const risks = sortRisks(changes.risks);
      targets.push({
        target,
        scope: `CloudFormation stack ${toPlan.product} (${toPlan.region})`,
        added: changes.added.map((c) => ({ id: c.logicalId, type: c.resourceType })),
        ...awsChangeLines(changes.changed),
        removed: changes.removed.map((c) => ({ id: c.logicalId, type: c.resourceType })),
        unchanged: changes.unchanged,
        risks,
        cost: input.cost({ target, fromPlan, toPlan, fromTemplate, toTemplate }),
        runbook: profileEditRunbook(stage, target, fromPlan, toPlan, risks),
      });
    } else {
      const toObjects = input.render.k8sObjects(toPlan);
      const changes = compareObjects(fromObjects!, toObjects);
      const risks = sortRisks(changes.risks);
      const line = (o: KubeObject) => ({ id: describeObject(o), type: o.apiVersion });
      targets.push({
        target,
        scope: `namespace ${toPlan.product}`,
        added: changes.added.map(line),
        ...k8sChangeLines(changes.changed),
        removed: changes.removed.map(line),
        unchanged: changes.unchanged,
        risks,
        cost: input.cost({ target, fromPlan, toPlan, fromObjects, toObjects }),
        runbook: profileEditRunbook(stage, target, fromPlan, toPlan, risks),
      });
    }
  }
  return {
    product: input.profile.name,
    from: stage,
    to: stage,
    profileFile: input.profileFile,
    fromProfileFile: input.fromProfileFile ?? 'the deployed profile',
    targets,
    risky: targets.some((t) => t.risks.some(isBlocking)),
    toPlan,
  };
}

/**
 * The runbook of a profile edit: no data moves at one stage, so it is notes: what the floor kept
 * (and why), what grows in place and how, and for a refused change the way out.
 */
export function profileEditRunbook(stage: StageName, target: Target, fromPlan: Plan, toPlan: Plan, risks: readonly StatefulRisk[]): Runbook {
  const notes: string[] = [];
  const floors = toPlan.reasoning.filter((r) => r.startsWith('floor:'));
  const blocking = risks.filter(isBlocking);
  if (blocking.length === 0) notes.push('Same stage: a deploy applies this profile edit in place; no stateful resource is replaced, shrunk or changed where it cannot be.');
  else notes.push(`Refused (exit 3): ${blocking.length} change(s) would replace, shrink or reject a stateful resource. Nothing is deployed until they are resolved:`, ...blocking.map((r) => `${r.resource}: ${r.fix ?? r.reason}`));
  for (const floor of floors) notes.push(`Kept: ${floor.replace(/^floor: /, '')}.`);
  for (const warning of toPlan.warnings.filter((w) => w.startsWith('zones:'))) notes.push(warning.replace(/see the runbook$/, 'build the wider stack beside this one (a new product name), move the data with the stage runbooks, then switch traffic.'));
  const grows = (a?: number, b?: number) => a !== undefined && b !== undefined && b > a;
  if (target === 'aws') {
    if (grows(fromPlan.database?.storageGiB, toPlan.database?.storageGiB)) {
      notes.push('RDS storage grows in place without downtime; afterwards RDS optimizes the volume (hours) and allows the next storage change only after six hours.');
    }
    if (grows(fromPlan.server?.dataVolumeGiB, toPlan.server?.dataVolumeGiB)) {
      notes.push(`The server's EBS volume grows in place; then grow the file system on it: sudo xfs_growfs /data (or resize2fs on ext4). One EBS modification per six hours.`);
    }
  } else {
    if (grows(fromPlan.server?.dataVolumeGiB, toPlan.server?.dataVolumeGiB)) {
      notes.push(`The Postgres claim data-postgres-0 is expanded to ${toPlan.server!.dataVolumeGiB}Gi (PVC expansion); its StatefulSet template keeps ${toPlan.server!.claimTemplateGiB ?? fromPlan.server!.dataVolumeGiB}Gi, which Kubernetes does not allow to change. The StorageClass must have allowVolumeExpansion: true (kubectl get storageclass).`);
    }
    if (grows(fromPlan.database?.storageGiB, toPlan.database?.storageGiB)) {
      notes.push('CloudNativePG grows its volume claims in place (resizeInUseVolumes); the StorageClass must have allowVolumeExpansion: true.');
    }
  }
  return { from: stage, to: stage, target, direction: 'none', legs: [], notes };
}
