/**
 * Reserved-node rates for RDS for PostgreSQL and ElastiCache (ec2.shop's copies of the AWS RI price maps,
 * merged by location in data/prices/feeds; see scripts/prices/vendor-feeds.ts). Each record keeps the
 * on-demand rate AWS printed next to the reserved one, so a lookup can check it is reserving what it prices.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate, ReservedRate } from '../types';
import { parsePricingPageFeed, publicationDate, regionRecords, usd } from './aws-pricing-page';

function onDemandOf(record: Record<string, unknown>, context: string): number {
  const value = Number(record['OnDemand:PricePerUnit']);
  if (!Number.isFinite(value) || value <= 0) throw new FeedFormatError(context, `bad OnDemand:PricePerUnit "${String(record['OnDemand:PricePerUnit'])}"`);
  return value;
}

function put<K extends string>(into: Record<K, ReservedRate>, key: K, rate: ReservedRate, context: string): void {
  const seen = into[key];
  if (seen && (seen.usd !== rate.usd || seen.onDemandUsd !== rate.onDemandUsd)) throw new FeedFormatError(context, `${key} listed twice with different prices`);
  into[key] = rate;
}

export interface RdsReservedRegion {
  published: IsoDate;
  /** USD per instance-hour, 1 year No Upfront, by instance class and deployment. */
  classes: Record<string, { 'single-az'?: ReservedRate; 'multi-az'?: ReservedRate }>;
}

/** RDS for PostgreSQL reserved instances, 1 year, No Upfront, Single-AZ and Multi-AZ. */
export function parseRdsPostgresReserved(payload: unknown, region: AwsRegion, feedName: string): RdsReservedRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  const classes: RdsReservedRegion['classes'] = {};
  for (const [key, record] of Object.entries(regionRecords(feed, region, feedName))) {
    const context = `${feedName} "${key}"`;
    if (record.LeaseContractLength !== '1yr' || record.PurchaseOption !== 'No Upfront' || record['Database Engine'] !== 'PostgreSQL') {
      throw new FeedFormatError(context, 'expected PostgreSQL 1yr No Upfront only');
    }
    const deployment = record['Deployment Option'] === 'Single-AZ' ? 'single-az' : record['Deployment Option'] === 'Multi-AZ' ? 'multi-az' : undefined;
    if (!deployment) throw new FeedFormatError(context, `unexpected Deployment Option "${String(record['Deployment Option'])}"`);
    const type = record['Instance Type'];
    if (typeof type !== 'string' || !type.startsWith('db.')) throw new FeedFormatError(context, 'no "Instance Type"');
    put((classes[type] ??= {}) as Record<'single-az' | 'multi-az', ReservedRate>, deployment, { usd: usd(record, context), onDemandUsd: onDemandOf(record, context) }, context);
  }
  if (!Object.keys(classes).length) throw new FeedFormatError(feedName, `no reserved classes in ${region}`);
  return { published: publicationDate(feed), classes };
}

export interface CacheReservedRegion {
  published: IsoDate;
  nodes: Record<string, ReservedRate>;
}

/** ElastiCache reserved nodes, No Upfront, of one term (the map names no engine: see the on-demand rate). */
export function parseElastiCacheReserved(payload: unknown, region: AwsRegion, term: '1y' | '3y', feedName: string): CacheReservedRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  const lease = term === '1y' ? '1yr' : '3yr';
  const nodes: Record<string, ReservedRate> = {};
  for (const [key, record] of Object.entries(regionRecords(feed, region, feedName))) {
    const context = `${feedName} "${key}"`;
    if (record.LeaseContractLength !== lease || record.PurchaseOption !== 'No Upfront') throw new FeedFormatError(context, `expected ${lease} No Upfront only`);
    const type = record['Instance Type'];
    if (typeof type !== 'string' || !type.startsWith('cache.')) throw new FeedFormatError(context, 'no "Instance Type"');
    put(nodes, type, { usd: usd(record, context), onDemandUsd: onDemandOf(record, context) }, context);
  }
  if (!Object.keys(nodes).length) throw new FeedFormatError(feedName, `no reserved nodes in ${region}`);
  return { published: publicationDate(feed), nodes };
}
