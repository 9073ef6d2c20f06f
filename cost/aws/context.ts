import type { AwsRegion, CommitmentTerm, Price, PriceCatalog, PriceTier } from '../catalog';
import { PriceNotFound } from '../catalog';
import { component, CostComponent, unpricedComponent } from '../model';
import type { UsageModel } from '../usage';
import type { CfnTemplate } from './template';

/** What every AWS handler reads: the region's prices, the template, and the usage when a profile is known. */
export interface AwsContext {
  readonly region: AwsRegion;
  readonly catalog: PriceCatalog;
  readonly template: CfnTemplate;
  readonly usage?: UsageModel;
  /** Share of internet egress assumed to leave private subnets through NAT gateways. */
  readonly natShareOfEgress: number;
  /** Computed once per template: which resources the usage lines attach to. */
  readonly roles: TemplateRoles;
  /** Price EC2 capacity at standard Reserved Instance rates (no upfront) for this term instead of on-demand. */
  readonly commitment?: CommitmentTerm;
  /** The day (YYYY-MM-DD) version support calendars are read at. */
  readonly asOf: string;
}

export interface TemplateRoles {
  /** The internet-facing Application Load Balancer the request traffic goes through. */
  readonly frontLoadBalancer?: string;
  readonly natGateways: string[];
  /** SQS queues that are not another queue's dead-letter queue. */
  readonly workQueues: string[];
  readonly deadLetterQueues: Set<string>;
  /** Log groups that receive VPC flow logs, with the traffic type logged. */
  readonly flowLogGroups: Map<string, string>;
  /** Log groups of the application: request logs (web) and job logs (workers). */
  readonly appLogGroups: string[];
  readonly workerLogGroups: string[];
  /** Log groups AWS services write to (RDS, ElastiCache, MSK, Lambda...). */
  readonly serviceLogGroups: string[];
  readonly hasCompute: boolean;
  readonly databases: { primaries: number; replicas: number; multiAz: number };
  readonly hasCache: boolean;
  readonly hasKafka: boolean;
  /** CloudFront distributions tagged as the web tier's CDN: they carry the responses to users. */
  readonly cdnDistributions: string[];
}

/** "ec2-ondemand (2026-08-14)": the catalog source of a price and its publication date. */
export function sourceOf(price: Price): string {
  return `${price.source} (${price.published}${price.fallbackFrom ? `, ${price.fallbackFrom} price` : ''})`;
}

/** A fixed (non-usage) component priced from the catalog. */
export function priced(name: string, unit: string, quantity: number, price: Price, assumption?: string): CostComponent {
  return component({ name, unit, quantity, price: price.usd, priceSource: sourceOf(price), assumption });
}

/** A usage-based component; without a usage model the quantity is null and the line says so. */
export function usageLine(name: string, unit: string, quantity: number | undefined, price: Price, assumption: string): CostComponent {
  return component({
    name,
    unit,
    quantity: quantity ?? null,
    price: price.usd,
    usageBased: true,
    priceSource: sourceOf(price),
    assumption: quantity === undefined ? 'usage not included: give a workload profile (--profile) to price it' : assumption,
  });
}

/**
 * A line at a committed (reserved) rate, or the on-demand line with the reason when the price map has no such
 * offer. Only a missing offer falls back; any other error propagates.
 */
export function committed<P>(reserved: () => P, atReserved: (rate: P) => CostComponent, atOnDemand: (why: string) => CostComponent): CostComponent {
  let rate: P;
  try {
    rate = reserved();
  } catch (err) {
    if (!(err instanceof PriceNotFound)) throw err;
    return atOnDemand(err.message);
  }
  return atReserved(rate);
}

/** Runs a lookup; a PriceNotFound becomes an unpriced component naming what is missing. */
export function lookup(name: string, unit: string, build: () => CostComponent | CostComponent[], usageBased = false): CostComponent[] {
  try {
    const built = build();
    return Array.isArray(built) ? built : [built];
  } catch (err) {
    if (err instanceof PriceNotFound) return [unpricedComponent(name, unit, err.message, usageBased)];
    throw err;
  }
}

/** Splits a monthly quantity over volume tiers: one component per tier used. */
export function tieredLines(name: string, unit: string, quantity: number, tiers: PriceTier[], assumption: string, usageBased = true): CostComponent[] {
  const lines: CostComponent[] = [];
  let remaining = quantity;
  for (const tier of tiers) {
    if (remaining <= 0) break;
    const width = tier.upTo === null ? remaining : Math.min(remaining, tier.upTo - tier.from);
    if (width <= 0) continue;
    const label = tier.upTo === null ? `over ${count(tier.from)} ${unit}` : tier.from === 0 ? `first ${count(tier.upTo)} ${unit}` : `next ${count(tier.upTo - tier.from)} ${unit}`;
    lines.push(component({ name: `${name} (${label})`, unit, quantity: width, price: tier.usd, usageBased, priceSource: sourceOf(tier), assumption }));
    remaining -= width;
  }
  if (!lines.length) lines.push(component({ name, unit, quantity: 0, price: tiers[0]?.usd ?? 0, usageBased, priceSource: tiers[0] ? sourceOf(tiers[0]) : undefined, assumption }));
  return lines;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
