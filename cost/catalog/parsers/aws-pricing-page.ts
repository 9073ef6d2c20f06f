/**
 * Helpers for the JSON behind AWS's public pricing pages (b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/...):
 * `{ manifest: { hawkFilePublicationDate, serviceId, source, currencyCode }, regions: { "<location name>":
 * { "<price key>": { price: "0.0450000000", ...attributes } } } }`. Price keys are either descriptive
 * ("Hourly charge for NAT Gateways") or opaque hashes; parsers only rely on descriptive keys or attributes.
 */
import { z } from 'zod';
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';

/** The location names the pricing pages use for the catalog's regions. */
export const AWS_LOCATION_NAMES: Record<AwsRegion, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
};

const PriceRecord = z.looseObject({ price: z.string() });
export type PriceRecord = z.infer<typeof PriceRecord>;

const PricingPageFeed = z.object({
  manifest: z.looseObject({
    hawkFilePublicationDate: z.string(),
    serviceId: z.string(),
    source: z.string(),
    currencyCode: z.literal('USD'),
  }),
  regions: z.record(z.string(), z.record(z.string(), PriceRecord)),
});
export type PricingPageFeed = z.infer<typeof PricingPageFeed>;

export function parsePricingPageFeed(payload: unknown, feedName: string): PricingPageFeed {
  const result = PricingPageFeed.safeParse(payload);
  if (!result.success) throw new FeedFormatError(feedName, z.prettifyError(result.error));
  return result.data;
}

/** The publication date the feed states (hawkFilePublicationDate), as YYYY-MM-DD. */
export function publicationDate(feed: PricingPageFeed): IsoDate {
  return isoDay(feed.manifest.hawkFilePublicationDate);
}

export function isoDay(timestamp: string): IsoDate {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(timestamp);
  if (!day) throw new FeedFormatError('timestamp', `not an ISO date: ${timestamp}`);
  return day[0];
}

/** The price records of one region, or an error naming the region when the feed lacks it. */
export function regionRecords(feed: PricingPageFeed, region: AwsRegion, feedName: string): Record<string, PriceRecord> {
  const records = feed.regions[AWS_LOCATION_NAMES[region]];
  if (!records) throw new FeedFormatError(feedName, `no "${AWS_LOCATION_NAMES[region]}" region`);
  return records;
}

/** Parses a feed price string ("0.0450000000") into a number; Number() drops the trailing zeros. */
export function usd(record: PriceRecord, context: string): number {
  const value = Number(record.price);
  if (!Number.isFinite(value) || value < 0) throw new FeedFormatError(context, `bad price "${record.price}"`);
  return value;
}

/**
 * The price under a descriptive key. Key case varies between regions in some feeds ("Compute per hours" vs
 * "Compute per Hours"), so the match is case-insensitive; two keys that differ only by case must agree.
 */
export function priceByKey(records: Record<string, PriceRecord>, key: string, context: string): number {
  const wanted = key.toLowerCase();
  const matches = Object.keys(records).filter((k) => k.toLowerCase() === wanted);
  if (matches.length === 0) throw new FeedFormatError(context, `missing "${key}"`);
  const prices = [...new Set(matches.map((k) => usd(records[k]!, context)))];
  if (prices.length > 1) throw new FeedFormatError(context, `"${key}" has conflicting prices ${prices.join(', ')}`);
  return prices[0]!;
}

/** Parses "8 GiB" / "13.07 GiB" / "0.5 GiB" into GiB. */
export function gib(memory: unknown, context: string): number {
  const match = typeof memory === 'string' ? /^([\d.]+)\s*GiB$/.exec(memory.trim()) : null;
  if (!match) throw new FeedFormatError(context, `unreadable memory "${String(memory)}"`);
  return Number(match[1]);
}

export function integer(value: unknown, context: string): number {
  const numeric = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(numeric) || numeric <= 0) throw new FeedFormatError(context, `not a positive integer: "${String(value)}"`);
  return numeric;
}

/** Checks that a feed is the one we expect (the manifest names its service and source file). */
export function expectManifest(feed: PricingPageFeed, serviceId: string, source: string, feedName: string): void {
  if (feed.manifest.serviceId !== serviceId || feed.manifest.source !== source) {
    throw new FeedFormatError(
      feedName,
      `manifest says ${feed.manifest.serviceId}/${feed.manifest.source}, expected ${serviceId}/${source}`,
    );
  }
}
