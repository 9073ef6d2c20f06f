/**
 * Shapes of the committed price catalog (data/prices/catalog.json) and of the prices the lookup API returns.
 *
 * The JSON keeps provenance per group of entries (a source id per table or per flat price) so the file stays
 * compact; the lookup API resolves that id into `source` + `published` on every returned price.
 */

import { SUPPORTED_REGIONS, type Region } from '../../core/regions';

/** Regions the catalog covers: stagekit's supported regions (core/regions.ts), under the catalog's name. */
export const AWS_REGIONS = SUPPORTED_REGIONS;
export type AwsRegion = Region;

/** ISO 8601 date (YYYY-MM-DD) or, where a source only states a month, YYYY-MM. */
export type IsoDate = string;

export type PriceUnit =
  | 'instance-hour'
  | 'ACU-hour'
  | 'node-hour'
  | 'broker-hour'
  | 'cluster-hour'
  | 'hour'
  | 'AZ-hour'
  | 'IP-hour'
  | 'LCU-hour'
  | 'NLCU-hour'
  | 'vCPU-hour'
  | 'GB-hour'
  | 'GB'
  | 'GB-month'
  | 'IOPS-month'
  | 'MBps-month'
  | 'MiBps-month'
  | 'month'
  | 'alarm-month'
  | 'metric-month'
  | 'dashboard-month'
  | 'secret-month'
  | 'key-month'
  | 'hosted-zone-month'
  | 'million requests'
  | '10k requests'
  | 'request'
  | 'GB-second'
  | 'RCU-hour'
  | 'WCU-hour'
  | 'check-month';

/** How the `published` date of a source was established, most to least authoritative. */
export type PublishedBasis =
  | 'stated-in-data' // a publication/fetch/generation timestamp inside the file itself
  | 'commit-date' // the date of the commit that last touched the file (no date inside the data)
  | 'stated-on-page' // a date printed on, or recorded when transcribing, a web page
  | 'retrieved'; // the day a live refresh downloaded it (the data states no date)

export interface SourceRecord {
  title: string;
  /** Path under ../shared/data when built from the snapshot; absent for live downloads and web pages. */
  file?: string;
  /** Where the data lives on the internet (the feed URL, or the page a list price was read from). */
  url: string;
  repo?: string;
  path?: string;
  commit?: string;
  published: IsoDate;
  publishedBasis: PublishedBasis;
  /** Verbatim text a list price was read from, for sources that are web pages rather than data files. */
  quote?: string;
  caveat?: string;
}

/** One price as stored in the catalog: provenance by source id, resolved by the lookup API. */
export interface CatalogPrice {
  usd: number;
  unit: PriceUnit;
  source: string;
  /** Set when the region has no price of its own in any feed and the us-east-1 list price stands in. */
  fallbackFrom?: AwsRegion;
  note?: string;
}

/** A volume-tiered price: `upTo` is the cumulative monthly quantity where the tier ends (null = no end). */
export interface CatalogTieredPrice {
  unit: PriceUnit;
  source: string;
  fallbackFrom?: AwsRegion;
  note?: string;
  tiers: { upTo: number | null; usd: number }[];
}

export interface Ec2InstanceRow {
  usd: number;
  vcpu: number;
  memoryGiB: number;
  /** Set when this row comes from another source than its table (the fresher feed lacked the type). */
  source?: string;
}

export interface Ec2RegionTable {
  /** Source of the hourly prices. */
  source: string;
  /** Source of vCPU/memory when the price source does not state them (the karpenter table has prices only). */
  specsSource?: string;
  note?: string;
  types: Record<string, Ec2InstanceRow>;
}

export type RdsDeployment = 'single-az' | 'multi-az' | 'multi-az-readable-standbys';

export interface RdsClassRow {
  vcpu: number;
  memoryGiB: number;
  /** USD per instance-hour by deployment option; a deployment the class does not offer is absent. */
  hourly: Partial<Record<RdsDeployment, number>>;
}

export interface RdsStorageRow {
  gp2PerGbMonth?: CatalogPrice;
  gp3PerGbMonth?: CatalogPrice;
  gp3IopsPerMonth?: CatalogPrice;
  gp3ThroughputPerMbpsMonth?: CatalogPrice;
  io1PerGbMonth?: CatalogPrice;
  io1IopsPerMonth?: CatalogPrice;
}

export interface RdsRegionTable {
  source: string;
  classes: Record<string, RdsClassRow>;
  storage: Partial<Record<RdsDeployment, RdsStorageRow>>;
  backupPerGbMonth: CatalogPrice;
  /** RDS Extended Support surcharge per vCPU-hour by major version, for the versions the map lists. */
  extendedSupport?: Record<string, { years1To2: CatalogPrice; year3: CatalogPrice }>;
}

export type CacheEngine = 'redis' | 'valkey' | 'memcached';

export interface CacheNodeRow {
  vcpu: number;
  memoryGiB: number;
  hourly: Partial<Record<CacheEngine, number>>;
}

export interface CacheRegionTable {
  source: string;
  nodes: Record<string, CacheNodeRow>;
}

export interface OpenSearchRegionTable {
  source: string;
  /** USD per instance-hour by instance type ("r6g.large.search"). */
  instances: Record<string, { usd: number; vcpu: number; memoryGiB: number }>;
  gp3PerGbMonth: CatalogPrice;
  gp2PerGbMonth: CatalogPrice;
  magneticPerGbMonth: CatalogPrice;
}

export interface MskRegionTable {
  source: string;
  brokers: Record<string, { vcpu: number; memoryGiB: number; usd: number }>;
  storagePerGbMonth: CatalogPrice;
  provisionedThroughputPerMbpsMonth?: CatalogPrice;
  expressStoragePerGbMonth?: CatalogPrice;
  expressDataInPerGb?: CatalogPrice;
}

export interface EbsRegionPrices {
  gp3PerGbMonth: CatalogPrice;
  gp3IopsPerMonth: CatalogPrice;
  gp3ThroughputPerMibpsMonth: CatalogPrice;
  gp2PerGbMonth: CatalogPrice;
  io1PerGbMonth: CatalogPrice;
  io1IopsPerMonth: CatalogPrice;
  st1PerGbMonth: CatalogPrice;
  sc1PerGbMonth: CatalogPrice;
  snapshotPerGbMonth: CatalogPrice;
  io2PerGbMonth: CatalogPrice;
  io2IopsPerMonth: CatalogPrice;
  io2IopsTier2PerMonth: CatalogPrice;
  io2IopsTier3PerMonth: CatalogPrice;
  standardPerGbMonth: CatalogPrice;
  standardPerMillionIo: CatalogPrice;
}

export interface CloudWatchRegionPrices {
  standardAlarmMonthly: CatalogPrice;
  highResolutionAlarmMonthly: CatalogPrice;
  compositeAlarmMonthly: CatalogPrice;
  customMetrics: CatalogTieredPrice;
  dashboardMonthly: CatalogPrice;
  logsIngestionPerGb: CatalogPrice;
  logsStoragePerGbMonth: CatalogPrice;
}

export interface AwsRegionFlatPrices {
  natGateway: { hourly: CatalogPrice; perGbProcessed: CatalogPrice };
  alb: { hourly: CatalogPrice; lcuHourly: CatalogPrice };
  nlb: { hourly: CatalogPrice; nlcuHourly: CatalogPrice };
  /**
   * AWS Fargate (Linux/x86) under Compute Savings Plans, no upfront, by term: us-east-1 only (the one region a
   * source states); absent elsewhere.
   */
  fargateComputeSavingsPlan?: Record<CommitmentTerm, { vcpuHourly: CatalogPrice; gbHourly: CatalogPrice }>;
  /** Classic Load Balancer: us-east-1 only (the one region a source states); absent elsewhere, never a stand-in. */
  classicElb?: { hourly: CatalogPrice; perGbProcessed: CatalogPrice };
  sqs: { standardPerMillion: CatalogPrice; fifoPerMillion: CatalogPrice };
  cloudwatch: CloudWatchRegionPrices;
  ebs: EbsRegionPrices;
  dataTransferOut: CatalogTieredPrice;
  interAz: { egressPerGb: CatalogPrice; ingressPerGb: CatalogPrice };
  publicIpv4: { inUseHourly: CatalogPrice; idleHourly: CatalogPrice };
  gatewayLoadBalancerEndpointHourly: CatalogPrice;
  secretsManager: { perSecretMonth: CatalogPrice; per10kApiCalls: CatalogPrice };
  kms: { perKeyMonth: CatalogPrice; per10kRequests: CatalogPrice };
  eks: {
    clusterHourly: CatalogPrice;
    extendedSupportClusterHourly: CatalogPrice;
    fargateVcpuHourly: CatalogPrice;
    fargateGbHourly: CatalogPrice;
  };
  vpcInterfaceEndpoint: { hourlyPerAz: CatalogPrice; dataProcessed: CatalogTieredPrice };
  lambda: { requestX86: CatalogPrice; requestArm: CatalogPrice; gbSecondX86: CatalogPrice; gbSecondArm: CatalogPrice };
  /** S3 Standard: storage by cumulative GB-month, and requests (USD per request). */
  s3: { standardStorage: CatalogTieredPrice; putCopyPostListRequest: CatalogPrice; getAndOtherRequest: CatalogPrice };
  dynamodb: {
    onDemandReadRequest: CatalogPrice;
    onDemandWriteRequest: CatalogPrice;
    provisionedRcuHourly: CatalogPrice;
    provisionedWcuHourly: CatalogPrice;
    storagePerGbMonth: CatalogPrice;
    pitrPerGbMonth: CatalogPrice;
  };
}

export type CommitmentTerm = '1y' | '3y';

/** Standard Reserved Instance rates (no upfront, Linux, shared tenancy), USD per hour by instance type. */
export interface Ec2ReservedTable {
  source: string;
  types: Record<string, number>;
}

/** A reserved rate with the on-demand rate the same map prints next to it (USD per hour). */
export interface ReservedRate {
  usd: number;
  onDemandUsd: number;
}

/** RDS for PostgreSQL reserved instances (1 year, no upfront) by class and deployment. */
export interface RdsReservedTable {
  source: string;
  classes: Record<string, { 'single-az'?: ReservedRate; 'multi-az'?: ReservedRate }>;
}

/** ElastiCache reserved nodes (no upfront) by node type. */
export interface CacheReservedTable {
  source: string;
  nodes: Record<string, ReservedRate>;
}

export interface SupportPlanRecord {
  minimumMonthlyUsd: number;
  /** Marginal rates on monthly AWS charges; `upToUsd` is where the band ends (null = no end). */
  bands: { upToUsd: number | null; rate: number }[];
  sources: string[];
  note?: string;
}

export type SupportPlan = 'developer' | 'business' | 'enterprise-on-ramp' | 'enterprise';

export type VcpuKind = 'dedicated' | 'shared' | 'unspecified';
export type CpuArch = 'x86_64' | 'arm64';

export interface SelfHostedServerRow {
  name: string;
  vcpu: number;
  memoryGiB: number;
  diskGb: number;
  diskType: string;
  arch: CpuArch;
  /** Only set from what the source says; OVH and Scaleway lists do not state dedicated vs shared. */
  vcpuKind: VcpuKind;
  /** The provider's own category label, kept so users can see what `vcpuKind: unspecified` hides. */
  category: string;
  gpu: boolean;
  monthlyEur: number;
  hourlyEur: number;
}

export interface EurPrice {
  eur: number;
  unit: PriceUnit;
  note?: string;
}

export interface SelfHostedPriceList {
  provider: SelfHostedProvider;
  source: string;
  currency: 'EUR';
  /** Where the price file says its prices apply ("eu", "fr-par-1"). */
  priceLocations: string[];
  /** The provider's locations as listed by eu-cloud-prices' providers.json (no per-location prices exist). */
  providerLocations: string[];
  locationNote: string;
  servers: Record<string, SelfHostedServerRow>;
  loadBalancers: Record<string, { monthly: EurPrice; hourly?: EurPrice; note?: string }>;
  volumePerGbMonth?: EurPrice;
  volumeTiers?: Record<string, EurPrice>;
  snapshotPerGbMonth?: EurPrice;
  primaryIpv4Monthly?: EurPrice;
  traffic: { includedTbPerServer: number | 'unlimited'; overagePerGb: EurPrice; note?: string };
  objectStorage?: {
    perGbMonth: EurPrice;
    baseMonthly?: EurPrice;
    includedStorageTb?: number;
    includedEgressTb?: number;
    note?: string;
  };
  note?: string;
}

export type SelfHostedProvider = 'hetzner' | 'ovh' | 'scaleway';

export interface ExchangeRateRecord {
  /** USD per 1 EUR. */
  eurUsd: number;
  source: string;
  method: string;
  /** The rate the same file states it used (ECB reference rate), kept as a cross-check. */
  statedInSource: { eurUsd: number; basis: string; date: IsoDate };
}

export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql';

export interface AuroraRegionTable {
  /** Instance-hour by engine and DB instance class (Aurora Standard); "db.serverless" holds the Serverless v2 ACU-hour. */
  instances: Record<AuroraEngine, Record<string, CatalogPrice>>;
  storagePerGbMonth: Record<AuroraEngine, CatalogPrice>;
  ioPerMillion: Record<AuroraEngine, CatalogPrice>;
}

export interface CatalogData {
  schemaVersion: 1;
  catalogDate: { oldest: IsoDate; newest: IsoDate; summary: string };
  origin: { kind: 'snapshot'; note: string } | { kind: 'live'; retrieved: IsoDate; note: string };
  regions: AwsRegion[];
  sources: Record<string, SourceRecord>;
  exchangeRate: ExchangeRateRecord;
  aws: {
    ec2: Record<AwsRegion, Ec2RegionTable>;
    ec2Reserved: Record<AwsRegion, Record<CommitmentTerm, Ec2ReservedTable>>;
    /** 1 year only: the maps carry 3-year RDS reservations as Partial Upfront, not No Upfront. */
    rdsPostgresReserved: Record<AwsRegion, { '1y': RdsReservedTable }>;
    elasticacheReserved: Record<AwsRegion, Record<CommitmentTerm, CacheReservedTable>>;
    rdsPostgres: Record<AwsRegion, RdsRegionTable>;
    rdsMysql: Record<AwsRegion, RdsRegionTable>;
    rdsMariadb: Record<AwsRegion, RdsRegionTable>;
    opensearch: Record<AwsRegion, OpenSearchRegionTable>;
    elasticache: Record<AwsRegion, CacheRegionTable>;
    msk: Record<AwsRegion, MskRegionTable>;
    /**
     * Aurora (Standard storage configuration, on-demand), only for regions a source prices; I/O-Optimized has no
     * exact price in any source found and is absent.
     */
    aurora: Partial<Record<AwsRegion, AuroraRegionTable>>;
    regional: Record<AwsRegion, AwsRegionFlatPrices>;
    route53PrivateHostedZone: CatalogTieredPrice;
    /** CloudFront data transfer out to the internet, by viewer geography (global, not per region). */
    cloudfrontDataTransferOut: Record<string, CatalogTieredPrice>;
    /** CloudFront requests (USD per request), by the same viewer geographies. */
    cloudfrontRequests: Record<string, { https: CatalogPrice; http: CatalogPrice }>;
    /** Route 53 health checks (global): per check-month, and per optional feature per check-month. */
    route53HealthChecks: {
      basicAwsMonthly: CatalogPrice;
      basicNonAwsMonthly: CatalogPrice;
      optionalFeatureAwsMonthly: CatalogPrice;
      optionalFeatureNonAwsMonthly: CatalogPrice;
      /** Basic AWS-endpoint checks an account gets free each month (the map's zero-price first tier). */
      freeAwsChecks: number;
    };
    support: Record<SupportPlan, SupportPlanRecord>;
    /** Which commitment rates the catalog has (EC2 standard RIs, no upfront) and which it has not; see `note`. */
    commitmentDiscounts: { available: boolean; note: string };
  };
  selfHosted: {
    /** Price list used when a caller names only the provider. */
    defaults: Record<SelfHostedProvider, string>;
    priceLists: Record<string, SelfHostedPriceList>;
  };
}

// ---------------------------------------------------------------------------------------------------------
// What the lookup API returns
// ---------------------------------------------------------------------------------------------------------

export interface Price {
  usd: number;
  unit: PriceUnit;
  /** The file (under ../shared/data) or URL the price was read from. */
  source: string;
  published: IsoDate;
  fallbackFrom?: AwsRegion;
  note?: string;
}

export interface PriceTier extends Price {
  /** Cumulative monthly quantity where this tier starts and ends (null = no end), in the unit's quantity. */
  from: number;
  upTo: number | null;
}

/** A self-hosted price: stored in EUR, converted with the catalog (or caller's) EUR→USD rate at read time. */
export interface ConvertedPrice extends Price {
  eur: number;
  eurUsd: number;
}
