/**
 * Amazon MSK from the AWS pricing-page map "msk". Records carry a `usageType` such as "USE1-Kafka.m7g.large"
 * (the prefix is the region's billing code) and an `operation` (RunBroker, RunVolume, Storage, ...); the same
 * record appears under several keys, so records are identified by usage type and must agree on price.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, integer, parsePricingPageFeed, publicationDate, regionRecords, usd } from './aws-pricing-page';

export interface MskRegion {
  published: IsoDate;
  /** Broker types as MSK names them: "kafka.m7g.large" (standard) and "express.m7g.large" (Express). */
  brokers: Record<string, { vcpu: number; memoryGiB: number; usd: number }>;
  storagePerGbMonth: number;
  provisionedThroughputPerMbpsMonth?: number;
  expressStoragePerGbMonth?: number;
  expressDataInPerGb?: number;
}

export function parseMsk(payload: unknown, region: AwsRegion, feedName: string): MskRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'msk', 'msk', feedName);
  const byUsage = new Map<string, { usd: number; record: Record<string, unknown> }>();
  for (const [key, record] of Object.entries(regionRecords(feed, region, feedName))) {
    if (typeof record.usageType !== 'string') continue; // summary keys ("RunVolume") repeat a usage-type record
    const usage = record.usageType.replace(/^[A-Z0-9]+-/, '');
    const price = usd(record, `${feedName} "${key}"`);
    const seen = byUsage.get(usage);
    if (seen && seen.usd !== price) throw new FeedFormatError(feedName, `${usage} has conflicting prices`);
    byUsage.set(usage, { usd: price, record });
  }

  const brokers: MskRegion['brokers'] = {};
  for (const [usage, { usd: price, record }] of byUsage) {
    if (record.operation !== 'RunBroker') continue;
    const family = record['Compute Family'];
    if (typeof family !== 'string' || family === '') throw new FeedFormatError(feedName, `${usage} has no Compute Family`);
    const brokerType = family.startsWith('express.') ? family : `kafka.${family}`;
    const memoryGiB = Number(record['Memory (GiB)']);
    if (!(memoryGiB > 0)) throw new FeedFormatError(feedName, `${usage} has no Memory (GiB)`);
    brokers[brokerType] = { vcpu: integer(record.vCPU, `${feedName} ${usage}`), memoryGiB, usd: price };
  }
  if (Object.keys(brokers).length === 0) throw new FeedFormatError(feedName, `no brokers in ${region}`);
  const storage = byUsage.get('Kafka.Storage.GP2');
  if (!storage) throw new FeedFormatError(feedName, `no Kafka.Storage.GP2 in ${region}`);
  return {
    published: publicationDate(feed),
    brokers,
    storagePerGbMonth: storage.usd,
    provisionedThroughputPerMbpsMonth: byUsage.get('Kafka.Throughput')?.usd,
    expressStoragePerGbMonth: byUsage.get('Express.Storage')?.usd,
    expressDataInPerGb: byUsage.get('Express.In-Bytes')?.usd,
  };
}
