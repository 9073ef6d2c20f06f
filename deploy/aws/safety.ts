/**
 * The AWS half of the safety check: the AWS ladder's `statefulRisks` (blueprints/aws/upgrade-safety.ts,
 * built on @aws-cdk/cloudformation-diff), expressed as stagekit risks so plan and deploy treat
 * both targets alike.
 */
import { Risk, STATEFUL_RESOURCE_TYPES, statefulRisks } from './upgrade-safety';
import type { RiskSeverity, StatefulRisk } from '../risk';
import type { AwsRiskCheck } from './changes';
import { SHARDS_IN_PARENT_STACK } from '../../core/nested-stacks';

const SEVERITY: Record<Risk['kind'], RiskSeverity> = {
  replaced: 'data-loss',
  destroyed: 'data-loss',
  // The live resource is gone even though a snapshot is kept: restoring it is a manual step, so a deploy must be explicit about it.
  snapshotted: 'data-loss',
  'may-be-replaced': 'possible-data-loss',
  retained: 'retained',
  'replica-removed': 'note',
  'protection-weakened': 'note',
  'shrink-rejected': 'rejected',
};

const CHANGE: Record<Risk['kind'], string> = {
  replaced: 'replaced',
  destroyed: 'destroyed',
  snapshotted: 'deleted after a final snapshot',
  'may-be-replaced': 'may be replaced',
  retained: 'removed from the stack, retained',
  'replica-removed': 'read replica removed',
  'protection-weakened': 'protection weakened',
  'shrink-rejected': 'shrink refused by the service',
};

const FIX: Partial<Record<Risk['kind'], string>> = {
  replaced: 'Keep the properties that force replacement unchanged, or move the data with the runbook and accept with --allow-data-loss.',
  destroyed: 'Move or back up the data first (see the runbook); deploy with --allow-data-loss only when the loss is intended.',
  snapshotted: 'Make sure nothing still needs the live resource (see the runbook); the final snapshot can be restored into a new one.',
  'may-be-replaced': 'deploy checks the change set CloudFormation prepares and refuses if it replaces the resource; `cdk diff` against the account shows it too.',
  'shrink-rejected': 'Keep the deployed size (deployed sizes are a floor: stagekit plans max(planned, deployed) when it knows the deployed state).',
  retained: 'Clean it up by hand once the runbook has moved its data (it keeps costing until then).',
};

/** A shard in the product stack past the shards stagekit keeps there (16 by default): one a pre-split deploy has. */
const PARENT_SHARD = /^DatabaseShard(\d+)[A-Z]/;

/**
 * The fix for a shard the new rendering would take out of the product stack: a stack deployed with more
 * shards than the product stack keeps (before shard groups existed) keeps them there with shardsInParentStack.
 */
function shardMoveFix(risk: Risk): string | undefined {
  const shard = PARENT_SHARD.exec(risk.logicalId);
  if (!shard || Number(shard[1]) < SHARDS_IN_PARENT_STACK || (risk.kind !== 'destroyed' && risk.kind !== 'snapshotted')) return undefined;
  return `Shard ${shard[1]} lives in the product stack of this deployment, and stagekit would move it into a shard group's nested stack (a new, empty database): keep every deployed shard where it is with --cdk-context shardsInParentStack=<the deployed shard count>.`;
}

export function toStatefulRisk(risk: Risk): StatefulRisk {
  return {
    target: 'aws',
    resource: risk.logicalId,
    resourceType: risk.resourceType,
    // The AWS ladder's dataLoss verdict wins (it counts a possible replacement as data loss); a deletion
    // after a final snapshot is blocking here too, since the live resource is gone.
    severity: risk.dataLoss ? 'data-loss' : SEVERITY[risk.kind],
    change: CHANGE[risk.kind],
    reason: risk.message,
    fix: shardMoveFix(risk) ?? FIX[risk.kind],
  };
}

export const awsStatefulRisks: AwsRiskCheck = (oldTemplate, newTemplate) => statefulRisks(oldTemplate, newTemplate).map(toStatefulRisk);

export function isStatefulResourceType(type: string | undefined): boolean {
  return type !== undefined && type in STATEFUL_RESOURCE_TYPES;
}
