/**
 * EC2 on-demand Linux prices from three kinds of feed:
 *  - the AWS pricing-page map per region (ec2-ondemand-without-sec-sel/<location>/Linux), with vCPU and memory;
 *  - Karpenter's generated on-demand table (us-east-1 only, prices only) — as the Go source or the snapshot's
 *    JSON transcription of it;
 *  - eu-cloud-prices' AWS file (eu-central-1), which carries USD and EUR for the same instances.
 */
import { z } from 'zod';
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';
import { AWS_LOCATION_NAMES, gib, integer, isoDay, parsePricingPageFeed, publicationDate, regionRecords, usd } from './aws-pricing-page';

export interface Ec2Offer {
  usd: number;
  vcpu: number;
  memoryGiB: number;
}

export interface Ec2PricingPage {
  published: IsoDate;
  types: Record<string, Ec2Offer>;
}

/** Parses one region's EC2 pricing-page map; every record must be Linux, no pre-installed software. */
export function parseEc2PricingPage(payload: unknown, region: AwsRegion, feedName: string): Ec2PricingPage {
  const feed = parsePricingPageFeed(payload, feedName);
  const types: Record<string, Ec2Offer> = {};
  for (const [key, record] of Object.entries(regionRecords(feed, region, feedName))) {
    const context = `${feedName} "${key}"`;
    if (record['Operating System'] !== 'Linux' || record['Pre Installed S/W'] !== 'NA') {
      throw new FeedFormatError(context, 'expected Linux without pre-installed software only');
    }
    const type = record['Instance Type'];
    if (typeof type !== 'string') throw new FeedFormatError(context, 'no "Instance Type"');
    const offer = { usd: usd(record, context), vcpu: integer(record.vCPU, context), memoryGiB: gib(record.Memory, context) };
    const seen = types[type];
    if (seen && seen.usd !== offer.usd) throw new FeedFormatError(context, `${type} listed twice with different prices`);
    types[type] = offer;
  }
  return { published: publicationDate(feed), types };
}

export interface KarpenterPrices {
  /** When Karpenter's generator read the AWS pricing API. */
  generatedAt: IsoDate;
  prices: Partial<Record<string, Record<string, number>>>;
}

const KarpenterSnapshot = z.object({
  _source: z.looseObject({ generated_at: z.string() }),
  prices: z.record(z.string(), z.record(z.string(), z.number().nonnegative())),
});

/**
 * Parses Karpenter's InitialOnDemandPricesAWS table. Accepts the Go source (what refresh downloads) or the
 * snapshot's JSON transcription of it, so both paths share one parser and give identical results.
 */
export function parseKarpenter(payload: unknown, feedName: string): KarpenterPrices {
  if (typeof payload === 'string') return parseKarpenterGoSource(payload, feedName);
  const result = KarpenterSnapshot.safeParse(payload);
  if (!result.success) throw new FeedFormatError(feedName, z.prettifyError(result.error));
  return { generatedAt: isoDay(result.data._source.generated_at), prices: result.data.prices };
}

function parseKarpenterGoSource(source: string, feedName: string): KarpenterPrices {
  const generated = /\/\/ generated at (\S+) for/.exec(source);
  if (!generated) throw new FeedFormatError(feedName, 'no "// generated at <timestamp> for" line');
  const table = /InitialOnDemandPricesAWS\s*=\s*map\[string\]map\[[\w.]+\]float64\{([\s\S]*)$/.exec(source);
  if (!table) throw new FeedFormatError(feedName, 'no InitialOnDemandPricesAWS map');
  const prices: Record<string, Record<string, number>> = {};
  let current: Record<string, number> | undefined;
  for (const line of table[1]!.split('\n')) {
    if (line === '}') break; // end of the map literal; anything after it is other code
    const regionStart = /^\s*"([a-z]{2}(?:-[a-z]+)+-\d)":\s*\{/.exec(line);
    if (regionStart) {
      current = prices[regionStart[1]!] = {};
      continue;
    }
    if (line.trim().startsWith('//')) continue;
    for (const pair of line.matchAll(/"([a-z0-9][a-z0-9.-]*)":\s*([0-9]+(?:\.[0-9]+)?)/g)) {
      if (!current) throw new FeedFormatError(feedName, `price before any region: ${pair[0]}`);
      current[pair[1]!] = Number(pair[2]);
    }
  }
  if (Object.keys(prices).length === 0) throw new FeedFormatError(feedName, 'empty price table');
  return { generatedAt: isoDay(generated[1]!), prices };
}

const EuCloudPricesAws = z.object({
  fetched_at: z.string(),
  source_region: z.literal('EU (Frankfurt)'),
  instances: z.array(
    z.looseObject({
      id: z.string(),
      vcpu: z.number().int().positive(),
      ram_gb: z.number().positive(),
      price_hourly: z.number().positive(),
      price_usd_hourly: z.number().positive(),
      currency: z.literal('EUR'),
      family: z.string(),
    }),
  ),
  egress: z.looseObject({ free_tb: z.number().nonnegative().optional() }).optional(),
  fx: z.object({
    base: z.literal('EUR'),
    rate_date: z.string(),
    rates: z.object({ USD: z.number().positive() }),
    source: z.string(),
  }),
});

export interface EuCloudPricesAwsList {
  published: IsoDate;
  /** USD as published by AWS (the file keeps AWS's USD next to its EUR conversion), rounded to 4 decimals. */
  types: Record<string, Ec2Offer & { eur: number }>;
  statedFx: { eurUsd: number; date: IsoDate; basis: string };
  /** AWS's monthly free data-transfer-out allowance as the file states it (TB), if it does. */
  freeEgressTb?: number;
}

export function parseEuCloudPricesAws(payload: unknown, feedName: string): EuCloudPricesAwsList {
  const result = EuCloudPricesAws.safeParse(payload);
  if (!result.success) throw new FeedFormatError(feedName, z.prettifyError(result.error));
  const data = result.data;
  const types: EuCloudPricesAwsList['types'] = {};
  for (const instance of data.instances) {
    const offer = { usd: instance.price_usd_hourly, eur: instance.price_hourly, vcpu: instance.vcpu, memoryGiB: instance.ram_gb };
    const seen = types[instance.id];
    if (seen && seen.usd !== offer.usd) throw new FeedFormatError(feedName, `${instance.id} listed twice`);
    types[instance.id] = offer;
  }
  return {
    published: isoDay(data.fetched_at),
    types,
    statedFx: { eurUsd: data.fx.rates.USD, date: isoDay(data.fx.rate_date), basis: data.fx.source },
    freeEgressTb: data.egress?.free_tb,
  };
}

/**
 * EUR→USD implied by the file's own numbers: Σ USD / Σ EUR over all instances. Summing before dividing weights
 * large instances, whose 4-decimal rounding error is relatively smallest; rounded to 4 decimals like the rate
 * the file states.
 */
export function impliedEurUsd(list: EuCloudPricesAwsList): number {
  let usdSum = 0;
  let eurSum = 0;
  for (const offer of Object.values(list.types)) {
    usdSum += offer.usd;
    eurSum += offer.eur;
  }
  if (eurSum === 0) throw new FeedFormatError('eu-cloud-prices aws', 'no instances to derive an exchange rate from');
  return Math.round((usdSum / eurSum) * 10_000) / 10_000;
}

export type ReservedTerm = '1y' | '3y';

/**
 * Standard Reserved Instances, no upfront, Linux, shared tenancy (ec2.shop's copies of the AWS RI price maps):
 * the effective hourly rate per instance type. Every record must be that offer; anything else is a format error.
 */
export function parseEc2Reserved(payload: unknown, region: AwsRegion, term: ReservedTerm, feedName: string): Record<string, number> {
  const feed = z.object({ regions: z.record(z.string(), z.record(z.string(), z.looseObject({ price: z.string() }))) }).safeParse(payload);
  if (!feed.success) throw new FeedFormatError(feedName, z.prettifyError(feed.error));
  const records = feed.data.regions[AWS_LOCATION_NAMES[region]];
  if (!records) throw new FeedFormatError(feedName, `no "${AWS_LOCATION_NAMES[region]}" region`);
  const lease = term === '1y' ? '1yr' : '3yr';
  const types: Record<string, number> = {};
  for (const [key, record] of Object.entries(records)) {
    const context = `${feedName} "${key}"`;
    if (record.LeaseContractLength !== lease || record.PurchaseOption !== 'No Upfront' || record['Operating System'] !== 'Linux' || record.Tenancy !== 'Shared') {
      throw new FeedFormatError(context, `expected ${lease} No Upfront Linux Shared only`);
    }
    const type = record['Instance Type'];
    if (typeof type !== 'string') throw new FeedFormatError(context, 'no "Instance Type"');
    const price = usd(record, context);
    if (types[type] !== undefined && types[type] !== price) throw new FeedFormatError(context, `${type} listed twice with different prices`);
    types[type] = price;
  }
  return types;
}
