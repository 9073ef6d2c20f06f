/**
 * Assembles the catalog from decoded feed payloads. Pure: the snapshot build (scripts/prices/build-catalog.ts)
 * and `stagekit prices refresh` (refresh.ts) differ only in where the payloads come from, so the same feeds
 * always give the same catalog.
 */
import { FeedFormatError } from './errors';
import { FEEDS, type FeedDefinition, type FeedId, type FeedPayloads } from './feeds';
import {
  CLOUDFRONT_DATA_TRANSFER_OUT,
  COMMITMENT_DISCOUNTS_NOTE,
  LIST_PRICE_SOURCES,
  ROUTE53_HOSTED_ZONE,
  SUPPORT_PLANS,
  US_EAST_1_LIST_PRICES,
} from './list-prices';
import { parseClarchyPriceBook } from './parsers/clarchy';
import { parseCoroot } from './parsers/coroot';
import { parseAuroraInstanceGolden, parseAuroraStorageGolden } from './parsers/infracost-golden';
import { parseEbs } from './parsers/ebs';
import { impliedEurUsd, parseEc2PricingPage, parseEc2Reserved, parseEuCloudPricesAws, parseKarpenter, type Ec2PricingPage } from './parsers/ec2';
import { parseDynamoDb, parseKms, parseLambda } from './parsers/serverless';
import { CLOUDFRONT_MAP_LOCATIONS, parseCloudFrontRequests, parseRoute53HealthChecks, parseS3, type CloudFrontMapGeography } from './parsers/storage-edge';
import { parseElastiCache } from './parsers/elasticache';
import { parseProviderList, parseProviderLocations, type ParsedProviderList } from './parsers/eu-cloud-prices';
import { parseMsk } from './parsers/msk';
import { parseOpenSearch } from './parsers/opensearch';
import { parseCloudWatch, parseEks, parseNatGateway, parseVpc, type FeedTier } from './parsers/network';
import { parseRdsEngine, parseRdsPostgres, type RdsPostgresRegion, type RdsStoragePrices } from './parsers/rds';
import { parseElastiCacheReserved, parseRdsPostgresReserved } from './parsers/reserved';
import {
  AWS_REGIONS,
  type AuroraEngine,
  type AuroraRegionTable,
  type AwsRegion,
  type AwsRegionFlatPrices,
  type CatalogData,
  type CatalogPrice,
  type CatalogTieredPrice,
  type CommitmentTerm,
  type Ec2InstanceRow,
  type Ec2RegionTable,
  type IsoDate,
  type PriceUnit,
  type PublishedBasis,
  type RdsDeployment,
  type RdsStorageRow,
  type SelfHostedPriceList,
  type SelfHostedProvider,
  type SourceRecord,
} from './types';

/** The historical Hetzner list kept selectable for users on pre-2026-adjustment contracts. */
export const HETZNER_PRE_ADJUSTMENT = 'hetzner-2026-01';

export type BuildOrigin =
  | { kind: 'snapshot' }
  | {
      kind: 'live';
      retrieved: IsoDate;
      /** Price lists and sources that cannot change upstream and are copied from the previous catalog. */
      carriedOver: { priceLists: Record<string, SelfHostedPriceList>; sources: Record<string, SourceRecord> };
    };

export function buildCatalog(payloads: Partial<FeedPayloads>, origin: BuildOrigin): CatalogData {
  const sources: Record<string, SourceRecord> = {};
  const feed = (id: FeedId): unknown => {
    if (payloads[id] === undefined) throw new FeedFormatError(id, 'payload missing');
    return payloads[id];
  };
  /** Registers a feed as a source; `published` comes from the data when it states a date. */
  const useFeed = (id: FeedId, stated?: IsoDate): string => {
    const definition = FEEDS[id];
    const basis: PublishedBasis = stated ? 'stated-in-data' : origin.kind === 'snapshot' ? 'commit-date' : 'retrieved';
    const published = stated ?? (origin.kind === 'snapshot' ? definition.commitDate : origin.retrieved);
    const record: SourceRecord =
      origin.kind === 'snapshot'
        ? {
            title: definition.title,
            file: (definition as FeedDefinition).root === 'vendored' ? `data/prices/feeds/${definition.snapshotFile}` : `prices/${definition.snapshotFile}`,
            url: definition.liveUrl,
            repo: definition.repo,
            path: definition.path,
            commit: definition.commit,
            published,
            publishedBasis: basis,
            ...((definition as FeedDefinition).derived ? { caveat: `derived copy: ${(definition as FeedDefinition).derived}` } : {}),
          }
        : { title: definition.title, url: definition.liveUrl, repo: definition.repo, path: definition.path, published, publishedBasis: basis };
    const seen = sources[id];
    if (seen && seen.published !== record.published) throw new FeedFormatError(id, 'publication date differs between regions');
    sources[id] = record;
    return id;
  };
  /** Parses one region of a feed and registers the feed as a source, dated as the feed states; returns both. */
  const parseRegional = <Parsed extends { published: IsoDate }>(id: FeedId, region: AwsRegion, parse: RegionalParser<Parsed>): [Parsed, string] => {
    const parsed = parse(feed(id), region, id);
    return [parsed, useFeed(id, parsed.published)];
  };
  const useListSource = (id: string): string => {
    const record = LIST_PRICE_SOURCES[id];
    if (!record) throw new Error(`list-prices.ts cites unknown source ${id}`);
    sources[id] = record;
    return id;
  };

  // --- EUR→USD and the eu-central-1 EC2 list come from the same eu-cloud-prices file.
  const euCloudAws = parseEuCloudPricesAws(feed('eucloudprices-aws'), 'eucloudprices-aws');
  const euCloudAwsSource = useFeed('eucloudprices-aws', euCloudAws.published);
  const eurUsd = impliedEurUsd(euCloudAws);
  if (Math.abs(eurUsd - euCloudAws.statedFx.eurUsd) / euCloudAws.statedFx.eurUsd > 0.005) {
    throw new FeedFormatError(
      'eucloudprices-aws',
      `implied EUR→USD ${eurUsd} disagrees with the stated ${euCloudAws.statedFx.eurUsd}: USD and EUR columns no longer match`,
    );
  }

  const karpenter = parseKarpenter(feed('karpenter-us-east-1'), 'karpenter-us-east-1');
  const karpenterSource = useFeed('karpenter-us-east-1', karpenter.generatedAt);
  const coroot = feed('coroot');

  const aws = {
    ec2: {} as CatalogData['aws']['ec2'],
    ec2Reserved: {} as CatalogData['aws']['ec2Reserved'],
    rdsPostgresReserved: {} as CatalogData['aws']['rdsPostgresReserved'],
    elasticacheReserved: {} as CatalogData['aws']['elasticacheReserved'],
    rdsPostgres: {} as CatalogData['aws']['rdsPostgres'],
    rdsMysql: {} as CatalogData['aws']['rdsMysql'],
    rdsMariadb: {} as CatalogData['aws']['rdsMariadb'],
    opensearch: {} as CatalogData['aws']['opensearch'],
    elasticache: {} as CatalogData['aws']['elasticache'],
    msk: {} as CatalogData['aws']['msk'],
    aurora: {} as CatalogData['aws']['aurora'],
    regional: {} as CatalogData['aws']['regional'],
  };

  for (const region of AWS_REGIONS) {
    const ec2FeedId = `ec2-${region}` as const satisfies FeedId;
    const [ec2Page, ec2PageSource] = parseRegional(ec2FeedId, region, parseEc2PricingPage);
    aws.ec2[region] =
      region === 'us-east-1'
        ? ec2FromFresherFeed(karpenter.prices[region] ?? {}, karpenterSource, ec2Page, ec2PageSource, 'karpenter')
        : region === 'eu-central-1'
          ? ec2FromFresherFeed(
              Object.fromEntries(Object.entries(euCloudAws.types).map(([type, offer]) => [type, offer.usd])),
              euCloudAwsSource,
              ec2Page,
              ec2PageSource,
              'eu-cloud-prices',
              euCloudAws.types,
            )
          : { source: ec2PageSource, types: ec2Page.types };
    aws.ec2Reserved[region] = {
      '1y': { source: useFeed('ec2-reserved-1y'), types: parseEc2Reserved(feed('ec2-reserved-1y'), region, '1y', 'ec2-reserved-1y') },
      '3y': { source: useFeed('ec2-reserved-3y'), types: parseEc2Reserved(feed('ec2-reserved-3y'), region, '3y', 'ec2-reserved-3y') },
    };

    const [rdsReserved, rdsReservedSource] = parseRegional('rds-postgresql-reserved-1y', region, parseRdsPostgresReserved);
    aws.rdsPostgresReserved[region] = { '1y': { source: rdsReservedSource, classes: rdsReserved.classes } };
    const cacheReserved = (term: '1y' | '3y') => {
      const id = `elasticache-reserved-${term}` as const;
      const parsed = parseElastiCacheReserved(feed(id), region, term, id);
      return { source: useFeed(id, parsed.published), nodes: parsed.nodes };
    };
    aws.elasticacheReserved[region] = { '1y': cacheReserved('1y'), '3y': cacheReserved('3y') };

    const rdsTable = (rds: RdsPostgresRegion, rdsSource: string): CatalogData['aws']['rdsPostgres'][AwsRegion] => ({
      source: rdsSource,
      classes: rds.classes,
      storage: Object.fromEntries(
        (Object.entries(rds.storage) as [RdsDeployment, RdsStoragePrices][]).map(([deployment, prices]) => [
          deployment,
          rdsStorageRow(prices, rdsSource),
        ]),
      ),
      backupPerGbMonth: price(rds.backupPerGbMonth, 'GB-month', rdsSource, 'backup storage beyond the free allowance ("Storage Snapshot")'),
      ...(Object.keys(rds.extendedSupport).length
        ? {
            extendedSupport: Object.fromEntries(
              Object.entries(rds.extendedSupport).map(([version, bands]) => [
                version,
                {
                  years1To2: price(bands.years1To2, 'vCPU-hour', rdsSource, `RDS Extended Support, years 1 and 2 past the end of standard support (version ${version})`),
                  year3: price(bands.year3, 'vCPU-hour', rdsSource, `RDS Extended Support, year 3 (version ${version})`),
                },
              ]),
            ),
          }
        : {}),
    });
    aws.rdsPostgres[region] = rdsTable(...parseRegional('rds-postgresql', region, parseRdsPostgres));
    // PostgreSQL 13 left RDS standard support after the 2024-09-28 map: its us-east-1 bands come from a dated
    // list-price page; other regions stay without (not priced), never a us-east-1 stand-in.
    const extendedSupport = aws.rdsPostgres[region].extendedSupport;
    if (region === 'us-east-1' && extendedSupport && !extendedSupport['13']) {
      const listed = (key: 'rdsPostgres13ExtendedSupportYears1To2' | 'rdsPostgres13ExtendedSupportYear3'): CatalogPrice => ({ ...US_EAST_1_LIST_PRICES[key], source: useListSource(US_EAST_1_LIST_PRICES[key].source) });
      extendedSupport['13'] = { years1To2: listed('rdsPostgres13ExtendedSupportYears1To2'), year3: listed('rdsPostgres13ExtendedSupportYear3') };
    }
    aws.rdsMysql[region] = rdsTable(...parseRegional('rds-mysql', region, (payload, feedRegion, id) => parseRdsEngine(payload, feedRegion, id, 'mysql')));
    aws.rdsMariadb[region] = rdsTable(...parseRegional('rds-mariadb', region, (payload, feedRegion, id) => parseRdsEngine(payload, feedRegion, id, 'mariadb')));
    const [search, searchSource] = parseRegional('opensearch', region, parseOpenSearch);
    aws.opensearch[region] = {
      source: searchSource,
      instances: search.instances,
      gp3PerGbMonth: price(search.gp3PerGbMonth, 'GB-month', searchSource, '"EBS Volume GP3"'),
      gp2PerGbMonth: price(search.gp2PerGbMonth, 'GB-month', searchSource, '"EBS Volume General Purpose"'),
      magneticPerGbMonth: price(search.magneticPerGbMonth, 'GB-month', searchSource, '"EBS Volume Magnetic"'),
    };

    const [cache, cacheSource] = parseRegional('elasticache', region, parseElastiCache);
    aws.elasticache[region] = { source: cacheSource, nodes: cache.nodes };

    const [msk, mskSource] = parseRegional('msk', region, parseMsk);
    aws.msk[region] = dropUndefined({
      source: mskSource,
      brokers: msk.brokers,
      storagePerGbMonth: price(msk.storagePerGbMonth, 'GB-month', mskSource, 'Kafka.Storage.GP2'),
      provisionedThroughputPerMbpsMonth: optionalPrice(msk.provisionedThroughputPerMbpsMonth, 'MBps-month', mskSource),
      expressStoragePerGbMonth: optionalPrice(msk.expressStoragePerGbMonth, 'GB-month', mskSource),
      expressDataInPerGb: optionalPrice(msk.expressDataInPerGb, 'GB', mskSource),
    });

    aws.regional[region] = regionalPrices(region, {
      feed,
      useFeed,
      parseRegional,
      useListSource,
      coroot,
      freeEgressTb: euCloudAws.freeEgressTb,
    });
  }

  aws.aurora = { 'us-east-1': auroraUsEast1(feed, useFeed) };

  const selfHosted = buildSelfHosted(payloads, origin, useFeed, sources);
  const support = Object.fromEntries(
    Object.entries(SUPPORT_PLANS).map(([plan, record]) => {
      record.sources.forEach(useListSource);
      return [plan, record];
    }),
  ) as CatalogData['aws']['support'];
  useListSource(ROUTE53_HOSTED_ZONE.source);
  for (const tiers of Object.values(CLOUDFRONT_DATA_TRANSFER_OUT)) useListSource(tiers.source);
  const cloudfrontRequests = cloudfrontRequestPrices(feed('cloudfront'), useFeed);
  const healthChecks = parseRoute53HealthChecks(feed('route53'), 'route53');
  const route53Source = useFeed('route53', healthChecks.published);

  return {
    schemaVersion: 1,
    catalogDate: catalogDate(sources),
    origin:
      origin.kind === 'snapshot'
        ? { kind: 'snapshot', note: 'Built by scripts/prices/build-catalog.ts from ../shared/data/prices; see data/prices/SOURCES.md.' }
        : { kind: 'live', retrieved: origin.retrieved, note: 'Built by `stagekit prices refresh` from the live feeds.' },
    regions: [...AWS_REGIONS],
    sources,
    exchangeRate: {
      eurUsd,
      source: euCloudAwsSource,
      method:
        'Σ price_usd_hourly / Σ price_hourly over every EC2 instance in the eu-cloud-prices AWS file (AWS USD list price next to ' +
        'its EUR conversion, same day), rounded to 4 decimals. Override per call when your contract uses another rate.',
      statedInSource: { eurUsd: euCloudAws.statedFx.eurUsd, basis: euCloudAws.statedFx.basis, date: euCloudAws.statedFx.date },
    },
    aws: {
      ...aws,
      route53PrivateHostedZone: ROUTE53_HOSTED_ZONE,
      cloudfrontDataTransferOut: CLOUDFRONT_DATA_TRANSFER_OUT,
      cloudfrontRequests,
      route53HealthChecks: {
        basicAwsMonthly: price(healthChecks.basicAwsMonthly, 'check-month', route53Source, '"Basic Health checks AWS per Mo": AWS endpoints, CloudWatch-alarm and calculated checks'),
        basicNonAwsMonthly: price(healthChecks.basicNonAwsMonthly, 'check-month', route53Source, '"Basic Health checks External Non AWS per Mo"'),
        optionalFeatureAwsMonthly: price(healthChecks.optionalFeatureAwsMonthly, 'check-month', route53Source, '"Optional Health Check Features AWS per Mo": per feature'),
        optionalFeatureNonAwsMonthly: price(healthChecks.optionalFeatureNonAwsMonthly, 'check-month', route53Source, '"Optional Health Check Features External Non AWS per Mo": per feature'),
        freeAwsChecks: healthChecks.freeAwsChecks,
      },
      support,
      commitmentDiscounts: { available: true, note: COMMITMENT_DISCOUNTS_NOTE },
    },
    selfHosted,
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * EC2 table for a region with a fresher price source than the AWS map: prices from the fresher source, vCPU and
 * memory from it when it states them (eu-cloud-prices) or else from the AWS map (Karpenter has prices only).
 * A type the fresher source lacks keeps the AWS-map row, marked with that source. The note lists every type
 * whose price moved between the two, so a reviewer sees what "fresher" changed.
 */
function ec2FromFresherFeed(
  fresherPrices: Record<string, number>,
  fresherSource: string,
  page: Ec2PricingPage,
  pageSource: string,
  fresherName: string,
  fresherSpecs?: Record<string, { vcpu: number; memoryGiB: number }>,
): Ec2RegionTable {
  const types: Record<string, Ec2InstanceRow> = {};
  const moved: string[] = [];
  // Every type either feed carries: a type only the fresher feed has needs the AWS map's specs, else it is left out.
  const wanted = new Set([...Object.keys(page.types), ...Object.keys(fresherPrices)]);
  for (const type of [...wanted].sort()) {
    const fresh = fresherPrices[type];
    const specs = fresherSpecs?.[type] ?? page.types[type];
    if (fresh !== undefined && specs) {
      types[type] = { usd: fresh, vcpu: specs.vcpu, memoryGiB: specs.memoryGiB };
      const old = page.types[type];
      if (old && old.usd !== fresh) moved.push(`${type} ${old.usd}→${fresh}`);
    } else if (page.types[type]) {
      types[type] = { ...page.types[type]!, source: pageSource };
    }
  }
  return {
    source: fresherSource,
    specsSource: fresherSpecs ? undefined : pageSource,
    note:
      `Prices from ${fresherName} (fresher than the AWS map of ${page.published}). ` +
      (moved.length ? `Differences from that map: ${moved.join(', ')}.` : 'No price differs from that map.'),
    types,
  };
}

/**
 * CloudFront request prices per viewer geography. The same map's first transfer-out tier must equal the pricing
 * page table the catalog already carries: a mismatch means one of the two copies is stale.
 */
function cloudfrontRequestPrices(payload: unknown, useFeed: (id: FeedId, stated?: IsoDate) => string): CatalogData['aws']['cloudfrontRequests'] {
  const parsed = parseCloudFrontRequests(payload, 'cloudfront');
  const source = useFeed('cloudfront', parsed.published);
  const out: CatalogData['aws']['cloudfrontRequests'] = {};
  for (const geography of Object.keys(CLOUDFRONT_MAP_LOCATIONS) as CloudFrontMapGeography[]) {
    const pageFirstTier = CLOUDFRONT_DATA_TRANSFER_OUT[geography].tiers[0]!.usd;
    if (parsed.firstTierTransferOut[geography] !== pageFirstTier) {
      throw new FeedFormatError('cloudfront', `first transfer-out tier for ${geography} is ${parsed.firstTierTransferOut[geography]}, the pricing page table says ${pageFirstTier}`);
    }
    const { https, http } = parsed.byGeography[geography];
    const where = CLOUDFRONT_MAP_LOCATIONS[geography];
    out[geography] = {
      https: price(https, 'request', source, `"Request HTTPS Methods" from ${where}`),
      http: price(http, 'request', source, `"Request HTTP Methods" from ${where}`),
    };
  }
  return out;
}

/**
 * Aurora Standard in us-east-1, the one region the Infracost golden files price (their fixtures' provider region).
 * In rds_cluster_instance_test.tf the cluster `default` is aurora-mysql; in rds_cluster_test.tf the usage-free
 * us-east-1 clusters are mysql_backtrack_withoutU (aurora-mysql) and postgres_serverless_withoutU (aurora-postgresql).
 */
function auroraUsEast1(feed: (id: FeedId) => unknown, useFeed: (id: FeedId, stated?: IsoDate) => string): AuroraRegionTable {
  const instancesSource = useFeed('infracost-aurora-instances');
  const storageSource = useFeed('infracost-aurora-storage');
  const hourly = parseAuroraInstanceGolden(feed('infracost-aurora-instances'), 'infracost-aurora-instances', 'aurora-mysql');
  const storage = parseAuroraStorageGolden(feed('infracost-aurora-storage'), 'infracost-aurora-storage', {
    'aurora-mysql': 'aws_rds_cluster.mysql_backtrack_withoutU',
    'aurora-postgresql': 'aws_rds_cluster.postgres_serverless_withoutU',
  });
  const byEngine = <T>(make: (engine: AuroraEngine) => T): Record<AuroraEngine, T> => ({ 'aurora-postgresql': make('aurora-postgresql'), 'aurora-mysql': make('aurora-mysql') });
  const derivedNote = 'monthly cost / 730 hours in the golden file';
  return {
    instances: byEngine((engine) =>
      Object.fromEntries(
        Object.entries(hourly[engine]).map(([instanceClass, usd]) => [
          instanceClass,
          instanceClass === 'db.serverless'
            ? price(usd, 'ACU-hour', instancesSource, 'Aurora Serverless v2 (Standard), monthly cost / ACU-hours in the golden file')
            : price(usd, 'instance-hour', instancesSource, derivedNote),
        ]),
      ),
    ),
    storagePerGbMonth: byEngine((engine) => price(storage.storagePerGbMonth[engine], 'GB-month', storageSource, 'Aurora Standard storage')),
    ioPerMillion: byEngine((engine) => price(storage.ioPerMillion[engine], 'million requests', storageSource, 'Aurora Standard I/O requests')),
  };
}

/**
 * Fargate Compute Savings Plans rates (no upfront) from the Clarchy price book, us-east-1. Its on-demand Fargate
 * rates must equal the EKS map's, which shows both describe Linux/x86 Fargate in the same region.
 */
function fargateSavingsPlan(
  feed: (id: FeedId) => unknown,
  useFeed: (id: FeedId, stated?: IsoDate) => string,
  eks: { fargateVcpuHourly: number; fargateGbHourly: number },
): Record<CommitmentTerm, { vcpuHourly: CatalogPrice; gbHourly: CatalogPrice }> {
  const book = parseClarchyPriceBook(feed('clarchy-savings-plans'), 'clarchy-savings-plans');
  if (book.regionCode !== 'us-east-1') throw new FeedFormatError('clarchy-savings-plans', `region ${book.regionCode}, expected us-east-1`);
  const source = useFeed('clarchy-savings-plans', book.asOf);
  const vcpu = book.prices['fargate.vcpu_hours'];
  const memory = book.prices['fargate.gb_hours'];
  if (!vcpu || !memory) throw new FeedFormatError('clarchy-savings-plans', 'no fargate.vcpu_hours / fargate.gb_hours');
  if (vcpu.price !== eks.fargateVcpuHourly || memory.price !== eks.fargateGbHourly) {
    throw new FeedFormatError('clarchy-savings-plans', `on-demand Fargate ${vcpu.price}/${memory.price} differs from the EKS map's ${eks.fargateVcpuHourly}/${eks.fargateGbHourly}`);
  }
  const term = (rate: number | undefined, what: string): number => {
    if (rate === undefined) throw new FeedFormatError('clarchy-savings-plans', `no ${what}`);
    return rate;
  };
  const note = (sku: string) => `Compute Savings Plans, no upfront; on-demand SKU ${sku}`;
  return {
    '1y': {
      vcpuHourly: price(term(vcpu.commit1yr, 'fargate.vcpu_hours.commit_1yr'), 'vCPU-hour', source, note(vcpu.sku)),
      gbHourly: price(term(memory.commit1yr, 'fargate.gb_hours.commit_1yr'), 'GB-hour', source, note(memory.sku)),
    },
    '3y': {
      vcpuHourly: price(term(vcpu.commit3yr, 'fargate.vcpu_hours.commit_3yr'), 'vCPU-hour', source, note(vcpu.sku)),
      gbHourly: price(term(memory.commit3yr, 'fargate.gb_hours.commit_3yr'), 'GB-hour', source, note(memory.sku)),
    },
  };
}

function price(usd: number, unit: PriceUnit, source: string, note?: string): CatalogPrice {
  return note ? { usd, unit, source, note } : { usd, unit, source };
}

function optionalPrice(usd: number | undefined, unit: PriceUnit, source: string): CatalogPrice | undefined {
  return usd === undefined ? undefined : price(usd, unit, source);
}

function tiered(tiers: FeedTier[], unit: PriceUnit, source: string, note?: string): CatalogTieredPrice {
  return dropUndefined({ unit, source, note, tiers });
}

function rdsStorageRow(prices: RdsStoragePrices, source: string): RdsStorageRow {
  return dropUndefined({
    gp2PerGbMonth: optionalPrice(prices.gp2PerGbMonth, 'GB-month', source),
    gp3PerGbMonth: optionalPrice(prices.gp3PerGbMonth, 'GB-month', source),
    gp3IopsPerMonth: optionalPrice(prices.gp3IopsPerMonth, 'IOPS-month', source),
    gp3ThroughputPerMbpsMonth: optionalPrice(prices.gp3ThroughputPerMbpsMonth, 'MBps-month', source),
    io1PerGbMonth: optionalPrice(prices.io1PerGbMonth, 'GB-month', source),
    io1IopsPerMonth: optionalPrice(prices.io1IopsPerMonth, 'IOPS-month', source),
  });
}

/** A parser of one region of a feed: (payload, region, feed id) -> the region's prices. */
type RegionalParser<Parsed> = (payload: unknown, region: AwsRegion, id: FeedId) => Parsed;

interface RegionalInputs {
  feed: (id: FeedId) => unknown;
  useFeed: (id: FeedId, stated?: IsoDate) => string;
  parseRegional: <Parsed extends { published: IsoDate }>(id: FeedId, region: AwsRegion, parse: RegionalParser<Parsed>) => [Parsed, string];
  useListSource: (id: string) => string;
  coroot: unknown;
  freeEgressTb?: number;
}

function regionalPrices(region: AwsRegion, inputs: RegionalInputs): AwsRegionFlatPrices {
  const { feed, useFeed, parseRegional, useListSource } = inputs;
  const [nat, natSource] = parseRegional('natgateway', region, parseNatGateway);
  const [vpc, vpcSource] = parseRegional('vpc', region, parseVpc);
  const [eks, eksSource] = parseRegional('eks', region, parseEks);
  const [cw, cwSource] = parseRegional('cloudwatch', region, parseCloudWatch);
  const [ebs, ebsSource] = parseRegional('ebs', region, parseEbs);
  const [lambda, lambdaSource] = parseRegional('lambda', region, parseLambda);
  const [dynamodb, dynamodbSource] = parseRegional('dynamodb', region, parseDynamoDb);
  const [kms, kmsSource] = parseRegional('kms', region, parseKms);
  const [s3, s3Source] = parseRegional('s3', region, parseS3);
  const coroot = parseCoroot(inputs.coroot, region, 'coroot');
  const corootSource = useFeed('coroot');

  /** A us-east-1 list price, flagged as a stand-in everywhere else. */
  const list = (key: keyof typeof US_EAST_1_LIST_PRICES): CatalogPrice => {
    const listed: CatalogPrice = { ...US_EAST_1_LIST_PRICES[key] };
    useListSource(listed.source);
    return region === 'us-east-1' ? listed : { ...listed, fallbackFrom: 'us-east-1' };
  };

  const freeTb = inputs.freeEgressTb;
  return {
    natGateway: {
      hourly: price(nat.hourly, 'hour', natSource),
      perGbProcessed: price(nat.perGbProcessed, 'GB', natSource),
    },
    alb: { hourly: list('albHourly'), lcuHourly: list('albLcuHourly') },
    nlb: { hourly: list('nlbHourly'), nlcuHourly: list('nlbNlcuHourly') },
    ...(region === 'us-east-1' ? { fargateComputeSavingsPlan: fargateSavingsPlan(feed, useFeed, eks) } : {}),
    // us-east-1 only: no source states a Classic Load Balancer price for another region.
    ...(region === 'us-east-1' ? { classicElb: { hourly: list('classicElbHourly'), perGbProcessed: list('classicElbPerGb') } } : {}),
    sqs: { standardPerMillion: list('sqsStandardPerMillion'), fifoPerMillion: list('sqsFifoPerMillion') },
    cloudwatch: {
      standardAlarmMonthly: price(cw.standardAlarmMonthly, 'alarm-month', cwSource),
      highResolutionAlarmMonthly: price(cw.highResolutionAlarmMonthly, 'alarm-month', cwSource),
      compositeAlarmMonthly: price(cw.compositeAlarmMonthly, 'alarm-month', cwSource),
      customMetrics: tiered(cw.customMetricTiers, 'metric-month', cwSource),
      dashboardMonthly: list('cloudwatchDashboardMonthly'),
      logsIngestionPerGb: price(cw.logsIngestionPerGb, 'GB', cwSource, 'standard log class ingestion'),
      logsStoragePerGbMonth: price(cw.logsStoragePerGbMonth, 'GB-month', cwSource, 'log archive storage'),
    },
    ebs: {
      gp3PerGbMonth: price(ebs.gp3PerGbMonth, 'GB-month', ebsSource),
      gp3IopsPerMonth: price(ebs.gp3IopsPerMonth, 'IOPS-month', ebsSource, 'IOPS provisioned above the free baseline'),
      gp3ThroughputPerMibpsMonth: price(
        Number((ebs.gp3ThroughputPerGibpsMonth / 1024).toPrecision(10)),
        'MiBps-month',
        ebsSource,
        `feed states ${ebs.gp3ThroughputPerGibpsMonth} USD per GiBps-month; divided by 1024 (throughput is provisioned in MiB/s)`,
      ),
      gp2PerGbMonth: price(ebs.gp2PerGbMonth, 'GB-month', ebsSource),
      io1PerGbMonth: price(ebs.io1PerGbMonth, 'GB-month', ebsSource),
      io1IopsPerMonth: price(ebs.io1IopsPerMonth, 'IOPS-month', ebsSource),
      st1PerGbMonth: price(ebs.st1PerGbMonth, 'GB-month', ebsSource),
      sc1PerGbMonth: price(ebs.sc1PerGbMonth, 'GB-month', ebsSource),
      snapshotPerGbMonth: price(ebs.snapshotPerGbMonth, 'GB-month', ebsSource),
      io2PerGbMonth: price(ebs.io2PerGbMonth, 'GB-month', ebsSource),
      io2IopsPerMonth: price(ebs.io2IopsPerMonth, 'IOPS-month', ebsSource, 'first io2 IOPS tier'),
      io2IopsTier2PerMonth: price(ebs.io2IopsTier2PerMonth, 'IOPS-month', ebsSource, 'io2 IOPS tier 2 (the feed does not state where it begins)'),
      io2IopsTier3PerMonth: price(ebs.io2IopsTier3PerMonth, 'IOPS-month', ebsSource, 'io2 IOPS tier 3 (the feed does not state where it begins)'),
      standardPerGbMonth: price(ebs.standardPerGbMonth, 'GB-month', ebsSource, 'Magnetic (standard), previous generation'),
      standardPerMillionIo: price(Number((ebs.standardPerIo * 1e6).toPrecision(10)), 'million requests', ebsSource, `feed states ${ebs.standardPerIo} USD per I/O; × 1,000,000`),
    },
    dataTransferOut: tiered(
      coroot.internetEgressTiers,
      'GB',
      corootSource,
      'to the internet, per GB per month, tiers by cumulative monthly volume' +
        (freeTb !== undefined ? `; eu-cloud-prices' AWS file states free_tb ${freeTb} per month, not applied here` : ''),
    ),
    interAz: {
      egressPerGb: price(coroot.interAzEgressPerGb, 'GB', corootSource, 'between AZs of one region; billed on both sides'),
      ingressPerGb: price(coroot.interAzIngressPerGb, 'GB', corootSource, 'between AZs of one region; billed on both sides'),
    },
    publicIpv4: {
      inUseHourly: price(vpc.publicIpv4InUseHourly, 'IP-hour', vpcSource),
      idleHourly: price(vpc.publicIpv4IdleHourly, 'IP-hour', vpcSource),
    },
    gatewayLoadBalancerEndpointHourly: price(vpc.gatewayLoadBalancerEndpointHourly, 'hour', vpcSource, 'per Gateway Load Balancer endpoint'),
    secretsManager: { perSecretMonth: list('secretPerMonth'), per10kApiCalls: list('secretsPer10kApiCalls') },
    kms: {
      perKeyMonth: price(kms.perKeyMonth, 'key-month', kmsSource, '"Encryption Key"'),
      per10kRequests: price(Number((kms.perRequest * 10_000).toPrecision(10)), '10k requests', kmsSource, `feed states ${kms.perRequest} USD per request ("API request - Non Free Tier"); × 10,000`),
    },
    lambda: {
      requestX86: price(lambda.requestX86, 'request', lambdaSource, '"Lambda Requests"'),
      requestArm: price(lambda.requestArm, 'request', lambdaSource, '"Lambda Requests-ARM"'),
      gbSecondX86: price(lambda.gbSecondX86, 'GB-second', lambdaSource, '"Lambda Duration": first tier (to 6 billion GB-seconds a month)'),
      gbSecondArm: price(lambda.gbSecondArm, 'GB-second', lambdaSource, '"Lambda Duration-ARM": first tier'),
    },
    s3: {
      standardStorage: tiered(s3.standardStorageTiers, 'GB-month', s3Source, 'S3 Standard, tiers by cumulative GB a month (1 TB = 1,024 GB): "Standard Storage First 50 TB / Next 450 TB / Over 500 TB per GB Mo"'),
      putCopyPostListRequest: price(s3.putCopyPostListRequest, 'request', s3Source, '"PUT COPY/POST or LIST requests per Requests" (S3 Standard)'),
      getAndOtherRequest: price(s3.getAndOtherRequest, 'request', s3Source, '"GET and all other requests per Requests" (S3 Standard)'),
    },
    dynamodb: {
      onDemandReadRequest: price(dynamodb.onDemandReadRequest, 'request', dynamodbSource, '"PayPerRequest Read Request Units", per read request unit'),
      onDemandWriteRequest: price(dynamodb.onDemandWriteRequest, 'request', dynamodbSource, '"PayPerRequest Write Request Units", per write request unit'),
      provisionedRcuHourly: price(dynamodb.provisionedRcuHourly, 'RCU-hour', dynamodbSource, '"Provisioned Read Units"'),
      provisionedWcuHourly: price(dynamodb.provisionedWcuHourly, 'WCU-hour', dynamodbSource, '"Provisioned Write Units"'),
      storagePerGbMonth: price(dynamodb.storagePerGbMonth, 'GB-month', dynamodbSource, '"Data Storage Indexed GB-Mo": Standard table class, beyond the 25 GB free tier'),
      pitrPerGbMonth: price(dynamodb.pitrPerGbMonth, 'GB-month', dynamodbSource, '"PITR Backup Storage GB-Mo"'),
    },
    eks: {
      clusterHourly: price(eks.clusterHourly, 'cluster-hour', eksSource, 'standard Kubernetes version support'),
      extendedSupportClusterHourly: price(eks.extendedSupportClusterHourly, 'cluster-hour', eksSource),
      fargateVcpuHourly: price(eks.fargateVcpuHourly, 'vCPU-hour', eksSource),
      fargateGbHourly: price(eks.fargateGbHourly, 'GB-hour', eksSource),
    },
    vpcInterfaceEndpoint: {
      hourlyPerAz: price(vpc.interfaceEndpointHourlyPerAz, 'AZ-hour', vpcSource, 'per endpoint per availability zone'),
      dataProcessed: tiered(vpc.interfaceEndpointDataTiers, 'GB', vpcSource),
    },
  };
}

function buildSelfHosted(
  payloads: Partial<FeedPayloads>,
  origin: BuildOrigin,
  useFeed: (id: FeedId, stated?: IsoDate) => string,
  sources: Record<string, SourceRecord>,
): CatalogData['selfHosted'] {
  const providerLocations = (provider: SelfHostedProvider): string[] => {
    const locations = parseProviderLocations(payloads['eucloudprices-providers'], provider, 'eucloudprices-providers');
    useFeed('eucloudprices-providers');
    return locations;
  };
  const priceLists: Record<string, SelfHostedPriceList> = {};
  const defaults = {} as Record<SelfHostedProvider, string>;
  const add = (feedId: FeedId, provider: SelfHostedProvider, listId?: string): string => {
    const parsed = parseProviderList(payloads[feedId], provider, feedId);
    const id = listId ?? `${provider}-${parsed.published.slice(0, 7)}`;
    if (priceLists[id]) throw new FeedFormatError(feedId, `price list id ${id} is taken`);
    priceLists[id] = selfHostedList(parsed, useFeed(feedId, parsed.published), providerLocations(provider));
    return id;
  };
  defaults.hetzner = add('hetzner', 'hetzner');
  defaults.ovh = add('ovh', 'ovh');
  defaults.scaleway = add('scaleway', 'scaleway');
  if (origin.kind === 'snapshot') {
    add('hetzner-2026-01', 'hetzner', HETZNER_PRE_ADJUSTMENT);
  } else {
    const carried = origin.carriedOver.priceLists[HETZNER_PRE_ADJUSTMENT];
    const carriedSource = carried && origin.carriedOver.sources[carried.source];
    if (!carried || !carriedSource) throw new FeedFormatError(HETZNER_PRE_ADJUSTMENT, 'not in the previous catalog to carry over');
    if (priceLists[HETZNER_PRE_ADJUSTMENT]) throw new FeedFormatError('hetzner', `live list collides with ${HETZNER_PRE_ADJUSTMENT}`);
    priceLists[HETZNER_PRE_ADJUSTMENT] = carried;
    sources[carried.source] = carriedSource;
  }
  return { defaults, priceLists };
}

function selfHostedList(parsed: ParsedProviderList, source: string, providerLocations: string[]): SelfHostedPriceList {
  return dropUndefined({
    provider: parsed.provider,
    source,
    currency: 'EUR' as const,
    priceLocations: parsed.priceLocations,
    providerLocations,
    locationNote:
      `The price file states one price per server type for "${parsed.priceLocations.join('", "')}"; ` +
      `eu-cloud-prices lists the provider's locations as ${providerLocations.join(', ')}. No per-location prices are available.`,
    servers: parsed.servers,
    loadBalancers: parsed.loadBalancers,
    volumePerGbMonth: parsed.volumePerGbMonth,
    volumeTiers: parsed.volumeTiers,
    snapshotPerGbMonth: parsed.snapshotPerGbMonth,
    primaryIpv4Monthly: parsed.primaryIpv4Monthly,
    traffic: dropUndefined(parsed.traffic),
    objectStorage: parsed.objectStorage ? dropUndefined(parsed.objectStorage) : undefined,
    note: parsed.skipped.length ? `Left out: ${parsed.skipped.join('; ')}.` : undefined,
  });
}

/** Oldest and newest publication dates of the feeds prices are read from (metadata-only feeds excluded). */
function catalogDate(sources: Record<string, SourceRecord>): CatalogData['catalogDate'] {
  const priced = Object.entries(sources).filter(([id]) => id in FEEDS && id !== 'eucloudprices-providers');
  const byDate = priced.sort(([, a], [, b]) => a.published.localeCompare(b.published));
  const [oldestId, oldest] = byDate[0]!;
  const [newestId, newest] = byDate[byDate.length - 1]!;
  return {
    oldest: oldest.published,
    newest: newest.published,
    summary:
      `Prices published ${oldest.published} to ${newest.published} ` +
      `(oldest: ${FEEDS[oldestId as FeedId].title}; newest: ${FEEDS[newestId as FeedId].title}).`,
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Deterministic JSON: object keys sorted at every level, arrays in their (meaningful) order. Objects and arrays
 * holding only primitives go on one line — one line per instance type or price — so the file stays compact
 * while a price change still shows up as a one-line diff.
 */
export function serializeCatalog(catalog: CatalogData): string {
  return `${format(sortKeys(catalog), '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries: [string | null, unknown][] = Array.isArray(value)
    ? value.map((item) => [null, item])
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const label = (key: string | null) => (key === null ? '' : `${JSON.stringify(key)}: `);
  if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return `${open}${entries.map(([key, v]) => `${label(key)}${JSON.stringify(v)}`).join(', ')}${close}`;
  }
  const inner = `${indent} `;
  return `${open}\n${entries.map(([key, v]) => `${inner}${label(key)}${format(v, inner)}`).join(',\n')}\n${indent}${close}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined) // as JSON.stringify would
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
