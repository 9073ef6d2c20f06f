/**
 * Typed lookups over a loaded catalog. Every price comes back as `{ usd, unit, source, published,
 * fallbackFrom? }`; anything the catalog does not have throws PriceNotFound so the pricing engine can list the
 * resource as "not priced" instead of silently costing it at zero.
 */
import { PriceNotFound } from './errors';
import {
  type AuroraEngine,
  type AwsRegion,
  type CacheEngine,
  type CommitmentTerm,
  type CatalogData,
  type CatalogPrice,
  type CatalogTieredPrice,
  type ConvertedPrice,
  type CpuArch,
  type EurPrice,
  type IsoDate,
  type Price,
  type PriceTier,
  type PriceUnit,
  type RdsDeployment,
  type SelfHostedPriceList,
  type SelfHostedProvider,
  type SourceRecord,
  type SupportPlan,
  type VcpuKind,
} from './types';

export interface Ec2Instance {
  type: string;
  vcpu: number;
  memoryGiB: number;
  hourly: Price;
}

export interface RdsStorage {
  gp2PerGbMonth?: Price;
  gp3PerGbMonth?: Price;
  gp3IopsPerMonth?: Price;
  gp3ThroughputPerMbpsMonth?: Price;
  io1PerGbMonth?: Price;
  io1IopsPerMonth?: Price;
  backupPerGbMonth: Price;
}

export interface ExchangeRate {
  /** USD per 1 EUR. */
  eurUsd: number;
  source: string;
  published: IsoDate;
  method: string;
  /** True when the caller supplied the rate instead of the catalog default. */
  overridden: boolean;
}

export interface SelfHostedServer {
  provider: SelfHostedProvider;
  priceList: string;
  id: string;
  name: string;
  vcpu: number;
  memoryGiB: number;
  diskGb: number;
  diskType: string;
  arch: CpuArch;
  vcpuKind: VcpuKind;
  category: string;
  gpu: boolean;
  monthly: ConvertedPrice;
  hourly: ConvertedPrice;
}

export interface ServerRequirement {
  vcpu: number;
  memoryGiB: number;
  /** Require dedicated vCPUs. Only lists that state dedicated vs shared (Hetzner) can satisfy this. */
  dedicated?: boolean;
  arch?: CpuArch;
  /** GPU servers are skipped unless asked for: they are never the cheap way to get CPU and memory. */
  allowGpu?: boolean;
}

export interface SelfHostedOptions {
  /** USD per EUR to convert with; defaults to the catalog's rate. */
  eurUsd?: number;
}

export interface SelfHostedServices {
  provider: SelfHostedProvider;
  priceList: string;
  priceLocations: string[];
  providerLocations: string[];
  locationNote: string;
  loadBalancers: Record<string, { monthly: ConvertedPrice; hourly?: ConvertedPrice; note?: string }>;
  volumePerGbMonth?: ConvertedPrice;
  volumeTiers?: Record<string, ConvertedPrice>;
  snapshotPerGbMonth?: ConvertedPrice;
  primaryIpv4Monthly?: ConvertedPrice;
  traffic: { includedTbPerServer: number | 'unlimited'; overagePerGb: ConvertedPrice; note?: string };
  objectStorage?: {
    perGbMonth: ConvertedPrice;
    baseMonthly?: ConvertedPrice;
    includedStorageTb?: number;
    includedEgressTb?: number;
    note?: string;
  };
}

export interface SupportCharge {
  plan: SupportPlan;
  usd: number;
  unit: 'month';
  /** True when the plan's monthly minimum exceeds the percentage-based fee. */
  minimumApplied: boolean;
  sources: { source: string; published: IsoDate; quote?: string }[];
}

/** Which column of CloudFront's price table serves viewers near each region. */
const CLOUDFRONT_GEOGRAPHY: Record<AwsRegion, string> = {
  'us-east-1': 'united-states',
  'us-west-2': 'united-states',
  'eu-central-1': 'europe',
  'eu-west-1': 'europe',
  'ap-south-1': 'india',
  'ap-southeast-1': 'hong-kong-singapore-asia',
};

/** The RDS engines whose on-demand maps the catalog carries. */
export type RdsEngine = 'postgres' | 'mysql' | 'mariadb';
const RDS_ENGINE_NAME: Record<RdsEngine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' };

const DEPLOYMENT_LABEL: Record<RdsDeployment, string> = {
  'single-az': 'Single-AZ',
  'multi-az': 'Multi-AZ',
  'multi-az-readable-standbys': 'Multi-AZ DB cluster (readable standbys)',
};

export class PriceCatalog {
  constructor(readonly data: CatalogData) {}

  /** Publication-date range of the feeds, for the line the CLI prints under every bill. */
  get catalogDate(): CatalogData['catalogDate'] {
    return this.data.catalogDate;
  }

  source(id: string): SourceRecord {
    const record = this.data.sources[id];
    if (!record) throw new Error(`Catalog is inconsistent: source "${id}" is referenced but not recorded`);
    return record;
  }

  // --- EC2 ------------------------------------------------------------------------------------------------

  ec2Hourly(region: AwsRegion, instanceType: string): Price {
    return this.ec2Instance(region, instanceType).hourly;
  }

  ec2Instance(region: AwsRegion, instanceType: string): Ec2Instance {
    const table = this.data.aws.ec2[this.region(region, 'EC2 on-demand Linux')];
    const row = table.types[instanceType];
    if (!row) {
      throw new PriceNotFound(
        'EC2 on-demand Linux',
        `${instanceType} in ${region}`,
        `the catalog carries the families ${familiesOf(Object.keys(table.types)).join(', ')}`,
      );
    }
    return {
      type: instanceType,
      vcpu: row.vcpu,
      memoryGiB: row.memoryGiB,
      hourly: this.resolve({ usd: row.usd, unit: 'instance-hour', source: row.source ?? table.source }),
    };
  }

  /** Standard Reserved Instance rate (no upfront, Linux, shared tenancy), USD per hour. */
  ec2ReservedHourly(region: AwsRegion, instanceType: string, term: CommitmentTerm): Price {
    const table = this.data.aws.ec2Reserved?.[this.region(region, 'EC2 Reserved Instances')]?.[term];
    const usd = table?.types[instanceType];
    if (!table || usd === undefined) throw new PriceNotFound(`EC2 Reserved Instance (${term}, no upfront)`, `${instanceType} in ${region}`, 'no such offer in the RI price map');
    return this.resolve({ usd, unit: 'instance-hour', source: table.source });
  }

  /**
   * RDS for PostgreSQL reserved instance, no upfront, USD per hour. Only the 1-year term is in the maps (3-year
   * reservations are Partial Upfront there), and the map's on-demand rate must match the catalog's, so a
   * reserved rate never pairs with another on-demand price list.
   */
  rdsPostgresReservedHourly(region: AwsRegion, instanceClass: string, deployment: RdsDeployment, term: CommitmentTerm): Price & { onDemandUsd: number } {
    const what = `RDS for PostgreSQL reserved instance (${term}, no upfront, ${DEPLOYMENT_LABEL[deployment]})`;
    const table = this.data.aws.rdsPostgresReserved?.[this.region(region, 'RDS reserved instances')]?.[term as '1y'];
    if (!table) throw new PriceNotFound(what, `${instanceClass} in ${region}`, 'the RDS reserved maps carry 1 year No Upfront only (3 years is Partial Upfront)');
    const rate = deployment === 'multi-az-readable-standbys' ? undefined : table.classes[instanceClass]?.[deployment];
    if (!rate) throw new PriceNotFound(what, `${instanceClass} in ${region}`, 'no such offer in the RDS RI price map');
    return { ...this.resolve({ usd: rate.usd, unit: 'instance-hour', source: table.source }), onDemandUsd: rate.onDemandUsd };
  }

  /**
   * ElastiCache reserved node, no upfront, USD per hour. The maps name no engine: their on-demand rate is Redis
   * OSS's (and Memcached's); AWS sells no Valkey-specific reserved nodes, so Valkey is charged the Redis OSS
   * reserved rate of the same node type (an upper bound) and the caller says so.
   */
  elasticacheReservedHourly(region: AwsRegion, nodeType: string, term: CommitmentTerm): Price & { onDemandUsd: number } {
    const table = this.data.aws.elasticacheReserved?.[this.region(region, 'ElastiCache reserved nodes')]?.[term];
    const rate = table?.nodes[nodeType];
    if (!table || !rate) throw new PriceNotFound(`ElastiCache reserved node (${term}, no upfront)`, `${nodeType} in ${region}`, 'no such offer in the ElastiCache RI price map');
    return { ...this.resolve({ usd: rate.usd, unit: 'node-hour', source: table.source }), onDemandUsd: rate.onDemandUsd };
  }

  ec2InstanceTypes(region: AwsRegion): Ec2Instance[] {
    const table = this.data.aws.ec2[this.region(region, 'EC2 on-demand Linux')];
    return Object.keys(table.types).map((type) => this.ec2Instance(region, type));
  }

  // --- RDS for PostgreSQL ---------------------------------------------------------------------------------

  rdsPostgresHourly(region: AwsRegion, instanceClass: string, deployment: RdsDeployment): Price {
    return this.rdsHourly(region, 'postgres', instanceClass, deployment);
  }

  /** RDS instance-hours for an engine whose map the catalog carries (PostgreSQL, MySQL, MariaDB). */
  rdsHourly(region: AwsRegion, engine: RdsEngine, instanceClass: string, deployment: RdsDeployment): Price {
    const name = `RDS for ${RDS_ENGINE_NAME[engine]}`;
    const table = this.rdsTables(engine)?.[this.region(region, name)];
    if (!table) throw new PriceNotFound(name, `${instanceClass} in ${region}`, 'no such engine map in this catalog');
    const row = table.classes[instanceClass];
    const usd = row?.hourly[deployment];
    if (usd === undefined) {
      throw new PriceNotFound(
        `${name} ${DEPLOYMENT_LABEL[deployment]}`,
        `${instanceClass} in ${region}`,
        row ? `offered as ${Object.keys(row.hourly).join(', ')} only` : 'no such instance class in the feed',
      );
    }
    return this.resolve({ usd, unit: 'instance-hour', source: table.source });
  }

  // --- Aurora (Standard storage configuration) -------------------------------------------------------------

  private auroraTable(region: AwsRegion, item: string) {
    const table = this.data.aws.aurora?.[this.region(region, item)];
    if (!table) throw new PriceNotFound(item, region, 'Aurora is priced in us-east-1 only (the one region a dated source states)');
    return table;
  }

  /** Aurora on-demand instance-hour (Aurora Standard) for an engine and DB instance class. */
  auroraHourly(region: AwsRegion, engine: AuroraEngine, instanceClass: string): Price {
    const row = this.auroraTable(region, `Aurora ${engine}`).instances[engine];
    const price = row[instanceClass];
    if (!price) throw new PriceNotFound(`Aurora ${engine} instance`, `${instanceClass} in ${region}`, `priced classes: ${Object.keys(row).sort().join(', ')}`);
    return this.resolve(price);
  }

  /** Aurora Standard cluster storage per GB-month and I/O per million requests. */
  auroraStorage(region: AwsRegion, engine: AuroraEngine): { perGbMonth: Price; ioPerMillion: Price } {
    const table = this.auroraTable(region, `Aurora ${engine} storage`);
    return { perGbMonth: this.resolve(table.storagePerGbMonth[engine]), ioPerMillion: this.resolve(table.ioPerMillion[engine]) };
  }

  /** RDS Extended Support surcharge per vCPU-hour for a major version, years 1-2 and year 3. */
  rdsExtendedSupport(region: AwsRegion, engine: RdsEngine, version: string): { years1To2: Price; year3: Price } {
    const name = `RDS for ${RDS_ENGINE_NAME[engine]} Extended Support`;
    const bands = this.rdsTables(engine)?.[this.region(region, name)]?.extendedSupport?.[version];
    if (!bands) throw new PriceNotFound(name, `version ${version} in ${region}`, 'the engine\'s price map lists no surcharge for this version');
    return this.resolveAll(bands);
  }

  /** vCPUs of an RDS instance class in an engine's map. */
  rdsVcpu(region: AwsRegion, engine: RdsEngine, instanceClass: string): number {
    const row = this.rdsTables(engine)?.[this.region(region, `RDS for ${RDS_ENGINE_NAME[engine]}`)]?.classes[instanceClass];
    if (!row) throw new PriceNotFound(`RDS for ${RDS_ENGINE_NAME[engine]}`, `${instanceClass} in ${region}`);
    return row.vcpu;
  }

  private rdsTables(engine: RdsEngine): CatalogData['aws']['rdsPostgres'] | undefined {
    return engine === 'mysql' ? this.data.aws.rdsMysql : engine === 'mariadb' ? this.data.aws.rdsMariadb : this.data.aws.rdsPostgres;
  }

  /** vCPU and memory of an RDS instance class, and the deployments it is offered in. */
  rdsPostgresClass(region: AwsRegion, instanceClass: string): { vcpu: number; memoryGiB: number; deployments: RdsDeployment[] } {
    const row = this.data.aws.rdsPostgres[this.region(region, 'RDS for PostgreSQL')].classes[instanceClass];
    if (!row) throw new PriceNotFound('RDS for PostgreSQL', `${instanceClass} in ${region}`);
    return { vcpu: row.vcpu, memoryGiB: row.memoryGiB, deployments: Object.keys(row.hourly) as RdsDeployment[] };
  }

  /** Storage, provisioned IOPS/throughput and backup prices. Multi-AZ storage is billed for both copies. */
  rdsStorage(region: AwsRegion, deployment: RdsDeployment, engine: RdsEngine = 'postgres'): RdsStorage {
    const table = this.rdsTables(engine)?.[this.region(region, 'RDS storage')];
    if (!table) throw new PriceNotFound('RDS storage', `${engine} in ${region}`, 'no such engine map in this catalog');
    const row = table.storage[deployment];
    if (!row) throw new PriceNotFound('RDS storage', `${DEPLOYMENT_LABEL[deployment]} in ${region}`);
    return { ...this.resolveAll(row), backupPerGbMonth: this.resolve(table.backupPerGbMonth) };
  }

  // --- OpenSearch Service -------------------------------------------------------------------------------

  /** OpenSearch Service instance-hours (data and dedicated master nodes) by instance type ("r6g.large.search"). */
  opensearchHourly(region: AwsRegion, instanceType: string): Price {
    const table = this.data.aws.opensearch?.[this.region(region, 'OpenSearch')];
    if (!table) throw new PriceNotFound('OpenSearch', `${instanceType} in ${region}`, 'no OpenSearch map in this catalog');
    const row = table.instances[instanceType];
    if (!row) throw new PriceNotFound('OpenSearch instance', `${instanceType} in ${region}`, 'no such instance type in the feed');
    return this.resolve({ usd: row.usd, unit: 'instance-hour', source: table.source });
  }

  /** OpenSearch EBS storage per GB-month by volume type. */
  opensearchStorage(region: AwsRegion): { gp3PerGbMonth: Price; gp2PerGbMonth: Price; magneticPerGbMonth: Price } {
    const table = this.data.aws.opensearch?.[this.region(region, 'OpenSearch storage')];
    if (!table) throw new PriceNotFound('OpenSearch storage', region, 'no OpenSearch map in this catalog');
    const { gp3PerGbMonth, gp2PerGbMonth, magneticPerGbMonth } = table;
    return this.resolveAll({ gp3PerGbMonth, gp2PerGbMonth, magneticPerGbMonth });
  }

  // --- ElastiCache and MSK --------------------------------------------------------------------------------

  elasticacheHourly(region: AwsRegion, nodeType: string, engine: CacheEngine): Price {
    const table = this.data.aws.elasticache[this.region(region, 'ElastiCache')];
    const usd = table.nodes[nodeType]?.hourly[engine];
    if (usd === undefined) throw new PriceNotFound(`ElastiCache ${engine} node`, `${nodeType} in ${region}`);
    return this.resolve({ usd, unit: 'node-hour', source: table.source });
  }

  elasticacheNode(region: AwsRegion, nodeType: string): { vcpu: number; memoryGiB: number; engines: CacheEngine[] } {
    const row = this.data.aws.elasticache[this.region(region, 'ElastiCache')].nodes[nodeType];
    if (!row) throw new PriceNotFound('ElastiCache node', `${nodeType} in ${region}`);
    return { vcpu: row.vcpu, memoryGiB: row.memoryGiB, engines: Object.keys(row.hourly) as CacheEngine[] };
  }

  /** Broker-hours; `brokerType` as MSK names it: "kafka.m7g.large" or "express.m7g.large". */
  mskBrokerHourly(region: AwsRegion, brokerType: string): Price {
    const table = this.data.aws.msk[this.region(region, 'MSK')];
    const broker = table.brokers[brokerType];
    if (!broker) {
      throw new PriceNotFound('MSK broker', `${brokerType} in ${region}`, `brokers: ${Object.keys(table.brokers).join(', ')}`);
    }
    return this.resolve({ usd: broker.usd, unit: 'broker-hour', source: table.source });
  }

  mskStorage(region: AwsRegion): {
    perGbMonth: Price;
    provisionedThroughputPerMbpsMonth?: Price;
    expressStoragePerGbMonth?: Price;
    expressDataInPerGb?: Price;
  } {
    const table = this.data.aws.msk[this.region(region, 'MSK storage')];
    return this.resolveAll({
      perGbMonth: table.storagePerGbMonth,
      provisionedThroughputPerMbpsMonth: table.provisionedThroughputPerMbpsMonth,
      expressStoragePerGbMonth: table.expressStoragePerGbMonth,
      expressDataInPerGb: table.expressDataInPerGb,
    });
  }

  // --- Networking, storage and account-level services -----------------------------------------------------

  natGateway(region: AwsRegion): { hourly: Price; perGbProcessed: Price } {
    return this.resolveAll(this.regional(region, 'NAT gateway').natGateway);
  }

  alb(region: AwsRegion): { hourly: Price; lcuHourly: Price } {
    return this.resolveAll(this.regional(region, 'Application Load Balancer').alb);
  }

  nlb(region: AwsRegion): { hourly: Price; nlcuHourly: Price } {
    return this.resolveAll(this.regional(region, 'Network Load Balancer').nlb);
  }

  /** Fargate (Linux/x86) under a Compute Savings Plan, no upfront; PriceNotFound outside us-east-1. */
  fargateSavingsPlan(region: AwsRegion, term: CommitmentTerm): { vcpuHourly: Price; gbHourly: Price } {
    const plans = this.regional(region, 'Fargate Compute Savings Plan').fargateComputeSavingsPlan;
    if (!plans) throw new PriceNotFound(`Fargate Compute Savings Plan (${term}, no upfront)`, region, 'the only dated source (Clarchy\'s AWS Price List book) covers us-east-1');
    return this.resolveAll(plans[term]);
  }

  /** Classic Load Balancer hour and GB processed; PriceNotFound outside us-east-1 (no regional source). */
  classicElb(region: AwsRegion): { hourly: Price; perGbProcessed: Price } {
    const prices = this.regional(region, 'Classic Load Balancer').classicElb;
    if (!prices) throw new PriceNotFound('Classic Load Balancer', region, 'the only dated source (AWS ELB pricing page examples) states us-east-1 prices');
    return this.resolveAll(prices);
  }

  sqs(region: AwsRegion): { standardPerMillion: Price; fifoPerMillion: Price } {
    return this.resolveAll(this.regional(region, 'SQS').sqs);
  }

  cloudwatch(region: AwsRegion): {
    standardAlarmMonthly: Price;
    highResolutionAlarmMonthly: Price;
    compositeAlarmMonthly: Price;
    customMetrics: PriceTier[];
    dashboardMonthly: Price;
    logsIngestionPerGb: Price;
    logsStoragePerGbMonth: Price;
  } {
    const { customMetrics, ...flat } = this.regional(region, 'CloudWatch').cloudwatch;
    return { ...this.resolveAll(flat), customMetrics: this.resolveTiers(customMetrics) };
  }

  ebs(region: AwsRegion): {
    gp3PerGbMonth: Price;
    gp3IopsPerMonth: Price;
    gp3ThroughputPerMibpsMonth: Price;
    gp2PerGbMonth: Price;
    io1PerGbMonth: Price;
    io1IopsPerMonth: Price;
    st1PerGbMonth: Price;
    sc1PerGbMonth: Price;
    snapshotPerGbMonth: Price;
    io2PerGbMonth: Price;
    io2IopsPerMonth: Price;
    io2IopsTier2PerMonth: Price;
    io2IopsTier3PerMonth: Price;
    standardPerGbMonth: Price;
    standardPerMillionIo: Price;
  } {
    return this.resolveAll(this.regional(region, 'EBS').ebs);
  }

  /** Internet data transfer out, tiered by cumulative GB per month. */
  dataTransferOutTiers(region: AwsRegion): PriceTier[] {
    return this.resolveTiers(this.regional(region, 'data transfer out').dataTransferOut);
  }

  /** Cross-AZ traffic within a region: AWS bills the sending side (egress) and the receiving side (ingress). */
  interAzPerGb(region: AwsRegion): { egress: Price; ingress: Price } {
    const { egressPerGb, ingressPerGb } = this.regional(region, 'inter-AZ transfer').interAz;
    return { egress: this.resolve(egressPerGb), ingress: this.resolve(ingressPerGb) };
  }

  publicIpv4Hourly(region: AwsRegion): { inUse: Price; idle: Price } {
    const { inUseHourly, idleHourly } = this.regional(region, 'public IPv4').publicIpv4;
    return { inUse: this.resolve(inUseHourly), idle: this.resolve(idleHourly) };
  }

  gatewayLoadBalancerEndpointHourly(region: AwsRegion): Price {
    return this.resolve(this.regional(region, 'Gateway Load Balancer endpoint').gatewayLoadBalancerEndpointHourly);
  }

  secretsManager(region: AwsRegion): { perSecretMonth: Price; per10kApiCalls: Price } {
    return this.resolveAll(this.regional(region, 'Secrets Manager').secretsManager);
  }

  kms(region: AwsRegion): { perKeyMonth: Price; per10kRequests: Price } {
    return this.resolveAll(this.regional(region, 'KMS').kms);
  }

  lambda(region: AwsRegion): { requestX86: Price; requestArm: Price; gbSecondX86: Price; gbSecondArm: Price } {
    return this.resolveAll(this.regional(region, 'Lambda').lambda);
  }

  dynamodb(region: AwsRegion): {
    onDemandReadRequest: Price;
    onDemandWriteRequest: Price;
    provisionedRcuHourly: Price;
    provisionedWcuHourly: Price;
    storagePerGbMonth: Price;
    pitrPerGbMonth: Price;
  } {
    return this.resolveAll(this.regional(region, 'DynamoDB').dynamodb);
  }

  /** AWS Fargate rates (the same for ECS and EKS tasks; read from the EKS map, which carries them). */
  fargate(region: AwsRegion): { vcpuHourly: Price; gbHourly: Price } {
    const eks = this.regional(region, 'Fargate').eks;
    return { vcpuHourly: this.resolve(eks.fargateVcpuHourly), gbHourly: this.resolve(eks.fargateGbHourly) };
  }

  eksClusterHourly(region: AwsRegion): Price {
    return this.resolve(this.regional(region, 'EKS').eks.clusterHourly);
  }

  eks(region: AwsRegion): { clusterHourly: Price; extendedSupportClusterHourly: Price; fargateVcpuHourly: Price; fargateGbHourly: Price } {
    return this.resolveAll(this.regional(region, 'EKS').eks);
  }

  /** Interface endpoints: hourly per endpoint per AZ, plus data processed in tiers of cumulative GB per month. */
  vpcInterfaceEndpoint(region: AwsRegion): { hourlyPerAz: Price; dataProcessed: PriceTier[] } {
    const endpoint = this.regional(region, 'VPC interface endpoint').vpcInterfaceEndpoint;
    return { hourlyPerAz: this.resolve(endpoint.hourlyPerAz), dataProcessed: this.resolveTiers(endpoint.dataProcessed) };
  }

  /** Route 53 hosted zones (global): tiers by number of zones in the account. */
  /**
   * CloudFront data transfer out, for viewers near the region: the pricing page's geography that contains the
   * region (US regions → United States, EU → Europe, Mumbai → India, Singapore → its Asia column).
   */
  cloudfrontDataTransferOutTiers(region: AwsRegion): { geography: string; tiers: PriceTier[] } {
    const geography = CLOUDFRONT_GEOGRAPHY[region];
    const table = this.data.aws.cloudfrontDataTransferOut?.[geography];
    if (!table) throw new PriceNotFound('CloudFront data transfer out', `viewers in ${geography}`);
    return { geography, tiers: this.resolveTiers(table) };
  }

  route53PrivateHostedZoneMonthly(): PriceTier[] {
    return this.resolveTiers(this.data.aws.route53PrivateHostedZone);
  }

  /** CloudFront requests (USD per request) for viewers near the region, HTTPS and HTTP. */
  cloudfrontRequests(region: AwsRegion): { geography: string; https: Price; http: Price } {
    const geography = CLOUDFRONT_GEOGRAPHY[region];
    const prices = this.data.aws.cloudfrontRequests?.[geography];
    if (!prices) throw new PriceNotFound('CloudFront requests', `viewers in ${geography}`);
    return { geography, https: this.resolve(prices.https), http: this.resolve(prices.http) };
  }

  /** Route 53 health checks (global). */
  route53HealthChecks(): { basicAwsMonthly: Price; basicNonAwsMonthly: Price; optionalFeatureAwsMonthly: Price; optionalFeatureNonAwsMonthly: Price; freeAwsChecks: number } {
    const checks = this.data.aws.route53HealthChecks;
    if (!checks) throw new PriceNotFound('Route 53 health checks', 'global');
    const { freeAwsChecks, ...prices } = checks;
    return { ...this.resolveAll(prices), freeAwsChecks };
  }

  /** S3 Standard storage (tiers by cumulative GB-month) and requests, USD per request. */
  s3Standard(region: AwsRegion): { storage: PriceTier[]; putCopyPostListRequest: Price; getAndOtherRequest: Price } {
    const s3 = this.regional(region, 'S3').s3;
    if (!s3) throw new PriceNotFound('S3', region);
    return { storage: this.resolveTiers(s3.standardStorage), putCopyPostListRequest: this.resolve(s3.putCopyPostListRequest), getAndOtherRequest: this.resolve(s3.getAndOtherRequest) };
  }

  // --- AWS Support and commitments ------------------------------------------------------------------------

  supportPlan(plan: SupportPlan): CatalogData['aws']['support'][SupportPlan] {
    const record = this.data.aws.support[plan];
    if (!record) throw new PriceNotFound('AWS Support plan', plan);
    return record;
  }

  /** Monthly support fee: the greater of the plan minimum and the banded percentage of monthly AWS charges. */
  supportMonthly(plan: SupportPlan, monthlyAwsChargesUsd: number): SupportCharge {
    const record = this.supportPlan(plan);
    let remaining = Math.max(0, monthlyAwsChargesUsd);
    let bandStart = 0;
    let percentageFee = 0;
    for (const band of record.bands) {
      const width = band.upToUsd === null ? remaining : Math.min(remaining, band.upToUsd - bandStart);
      percentageFee += width * band.rate;
      remaining -= width;
      bandStart = band.upToUsd ?? bandStart;
    }
    return {
      plan,
      usd: Math.max(record.minimumMonthlyUsd, percentageFee),
      unit: 'month',
      minimumApplied: record.minimumMonthlyUsd > percentageFee,
      sources: record.sources.map((id) => {
        const source = this.source(id);
        return { source: source.file ?? source.url, published: source.published, quote: source.quote };
      }),
    };
  }

  /** Reserved/savings-plan rates are not in any feed; this says so rather than returning a number. */
  commitmentDiscounts(): CatalogData['aws']['commitmentDiscounts'] {
    return this.data.aws.commitmentDiscounts;
  }

  // --- Self-hosted (EUR, converted on read) ---------------------------------------------------------------

  exchangeRate(overrideEurUsd?: number): ExchangeRate {
    const record = this.data.exchangeRate;
    const source = this.source(record.source);
    if (overrideEurUsd !== undefined && !(overrideEurUsd > 0)) throw new RangeError(`EUR→USD rate must be positive, got ${overrideEurUsd}`);
    return {
      eurUsd: overrideEurUsd ?? record.eurUsd,
      source: source.file ?? source.url,
      published: source.published,
      method: overrideEurUsd === undefined ? record.method : 'supplied by the caller',
      overridden: overrideEurUsd !== undefined,
    };
  }

  /** Price-list ids, e.g. ["hetzner-2026-01", "hetzner-2026-08"], optionally for one provider. */
  selfHostedPriceLists(provider?: SelfHostedProvider): string[] {
    return Object.entries(this.data.selfHosted.priceLists)
      .filter(([, list]) => provider === undefined || list.provider === provider)
      .map(([id]) => id)
      .sort();
  }

  /** `list` is a provider (its default, freshest list) or a price-list id such as "hetzner-2026-01". */
  selfHostedServers(list: SelfHostedProvider | string, options: SelfHostedOptions = {}): SelfHostedServer[] {
    const { id, priceList } = this.priceList(list);
    const eurUsd = this.exchangeRate(options.eurUsd).eurUsd;
    return Object.entries(priceList.servers).map(([serverId, row]) => ({
      provider: priceList.provider,
      priceList: id,
      id: serverId,
      name: row.name,
      vcpu: row.vcpu,
      memoryGiB: row.memoryGiB,
      diskGb: row.diskGb,
      diskType: row.diskType,
      arch: row.arch,
      vcpuKind: row.vcpuKind,
      category: row.category,
      gpu: row.gpu,
      monthly: this.convert({ eur: row.monthlyEur, unit: 'month' }, priceList.source, eurUsd),
      hourly: this.convert({ eur: row.hourlyEur, unit: 'hour' }, priceList.source, eurUsd),
    }));
  }

  selfHostedServer(list: SelfHostedProvider | string, serverId: string, options: SelfHostedOptions = {}): SelfHostedServer {
    // Providers spell ids in different cases ("ccx23", "POP2-2C-8G"); users type either.
    const server = this.selfHostedServers(list, options).find((s) => s.id.toLowerCase() === serverId.toLowerCase());
    if (!server) throw new PriceNotFound('self-hosted server', `${serverId} in ${this.priceList(list).id}`);
    return server;
  }

  /**
   * The cheapest server type (by monthly price) meeting a requirement, for bin-packing. Ties go to the smaller
   * server, then to the id, so the choice is stable.
   */
  cheapestServer(list: SelfHostedProvider | string, requirement: ServerRequirement, options: SelfHostedOptions = {}): SelfHostedServer {
    const fitting = this.selfHostedServers(list, options).filter(
      (server) =>
        server.vcpu >= requirement.vcpu &&
        server.memoryGiB >= requirement.memoryGiB &&
        (!requirement.dedicated || server.vcpuKind === 'dedicated') &&
        (requirement.arch === undefined || server.arch === requirement.arch) &&
        (requirement.allowGpu || !server.gpu),
    );
    fitting.sort(
      (a, b) => a.monthly.eur - b.monthly.eur || a.vcpu - b.vcpu || a.memoryGiB - b.memoryGiB || a.id.localeCompare(b.id),
    );
    const cheapest = fitting[0];
    if (!cheapest) {
      const { id, priceList } = this.priceList(list);
      const states = Object.values(priceList.servers).some((s) => s.vcpuKind !== 'unspecified');
      throw new PriceNotFound(
        'self-hosted server',
        `${requirement.vcpu} vCPU / ${requirement.memoryGiB} GiB${requirement.dedicated ? ' dedicated' : ''}` +
          `${requirement.arch ? ` ${requirement.arch}` : ''} in ${id}`,
        requirement.dedicated && !states ? `the ${id} list does not state whether vCPUs are dedicated` : 'no server type is large enough',
      );
    }
    return cheapest;
  }

  /** Load balancers, volumes, snapshots, IPv4, traffic and object storage of a self-hosted price list. */
  selfHostedServices(list: SelfHostedProvider | string, options: SelfHostedOptions = {}): SelfHostedServices {
    const { id, priceList } = this.priceList(list);
    const eurUsd = this.exchangeRate(options.eurUsd).eurUsd;
    const convert = (price: EurPrice) => this.convert(price, priceList.source, eurUsd);
    const optional = (price: EurPrice | undefined) => (price ? convert(price) : undefined);
    const storage = priceList.objectStorage;
    return {
      provider: priceList.provider,
      priceList: id,
      priceLocations: priceList.priceLocations,
      providerLocations: priceList.providerLocations,
      locationNote: priceList.locationNote,
      loadBalancers: Object.fromEntries(
        Object.entries(priceList.loadBalancers).map(([name, lb]) => [
          name,
          { monthly: convert(lb.monthly), hourly: optional(lb.hourly), note: lb.note },
        ]),
      ),
      volumePerGbMonth: optional(priceList.volumePerGbMonth),
      volumeTiers: priceList.volumeTiers
        ? Object.fromEntries(Object.entries(priceList.volumeTiers).map(([tier, p]) => [tier, convert(p)]))
        : undefined,
      snapshotPerGbMonth: optional(priceList.snapshotPerGbMonth),
      primaryIpv4Monthly: optional(priceList.primaryIpv4Monthly),
      traffic: { ...priceList.traffic, overagePerGb: convert(priceList.traffic.overagePerGb) },
      objectStorage: storage && {
        ...storage,
        perGbMonth: convert(storage.perGbMonth),
        baseMonthly: optional(storage.baseMonthly),
      },
    };
  }

  // --- internals -------------------------------------------------------------------------------------------

  private region(region: AwsRegion, item: string): AwsRegion {
    if (!this.data.regions.includes(region)) {
      throw new PriceNotFound(item, `region ${region}`, `the catalog covers ${this.data.regions.join(', ')}`);
    }
    return region;
  }

  private regional(region: AwsRegion, item: string) {
    return this.data.aws.regional[this.region(region, item)];
  }

  private priceList(list: SelfHostedProvider | string): { id: string; priceList: SelfHostedPriceList } {
    const id = (this.data.selfHosted.defaults as Record<string, string>)[list] ?? list;
    const priceList = this.data.selfHosted.priceLists[id];
    if (!priceList) {
      throw new PriceNotFound('self-hosted price list', list, `available: ${this.selfHostedPriceLists().join(', ')}`);
    }
    return { id, priceList };
  }

  private resolve(price: CatalogPrice): Price {
    const source = this.source(price.source);
    const resolved: Price = { usd: price.usd, unit: price.unit, source: source.file ?? source.url, published: source.published };
    if (price.fallbackFrom) resolved.fallbackFrom = price.fallbackFrom;
    if (price.note) resolved.note = price.note;
    return resolved;
  }

  /** Resolves every price of a record, keeping absent optional prices absent. */
  private resolveAll<T extends { [K in keyof T]: CatalogPrice | undefined }>(
    prices: T,
  ): { [K in keyof T]: T[K] extends CatalogPrice ? Price : Price | undefined } {
    return Object.fromEntries(
      (Object.entries(prices) as [string, CatalogPrice | undefined][])
        .filter((entry): entry is [string, CatalogPrice] => entry[1] !== undefined)
        .map(([key, price]) => [key, this.resolve(price)]),
    ) as { [K in keyof T]: T[K] extends CatalogPrice ? Price : Price | undefined };
  }

  private resolveTiers(tiered: CatalogTieredPrice): PriceTier[] {
    let from = 0;
    return tiered.tiers.map((tier) => {
      const price = this.resolve({ usd: tier.usd, unit: tiered.unit, source: tiered.source, fallbackFrom: tiered.fallbackFrom, note: tiered.note });
      const resolved: PriceTier = { ...price, from, upTo: tier.upTo };
      from = tier.upTo ?? from;
      return resolved;
    });
  }

  private convert(price: EurPrice, sourceId: string, eurUsd: number): ConvertedPrice {
    const source = this.source(sourceId);
    const converted: ConvertedPrice = {
      usd: price.eur * eurUsd,
      eur: price.eur,
      eurUsd,
      unit: price.unit as PriceUnit,
      source: source.file ?? source.url,
      published: source.published,
    };
    if (price.note) converted.note = price.note;
    return converted;
  }
}

function familiesOf(types: string[]): string[] {
  return [...new Set(types.map((type) => type.split('.')[0]!))].sort();
}
