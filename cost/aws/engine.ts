/**
 * The AWS pricing engine: any CloudFormation template (stagekit's, or any CDK app's) → a bill.
 *
 * Each resource goes to the handler of its type (handlers/, one file per service); types with no charge are recognised as free,
 * pay-per-use types are listed as such, and anything else is listed as not priced — never as zero. With a
 * usage model (from the workload profile), usage-based lines are added: on the resources they attach to, and
 * as region-level lines for data transfer out to the internet and traffic between zones.
 */
import { AWS_REGIONS, AwsRegion, CommitmentTerm, loadCatalog, PriceCatalog, PriceNotFound, SupportPlan } from '../catalog';
import { UsageError } from '../../core/errors';
import { Bill, component, HOURS_PER_MONTH, makeBill, notPricedResource, payPerUseResource, PricedResource, freeResource, resource } from '../model';
import { gib, UsageModel } from '../usage';
import { AwsContext, priced, usageLine } from './context';
import { crossAzResource, crossShare, dataTransferOutResource, Flow } from './network';
import { FREE_TYPES, HANDLERS, isCustomResource, NOT_IN_CATALOG, PAY_PER_USE_TYPES } from './handlers';
import { templateRoles } from './roles';
import { CfnResource, CfnTemplate, str } from './template';
import { NESTED_ID_SEPARATOR, NESTED_STACK_TYPE } from '../../core/nested-stacks';

export { templateRoles } from './roles';

export interface AwsPricingOptions {
  region: AwsRegion | string;
  /** Usage for the usage-based lines; without it they are marked "usage not included". */
  usage?: UsageModel;
  catalog?: PriceCatalog;
  /** Adds an AWS Support plan line (a share of the monthly AWS charges, with the plan's minimum). */
  support?: SupportPlan;
  /** Prices EC2, RDS and ElastiCache capacity at standard reserved rates (1 or 3 years, no upfront). @default on-demand */
  commitment?: CommitmentTerm;
  /** The day extended-support calendars (EKS versions) are read at. @default today */
  asOf?: Date;
  /** Share of internet egress that leaves private subnets through NAT gateways. @default 0.05 */
  natShareOfEgress?: number;
  stage?: string;
  label?: string;
}

export const DEFAULT_NAT_SHARE = 0.05;

export function checkRegion(region: string): AwsRegion {
  if (!(AWS_REGIONS as readonly string[]).includes(region)) {
    throw new UsageError(`Region ${JSON.stringify(region)} is not in the price catalog: expected one of ${AWS_REGIONS.join(', ')}.`);
  }
  return region as AwsRegion;
}

function priceResource(ctx: AwsContext, id: string, cfnResource: CfnResource): PricedResource {
  const handler = HANDLERS[cfnResource.Type];
  if (handler) {
    try {
      return handler.price(ctx, id, cfnResource.Type, handler.read(ctx.template, id, cfnResource));
    } catch (err) {
      if (err instanceof PriceNotFound) return notPricedResource(id, cfnResource.Type, err.message);
      throw err;
    }
  }
  if (FREE_TYPES[cfnResource.Type]) return freeResource(id, cfnResource.Type);
  if (cfnResource.Type.startsWith('AWS::IAM::')) return freeResource(id, cfnResource.Type);
  if (isCustomResource(cfnResource.Type)) return freeResource(id, cfnResource.Type, 'custom resource: runs a provider Lambda at deploy time');
  if (PAY_PER_USE_TYPES[cfnResource.Type]) return payPerUseResource(id, cfnResource.Type, PAY_PER_USE_TYPES[cfnResource.Type]);
  if (NOT_IN_CATALOG[cfnResource.Type]) return notPricedResource(id, cfnResource.Type, NOT_IN_CATALOG[cfnResource.Type]);
  if (cfnResource.Type === NESTED_STACK_TYPE) {
    // Read with its template (core/nested-stacks.ts), a nested stack's resources are priced as `<id>/...`; the stack itself costs nothing.
    const inlined = Object.keys(ctx.template.Resources ?? {}).some((other) => other.startsWith(id + NESTED_ID_SEPARATOR));
    if (inlined) return freeResource(id, cfnResource.Type, `nested stack: its resources are priced as ${id}${NESTED_ID_SEPARATOR}…`);
    return notPricedResource(id, cfnResource.Type, 'nested stack: its template was not found beside this one; price the whole cdk.out with --assembly');
  }
  return notPricedResource(id, cfnResource.Type, 'no handler for this resource type');
}

/** Region-level usage lines: internet egress, traffic between zones, application logs without a log group. */
function usageResources(ctx: AwsContext): PricedResource[] {
  const usage = ctx.usage;
  if (!usage) return [];
  const out: PricedResource[] = [
    ctx.roles.cdnDistributions.length
      ? resource('DataTransferOut', 'AWS::DataTransfer::Internet', [], `responses to users leave through CloudFront (${ctx.roles.cdnDistributions.join(', ')}), billed there; origin fetches from AWS are free`)
      : dataTransferOutResource(ctx.catalog, ctx.region, usage),
  ];
  if (usage.zones > 1) {
    const { share, text } = crossShare(usage.zones);
    const flows: Flow[] = [];
    if (ctx.roles.databases.primaries > 0) {
      const db = usage.databaseTrafficGiBPerMonth * (1 - usage.cacheReadShare);
      flows.push({ name: 'App ↔ Postgres (cross-AZ)', gb: db * share, assumption: `${gib(db)} of query results, ${text}` });
      const copies = ctx.roles.databases.multiAz + ctx.roles.databases.replicas;
      if (copies) flows.push({ name: 'Postgres replication (standby, replicas)', gb: usage.writeGiBPerMonth * copies, assumption: `${gib(usage.writeGiBPerMonth)} of writes × ${copies} cop${copies > 1 ? 'ies' : 'y'}`, freeBecause: 'RDS does not charge for Multi-AZ or in-region read-replica replication' });
    }
    if (ctx.roles.hasCache && usage.cacheReadShare > 0) {
      const cache = usage.databaseTrafficGiBPerMonth * usage.cacheReadShare;
      flows.push({ name: 'App ↔ cache (cross-AZ)', gb: cache * share, assumption: `${gib(cache)} of reads answered by the cache, ${text}` });
    }
    if (ctx.roles.hasKafka) {
      const gb = (usage.queueIngressMBps * 3600 * HOURS_PER_MONTH) / 1024;
      flows.push({ name: 'Producers and consumers ↔ Kafka brokers (cross-AZ)', gb: gb * 2 * share, assumption: `${gib(gb)} produced and consumed once, ${text}` });
      flows.push({ name: 'Kafka replication between brokers', gb: gb * 2, assumption: `${gib(gb)} × 2 follower copies`, freeBecause: 'MSK does not charge for traffic between brokers' });
    }
    const cross = crossAzResource(ctx.catalog, ctx.region, flows);
    if (cross) out.push(cross);
  }
  if (!ctx.roles.appLogGroups.length && !ctx.roles.workerLogGroups.length && ctx.roles.hasCompute) {
    const cw = ctx.catalog.cloudwatch(ctx.region);
    out.push(
      resource(
        'ApplicationLogs',
        'AWS::Logs::Ingestion',
        [
          usageLine('Log ingestion', 'GB', usage.logGiBPerMonth, cw.logsIngestionPerGb, `${gib(usage.logGiBPerMonth)} of application logs (1 KiB per request) shipped by the CloudWatch agent`),
          usageLine('Log storage (30 days)', 'GB-months', usage.logGiBPerMonth, cw.logsStoragePerGbMonth, 'one month kept; billed compressed, priced uncompressed (an upper bound)'),
        ],
        'the template has no application log group: priced as the servers shipping their logs to CloudWatch Logs',
      ),
    );
  }
  return out;
}

/** Custom metrics the alarms read (namespaces outside AWS/): someone publishes them (the CloudWatch agent). */
function customMetrics(ctx: AwsContext): PricedResource[] {
  const seen = new Set<string>();
  for (const cfnResource of Object.values(ctx.template.Resources ?? {})) {
    if (cfnResource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const properties = cfnResource.Properties ?? {};
    const stats = Array.isArray(properties.Metrics) ? properties.Metrics.map((m: any) => m?.MetricStat?.Metric).filter(Boolean) : [properties];
    for (const metric of stats) {
      const ns = str(ctx.template, metric.Namespace);
      if (ns && !ns.startsWith('AWS/')) seen.add(JSON.stringify([ns, metric.MetricName, metric.Dimensions]));
    }
  }
  if (!seen.size) return [];
  const tier = ctx.catalog.cloudwatch(ctx.region).customMetrics[0];
  return [
    resource('CustomMetrics', 'AWS::CloudWatch::CustomMetrics', [priced(`Custom metrics (${seen.size})`, 'metric-months', seen.size, tier, 'metrics the alarms read from non-AWS namespaces (e.g. CWAgent), published by an agent')]),
  ];
}

/** Adds an AWS Support line: the plan's share of the bill's AWS charges (labour excluded), or its minimum. */
export function withSupport(bill: Bill, plan: SupportPlan, catalog: PriceCatalog = loadCatalog()): Bill {
  const charges = bill.resources.filter((r) => r.resourceType !== 'labour').reduce((s, r) => s + (r.monthlyCost ?? 0), 0);
  const fee = catalog.supportMonthly(plan, charges);
  const line = resource('AwsSupport', `AWS::Support::${plan}`, [
    component({
      name: `AWS Support (${plan})`,
      unit: 'months',
      quantity: 1,
      price: fee.usd,
      priceSource: fee.sources.map((s) => `${s.source} (${s.published})`).join('; '),
      assumption: `${fee.minimumApplied ? 'the plan minimum' : 'the banded share'} of $${Math.round(charges).toLocaleString('en-US')}/month of AWS charges`,
    }),
  ]);
  return makeBill({ ...bill, resources: [...bill.resources, line] });
}

export function priceTemplate(template: CfnTemplate, options: AwsPricingOptions): Bill {
  const region = checkRegion(options.region);
  const catalog = options.catalog ?? loadCatalog();
  const ctx: AwsContext = {
    region,
    catalog,
    template,
    usage: options.usage,
    natShareOfEgress: options.natShareOfEgress ?? DEFAULT_NAT_SHARE,
    roles: templateRoles(template),
    commitment: options.commitment,
    asOf: (options.asOf ?? new Date()).toISOString().slice(0, 10),
  };
  const resources = Object.entries(template.Resources ?? {}).map(([id, r]) => priceResource(ctx, id, r));
  resources.push(...customMetrics(ctx), ...usageResources(ctx));
  const bill = makeBill({
    provider: 'aws',
    label: options.label ?? `AWS ${region}`,
    resources,
    usageIncluded: options.usage !== undefined,
    assumptions: awsAssumptions(ctx),
    catalogDate: catalog.catalogDate.summary,
    stage: options.stage,
  });
  return options.support ? withSupport(bill, options.support, catalog) : bill;
}

function awsAssumptions(ctx: AwsContext): string[] {
  const assumptions = [
    ctx.commitment
      ? `${HOURS_PER_MONTH} hours a month; list prices in ${ctx.region}; EC2, RDS and ElastiCache capacity at standard reserved rates (${ctx.commitment}, no upfront; RDS 1 year only), covering the priced floor; Fargate at the Compute Savings Plan rate (${ctx.commitment}, no upfront) where the catalog has it (us-east-1); MSK, Lambda and everything else on-demand (no other Savings Plan rates in the catalog)`
      : `${HOURS_PER_MONTH} hours a month; on-demand list prices in ${ctx.region} (reserved rates: --commitment 1y|3y)`,
  ];
  if (ctx.usage) assumptions.push(...ctx.usage.assumptions);
  else assumptions.push('usage-based lines (requests, data transfer, logs) are not included: give a workload profile with --profile');
  assumptions.push('free tiers (10 alarms, 3 dashboards, 5 GB of logs, 100 GB of egress) are not applied');
  return assumptions;
}

