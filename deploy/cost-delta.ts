/**
 * The monthly cost of a stage move, per provider, for `plan` and `deploy`. The numbers come from
 * the cost module (cost/); this file only adapts its bills to the move being reviewed.
 */
import type { Plan } from '../core/plan';
import type { Target } from '../core/rendering';
import { notPriced, priceArtifacts, ProviderId } from '../cost';

export interface ProviderCostDelta {
  /** aws, eks, self-hosted (the cost module's provider ids). */
  readonly provider: string;
  readonly label: string;
  readonly fromMonthly: number;
  readonly toMonthly: number;
  readonly deltaMonthly: number;
  /** Resources the cost module could not price (listed by it, never counted as zero). */
  readonly notPriced: number;
}

export type CostDelta =
  | { readonly status: 'priced'; readonly currency: 'USD'; readonly providers: ProviderCostDelta[]; readonly catalogDate: string }
  | { readonly status: 'unavailable'; readonly reason: string };

/** What a move is priced from: the two plans and, per target, the two renderings. */
export interface CostDeltaInput {
  readonly target: Target;
  readonly fromPlan: Plan;
  readonly toPlan: Plan;
  /** AWS: the two CloudFormation templates (the "from" one may be the deployed template; undefined: nothing deployed). */
  readonly fromTemplate?: any;
  readonly toTemplate?: any;
  /** Kubernetes: the two object lists (from undefined: nothing deployed). */
  readonly fromObjects?: readonly any[];
  readonly toObjects?: readonly any[];
}

export type CostEstimator = (input: CostDeltaInput) => CostDelta;

/** Which of the cost module's providers describe each target: AWS managed services, or the Kubernetes rendering on EKS and self-hosted. */
const PROVIDERS_OF: Record<Target, readonly ProviderId[]> = { aws: ['aws'], k8s: ['eks', 'self-hosted'] };
const EMPTY_TEMPLATE = { Resources: {} };

/**
 * Prices both ends of a move with the cost module (cost/: priceArtifacts on the same plan and artifacts
 * `stagekit cost` uses), per provider of the target. A side without artifacts ("from" on a first
 * deploy) is nothing deployed: $0. A pricing failure is reported as unavailable, never as a number.
 */
export const stageCostDelta: CostEstimator = (input) => {
  try {
    const artifacts = (template: any, objects: readonly any[] | undefined) => (input.target === 'aws' ? { template: template ?? EMPTY_TEMPLATE, objects: [] } : { template: EMPTY_TEMPLATE, objects: objects ?? [] });
    const deployed = input.target === 'aws' ? input.fromTemplate !== undefined : input.fromObjects !== undefined;
    const toSide = artifacts(input.toTemplate, input.toObjects);
    const to = priceArtifacts(input.toPlan, toSide.template, toSide.objects);
    const fromSide = artifacts(input.fromTemplate, input.fromObjects);
    const from = deployed ? priceArtifacts(input.fromPlan, fromSide.template, fromSide.objects) : undefined;
    const providers = PROVIDERS_OF[input.target].map((id) => {
      const bill = to.providers[id];
      const past = from?.providers[id].totalMonthlyCost ?? 0;
      return { provider: id, label: bill.label, fromMonthly: past, toMonthly: bill.totalMonthlyCost, deltaMonthly: bill.totalMonthlyCost - past, notPriced: notPriced(bill).length };
    });
    return { status: 'priced', currency: 'USD', providers, catalogDate: to.providers[PROVIDERS_OF[input.target][0]].catalogDate };
  } catch (err) {
    return { status: 'unavailable', reason: `pricing failed: ${err instanceof Error ? err.message : String(err)}` };
  }
};

export function formatUsd(value: number, signed = false): string {
  const sign = signed ? (value > 0 ? '+' : value < 0 ? '-' : '\u00b1') : value < 0 ? '-' : '';
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
