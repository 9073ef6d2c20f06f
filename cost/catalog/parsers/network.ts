/**
 * NAT gateway (pricing-page map "natgateway"), VPC interface endpoints and public IPv4 (map "vpc"), EKS
 * (map "eks") and CloudWatch (map "cloudwatch"). All read descriptive keys; the many opaque-hash keys of
 * these feeds are not used because nothing in the feed says what they are.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, parsePricingPageFeed, priceByKey, publicationDate, regionRecords, usd, type PriceRecord } from './aws-pricing-page';

/** A tier as read from a feed: the cumulative monthly quantity where it ends (null = no end). */
export interface FeedTier {
  upTo: number | null;
  usd: number;
}

export interface NatGatewayRegion {
  published: IsoDate;
  hourly: number;
  perGbProcessed: number;
}

export function parseNatGateway(payload: unknown, region: AwsRegion, feedName: string): NatGatewayRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'ec2', 'natgateway', feedName);
  const records = regionRecords(feed, region, feedName);
  return {
    published: publicationDate(feed),
    hourly: priceByKey(records, 'Hourly charge for NAT Gateways', feedName),
    perGbProcessed: priceByKey(records, 'Charge for per GB data processed by NatGateways', feedName),
  };
}

export interface VpcRegion {
  published: IsoDate;
  interfaceEndpointHourlyPerAz: number;
  interfaceEndpointDataTiers: FeedTier[];
  publicIpv4InUseHourly: number;
  publicIpv4IdleHourly: number;
  gatewayLoadBalancerEndpointHourly: number;
}

const ENDPOINT_TIER_KEY = /^Charge for per GB data processed by VPC Endpoints per GB from (\d+) to (\d+|Inf)$/;

export function parseVpc(payload: unknown, region: AwsRegion, feedName: string): VpcRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'vpc', 'vpc', feedName);
  const records = regionRecords(feed, region, feedName);
  return {
    published: publicationDate(feed),
    interfaceEndpointHourlyPerAz: priceByKey(records, 'Hourly charge for VPC Endpoints per Hrs', feedName),
    interfaceEndpointDataTiers: rangeTiers(records, ENDPOINT_TIER_KEY, `${feedName} ${region} VPC endpoint data`),
    publicIpv4InUseHourly: priceByKey(records, 'Hourly charge for In use Public IPv4 Addresses per Hrs', feedName),
    publicIpv4IdleHourly: priceByKey(records, 'Hourly charge for Idle Public IPv4 Addresses per Hrs', feedName),
    gatewayLoadBalancerEndpointHourly: priceByKey(records, 'Hourly charge for AWS Gateway Load Balancer VPC Endpoint per Hrs', feedName),
  };
}

/** Tiers from keys naming their range ("... from 0 to 1048576", "... from 5242880 to Inf"); ranges must be contiguous. */
function rangeTiers(records: Record<string, PriceRecord>, pattern: RegExp, context: string): FeedTier[] {
  const ranges = Object.entries(records)
    .map(([key, record]) => ({ match: pattern.exec(key), key, record }))
    .filter((r): r is typeof r & { match: RegExpExecArray } => r.match !== null)
    .map(({ match, key, record }) => ({
      from: Number(match[1]),
      upTo: match[2] === 'Inf' ? null : Number(match[2]),
      usd: usd(record, `${context} "${key}"`),
    }))
    .sort((a, b) => a.from - b.from);
  return contiguous(ranges, context);
}

function contiguous(ranges: { from: number; upTo: number | null; usd: number }[], context: string): FeedTier[] {
  if (ranges.length === 0) throw new FeedFormatError(context, 'no tiers');
  ranges.forEach((range, index) => {
    const expectedFrom = index === 0 ? 0 : ranges[index - 1]!.upTo;
    if (range.from !== expectedFrom) throw new FeedFormatError(context, `tiers are not contiguous at ${range.from}`);
  });
  if (ranges[ranges.length - 1]!.upTo !== null) throw new FeedFormatError(context, 'last tier has an upper bound');
  return ranges.map(({ upTo, usd: price }) => ({ upTo, usd: price }));
}

export interface EksRegion {
  published: IsoDate;
  clusterHourly: number;
  extendedSupportClusterHourly: number;
  fargateVcpuHourly: number;
  fargateGbHourly: number;
}

export function parseEks(payload: unknown, region: AwsRegion, feedName: string): EksRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'eks', 'eks', feedName);
  const records = regionRecords(feed, region, feedName);
  return {
    published: publicationDate(feed),
    // "Compute per Hours" is the per-cluster control-plane charge under standard Kubernetes version support.
    clusterHourly: priceByKey(records, 'Compute per Hours', feedName),
    extendedSupportClusterHourly: priceByKey(records, 'Compute ExtendedSupport per Hours', feedName),
    fargateVcpuHourly: priceByKey(records, 'Fargate perCPU per hours', feedName),
    fargateGbHourly: priceByKey(records, 'Fargate perGB per hours', feedName),
  };
}

export interface CloudWatchRegion {
  published: IsoDate;
  standardAlarmMonthly: number;
  highResolutionAlarmMonthly: number;
  compositeAlarmMonthly: number;
  customMetricTiers: FeedTier[];
  logsIngestionPerGb: number;
  logsStoragePerGbMonth: number;
}

/** "Metric for the first 10000", "Metric for the next 240000", "Metric for over 1000000". */
const METRIC_TIER_KEY = /^Metric for (the first|the next|over) (\d+)$/;

export function parseCloudWatch(payload: unknown, region: AwsRegion, feedName: string): CloudWatchRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'cloudwatch', 'cloudwatch', feedName);
  const records = regionRecords(feed, region, feedName);
  return {
    published: publicationDate(feed),
    standardAlarmMonthly: priceByKey(records, 'Alarm Standard', feedName),
    highResolutionAlarmMonthly: priceByKey(records, 'Alarm High Resolution', feedName),
    compositeAlarmMonthly: priceByKey(records, 'Alarm Composite', feedName),
    customMetricTiers: metricTiers(records, `${feedName} ${region} custom metrics`),
    // "Logs Collected Data Ingestion" is standard-class log ingestion; "Stored Data" is log archive storage.
    logsIngestionPerGb: priceByKey(records, 'Logs Collected Data Ingestion', feedName),
    logsStoragePerGbMonth: priceByKey(records, 'Stored Data', feedName),
  };
}

function metricTiers(records: Record<string, PriceRecord>, context: string): FeedTier[] {
  const found = Object.entries(records)
    .map(([key, record]) => ({ match: METRIC_TIER_KEY.exec(key), key, record }))
    .filter((r): r is typeof r & { match: RegExpExecArray } => r.match !== null)
    .map(({ match, key, record }) => ({ kind: match[1]!, amount: Number(match[2]), usd: usd(record, `${context} "${key}"`) }));
  const over = found.filter((t) => t.kind === 'over');
  if (over.length !== 1) throw new FeedFormatError(context, 'expected one "Metric for over N" tier');
  const nextTotal = found.filter((t) => t.kind === 'the next').reduce((sum, t) => sum + t.amount, 0);
  // The feed also has "Metric for the first 1000000000" for another per-metric product; the custom-metric
  // "first" tier is the one that, followed by the "next" tiers, ends exactly where "over" starts.
  const first = found.filter((t) => t.kind === 'the first' && t.amount + nextTotal === over[0]!.amount);
  if (first.length !== 1) throw new FeedFormatError(context, 'no "first" tier chains to the "over" tier');
  // The keys do not say in which order "next N" tiers come; volume tiers get cheaper as usage grows, so they
  // chain from the first tier in order of falling price. contiguous() then checks they end where "over" starts.
  const ranges: { from: number; upTo: number | null; usd: number }[] = [{ from: 0, upTo: first[0]!.amount, usd: first[0]!.usd }];
  for (const tier of found.filter((t) => t.kind === 'the next').sort((a, b) => b.usd - a.usd)) {
    const from = ranges[ranges.length - 1]!.upTo!;
    ranges.push({ from, upTo: from + tier.amount, usd: tier.usd });
  }
  ranges.push({ from: over[0]!.amount, upTo: null, usd: over[0]!.usd });
  return contiguous(ranges, context);
}
