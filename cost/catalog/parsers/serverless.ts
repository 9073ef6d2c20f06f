/**
 * Lambda, DynamoDB and KMS pricing-page maps (lamngockhuong/aws-price copies). Only descriptive keys are read
 * ("Lambda Requests", "PayPerRequest Read Request Units", "Encryption Key"): the feeds' opaque keys say
 * nothing about what they price.
 */
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, parsePricingPageFeed, priceByKey, publicationDate, regionRecords } from './aws-pricing-page';

export interface LambdaRegion {
  published: IsoDate;
  /** USD per request, x86 and Arm. */
  requestX86: number;
  requestArm: number;
  /** USD per GB-second, first tier (the first 6 billion GB-seconds a month). */
  gbSecondX86: number;
  gbSecondArm: number;
}

export function parseLambda(payload: unknown, region: AwsRegion, feedName: string): LambdaRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'lambda', 'lambda', feedName);
  const records = regionRecords(feed, region, feedName);
  const at = (key: string) => priceByKey(records, key, `${feedName} ${region}`);
  return {
    published: publicationDate(feed),
    requestX86: at('Lambda Requests'),
    requestArm: at('Lambda Requests-ARM'),
    gbSecondX86: at('Lambda Duration'),
    gbSecondArm: at('Lambda Duration-ARM'),
  };
}

export interface DynamoDbRegion {
  published: IsoDate;
  /** On-demand: USD per read / write request unit. */
  onDemandReadRequest: number;
  onDemandWriteRequest: number;
  /** Provisioned: USD per RCU-hour / WCU-hour. */
  provisionedRcuHourly: number;
  provisionedWcuHourly: number;
  /** Standard table class storage, USD per GB-month (beyond the 25 GB free tier). */
  storagePerGbMonth: number;
  pitrPerGbMonth: number;
}

export function parseDynamoDb(payload: unknown, region: AwsRegion, feedName: string): DynamoDbRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'dynamodb', 'dynamodb', feedName);
  const records = regionRecords(feed, region, feedName);
  const at = (key: string) => priceByKey(records, key, `${feedName} ${region}`);
  return {
    published: publicationDate(feed),
    onDemandReadRequest: at('PayPerRequest Read Request Units'),
    onDemandWriteRequest: at('PayPerRequest Write Request Units'),
    provisionedRcuHourly: at('Provisioned Read Units'),
    provisionedWcuHourly: at('Provisioned Write Units'),
    storagePerGbMonth: at('Data Storage Indexed GB-Mo'),
    pitrPerGbMonth: at('PITR Backup Storage GB-Mo'),
  };
}

export interface KmsRegion {
  published: IsoDate;
  perKeyMonth: number;
  /** USD per symmetric API request beyond the free tier. */
  perRequest: number;
}

export function parseKms(payload: unknown, region: AwsRegion, feedName: string): KmsRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'kms', 'kms', feedName);
  const records = regionRecords(feed, region, feedName);
  return {
    published: publicationDate(feed),
    perKeyMonth: priceByKey(records, 'Encryption Key', `${feedName} ${region}`),
    perRequest: priceByKey(records, 'API request - Non Free Tier', `${feedName} ${region}`),
  };
}
