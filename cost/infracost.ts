/**
 * Bills in Infracost's JSON output format (version 0.2, as `infracost breakdown --format json` writes it), so
 * `infracost output` and `infracost comment` can read stagekit's figures: one project per bill, resources with
 * cost components, every amount a decimal string. The shape follows infracost's published JSON schema
 * (data/schemas/infracost.schema.json, validated in test/cost.test.ts (cost-infracost block)).
 *
 * Honesty carries over: a component or resource stagekit could not price has `priceNotFound: true` and null
 * costs (never "0"), and a bill that left out a major component has null totals, with the reason as a project
 * warning, so nothing downstream adds a hole into a total.
 */
import { HOURS_PER_MONTH, type Bill, type CostComponent, type PricedResource } from './model';

/** infracost's `outputVersion` (internal/output/output.go). */
export const INFRACOST_OUTPUT_VERSION = '0.2';

export interface InfracostProjectInput {
  /** Project name, e.g. "growing-shop/split-tier/aws". */
  name: string;
  bill: Bill;
  /** Where the priced artifact lives (a template file, a cdk.out stack, a stage). */
  path?: string;
}

export interface InfracostOptions {
  /** The command line that produced the output, for `metadata.infracostCommand`. */
  command?: string;
  /** @default now */
  generatedAt?: Date;
}

/** A decimal string as infracost prints them: no exponent, no trailing zeros, at most 10 decimals. */
export function decimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const fixed = value.toFixed(10).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

const dec = (value: number | null | undefined): string | null => (value === null || value === undefined ? null : decimal(value));

/** Units billed per hour: infracost gives their hourly quantity too. */
const HOURLY_UNIT = /(^|-)hours?$|hour$/i;

function costComponent(component: CostComponent): object {
  const hourly = HOURLY_UNIT.test(component.unit) && component.monthlyQuantity !== null ? component.monthlyQuantity / HOURS_PER_MONTH : null;
  return {
    name: component.name,
    unit: component.unit,
    hourlyQuantity: dec(hourly),
    monthlyQuantity: dec(component.monthlyQuantity),
    price: dec(component.price),
    hourlyCost: dec(component.monthlyCost === null ? null : component.monthlyCost / HOURS_PER_MONTH),
    monthlyCost: dec(component.monthlyCost),
    ...(component.usageBased ? { usageBased: true } : {}),
    priceNotFound: component.notPriced !== undefined || (component.price === null && component.monthlyQuantity !== null),
  };
}

function resource(pricedResource: PricedResource): object {
  const usage = pricedResource.costComponents.filter((c) => c.usageBased && c.monthlyCost !== null).reduce((s, c) => s + c.monthlyCost!, 0);
  const components = pricedResource.status === 'not-priced' && !pricedResource.costComponents.length
    ? [{ name: pricedResource.note ?? 'not priced', unit: 'months', hourlyQuantity: null, monthlyQuantity: null, price: null, hourlyCost: null, monthlyCost: null, priceNotFound: true }]
    : pricedResource.costComponents.map(costComponent);
  return {
    name: pricedResource.name,
    resourceType: pricedResource.resourceType,
    metadata: { stagekitStatus: pricedResource.status, ...(pricedResource.note ? { stagekitNote: pricedResource.note } : {}), ...(pricedResource.major ? { stagekitMajorComponent: pricedResource.major } : {}) },
    hourlyCost: dec(pricedResource.monthlyCost === null ? null : pricedResource.monthlyCost / HOURS_PER_MONTH),
    monthlyCost: dec(pricedResource.monthlyCost),
    monthlyUsageCost: pricedResource.monthlyCost === null ? null : decimal(usage),
    costComponents: components,
  };
}

function breakdown(bill: Bill | undefined): object {
  if (!bill) return { resources: [], totalHourlyCost: '0', totalMonthlyCost: '0', totalMonthlyUsageCost: '0' };
  const charged = bill.resources.filter((r) => r.status !== 'free');
  return {
    resources: charged.map(resource),
    freeResources: bill.resources.filter((r) => r.status === 'free').map((r) => ({ name: r.name, resourceType: r.resourceType, metadata: { stagekitStatus: 'free', ...(r.note ? { stagekitNote: r.note } : {}) } })),
    totalHourlyCost: bill.complete ? decimal(bill.totalMonthlyCost / HOURS_PER_MONTH) : null,
    totalMonthlyCost: bill.complete ? decimal(bill.totalMonthlyCost) : null,
    totalMonthlyUsageCost: bill.complete ? decimal(bill.usageMonthlyCost) : null,
  };
}

function countBy(resources: PricedResource[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pricedResource of resources) out[pricedResource.resourceType] = (out[pricedResource.resourceType] ?? 0) + 1;
  return out;
}

function summary(bills: Bill[]): object {
  const all = bills.flatMap((b) => b.resources);
  const supported = all.filter((r) => r.status === 'priced');
  const unsupported = all.filter((r) => r.status === 'not-priced');
  const noPrice = all.filter((r) => r.status === 'free' || r.status === 'pay-per-use');
  return {
    totalResources: all.length,
    totalDetectedResources: all.length,
    totalSupportedResources: supported.length,
    totalUnsupportedResources: unsupported.length,
    totalUsageBasedResources: all.filter((r) => r.costComponents.some((c) => c.usageBased)).length,
    totalNoPriceResources: noPrice.length,
    supportedResourceCounts: countBy(supported),
    unsupportedResourceCounts: countBy(unsupported),
    noPriceResourceCounts: countBy(noPrice),
  };
}

function project(input: InfracostProjectInput): object {
  const warnings = input.bill.complete
    ? []
    : [{ code: 1, message: `incomplete bill, no total: ${input.bill.missing.map((m) => `${m.component} ${m.name} not priced (${m.reason})`).join('; ')}`, data: { missing: input.bill.missing }, isError: false }];
  const current = breakdown(input.bill);
  return {
    name: input.name,
    displayName: input.name,
    metadata: { path: input.path ?? input.name, type: 'stagekit_cloudformation', ...(warnings.length ? { warnings } : {}) },
    pastBreakdown: breakdown(undefined),
    breakdown: current,
    diff: current,
    summary: summary([input.bill]),
  };
}

/** Infracost's JSON output for one or more bills; totals are null when any bill is incomplete. */
export function infracostJson(projects: readonly InfracostProjectInput[], options: InfracostOptions = {}): Record<string, unknown> {
  const complete = projects.every((p) => p.bill.complete);
  const monthly = projects.reduce((s, p) => s + p.bill.totalMonthlyCost, 0);
  const usage = projects.reduce((s, p) => s + p.bill.usageMonthlyCost, 0);
  const total = (v: number) => (complete ? decimal(v) : null);
  const generated = (options.generatedAt ?? new Date()).toISOString();
  return {
    version: INFRACOST_OUTPUT_VERSION,
    metadata: {
      infracostCommand: options.command ?? 'stagekit cost --format infracost',
      vcsBranch: '',
      vcsCommitSha: '',
      vcsCommitAuthorName: '',
      vcsCommitAuthorEmail: '',
      vcsCommitTimestamp: generated,
      vcsCommitMessage: '',
    },
    currency: 'USD',
    projects: projects.map(project),
    totalHourlyCost: total(monthly / HOURS_PER_MONTH),
    totalMonthlyCost: total(monthly),
    totalMonthlyUsageCost: total(usage),
    pastTotalHourlyCost: '0',
    pastTotalMonthlyCost: '0',
    diffTotalHourlyCost: total(monthly / HOURS_PER_MONTH),
    diffTotalMonthlyCost: total(monthly),
    timeGenerated: generated,
    summary: summary(projects.map((p) => p.bill)),
  };
}
