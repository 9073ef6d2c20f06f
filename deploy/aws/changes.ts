import { ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { templateDiff } from './template-diff';
import type { StatefulRisk } from '../risk';

export interface TemplateResourceChange {
  readonly logicalId: string;
  readonly resourceType: string;
  /** For updates: in place, replacement, possible replacement. */
  readonly impact?: 'update' | 'replace' | 'may-replace';
  /** Changed properties (updates only). */
  readonly properties?: string[];
}

export interface CloudFormationChanges {
  readonly added: TemplateResourceChange[];
  readonly changed: TemplateResourceChange[];
  readonly removed: TemplateResourceChange[];
  readonly unchanged: number;
  /** Stateful resources replaced, destroyed or orphaned: from blueprints/aws/upgrade-safety.ts. */
  readonly risks: StatefulRisk[];
  /** True when the templates are the same: CloudFormation has nothing to do. */
  readonly identical: boolean;
}

/** The stateful-resource check the AWS ladder owns (statefulRisks in blueprints/aws/upgrade-safety.ts), as stagekit risks. */
export type AwsRiskCheck = (oldTemplate: any, newTemplate: any) => StatefulRisk[];

/**
 * What CloudFormation would do going from `oldTemplate` (a stage's synthesized template, or the
 * deployed one from GetTemplate) to `newTemplate`. An empty old template means a new stack.
 */
export function compareTemplates(oldTemplate: any, newTemplate: any, riskCheck: AwsRiskCheck): CloudFormationChanges {
  const old = oldTemplate ?? {};
  const diff = templateDiff(old, newTemplate);
  const added: TemplateResourceChange[] = [];
  const changed: TemplateResourceChange[] = [];
  const removed: TemplateResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const resourceType = change.newResourceType ?? change.oldResourceType ?? 'unknown';
    if (change.isAddition) added.push({ logicalId, resourceType });
    else if (change.isRemoval) removed.push({ logicalId, resourceType });
    else if (change.isDifferent) {
      const impact = change.changeImpact === ResourceImpact.WILL_REPLACE ? 'replace' : change.changeImpact === ResourceImpact.MAY_REPLACE ? 'may-replace' : 'update';
      const properties: string[] = [];
      change.forEachDifference((kind, name) => properties.push(kind === 'Property' ? name : `(${name})`));
      changed.push({ logicalId, resourceType, impact, properties });
    }
  });
  const total = Object.keys(newTemplate?.Resources ?? {}).length;
  return {
    added,
    changed,
    removed,
    unchanged: total - added.length - changed.length,
    risks: riskCheck(old, newTemplate),
    identical: diff.isEmpty,
  };
}
