/**
 * S3, Route 53 health checks and CloudFront requests (issue 13, AWS side; issue 10's CDN item): the parsers on
 * committed excerpts, every new price pinned per region against its feed entry, and the handlers' usage lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { priceTemplate } from '../cost/aws/engine';
import { ALB_ACCESS_LOG_LINE_BYTES, expirationDays } from '../cost/aws/handlers/s3';
import { readHealthCheck } from '../cost/aws/handlers/route53';
import { AWS_REGIONS, loadCatalog, type AwsRegion } from '../cost/catalog';
import { parseCloudFrontRequests, parseRoute53HealthChecks, parseS3 } from '../cost/catalog/parsers/storage-edge';
import { HOURS_PER_MONTH } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { ROOT } from './support/paths';
import { stagePlan } from './support/stages';

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/prices', name), 'utf8'));
const vendored = (name: string) => JSON.parse(readFileSync(join(ROOT, 'data/prices/feeds', name), 'utf8'));
const catalog = loadCatalog();

describe('parsers on committed excerpts', () => {
  test('S3: Standard storage tiers and request prices by descriptive key (us-east-1, eu-central-1)', () => {
    const s3 = fixture('awsprice_s3.excerpt.json');
    expect(parseS3(s3, 'us-east-1', 's3')).toEqual({
      published: '2025-10-22',
      standardStorageTiers: [{ upTo: 51200, usd: 0.023 }, { upTo: 512000, usd: 0.022 }, { upTo: null, usd: 0.021 }],
      putCopyPostListRequest: 0.000005,
      getAndOtherRequest: 0.0000004,
    });
    expect(parseS3(s3, 'eu-central-1', 's3').standardStorageTiers[0]!.usd).toBe(0.0245);
    expect(() => parseS3(s3, 'ap-south-1', 's3')).toThrow(/no "Asia Pacific \(Mumbai\)" region/);
  });

  test('Route 53: health checks from the global location; the free first tier must stay free', () => {
    const r53 = fixture('awsprice_route53.excerpt.json');
    expect(parseRoute53HealthChecks(r53, 'route53')).toEqual({
      published: '2025-08-28',
      basicAwsMonthly: 0.5,
      basicNonAwsMonthly: 0.75,
      optionalFeatureAwsMonthly: 1,
      optionalFeatureNonAwsMonthly: 2,
      freeAwsChecks: 50,
    });
    const changed = structuredClone(r53);
    const freeKey = 'Basic Health checks up to 50 AWS per Mo';
    changed.regions[''][freeKey].price = '0.5000000000';
    expect(() => parseRoute53HealthChecks(changed, 'route53')).toThrow(/no longer free/);
  });

  test('CloudFront: HTTPS and HTTP request prices per viewer geography, with the first transfer tier for the cross-check', () => {
    const cf = parseCloudFrontRequests(fixture('awsprice_cloudfront.excerpt.json'), 'cloudfront');
    expect(cf.published).toBe('2025-07-01');
    expect(cf.byGeography).toEqual({
      'united-states': { https: 0.000001, http: 0.00000075 },
      europe: { https: 0.0000012, http: 0.0000009 },
      'hong-kong-singapore-asia': { https: 0.0000012, http: 0.0000009 },
      india: { https: 0.0000012, http: 0.0000009 },
    });
    expect(cf.firstTierTransferOut).toEqual({ 'united-states': 0.085, europe: 0.085, 'hong-kong-singapore-asia': 0.12, india: 0.109 });
  });
});

describe('prices pinned per region against the vendored feeds', () => {
  // [first 50 TB, next 450 TB, over 500 TB] per GB-month; PUT/COPY/POST/LIST and GET per request.
  const S3: Record<AwsRegion, { storage: [number, number, number]; put: number; get: number }> = {
    'us-east-1': { storage: [0.023, 0.022, 0.021], put: 0.000005, get: 0.0000004 },
    'eu-central-1': { storage: [0.0245, 0.0235, 0.0225], put: 0.0000054, get: 0.00000043 },
    'ap-south-1': { storage: [0.025, 0.024, 0.023], put: 0.000005, get: 0.0000004 },
    'us-west-2': { storage: [0.023, 0.022, 0.021], put: 0.000005, get: 0.0000004 },
    'eu-west-1': { storage: [0.023, 0.022, 0.021], put: 0.000005, get: 0.0000004 },
    'ap-southeast-1': { storage: [0.025, 0.024, 0.023], put: 0.000005, get: 0.0000004 },
  };
  const s3Feed = vendored('awsprice_s3.json');

  test.each(AWS_REGIONS)('S3 Standard in %s: its own row of the S3 map, never another region\'s', (region) => {
    const s3 = catalog.s3Standard(region);
    const pinned = S3[region];
    expect(s3.storage.map((tier) => tier.usd)).toEqual(pinned.storage);
    expect(s3.storage.map((tier) => tier.upTo)).toEqual([51200, 512000, null]);
    expect(s3.putCopyPostListRequest.usd).toBe(pinned.put);
    expect(s3.getAndOtherRequest.usd).toBe(pinned.get);
    expect(s3.putCopyPostListRequest).toMatchObject({ source: expect.stringMatching(/awsprice_s3\.json$/), published: '2025-10-22' });
    expect(s3.putCopyPostListRequest.fallbackFrom).toBeUndefined();
    // The same figures straight from the feed file the catalog was built from.
    expect(parseS3(s3Feed, region, 's3').standardStorageTiers.map((tier) => tier.usd)).toEqual(pinned.storage);
  });

  test('Route 53 health checks (global): $0.50 / $0.75 a check-month, $1 / $2 per optional feature', () => {
    const checks = catalog.route53HealthChecks();
    expect([checks.basicAwsMonthly.usd, checks.basicNonAwsMonthly.usd, checks.optionalFeatureAwsMonthly.usd, checks.optionalFeatureNonAwsMonthly.usd]).toEqual([0.5, 0.75, 1, 2]);
    expect(checks.basicAwsMonthly).toMatchObject({ source: expect.stringMatching(/awsprice_route53\.json$/), published: '2025-08-28' });
    expect(parseRoute53HealthChecks(vendored('awsprice_route53.json'), 'route53').basicAwsMonthly).toBe(0.5);
  });

  test('CloudFront HTTPS requests per region\'s viewer geography ($0.0100 per 10k in the US, $0.0120 elsewhere here)', () => {
    const https = Object.fromEntries(AWS_REGIONS.map((region) => [region, catalog.cloudfrontRequests(region).https.usd]));
    expect(https).toEqual({
      'us-east-1': 0.000001,
      'us-west-2': 0.000001,
      'eu-central-1': 0.0000012,
      'eu-west-1': 0.0000012,
      'ap-south-1': 0.0000012,
      'ap-southeast-1': 0.0000012,
    });
    expect(catalog.cloudfrontRequests('eu-west-1')).toMatchObject({ geography: 'europe', http: { usd: 0.0000009, source: expect.stringMatching(/awsprice_cloudfront\.json$/), published: '2025-07-01' } });
  });
});

describe('handlers', () => {
  const usage = usageFromPlan(stagePlan('split-tier'));

  test('the access-log bucket: stored GB from requests × the measured log line × the lifecycle\'s days, tiered; PUTs per node every 5 minutes', () => {
    const bucket = {
      Type: 'AWS::S3::Bucket',
      Properties: { LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] }, Tags: [{ Key: 'stagekit:role', Value: 'access-logs' }] },
    };
    const priced = priceTemplate({ Resources: { Logs: bucket } }, { region: 'eu-central-1', usage }).resources[0]!;
    const storedGiB = ((usage.requestsPerMonth * ALB_ACCESS_LOG_LINE_BYTES) / 2 ** 30) * 3;
    expect(priced.status).toBe('priced');
    const [storage, puts] = priced.costComponents;
    expect(storedGiB).toBeLessThan(51200);
    expect(storage).toMatchObject({ price: 0.0245, usageBased: true });
    expect(storage!.monthlyQuantity).toBeCloseTo(storedGiB, 6);
    expect(storage!.assumption).toMatch(/kept 90 days .*upper bound/);
    expect(puts).toMatchObject({ price: 0.0000054, monthlyQuantity: usage.zones * 12 * HOURS_PER_MONTH });
  });

  test('a bucket without a role is pay-per-use (its size is unknown); without a profile the access-log lines have no quantity', () => {
    expect(priceTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: {} } } }, { region: 'us-east-1' }).resources[0]!.status).toBe('pay-per-use');
    const logs = priceTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'stagekit:role', Value: 'access-logs' }] } } } }, { region: 'us-east-1' }).resources[0]!;
    expect(logs.costComponents.every((c) => c.monthlyQuantity === null && c.price !== null)).toBe(true);
  });

  test('lifecycle expiration: the shortest enabled rule; disabled rules and rules without expiration do not count', () => {
    const same = (v: unknown) => v as any;
    expect(expirationDays([{ ExpirationInDays: 90 }, { ExpirationInDays: 30, Status: 'Disabled' }, { Transitions: [] }], same, same)).toBe(90);
    expect(expirationDays(undefined, same, same)).toBeUndefined();
  });

  test('a health check on a CloudWatch alarm is a basic AWS-endpoint check ($0.50); an HTTPS check on a literal domain every 10 s is non-AWS with two features', () => {
    const alarmCheck = priceTemplate(
      { Resources: { H: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: 'lag', Region: 'us-east-1' } } } } } },
      { region: 'ap-south-1' },
    ).resources[0]!;
    expect(alarmCheck.status).toBe('priced');
    expect(alarmCheck.monthlyCost).toBe(0.5);
    expect(readHealthCheck('HTTPS_STR_MATCH', { FullyQualifiedDomainName: 'example.com' }, 10, true)).toEqual({ awsEndpoint: false, features: ['HTTPS', 'string matching', '10-second interval', 'latency measurement'] });
    const external = priceTemplate(
      { Resources: { H: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'example.com', RequestInterval: 10 } } } } },
      { region: 'us-east-1' },
    ).resources[0]!;
    expect(external.costComponents.map((c) => [c.price, c.monthlyQuantity])).toEqual([[0.75, 1], [2, 2]]);
    const awsTarget = readHealthCheck('HTTP', { FullyQualifiedDomainName: { 'Fn::GetAtt': ['Alb', 'DNSName'] } }, 30, false);
    expect(awsTarget).toEqual({ awsEndpoint: true, features: [] });
  });

  test('CloudFront: every profile request billed at the geography\'s HTTPS rate', () => {
    const cdn = priceTemplate(
      { Resources: { Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: { Tags: [{ Key: 'stagekit:role', Value: 'cdn' }] } } } },
      { region: 'ap-southeast-1', usage },
    ).resources[0]!;
    const requests = cdn.costComponents.find((c) => c.name === 'HTTPS requests')!;
    expect(requests).toMatchObject({ price: 0.0000012, monthlyQuantity: usage.requestsPerMonth, usageBased: true });
    expect(requests.monthlyCost).toBeCloseTo(usage.requestsPerMonth * 0.0000012, 6);
    expect(cdn.costComponents.some((c) => c.notPriced)).toBe(false);
  });
});

describe('OpenSearch Service (the AWS es-ondemand map, 2024-08-28)', () => {
  const domain = (region: AwsRegion, ClusterConfig: Record<string, unknown>, EBSOptions: Record<string, unknown> = {}) =>
    priceTemplate({ Resources: { Search: { Type: 'AWS::OpenSearchService::Domain', Properties: { ClusterConfig, EBSOptions } } } }, { region }).resources[0]!;

  test.each([
    ['us-east-1', 0.167, 0.122],
    ['eu-central-1', 0.202, 0.1452],
    ['ap-south-1', 0.108, 0.1391],
    ['us-west-2', 0.167, 0.122],
    ['eu-west-1', 0.187, 0.1342],
    ['ap-southeast-1', 0.202, 0.1464],
  ] as [AwsRegion, number, number][])('%s: r6g.large.search $%s/h, gp3 $%s per GB-month, each from its own row', (region, hourly, gp3) => {
    const feed = vendored('ec2shop_es-ondemand.json');
    const location = { 'us-east-1': 'US East (N. Virginia)', 'eu-central-1': 'EU (Frankfurt)', 'ap-south-1': 'Asia Pacific (Mumbai)', 'us-west-2': 'US West (Oregon)', 'eu-west-1': 'EU (Ireland)', 'ap-southeast-1': 'Asia Pacific (Singapore)' }[region];
    expect(Number(feed.regions[location]['r6g large.search - OnDemand - Memory optimized - Current Generation'].price)).toBe(hourly);
    expect(Number(feed.regions[location]['EBS Volume GP3'].price)).toBe(gp3);
    const priced = domain(region, { InstanceType: 'r6g.large.search', InstanceCount: 3, DedicatedMasterEnabled: true, DedicatedMasterType: 'r6g.large.search', DedicatedMasterCount: 3 }, { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 100 });
    expect(priced.status).toBe('priced');
    expect(priced.costComponents.map((c) => [c.price, c.monthlyQuantity])).toEqual([
      [hourly, 3 * HOURS_PER_MONTH],
      [hourly, 3 * HOURS_PER_MONTH],
      [gp3, 300],
    ]);
  });

  test('UltraWarm, provisioned gp3 IOPS and an unknown instance type are named holes, not guesses', () => {
    const priced = domain('us-east-1', { InstanceType: 'r6g.large.search', InstanceCount: 2, WarmEnabled: true, WarmType: 'ultrawarm1.medium.search', WarmCount: 2 }, { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 500, Iops: 6000 });
    expect(priced.costComponents.filter((c) => c.notPriced).map((c) => c.name)).toEqual(['UltraWarm nodes and managed storage', 'Provisioned IOPS / throughput']);
    expect(domain('us-east-1', { InstanceType: 'x9.huge.search' }).status).toBe('not-priced');
  });
});
