import { Plan } from '../core/plan';
import { RuleGroup } from '../constructs/k8s/monitoring';
import { cache } from './cache';
import { cdn } from './cdn';
import { StageComponent } from './component';
import { database } from './database';
import { observability } from './observability';
import { queue } from './queue';
import { singleServer } from './single-server';
import { web } from './web';

export * from './component';

/**
 * Every capability a stage can have, in the order both targets build them: a component may use
 * what the ones before it built (the web tier connects to the data tier; observability, last,
 * watches everything). Adding a capability is a folder under components/ and one line here.
 */
export const STAGE_COMPONENTS: readonly StageComponent[] = [singleServer, database, cache, queue, web, cdn, observability];

/** The components the stage of `plan` has. */
export function stageComponents(plan: Plan): StageComponent[] {
  return STAGE_COMPONENTS.filter((component) => component.applies(plan));
}

/** The stage's Prometheus rule groups: the service level and capacity first, then each component's in list order. */
export function stageRuleGroups(plan: Plan, all: readonly StageComponent[] = STAGE_COMPONENTS): RuleGroup[] {
  const components = all.filter((component) => component.applies(plan));
  const first = components.filter((component) => component === observability);
  const rest = components.filter((component) => component !== observability);
  return [...first, ...rest].flatMap((component) => component.ruleGroups?.(plan) ?? []);
}
