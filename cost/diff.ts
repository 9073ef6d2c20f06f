/**
 * The difference between two bills of one provider: resources matched by name (CloudFormation logical IDs
 * and Kubernetes kind/name stay stable as a product climbs the ladder), each added, removed or changed with
 * its old and new monthly cost, and the components that changed inside it. The resource deltas sum to the
 * total delta.
 */
import type { Bill, CostComponent, PricedResource, ProviderId, ResourceStatus } from './model';

export type Change = 'added' | 'removed' | 'changed';

export interface ComponentDiff {
  readonly name: string;
  readonly change: Change;
  readonly pastMonthlyCost: number | null;
  readonly monthlyCost: number | null;
  readonly diffMonthlyCost: number;
  readonly usageBased: boolean;
}

export interface ResourceDiff {
  readonly name: string;
  readonly resourceType: string;
  readonly change: Change;
  readonly pastMonthlyCost: number | null;
  readonly monthlyCost: number | null;
  readonly diffMonthlyCost: number;
  readonly status: ResourceStatus;
  readonly costComponents: ComponentDiff[];
}

export interface BillDiff {
  readonly provider: ProviderId;
  readonly label: string;
  readonly pastStage?: string;
  readonly stage?: string;
  readonly pastTotalMonthlyCost: number;
  readonly totalMonthlyCost: number;
  readonly diffTotalMonthlyCost: number;
  /** Percent change against the past total; null when the past total is zero. */
  readonly percentChange: number | null;
  /** Resources whose cost or existence changed (free resources that appear or go are counted, not listed). */
  readonly resources: ResourceDiff[];
  readonly freeResourcesAdded: number;
  readonly freeResourcesRemoved: number;
  /** Resources not priced in either bill: their change is unknown. */
  readonly notPriced: string[];
}

const EPS = 1e-9;

function componentDiffs(before: readonly CostComponent[], after: readonly CostComponent[]): ComponentDiff[] {
  const out: ComponentDiff[] = [];
  // Component names carry counts ("m7g.large × 4"); match on the name without them first, then exactly.
  const key = (c: CostComponent) => c.name.replace(/\s*\([^)]*\)/g, '').trim();
  const pool = [...before];
  for (const component of after) {
    let match = pool.findIndex((p) => p.name === component.name);
    if (match < 0) match = pool.findIndex((p) => key(p) === key(component));
    const past = match >= 0 ? pool.splice(match, 1)[0] : undefined;
    const diff = (component.monthlyCost ?? 0) - (past?.monthlyCost ?? 0);
    if (past && Math.abs(diff) < EPS) continue;
    out.push({ name: component.name, change: past ? 'changed' : 'added', pastMonthlyCost: past?.monthlyCost ?? null, monthlyCost: component.monthlyCost, diffMonthlyCost: diff, usageBased: component.usageBased });
  }
  for (const unmatched of pool) {
    out.push({ name: unmatched.name, change: 'removed', pastMonthlyCost: unmatched.monthlyCost, monthlyCost: null, diffMonthlyCost: -(unmatched.monthlyCost ?? 0), usageBased: unmatched.usageBased });
  }
  return out.filter((d) => d.change !== 'changed' || Math.abs(d.diffMonthlyCost) >= EPS).sort((a, b) => Math.abs(b.diffMonthlyCost) - Math.abs(a.diffMonthlyCost));
}

export function diffBills(past: Bill, current: Bill): BillDiff {
  const before = new Map<string, PricedResource>(past.resources.map((r) => [r.name, r]));
  const after = new Map<string, PricedResource>(current.resources.map((r) => [r.name, r]));
  const resources: ResourceDiff[] = [];
  let freeAdded = 0;
  let freeRemoved = 0;
  const notPriced: string[] = [];
  for (const resource of current.resources) {
    const previous = before.get(resource.name);
    if (resource.status === 'not-priced' || previous?.status === 'not-priced') notPriced.push(resource.name);
    if (!previous) {
      if (resource.status === 'free' || resource.status === 'pay-per-use') freeAdded++;
      else resources.push({ name: resource.name, resourceType: resource.resourceType, change: 'added', pastMonthlyCost: null, monthlyCost: resource.monthlyCost, diffMonthlyCost: resource.monthlyCost ?? 0, status: resource.status, costComponents: componentDiffs([], resource.costComponents) });
      continue;
    }
    const diff = (resource.monthlyCost ?? 0) - (previous.monthlyCost ?? 0);
    const components = componentDiffs(previous.costComponents, resource.costComponents);
    if (Math.abs(diff) >= EPS || components.length || previous.status !== resource.status) {
      if (Math.abs(diff) < EPS && !components.some((c) => Math.abs(c.diffMonthlyCost) >= EPS) && previous.status === resource.status) continue;
      resources.push({ name: resource.name, resourceType: resource.resourceType, change: 'changed', pastMonthlyCost: previous.monthlyCost, monthlyCost: resource.monthlyCost, diffMonthlyCost: diff, status: resource.status, costComponents: components });
    }
  }
  for (const resource of past.resources) {
    if (after.has(resource.name)) continue;
    if (resource.status === 'not-priced') notPriced.push(resource.name);
    if (resource.status === 'free' || resource.status === 'pay-per-use') freeRemoved++;
    else resources.push({ name: resource.name, resourceType: resource.resourceType, change: 'removed', pastMonthlyCost: resource.monthlyCost, monthlyCost: null, diffMonthlyCost: -(resource.monthlyCost ?? 0), status: resource.status, costComponents: componentDiffs(resource.costComponents, []) });
  }
  resources.sort((a, b) => Math.abs(b.diffMonthlyCost) - Math.abs(a.diffMonthlyCost) || a.name.localeCompare(b.name));
  const delta = current.totalMonthlyCost - past.totalMonthlyCost;
  return {
    provider: current.provider,
    label: current.label,
    pastStage: past.stage,
    stage: current.stage,
    pastTotalMonthlyCost: past.totalMonthlyCost,
    totalMonthlyCost: current.totalMonthlyCost,
    diffTotalMonthlyCost: delta,
    percentChange: past.totalMonthlyCost > EPS ? (delta / past.totalMonthlyCost) * 100 : null,
    resources,
    freeResourcesAdded: freeAdded,
    freeResourcesRemoved: freeRemoved,
    notPriced: [...new Set(notPriced)],
  };
}
