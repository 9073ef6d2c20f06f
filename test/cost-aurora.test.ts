/**
 * Aurora (cost/aws/handlers/aurora.ts) and Classic Load Balancer prices pinned against the vendored Infracost golden
 * files (data/prices/feeds/infracost_*.golden): each catalog price reproduces the golden line it was read from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../cost/catalog';
import { VENDORED_FEEDS_DIR } from '../cost/catalog/payloads';
import { parseGoldenLines, unitPriceOf } from '../cost/catalog/parsers/infracost-golden';
import { priceTemplate } from '../cost/aws/engine';
import { HOURS_PER_MONTH } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { stagePlan } from './support/stages';

const catalog = loadCatalog();
const usage = usageFromPlan(stagePlan('split-tier'));
const golden = (file: string) => readFileSync(join(VENDORED_FEEDS_DIR, file), 'utf8');
/** The golden line of a resource, by its name. */
const lineOf = (file: string, resource: string, name: string) => {
  const line = parseGoldenLines(golden(file), file).find((l) => l.resource === resource && l.name === name);
  if (!line) throw new Error(`${file}: no "${name}" on ${resource}`);
  return line;
};

describe('Aurora prices reproduce the vendored golden lines (us-east-1, Aurora Standard)', () => {
  test.each([
    ['aurora-mysql', 'db.r4.large', 'aws_rds_cluster_instance.cluster_instance', 211.7],
    ['aurora-mysql', 'db.t3.medium', 'aws_rds_cluster_instance.cluster_instance_t3', 59.86],
    ['aurora-mysql', 'db.r4.8xlarge', 'aws_rds_cluster_instance.cluster_instance_performance_insights', 3387.2],
    ['aurora-mysql', 'db.t3.large', 'aws_rds_cluster_instance.extended_support["aurora-mysql-8.0"]', 119.72],
    ['aurora-postgresql', 'db.t3.large', 'aws_rds_cluster_instance.extended_support["aurora-postgresql-13"]', 119.72],
  ] as const)('%s %s: 730 hours cost what %s states', (engine, instanceClass, resource, monthly) => {
    const line = lineOf('infracost_rds_cluster_instance_test.golden', resource, `Database instance (on-demand, ${instanceClass})`);
    expect(line).toMatchObject({ quantity: 730, monthlyCost: monthly });
    const hourly = catalog.auroraHourly('us-east-1', engine, instanceClass);
    expect(Math.round(hourly.usd * 730 * 100) / 100).toBe(monthly);
    expect(hourly.usd).toBe(unitPriceOf(line, 'golden'));
    expect(hourly).toMatchObject({ source: 'data/prices/feeds/infracost_rds_cluster_instance_test.golden', published: '2025-03-05' });
  });

  test('storage $0.10/GB-month and I/O $0.20 per million, as displayed for both engines and confirmed by the quantity lines', () => {
    const file = 'infracost_rds_cluster_test.golden';
    expect(lineOf(file, 'aws_rds_cluster.mysql_backtrack_withoutU', 'Storage').displayedUnitPrice).toBe(0.1);
    expect(lineOf(file, 'aws_rds_cluster.postgres_serverless_withoutU', 'I/O requests').displayedUnitPrice).toBe(0.2);
    expect(lineOf(file, 'aws_rds_cluster.mysql_backtrack', 'Storage')).toMatchObject({ quantity: 100, monthlyCost: 10 });
    expect(lineOf(file, 'aws_rds_cluster.mysql_backtrack', 'I/O requests')).toMatchObject({ quantity: 52.56, monthlyCost: 10.51 });
    for (const engine of ['aurora-mysql', 'aurora-postgresql'] as const) {
      const prices = catalog.auroraStorage('us-east-1', engine);
      expect(prices.perGbMonth.usd).toBe(0.1);
      expect(prices.ioPerMillion.usd).toBe(0.2);
      expect(Math.round(prices.ioPerMillion.usd * 52.56 * 100) / 100).toBe(10.51);
      expect(prices.perGbMonth).toMatchObject({ source: 'data/prices/feeds/infracost_rds_cluster_test.golden', published: '2024-07-01' });
    }
  });

  test('no other region is priced, and no us-east-1 price stands in', () => {
    for (const region of ['eu-central-1', 'ap-south-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'] as const) {
      expect(() => catalog.auroraHourly(region, 'aurora-mysql', 'db.r4.large')).toThrow(/us-east-1 only/);
      expect(() => catalog.auroraStorage(region, 'aurora-postgresql')).toThrow(/us-east-1 only/);
    }
  });
});

describe('the Aurora handlers', () => {
  const cluster = (storage: Record<string, unknown> = {}, instanceClass = 'db.t3.large', region = 'us-east-1' as const) =>
    priceTemplate(
      {
        Resources: {
          Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', ...storage } },
          Writer: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'aurora-postgresql', DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: instanceClass } },
        },
      },
      { region, usage },
    ).resources.filter((r) => r.name === 'Cluster' || r.name === 'Writer');

  test('a Standard cluster: instance-hours on the member, stored data and the I/O unit price on the cluster', () => {
    const [db, writer] = ['Cluster', 'Writer'].map((name) => cluster().find((r) => r.name === name)!);
    expect(writer.costComponents).toHaveLength(1);
    expect(writer.costComponents[0]).toMatchObject({ monthlyQuantity: HOURS_PER_MONTH, price: 0.164, monthlyCost: 119.72 });
    expect(writer.costComponents[0].name).toMatch(/Aurora PostgreSQL instance \(db\.t3\.large, Aurora Standard, on-demand\)/);
    const [storage, io] = db.costComponents;
    expect(storage).toMatchObject({ name: 'Storage (Aurora Standard)', price: 0.1, monthlyQuantity: usage.datasetGiB, usageBased: true });
    expect(io).toMatchObject({ price: 0.2, monthlyQuantity: null, usageBased: true });
  });

  test('I/O-Optimized, Serverless v2 and other regions stay not priced, with the reason', () => {
    const optimized = cluster({ StorageType: 'aurora-iopt1' });
    for (const r of optimized) expect(r.costComponents.every((c) => c.notPriced !== undefined && /I\/O-Optimized/.test(c.notPriced))).toBe(true);
    const serverless = cluster({}, 'db.serverless').find((r) => r.name === 'Writer')!;
    expect(serverless.costComponents[0].notPriced).toMatch(/MinCapacity is not a literal/);
    // the ACU-hour is sourced for Aurora MySQL only (every Serverless v2 fixture of the golden file is aurora-mysql)
    const postgres = cluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 } }, 'db.serverless').find((r) => r.name === 'Writer')!;
    expect(postgres.costComponents[0].notPriced).toMatch(/aurora-postgresql instance: db\.serverless in us-east-1/);
    for (const r of cluster({}, 'db.t3.large', 'eu-central-1' as 'us-east-1')) expect(r.costComponents.every((c) => /us-east-1 only/.test(c.notPriced ?? ''))).toBe(true);
  });
});

describe('Aurora Serverless v2 (Aurora MySQL, us-east-1): the MinCapacity floor at the golden file\'s ACU-hour', () => {
  test('3,650 ACU-hours $438.00 in the golden file is $0.12 an ACU-hour; a 2-ACU floor bills 2 × 730 ACU-hours', () => {
    const line = lineOf('infracost_rds_cluster_instance_test.golden', 'aws_rds_cluster_instance.aurora_serverless_v2_with_usage', 'Aurora serverless v2');
    expect(line).toMatchObject({ quantity: 3650, monthlyCost: 438 });
    const acuHour = catalog.auroraHourly('us-east-1', 'aurora-mysql', 'db.serverless');
    expect(acuHour).toMatchObject({ usd: unitPriceOf(line, 'golden'), unit: 'ACU-hour' });
    expect(acuHour.usd).toBe(0.12);
    const writer = priceTemplate(
      {
        Resources: {
          Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysql', ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 16 } } },
          Writer: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'aurora-mysql', DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.serverless' } },
        },
      },
      { region: 'us-east-1' },
    ).resources.find((r) => r.name === 'Writer')!;
    expect(writer.costComponents[0]).toMatchObject({ price: 0.12, monthlyQuantity: 2 * HOURS_PER_MONTH });
    expect(writer.costComponents[0].assumption).toMatch(/MinCapacity 2 ACU all month.*up to MaxCapacity 16 ACU.*lower bound/);
  });
});

describe('Classic Load Balancer prices agree with the vendored infracost elb_test.golden', () => {
  test('730 hours $18.25 and 10,000 GB $80.00', () => {
    const file = 'infracost_elb_test.golden';
    const hours = lineOf(file, 'aws_elb.my_elb', 'Classic load balancer');
    const data = lineOf(file, 'aws_elb.my_elb', 'Data processed');
    const prices = catalog.classicElb('us-east-1');
    expect(prices.hourly.usd).toBe(unitPriceOf(hours, file));
    expect(prices.perGbProcessed.usd).toBe(unitPriceOf(data, file));
    expect(lineOf(file, 'aws_elb.elb1', 'Data processed').displayedUnitPrice).toBe(prices.perGbProcessed.usd);
  });
});
