import { fullDiff, TemplateDiff } from '@aws-cdk/cloudformation-diff';

const diffs = new WeakMap<object, WeakMap<object, TemplateDiff>>();

/**
 * @aws-cdk/cloudformation-diff's fullDiff of two templates, computed once per pair of template objects:
 * the change list and the stateful-risk check both read the same diff of a move, and the diff was most
 * of what `stagekit plan` and `deploy --dry-run` spend. The templates must not be edited afterwards
 * (fullDiff normalizes them in place already).
 */
export function templateDiff(oldTemplate: object, newTemplate: object): TemplateDiff {
  let byNew = diffs.get(oldTemplate);
  if (!byNew) diffs.set(oldTemplate, (byNew = new WeakMap()));
  let diff = byNew.get(newTemplate);
  if (!diff) byNew.set(newTemplate, (diff = fullDiff(oldTemplate, newTemplate)));
  return diff;
}
