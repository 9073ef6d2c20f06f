/**
 * S3, Route 53 and CloudFront pricing-page maps (lamngockhuong/aws-price copies). As for Lambda and DynamoDB,
 * only descriptive keys are read ("Standard Storage First 50 TB per GB Mo", "Basic Health checks AWS per Mo",
 * "Request HTTPS Methods"); the maps' opaque hash keys say nothing about what they price.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, parsePricingPageFeed, priceByKey, publicationDate, regionRecords, type PricingPageFeed, type PriceRecord } from './aws-pricing-page';
import type { FeedTier } from './network';

/** S3 bills storage in GB, its tiers in TB of 1,024 GB (as CloudFront's). */
const TB = 1024;

export interface S3Region {
  published: IsoDate;
  /** S3 Standard storage, USD per GB-month: first 50 TB, next 450 TB, over 500 TB. */
  standardStorageTiers: FeedTier[];
  /** USD per request, S3 Standard. */
  putCopyPostListRequest: number;
  getAndOtherRequest: number;
}

export function parseS3(payload: unknown, region: AwsRegion, feedName: string): S3Region {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 's3', 's3', feedName);
  const records = regionRecords(feed, region, feedName);
  const at = (key: string) => priceByKey(records, key, `${feedName} ${region}`);
  return {
    published: publicationDate(feed),
    standardStorageTiers: [
      { upTo: 50 * TB, usd: at('Standard Storage First 50 TB per GB Mo') },
      { upTo: 500 * TB, usd: at('Standard Storage Next 450 TB per GB Mo') },
      { upTo: null, usd: at('Standard Storage Over 500 TB per GB Mo') },
    ],
    putCopyPostListRequest: at('PUT COPY/POST or LIST requests per Requests'),
    getAndOtherRequest: at('GET and all other requests per Requests'),
  };
}

function location(feed: PricingPageFeed, name: string, feedName: string): Record<string, PriceRecord> {
  const records = feed.regions[name];
  if (!records) throw new FeedFormatError(feedName, `no "${name}" location`);
  return records;
}

export interface Route53HealthChecks {
  published: IsoDate;
  /** USD per health check per month. AWS endpoints include CloudWatch-alarm and calculated checks. */
  basicAwsMonthly: number;
  basicNonAwsMonthly: number;
  /** USD per optional feature (HTTPS, string matching, fast interval, latency measurement) per check-month. */
  optionalFeatureAwsMonthly: number;
  optionalFeatureNonAwsMonthly: number;
  /** The map's free first tier of basic health checks on AWS endpoints ("up to 50"), for the bill's note. */
  freeAwsChecks: number;
}

/** Route 53 prices health checks globally: the map's location "" (no region). */
export function parseRoute53HealthChecks(payload: unknown, feedName: string): Route53HealthChecks {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'route53', 'route53', feedName);
  const records = location(feed, '', feedName);
  const at = (key: string) => priceByKey(records, key, `${feedName} (global)`);
  if (at('Basic Health checks up to 50 AWS per Mo') !== 0) throw new FeedFormatError(feedName, 'the first 50 AWS-endpoint health checks are no longer free');
  return {
    published: publicationDate(feed),
    basicAwsMonthly: at('Basic Health checks AWS per Mo'),
    basicNonAwsMonthly: at('Basic Health checks External Non AWS per Mo'),
    optionalFeatureAwsMonthly: at('Optional Health Check Features AWS per Mo'),
    optionalFeatureNonAwsMonthly: at('Optional Health Check Features External Non AWS per Mo'),
    freeAwsChecks: 50,
  };
}

/** The map's viewer-geography locations behind the catalog's CloudFront geographies. */
export const CLOUDFRONT_MAP_LOCATIONS = {
  'united-states': 'United States',
  europe: 'EU',
  'hong-kong-singapore-asia': 'Asia Pacific',
  india: 'India',
} as const;
export type CloudFrontMapGeography = keyof typeof CLOUDFRONT_MAP_LOCATIONS;

export interface CloudFrontRequests {
  published: IsoDate;
  /** USD per request, by viewer geography. */
  byGeography: Record<CloudFrontMapGeography, { https: number; http: number }>;
  /** "First 10 TB" transfer-out price per geography, to cross-check the pricing-page table the catalog carries. */
  firstTierTransferOut: Record<CloudFrontMapGeography, number>;
}

export function parseCloudFrontRequests(payload: unknown, feedName: string): CloudFrontRequests {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'cloudfront', 'cloudfront', feedName);
  const global = location(feed, '', feedName);
  const byGeography = {} as CloudFrontRequests['byGeography'];
  const firstTierTransferOut = {} as CloudFrontRequests['firstTierTransferOut'];
  for (const [geography, name] of Object.entries(CLOUDFRONT_MAP_LOCATIONS) as [CloudFrontMapGeography, string][]) {
    const records = location(feed, name, feedName);
    const context = `${feedName} ${name}`;
    byGeography[geography] = { https: priceByKey(records, 'Request HTTPS Methods', context), http: priceByKey(records, 'Request HTTP Methods', context) };
    firstTierTransferOut[geography] = priceByKey(global, `Regional DT from ${name} to Internet First 10 TB`, context);
  }
  return { published: publicationDate(feed), byGeography, firstTierTransferOut };
}
