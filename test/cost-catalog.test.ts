/**
 * Price catalog: parsers on excerpts of the real feeds (test/fixtures/prices), list prices pinned against the
 * feeds, lookups and PriceNotFound, refresh failing fast offline, and — when ../shared is present (CI) — the
 * committed catalog being exactly what the build script produces from the shared feeds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../core/errors';
import { buildCatalog, serializeCatalog } from '../cost/catalog/build';
import { FEEDS, LIVE_FEED_IDS, type FeedId } from '../cost/catalog/feeds';
import {
  FeedFormatError,
  FeedUnreachable,
  PriceNotFound,
  loadCatalog,
  refreshCatalog,
  type Price,
  type PriceTier,
} from '../cost/catalog';
import { decodePayload, readSnapshotPayloads } from '../cost/catalog/payloads';
import { parseCoroot } from '../cost/catalog/parsers/coroot';
import { parseEbs } from '../cost/catalog/parsers/ebs';
import { impliedEurUsd, parseEc2PricingPage, parseEuCloudPricesAws, parseKarpenter } from '../cost/catalog/parsers/ec2';
import { parseElastiCache } from '../cost/catalog/parsers/elasticache';
import { parseProviderList, parseProviderLocations } from '../cost/catalog/parsers/eu-cloud-prices';
import { parseMsk } from '../cost/catalog/parsers/msk';
import { parseCloudWatch, parseEks, parseNatGateway, parseVpc } from '../cost/catalog/parsers/network';
import { parseRdsPostgres } from '../cost/catalog/parsers/rds';
import { AWS_REGIONS, type CatalogData } from '../cost/catalog/types';
import { ROOT } from './support/paths';

const FIXTURES = join(ROOT, 'test/fixtures/prices');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const COMMITTED_CATALOG = join(ROOT, 'data/prices/catalog.json');
const SHARED_PRICES = join(ROOT, '../shared/data/prices');

describe('feed parsers on excerpts of the real feeds', () => {
  test('EC2 pricing-page map: price, vCPU and memory per type', () => {
    // ec2shop_ec2-ondemand-linux_us-east-1.json, published 2025-04-04: "m7g large ...": price "0.0816000000", 2 vCPU, "8 GiB"
    const page = parseEc2PricingPage(fixture('ec2shop_ec2-ondemand-linux_us-east-1.excerpt.json'), 'us-east-1', 'ec2');
    expect(page.published).toBe('2025-04-04');
    expect(page.types['m7g.large']).toEqual({ usd: 0.0816, vcpu: 2, memoryGiB: 8 });
    expect(page.types['t3.micro']).toEqual({ usd: 0.0104, vcpu: 2, memoryGiB: 1 });
    expect(Object.keys(page.types)).toHaveLength(6);
  });

  test('Karpenter table: the Go source (live) and its JSON transcription (snapshot) parse alike', () => {
    // zz_generated.pricing_aws.go generated 2026-01-19: "c6g.metal": 2.306600, "c7i-flex.large": 0.084790
    const go = parseKarpenter(readFileSync(join(FIXTURES, 'zz_generated.pricing_aws.excerpt.go'), 'utf8'), 'karpenter');
    expect(go.generatedAt).toBe('2026-01-19');
    expect(Object.keys(go.prices)).toEqual(['us-east-1']);
    expect(go.prices['us-east-1']).toMatchObject({ 'c6g.metal': 2.3066, 'c7i-flex.large': 0.08479, 'c7g.medium': 0.0363 });
    expect(Object.keys(go.prices['us-east-1']!)).toHaveLength(25);
    // karpenter_ec2-ondemand_us-east-1.json (derived JSON, generated 2026-07-20): "m7g.large": 0.0816
    const snapshot = parseKarpenter(fixture('karpenter_ec2-ondemand_us-east-1.excerpt.json'), 'karpenter');
    expect(snapshot.generatedAt).toBe('2026-07-20');
    expect(snapshot.prices['us-east-1']).toMatchObject({ 'm7g.large': 0.0816, 'c6g.metal': 2.3066 });
  });

  test('eu-cloud-prices AWS file: USD next to EUR, and the ECB rate it states', () => {
    // eucloudprices_aws_eu-central-1.json, fetched 2026-08-14: m7g.large price_hourly 0.0845 EUR, price_usd_hourly 0.0978
    const list = parseEuCloudPricesAws(fixture('eucloudprices_aws_eu-central-1.excerpt.json'), 'eucloudprices-aws');
    expect(list.published).toBe('2026-08-14');
    expect(list.types['m7g.large']).toEqual({ usd: 0.0978, eur: 0.0845, vcpu: 2, memoryGiB: 8 });
    expect(list.statedFx).toEqual({ eurUsd: 1.1567, date: '2026-08-14', basis: 'ECB EXR daily reference rates' });
    expect(impliedEurUsd(list)).toBeCloseTo(1.1567, 3);
  });

  test('RDS for PostgreSQL: instances by deployment, storage, backup', () => {
    // ec2shop_rds-postgresql-ondemand.json, published 2024-09-28, US East (N. Virginia)
    const rds = parseRdsPostgres(fixture('ec2shop_rds-postgresql-ondemand.excerpt.json'), 'us-east-1', 'rds');
    expect(rds.published).toBe('2024-09-28');
    expect(rds.classes['db.r6g.large']).toEqual({ vcpu: 2, memoryGiB: 16, hourly: { 'single-az': 0.225, 'multi-az': 0.45 } });
    expect(rds.storage['single-az']).toMatchObject({ gp2PerGbMonth: 0.115, gp3PerGbMonth: 0.115, gp3IopsPerMonth: 0.02, gp3ThroughputPerMbpsMonth: 0.08 });
    expect(rds.storage['multi-az'].gp3PerGbMonth).toBe(0.23);
    // Multi-AZ DB clusters have no gp2 storage in the feed, so the catalog has none either.
    expect(rds.storage['multi-az-readable-standbys'].gp2PerGbMonth).toBeUndefined();
    expect(rds.storage['multi-az-readable-standbys'].gp3PerGbMonth).toBe(0.345);
    expect(rds.backupPerGbMonth).toBe(0.095); // "Storage Snapshot"
  });

  test('ElastiCache: node-hours per engine; data tiering and serverless keys are not nodes', () => {
    // ec2shop_elasticache.json, published 2025-03-14: cache.r7g.large Redis "0.2190000000", Valkey "0.1752000000"
    const cache = parseElastiCache(fixture('ec2shop_elasticache.excerpt.json'), 'us-east-1', 'elasticache');
    expect(cache.nodes['cache.r7g.large']).toEqual({ vcpu: 2, memoryGiB: 13.07, hourly: { redis: 0.219, valkey: 0.1752, memcached: 0.219 } });
    expect(cache.nodes['cache.r7g.large']!.hourly.valkey).toBeCloseTo(0.8 * cache.nodes['cache.r7g.large']!.hourly.redis!, 10);
    expect(Object.keys(cache.nodes).sort()).toEqual(['cache.r7g.large', 'cache.t4g.micro']);
  });

  test('MSK: standard and Express brokers, storage and throughput', () => {
    // awsprice_msk.json, published 2025-10-09: USE1-Kafka.m7g.large "0.2040000000", USE1-Express.m7g.large "0.4080000000"
    const msk = parseMsk(fixture('awsprice_msk.excerpt.json'), 'us-east-1', 'msk');
    expect(msk.published).toBe('2025-10-09');
    expect(msk.brokers).toEqual({
      'kafka.m7g.large': { vcpu: 2, memoryGiB: 8, usd: 0.204 },
      'express.m7g.large': { vcpu: 2, memoryGiB: 8, usd: 0.408 },
    });
    expect(msk.storagePerGbMonth).toBe(0.1);
    expect(msk.provisionedThroughputPerMbpsMonth).toBe(0.08);
    expect(msk.expressStoragePerGbMonth).toBe(0.1);
    expect(msk.expressDataInPerGb).toBe(0.01);
  });

  test('EBS volumes and snapshots', () => {
    // ec2shop_ebs.json, published 2024-07-18, us-east-1
    expect(parseEbs(fixture('ec2shop_ebs.excerpt.json'), 'us-east-1', 'ebs')).toEqual({
      published: '2024-07-18',
      gp3PerGbMonth: 0.08,
      gp3IopsPerMonth: 0.005,
      gp3ThroughputPerGibpsMonth: 40.96,
      gp2PerGbMonth: 0.1,
      io1PerGbMonth: 0.125,
      io1IopsPerMonth: 0.065,
      st1PerGbMonth: 0.045,
      sc1PerGbMonth: 0.015,
      snapshotPerGbMonth: 0.05,
      io2PerGbMonth: 0.125,
      io2IopsPerMonth: 0.065,
      io2IopsTier2PerMonth: 0.0455,
      io2IopsTier3PerMonth: 0.03185,
      standardPerGbMonth: 0.05,
      standardPerIo: 0.00000005,
    });
  });

  test('NAT gateway, VPC endpoints and public IPv4, EKS', () => {
    // awsprice_natgateway.json, published 2025-10-28: "Hourly charge for NAT Gateways" 0.045 (us-east-1), 0.052 (Frankfurt)
    const nat = fixture('awsprice_natgateway.excerpt.json');
    expect(parseNatGateway(nat, 'us-east-1', 'nat')).toEqual({ published: '2025-10-28', hourly: 0.045, perGbProcessed: 0.045 });
    expect(parseNatGateway(nat, 'eu-central-1', 'nat').hourly).toBe(0.052);
    // awsprice_vpc.json, published 2025-11-04
    expect(parseVpc(fixture('awsprice_vpc.excerpt.json'), 'us-east-1', 'vpc')).toEqual({
      published: '2025-11-04',
      interfaceEndpointHourlyPerAz: 0.01,
      interfaceEndpointDataTiers: [
        { upTo: 1_048_576, usd: 0.01 },
        { upTo: 5_242_880, usd: 0.006 },
        { upTo: null, usd: 0.004 },
      ],
      publicIpv4InUseHourly: 0.005,
      publicIpv4IdleHourly: 0.005,
      gatewayLoadBalancerEndpointHourly: 0.01,
    });
    // awsprice_eks.json, published 2025-10-28: "Compute per Hours" 0.1 (the key also appears as "per hours")
    expect(parseEks(fixture('awsprice_eks.excerpt.json'), 'us-east-1', 'eks')).toMatchObject({ clusterHourly: 0.1, extendedSupportClusterHourly: 0.5 });
  });

  test('CloudWatch: alarms, custom-metric tiers chained from descriptive keys, logs', () => {
    // awsprice_cloudwatch.json, published 2025-09-23: "Metric for the first 10000" 0.3, "next 240000" 0.1,
    // "next 750000" 0.05, "over 1000000" 0.02; "Metric for the first 1000000000" belongs to another product.
    expect(parseCloudWatch(fixture('awsprice_cloudwatch.excerpt.json'), 'us-east-1', 'cloudwatch')).toEqual({
      published: '2025-09-23',
      standardAlarmMonthly: 0.1,
      highResolutionAlarmMonthly: 0.3,
      compositeAlarmMonthly: 0.5, // "Alarm Composite" 0.5
      customMetricTiers: [
        { upTo: 10_000, usd: 0.3 },
        { upTo: 250_000, usd: 0.1 },
        { upTo: 1_000_000, usd: 0.05 },
        { upTo: null, usd: 0.02 },
      ],
      logsIngestionPerGb: 0.5,
      logsStoragePerGbMonth: 0.03,
    });
  });

  test('Coroot: egress tiers and inter-AZ transfer, float32 noise removed, compute ignored', () => {
    // coroot_cloud-pricing.json.gz (2024-08-09): ap-south-1 internet_egress "0": 0.10930000245571136
    const coroot = fixture('coroot_cloud-pricing.excerpt.json');
    expect(parseCoroot(coroot, 'ap-south-1', 'coroot')).toEqual({
      internetEgressTiers: [
        { upTo: 10_240, usd: 0.1093 },
        { upTo: 51_200, usd: 0.085 },
        { upTo: 153_600, usd: 0.082 },
        { upTo: null, usd: 0.08 },
      ],
      interAzIngressPerGb: 0.01,
      interAzEgressPerGb: 0.01,
    });
    expect(parseCoroot(coroot, 'us-east-1', 'coroot').internetEgressTiers[0]).toEqual({ upTo: 10_240, usd: 0.09 });
  });

  test('Hetzner lists: dedicated vs shared, extras, and the pre-adjustment prices', () => {
    // eucloudprices_hetzner.json (2026-08-17): CCX23 4 vCPU, 16 GB, 160 GB, 0.1649 EUR/h, 102.92 EUR/month, dedicated
    const hetzner = parseProviderList(fixture('eucloudprices_hetzner.excerpt.json'), 'hetzner', 'hetzner');
    expect(hetzner.published).toBe('2026-08-17');
    expect(hetzner.servers.ccx23).toEqual({
      name: 'CCX23',
      vcpu: 4,
      memoryGiB: 16,
      diskGb: 160,
      diskType: 'nvme',
      arch: 'x86_64',
      vcpuKind: 'dedicated',
      category: 'dedicated',
      gpu: false,
      monthlyEur: 102.92,
      hourlyEur: 0.1649,
    });
    expect(hetzner.servers.cax11).toMatchObject({ arch: 'arm64', vcpuKind: 'shared', monthlyEur: 7.72 });
    expect(hetzner.loadBalancers.default!.monthly.eur).toBe(8.91);
    expect(hetzner.primaryIpv4Monthly?.eur).toBe(0.5);
    expect(hetzner.traffic).toMatchObject({ includedTbPerServer: 20, overagePerGb: { eur: 0.01, unit: 'GB' } });
    // eucloudprices_hetzner_2026-01-25_pre-adjustment.json: CCX13 12.49 EUR/month, CAX11 3.79, CX23 3.49
    const before = parseProviderList(fixture('eucloudprices_hetzner_2026-01-25_pre-adjustment.excerpt.json'), 'hetzner', 'hetzner-2026-01');
    expect(before.published).toBe('2026-01-25');
    expect([before.servers.ccx13!.monthlyEur, before.servers.cax11!.monthlyEur, before.servers.cx23!.monthlyEur]).toEqual([12.49, 3.79, 3.49]);
    expect(parseProviderLocations(fixture('eucloudprices_providers.excerpt.json'), 'hetzner', 'providers')).toEqual(['nbg1', 'fsn1', 'hel1']);
  });

  test('OVH and Scaleway: no dedicated/shared claim, GPU flagged, Windows variants left out', () => {
    const ovh = parseProviderList(fixture('eucloudprices_ovh.excerpt.json'), 'ovh', 'ovh');
    expect(ovh.servers['b3-8']).toMatchObject({ vcpu: 2, memoryGiB: 8, monthlyEur: 37.38, vcpuKind: 'unspecified', category: 'general' });
    expect(ovh.servers['t2-le-45']!.gpu).toBe(true);
    expect(ovh.loadBalancers.S).toEqual({ monthly: { eur: 6.94, unit: 'month' }, hourly: { eur: 0.0095, unit: 'hour' }, note: 'bandwidth 200 Mbps' });
    const scaleway = parseProviderList(fixture('eucloudprices_scaleway.excerpt.json'), 'scaleway', 'scaleway');
    expect(Object.keys(scaleway.servers).sort()).toEqual(['BASIC2-A2C-4G', 'DEV1-S', 'POP2-2C-8G', 'RENDER-S']);
    expect(scaleway.skipped).toEqual(['POP2-2C-8G-WIN (Windows licence included)']);
    expect(scaleway.priceLocations).toEqual(['fr-par-1']);
  });

  test('format changes are reported, not guessed around', () => {
    const nat = fixture('awsprice_natgateway.excerpt.json');
    expect(() => parseNatGateway(nat, 'ap-south-1', 'nat')).toThrow(FeedFormatError); // region not in the excerpt
    expect(() => parseEbs(nat, 'us-east-1', 'ebs')).toThrow(/manifest says ec2\/natgateway/);
    expect(() => parseProviderList(fixture('eucloudprices_ovh.excerpt.json'), 'hetzner', 'hetzner')).toThrow(/file is for "ovh"/);
    expect(() => parseKarpenter('package pricing\n', 'karpenter')).toThrow(FeedFormatError);
  });

  test('payloads: gzip is recognised by its magic bytes', () => {
    const json = { aws: { ok: true } };
    expect(decodePayload(gzipSync(Buffer.from(JSON.stringify(json))), 'json', 'x')).toEqual(json);
    expect(decodePayload(Buffer.from('var x = 1'), 'text', 'x')).toBe('var x = 1');
    expect(() => decodePayload(Buffer.from('<html>'), 'json', 'x')).toThrow(FeedFormatError);
  });
});

describe('committed catalog: list prices pinned against the feeds', () => {
  const catalog = loadCatalog();

  test('EC2 on-demand Linux', () => {
    // karpenter_ec2-ondemand_us-east-1.json (2026-07-20) "m7g.large": 0.0816 — same as the AWS map of 2025-04-04
    expect(catalog.ec2Hourly('us-east-1', 'm7g.large')).toEqual({
      usd: 0.0816,
      unit: 'instance-hour',
      source: 'prices/aws/raw/karpenter_ec2-ondemand_us-east-1.json',
      published: '2026-07-20',
    });
    expect(catalog.ec2Instance('us-east-1', 'm7g.large')).toMatchObject({ vcpu: 2, memoryGiB: 8 });
    // eucloudprices_aws_eu-central-1.json (2026-08-14): m7g.large price_usd_hourly 0.0978
    expect(catalog.ec2Hourly('eu-central-1', 'm7g.large')).toMatchObject({ usd: 0.0978, published: '2026-08-14' });
    // ec2shop_ec2-ondemand-linux_ap-south-1.json (2025-04-04): "m7g large Asia Pacific Mumbai Linux" 0.0583
    expect(catalog.ec2Hourly('ap-south-1', 'm7g.large')).toMatchObject({ usd: 0.0583, published: '2025-04-04' });
    // karpenter us-east-1: "c6g.metal": 2.3066 (the 2025-04-04 AWS map said 2.176; the fresher table wins)
    expect(catalog.ec2Hourly('us-east-1', 'c6g.metal').usd).toBe(2.3066);
    // Every type the feeds carry, not only the 12 families of the first catalog (109 types each in the first three regions).
    const families = ['t3', 't4g', 'm6i', 'm7i', 'm7g', 'm6g', 'c6i', 'c7g', 'c6g', 'r6i', 'r6g', 'r7g'];
    for (const region of ['us-east-1', 'eu-central-1', 'ap-south-1'] as const) {
      const types = catalog.ec2InstanceTypes(region).map((t) => t.type);
      expect(types.filter((t) => families.includes(t.split('.')[0]!))).toHaveLength(109);
      expect(types.length).toBeGreaterThan(109);
    }
    // ec2.shop's us-west-2 map (2025-04-04): "m5.large" 0.096, "c5.large" 0.085
    expect(catalog.ec2Hourly('us-west-2', 'm5.large').usd).toBe(0.096);
    expect(catalog.ec2Hourly('us-east-1', 'c5.large').usd).toBe(0.085);
  });

  test('RDS, ElastiCache, MSK', () => {
    // ec2shop_rds-postgresql-ondemand.json (2024-09-28): db.r6g.large Multi-AZ 0.45 (us-east-1), 0.549 (Frankfurt)
    expect(catalog.rdsPostgresHourly('us-east-1', 'db.r6g.large', 'multi-az')).toMatchObject({ usd: 0.45, published: '2024-09-28' });
    expect(catalog.rdsPostgresHourly('eu-central-1', 'db.r6g.large', 'multi-az').usd).toBe(0.549);
    expect(catalog.rdsPostgresHourly('us-east-1', 'db.r6g.large', 'single-az').usd).toBe(0.225);
    expect(catalog.rdsStorage('us-east-1', 'multi-az').gp3PerGbMonth?.usd).toBe(0.23);
    expect(catalog.rdsStorage('us-east-1', 'single-az').backupPerGbMonth.usd).toBe(0.095);
    // ec2shop_elasticache.json (2025-03-14): cache.r7g.large Valkey 0.1752, Redis OSS 0.219
    expect(catalog.elasticacheHourly('us-east-1', 'cache.r7g.large', 'valkey')).toMatchObject({ usd: 0.1752, unit: 'node-hour' });
    expect(catalog.elasticacheHourly('us-east-1', 'cache.r7g.large', 'redis').usd).toBe(0.219);
    // awsprice_msk.json (2025-10-09): USE1-Kafka.m7g.large 0.204; Kafka.Storage.GP2 0.10
    expect(catalog.mskBrokerHourly('us-east-1', 'kafka.m7g.large')).toMatchObject({ usd: 0.204, unit: 'broker-hour', published: '2025-10-09' });
    expect(catalog.mskStorage('us-east-1').perGbMonth.usd).toBe(0.1);
  });

  test('networking, storage and account services', () => {
    // awsprice_natgateway.json (2025-10-28): 0.045/h and 0.045/GB in us-east-1
    expect(catalog.natGateway('us-east-1').hourly).toMatchObject({ usd: 0.045, unit: 'hour', published: '2025-10-28' });
    expect(catalog.natGateway('us-east-1').perGbProcessed.usd).toBe(0.045);
    // ALB/NLB/SQS: only us-east-1 list prices exist (../shared/data/SOURCES.md); other regions are flagged
    expect(catalog.alb('us-east-1').hourly).toMatchObject({ usd: 0.0225, source: 'https://aws.amazon.com/elasticloadbalancing/pricing/' });
    expect(catalog.alb('us-east-1').hourly.fallbackFrom).toBeUndefined();
    expect(catalog.alb('eu-central-1').lcuHourly).toMatchObject({ usd: 0.008, fallbackFrom: 'us-east-1' });
    expect(catalog.nlb('ap-south-1').nlcuHourly).toMatchObject({ usd: 0.006, fallbackFrom: 'us-east-1' });
    expect(catalog.sqs('us-east-1').fifoPerMillion.usd).toBe(0.5);
    // ec2shop_ebs.json (2024-07-18): gp3 0.08/GB-mo; throughput 40.96 per GiBps-mo = 0.04 per MiBps-mo
    expect(catalog.ebs('us-east-1').gp3PerGbMonth.usd).toBe(0.08);
    expect(catalog.ebs('us-east-1').gp3ThroughputPerMibpsMonth).toMatchObject({ usd: 0.04, unit: 'MiBps-month' });
    // coroot (2024-08-09): ap-south-1 egress first tier 0.1093/GB; inter-AZ 0.01/GB each way
    const tiers = catalog.dataTransferOutTiers('ap-south-1');
    expect(tiers.map((t: PriceTier) => [t.from, t.upTo, t.usd])).toEqual([
      [0, 10_240, 0.1093],
      [10_240, 51_200, 0.085],
      [51_200, 153_600, 0.082],
      [153_600, null, 0.08],
    ]);
    expect(catalog.interAzPerGb('eu-central-1').egress.usd).toBe(0.01);
    // awsprice_cloudwatch.json (2025-09-23): Frankfurt log ingestion 0.63/GB
    expect(catalog.cloudwatch('eu-central-1').logsIngestionPerGb.usd).toBe(0.63);
    expect(catalog.cloudwatch('eu-central-1').dashboardMonthly.fallbackFrom).toBe('us-east-1');
    // awsprice_vpc.json / awsprice_eks.json
    expect(catalog.publicIpv4Hourly('us-east-1').inUse.usd).toBe(0.005);
    expect(catalog.vpcInterfaceEndpoint('ap-south-1').hourlyPerAz.usd).toBe(0.013);
    expect(catalog.eksClusterHourly('eu-central-1')).toMatchObject({ usd: 0.1, unit: 'cluster-hour' });
    expect(catalog.secretsManager('us-east-1').perSecretMonth.usd).toBe(0.4);
    // KMS is now regional, from the AWS price map ("Encryption Key" 1.0 in Mumbai), not a us-east-1 stand-in.
    expect(catalog.kms('ap-south-1').perKeyMonth.usd).toBe(1);
    expect(catalog.kms('ap-south-1').perKeyMonth.fallbackFrom).toBeUndefined();
    expect(catalog.route53PrivateHostedZoneMonthly().map((t) => [t.upTo, t.usd])).toEqual([
      [25, 0.5],
      [null, 0.1],
    ]);
  });

  test('every price names its source and publication date', () => {
    const prices: Price[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        if ('usd' in value && 'unit' in value) prices.push(value as Price);
        else Object.values(value).forEach(collect);
      }
    };
    for (const region of AWS_REGIONS) {
      collect([
        catalog.ec2InstanceTypes(region),
        catalog.rdsStorage(region, 'single-az'),
        catalog.mskStorage(region),
        catalog.natGateway(region),
        catalog.alb(region),
        catalog.nlb(region),
        catalog.sqs(region),
        catalog.cloudwatch(region),
        catalog.ebs(region),
        catalog.dataTransferOutTiers(region),
        catalog.interAzPerGb(region),
        catalog.publicIpv4Hourly(region),
        catalog.secretsManager(region),
        catalog.kms(region),
        catalog.eks(region),
        catalog.vpcInterfaceEndpoint(region),
      ]);
    }
    for (const list of catalog.selfHostedPriceLists()) collect([catalog.selfHostedServers(list), catalog.selfHostedServices(list)]);
    expect(prices.length).toBeGreaterThan(500);
    for (const price of prices) {
      expect(price.usd).toBeGreaterThanOrEqual(0);
      expect(price.source).toMatch(/^(prices\/|data\/prices\/feeds\/|SOURCES\.md|https:\/\/)/);
      expect(price.published).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    }
  });

  test('AWS Support: AWS pricing-page examples and plan minimums', () => {
    // aws.amazon.com/premiumsupport/pricing examples: Business at $85,000/month = $6,150; Enterprise at $1.2M = $70,500
    expect(catalog.supportMonthly('business', 85_000).usd).toBeCloseTo(6_150, 6);
    expect(catalog.supportMonthly('enterprise', 1_200_000).usd).toBeCloseTo(70_500, 6);
    // Developer: "2 000 USD x 3 % = 60 USD"; below ~$967 the $29 minimum applies
    expect(catalog.supportMonthly('developer', 2_000).usd).toBeCloseTo(60, 6);
    expect(catalog.supportMonthly('developer', 500)).toMatchObject({ usd: 29, minimumApplied: true });
    expect(catalog.supportMonthly('enterprise', 10_000)).toMatchObject({ usd: 15_000, minimumApplied: true });
    expect(catalog.commitmentDiscounts().available).toBe(true);
  });

  test('self-hosted: EUR converted at the catalog rate or the caller\'s', () => {
    // eucloudprices_aws_eu-central-1.json: Σ USD / Σ EUR over its instances = 1.1567, the ECB rate it states for 2026-08-14
    expect(catalog.exchangeRate()).toMatchObject({ eurUsd: 1.1567, published: '2026-08-14', overridden: false });
    // eucloudprices_hetzner.json (2026-08-17): CCX23 102.92 EUR/month
    const ccx23 = catalog.selfHostedServer('hetzner', 'CCX23');
    expect(ccx23).toMatchObject({ priceList: 'hetzner-2026-08', vcpu: 4, memoryGiB: 16, vcpuKind: 'dedicated' });
    expect(ccx23.monthly).toMatchObject({ eur: 102.92, eurUsd: 1.1567, unit: 'month', published: '2026-08-17' });
    expect(ccx23.monthly.usd).toBeCloseTo(102.92 * 1.1567, 10);
    expect(catalog.selfHostedServer('hetzner', 'ccx23', { eurUsd: 1.2 }).monthly.usd).toBeCloseTo(123.504, 10);
    // pre-adjustment list (2026-01-25): CCX23 24.49 EUR/month
    expect(catalog.selfHostedServer('hetzner-2026-01', 'ccx23').monthly.eur).toBe(24.49);
    expect(catalog.selfHostedPriceLists('hetzner')).toEqual(['hetzner-2026-01', 'hetzner-2026-08']);
    expect(catalog.selfHostedServices('hetzner').primaryIpv4Monthly?.eur).toBe(0.5);
    expect(catalog.selfHostedServices('ovh').loadBalancers.M!.monthly.eur).toBe(17.37);
  });

  test('cheapest server for bin-packing', () => {
    // Hetzner 2026-08: the only dedicated type with ≥ 4 vCPU and ≥ 16 GiB below CCX33 is CCX23 (102.92)
    expect(catalog.cheapestServer('hetzner', { vcpu: 4, memoryGiB: 16, dedicated: true }).id).toBe('ccx23');
    // shared vCPU: CX43 (8 vCPU, 16 GB, 19.62) undercuts CPX42 (83.29) and CAX31 (25.57)
    expect(catalog.cheapestServer('hetzner', { vcpu: 4, memoryGiB: 16 }).id).toBe('cx43');
    expect(catalog.cheapestServer('hetzner', { vcpu: 4, memoryGiB: 16, arch: 'arm64' }).id).toBe('cax31');
    const choice = catalog.cheapestServer('hetzner', { vcpu: 3, memoryGiB: 10 });
    const fits = catalog.selfHostedServers('hetzner').filter((s) => s.vcpu >= 3 && s.memoryGiB >= 10 && !s.gpu);
    expect(choice.monthly.eur).toBe(Math.min(...fits.map((s) => s.monthly.eur)));
  });

  test('PriceNotFound instead of zero', () => {
    expect(() => catalog.ec2Hourly('us-east-1', 'm9z.large')).toThrow(PriceNotFound);
    expect(() => catalog.ec2Hourly('us-east-1', 'm9z.large')).toThrow(/families .*c6i, c6id/);
    expect(() => catalog.ec2Hourly('sa-east-1' as never, 'm7g.large')).toThrow(/covers us-east-1, eu-central-1, ap-south-1, us-west-2, eu-west-1, ap-southeast-1/);
    expect(() => catalog.rdsPostgresHourly('us-east-1', 'db.t3.micro', 'multi-az-readable-standbys')).toThrow(PriceNotFound);
    expect(() => catalog.elasticacheHourly('us-east-1', 'cache.r99.large', 'valkey')).toThrow(PriceNotFound);
    expect(() => catalog.mskBrokerHourly('us-east-1', 'kafka.m7g.huge')).toThrow(PriceNotFound);
    expect(() => catalog.selfHostedServer('hetzner', 'ax42')).toThrow(PriceNotFound);
    expect(() => catalog.selfHostedServers('digitalocean')).toThrow(PriceNotFound);
    // OVH's list does not say whether vCPUs are dedicated, so "dedicated" cannot be satisfied from it
    expect(() => catalog.cheapestServer('ovh', { vcpu: 2, memoryGiB: 4, dedicated: true })).toThrow(/does not state whether vCPUs are dedicated/);
    expect(() => catalog.cheapestServer('hetzner', { vcpu: 512, memoryGiB: 4 })).toThrow(PriceNotFound);
  });

  test('catalogDate summarises the feed publication dates', () => {
    // oldest: the Infracost rds_cluster golden file (Aurora storage and I/O, 2024-07-01); newest: Clarchy's price book (Fargate Savings Plans)
    expect(catalog.catalogDate).toMatchObject({ oldest: '2024-07-01', newest: '2026-10-01' });
    expect(catalog.catalogDate.summary).toContain('2024-07-01 to 2026-10-01');
  });
});

describe('prices refresh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stagekit-prices-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('fails fast, naming the unreachable URL, and writes nothing', async () => {
    const requested: string[] = [];
    const offline = async (url: string): Promise<never> => {
      requested.push(url);
      // what Node's fetch throws without DNS
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND b0.p.awsstatic.com') });
    };
    const outFile = join(dir, 'catalog.json');
    const attempt = refreshCatalog({ outFile, fetchJson: offline, fetchText: offline, previousCatalogFile: COMMITTED_CATALOG });
    await expect(attempt).rejects.toThrow(FeedUnreachable);
    await expect(attempt).rejects.toThrow(`${FEEDS['ec2-us-east-1'].liveUrl} is unreachable (getaddrinfo ENOTFOUND b0.p.awsstatic.com)`);
    expect(requested).toEqual([FEEDS['ec2-us-east-1'].liveUrl]);
    expect(existsSync(outFile)).toBe(false);
  });

  test('a feed in an unexpected format stops the refresh before anything is written', async () => {
    const outFile = join(dir, 'catalog.json');
    await expect(
      refreshCatalog({ outFile, fetchJson: async () => ({}), fetchText: async () => '', previousCatalogFile: COMMITTED_CATALOG }),
    ).rejects.toThrow(FeedFormatError);
    expect(existsSync(outFile)).toBe(false);
  });
});

const sharedPresent = existsSync(SHARED_PRICES);
(sharedPresent ? describe : describe.skip)(
  sharedPresent ? 'catalog vs ../shared feeds' : 'catalog vs ../shared feeds — SKIPPED: ../shared/data/prices not found (CI has it)',
  () => {
    const payloads = sharedPresent ? readSnapshotPayloads(SHARED_PRICES) : undefined;

    test('the committed catalog is exactly a fresh build from ../shared', () => {
      const fresh = serializeCatalog(buildCatalog(payloads!, { kind: 'snapshot' }));
      expect(fresh).toBe(readFileSync(COMMITTED_CATALOG, 'utf8'));
    });

    test('prices agree with the independent extraction in aws/normalized/aws_key_prices.csv', () => {
      const catalog = loadCatalog();
      const rows = parseCsv(readFileSync(join(SHARED_PRICES, 'aws/normalized/aws_key_prices.csv'), 'utf8'));
      let checked = 0;
      for (const row of rows) {
        const region = row.region as (typeof AWS_REGIONS)[number];
        const expected = Number(row.price_usd);
        if (row.service === 'rds-postgresql' && (row.variant === 'single-az' || row.variant === 'multi-az')) {
          expect([row.item, row.variant, catalog.rdsPostgresHourly(region, row.item!, row.variant).usd]).toEqual([row.item, row.variant, expected]);
        } else if (row.service === 'elasticache' && ['redis', 'valkey', 'memcached'].includes(row.variant!)) {
          expect([row.item, catalog.elasticacheHourly(region, row.item!, row.variant as 'redis').usd]).toEqual([row.item, expected]);
        } else if (row.service === 'ec2' && region === 'ap-south-1') {
          // us-east-1 and eu-central-1 come from fresher feeds than the one the CSV was extracted from
          expect([row.item, catalog.ec2Hourly(region, row.item!).usd]).toEqual([row.item, expected]);
        } else if (row.service === 'msk' && row.variant === 'provisioned-broker') {
          expect([row.item, catalog.mskBrokerHourly(region, row.item!.replace('kafka.express.', 'express.')).usd]).toEqual([row.item, expected]);
        } else continue;
        checked += 1;
      }
      expect(checked).toBeGreaterThan(1000);
    });

    test('refresh builds the same prices from the live feeds (served here from the snapshot copies)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stagekit-prices-'));
      try {
        const byUrl = new Map(LIVE_FEED_IDS.map((id) => [FEEDS[id].liveUrl, id] as [string, FeedId]));
        const served: string[] = [];
        const outFile = join(dir, 'catalog.json');
        const result = await refreshCatalog({
          outFile,
          previousCatalogFile: COMMITTED_CATALOG,
          today: () => '2026-11-25',
          fetchJson: async (url) => {
            served.push(url);
            return payloads![byUrl.get(url)!];
          },
          // Karpenter's live source is Go: render the snapshot's table in the generator's format.
          fetchText: async (url) => {
            served.push(url);
            const { _source, prices } = payloads!['karpenter-us-east-1'] as { _source: { generated_at: string }; prices: Record<string, Record<string, number>> };
            const entries = Object.entries(prices['us-east-1']!).map(([type, usd]) => `\t\t"${type}": ${usd.toFixed(6)},`);
            return [
              'package pricing',
              `// generated at ${_source.generated_at} for us-east-1`,
              'var InitialOnDemandPricesAWS = map[string]map[ec2types.InstanceType]float64{',
              '\t"us-east-1": {',
              ...entries,
              '\t},',
              '}',
            ].join('\n');
          },
        });
        expect(served).toEqual(LIVE_FEED_IDS.map((id) => FEEDS[id].liveUrl));
        expect(result.downloaded).toHaveLength(LIVE_FEED_IDS.length);
        const refreshed = JSON.parse(readFileSync(outFile, 'utf8')) as CatalogData;
        const committed = JSON.parse(readFileSync(COMMITTED_CATALOG, 'utf8')) as CatalogData;
        expect(refreshed.aws).toEqual(committed.aws);
        expect(refreshed.selfHosted).toEqual(committed.selfHosted);
        expect(refreshed.exchangeRate).toEqual(committed.exchangeRate);
        expect(refreshed.origin).toEqual({ kind: 'live', retrieved: '2026-11-25', note: expect.any(String) });
        // Coroot states no date in its data: a live refresh records the retrieval day instead of the commit date.
        expect(refreshed.sources.coroot).toMatchObject({ published: '2026-11-25', publishedBasis: 'retrieved' });
        expect(refreshed.sources['hetzner-2026-01']).toEqual(committed.sources['hetzner-2026-01']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

/** Minimal RFC 4180 reader for the normalized CSV (quoted fields contain commas). */
function parseCsv(text: string): Record<string, string | undefined>[] {
  const lines = text.trim().split('\n');
  const split = (line: string): string[] => {
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      else if (char === ',' && !quoted) {
        fields.push(field);
        field = '';
      } else field += char;
    }
    fields.push(field);
    return fields;
  };
  const header = split(lines[0]!);
  return lines.slice(1).map((line) => Object.fromEntries(split(line).map((value, i) => [header[i]!, value])));
}

test('a catalog file that cannot be read is a usage error naming the file', () => {
  expect(() => loadCatalog('/nonexistent/catalog.json')).toThrow(UsageError);
  expect(() => loadCatalog('/nonexistent/catalog.json')).toThrow('/nonexistent/catalog.json: cannot read the price catalog (ENOENT)');
});
