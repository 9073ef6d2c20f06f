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
  for (const c of after) {
    let i = pool.findIndex((p) => p.name === c.name);
    if (i < 0) i = pool.findIndex((p) => key(p) === key(c));
    const past = i >= 0 ? pool.splice(i, 1)[0] : undefined;
    const diff = (c.monthlyCost ?? 0) - (past?.monthlyCost ?? 0);
    if (past && Math.abs(diff) < EPS) continue;
    out.push({ name: c.name, change: past ? 'changed' : 'added', pastMonthlyCost: past?.monthlyCost ?? null, monthlyCost: c.monthlyCost, diffMonthlyCost: diff, usageBased: c.usageBased });
  }
  for (const p of pool) {
    out.push({ name: p.name, change: 'removed', pastMonthlyCost: p.monthlyCost, monthlyCost: null, diffMonthlyCost: -(p.monthlyCost ?? 0), usageBased: p.usageBased });
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
  for (const r of current.resources) {
    const p = before.get(r.name);
    if (r.status === 'not-priced' || p?.status === 'not-priced') notPriced.push(r.name);
    if (!p) {
      if (r.status === 'free' || r.status === 'pay-per-use') freeAdded++;
      else resources.push({ name: r.name, resourceType: r.resourceType, change: 'added', pastMonthlyCost: null, monthlyCost: r.monthlyCost, diffMonthlyCost: r.monthlyCost ?? 0, status: r.status, costComponents: componentDiffs([], r.costComponents) });
      continue;
    }
    const diff = (r.monthlyCost ?? 0) - (p.monthlyCost ?? 0);
    const components = componentDiffs(p.costComponents, r.costComponents);
    if (Math.abs(diff) >= EPS || components.length || p.status !== r.status) {
      if (Math.abs(diff) < EPS && !components.some((c) => Math.abs(c.diffMonthlyCost) >= EPS) && p.status === r.status) continue;
      resources.push({ name: r.name, resourceType: r.resourceType, change: 'changed', pastMonthlyCost: p.monthlyCost, monthlyCost: r.monthlyCost, diffMonthlyCost: diff, status: r.status, costComponents: components });
    }
  }
  for (const p of past.resources) {
    if (after.has(p.name)) continue;
    if (p.status === 'not-priced') notPriced.push(p.name);
    if (p.status === 'free' || p.status === 'pay-per-use') freeRemoved++;
    else resources.push({ name: p.name, resourceType: p.resourceType, change: 'removed', pastMonthlyCost: p.monthlyCost, monthlyCost: null, diffMonthlyCost: -(p.monthlyCost ?? 0), status: p.status, costComponents: componentDiffs(p.costComponents, []) });
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
