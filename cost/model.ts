/**
 * The shape of a bill. It follows Infracost's model: a bill is a list of resources, each with cost
 * components (quantity × unit price = monthly cost), and usage-based components are marked and carry the
 * assumption they were computed from. Field names match Infracost's JSON where they apply, so CI scripts
 * written for Infracost read ours.
 *
 * Money is USD per month, as plain numbers. A component or resource that could not be priced has
 * `monthlyCost: null` and a `notPriced` reason: it is never counted as zero.
 */

/** Hours in a billing month, as AWS and Infracost count them (365 × 24 / 12). */
export { HOURS_PER_MONTH, round } from '../core/units';

export const PROVIDERS = ['aws', 'eks', 'self-hosted'] as const;
/** Who runs the stage: AWS managed services, the Kubernetes rendering on EKS, or on rented servers. */
export type ProviderId = (typeof PROVIDERS)[number];

export interface CostComponent {
  /** What is charged, e.g. "Instance usage (Linux/UNIX, on-demand, m7g.large)". */
  readonly name: string;
  /** The unit the price is per: "hours", "GB", "GB-months", "1M requests", "months"... */
  readonly unit: string;
  /** Units per month; null when the usage is not known (no profile). */
  readonly monthlyQuantity: number | null;
  /** USD per unit; null when not priced. */
  readonly price: number | null;
  /** monthlyQuantity × price; null when either is unknown. */
  readonly monthlyCost: number | null;
  /** True when the quantity comes from the workload profile's usage rather than from the artifact. */
  readonly usageBased: boolean;
  /** How a usage-based quantity (or a modelling choice) was derived, in words. */
  readonly assumption?: string;
  /** Why this component has no price (a PriceNotFound message, a property that is not a literal...). */
  readonly notPriced?: string;
  /** Where the unit price comes from: catalog source and publication date. */
  readonly priceSource?: string;
}

/**
 * priced: has a cost (possibly zero usage); free: no charge at all (VPC, subnets, IAM...);
 * pay-per-use: no standing charge, billed per request and the usage is not modelled (Lambda, SNS...);
 * not-priced: the engine cannot price it (unknown type, or no price in the catalog).
 */
export type ResourceStatus = 'priced' | 'free' | 'pay-per-use' | 'not-priced';

export interface PricedResource {
  /** CloudFormation logical ID, or the Kubernetes object's kind/name, or a line the engine adds ("DataTransfer"). */
  readonly name: string;
  readonly resourceType: string;
  /** Sum of the priced components; null for a resource that is not priced at all. */
  readonly monthlyCost: number | null;
  readonly costComponents: CostComponent[];
  readonly status: ResourceStatus;
  /** One line about the resource: what was priced, what was assumed, or why it is free / not priced. */
  readonly note?: string;
  /** The major component this resource is (or is part of), when the engine knows it; see `majorComponentOf`. */
  readonly major?: MajorComponent;
}

/** What a bill may not leave out and still call itself a total. */
export type MajorComponent = 'database' | 'cache' | 'queue' | 'app tier';

/** A major component the bill could not price: the bill has no total while one is listed. */
export interface MissingComponent {
  readonly name: string;
  readonly resourceType: string;
  readonly component: MajorComponent;
  readonly reason: string;
}

export interface Bill {
  readonly provider: ProviderId;
  /** "AWS us-east-1", "EKS us-east-1", "Hetzner Cloud (eu)". */
  readonly label: string;
  readonly currency: 'USD';
  readonly totalMonthlyCost: number;
  /** Cost of the components marked usage-based (included in the total). */
  readonly usageMonthlyCost: number;
  readonly resources: PricedResource[];
  /** False when no profile was given: usage-based lines are left out. */
  readonly usageIncluded: boolean;
  /** Assumptions that apply to the whole bill (hours per month, exchange rate, free tiers not applied...). */
  readonly assumptions: string[];
  /** The catalog's publication-date range, printed under every bill. */
  readonly catalogDate: string;
  readonly stage?: string;
  /**
   * False when a major component (database, cache, queue, app tier) could not be priced: `totalMonthlyCost`
   * is then only the sum of the priced lines, never to be shown as the bill's total or used in a ratio.
   */
  readonly complete: boolean;
  /** The major components left out, with the reason (empty when complete). */
  readonly missing: MissingComponent[];
}

export function component(fields: {
  name: string;
  unit: string;
  quantity: number | null;
  price: number | null;
  usageBased?: boolean;
  assumption?: string;
  priceSource?: string;
  notPriced?: string;
}): CostComponent {
  const monthlyCost = fields.quantity === null || fields.price === null ? null : fields.quantity * fields.price;
  const costComponent: CostComponent = {
    name: fields.name,
    unit: fields.unit,
    monthlyQuantity: fields.quantity,
    price: fields.price,
    monthlyCost,
    usageBased: fields.usageBased ?? false,
    ...(fields.assumption ? { assumption: fields.assumption } : {}),
    ...(fields.priceSource ? { priceSource: fields.priceSource } : {}),
    ...(fields.notPriced ? { notPriced: fields.notPriced } : {}),
  };
  return costComponent;
}

/** A component that could not be priced: listed with its reason, never counted as zero. */
export function unpricedComponent(name: string, unit: string, reason: string, usageBased = false): CostComponent {
  return component({ name, unit, quantity: null, price: null, usageBased, notPriced: reason });
}

/**
 * A priced resource. Components without a quantity (usage not included) count as nothing; components with
 * a `notPriced` reason make the resource partly priced, and a resource whose every component is unpriced is
 * listed as not priced.
 */
export function resource(name: string, resourceType: string, components: CostComponent[], note?: string): PricedResource {
  const priced = components.filter((c) => c.monthlyCost !== null);
  const anyPriced = components.length === 0 || components.some((c) => !c.notPriced);
  return {
    name,
    resourceType,
    monthlyCost: anyPriced ? sum(priced.map((c) => c.monthlyCost!)) : null,
    costComponents: components,
    status: anyPriced ? 'priced' : 'not-priced',
    ...(note ? { note } : {}),
  };
}

export function freeResource(name: string, resourceType: string, note?: string): PricedResource {
  return { name, resourceType, monthlyCost: 0, costComponents: [], status: 'free', ...(note ? { note } : {}) };
}

export function payPerUseResource(name: string, resourceType: string, note: string): PricedResource {
  return { name, resourceType, monthlyCost: 0, costComponents: [], status: 'pay-per-use', note };
}

export function notPricedResource(name: string, resourceType: string, reason: string, major?: MajorComponent): PricedResource {
  return { name, resourceType, monthlyCost: null, costComponents: [], status: 'not-priced', note: reason, ...(major ? { major } : {}) };
}

/** Resource types that are a major component, by provider type (AWS) or Kubernetes kind. */
const MAJOR_TYPES: [RegExp, MajorComponent][] = [
  [/^AWS::(RDS::DB(Instance|Cluster)|DocDB::DBCluster|Neptune::DBCluster|DynamoDB::(Global)?Table)$|^(Cluster|SGCluster|SGShardedCluster)$/, 'database'],
  [/^AWS::(ElastiCache::(CacheCluster|ReplicationGroup|ServerlessCache)|MemoryDB::Cluster)$|^Redis(Replication|Cluster|Sentinel)?$/, 'cache'],
  [/^AWS::(MSK::(Cluster|ServerlessCluster)|SQS::Queue|Kinesis::Stream|AmazonMQ::Broker)$|^(Kafka|KafkaNodePool)$/, 'queue'],
  [/^AWS::(EC2::Instance|AutoScaling::AutoScalingGroup|ECS::Service|Lambda::Function|EKS::Nodegroup)$|^(Deployment|ReplicaSet|Pod)$/, 'app tier'],
];

/** The major component a resource is, if any: what the engine said, else read from its type. */
export function majorComponentOf(pricedResource: Pick<PricedResource, 'resourceType' | 'major'>): MajorComponent | undefined {
  return pricedResource.major ?? MAJOR_TYPES.find(([re]) => re.test(pricedResource.resourceType))?.[1];
}

/** Major components a list of resources could not price (fully, or a standing line of it). */
export function missingComponents(resources: readonly PricedResource[]): MissingComponent[] {
  const out: MissingComponent[] = [];
  for (const pricedResource of resources) {
    const component = majorComponentOf(pricedResource);
    if (!component) continue;
    const hole = pricedResource.status === 'not-priced' ? pricedResource.note ?? 'not priced' : pricedResource.costComponents.find((c) => c.notPriced && !c.usageBased)?.notPriced;
    if (hole) out.push({ name: pricedResource.name, resourceType: pricedResource.resourceType, component, reason: hole });
  }
  return out;
}

/** "database Cluster/db-0 (no server type is large enough…), cache RedisReplication/cache (…)" */
export function describeMissing(missing: readonly MissingComponent[]): string {
  const byReason = new Map<string, { component: string; reason: string; names: string[] }>();
  for (const gap of missing) {
    const key = JSON.stringify([gap.component, gap.reason]);
    const entry = byReason.get(key) ?? { component: gap.component, reason: gap.reason, names: [] };
    entry.names.push(gap.name);
    byReason.set(key, entry);
  }
  return [...byReason.values()].map(({ component, reason, names }) => {
    const shown = names.length > 3 ? `${names.slice(0, 2).join(', ')} and ${names.length - 2} more` : names.join(', ');
    return `${component} ${shown} not priced (${reason})`;
  }).join('; ');
}

export function makeBill(fields: Omit<Bill, 'currency' | 'totalMonthlyCost' | 'usageMonthlyCost' | 'complete' | 'missing'>): Bill {
  const lines = fields.resources.flatMap((r) => r.costComponents);
  const missing = missingComponents(fields.resources);
  return {
    provider: fields.provider,
    label: fields.label,
    currency: 'USD',
    totalMonthlyCost: sum(fields.resources.map((r) => r.monthlyCost ?? 0)),
    usageMonthlyCost: sum(lines.filter((c) => c.usageBased && c.monthlyCost !== null).map((c) => c.monthlyCost!)),
    resources: fields.resources,
    usageIncluded: fields.usageIncluded,
    assumptions: fields.assumptions,
    catalogDate: fields.catalogDate,
    ...(fields.stage ? { stage: fields.stage } : {}),
    complete: missing.length === 0,
    missing,
  };
}

/** Resources the bill could not price, fully or in part. */
export function notPriced(bill: Bill): PricedResource[] {
  return bill.resources.filter((r) => r.status === 'not-priced' || r.costComponents.some((c) => c.notPriced));
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

