/**
 * Amazon OpenSearch Service from the AWS pricing-page map es-ondemand. Instance keys look like
 * "r6g large.search - OnDemand - Memory optimized - Current Generation" with the type, vCPU and memory as
 * attributes; EBS storage keys like "EBS Volume GP3". Only the storage keys whose names say what they price
 * (gp3, gp2 = "General Purpose", magnetic) are read: "GP3-Provisioned Storage", "GP3-ThroughPut-Storage" and
 * "Provisioned IOPS/Storage" do not state their unit, so provisioned IOPS, throughput and io1 stay unpriced.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, integer, parsePricingPageFeed, priceByKey, publicationDate, regionRecords, usd } from './aws-pricing-page';

export interface OpenSearchRegion {
  published: IsoDate;
  /** USD per instance-hour by instance type ("r6g.large.search"). */
  instances: Record<string, { usd: number; vcpu: number; memoryGiB: number }>;
  /** EBS storage attached to data nodes, USD per GB-month. */
  gp3PerGbMonth: number;
  gp2PerGbMonth: number;
  magneticPerGbMonth: number;
}

const INSTANCE_KEY = /^\S+ \S+\.search - OnDemand - .+ - (?:Current|Previous) Generation$/;

export function parseOpenSearch(payload: unknown, region: AwsRegion, feedName: string): OpenSearchRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'es', 'es-ondemand', feedName);
  const records = regionRecords(feed, region, feedName);
  const instances: OpenSearchRegion['instances'] = {};
  for (const [key, record] of Object.entries(records)) {
    if (!INSTANCE_KEY.test(key)) continue;
    const context = `${feedName} "${key}"`;
    const type = record['Instance Type'];
    if (typeof type !== 'string' || !type.endsWith('.search')) throw new FeedFormatError(context, `Instance Type is ${String(type)}`);
    const memoryGiB = Number(record['Memory (GiB)']);
    if (!Number.isFinite(memoryGiB) || memoryGiB <= 0) throw new FeedFormatError(context, `unreadable memory "${String(record['Memory (GiB)'])}"`);
    const price = usd(record, context);
    if (instances[type] && instances[type]!.usd !== price) throw new FeedFormatError(context, 'listed twice with different prices');
    instances[type] = { usd: price, vcpu: integer(record.vCPU, context), memoryGiB };
  }
  if (Object.keys(instances).length === 0) throw new FeedFormatError(feedName, `no OpenSearch instances in ${region}`);
  const at = (key: string) => priceByKey(records, key, `${feedName} ${region}`);
  return {
    published: publicationDate(feed),
    instances,
    gp3PerGbMonth: at('EBS Volume GP3'),
    gp2PerGbMonth: at('EBS Volume General Purpose'),
    magneticPerGbMonth: at('EBS Volume Magnetic'),
  };
}
