/**
 * ElastiCache node-hours from the AWS pricing-page map "elasticache". Node keys look like
 * "OnDemand Cache Instance Memory optimized cache r7g.large Valkey Current Generation"; data-tiering (r6gd)
 * and serverless keys are skipped. Valkey nodes are priced 20% below Redis OSS in the feed itself.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, CacheEngine, IsoDate } from '../types';
import { expectManifest, gib, integer, parsePricingPageFeed, publicationDate, regionRecords, usd } from './aws-pricing-page';

export interface ElastiCacheRegion {
  published: IsoDate;
  nodes: Record<string, { vcpu: number; memoryGiB: number; hourly: Partial<Record<CacheEngine, number>> }>;
}

const NODE_KEY = /^OnDemand Cache Instance .+ cache (\S+) (Redis|Valkey|Memcached) (?:Current|Previous) Generation$/;
const ENGINES: Record<string, CacheEngine> = { Redis: 'redis', Valkey: 'valkey', Memcached: 'memcached' };

export function parseElastiCache(payload: unknown, region: AwsRegion, feedName: string): ElastiCacheRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'elasticache', 'elasticache', feedName);
  const nodes: ElastiCacheRegion['nodes'] = {};
  for (const [key, record] of Object.entries(regionRecords(feed, region, feedName))) {
    const match = NODE_KEY.exec(key);
    if (!match) continue;
    const context = `${feedName} "${key}"`;
    const nodeType = `cache.${match[1]}`;
    if (record['Instance Type'] !== nodeType) throw new FeedFormatError(context, `Instance Type is ${String(record['Instance Type'])}`);
    const engine = ENGINES[match[2]!]!;
    const row = (nodes[nodeType] ??= { vcpu: integer(record.vCPU, context), memoryGiB: gib(record.Memory, context), hourly: {} });
    const price = usd(record, context);
    if (row.hourly[engine] !== undefined && row.hourly[engine] !== price) {
      throw new FeedFormatError(context, 'listed twice with different prices');
    }
    row.hourly[engine] = price;
  }
  if (Object.keys(nodes).length === 0) throw new FeedFormatError(feedName, `no cache nodes in ${region}`);
  return { published: publicationDate(feed), nodes };
}
