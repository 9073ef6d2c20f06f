import { capacityVerdict, stageCapacity, StageCapacity } from '../core/capacity';
import type { Plan } from '../core/plan';
import { colors } from '../terminal/output';

/**
 * The capacity verdict synth, cost, plan and deploy print for the stage they work on: the same
 * checks `stagekit advise` runs (core/capacity.ts).
 */
export function capacityOf(plan: Plan): StageCapacity {
  return stageCapacity(plan.profile, plan.stage, undefined, plan);
}

/**
 * Prints each plan's verdict: a stage that cannot carry the profile as a warning on stderr (always), one
 * that can as a dim line on stdout when `quietWhenOk` is false (text formats; JSON output stays JSON).
 */
export function printCapacityVerdicts(plans: readonly Plan[], options: { quietWhenOk?: boolean } = {}): StageCapacity[] {
  const capacities = plans.map(capacityOf);
  for (const [index, capacity] of capacities.entries()) {
    const { ok, lines } = capacityVerdict(capacity, plans[index].profile);
    if (ok) {
      if (!options.quietWhenOk) process.stdout.write(`${colors.dim(lines.join('\n'))}\n`);
    } else {
      process.stderr.write(`${lines.map((l, j) => colors.yellow(j === 0 ? `warning: ${l}` : l)).join('\n')}\n`);
    }
  }
  return capacities;
}
