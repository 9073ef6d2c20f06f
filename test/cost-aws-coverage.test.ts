/**
 * AWS coverage added for issue 13 beyond commitments: io2 and magnetic volumes, Gateway Load Balancer endpoints
 * (prices pinned against the EBS and VPC maps), and EKS extended support read from the version calendar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { priceTemplate } from '../cost/aws/engine';
import { loadCatalog } from '../cost/catalog';
import { parseRdsEngine } from '../cost/catalog/parsers/rds';
import { ROOT } from './support/paths';
import { EKS_CALENDAR, supportPhase } from '../cost/aws/support-calendar';
import { HOURS_PER_MONTH } from '../cost/model';

describe('volumes and endpoints added for issue 13 (prices pinned against the EBS and VPC maps)', () => {
  const one = (type: string, Properties: Record<string, unknown>) => priceTemplate({ Resources: { R: { Type: type, Properties } } }, { region: 'eu-west-1' }).resources[0]!;

  test('io2: storage and IOPS at the first-tier rate, flagged as an upper bound above it (eu-west-1: $0.138/GB, $0.072/IOPS)', () => {
    const v = one('AWS::EC2::Volume', { Size: 100, VolumeType: 'io2', Iops: 4000 });
    expect(v.status).toBe('priced');
    expect(v.costComponents[0]).toMatchObject({ price: 0.138, monthlyQuantity: 100 });
    expect(v.costComponents[1]).toMatchObject({ price: 0.072, monthlyQuantity: 4000 });
    expect(v.costComponents[1]!.assumption).toMatch(/upper bound/);
  });

  test('magnetic (standard): storage priced, I/O requests a usage line with no quantity (eu-west-1: $0.055/GB, $0.055 per million I/Os)', () => {
    const v = one('AWS::EC2::Volume', { Size: 50, VolumeType: 'standard' });
    expect(v.costComponents[0]).toMatchObject({ price: 0.055, monthlyCost: 50 * 0.055 });
    expect(v.costComponents[1]).toMatchObject({ price: 0.055, monthlyQuantity: null, usageBased: true });
  });

  test('Gateway Load Balancer endpoint: hourly ($0.0112/h in eu-west-1)', () => {
    const e = one('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'GatewayLoadBalancer', ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-1' });
    expect(e.costComponents[0]).toMatchObject({ price: 0.0112, monthlyCost: 0.0112 * HOURS_PER_MONTH });
  });
});

describe('EKS extended support', () => {
  const cluster = (Properties: Record<string, unknown>, asOf: string) =>
    priceTemplate({ Resources: { C: { Type: 'AWS::EKS::Cluster', Properties } } }, { region: 'us-east-1', asOf: new Date(`${asOf}T12:00:00Z`) }).resources[0]!;

  test('the calendar: 14 months of standard support, then 12 of extended', () => {
    expect(supportPhase(EKS_CALENDAR, '1.32', '2026-03-22')).toBe('standard');
    expect(supportPhase(EKS_CALENDAR, '1.32', '2026-03-23')).toBe('extended');
    expect(supportPhase(EKS_CALENDAR, '1.32', '2027-03-23')).toBe('past-extended');
    expect(supportPhase(EKS_CALENDAR, '1.20', '2026-01-01')).toBe('unknown');
  });

  test('a version in standard support pays the $0.10 cluster-hour only', () => {
    const c = cluster({ Version: '1.35' }, '2026-12-02');
    expect(c.costComponents.map((x) => x.price)).toEqual([0.1]);
  });

  test('a version past standard support adds the $0.50 extended-support surcharge ($0.60 in total)', () => {
    const c = cluster({ Version: '1.33', RoleArn: 'arn' }, '2026-12-02');
    expect(c.costComponents.map((x) => x.price)).toEqual([0.1, 0.5]);
    expect(c.monthlyCost).toBeCloseTo(0.6 * HOURS_PER_MONTH, 6);
    expect(c.costComponents[1]!.assumption).toMatch(/standard support of 1.33 ended 2026-07-29/);
  });

  test('UpgradePolicy STANDARD opts out; a version outside the calendar is a named hole, not a guess', () => {
    expect(cluster({ Version: '1.33', UpgradePolicy: { SupportType: 'STANDARD' } }, '2026-12-02').costComponents).toHaveLength(1);
    const old = cluster({ Version: '1.24' }, '2026-12-02');
    expect(old.costComponents[1]).toMatchObject({ monthlyCost: null });
    expect(old.costComponents[1]!.notPriced).toMatch(/not in the EKS calendar/);
  });
});

describe('RDS for MySQL', () => {
  test('the parser reads the MySQL map with the PostgreSQL map\'s layout (us-east-1 excerpt)', () => {
    const mysql = parseRdsEngine(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/prices/ec2shop_rds-mysql-ondemand.excerpt.json'), 'utf8')), 'us-east-1', 'rds-mysql', 'mysql');
    expect(mysql.published).toBe('2024-09-28');
    expect(mysql.classes['db.r6g.large']).toMatchObject({ vcpu: 2, memoryGiB: 16, hourly: { 'single-az': 0.215, 'multi-az': 0.43 } });
    expect(mysql.storage['single-az']).toMatchObject({ gp2PerGbMonth: 0.115, gp3PerGbMonth: 0.115, gp3IopsPerMonth: 0.02, gp3ThroughputPerMbpsMonth: 0.08, io1PerGbMonth: 0.125, io1IopsPerMonth: 0.1 });
    expect(mysql.backupPerGbMonth).toBe(0.095);
  });

  test('a MySQL instance is priced from its own map, in its own region; its reservation falls back to on-demand', () => {
    const db = (region: 'us-east-1' | 'eu-west-1', commitment?: '1y') =>
      priceTemplate(
        { Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mysql', DBInstanceClass: 'db.r6g.large', AllocatedStorage: 100, StorageType: 'gp3', BackupRetentionPeriod: 0 } } } },
        { region, commitment },
      ).resources[0]!;
    expect(db('us-east-1').costComponents.map((c) => c.price)).toEqual([0.215, 0.115]);
    expect(db('us-east-1').costComponents[0]!.name).toMatch(/MySQL, db\.r6g\.large, Single-AZ/);
    expect(db('eu-west-1').costComponents[0]!.price).toBe(0.237);
    expect(db('us-east-1', '1y').costComponents[0]!.assumption).toMatch(/only the PostgreSQL RI maps are vendored/);
  });

  test('RDS for MariaDB: its own map per region (db.r6g.large Single-AZ $0.215/h us-east-1, $0.26/h eu-central-1; gp3 $0.115 / $0.137 per GB-month)', () => {
    const feed = JSON.parse(readFileSync(join(ROOT, 'data/prices/feeds/ec2shop_rds-mariadb-ondemand.json'), 'utf8'));
    const key = 'Database Instance MariaDB No license required db r6g.large Memory optimized Single-AZ Current Generation';
    expect(Number(feed.regions['US East (N. Virginia)'][key].price)).toBe(0.215);
    expect(Number(feed.regions['EU (Frankfurt)'][key].price)).toBe(0.26);
    const maria = (region: 'us-east-1' | 'eu-central-1') =>
      priceTemplate({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mariadb', DBInstanceClass: 'db.r6g.large', AllocatedStorage: 20, StorageType: 'gp3', BackupRetentionPeriod: 0 } } } }, { region }).resources[0]!;
    expect(maria('us-east-1').costComponents.map((c) => c.price)).toEqual([0.215, 0.115]);
    expect(maria('eu-central-1').costComponents.map((c) => c.price)).toEqual([0.26, 0.137]);
    expect(maria('us-east-1').costComponents[0]!.name).toMatch(/MariaDB, db\.r6g\.large, Single-AZ/);
  });

  test('an Aurora class no source prices stays not priced, naming the classes that are (test/cost-aurora.test.ts covers the rest)', () => {
    const aurora = priceTemplate({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'aurora-postgresql', DBClusterIdentifier: 'c', DBInstanceClass: 'db.r6g.large' } } } }, { region: 'us-east-1' }).resources[0]!;
    expect(aurora.costComponents[0]!.notPriced).toMatch(/db\.r6g\.large in us-east-1.*priced classes: db\.t3\.large/);
  });
});

describe('RDS Extended Support (the RDS maps\' "Year 1 Year 2" / "Year 3" keys, read against the RDS release calendar)', () => {
  const db = (Properties: Record<string, unknown>, asOf: string, region: 'us-east-1' | 'eu-central-1' = 'us-east-1') =>
    priceTemplate(
      { Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', AllocatedStorage: 20, StorageType: 'gp3', BackupRetentionPeriod: 0, ...Properties } } } },
      { region, asOf: new Date(`${asOf}T12:00:00Z`) },
    ).resources[0]!;
  const surcharge = (r: ReturnType<typeof db>) => r.costComponents.find((c) => c.name.startsWith('RDS Extended Support'));

  test('PostgreSQL 12 in years 1-2: $0.100 per vCPU-hour in us-east-1, $0.122 in eu-central-1; the Multi-AZ standby counts', () => {
    const single = surcharge(db({ Engine: 'postgres', EngineVersion: '12.22' }, '2026-12-02'))!;
    expect(single).toMatchObject({ price: 0.1, monthlyQuantity: 2 * HOURS_PER_MONTH });
    expect(single.name).toMatch(/PostgreSQL 12\), years 1-2/);
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '12.22' }, '2026-12-02', 'eu-central-1'))!.price).toBe(0.122);
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '12.22', MultiAZ: true }, '2026-12-02'))!.monthlyQuantity).toBe(4 * HOURS_PER_MONTH);
  });

  test('MySQL 5.7 and PostgreSQL 11 are in year 3 from 2026-03-01 ($0.200)', () => {
    expect(surcharge(db({ Engine: 'mysql', EngineVersion: '5.7.44' }, '2026-02-28'))!.price).toBe(0.1);
    expect(surcharge(db({ Engine: 'mysql', EngineVersion: '5.7.44' }, '2026-03-01'))!.price).toBe(0.2);
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '11.22' }, '2026-12-02'))!.name).toMatch(/year 3/);
  });

  test('no surcharge in standard support, when the template opts out, or without a version; a version the map lacks is a named hole', () => {
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '16.4' }, '2026-12-02'))).toBeUndefined();
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '12.22', EngineLifecycleSupport: 'open-source-rds-extended-support-disabled' }, '2026-12-02'))).toBeUndefined();
    expect(surcharge(db({ Engine: 'postgres' }, '2026-12-02'))).toBeUndefined();
    // PostgreSQL 13 left standard support on 2026-03-01, but the 2024-09-28 map has no surcharge for it: outside
    // us-east-1 (where a dated list price fills it, below) it stays a named hole, as does MySQL 8.0 everywhere.
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '13.16' }, '2026-12-02', 'eu-central-1'))!.notPriced).toMatch(/lists no surcharge for this version/);
    expect(surcharge(db({ Engine: 'mysql', EngineVersion: '8.0.39' }, '2026-12-02'))!.notPriced).toMatch(/lists no surcharge for this version/);
  });

  test('PostgreSQL 13 in us-east-1: the usage.ai table\'s US East bands ($0.100 years 1-2, $0.200 year 3), quoted in the source record', () => {
    const line = surcharge(db({ Engine: 'postgres', EngineVersion: '13.16' }, '2026-12-02'))!;
    expect(line).toMatchObject({ price: 0.1, monthlyQuantity: 2 * HOURS_PER_MONTH });
    expect(line.name).toMatch(/PostgreSQL 13\), years 1-2/);
    expect(surcharge(db({ Engine: 'postgres', EngineVersion: '13.16' }, '2028-03-02'))!.price).toBe(0.2);
    const quote = loadCatalog().source('usage-ai-rds-extended-support').quote!;
    expect(quote).toContain('| RDS PostgreSQL | 13 |');
    expect(quote).toContain('$0.100/vCPU-hr | $0.200/vCPU-hr');
  });
});
