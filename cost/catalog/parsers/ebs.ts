/** EBS volumes and snapshots from the AWS pricing-page map "ebs" (descriptive keys, one record per item). */
import type { AwsRegion, IsoDate } from '../types';
import { expectManifest, parsePricingPageFeed, priceByKey, publicationDate, regionRecords } from './aws-pricing-page';

export interface EbsRegion {
  published: IsoDate;
  gp3PerGbMonth: number;
  gp3IopsPerMonth: number;
  /** As the feed states it: per GiBps-month (AWS meters gp3 throughput in MiB/s; the catalog divides by 1024). */
  gp3ThroughputPerGibpsMonth: number;
  gp2PerGbMonth: number;
  io1PerGbMonth: number;
  io1IopsPerMonth: number;
  st1PerGbMonth: number;
  sc1PerGbMonth: number;
  snapshotPerGbMonth: number;
  io2PerGbMonth: number;
  /** io2 IOPS by the feed's tiers; the feed does not state where tiers 2 and 3 begin. */
  io2IopsPerMonth: number;
  io2IopsTier2PerMonth: number;
  io2IopsTier3PerMonth: number;
  /** Magnetic (previous generation, "standard"). */
  standardPerGbMonth: number;
  standardPerIo: number;
}

export function parseEbs(payload: unknown, region: AwsRegion, feedName: string): EbsRegion {
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'ec2', 'ebs', feedName);
  const records = regionRecords(feed, region, feedName);
  const price = (key: string) => priceByKey(records, key, `${feedName} ${region}`);
  return {
    published: publicationDate(feed),
    gp3PerGbMonth: price('Storage General Purpose gp3 GB Mo'),
    gp3IopsPerMonth: price('Provisioned EBS IOPS gp3 Volumes per IOPS Mo'),
    gp3ThroughputPerGibpsMonth: price('Provisioned Throughput gp3 per GiBps mo'),
    gp2PerGbMonth: price('Storage General Purpose gp2 GB Mo'),
    io1PerGbMonth: price('Storage Provisioned IOPS io1 GB Mo'),
    io1IopsPerMonth: price('Provisioned EBS IOPS io1 Volumes per IOPS Mo'),
    st1PerGbMonth: price('Storage Throughput Optimized HDD st1 GB Mo'),
    sc1PerGbMonth: price('Storage Cold HDD sc1 GB Mo'),
    snapshotPerGbMonth: price('Storage Snapshot Amazon S3 GB Mo'),
    io2PerGbMonth: price('Storage Provisioned IOPS io2 GB month'),
    io2IopsPerMonth: price('Provisioned EBS IOPS io2 Volumes per IOPS Mo'),
    io2IopsTier2PerMonth: price('Provisioned EBS IOPS Tier 2 io2 Volumes per IOPS Mo'),
    io2IopsTier3PerMonth: price('Provisioned EBS IOPS Tier 3 io2 Volumes per IOPS Mo'),
    standardPerGbMonth: price('Storage Magnetic standard GB Mo'),
    standardPerIo: price('Provisioned EBS I O Requests standard Volumes per IOs'),
  };
}
