/**
 * The bills along the advisor's path and the self-hosted break-even. Each stage on the path is synthesized
 * and priced once (with today's profile, by the cost module as it is); a month's bill is that stage's bill
 * scaled to the month's plan: machine lines with the plan's vCPU, storage lines with its provisioned
 * storage, usage lines with requests (stored usage with the dataset); fixed lines (alarms, load balancer
 * and NAT hours, control plane, operations labour) stay. The break-even of moving to a self-hosted provider
 * counts the one-off cost of the move (engineering time, running both while moving, the dataset's egress
 * out of AWS): every assumption is a field, overridable, and printed with the result.
 *
 * A bill that left out a component is not summed into a break-even: the result says what is missing.
 */
import type { Advice } from '../core/advisor';
import { computePlan, Plan } from '../core/plan';
import type { Profile } from '../core/profile';
import type { StageRenderer } from '../core/rendering';
import { round } from '../core/units';
import { StageName } from '../core/ladder';
import { AwsRegion, loadCatalog, PriceCatalog } from './catalog';
import type { FleetProvider } from './k8s/offers';
import { tieredLines } from './aws/context';
import { DEFAULT_OPS } from './k8s/ops';
import { priceStageSelfHosted, PROVIDER_NAMES, SELF_HOSTED_PROVIDERS } from './k8s/self-hosted';
import { Bill, CostComponent, notPriced, PricedResource } from './model';
import { inRegion, priceArtifacts, PricingOptions, stageArtifacts } from './stage';

/** One column of the path's bills: AWS managed services, EKS, or self-hosted on one provider. */
export type PathProvider = 'aws' | 'eks' | `self-hosted:${FleetProvider}`;

export interface PricedStage {
  readonly stage: StageName;
  /** The plan the bills were priced at (today's profile). */
  readonly plan: Plan;
  readonly bills: Partial<Record<PathProvider, Bill>>;
}

export interface MigrationAssumptions {
  /** Month (from the advice's month 0) in which the move to self-hosting starts. @default 0 */
  readonly moveMonth: number;
  /** Engineer-months of work to move (platform build-out, data migration, cut-over, runbooks). @default 6 */
  readonly engineerMonths: number;
  /** Loaded cost of one engineer-month, USD. @default the operations rate × 160 hours */
  readonly engineerMonthUsd: number;
  /** Months both setups run (and are paid) side by side during the move. @default 2 */
  readonly dualRunningMonths: number;
}

export function defaultMigration(opsRateUsd = DEFAULT_OPS.rateUsd): MigrationAssumptions {
  return { moveMonth: 0, engineerMonths: 6, engineerMonthUsd: opsRateUsd * 160, dualRunningMonths: 2 };
}

export interface ProviderPath {
  readonly provider: PathProvider;
  readonly label: string;
  /** USD per month along the path; null where no stage carries the workload. */
  readonly monthly: (number | null)[];
  /** Running total; null from the first month without a bill. */
  readonly cumulative: (number | null)[];
  /** What the bills of the stages on the path left out (resource names per stage); empty when complete. */
  readonly gaps: { readonly stage: StageName; readonly missing: string[] }[];
}

export interface BreakEven {
  readonly provider: PathProvider;
  readonly label: string;
  readonly oneOff?: { readonly engineeringUsd: number; readonly dualRunningUsd: number; readonly egressUsd: number; readonly egressGiB: number; readonly totalUsd: number };
  /** Month (from month 0) in which the cumulative saving first covers the one-off cost. */
  readonly month?: number;
  readonly monthLabel?: string;
  /** Why there is no month: incomplete bills, not cheaper, not within the months projected, no stage. */
  readonly reason?: string;
  /** AWS minus self-hosted in the move month, USD/month (positive: self-hosting is cheaper). */
  readonly monthlySavingAtMove?: number;
}

export interface PathCosts {
  readonly providers: ProviderPath[];
  readonly breakEven: BreakEven[];
  readonly migration: MigrationAssumptions;
  readonly catalogDate: string;
  readonly assumptions: string[];
}

const MACHINE_TYPES = new Set([
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::EC2::Instance',
  'AWS::RDS::DBInstance',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::MSK::Cluster',
  'Deployment',
  'StatefulSet',
  'Cluster',
  'Kafka',
  'KafkaNodePool',
  'RedisReplication',
  'RedisSentinel',
  'ScaledObject',
]);

/** Standing capacity lines scale with the plan; fixed lines do not. */
function isMachine(resource: PricedResource): boolean {
  if (resource.name === 'ControlPlane' || resource.name === 'EksControlPlane') return false;
  return MACHINE_TYPES.has(resource.resourceType) || resource.name.startsWith('NodePool/') || / servers$/.test(resource.resourceType);
}

const isStorage = (c: CostComponent) => /GB-month|GiB-month/i.test(c.unit);

/** Total vCPU of the machines a plan runs (standing capacity: autoscaling floors). */
export function planVcpu(plan: Plan): number {
  if (plan.server) return plan.server.instance.vcpu;
  const db = plan.database!;
  let vcpu = plan.app.minCount * plan.app.instance.vcpu + db.shards * db.instance.vcpu * (1 + (db.standby ? 1 : 0) + db.readReplicas);
  if (plan.cache) vcpu += plan.cache.nodes * plan.cache.node.vcpu;
  if (plan.queue) vcpu += plan.queue.minWorkers * plan.queue.worker.vcpu + plan.queue.selfHostedKafka.brokers * plan.queue.selfHostedKafka.broker.vcpu;
  return vcpu;
}

/** Provisioned storage of a plan, GiB. */
export function planStorageGiB(plan: Plan): number {
  if (plan.server) return plan.server.dataVolumeGiB;
  const db = plan.database!;
  let gib = db.shards * db.storageGiB * (1 + (db.standby ? 1 : 0) + db.readReplicas);
  if (plan.queue) gib += plan.queue.selfHostedKafka.brokers * plan.queue.selfHostedKafka.storageGiBPerBroker;
  return gib;
}

export interface MonthScale {
  readonly machines: number;
  readonly storage: number;
  readonly requests: number;
  readonly dataset: number;
}

/** A bill's total scaled from the plan it was priced at to another month's plan of the same stage. */
export function scaledTotal(bill: Bill, scale: MonthScale): number {
  let total = 0;
  for (const resource of bill.resources) {
    const machine = isMachine(resource);
    for (const component of resource.costComponents) {
      if (component.monthlyCost === null) continue;
      let factor = 1;
      if (component.usageBased) factor = isStorage(component) ? scale.dataset : scale.requests;
      else if (isStorage(component)) factor = machine || resource.resourceType.includes('Volume') || resource.resourceType === 'PersistentVolumeClaim' ? scale.storage : 1;
      else if (machine) factor = scale.machines;
      total += component.monthlyCost * factor;
    }
    // Resources priced as one figure without components (none today) count unscaled.
    if (!resource.costComponents.length && resource.monthlyCost) total += resource.monthlyCost;
  }
  return total;
}

/**
 * The major components (database, cache, queue, app tier) a bill left out: a bill with any is not a
 * total to sum, compare or break even on. Minor lines not priced (a log bucket, health checks) are
 * footnotes (`unpricedLines`), as in the cost ladder.
 */
export function billGaps(bill: Bill): string[] {
  if (bill.complete) return [];
  if (bill.missing.length) return bill.missing.map((m) => (bill.provider === 'aws' ? `${m.resourceType} (${m.name})` : m.name));
  return unpricedLines(bill);
}

/** Every resource the bill could not price, fully or in part (the † footnote). */
export function unpricedLines(bill: Bill): string[] {
  return notPriced(bill).map((r) => (bill.provider === 'aws' ? `${r.resourceType} (${r.name})` : r.name));
}

export interface PathPricingOptions extends PricingOptions {
  /** Self-hosted providers to price and break even against. @default every provider in the catalog */
  readonly selfHostedProviders?: readonly FleetProvider[];
}

/**
 * The renderer with what pricing does not read switched off: cdk-nag and aws-cdk-lib's CloudFormation
 * validation check a template for deployment (synth and deploy run them); pricing reads its resources.
 */
export function pricingRenderer(renderer: StageRenderer): StageRenderer {
  return { ...renderer, aws: (plan, options) => renderer.aws(plan, { nag: false, validate: false, ...options }) };
}

/** Renders with `options.renderer` (pricing-only: see pricingRenderer) or reads from `options.from`, and prices each stage once, for AWS, EKS and every self-hosted provider. */
export function priceStagesForPath(profile: Profile, stages: readonly StageName[], options: PathPricingOptions = {}, onStage?: (stage: StageName) => void): PricedStage[] {
  const regional = inRegion(profile, options.region);
  const providers = options.selfHostedProviders ?? SELF_HOSTED_PROVIDERS;
  return stages.map((stage) => {
    onStage?.(stage);
    const plan = computePlan(regional, stage);
    const { template, objects } = stageArtifacts(plan, options.from, options.renderer && pricingRenderer(options.renderer));
    return pricedStage(plan, template, objects, options, providers);
  });
}

/** The bills of one stage from its artifacts (pure: no synthesis). */
export function pricedStage(plan: Plan, template: any, objects: any[], options: PricingOptions, providers: readonly FleetProvider[] = SELF_HOSTED_PROVIDERS): PricedStage {
  const [first, ...rest] = providers;
  const base = priceArtifacts(plan, template, objects, { ...options, provider: first });
  const bills: Partial<Record<PathProvider, Bill>> = { aws: base.providers.aws, eks: base.providers.eks, [`self-hosted:${first}`]: base.providers['self-hosted'] };
  for (const provider of rest) {
    bills[`self-hosted:${provider}`] = priceStageSelfHosted(plan, objects, {
      provider,
      region: options.region ?? plan.region,
      owned: options.owned,
      eurUsd: options.eurUsd,
      ops: options.ops ?? DEFAULT_OPS,
      catalog: options.catalog,
    });
  }
  return { stage: plan.stage, plan, bills };
}

export function providerLabel(provider: PathProvider): string {
  if (provider === 'aws') return 'AWS managed';
  if (provider === 'eks') return 'EKS';
  return `self-hosted (${PROVIDER_NAMES[provider.slice('self-hosted:'.length) as FleetProvider]})`;
}

/** Egress of `gib` out of AWS to the internet, priced from the catalog's tiers for the region. */
export function egressUsd(gib: number, region: AwsRegion, catalog: PriceCatalog): number {
  return tieredLines('Dataset egress', 'GB', gib, catalog.dataTransferOutTiers(region), 'the dataset copied out once').reduce((s, c) => s + (c.monthlyCost ?? 0), 0);
}

/** The monthly bills along the advice's path, their running totals, and the break-even per self-hosted provider. */
export function pathCosts(advice: Advice, priced: readonly PricedStage[], options: { migration?: Partial<MigrationAssumptions>; catalog?: PriceCatalog; region?: AwsRegion; opsRateUsd?: number } = {}): PathCosts {
  const migration = { ...defaultMigration(options.opsRateUsd), ...options.migration };
  const catalog = options.catalog ?? loadCatalog();
  const byStage = new Map(priced.map((s) => [s.stage, s]));
  const providers = [...new Set(priced.flatMap((s) => Object.keys(s.bills) as PathProvider[]))];
  const scales = advice.months.map((month, index): MonthScale | undefined => {
    const plan = advice.plans[index];
    const at = month.stage ? byStage.get(month.stage) : undefined;
    if (!plan || !at) return undefined;
    // In a seasonal peak month the autoscaled parts run at the peak for its days only (offPeakPlan: the rest).
    const share = month.offPeakPlan ? month.workload.peakShare : 1;
    const vcpu = share * planVcpu(plan) + (1 - share) * (month.offPeakPlan ? planVcpu(month.offPeakPlan) : 0);
    return {
      machines: vcpu / planVcpu(at.plan),
      storage: planStorageGiB(plan) / planStorageGiB(at.plan),
      // The stage was priced with today's profile: usage at today's peak, no season.
      requests: month.workload.averageTrafficFactor,
      dataset: month.workload.datasetGiB / at.plan.profile.data.datasetGiB,
    };
  });

  const paths: ProviderPath[] = providers.map((provider) => {
    const gaps = new Map<StageName, string[]>();
    const monthly = advice.months.map((month, index) => {
      const bill = month.stage ? byStage.get(month.stage)?.bills[provider] : undefined;
      const scale = scales[index];
      if (!bill || !scale) return null;
      const missing = billGaps(bill);
      if (missing.length) gaps.set(month.stage!, missing);
      return round(scaledTotal(bill, scale), 2);
    });
    let running: number | null = 0;
    const cumulative = monthly.map((v) => (running = running === null || v === null ? null : round(running + v, 2)));
    return { provider, label: providerLabel(provider), monthly, cumulative, gaps: [...gaps].map(([stage, missing]) => ({ stage, missing })) };
  });

  const aws = paths.find((p) => p.provider === 'aws');
  const region = (options.region ?? advice.plans.find(Boolean)?.region ?? 'us-east-1') as AwsRegion;
  const breakEven: BreakEven[] = paths
    .filter((path) => path.provider.startsWith('self-hosted:'))
    .map((path): BreakEven => {
      const base = { provider: path.provider, label: path.label };
      if (!aws) return { ...base, reason: 'no AWS bills to compare with' };
      const gaps = [...aws.gaps.map((g) => `AWS ${g.stage}: ${g.missing.join(', ')}`), ...path.gaps.map((g) => `${path.label} ${g.stage}: ${g.missing.join(', ')}`)];
      if (gaps.length) return { ...base, reason: `not computed: the bills leave out ${gaps.join('; ')}` };
      const from = migration.moveMonth;
      if (from >= advice.months.length) return { ...base, reason: `the move month ${from} is past the ${advice.months.length - 1} months projected` };
      const awsAt = aws.monthly[from];
      const selfAt = path.monthly[from];
      if (awsAt === null || selfAt === null) return { ...base, reason: `no stage of the ladder carries the workload in month ${from}` };
      const engineeringUsd = migration.engineerMonths * migration.engineerMonthUsd;
      let dualRunningUsd = 0;
      for (let month = from; month < Math.min(from + migration.dualRunningMonths, advice.months.length); month++) dualRunningUsd += path.monthly[month] ?? 0;
      const egressGiB = advice.months[from].workload.datasetGiB;
      const egress = egressUsd(egressGiB, region, catalog);
      const total = engineeringUsd + dualRunningUsd + egress;
      const oneOff = { engineeringUsd: round(engineeringUsd, 2), dualRunningUsd: round(dualRunningUsd, 2), egressUsd: round(egress, 2), egressGiB: round(egressGiB, 1), totalUsd: round(total, 2) };
      const monthlySavingAtMove = round(awsAt - selfAt, 2);
      // While both run (the dual-running months) AWS is still paid in full: nothing is saved, and the
      // self-hosted bill of those months is the extra, already in the one-off cost. Savings start once
      // AWS is switched off.
      const savingsFrom = from + migration.dualRunningMonths;
      let saved = 0;
      for (let month = from; month < advice.months.length; month++) {
        const awsUsd = aws.monthly[month];
        const selfHostedUsd = path.monthly[month];
        if (awsUsd === null || selfHostedUsd === null) return { ...base, oneOff, monthlySavingAtMove, reason: `no stage of the ladder carries the workload from month ${month}` };
        if (month < savingsFrom) continue;
        saved += awsUsd - selfHostedUsd;
        if (saved >= total) return { ...base, oneOff, monthlySavingAtMove, month, monthLabel: advice.months[month].label };
      }
      return {
        ...base,
        oneOff,
        monthlySavingAtMove,
        reason: monthlySavingAtMove <= 0 ? `self-hosting costs more each month (${round(-monthlySavingAtMove, 0)} USD at the move)` : `does not pay back within the ${advice.months.length - 1} months projected (saved ${round(saved, 0)} of ${round(total, 0)} USD)`,
      };
    });

  const engineerRate = migration.engineerMonthUsd;
  const assumptions = [
    `each stage on the path is synthesized and priced once with today's profile; a month's bill scales machine lines with the plan's vCPU, storage lines with its provisioned storage, usage lines with requests (stored usage with the dataset); fixed lines (alarms, load balancer and NAT hours, control plane, operations labour) do not scale`,
    `the move to self-hosting starts in month ${migration.moveMonth} (--move-month)`,
    `one-off cost of the move: ${migration.engineerMonths} engineer-months (--migration-engineer-months) at ${round(engineerRate, 0)} USD each (--engineer-month-usd; default: the operations rate × 160 hours)`,
    `both setups run for ${migration.dualRunningMonths} month(s) during the move (--dual-running-months): AWS is paid in full and the self-hosted bill of those months on top (part of the one-off cost); savings start in month ${migration.moveMonth + migration.dualRunningMonths}`,
    `the dataset leaves AWS once, at the region's internet egress tiers (catalog ${catalog.dataTransferOutTiers(region)[0]?.source ?? ''})`,
    'break-even: the first month in which the AWS bills saved since AWS was switched off (after the dual running) cover the one-off cost',
  ];
  const firstBill = priced[0] ? Object.values(priced[0].bills)[0] : undefined;
  return { providers: paths, breakEven, migration, catalogDate: firstBill?.catalogDate ?? catalog.catalogDate.summary, assumptions };
}
