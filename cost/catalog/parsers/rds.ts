/**
 * RDS for PostgreSQL from the AWS pricing-page map rds-postgresql-ondemand. Instance keys look like
 * "Database Instance PostgreSQL No license required db r6g.large Memory optimized Multi-AZ Current Generation";
 * storage keys like "Database Storage Single AZ General Purpose-GP3" or "Provisioned GP3 IOPS Multi AZ".
 * "Storage Snapshot" is backup storage beyond the free allowance.
 */
import { FeedFormatError } from '../errors';
import type { AwsRegion, IsoDate, RdsDeployment } from '../types';
import { expectManifest, gib, integer, parsePricingPageFeed, priceByKey, publicationDate, regionRecords, usd, type PriceRecord } from './aws-pricing-page';

export interface RdsStoragePrices {
  gp2PerGbMonth?: number;
  gp3PerGbMonth?: number;
  gp3IopsPerMonth?: number;
  gp3ThroughputPerMbpsMonth?: number;
  io1PerGbMonth?: number;
  io1IopsPerMonth?: number;
}

export interface RdsPostgresRegion {
  published: IsoDate;
  classes: Record<string, { vcpu: number; memoryGiB: number; hourly: Partial<Record<RdsDeployment, number>> }>;
  storage: Record<RdsDeployment, RdsStoragePrices>;
  backupPerGbMonth: number;
  /**
   * RDS Extended Support surcharge, USD per vCPU-hour, by major version ("11", "5.7"): keys like
   * "PostgreSQL Year 1 Year 2 11" and "MySQL Year 3 5 7". Only the versions the map lists.
   */
  extendedSupport: Record<string, { years1To2: number; year3: number }>;
}

/** The engines whose maps the catalog reads, as the maps spell them, with the map's source name. */
export const RDS_ENGINES = {
  postgres: { spelled: 'PostgreSQL', source: 'rds-postgresql-ondemand' },
  mysql: { spelled: 'MySQL', source: 'rds-mysql-ondemand' },
  mariadb: { spelled: 'MariaDB', source: 'rds-mariadb-ondemand' },
} as const;
export type RdsEngine = keyof typeof RDS_ENGINES;

const instanceKey = (engine: RdsEngine) =>
  new RegExp(`^Database Instance ${RDS_ENGINES[engine].spelled} No license required db (\\S+) .+ (Single-AZ|Multi-AZ readable standbys|Multi-AZ) (?:Current|Previous) Generation$`);

const DEPLOYMENTS: Record<string, RdsDeployment> = {
  'Single-AZ': 'single-az',
  'Multi-AZ': 'multi-az',
  'Multi-AZ readable standbys': 'multi-az-readable-standbys',
};

/** How each deployment is spelled in storage keys ("Single AZ", "Multi AZ", "Multi AZ readable standbys"). */
const STORAGE_SPELLING: Record<RdsDeployment, string> = {
  'single-az': 'Single AZ',
  'multi-az': 'Multi AZ',
  'multi-az-readable-standbys': 'Multi AZ readable standbys',
};

export function parseRdsPostgres(payload: unknown, region: AwsRegion, feedName: string): RdsPostgresRegion {
  return parseRdsEngine(payload, region, feedName, 'postgres');
}

/** An RDS engine's on-demand map (same key layout for PostgreSQL, MySQL and MariaDB). */
export function parseRdsEngine(payload: unknown, region: AwsRegion, feedName: string, engine: RdsEngine): RdsPostgresRegion {
  const INSTANCE_KEY = instanceKey(engine);
  const feed = parsePricingPageFeed(payload, feedName);
  expectManifest(feed, 'rds', RDS_ENGINES[engine].source, feedName);
  const records = regionRecords(feed, region, feedName);
  const classes: RdsPostgresRegion['classes'] = {};
  for (const [key, record] of Object.entries(records)) {
    const match = INSTANCE_KEY.exec(key);
    if (!match) continue;
    const context = `${feedName} "${key}"`;
    const instanceClass = `db.${match[1]}`;
    if (record['Instance Type'] !== instanceClass) throw new FeedFormatError(context, `Instance Type is ${String(record['Instance Type'])}`);
    const deployment = DEPLOYMENTS[match[2]!]!;
    const row = (classes[instanceClass] ??= {
      vcpu: integer(record.vCPU, context),
      memoryGiB: gib(record.Memory, context),
      hourly: {},
    });
    const price = usd(record, context);
    if (row.hourly[deployment] !== undefined && row.hourly[deployment] !== price) {
      throw new FeedFormatError(context, 'listed twice with different prices');
    }
    row.hourly[deployment] = price;
  }
  if (Object.keys(classes).length === 0) throw new FeedFormatError(feedName, `no ${RDS_ENGINES[engine].spelled} instances in ${region}`);

  const optional = (key: string): number | undefined =>
    Object.keys(records).some((k) => k.toLowerCase() === key.toLowerCase()) ? priceByKey(records, key, feedName) : undefined;
  const storage = {} as Record<RdsDeployment, RdsStoragePrices>;
  for (const [deployment, spelled] of Object.entries(STORAGE_SPELLING) as [RdsDeployment, string][]) {
    storage[deployment] = dropUndefined({
      gp2PerGbMonth: optional(`Database Storage ${spelled} General Purpose`),
      gp3PerGbMonth: optional(`Database Storage ${spelled} General Purpose-GP3`),
      gp3IopsPerMonth: optional(`Provisioned GP3 IOPS ${spelled}`),
      gp3ThroughputPerMbpsMonth: optional(`Provisioned Throughput ${spelled}`),
      io1PerGbMonth: optional(`Database Storage ${spelled} Provisioned IOPS`),
      io1IopsPerMonth: optional(`Provisioned IOPS ${spelled}`),
    });
  }
  return {
    published: publicationDate(feed),
    classes,
    storage,
    backupPerGbMonth: priceByKey(records, 'Storage Snapshot', feedName),
    extendedSupport: extendedSupportPrices(records, engine, feedName),
  };
}

function extendedSupportPrices(records: Record<string, PriceRecord>, engine: RdsEngine, feedName: string): RdsPostgresRegion['extendedSupport'] {
  const band = new RegExp(`^${RDS_ENGINES[engine].spelled} (Year 1 Year 2|Year 3) (\\d+(?: \\d+)?)$`);
  const found: Record<string, { years1To2?: number; year3?: number }> = {};
  for (const [key, record] of Object.entries(records)) {
    const match = band.exec(key);
    if (!match) continue;
    const version = match[2]!.replace(' ', '.');
    const row = (found[version] ??= {});
    row[match[1] === 'Year 3' ? 'year3' : 'years1To2'] = usd(record, `${feedName} "${key}"`);
  }
  const out: RdsPostgresRegion['extendedSupport'] = {};
  for (const [version, row] of Object.entries(found)) {
    // A version with one band only cannot be priced through its support life: left out (the bill names it).
    if (row.years1To2 !== undefined && row.year3 !== undefined) out[version] = { years1To2: row.years1To2, year3: row.year3 };
  }
  return out;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
