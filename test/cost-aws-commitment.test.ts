/**
 * Commitments on the AWS bill (issue 13): reserved rates, no upfront, for EC2, RDS for PostgreSQL and
 * ElastiCache, pinned against excerpts of the vendored RI price maps; MSK and 3-year RDS stay on-demand and say
 * why; `--commitment` rejects a bad term; the ladder shows the on-demand and the committed AWS column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors';
import { parseCommitment } from '../cli/commands/cost';
import { loadCatalog, PriceNotFound } from '../cost/catalog';
import { parseElastiCacheReserved, parseRdsPostgresReserved } from '../cost/catalog/parsers/reserved';
import { priceTemplate } from '../cost/aws/engine';
import { HOURS_PER_MONTH } from '../cost/model';
import { ladderMarkdown, ladderTable } from '../cost/render';
import type { LadderRow } from '../cost/stage';
import { ROOT } from './support/paths';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/prices', name), 'utf8'));
const catalog = loadCatalog();

describe('reserved-rate parsers on excerpts of the vendored RI maps', () => {
  test('RDS for PostgreSQL, 1 year no upfront, Single-AZ and Multi-AZ, with the on-demand rate printed next to it', () => {
    const rds = parseRdsPostgresReserved(fixture('ec2shop_rds-postgresql-reservedinstance-1y.excerpt.json'), 'us-east-1', 'rds-ri');
    expect(rds.published).toBe('2024-12-07');
    expect(rds.classes['db.r6g.large']).toEqual({ 'single-az': { usd: 0.1298, onDemandUsd: 0.225 }, 'multi-az': { usd: 0.2597, onDemandUsd: 0.45 } });
    expect(rds.classes['db.m7g.xlarge']).toEqual({ 'single-az': { usd: 0.2595, onDemandUsd: 0.337 }, 'multi-az': { usd: 0.519, onDemandUsd: 0.674 } });
  });

  test('ElastiCache, 1 and 3 years no upfront', () => {
    const one = parseElastiCacheReserved(fixture('ec2shop_elasticache-reservedinstance-1y.excerpt.json'), 'us-east-1', '1y', 'cache-ri-1y');
    const three = parseElastiCacheReserved(fixture('ec2shop_elasticache-reservedinstance-3y.excerpt.json'), 'us-east-1', '3y', 'cache-ri-3y');
    expect(one.published).toBe('2024-10-07');
    expect(one.nodes['cache.r7g.large']).toEqual({ usd: 0.149, onDemandUsd: 0.219 });
    expect(one.nodes['cache.m7g.large']).toEqual({ usd: 0.107, onDemandUsd: 0.158 });
    expect(three.nodes['cache.r7g.large']).toEqual({ usd: 0.114, onDemandUsd: 0.219 });
    expect(three.nodes['cache.m7g.large']).toEqual({ usd: 0.082, onDemandUsd: 0.158 });
  });

  test('a record of another term or purchase option is a format error, not a silently wrong rate', () => {
    expect(() => parseElastiCacheReserved(fixture('ec2shop_elasticache-reservedinstance-1y.excerpt.json'), 'us-east-1', '3y', 'x')).toThrow(/expected 3yr No Upfront/);
  });
});

describe('the committed catalog carries the same reserved rates', () => {
  test('pinned lookups, and 3-year RDS is not in the maps', () => {
    expect(catalog.rdsPostgresReservedHourly('us-east-1', 'db.r6g.large', 'multi-az', '1y')).toMatchObject({ usd: 0.2597, onDemandUsd: 0.45, published: '2024-12-07' });
    expect(catalog.elasticacheReservedHourly('us-east-1', 'cache.r7g.large', '3y')).toMatchObject({ usd: 0.114, unit: 'node-hour' });
    expect(() => catalog.rdsPostgresReservedHourly('us-east-1', 'db.r6g.large', 'multi-az', '3y')).toThrow(PriceNotFound);
    for (const region of ['us-west-2', 'eu-west-1', 'ap-southeast-1'] as const) {
      const reserved = catalog.elasticacheReservedHourly(region, 'cache.r7g.large', '1y');
      expect(reserved.onDemandUsd).toBe(catalog.elasticacheHourly(region, 'cache.r7g.large', 'redis').usd);
      expect(reserved.usd).toBeLessThan(reserved.onDemandUsd);
    }
  });
});

describe('a bill under a commitment', () => {
  const template = {
    Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.r6g.large', MultiAZ: true, AllocatedStorage: 100, StorageType: 'gp3', BackupRetentionPeriod: 0 } },
      Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { CacheNodeType: 'cache.r7g.large', Engine: 'valkey', NumCacheClusters: 2 } },
      Kafka: { Type: 'AWS::MSK::Cluster', Properties: { NumberOfBrokerNodes: 3, BrokerNodeGroupInfo: { InstanceType: 'kafka.m7g.large' } } },
      Server: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm7g.large' } },
    },
  };
  const line = (bill: ReturnType<typeof priceTemplate>, id: string) => bill.resources.find((r) => r.name === id)!.costComponents[0]!;

  test('1 year: EC2, RDS and ElastiCache at their reserved rates; MSK on-demand with the reason', () => {
    const bill = priceTemplate(template, { region: 'us-east-1', commitment: '1y' });
    expect(line(bill, 'Db')).toMatchObject({ price: 0.2597, monthlyCost: 0.2597 * HOURS_PER_MONTH });
    expect(line(bill, 'Db').name).toMatch(/reserved 1y no upfront/);
    expect(line(bill, 'Cache')).toMatchObject({ price: 0.149, monthlyCost: 0.149 * HOURS_PER_MONTH * 2 });
    expect(line(bill, 'Cache').assumption).toMatch(/no Valkey-specific reservation.*upper bound/);
    expect(line(bill, 'Server').price).toBe(catalog.ec2ReservedHourly('us-east-1', 'm7g.large', '1y').usd);
    expect(line(bill, 'Kafka').price).toBe(catalog.mskBrokerHourly('us-east-1', 'kafka.m7g.large').usd);
    expect(line(bill, 'Kafka').assumption).toMatch(/no MSK reservations/);
    expect(bill.assumptions[0]).toMatch(/reserved rates \(1y, no upfront/);
  });

  test('3 years: RDS falls back to on-demand and names why; the cache takes the 3-year rate', () => {
    const bill = priceTemplate(template, { region: 'us-east-1', commitment: '3y' });
    expect(line(bill, 'Db').price).toBe(0.45);
    expect(line(bill, 'Db').assumption).toMatch(/1 year No Upfront only/);
    expect(line(bill, 'Cache').price).toBe(0.114);
  });

  test('on-demand is unchanged without a commitment, and a commitment never costs more', () => {
    const onDemand = priceTemplate(template, { region: 'us-east-1' });
    expect(line(onDemand, 'Db').price).toBe(0.45);
    expect(line(onDemand, 'Cache').price).toBe(catalog.elasticacheHourly('us-east-1', 'cache.r7g.large', 'valkey').usd);
    const oneYear = priceTemplate(template, { region: 'us-east-1', commitment: '1y' });
    expect(oneYear.totalMonthlyCost).toBeLessThan(onDemand.totalMonthlyCost);
  });
});

describe('--commitment', () => {
  test('on-demand, 1y and 3y are accepted; anything else is a usage error naming the flag', () => {
    expect(parseCommitment(undefined)).toBeUndefined();
    expect(parseCommitment('on-demand')).toBeUndefined();
    expect(parseCommitment('1y')).toBe('1y');
    expect(parseCommitment('3y')).toBe('3y');
    expect(() => parseCommitment('2y')).toThrow(UsageError);
    expect(() => parseCommitment('2y')).toThrow(/--commitment: expected one of on-demand, 1y, 3y, got "2y"/);
  });

  test('the ladder shows the on-demand and the committed AWS column', () => {
    const row: LadderRow = {
      stage: 'split-tier',
      aws: 800,
      awsOnDemand: 1000,
      commitment: '1y',
      eks: 900,
      selfHosted: 400,
      ratio: 2,
      complete: { aws: true, eks: true, 'self-hosted': true },
      missingMajor: { aws: [], eks: [], 'self-hosted': [] },
      incomplete: [],
      missing: { aws: [], eks: [], 'self-hosted': [] },
    };
    const table = ladderTable([row], 'Hetzner Cloud', 'ladder');
    expect(table).toMatch(/AWS on-demand\s+AWS 1y reserved/);
    expect(table).toMatch(/split-tier\s+\$1,000\s+\$800/);
    expect(ladderMarkdown([row], 'Hetzner Cloud')).toContain('| split-tier | $1,000 | $800 |');
    const { awsOnDemand: _a, commitment: _c, ...plain } = row;
    expect(ladderTable([plain], 'Hetzner Cloud', 'ladder')).not.toMatch(/reserved/);
  });
});

describe('Fargate under a commitment: Compute Savings Plans, no upfront (vendored Clarchy price book, us-east-1)', () => {
  const book = readFileSync(join(ROOT, 'data/prices/feeds/clarchy_aws-prices_excerpt.yaml'), 'utf8');
  /** A field of an entry of the vendored YAML, read as the text states it. */
  const stated = (entry: string, field: string) => Number(new RegExp(`  ${entry.replace('.', '\\.')}:\\n(?:    .*\\n)*?    ${field}: ([0-9.e-]+)`).exec(book)![1]);
  const service = {
    Resources: {
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512', Memory: '1024' } },
      Svc: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', DesiredCount: 2, TaskDefinition: { Ref: 'Task' } } },
    },
  };
  const lines = (options: Parameters<typeof priceTemplate>[1]) => priceTemplate(service, options).resources.find((r) => r.name === 'Svc')!.costComponents;

  test('the catalog rates are the file\'s commit_1yr / commit_3yr, and its on-demand rates are the catalog\'s', () => {
    expect(stated('fargate.vcpu_hours', 'price')).toBe(catalog.fargate('us-east-1').vcpuHourly.usd);
    expect(stated('fargate.gb_hours', 'price')).toBe(catalog.fargate('us-east-1').gbHourly.usd);
    for (const [term, field] of [['1y', 'commit_1yr'], ['3y', 'commit_3yr']] as const) {
      const plan = catalog.fargateSavingsPlan('us-east-1', term);
      expect(plan.vcpuHourly.usd).toBe(stated('fargate.vcpu_hours', field));
      expect(plan.gbHourly.usd).toBe(stated('fargate.gb_hours', field));
      expect(plan.vcpuHourly).toMatchObject({ source: 'data/prices/feeds/clarchy_aws-prices_excerpt.yaml', published: '2026-10-01' });
    }
    expect(catalog.fargateSavingsPlan('us-east-1', '1y').vcpuHourly.usd).toBe(0.032384);
    expect(catalog.fargateSavingsPlan('us-east-1', '3y').gbHourly.usd).toBe(0.00244475);
  });

  test('a Fargate service bills its vCPU and GB hours at the plan rate; without a commitment on-demand, as before', () => {
    const [vcpu, memory] = lines({ region: 'us-east-1', commitment: '3y' });
    expect(vcpu).toMatchObject({ price: 0.022264, monthlyQuantity: 0.5 * 2 * HOURS_PER_MONTH });
    expect(vcpu.name).toMatch(/Compute Savings Plan 3y no upfront/);
    expect(memory).toMatchObject({ price: 0.00244475, monthlyQuantity: 1 * 2 * HOURS_PER_MONTH });
    const [onDemandVcpu] = lines({ region: 'us-east-1' });
    expect(onDemandVcpu).toMatchObject({ name: 'Fargate vCPU (0.5 vCPU × 2 tasks, Linux/x86)', price: 0.04048 });
  });

  test('outside us-east-1 no plan rate is sourced: on-demand, with the reason', () => {
    expect(() => catalog.fargateSavingsPlan('eu-central-1', '1y')).toThrow(PriceNotFound);
    const [vcpu] = lines({ region: 'eu-central-1', commitment: '1y' });
    expect(vcpu.price).toBe(catalog.fargate('eu-central-1').vcpuHourly.usd);
    expect(vcpu.assumption).toMatch(/no 1y Compute Savings Plan rate for Fargate.*us-east-1.*on-demand/);
  });
});
