/**
 * The AWS pricing engine on a CDK app that is not stagekit's (test/support/fixtures/kitchen-sink.template.json, real
 * CDK output: regenerate with `npx tsx test/support/fixtures/kitchen-sink.ts`) and on every stage's template.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '../cost/catalog';
import { priceTemplate, withSupport } from '../cost/aws/engine';
import { readTemplateFile } from '../cost/aws/template';
import { KITCHEN_SINK_TEMPLATE } from './support/fixtures/kitchen-sink';
import { Bill, HOURS_PER_MONTH, PricedResource } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { STAGE_NAMES } from '../core/ladder';
import { awsTemplate, stagePlan } from './support/stages';

const catalog = loadCatalog();
const REGION = 'us-east-1';
const template = readTemplateFile(KITCHEN_SINK_TEMPLATE);
const usage = usageFromPlan(stagePlan('split-tier'));
const bill = priceTemplate(template, { region: REGION, usage });
const bare = priceTemplate(template, { region: REGION });

function byType(b: Bill, type: string): PricedResource[] {
  return b.resources.filter((r) => r.resourceType === type);
}
function line(r: PricedResource, prefix: string) {
  const c = r.costComponents.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`${r.name} has no component "${prefix}": ${r.costComponents.map((x) => x.name).join(' | ')}`);
  return c;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A bill equals the sum of its resources, and each resource the sum of its components. */
function expectConsistent(b: Bill): void {
  expect(b.totalMonthlyCost).toBeCloseTo(sum(b.resources.map((r) => r.monthlyCost ?? 0)), 6);
  for (const r of b.resources) {
    if (r.status === 'not-priced') expect(r.monthlyCost).toBeNull();
    else expect(r.monthlyCost).toBeCloseTo(sum(r.costComponents.map((c) => c.monthlyCost ?? 0)), 6);
    for (const c of r.costComponents) {
      if (c.monthlyCost !== null) expect(c.monthlyCost).toBeCloseTo(c.monthlyQuantity! * c.price!, 6);
    }
  }
  expect(b.usageMonthlyCost).toBeCloseTo(sum(b.resources.flatMap((r) => r.costComponents).filter((c) => c.usageBased).map((c) => c.monthlyCost ?? 0)), 6);
}

describe('list prices pinned against the feeds (us-east-1)', () => {
  test.each([
    // EC2 on-demand Linux price map (b0.p.awsstatic.com ec2-ondemand-without-sec-sel), m7g.large us-east-1
    ['EC2 m7g.large', () => catalog.ec2Hourly(REGION, 'm7g.large').usd, 0.0816],
    // RDS for PostgreSQL on-demand map, db.r7g.large Multi-AZ us-east-1
    ['RDS db.r7g.large Multi-AZ', () => catalog.rdsPostgresHourly(REGION, 'db.r7g.large', 'multi-az').usd, 0.478],
    // ElastiCache on-demand map, cache.r7g.large Valkey us-east-1
    ['ElastiCache cache.r7g.large valkey', () => catalog.elasticacheHourly(REGION, 'cache.r7g.large', 'valkey').usd, 0.1752],
    // MSK price map, kafka.m7g.large broker-hour us-east-1
    ['MSK kafka.m7g.large', () => catalog.mskBrokerHourly(REGION, 'kafka.m7g.large').usd, 0.204],
    // NAT gateway price map, us-east-1 hourly
    ['NAT gateway hour', () => catalog.natGateway(REGION).hourly.usd, 0.045],
    // ELB pricing page, ALB hourly us-east-1
    ['ALB hour', () => catalog.alb(REGION).hourly.usd, 0.0225],
  ])('%s', (_name, read, expected) => {
    expect(read()).toBe(expected);
  });
});

describe('AWS handlers on a foreign CDK app', () => {
  test('Auto Scaling group: the floor (MinSize) × the launch template\'s type, its root volumes and detailed monitoring', () => {
    const [asg] = byType(bill, 'AWS::AutoScaling::AutoScalingGroup');
    const price = catalog.ec2Hourly(REGION, 'm7g.large').usd;
    expect(line(asg, 'Instance usage').monthlyQuantity).toBe(4 * HOURS_PER_MONTH);
    expect(line(asg, 'Instance usage').monthlyCost).toBeCloseTo(4 * HOURS_PER_MONTH * price, 6);
    expect(line(asg, 'Root volume storage (gp3, 30 GiB').monthlyQuantity).toBe(120);
    expect(line(asg, 'Detailed monitoring').monthlyQuantity).toBe(28);
    expect(asg.note).toMatch(/autoscaling floor/);
  });

  test('RDS: Multi-AZ primary with gp3 IOPS above the baseline; read replica inherits storage, Single-AZ', () => {
    const [primary, replica] = ['Db5D02A0A9', 'DbReplica0DD3E57F'].map((id) => bill.resources.find((r) => r.name === id)!);
    const multi = catalog.rdsStorage(REGION, 'multi-az');
    expect(line(primary, 'Database instance').price).toBe(catalog.rdsPostgresHourly(REGION, 'db.r7g.large', 'multi-az').usd);
    expect(line(primary, 'Storage (gp3, 500 GiB)').monthlyCost).toBeCloseTo(500 * multi.gp3PerGbMonth!.usd, 6);
    expect(line(primary, 'Provisioned IOPS').monthlyQuantity).toBe(15000 - 12000);
    expect(line(primary, 'Backup storage').usageBased).toBe(true);
    expect(line(replica, 'Read replica').price).toBe(catalog.rdsPostgresHourly(REGION, 'db.r7g.large', 'single-az').usd);
    expect(line(replica, 'Storage (gp2, 500 GiB)').price).toBe(catalog.rdsStorage(REGION, 'single-az').gp2PerGbMonth!.usd);
  });

  test('ElastiCache, MSK, NAT, EIP, endpoint, secret, key, hosted zone, alarms, dashboard', () => {
    const [cache] = byType(bill, 'AWS::ElastiCache::ReplicationGroup');
    expect(line(cache, 'Cache nodes').monthlyCost).toBeCloseTo(2 * HOURS_PER_MONTH * catalog.elasticacheHourly(REGION, 'cache.r7g.large', 'valkey').usd, 6);
    const [msk] = byType(bill, 'AWS::MSK::Cluster');
    expect(line(msk, 'Broker instances').monthlyQuantity).toBe(2 * HOURS_PER_MONTH);
    expect(line(msk, 'Storage (200 GiB × 2').monthlyQuantity).toBe(400);
    expect(line(msk, 'Storage growth beyond provisioned').usageBased).toBe(true);
    const nats = byType(bill, 'AWS::EC2::NatGateway');
    expect(nats).toHaveLength(2);
    for (const nat of nats) {
      expect(line(nat, 'NAT gateway').monthlyCost).toBeCloseTo(HOURS_PER_MONTH * 0.045, 6);
      expect(line(nat, 'Data processed').usageBased).toBe(true);
    }
    expect(byType(bill, 'AWS::EC2::EIP').every((r) => line(r, 'Public IPv4').monthlyCost! > 0)).toBe(true);
    expect(line(byType(bill, 'AWS::EC2::VPCEndpoint')[0], 'Interface endpoint').monthlyQuantity).toBe(2 * HOURS_PER_MONTH);
    expect(byType(bill, 'AWS::SecretsManager::Secret').map((r) => r.monthlyCost)).toEqual([0.4, 0.4]);
    expect(byType(bill, 'AWS::KMS::Key')[0].monthlyCost).toBe(catalog.kms(REGION).perKeyMonth.usd);
    expect(byType(bill, 'AWS::Route53::HostedZone')[0].monthlyCost).toBe(0.5);
    expect(byType(bill, 'AWS::CloudWatch::Alarm').map((r) => line(r, 'Standard alarm').monthlyQuantity).sort()).toEqual([1, 2]);
    expect(byType(bill, 'AWS::CloudWatch::Dashboard')[0].monthlyCost).toBe(catalog.cloudwatch(REGION).dashboardMonthly.usd);
  });

  test('composite alarms (the SLO burn-rate pairs) are priced at the composite-alarm rate', () => {
    const stage = priceTemplate(awsTemplate('split-tier'), { region: REGION });
    const composites = byType(stage, 'AWS::CloudWatch::CompositeAlarm');
    expect(composites).toHaveLength(stagePlan('split-tier').observability.burnRates.length);
    // awsprice_cloudwatch.json (published 2025-09-23), us-east-1 "Alarm Composite": 0.5 per alarm-month
    for (const c of composites) expect(c.monthlyCost).toBe(0.5);
  });

  test('EBS volume: gp3 storage, IOPS above 3,000 and throughput above 125 MiB/s', () => {
    const [vol] = byType(bill, 'AWS::EC2::Volume');
    const ebs = catalog.ebs(REGION);
    expect(vol.monthlyCost).toBeCloseTo(100 * ebs.gp3PerGbMonth.usd + 3000 * ebs.gp3IopsPerMonth.usd + 125 * ebs.gp3ThroughputPerMibpsMonth.usd, 6);
  });

  test('load balancer: hours, a public IPv4 address per zone, and LCUs from the profile\'s traffic (usage-based)', () => {
    const [alb] = byType(bill, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(line(alb, 'Application load balancer').monthlyQuantity).toBe(HOURS_PER_MONTH);
    expect(line(alb, 'Public IPv4 addresses').monthlyQuantity).toBe(2 * HOURS_PER_MONTH);
    const lcu = line(alb, 'Load balancer capacity units');
    expect(lcu.usageBased).toBe(true);
    expect(lcu.monthlyQuantity).toBeGreaterThan(0);
    expect(lcu.assumption).toMatch(/req\/s/);
  });

  test('an unknown resource type is listed as not priced, never as zero', () => {
    const transit = bill.resources.find((r) => r.resourceType === 'AWS::EC2::TransitGateway')!;
    expect(transit.status).toBe('not-priced');
    expect(transit.monthlyCost).toBeNull();
    expect(transit.note).toMatch(/not in the catalog/);
  });

  test('a type no handler knows at all says so', () => {
    const b = priceTemplate({ Resources: { Thing: { Type: 'AWS::Made::Up' } } }, { region: REGION });
    expect(b.resources[0]).toMatchObject({ status: 'not-priced', monthlyCost: null, note: 'no handler for this resource type' });
    expect(b.totalMonthlyCost).toBe(0);
  });

  test('free resources are recognised as free; every resource has a status', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::IAM::Role', 'AWS::RDS::DBSubnetGroup']) {
      const rs = bill.resources.filter((r) => r.resourceType === type);
      if (rs.length) expect(rs.every((r) => r.status === 'free')).toBe(true);
    }
    expect(bill.resources).toHaveLength(Object.keys(template.Resources!).length + bill.resources.filter((r) => !template.Resources![r.name]).length);
    expect(bill.resources.every((r) => ['priced', 'free', 'pay-per-use', 'not-priced'].includes(r.status))).toBe(true);
  });

  test('usage lines are marked, carry their assumption, and region-level lines price egress and cross-AZ traffic', () => {
    const usageLines = bill.resources.flatMap((r) => r.costComponents).filter((c) => c.usageBased);
    expect(usageLines.length).toBeGreaterThan(5);
    expect(usageLines.every((c) => (c.assumption ?? '').length > 10)).toBe(true);
    const egress = bill.resources.find((r) => r.name === 'DataTransferOut')!;
    expect(sum(egress.costComponents.map((c) => c.monthlyQuantity!))).toBeCloseTo(usage.egressGiBPerMonth, 6);
    // Tiered: the first tier is charged at the first tier's price.
    expect(egress.costComponents[0].price).toBe(catalog.dataTransferOutTiers(REGION)[0].usd);
    expect(bill.resources.find((r) => r.name === 'CrossAzTraffic')!.monthlyCost).toBeGreaterThan(0);
  });

  test('without a profile, usage is marked as not included and priced at nothing', () => {
    expect(bare.usageIncluded).toBe(false);
    expect(bare.usageMonthlyCost).toBe(0);
    const queue = bare.resources.find((r) => r.name === 'JobsDF1CC2D4')!;
    expect(queue.costComponents[0].monthlyQuantity).toBeNull();
    expect(queue.costComponents[0].assumption).toMatch(/usage not included/);
    expect(bare.resources.some((r) => r.name === 'DataTransferOut')).toBe(false);
    expect(bill.totalMonthlyCost - bare.totalMonthlyCost).toBeCloseTo(bill.usageMonthlyCost, 6);
  });

  test('bills are the sum of their lines', () => {
    expectConsistent(bill);
    expectConsistent(bare);
  });

  test('a YAML template with CloudFormation short forms', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cost-yaml-')), 't.yaml');
    fs.writeFileSync(
      file,
      ['Parameters:', '  Size:', '    Type: String', '    Default: m7g.large', 'Resources:', '  Box:', '    Type: AWS::EC2::Instance', '    Properties:', '      InstanceType: !Ref Size', '      SubnetId: !GetAtt Net.SubnetId', ''].join('\n'),
    );
    const b = priceTemplate(readTemplateFile(file), { region: REGION });
    expect(line(b.resources[0], 'Instance usage').price).toBe(0.0816);
  });

  test('an AWS Support plan line: the greater of the minimum and the banded share', () => {
    const supported = withSupport(bare, 'business', catalog);
    const fee = supported.resources.find((r) => r.name === 'AwsSupport')!;
    expect(fee.monthlyCost).toBeCloseTo(Math.max(100, bare.totalMonthlyCost * 0.1), 6);
    expect(supported.totalMonthlyCost).toBeCloseTo(bare.totalMonthlyCost + fee.monthlyCost!, 6);
  });

  test('a region outside the catalog is a usage error', () => {
    expect(() => priceTemplate(template, { region: 'mars-1' })).toThrow(/not in the price catalog/);
  });
});

describe('every stage\'s template', () => {
  test.each(STAGE_NAMES)('%s: consistent, every non-free resource explained', (stage) => {
    const plan = stagePlan(stage);
    const b = priceTemplate(awsTemplate(stage), { region: plan.region, usage: usageFromPlan(plan), stage });
    expectConsistent(b);
    expect(b.totalMonthlyCost).toBeGreaterThan(0);
    for (const r of b.resources.filter((x) => x.status === 'not-priced' || x.status === 'pay-per-use')) expect(r.note).toBeTruthy();
    // Autoscaling groups are priced at their floor: the plan's minimum count.
    for (const asg of byType(b, 'AWS::AutoScaling::AutoScalingGroup')) {
      const floor = Number(awsTemplate(stage).Resources[asg.name].Properties.MinSize);
      expect(line(asg, 'Instance usage').monthlyQuantity).toBe(floor * HOURS_PER_MONTH);
    }
  });

  test('the app servers of split-tier are the plan\'s minimum count of its instance type', () => {
    const plan = stagePlan('split-tier');
    const b = priceTemplate(awsTemplate('split-tier'), { region: plan.region, usage: usageFromPlan(plan) });
    const fleet = byType(b, 'AWS::AutoScaling::AutoScalingGroup').find((r) => line(r, 'Instance usage').name.includes(plan.app.instance.name));
    expect(fleet).toBeDefined();
    expect(line(fleet!, 'Instance usage').monthlyQuantity).toBe(plan.app.minCount * HOURS_PER_MONTH);
  });
});
