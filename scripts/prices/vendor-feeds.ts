/**
 * Copies the AWS price feeds that ../shared/data/prices lacks into data/prices/feeds/, from local git snapshots
 * of the public repositories that publish them (as the `fetch` tool leaves them under /work/.mirror):
 *
 *   npx tsx scripts/prices/vendor-feeds.ts <yeo/ec2.shop git dir> <lamngockhuong/aws-price git dir>
 *
 * Each file is either verbatim or derived with the transformation named in VENDORED (regions kept: the
 * catalog's; attributes pruned), never with a value changed. cost/catalog/feeds.ts records the same provenance,
 * and data/prices/SOURCES.md explains it. Build tooling only: the CLI and the tests never run this.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AWS_LOCATION_NAMES } from '../../cost/catalog/parsers/aws-pricing-page';
import { AWS_REGIONS } from '../../cost/catalog/types';

const OUT = resolve(__dirname, '../../data/prices/feeds');
export const EC2SHOP_COMMIT = '73696e380ae600b175f859850a726edebd1de72f';
/** The ec2.shop commit whose RDS MySQL and MariaDB maps are present in the snapshot (the same as the shared PostgreSQL map's). */
export const EC2SHOP_RDS_COMMIT = '44337592ba03';
/** The last ec2.shop commit whose OpenSearch on-demand map (data/es/es-ondemand.json) is present in the snapshot. */
export const EC2SHOP_ES_COMMIT = 'dfecfb0aae8f25807f6c122c403abc4dd6f7a416';
export const AWSPRICE_COMMIT = '508fb45296c89efe38772babd7ec766644629267';
const RI_ATTRIBUTES = ['Instance Type', 'LeaseContractLength', 'PurchaseOption', 'Operating System', 'Tenancy', 'Pre Installed S/W', 'Location', 'OnDemand:PricePerUnit', 'price'];
const RDS_RI_ATTRIBUTES = ['Instance Type', 'LeaseContractLength', 'PurchaseOption', 'Deployment Option', 'Database Engine', 'Location', 'OnDemand:PricePerUnit', 'price'];
const CACHE_RI_ATTRIBUTES = ['Instance Type', 'Instance Family', 'LeaseContractLength', 'PurchaseOption', 'Location', 'OnDemand:PricePerUnit', 'price'];
/** ElastiCache RI maps are split by node family; these three cover every node type of the catalog. */
const CACHE_FAMILIES = ['Standard', 'Memory optimized', 'Network optimized'];

/**
 * Merges per-region RI maps into one map by location, pruning each record to `attributes` (values unchanged).
 * Each file's manifest is kept under `manifests`; `manifest` is the one with the oldest publication date, so the
 * date the catalog states for the merged feed is never fresher than any part of it.
 */
function mergeRegions(files: { gitDir: string; path: string }[], attributes: string[]): any {
  const merged: any = { manifest: undefined, manifests: {}, regions: {} };
  for (const file of files) {
    const feed = show(file.gitDir, EC2SHOP_COMMIT, file.path);
    if (!feed) {
      console.log(`  skipped ${file.path}: the download is AWS's NoSuchKey error (no such offer)`);
      continue;
    }
    merged.manifests[file.path] = feed.manifest;
    if (!merged.manifest || feed.manifest.hawkFilePublicationDate < merged.manifest.hawkFilePublicationDate) merged.manifest = feed.manifest;
    for (const [location, records] of Object.entries<any>(feed.regions)) {
      const into = (merged.regions[location] ??= {});
      for (const [key, record] of Object.entries<any>(records)) {
        into[key] = Object.fromEntries(attributes.filter((a) => a in record).map((a) => [a, record[a]]));
      }
    }
  }
  return merged;
}

function show(gitDir: string, commit: string, path: string): any {
  const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { maxBuffer: 1 << 28 }).toString('utf8');
  // Some of ec2.shop's ElastiCache RI downloads begin with a stray XML declaration line before the JSON; others
  // are the S3 "NoSuchKey" error AWS served for a family the region does not offer (skipped, logged).
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (body.startsWith('<Error><Code>NoSuchKey</Code>')) return undefined;
  return JSON.parse(body);
}

function write(name: string, data: unknown): void {
  writeFileSync(join(OUT, name), `${JSON.stringify(data)}\n`);
  console.log(`wrote ${name}`);
}

/** Keeps the catalog's regions of an AWS pricing-page map (all price keys of those regions, unchanged). */
function catalogRegions(feed: any): any {
  const keep = new Set(Object.values(AWS_LOCATION_NAMES));
  return { ...feed, regions: Object.fromEntries(Object.entries(feed.regions).filter(([location]) => keep.has(location))) };
}

/** Keeps the named locations of a pricing-page map (all their price keys, unchanged); the `sets` index is dropped. */
function keepLocations(feed: any, locations: readonly string[]): any {
  const { sets: _sets, ...rest } = feed;
  return { ...rest, regions: Object.fromEntries(Object.entries(feed.regions).filter(([location]) => locations.includes(location))) };
}

export const ROUTE53_GLOBAL_LOCATIONS = ['', 'Any'] as const;
/** CloudFront's viewer geographies the catalog maps its regions to, and "" where the map keeps its transfer tiers. */
export const CLOUDFRONT_LOCATIONS = ['United States', 'EU', 'Asia Pacific', 'India', ''] as const;

function main([ec2shop, awsPrice]: string[]): void {
  if (!ec2shop || !awsPrice) throw new Error('usage: vendor-feeds.ts <yeo/ec2.shop git dir> <lamngockhuong/aws-price git dir>');
  mkdirSync(OUT, { recursive: true });
  for (const region of ['us-west-2', 'eu-west-1', 'ap-southeast-1']) {
    write(`ec2shop_ec2-ondemand-linux_${region}.json`, show(ec2shop, EC2SHOP_COMMIT, `data/ec2/${region}-ondemand.json`));
  }
  for (const term of ['1y', '3y']) {
    const merged: any = { manifest: undefined, regions: {} };
    for (const region of AWS_REGIONS) {
      const feed = show(ec2shop, EC2SHOP_COMMIT, `data/ec2/${region}-reservedinstance-${term}.json`);
      merged.manifest ??= feed.manifest;
      for (const [location, records] of Object.entries<any>(feed.regions)) {
        merged.regions[location] = Object.fromEntries(
          Object.entries<any>(records).map(([key, record]) => [key, Object.fromEntries(RI_ATTRIBUTES.filter((a) => a in record).map((a) => [a, record[a]]))]),
        );
      }
    }
    write(`ec2shop_ec2-reservedinstance-${term}.json`, merged);
  }
  // RDS for PostgreSQL RIs: ec2.shop's "-1y" maps are 1 year No Upfront; its "-3y" maps are Partial Upfront
  // (3-year No Upfront is not in the maps), so only the 1-year term is vendored.
  write(
    'ec2shop_rds-postgresql-reservedinstance-1y.json',
    mergeRegions(
      AWS_REGIONS.flatMap((region) => ['single-az', 'multi-az'].map((d) => ({ gitDir: ec2shop, path: `data/rds/${region}-rds-postgresql-reservedinstance-${d}-1y.json` }))),
      RDS_RI_ATTRIBUTES,
    ),
  );
  for (const term of ['1', '3']) {
    write(
      `ec2shop_elasticache-reservedinstance-${term}y.json`,
      mergeRegions(
        AWS_REGIONS.flatMap((region) =>
          CACHE_FAMILIES.map((family) => ({ gitDir: ec2shop, path: `data/elasticache/elasticache-reservedinstance-${term}%20year-No%20Upfront-${region}-${family.replace(' ', '%20')}.json` })),
        ),
        CACHE_RI_ATTRIBUTES,
      ),
    );
  }
  write('ec2shop_rds-mysql-ondemand.json', catalogRegions(show(ec2shop, EC2SHOP_RDS_COMMIT, 'data/rds/rds-mysql-ondemand.json')));
  write('ec2shop_es-ondemand.json', catalogRegions(show(ec2shop, EC2SHOP_ES_COMMIT, 'data/es/es-ondemand.json')));
  write('ec2shop_rds-mariadb-ondemand.json', catalogRegions(show(ec2shop, EC2SHOP_RDS_COMMIT, 'data/rds/rds-mariadb-ondemand.json')));
  for (const service of ['lambda', 'dynamodb', 'kms', 's3']) {
    write(`awsprice_${service}.json`, catalogRegions(show(awsPrice, AWSPRICE_COMMIT, `lib/data/pricing/${service}.json`)));
  }
  // Route 53 prices health checks and hosted zones globally (the map's "" and "Any" locations), and CloudFront
  // by viewer geography: those locations are kept instead of the catalog's regions.
  write('awsprice_route53.json', keepLocations(show(awsPrice, AWSPRICE_COMMIT, 'lib/data/pricing/route53.json'), ROUTE53_GLOBAL_LOCATIONS));
  write('awsprice_cloudfront.json', keepLocations(show(awsPrice, AWSPRICE_COMMIT, 'lib/data/pricing/cloudfront.json'), CLOUDFRONT_LOCATIONS));
}

if (require.main === module) main(process.argv.slice(2));
