/**
 * Pricing: the AWS handlers and engine, the Kubernetes inventory and fleet, the catalog's sources, commitments, storage and edge prices, the path between stages and the priced ladder.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { AWS_REGIONS, PriceNotFound, loadCatalog } from '../cost/catalog';
import type { AwsRegion } from '../cost/catalog';
import { priceTemplate, withSupport } from '../cost/aws/engine';
import { readTemplateFile } from '../cost/aws/template';
import { KITCHEN_SINK_TEMPLATE } from './support/fixtures/kitchen-sink';
import { Bill, HOURS_PER_MONTH, PROVIDERS, PricedResource, component, makeBill, notPricedResource, resource } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { STAGE_NAMES } from '../core/ladder';
import { awsTemplate, k8sManifestFile, k8sObjects, stagePlan } from './support/stages';
import { FREE_TYPES, HANDLERS, SERVICES } from '../cost/aws/handlers';
import { ecsService_ } from '../cost/aws/handlers/ecs';
import { rdsInstance } from '../cost/aws/handlers/rds';
import { templateRoles } from '../cost/aws/roles';
import { parseRdsEngine } from '../cost/catalog/parsers/rds';
import { ROOT, SYNTH_OUT } from './support/paths';
import { EKS_CALENDAR, supportPhase } from '../cost/aws/support-calendar';
import { UsageError } from '../core/errors';
import { parseCommitment } from '../cli/commands/cost';
import { parseElastiCacheReserved, parseRdsPostgresReserved } from '../cost/catalog/parsers/reserved';
import { billJson, diffJson, ladderMarkdown, ladderTable, stageDiffJson, stageJson } from '../cost/render';
import { StageBills, diffStages, ladderSummary, priceArtifacts, readK8sObjects } from '../cost/stage';
import type { LadderRow } from '../cost/stage';
import { VENDORED_FEEDS_DIR } from '../cost/catalog/payloads';
import { parseGoldenLines, unitPriceOf } from '../cost/catalog/parsers/infracost-golden';
import { ALB_ACCESS_LOG_LINE_BYTES, expirationDays } from '../cost/aws/handlers/s3';
import { readHealthCheck } from '../cost/aws/handlers/route53';
import { parseCloudFrontRequests, parseRoute53HealthChecks, parseS3 } from '../cost/catalog/parsers/storage-edge';
import { decimal, infracostJson } from '../cost/infracost';
import { PodGroup, ServerType, cheapestPacking, packOnto } from '../cost/k8s/binpack';
import { priceEks } from '../cost/k8s/eks';
import { inventory, parseQuantity } from '../cost/k8s/inventory';
import { DEFAULT_OPS, parseOpsHours } from '../cost/k8s/ops';
import { priceSelfHosted, priceStageSelfHosted } from '../cost/k8s/self-hosted';
import { HETZNER_VOLUME_LIMITS, lokiRequests, planFleet, planStageFleet, stagePlatformLoad } from '../cost/k8s/fleet';
import { platformAddons } from '../cost/k8s/cluster';
import { logSizing } from '../platform/addons/logs';
import { PROMETHEUS_SIZE } from '../platform/addons/monitoring';
import { renderPlatform } from '../platform/builder';
import { advise } from '../core/advisor';
import { loadProfile } from '../core/profile';
import { computePlan } from '../core/plan';
import { PricedStage, egressUsd, pathCosts, planVcpu, scaledTotal } from '../cost/path';
import { bareMetalSources, catalogSources } from '../cost/catalog/sources';
import { diffBills } from '../cost/diff';
import { k8sObjectsFileOf } from '../core/k8s-objects-file';
import { runCli } from './support/cli';

/**
 * The AWS pricing engine on a CDK app that is not stagekit's (test/support/fixtures/kitchen-sink.template.json, real
 * CDK output: regenerate with `npx tsx test/support/fixtures/kitchen-sink.ts`) and on every stage's template.
 */
describe('cost-aws', () => {
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
});

/**
 * One check per AWS service handler file (cost/aws/handlers/): the registry, roles read from stagekit:role
 * tags, and the handlers added for issue 13 (unknown EC2 types, Reserved Instances, Fargate, Lambda, DynamoDB,
 * CloudFront, free sub-resources).
 */
describe('cost-aws-handlers', () => {
  const catalog = loadCatalog();
  const REGION = 'us-east-1';
  const usage = usageFromPlan(stagePlan('split-tier'));
  const one = (type: string, Properties: Record<string, unknown> = {}, extra: Record<string, any> = {}) =>
    priceTemplate({ Resources: { R: { Type: type, Properties }, ...extra } }, { region: REGION, usage }).resources.find((r) => r.name === 'R')!;

  describe('the handler registry', () => {
    test('each type is declared by one service file; every file declares what it prices', () => {
      const seen = new Set<string>();
      for (const s of SERVICES) {
        for (const h of s.handlers) for (const t of h.types) (expect(seen.has(t)).toBe(false), seen.add(t));
        for (const t of Object.keys(s.free ?? {})) (expect(seen.has(t)).toBe(false), seen.add(t));
      }
      for (const t of ['AWS::EC2::Instance', 'AWS::RDS::DBInstance', 'AWS::ECS::Service', 'AWS::DynamoDB::Table', 'AWS::CloudFront::Distribution']) expect(HANDLERS[t]).toBeDefined();
    });

    test('reading is separate from pricing: a handler reads a spec from the template alone', () => {
      const spec = rdsInstance.read({}, 'Db', { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.r7g.large', MultiAZ: true, AllocatedStorage: '100' } });
      expect(spec).toMatchObject({ engine: 'postgres', instanceClass: 'db.r7g.large', multiAz: true, storageGiB: 100, storageType: 'gp2' });
    });

    test('API Gateway methods, ECS clusters and task definitions, Cognito clients are free', () => {
      for (const t of ['AWS::ApiGateway::Method', 'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::Cognito::UserPoolClient']) {
        expect(FREE_TYPES[t]).toBeDefined();
        expect(one(t).status).toBe('free');
      }
    });
  });

  describe('roles come from the stagekit:role tag, not from names', () => {
    test('a log group tagged job-logs is a worker log group whatever its name; an untagged "worker" one is not', () => {
      const roles = templateRoles({
        Resources: {
          WebNamed: { Type: 'AWS::Logs::LogGroup', Properties: { Tags: [{ Key: 'stagekit:role', Value: 'job-logs' }] } },
          WorkerNamed: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/app/worker' } },
          Rds: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/rds/instance/db1/postgresql' } },
          Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'db1', EnableCloudwatchLogsExports: ['postgresql'] } },
        },
      });
      expect(roles.workerLogGroups).toEqual(['WebNamed']);
      expect(roles.appLogGroups).toEqual(['WorkerNamed']);
      expect(roles.serviceLogGroups).toEqual(['Rds']);
    });
  });

  describe('EC2 (ec2.ts)', () => {
    test('a type the catalog lacks leaves the instance not priced, never its root volume alone called priced', () => {
      const r = one('AWS::EC2::Instance', { InstanceType: 'zz9.mega' });
      expect(r.status).toBe('not-priced');
      expect(r.monthlyCost).toBeNull();
      expect(r.note).toMatch(/zz9\.mega/);
    });

    test('every type the feeds carry is priced (c5.large, outside the first 12 families)', () => {
      // karpenter us-east-1 table (2026-07-20): "c5.large": 0.085
      expect(one('AWS::EC2::Instance', { InstanceType: 'c5.large' }).costComponents[0].price).toBe(0.085);
    });

    test('--commitment 1y/3y prices instance hours at the Reserved Instance rate, on-demand where no offer exists', () => {
      const template = { Resources: { R: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm7g.large' } } } };
      const ri1 = priceTemplate(template, { region: REGION, commitment: '1y' }).resources[0].costComponents[0];
      const ri3 = priceTemplate(template, { region: REGION, commitment: '3y' }).resources[0].costComponents[0];
      // ec2.shop us-east-1 RI maps (2025-04-05), m7g.large standard no upfront: 1yr 0.054, 3yr 0.037
      expect(ri1.price).toBe(0.054);
      expect(ri3.price).toBe(0.037);
      expect(ri1.name).toMatch(/reserved 1y no upfront/);
      expect(catalog.ec2ReservedHourly('us-west-2', 'm7g.large', '1y').usd).toBeLessThan(catalog.ec2Hourly('us-west-2', 'm7g.large').usd);
    });
  });

  describe('ECS Fargate (ecs.ts)', () => {
    test('vCPU-hours and GB-hours of the desired count, at the Fargate rates', () => {
      const r = one(
        'AWS::ECS::Service',
        { LaunchType: 'FARGATE', DesiredCount: 3, TaskDefinition: { Ref: 'Task' } },
        { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512', Memory: '1024' } } },
      );
      const f = catalog.fargate(REGION);
      // EKS price map (2025-10-28) us-east-1 Fargate: 0.04048 per vCPU-hour, 0.004445 per GB-hour
      expect([f.vcpuHourly.usd, f.gbHourly.usd]).toEqual([0.04048, 0.004445]);
      expect(r.monthlyCost).toBeCloseTo(3 * HOURS_PER_MONTH * (0.5 * 0.04048 + 1 * 0.004445), 6);
      expect(ecsService_.read({}, 'S', { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 2 } })).toMatchObject({ launchType: 'EC2', desiredCount: 2 });
    });
  });

  describe('Lambda (lambda.ts) and DynamoDB (dynamodb.ts)', () => {
    test('a function stays pay-per-use, with its unit prices from the feed', () => {
      const r = one('AWS::Lambda::Function', { Architectures: ['arm64'], MemorySize: 512 });
      expect(r.status).toBe('pay-per-use');
      expect(r.monthlyCost).toBe(0);
      // lambda price map (2025-10-30) us-east-1: "Lambda Requests-ARM" 0.0000002, "Lambda Duration-ARM" 0.0000133334
      expect(r.costComponents.map((c) => c.price)).toEqual([0.0000002, 0.0000133334]);
    });

    test('provisioned capacity is a standing charge; storage and on-demand requests show unit prices only', () => {
      const r = one('AWS::DynamoDB::Table', { ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } });
      // dynamodb price map (2025-08-28) us-east-1: "Provisioned Read Units" 0.00013, "Provisioned Write Units" 0.00065
      expect(r.monthlyCost).toBeCloseTo(HOURS_PER_MONTH * (10 * 0.00013 + 5 * 0.00065), 6);
      const onDemand = one('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
      expect(onDemand.costComponents.map((c) => c.price)).toEqual([0.000000125, 0.000000625, 0.25]);
    });
  });

  describe('CloudFront (cloudfront.ts)', () => {
    test('the cdn-tagged distribution carries the egress at CloudFront rates; the region egress line moves to it', () => {
      const b = priceTemplate(
        { Resources: { Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: { Tags: [{ Key: 'stagekit:role', Value: 'cdn' }] } } } },
        { region: REGION, usage },
      );
      const cdn = b.resources.find((r) => r.name === 'Cdn')!;
      // CloudFront pricing page, United States first 10 TB: $0.085/GB
      expect(cdn.costComponents[0].price).toBe(0.085);
      const transfer = cdn.costComponents.filter((c) => c.unit === 'GB' && c.monthlyQuantity !== null);
      expect(transfer.reduce((s, c) => s + c.monthlyQuantity!, 0)).toBeCloseTo(usage.egressGiBPerMonth, 6);
      // requests: the CloudFront map's "Request HTTPS Methods" from United States, $0.000001 each (test/cost-storage-edge.test.ts pins every geography)
      expect(cdn.costComponents.find((c) => c.name === 'HTTPS requests')).toMatchObject({ price: 0.000001, monthlyQuantity: usage.requestsPerMonth });
      expect(b.resources.find((r) => r.name === 'DataTransferOut')!.monthlyCost).toBe(0);
      expect(one('AWS::CloudFront::Distribution').status).toBe('pay-per-use');
    });
  });

  describe('the other service files price what they priced before', () => {
    test.each([
      ['network.ts', 'AWS::EC2::NatGateway', {}, 0.045 * HOURS_PER_MONTH],
      ['elb.ts', 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: ['a', 'b'] }, 0.0225 * HOURS_PER_MONTH],
      ['elasticache.ts', 'AWS::ElastiCache::CacheCluster', { CacheNodeType: 'cache.r7g.large', Engine: 'valkey', NumCacheNodes: 1 }, 0.1752 * HOURS_PER_MONTH],
      ['kms.ts', 'AWS::KMS::Key', {}, 1],
      ['secrets.ts', 'AWS::SecretsManager::Secret', {}, 0.4],
      ['route53.ts', 'AWS::Route53::HostedZone', {}, 0.5],
      ['cloudwatch.ts', 'AWS::CloudWatch::CompositeAlarm', {}, 0.5],
      ['eks.ts', 'AWS::EKS::Cluster', {}, catalog.eksClusterHourly(REGION).usd * HOURS_PER_MONTH],
    ])('%s: %s', (_file, type, props, expected) => {
      const fixed = one(type as string, props as Record<string, unknown>).costComponents.filter((c) => !c.usageBased && !c.name.startsWith('Public IPv4'));
      expect(fixed.reduce((s, c) => s + (c.monthlyCost ?? 0), 0)).toBeCloseTo(expected as number, 6);
    });

    test('msk.ts, sqs.ts, backup.ts: usage-based lines from the profile', () => {
      expect(one('AWS::MSK::Cluster', { NumberOfBrokerNodes: 2, BrokerNodeGroupInfo: { InstanceType: 'kafka.m7g.large' } }).costComponents[0].monthlyQuantity).toBe(2 * HOURS_PER_MONTH);
      expect(one('AWS::SQS::Queue').costComponents[0].usageBased).toBe(true);
      expect(one('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [{ Lifecycle: { DeleteAfterDays: 7 } }] } }).note).toMatch(/7 days/);
    });
  });

  describe('Classic Load Balancer (elb.ts)', () => {
    test('the hour and the GB processed are the AWS ELB pricing page\'s us-east-1 figures, quoted in the source record', () => {
      const prices = catalog.classicElb(REGION);
      expect(prices.hourly.usd).toBe(0.025);
      expect(prices.perGbProcessed.usd).toBe(0.008);
      const quote = catalog.source('aws-elb-pricing-page').quote!;
      expect(quote).toContain('Classic Load Balancer - hourly: "$0.025 per hour"');
      expect(quote).toContain('Classic Load Balancer - data: "$0.008 per GB"');
    });

    test('the front Classic load balancer carries the request traffic as GB processed; without a profile it is usage-based', () => {
      const lb = one('AWS::ElasticLoadBalancing::LoadBalancer', { Scheme: 'internet-facing' });
      expect(lb.status).not.toBe('not-priced');
      expect(lb.costComponents[0]).toMatchObject({ name: 'Classic load balancer', monthlyQuantity: HOURS_PER_MONTH, price: 0.025 });
      const gbPerMonth = ((usage.averageRequestsPerSecond * 3600 * (usage.responseKiB + 1)) / 1024 ** 2) * HOURS_PER_MONTH;
      expect(lb.costComponents[1]).toMatchObject({ name: 'Data processed', price: 0.008, usageBased: true });
      expect(lb.costComponents[1].monthlyQuantity).toBeCloseTo(gbPerMonth, 6);
      const unprofiled = priceTemplate({ Resources: { R: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: {} } } }, { region: REGION }).resources[0];
      expect(unprofiled.costComponents[1].monthlyQuantity).toBeNull();
    });

    test('an ALB in the template takes the traffic; a Classic load balancer then bills its hours (and its public addresses) only', () => {
      const b = priceTemplate(
        {
          Resources: {
            Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
            Clb: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { AvailabilityZones: ['a', 'b', 'c'] } },
            Internal: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Scheme: 'internal' } },
          },
        },
        { region: REGION, usage },
      );
      const clb = b.resources.find((r) => r.name === 'Clb')!;
      expect(clb.costComponents.map((c) => c.name)).toEqual(['Classic load balancer', 'Public IPv4 addresses (one per AZ, 3)']);
      expect(clb.costComponents[1]).toMatchObject({ monthlyQuantity: 3 * HOURS_PER_MONTH, price: catalog.publicIpv4Hourly(REGION).inUse.usd });
      expect(b.resources.find((r) => r.name === 'Internal')!.costComponents.map((c) => c.name)).toEqual(['Classic load balancer']);
    });

    test('outside us-east-1 no source states a price: not priced, never a us-east-1 stand-in', () => {
      expect(() => catalog.classicElb('eu-central-1')).toThrow(/Classic Load Balancer/);
      const lb = priceTemplate({ Resources: { R: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Scheme: 'internal' } } } }, { region: 'eu-central-1', usage }).resources[0];
      expect(lb.costComponents).toHaveLength(1);
      expect(lb.costComponents[0].notPriced).toMatch(/Classic Load Balancer.*eu-central-1.*us-east-1 prices/);
    });
  });
});

/**
 * AWS coverage added for issue 13 beyond commitments: io2 and magnetic volumes, Gateway Load Balancer endpoints
 * (prices pinned against the EBS and VPC maps), and EKS extended support read from the version calendar.
 */
describe('cost-aws-coverage', () => {
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
});

/**
 * Commitments on the AWS bill (issue 13): reserved rates, no upfront, for EC2, RDS for PostgreSQL and
 * ElastiCache, pinned against excerpts of the vendored RI price maps; MSK and 3-year RDS stay on-demand and say
 * why; `--commitment` rejects a bad term; the ladder shows the on-demand and the committed AWS column.
 */
describe('cost-aws-commitment', () => {
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
});

/**
 * Aurora (cost/aws/handlers/aurora.ts) and Classic Load Balancer prices pinned against the vendored Infracost golden
 * files (data/prices/feeds/infracost_*.golden): each catalog price reproduces the golden line it was read from.
 */
describe('cost-aurora', () => {
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
});

/**
 * S3, Route 53 health checks and CloudFront requests (issue 13, AWS side; issue 10's CDN item): the parsers on
 * committed excerpts, every new price pinned per region against its feed entry, and the handlers' usage lines.
 */
describe('cost-storage-edge', () => {
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
});

/**
 * `--format infracost`: stagekit bills in Infracost's JSON output format, validated against infracost's own
 * published JSON schema (vendored in data/schemas with its source and commit), with decimal strings, and with
 * holes kept as holes (priceNotFound, null totals) rather than zeros.
 */
describe('cost-infracost', () => {
  /** ajv 8 has no draft-04 meta-schema: drop the `$schema` markers (the schema uses no draft-04-only keyword). */
  function withoutSchemaMarkers(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(withoutSchemaMarkers);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$schema').map(([k, v]) => [k, withoutSchemaMarkers(v)]));
    return node;
  }

  const schema = JSON.parse(readFileSync(join(ROOT, 'data/schemas/infracost.schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(withoutSchemaMarkers(schema) as object);
  const valid = (doc: unknown): string => (validate(doc) ? 'valid' : ajv.errorsText(validate.errors));

  describe('infracost JSON output', () => {
    test('the vendored schema is infracost\'s output schema (Root with projects, breakdown, cost components)', () => {
      expect(schema.$ref).toBe('#/definitions/Root');
      expect(schema.definitions.CostComponent.required).toEqual(['name', 'unit', 'hourlyQuantity', 'monthlyQuantity', 'price', 'hourlyCost', 'monthlyCost', 'priceNotFound']);
      // The validator is not vacuous: a cost as a number instead of a decimal string fails.
      expect(valid({ ...infracostJson([]), totalMonthlyCost: 12.5 })).toMatch(/totalMonthlyCost must be string,null/);
    });

    test('a synthesized stage\'s AWS bill validates, with decimal strings that add up', () => {
      const bill = priceTemplate(awsTemplate('read-replicas'), { region: 'us-east-1', usage: usageFromPlan(stagePlan('read-replicas')) });
      const doc: any = infracostJson([{ name: 'stagekit/read-replicas/aws', bill }], { generatedAt: new Date('2026-12-02T00:00:00Z') });
      expect(valid(doc)).toBe('valid');
      expect(doc).toMatchObject({ version: '0.2', currency: 'USD', timeGenerated: '2026-12-02T00:00:00.000Z' });
      const project = doc.projects[0];
      expect(project.breakdown.resources.length).toBeGreaterThan(5);
      const components = project.breakdown.resources.flatMap((r: any) => r.costComponents);
      for (const c of components) for (const k of ['price', 'monthlyCost', 'monthlyQuantity']) if (c[k] !== null) expect(c[k]).toMatch(/^-?\d+(\.\d+)?$/);
      const sum = project.breakdown.resources.reduce((s: number, r: any) => s + Number(r.monthlyCost ?? 0), 0);
      expect(bill.complete).toBe(true);
      expect(Number(doc.totalMonthlyCost)).toBeCloseTo(sum, 2);
      expect(Number(doc.totalMonthlyCost)).toBeCloseTo(bill.totalMonthlyCost, 4);
      expect(project.breakdown.freeResources.length).toBe(bill.resources.filter((r) => r.status === 'free').length);
    });

    test('what could not be priced stays a hole: priceNotFound and null costs; an incomplete bill has null totals and a warning', () => {
      const bill = priceTemplate(
        { Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.nonexistent.large', AllocatedStorage: 20 } } } },
        { region: 'us-east-1' },
      );
      const doc: any = infracostJson([{ name: 'db', bill }]);
      expect(valid(doc)).toBe('valid');
      const db = doc.projects[0].breakdown.resources.find((r: any) => r.name === 'Db');
      expect(db.costComponents[0]).toMatchObject({ priceNotFound: true, price: null, monthlyCost: null });
      expect(bill.complete).toBe(false);
      expect(doc.totalMonthlyCost).toBeNull();
      expect(doc.projects[0].breakdown.totalMonthlyCost).toBeNull();
      expect(doc.projects[0].metadata.warnings[0].message).toMatch(/incomplete bill, no total: database Db not priced/);
    });

    test('decimal strings have no exponent and no float noise beyond 10 places', () => {
      expect(decimal(0.1 + 0.2)).toBe('0.3');
      expect(decimal(1e-7)).toBe('0.0000001');
      expect(decimal(1234.5)).toBe('1234.5');
      expect(decimal(0)).toBe('0');
    });
  });
});

/**
 * The Kubernetes side of the pricing engine: reading requests out of workloads and operators' custom
 * resources, bin-packing with N+1 and zone spread, and the self-hosted and EKS bills.
 */
describe('cost-k8s', () => {
  const catalog = loadCatalog();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  const container = (cpu: string, memory: string) => ({ name: 'c', image: 'app:1', resources: { requests: { cpu, memory } } });

  /** A small product rendered the way the operators' resources look. */
  const OBJECTS = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [container('1800m', '6963Mi')] } } } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 4, maxReplicas: 12 } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' }, spec: { template: { spec: { containers: [container('1', '2Gi')] } } } },
    { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'worker' }, spec: { scaleTargetRef: { name: 'worker' }, minReplicaCount: 3, maxReplicaCount: 12 } },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db' },
      spec: { instances: 3, resources: { requests: { cpu: '4', memory: '16Gi' } }, storage: { size: '200Gi' }, walStorage: { size: '20Gi' } },
    },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'db-rw' }, spec: { cluster: { name: 'db' }, instances: 2, template: { spec: { containers: [{ name: 'pgbouncer', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] } } } },
    { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } }, spec: { kafka: { listeners: [] }, entityOperator: { topicOperator: {}, userOperator: {} } } },
    {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaNodePool',
      metadata: { name: 'broker', labels: { 'strimzi.io/cluster': 'events' } },
      spec: { replicas: 3, roles: ['broker'], resources: { requests: { cpu: '2', memory: '8Gi' } }, storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi' }] } },
    },
    {
      apiVersion: 'redis.redis.opstreelabs.in/v1beta2',
      kind: 'RedisReplication',
      metadata: { name: 'cache' },
      spec: { clusterSize: 2, kubernetesConfig: { image: 'redis', resources: { requests: { cpu: '1', memory: '4Gi' } } }, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '10Gi' } } } } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'mystery' }, spec: {} },
  ];

  describe('reading requests from the rendering', () => {
    test('Kubernetes quantities', () => {
      expect(parseQuantity('1500m')).toBe(1.5);
      expect(parseQuantity('2')).toBe(2);
      expect(parseQuantity('8Gi')).toBe(8 * 2 ** 30);
      expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
      expect(parseQuantity('1G')).toBe(1e9);
      expect(parseQuantity('lots')).toBeUndefined();
    });

    test('workloads, operators\' resources, autoscaling floors, volumes, systems and unknown kinds', () => {
      const inv = inventory(OBJECTS);
      const w = Object.fromEntries(inv.workloads.map((x) => [x.name, x]));
      expect(w['Deployment/web']).toMatchObject({ replicas: 4, vcpu: 1.8, role: 'app' }); // HPA minimum
      expect(w['Deployment/worker']).toMatchObject({ replicas: 3, vcpu: 1, memoryGiB: 2 }); // KEDA minimum
      expect(w['Cluster/db']).toMatchObject({ replicas: 3, vcpu: 4, memoryGiB: 16, storageGiB: 220, role: 'database', spreadOverNodes: true });
      expect(w['Pooler/db-rw']).toMatchObject({ replicas: 2, vcpu: 0.5, memoryGiB: 0.25 });
      expect(w['KafkaNodePool/broker']).toMatchObject({ replicas: 3, vcpu: 2, memoryGiB: 8, storageGiB: 100, role: 'kafka' });
      expect(w['Kafka/events/entity-operator'].note).toMatch(/no requests set/);
      expect(w['RedisReplication/cache']).toMatchObject({ replicas: 2, vcpu: 1, memoryGiB: 4, storageGiB: 10, role: 'cache' });
      expect(inv.systems.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(['kafka:Kafka/events', 'postgres:Cluster/db', 'redis:RedisReplication/cache']);
      expect(inv.loadBalancers.map((l) => l.name)).toEqual(['Ingress/web']);
      expect(inv.notPriced.map((n) => n.name)).toEqual(['Widget/mystery']);
      expect(inv.free.map((f) => f.name)).toEqual(expect.arrayContaining(['Namespace/shop', 'Service/web', 'ScaledObject/worker']));
      expect(inv.operators).toEqual(expect.arrayContaining(['CloudNativePG operator', 'Strimzi operator', 'Redis operator', 'KEDA', 'ingress controller']));
    });
  });

  describe('bin-packing', () => {
    const server = (id: string, vcpu: number, memoryGiB: number, monthlyUsd: number): ServerType => ({ id, vcpu, memoryGiB, monthlyUsd, description: 'test', priceSource: 'test' });
    const options = { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } };

    test('N+1: one spare node beyond what the pods need', () => {
      const groups: PodGroup[] = [{ workload: 'web', replicas: 4, vcpu: 1.8, memoryGiB: 6.8, spreadOverNodes: false }];
      const r = packOnto(groups, server('m', 2, 8, 100), options)!;
      expect(r.packedNodes).toBe(4);
      expect(r.nodes).toBe(5);
      expect(r.monthlyUsd).toBe(500);
    });

    test('zone spread: replicas go round-robin over the failure domains, each packed on its own', () => {
      const groups: PodGroup[] = [{ workload: 'web', replicas: 3, vcpu: 1, memoryGiB: 1, spreadOverNodes: false }];
      const one = packOnto(groups, server('big', 32, 128, 100), { ...options, zones: 1 })!;
      const three = packOnto(groups, server('big', 32, 128, 100), { ...options, zones: 3 })!;
      expect(one.nodesPerZone).toEqual([1]);
      expect(three.nodesPerZone).toEqual([1, 1, 1]); // a pod per domain, even though one server would hold all three
    });

    test('replicas of a data system never share a node', () => {
      const groups: PodGroup[] = [{ workload: 'db', replicas: 4, vcpu: 1, memoryGiB: 1, spreadOverNodes: true }];
      const r = packOnto(groups, server('big', 64, 256, 100), options)!;
      expect(r.nodesPerZone).toEqual([2, 2]);
    });

    test('no node is asked for more than it may give, and the cheapest candidate wins', () => {
      const groups: PodGroup[] = [
        { workload: 'a', replicas: 5, vcpu: 3, memoryGiB: 6, spreadOverNodes: false },
        { workload: 'b', replicas: 3, vcpu: 0.5, memoryGiB: 12, spreadOverNodes: true },
      ];
      const candidates = [server('s', 4, 16, 40), server('m', 8, 32, 70), server('l', 16, 64, 150)];
      const best = cheapestPacking(groups, candidates, options)!;
      for (const c of candidates) {
        const r = packOnto(groups, c, options);
        if (r) {
          expect(best.monthlyUsd).toBeLessThanOrEqual(r.monthlyUsd);
          expect(r.packedNodes).toBeGreaterThanOrEqual(Math.ceil(sum(groups.map((g) => g.vcpu * g.replicas)) / (c.vcpu * 0.9 * 1.001)));
        }
      }
      expect(sum([...best.shares.values()]) + best.unused).toBeCloseTo(best.packedNodes, 9);
    });

    test('a pod larger than every server cannot be packed', () => {
      expect(packOnto([{ workload: 'x', replicas: 1, vcpu: 100, memoryGiB: 1, spreadOverNodes: false }], server('s', 4, 16, 1), options)).toBeUndefined();
    });
  });

  /** A bill equals the sum of its resources, and each resource the sum of its components. */
  function expectConsistent(b: Bill): void {
    expect(b.totalMonthlyCost).toBeCloseTo(sum(b.resources.map((r) => r.monthlyCost ?? 0)), 6);
    for (const r of b.resources) if (r.status !== 'not-priced') expect(r.monthlyCost).toBeCloseTo(sum(r.costComponents.map((c) => c.monthlyCost ?? 0)), 6);
  }

  describe('self-hosted bill', () => {
    const usage = usageFromPlan(stagePlan('queue-pipeline'));
    const hetzner = priceSelfHosted(OBJECTS, { zones: 2, usage });

    test('data systems on dedicated-vCPU servers, stateless pods on the cheapest, spread with N+1', () => {
      const data = hetzner.resources.find((r) => r.name === 'NodePool/data')!;
      expect(data.note).toMatch(/× ccx\d+ .*dedicated vCPU/);
      expect(data.note).toMatch(/over 2 failure domains/);
      expect(data.costComponents.find((c) => c.name.startsWith('N+1 spare node'))!.monthlyQuantity).toBe(1);
      expect(hetzner.resources.find((r) => r.name === 'NodePool/general')!.costComponents.some((c) => c.name.startsWith('N+1'))).toBe(true);
      const db = hetzner.resources.find((r) => r.name === 'Cluster/db')!;
      expect(db.costComponents.find((c) => c.name.startsWith('Compute'))!.name).toMatch(/ccx/);
      expect(db.costComponents.find((c) => c.name.startsWith('Block volumes'))!.monthlyQuantity).toBe(660);
    });

    test('three control-plane nodes, a load balancer, traffic, backups, and operations labour as its own line', () => {
      const cp = hetzner.resources.find((r) => r.name === 'ControlPlane')!;
      expect(cp.costComponents[0].monthlyQuantity).toBe(3);
      expect(hetzner.resources.find((r) => r.name === 'Ingress/web')!.monthlyCost).toBeGreaterThan(0);
      expect(hetzner.resources.find((r) => r.name === 'Traffic')!.costComponents[0].usageBased).toBe(true);
      expect(hetzner.resources.find((r) => r.name === 'Backups')!.costComponents.some((c) => c.usageBased)).toBe(true);
      const ops = hetzner.resources.find((r) => r.name === 'Operations')!;
      const h = DEFAULT_OPS.hours;
      // Per cluster, per server, per stateful system and an on-call rotation (the labour model).
      const servers = hetzner.resources.filter((r) => r.name.startsWith('NodePool/')).reduce((n, r) => n + Number(/^(\d+) ×/.exec(r.note!)![1]), 0) + 3;
      expect(ops.monthlyCost).toBeCloseTo((h.cluster + servers * h['node-cloud'] + h.postgres + h.kafka + h.redis + h['on-call']) * DEFAULT_OPS.rateUsd, 6);
      expect(ops.note).toMatch(/FTE/);
      expect(hetzner.resources.find((r) => r.name === 'Widget/mystery')!.status).toBe('not-priced');
    });

    test('EUR prices follow the exchange rate: the catalog\'s by default, or the one given', () => {
      const rate = catalog.exchangeRate().eurUsd;
      const cheaper = priceSelfHosted(OBJECTS, { zones: 2, usage, eurUsd: rate / 2, ops: { ...DEFAULT_OPS, rateUsd: 0 } });
      const base = priceSelfHosted(OBJECTS, { zones: 2, usage, ops: { ...DEFAULT_OPS, rateUsd: 0 } });
      expect(cheaper.totalMonthlyCost).toBeCloseTo(base.totalMonthlyCost / 2, 6);
      expect(base.assumptions[0]).toContain(String(rate));
    });

    test('a single failure domain is one node with the control plane on it and no spare', () => {
      const single = priceSelfHosted(OBJECTS.filter((o) => !['Cluster', 'KafkaNodePool', 'RedisReplication'].includes(o.kind)), { zones: 1, usage });
      const pool = single.resources.find((r) => r.name.startsWith('NodePool/'))!;
      expect(pool.costComponents.some((c) => c.name.startsWith('N+1'))).toBe(false);
      expect(single.resources.find((r) => r.name === 'ControlPlane')!.status).toBe('free');
    });

    test('OVH and Scaleway price lists too; OVH sizes its load balancer by bandwidth', () => {
      const ovh = priceSelfHosted(OBJECTS, { zones: 2, usage, provider: 'ovh' });
      const scaleway = priceSelfHosted(OBJECTS, { zones: 2, usage, provider: 'scaleway' });
      expect(ovh.label).toMatch(/OVH/);
      expect(scaleway.label).toMatch(/Scaleway/);
      expect(ovh.resources.find((r) => r.name === 'Ingress/web')!.costComponents[0].assumption).toMatch(/Mbps/);
      expectConsistent(ovh);
      expectConsistent(scaleway);
    });

    test('--ops-hours parsing', () => {
      expect(parseOpsHours('postgres=4,kafka=10')).toMatchObject({ postgres: 4, kafka: 10, cluster: DEFAULT_OPS.hours.cluster });
      expect(() => parseOpsHours('mainframe=3')).toThrow(/--ops-hours/);
    });
  });

  describe('EKS bill', () => {
    const usage = usageFromPlan(stagePlan('queue-pipeline'));
    const eks = priceEks(OBJECTS, { region: 'us-east-1', zones: 2, usage });

    test('control plane, Graviton nodes, gp3 volumes, NAT, load balancer, egress and cross-AZ replication', () => {
      expect(eks.resources.find((r) => r.name === 'EksControlPlane')!.monthlyCost).toBeCloseTo(catalog.eksClusterHourly('us-east-1').usd * HOURS_PER_MONTH, 6);
      expect(eks.resources.find((r) => r.name === 'NodePool/data')!.note).toMatch(/× (m7g|c7g|r7g)\./);
      expect(eks.resources.find((r) => r.name === 'Cluster/db')!.costComponents.find((c) => c.name.startsWith('EBS gp3'))!.price).toBe(catalog.ebs('us-east-1').gp3PerGbMonth.usd);
      expect(eks.resources.find((r) => r.name === 'NatGateways')!.monthlyCost).toBeGreaterThan(0);
      const cross = eks.resources.find((r) => r.name === 'CrossAzTraffic')!;
      expect(cross.costComponents.map((c) => c.name)).toEqual(expect.arrayContaining(['Postgres streaming replication (cross-AZ)', 'Kafka replication between brokers (cross-AZ)']));
      // The backups the self-hosted bill keeps in object storage, here in S3 Standard (us-east-1 first tier $0.023/GB-month).
      const backups = eks.resources.find((r) => r.name === 'Backups')!;
      expect(backups.status).toBe('priced');
      expect(backups.costComponents[0]).toMatchObject({ price: 0.023, usageBased: true });
      expect(backups.costComponents[0]!.assumption).toMatch(/weekly base backups/);
      expectConsistent(eks);
    });
  });

  describe('every stage\'s Kubernetes rendering', () => {
    test.each(STAGE_NAMES)('%s: self-hosted and EKS bills are the sum of their lines', (stage) => {
      const plan = stagePlan(stage);
      const usage = usageFromPlan(plan);
      for (const b of [priceSelfHosted(k8sObjects(stage), { zones: plan.zones, usage }), priceEks(k8sObjects(stage), { region: plan.region, zones: plan.zones, usage })]) {
        expectConsistent(b);
        expect(b.catalogDate).toMatch(/\d{4}-\d{2}/);
      }
    });
  });
});

/**
 * The fleet plan: what a self-hosted rendering provisions (pools, control plane, load balancers, volumes,
 * backup storage) as plain data, and the self-hosted bill priced from exactly that plan.
 */
describe('cost-fleet', () => {
  const container = (cpu: string, memory: string) => ({ name: 'c', image: 'app:1', resources: { requests: { cpu, memory } } });
  const OBJECTS = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [container('1800m', '6963Mi')] } } } },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' }, spec: { instances: 3, resources: { requests: { cpu: '4', memory: '16Gi' } }, storage: { size: '200Gi' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads' }, spec: { resources: { requests: { storage: '50Gi' } } } },
  ];

  describe('fleet plan', () => {
    const usage = usageFromPlan(stagePlan('split-tier'));
    const plan = planFleet(OBJECTS, { zones: 3, usage });

    test('is plain JSON: pools with server type, count and spread; control plane; load balancers with targets; volumes; backups', () => {
      expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
      expect(plan.schema).toBe('stagekit.fleet/v1');
      expect(plan.failureDomains).toHaveLength(3);
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server.vcpuKind).toBe('dedicated');
      expect(data.perFailureDomain.reduce((a, b) => a + b, 0)).toBe(data.packed);
      expect(data.count).toBe(data.packed + data.spare);
      expect(data.spare).toBe(1);
      expect(data.workloads.map((w) => w.name)).toEqual(['Cluster/db']);
      expect(plan.controlPlane!.count).toBe(3);
      expect(plan.controlPlane!.perFailureDomain).toEqual([1, 1, 1]);
      const general = plan.pools.find((p) => p.name === 'general')!;
      expect(plan.loadBalancers).toEqual([expect.objectContaining({ name: 'Ingress/web', count: 1, targets: { pool: 'general', servers: general.count } })]);
      expect(plan.volumes).toEqual(expect.arrayContaining([{ name: 'Cluster/db', sizeGiB: 200, requestedGiB: 200, count: 3, medium: 'block-volume' }, { name: 'PersistentVolumeClaim/uploads', sizeGiB: 50, requestedGiB: 50, count: 1, medium: 'block-volume' }]));
      expect(plan.objectStorage!.storedGiB).toBeGreaterThan(0);
      expect(plan.servers).toBe(data.count + general.count + 3);
    });

    test('the bill prices exactly the planned servers', () => {
      const bill = priceSelfHosted(OBJECTS, { zones: 3, usage });
      for (const pool of plan.pools) {
        const lines = bill.resources.flatMap((r) => r.costComponents).filter((c) => c.name.includes(`(${pool.server.id})`) && c.unit === 'servers');
        const servers = lines.reduce((s, c) => s + c.monthlyQuantity!, 0);
        // Shares + leftovers + spare add up to the pool's servers.
        expect(servers).toBeCloseTo(pool.count, 6);
      }
    });

    test('every stage of the ladder plans a fleet whose pools hold every workload that fits', () => {
      const objects = k8sObjects('sharded');
      const p = planFleet(objects, { zones: stagePlan('sharded').zones, usage: usageFromPlan(stagePlan('sharded')) });
      expect(p.unplaceable).toEqual([]);
      expect(p.pools.length).toBeGreaterThan(0);
    });
  });

  describe('never a total or a ratio over an incomplete bill', () => {
    const { ladderSummary } = require('../cost/stage') as typeof import('../cost/stage');
    const { billJson, billMarkdown, billTable, ladderJson, ladderMarkdown, ladderTable } = require('../cost/render') as typeof import('../cost/render');
    const huge = [
      ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'giant' }, spec: { instances: 2, resources: { requests: { cpu: '500', memory: '8Ti' } }, storage: { size: '1Ti' } } },
    ];
    const usage = usageFromPlan(stagePlan('split-tier'));
    const bill = priceSelfHosted(huge, { zones: 3, usage });

    test('a database no server can hold makes the bill incomplete, named with the reason', () => {
      expect(bill.complete).toBe(false);
      expect(bill.missing).toEqual([expect.objectContaining({ name: 'Cluster/giant', component: 'database', reason: expect.stringMatching(/no data-pool server type is large enough/) })]);
      expect(priceSelfHosted(OBJECTS, { zones: 3, usage }).complete).toBe(true);
    });

    test('every format says so: table, markdown, JSON; the ladder prints no ratio', () => {
      expect(billTable(bill)).toMatch(/Total\s+none: the bill is incomplete/);
      expect(billTable(bill)).toMatch(/database not priced: Cluster\/giant/);
      expect(billMarkdown(bill)).toMatch(/incomplete \(no total\)/);
      const json = billJson(bill) as any;
      expect(json).toMatchObject({ complete: false, totalMonthlyCost: null, missing: [expect.objectContaining({ component: 'database' })] });
      expect(json.pricedMonthlyCost).toBeGreaterThan(0);
      const stage = { stage: 'split-tier', plan: stagePlan('split-tier'), providers: { aws: { ...bill, provider: 'aws', complete: true, missing: [] }, eks: bill, 'self-hosted': bill } } as any;
      const rows = ladderSummary([stage]);
      expect(rows[0].ratio).toBeNull();
      expect(rows[0].ratioWithheld).toMatch(/self-hosted bill incomplete: database Cluster\/giant not priced/);
      expect(ladderTable(rows, 'Hetzner Cloud', 'ladder')).toMatch(/incomplete‡\s+none‡/);
      expect(ladderMarkdown(rows, 'Hetzner Cloud')).toMatch(/‡ incomplete[\s\S]*Cluster\/giant/);
      expect(ladderJson(rows)[0]).toMatchObject({ selfHosted: null, awsToSelfHostedRatio: null, complete: { 'self-hosted': false } });
    });
  });

  describe('providers, locations and the rules they bill by', () => {
    const { bareMetalData, parseOwnedOptions, defaultOwnedOptions } = require('../cost/k8s/offers') as typeof import('../cost/k8s/offers');
    const usage = usageFromPlan(stagePlan('split-tier'));
    const bigDb = [
      ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'big' }, spec: { instances: 2, resources: { requests: { cpu: '60', memory: '200Gi' } }, storage: { size: '500Gi' } } },
    ];

    test('bare-metal prices are pinned to their dated sources', () => {
      const ax = bareMetalData().hetznerDedicated.servers['AX162-R'];
      expect(ax).toMatchObject({ vcpu: 96, memoryGiB: 256, monthlyEur: 238, setupEur: 542 });
      expect(ax.sources.map((s) => s.date)).toEqual(['2026-07-05', '2026-02-02', '2026-07-05']);
      expect(ax.sources[2].url).toBe('https://www.hetzner.com/pressroom/new-ax162/');
      const owned = bareMetalData().ownedHardware.configurations['2u-2x64c-1tb'];
      expect(owned.capexUsd).toBe(37500);
      expect(owned.sources![0].url).toMatch(/world\.hey\.com\/dhh/);
      expect(defaultOwnedOptions().amortizationYears).toBe(5);
    });

    test('Hetzner dedicated: a pod larger than any cloud type lands on a dedicated server in the EU, with its setup fee amortized and local NVMe', () => {
      // Hetzner Cloud: the pool no cloud type holds goes to dedicated root servers (vSwitch), the other pools stay on cloud types.
      const cloud = planFleet(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner' });
      expect(cloud.unplaceable).toEqual([]);
      expect(cloud.pools.find((p) => p.name === 'data')!.server.offer).toBe('dedicated');
      expect(cloud.pools.find((p) => p.name === 'data')!.purpose).toMatch(/no Hetzner Cloud type holds its largest pods.*vSwitch/);
      expect(cloud.pools.find((p) => p.name === 'general')!.server.offer).toBe('cloud');
      expect(priceSelfHosted(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner' }).complete).toBe(true);
      // At Ashburn there are no dedicated root servers: Hetzner Cloud stays incomplete and says why.
      const ash = planFleet(bigDb, { zones: 3, usage, region: 'us-east-1', provider: 'hetzner' });
      expect(ash.unplaceable.map((u) => u.workload.name)).toEqual(['Cluster/big']);
      expect(ash.notOffered.join(' ')).toMatch(/only in Falkenstein, Nuremberg and Helsinki, not at Ashburn/);
      const plan = planFleet(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server).toMatchObject({ id: 'AX162-R', offer: 'dedicated', localDiskGiB: 1788 });
      expect(data.server.monthlyUsd).toBeCloseTo((238 + 542 / 36) * plan.eurUsd, 6);
      expect(plan.volumes.find((v) => v.name === 'Cluster/big')!.medium).toBe('local-nvme');
      expect(plan.failureDomains).toEqual(['fsn1', 'nbg1', 'hel1']);
      const bill = priceSelfHosted(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
      expect(bill.complete).toBe(true);
      // Dedicated root servers exist only in DE/FI: a US profile's dedicated fleet runs there, and the bill says so.
      const us = planFleet(bigDb, { zones: 3, usage, region: 'us-east-1', provider: 'hetzner-dedicated' });
      expect(us.failureDomains).toEqual(['fsn1', 'nbg1', 'hel1']);
      expect(us.locationNote).toMatch(/only in Germany and Finland.*us-east-1/);
      expect(us.unplaceable).toEqual([]);
    });

    test('a pod whose volume outgrows every dedicated server\'s disks says so instead of being priced', () => {
      const huge = [
        ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
        { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'huge' }, spec: { instances: 2, resources: { requests: { cpu: '60', memory: '200Gi' } }, storage: { size: '19220Gi' } } },
      ];
      const plan = planFleet(huge, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
      expect(plan.unplaceable[0].reason).toMatch(/fits the CPU and memory of AX162-R, but its 19,220 GiB volume does not fit local disks \(AX162-R: 1,788 GiB usable\)/);
      expect(priceSelfHosted(huge, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' }).complete).toBe(false);
    });

    test('traffic between failure domains: the EKS bill\'s cross-AZ volumes, by each provider\'s rule', () => {
      const eks = priceEks(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).resources.find((r) => r.name === 'CrossAzTraffic')!;
      for (const provider of ['hetzner', 'owned'] as const) {
        const between = priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1', provider }).resources.find((r) => r.name === 'TrafficBetweenDomains')!;
        expect(between.costComponents.map((c) => c.monthlyQuantity)).toEqual(eks.costComponents.map((c) => c.monthlyQuantity));
        expect(between.costComponents.every((c) => c.monthlyCost === 0)).toBe(true);
      }
      const hetzner = priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).resources.find((r) => r.name === 'TrafficBetweenDomains')!;
      expect(hetzner.costComponents[0].assumption).toMatch(/docs\.hetzner\.com\/cloud\/billing\/faq/);
    });

    test('the log stack: published LokiStack tiers, sized once (platform/addons/logs.ts) for the platform and the bill', () => {
      expect(lokiRequests(1000)).toMatchObject({ vcpu: 54, memoryGiB: 139 });
      expect(lokiRequests(5000).vcpu).toBe(162);
      const big = { ...usage, logGiBPerMonth: 3_000 };
      const loki = planFleet(OBJECTS, { zones: 3, usage: big }).pools.flatMap((p) => p.workloads).find((w) => w.name === 'StatefulSet/logging/loki')!;
      // 100 GiB/day = 107 GB/day asks for the 1x.small tier (34 vCPU / 67 GiB): more than one single-binary pod may
      // have, so the pod is rendered (and priced) at its ceiling and the bill says the ingest needs distributed mode.
      expect([loki.replicas, loki.vcpu, loki.memoryGiB]).toEqual([1, 4, 12]);
      expect(priceSelfHosted(OBJECTS, { zones: 3, usage: big }).resources.find((r) => r.name === 'Logs')!.note).toMatch(/1x\.small .*run Loki in distributed mode/);
      const small = planFleet(OBJECTS, { zones: 3, usage: { ...usage, logGiBPerMonth: 600 } }).pools.flatMap((p) => p.workloads).find((w) => w.name === 'StatefulSet/logging/loki')!;
      // 20 GiB/day = 21.5 GB/day: 21.5% of 1x.extra-small (14 vCPU / 31 GiB), rounded up to 100m / 256 MiB.
      expect([small.vcpu, small.memoryGiB]).toEqual([3.1, 6.75]);
    });

    test('locations follow the profile region and are printed on the bill', () => {
      expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'us-east-1' }).label).toMatch(/Ashburn, VA.*EU list prices/);
      expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'ap-south-1', provider: 'ovh' }).label).toMatch(/Mumbai/);
      expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).label).toMatch(/Falkenstein.*Nuremberg.*Helsinki/);
      expect(planFleet(OBJECTS, { zones: 3, usage, region: 'us-east-1' }).failureDomains).toEqual(['ash/spread-1', 'ash/spread-2', 'ash/spread-3']);
    });

    test('one Hetzner load balancer fronts at most its type\'s targets', () => {
      const many = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 400, template: { spec: { containers: [container('1800m', '6963Mi')] } } } }, OBJECTS[2]];
      const plan = planFleet(many, { zones: 3, usage });
      const lb = plan.loadBalancers[0];
      expect(lb.targets.servers).toBeGreaterThan(25);
      expect(lb.count * lb.maxTargets!).toBeGreaterThanOrEqual(lb.targets.servers);
      expect(lb.type).toBe('lb11'); // the 2026-08 list prices lb11 only
      const jan = planFleet(many, { zones: 3, usage, priceList: 'hetzner-2026-01' }).loadBalancers[0];
      expect(jan.count * jan.maxTargets!).toBeGreaterThanOrEqual(jan.targets.servers);
    });

    test('Hetzner traffic beyond the allowance is billed at €1/TB, not €0.01/GB', () => {
      const traffic = priceSelfHosted(OBJECTS, { zones: 3, usage }).resources.find((r) => r.name === 'Traffic')!.costComponents[0];
      expect(traffic.price).toBeCloseTo(0.001 * require('../cost/catalog').loadCatalog().exchangeRate().eurUsd, 9);
      expect(traffic.priceSource).toMatch(/€1\/TB/);
    });

    test('logs kept on Loki\u2019s volume, sized from the same volume and retention as CloudWatch: no object-storage line besides it', () => {
      const bill = priceSelfHosted(OBJECTS, { zones: 3, usage });
      expect(bill.resources.find((r) => r.name === 'Logs')!.status).toBe('free');
      const loki = bill.resources.find((r) => r.name === 'StatefulSet/logging/loki')!;
      expect(loki.costComponents.map((c) => c.name)).toEqual([expect.stringMatching(/^Compute: share of general nodes/), expect.stringMatching(/^Block volumes \(\d+ GiB\)$/)]);
    });

    test('owned hardware: capex amortized, colocation lines, stacked control plane, every assumption overridable', () => {
      const bill = priceSelfHosted(bigDb, { zones: 3, usage, provider: 'owned' });
      expect(bill.complete).toBe(true);
      expect(bill.resources.find((r) => r.name === 'ControlPlane')!.status).toBe('free');
      const colo = bill.resources.find((r) => r.name === 'Colocation')!;
      expect(colo.costComponents.map((c) => c.name.split(' (')[0])).toEqual(['IP-transit commit', 'Cold spares', 'Remote hands']);
      const three = priceSelfHosted(bigDb, { zones: 3, usage, provider: 'owned', owned: parseOwnedOptions('amortizationYears=3') });
      expect(three.totalMonthlyCost).toBeGreaterThan(bill.totalMonthlyCost);
      expect(() => parseOwnedOptions('rack=1')).toThrow(/--owned/);
    });
  });

  describe('the platform every stage installs, packed and priced as rendered', () => {
    const plan = stagePlan('split-tier');
    const objects = k8sObjects('split-tier');
    const platform = renderPlatform(plan, { cluster: 'hcloud' });
    const fleet = planStageFleet(plan, objects).plan;
    const placed = fleet.pools.flatMap((p) => p.workloads);
    const bill = priceStageSelfHosted(plan, objects);

    test('every Deployment, StatefulSet, Prometheus and Alertmanager the platform renders is a workload of the fleet, at its rendered requests', () => {
      const rendered = platform.objects.filter((o: any) => ['Deployment', 'StatefulSet', 'Prometheus', 'Alertmanager'].includes(o.kind));
      expect(rendered.length).toBeGreaterThanOrEqual(15);
      for (const o of rendered as any[]) expect(placed.map((w) => w.name)).toContain(`${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
      const byName = (name: string) => placed.find((w) => w.name === name)!;
      expect(byName('Alertmanager/monitoring/stagekit').replicas).toBe(3);
      expect(byName('Deployment/monitoring/grafana')).toMatchObject({ vcpu: 0.25, memoryGiB: 0.5 });
      expect(byName('Deployment/kube-system/hcloud-cloud-controller-manager').vcpu).toBe(0.1);
      // One definition: Loki and Prometheus at exactly the size the platform renders them at.
      const loki = logSizing(plan);
      expect(byName('StatefulSet/logging/loki')).toMatchObject({ replicas: 1, vcpu: loki.vcpu, memoryGiB: loki.memoryGiB, storageGiB: loki.volumeGiB });
      expect(byName('Prometheus/monitoring/stagekit')).toMatchObject({ vcpu: Number(PROMETHEUS_SIZE.cpu), memoryGiB: parseInt(PROMETHEUS_SIZE.memory, 10), storageGiB: PROMETHEUS_SIZE.storageGiB });
      // The bill without the rendered platform (EKS) assumes the same Prometheus.
      const assumed = platformAddons({ ...inventory([...objects]), monitoring: true }, 2).find((w) => w.name === 'addon/prometheus')!;
      expect([assumed.vcpu, assumed.memoryGiB, assumed.storageGiB]).toEqual([Number(PROMETHEUS_SIZE.cpu), parseInt(PROMETHEUS_SIZE.memory, 10), PROMETHEUS_SIZE.storageGiB]);
      // The Grafana claim is a volume of its own, raised to Hetzner's minimum.
      expect(fleet.volumes.find((v) => v.name === 'PersistentVolumeClaim/monitoring/grafana-data')).toEqual({ name: 'PersistentVolumeClaim/monitoring/grafana-data', sizeGiB: 10, requestedGiB: 2, count: 1, medium: 'block-volume' });
    });

    test('the DaemonSets (Alloy, the CSI node plugin) are reserved on every node and priced as their own line', () => {
      const alloy = stagePlatformLoad(plan, 'hcloud').perNode;
      expect(alloy.vcpu).toBeCloseTo(0.2, 6);
      expect(alloy.note).toMatch(/DaemonSet\/logging\/alloy 0\.1 vCPU \/ 256 MiB/);
      for (const pool of fleet.pools) {
        // Requests plus the reserve on every packed node stay within what the nodes may give pods.
        expect(pool.utilisation.vcpu).toBeLessThanOrEqual(1.001);
        expect(pool.utilisation.memory).toBeLessThanOrEqual(1.001);
        expect(pool.shares['platform/daemonsets']).toBeGreaterThan(0);
      }
      expect(bill.resources.find((r) => r.name === 'platform/daemonsets')!.costComponents.length).toBe(fleet.pools.length);
    });

    test('a node packed full of pods has no room for the DaemonSets: the packer takes another', () => {
      const server = { id: 'box', vcpu: 10, memoryGiB: 100, monthlyUsd: 1, description: '', priceSource: '' };
      // Two pods of 4.5 vCPU fill a node's 9 allocatable vCPU exactly.
      const groups = [{ workload: 'db', replicas: 2, vcpu: 4.5, memoryGiB: 1, spreadOverNodes: false }];
      const options = { zones: 1, spare: 0, allocatable: { vcpu: 0.9, memory: 0.85 } };
      expect(packOnto(groups, server, options)!.packedNodes).toBe(1);
      const reserved = packOnto(groups, server, { ...options, perNode: { name: 'ds', vcpu: 0.2, memoryGiB: 0.5 } })!;
      expect(reserved.packedNodes).toBe(2);
      expect(reserved.shares.get('ds')).toBeGreaterThan(0);
    });

    test('Hetzner volumes: a claim below the 10 GiB minimum is billed at the minimum', () => {
      const tiny = [...OBJECTS, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'tiny' }, spec: { resources: { requests: { storage: '2Gi' } } } }];
      const line = priceSelfHosted(tiny, { zones: 3, usage: usageFromPlan(plan) }).resources.find((r) => r.name === 'PersistentVolumeClaim/tiny')!.costComponents[0];
      expect([line.name, line.monthlyQuantity]).toEqual(['Block volumes (10 GiB)', HETZNER_VOLUME_LIMITS.minGiB]);
      expect(line.assumption).toMatch(/2 GiB requested: a volume is at least 10 GiB/);
    });
  });
});

/** Bills along the advised path and the self-hosted break-even: the arithmetic, on bills made by hand. */
describe('cost-path', () => {
  const fresh = loadProfile(path.join(ROOT, 'profiles', 'fresh-startup.yaml'));
  const flat = { ...fresh, traffic: { ...fresh.traffic, monthlyGrowthPercent: 0 }, data: { ...fresh.data, monthlyGrowthPercent: 0 } };

  function bill(provider: Bill['provider'], fixed: number, machines: number, extra: Bill['resources'] = []): Bill {
    return makeBill({
      provider,
      label: provider,
      usageIncluded: true,
      assumptions: [],
      catalogDate: 'test',
      resources: [
        resource('Alarms', 'AWS::CloudWatch::Alarm', [component({ name: 'alarms', unit: 'months', quantity: 1, price: fixed })]),
        resource('Server', 'AWS::EC2::Instance', [component({ name: 'instance', unit: 'hours', quantity: 1, price: machines })]),
        ...extra,
      ],
    });
  }

  function stage(aws: Bill, selfHosted: Bill): PricedStage {
    return { stage: 'single-server', plan: computePlan(flat, 'single-server'), bills: { aws, 'self-hosted:hetzner': selfHosted } };
  }

  test('break-even: the first month the AWS bills saved since the move cover the one-off cost (flat workload)', () => {
    const advice = advise(flat, { months: 24, start: '2027-01' });
    expect(advice.moves.map((m) => m.to)).toEqual(['single-server']);
    // AWS 1,000 a month, self-hosted 400: 600 saved a month. One-off: 2 engineer-months × 1,000 + 1 month of dual running (400)
    // + the 8 GiB dataset's egress at the catalog's internet tiers for eu-central-1.
    const catalog = loadCatalog();
    const egress = egressUsd(8, 'eu-central-1', catalog);
    const costs = pathCosts(advice, [stage(bill('aws', 100, 900), bill('self-hosted', 100, 300))], {
      migration: { engineerMonths: 2, engineerMonthUsd: 1000, dualRunningMonths: 1, moveMonth: 0 },
      region: 'eu-central-1',
      catalog,
    });
    const b = costs.breakEven[0];
    expect(b.oneOff).toEqual({ engineeringUsd: 2000, dualRunningUsd: 400, egressUsd: expect.closeTo(egress, 2), egressGiB: 8, totalUsd: expect.closeTo(2400 + egress, 2) });
    expect(b.monthlySavingAtMove).toBe(600);
    // Month 0 both run (the dual-running month): AWS is paid in full, nothing saved. From month 1 AWS is off:
    // saved by the end of month k = 600 × k >= 2,400 + egress. 8 GiB at eu-central-1's first tier ($0.09/GB)
    // = $0.72, so 600 × k >= 2,400.72 → k = 5 (600 × 4 = 2,400 falls 72 cents short).
    expect(egress).toBeCloseTo(0.72, 2);
    expect(b.month).toBe(5);
    expect(costs.providers.find((p) => p.provider === 'aws')!.cumulative[11]).toBe(12_000);
  });

  test('break-even never falls inside the dual running: both bills are paid then, and the extra is the self-hosted one', () => {
    // As million-merchants on owned hardware: the saving is larger than the whole one-off cost, so any month
    // that counted a saving while both run would break even in month 0.
    const advice = advise(flat, { months: 12, start: '2027-01' });
    const costs = pathCosts(advice, [stage(bill('aws', 0, 300_000), bill('self-hosted', 0, 50_000))], {
      migration: { engineerMonths: 6, engineerMonthUsd: 14_400, dualRunningMonths: 2, moveMonth: 1 },
      region: 'eu-central-1',
    });
    const b = costs.breakEven[0];
    // One-off: 6 × 14,400 = 86,400 engineering + 2 × 50,000 dual running (months 1 and 2) + 8 GiB × $0.09 egress = 186,400.72.
    // AWS is off from month 3 (move month 1 + 2 months of dual running): month 3 saves 250,000 >= 186,400.72 → month 3.
    expect(b.oneOff).toMatchObject({ engineeringUsd: 86_400, dualRunningUsd: 100_000, egressUsd: 0.72, totalUsd: 186_400.72 });
    expect(b.month).toBe(3);
    expect(b.monthLabel).toBe('2027-04');
  });

  test('no break-even over a bill that left a major component out: the result names what is missing', () => {
    const advice = advise(flat, { months: 12, start: '2027-01' });
    const costs = pathCosts(advice, [stage(bill('aws', 100, 900, [notPricedResource('Db', 'AWS::RDS::DBInstance', 'no price for the instance class')]), bill('self-hosted', 100, 300))], {
      migration: { engineerMonths: 1, engineerMonthUsd: 1, dualRunningMonths: 0 },
    });
    expect(costs.breakEven[0].month).toBeUndefined();
    expect(costs.breakEven[0].oneOff).toBeUndefined();
    expect(costs.breakEven[0].reason).toBe('not computed: the bills leave out AWS single-server: AWS::RDS::DBInstance (Db)');
    expect(costs.providers[0].gaps).toEqual([{ stage: 'single-server', missing: ['AWS::RDS::DBInstance (Db)'] }]);
  });

  test('a minor line not priced (a log bucket) is a footnote, not a reason to withhold the break-even', () => {
    const advice = advise(flat, { months: 12, start: '2027-01' });
    const costs = pathCosts(advice, [stage(bill('aws', 100, 900, [notPricedResource('Logs', 'AWS::S3::Bucket', 'no S3 price')]), bill('self-hosted', 100, 300))], {
      migration: { engineerMonths: 1, engineerMonthUsd: 1, dualRunningMonths: 0 },
    });
    expect(costs.providers[0].gaps).toEqual([]);
    expect(costs.breakEven[0].reason).toBeUndefined();
    expect(costs.breakEven[0].month).toBeDefined();
  });

  test('a month\'s bill scales machine lines with the plan\'s vCPU and leaves fixed lines alone', () => {
    const b = bill('aws', 100, 900);
    expect(scaledTotal(b, { machines: 2, storage: 1, requests: 3, dataset: 1 })).toBe(100 + 1800);
    const grown = { ...fresh, traffic: { ...fresh.traffic, peakRequestsPerSecond: 400 } };
    expect(planVcpu(computePlan(grown, 'split-tier'))).toBeGreaterThan(planVcpu(computePlan(fresh, 'split-tier')));
  });

  test('a seasonal peak month bills the autoscaled machines at the peak for the peak days only, not all month', () => {
    // growing-product without growth, ×3 for 6 days in March (31 days): split-tier, whose app tier autoscales.
    const growing = loadProfile(path.join(ROOT, 'profiles', 'growing-product.yaml'));
    const seasonal = { ...growing, traffic: { ...growing.traffic, monthlyGrowthPercent: 0, seasonalPeak: { multiplier: 3, month: 3, days: 6 } }, data: { ...growing.data, monthlyGrowthPercent: 0 } };
    const advice = advise(seasonal, { months: 4, start: '2027-01' });
    const march = advice.months[2];
    expect([march.stage, march.workload.peakShare]).toEqual(['split-tier', 0.1935]); // 6 / 31
    const priced: PricedStage = { stage: 'split-tier', plan: computePlan(seasonal, 'split-tier'), bills: { aws: bill('aws', 100, 900), 'self-hosted:hetzner': bill('self-hosted', 100, 300) } };
    const aws = pathCosts(advice, [priced], { region: 'eu-central-1' }).providers.find((p) => p.provider === 'aws')!.monthly;
    // The database is sized for the peak all month (the same in both plans); the app tier is at the peak 6 of 31 days.
    const peak = advice.plans[2]!;
    const usual = march.offPeakPlan!;
    expect(usual.database).toEqual(peak.database);
    expect(usual.app.minCount).toBeLessThan(peak.app.minCount);
    const vcpu = 0.1935 * planVcpu(peak) + (1 - 0.1935) * planVcpu(usual);
    expect(aws[2]).toBeCloseTo(100 + (900 * vcpu) / planVcpu(priced.plan), 2);
    // Well below the whole month at the peak, which the bill was before.
    expect(aws[2]!).toBeLessThan(100 + (900 * planVcpu(peak)) / planVcpu(priced.plan) - 50);
  });
});

/**
 * `stagekit prices`: every source of the catalog with its date and what it prices, read from the catalog itself
 * (so a region priced from another region's list price says so), plus the bare-metal list's cited pages.
 */
describe('cost-prices', () => {
  const catalog = loadCatalog();
  const rows = catalogSources(catalog);
  const row = (id: string) => rows.find((r) => r.id === id)!;

  describe('price sources', () => {
    test('every source of the catalog is listed once, with its publication date', () => {
      expect(rows.map((r) => r.id).sort()).toEqual(Object.keys(catalog.data.sources).sort());
      for (const r of rows) expect(r.published).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    });

    test('coverage comes from the tables that cite the source: a per-region feed covers its region only', () => {
      expect(row('ec2-us-west-2').covers).toEqual(['us-west-2']);
      expect(row('karpenter-us-east-1').covers).toEqual(['us-east-1']);
      expect(row('rds-postgresql-reserved-1y')).toMatchObject({ side: 'aws', published: '2024-12-07' });
      expect(row('rds-postgresql-reserved-1y').covers).toHaveLength(catalog.data.regions.length);
      expect(row('aws-route53-pricing-page').covers).toEqual(['global']);
    });

    test('a region borrowing another region\'s list price is shown as such, never as its own', () => {
      const elb = row('aws-elb-pricing-page').covers;
      expect(elb).toContain('us-east-1');
      expect(elb).toContain('eu-west-1 (us-east-1 price)');
      expect(elb).not.toContain('eu-west-1');
    });

    test('self-hosted lists name their price locations', () => {
      expect(row('hetzner')).toMatchObject({ side: 'self-hosted' });
      expect(row('hetzner').covers.every((c) => c.startsWith('hetzner '))).toBe(true);
    });

    test('bare-metal sources: each cited page with its date and the section\'s locations', () => {
      const out = bareMetalSources({
        dedicated: { locations: ['fsn1'], servers: { A: { sources: [{ url: 'https://a', date: '2026-07-05' }, { url: 'https://b', date: '2026-02-02' }] }, B: { sources: [{ url: 'https://a', date: '2026-01-01' }] } } },
      });
      expect(out).toEqual([
        expect.objectContaining({ id: 'dedicated', url: 'https://a', published: '2026-01-01', covers: ['fsn1'], side: 'bare-metal' }),
        expect.objectContaining({ id: 'dedicated', url: 'https://b', published: '2026-02-02' }),
      ]);
    });
  });
});

/**
 * Stage bills (AWS, EKS, self-hosted), the stage diff, the JSON contract and the commands, on the stages
 * jest's globalSetup synthesized.
 */
describe('cost-stage', () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ladder: StageBills[] = STAGE_NAMES.map((s) => priceArtifacts(stagePlan(s), awsTemplate(s), k8sObjects(s)));

  describe('stage bills', () => {
    test.each(STAGE_NAMES)('%s: three bills, each the sum of its lines, with the catalog date', (stage) => {
      const s = ladder.find((b) => b.stage === stage)!;
      for (const p of PROVIDERS) {
        const bill = s.providers[p];
        expect(bill.provider).toBe(p);
        expect(bill.stage).toBe(stage);
        expect(bill.totalMonthlyCost).toBeGreaterThan(0);
        expect(bill.totalMonthlyCost).toBeCloseTo(sum(bill.resources.map((r) => r.monthlyCost ?? 0)), 6);
        expect(bill.catalogDate).toMatch(/^Prices published \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
        expect(bill.usageIncluded).toBe(true);
      }
      // Operations labour is on the self-hosted and EKS bills (the stateful systems run in the cluster).
      expect(s.providers['self-hosted'].resources.some((r) => r.name === 'Operations')).toBe(true);
    });

    test('the single server runs its own Postgres and Redis: the AWS bill carries their operations too', () => {
      const aws = ladder[0].providers.aws;
      expect(aws.resources.find((r) => r.name === 'Operations')!.costComponents.map((c) => c.name)).toEqual(expect.arrayContaining(['Postgres on the instance', 'Redis on the instance']));
    });

    test('managed services carry labour too, at their lower rates, so the difference is explicit', () => {
      const managed = ladder[1].providers.aws.resources.find((r) => r.name === 'Operations')!;
      const names = managed.costComponents.map((c) => c.name);
      expect(names.some((n) => n.startsWith('Managed Postgres'))).toBe(true);
      expect(names).toContain('On-call rotation (managed data systems)');
      expect(managed.note).toMatch(/h\/month = [0-9.]+ FTE/);
      const selfRun = ladder[1].providers['self-hosted'].resources.find((r) => r.name === 'Operations')!;
      expect(selfRun.costComponents.map((c) => c.name)).toContain('On-call rotation (self-run data systems)');
      expect(selfRun.monthlyCost!).toBeGreaterThan(managed.monthlyCost!);
    });

    test('the ladder summary is stage × provider with the managed / self-hosted ratio', () => {
      const rows = ladderSummary(ladder);
      expect(rows.map((r) => r.stage)).toEqual([...STAGE_NAMES]);
      for (const [i, r] of rows.entries()) {
        expect(r.aws).toBe(ladder[i].providers.aws.totalMonthlyCost);
        expect(r.ratio).toBeCloseTo(r.aws / r.selfHosted, 9);
      }
    });
  });

  describe('stage diff', () => {
    test.each(STAGE_NAMES.slice(1).map((to, i) => [STAGE_NAMES[i], to]))('%s → %s equals the difference of the two bills', (from, to) => {
      const d = diffStages(ladder.find((b) => b.stage === from)!, ladder.find((b) => b.stage === to)!);
      for (const p of PROVIDERS) {
        const before = ladder.find((b) => b.stage === from)!.providers[p];
        const after = ladder.find((b) => b.stage === to)!.providers[p];
        const pd = d.providers[p];
        expect(pd.pastTotalMonthlyCost).toBe(before.totalMonthlyCost);
        expect(pd.totalMonthlyCost).toBe(after.totalMonthlyCost);
        expect(pd.diffTotalMonthlyCost).toBeCloseTo(after.totalMonthlyCost - before.totalMonthlyCost, 6);
        expect(sum(pd.resources.map((r) => r.diffMonthlyCost))).toBeCloseTo(pd.diffTotalMonthlyCost, 6);
        for (const r of pd.resources) {
          expect(r.diffMonthlyCost).toBeCloseTo((r.monthlyCost ?? 0) - (r.pastMonthlyCost ?? 0), 6);
          if (r.change === 'added') expect(r.pastMonthlyCost).toBeNull();
          if (r.change === 'removed') expect(r.monthlyCost).toBeNull();
        }
      }
    });

    test('a bill against itself has no change', () => {
      const d = diffBills(ladder[2].providers.aws, ladder[2].providers.aws);
      expect(d.diffTotalMonthlyCost).toBe(0);
      expect(d.resources).toEqual([]);
      expect(d.percentChange).toBe(0);
    });
  });

  describe('JSON uses Infracost\'s field names', () => {
    const componentKeys = ['name', 'unit', 'monthlyQuantity', 'price', 'monthlyCost', 'usageBased'];

    test('a bill: totalMonthlyCost and resources[] of { name, resourceType, monthlyCost, costComponents[] }', () => {
      const json: any = JSON.parse(JSON.stringify(billJson(ladder[1].providers.aws)));
      expect(typeof json.totalMonthlyCost).toBe('number');
      expect(json.currency).toBe('USD');
      for (const r of json.resources) {
        expect(Object.keys(r)).toEqual(expect.arrayContaining(['name', 'resourceType', 'monthlyCost', 'costComponents']));
        for (const c of r.costComponents) expect(Object.keys(c)).toEqual(expect.arrayContaining(componentKeys));
      }
      expect(json.resources.some((r: any) => r.costComponents.some((c: any) => c.usageBased === true))).toBe(true);
      expect(json.resources.some((r: any) => /^[A-Za-z0-9]+$/.test(r.name) && r.resourceType.startsWith('AWS::'))).toBe(true); // logical IDs
      const k8s: any = billJson(ladder[1].providers['self-hosted']);
      expect(k8s.resources.some((r: any) => /^[A-Za-z]+\/[a-z0-9-]+$/.test(r.name))).toBe(true); // kind/name
    });

    test('a stage: one bill per provider under providers', () => {
      const json: any = stageJson(ladder[3]);
      expect(Object.keys(json.providers).sort()).toEqual(['aws', 'eks', 'self-hosted']);
      expect(json.providers.aws.totalMonthlyCost).toBeCloseTo(ladder[3].providers.aws.totalMonthlyCost, 4);
    });

    test('a diff: pastTotalMonthlyCost, totalMonthlyCost, diffTotalMonthlyCost', () => {
      const d = diffStages(ladder[2], ladder[3]);
      const json: any = stageDiffJson(d);
      for (const p of PROVIDERS) {
        expect(Object.keys(json.providers[p])).toEqual(expect.arrayContaining(['pastTotalMonthlyCost', 'totalMonthlyCost', 'diffTotalMonthlyCost', 'resources']));
      }
      expect((diffJson(d.providers.aws) as any).diffTotalMonthlyCost).toBeCloseTo(d.providers.aws.diffTotalMonthlyCost, 4);
    });
  });

  test('pricing the whole ladder and a diff takes well under a second (after synthesis)', () => {
    const started = performance.now();
    const bills = STAGE_NAMES.map((s) => priceArtifacts(stagePlan(s), awsTemplate(s), k8sObjects(s)));
    diffStages(bills[2], bills[3]);
    // bench/cost.ts reports the figure; the bound here is loose so a busy CI machine does not fail it.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  describe('the objects file beside each manifest (what cost --from reads instead of parsing YAML)', () => {
    test.each(STAGE_NAMES)('%s: synth wrote it, and it holds exactly the objects the YAML parses to', (stage) => {
      const manifest = k8sManifestFile(stage);
      expect(fs.existsSync(k8sObjectsFileOf(manifest))).toBe(true);
      expect(readK8sObjects(manifest)).toEqual(k8sObjects(stage));
    });

    test('a manifest edited after synth no longer matches its objects file: the YAML is read, the edit counts', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-objects-'));
      try {
        const manifest = path.join(dir, 'sharded.k8s.yaml');
        fs.copyFileSync(k8sObjectsFileOf(k8sManifestFile('sharded')), k8sObjectsFileOf(manifest));
        const text = fs.readFileSync(k8sManifestFile('sharded'), 'utf8');
        fs.writeFileSync(manifest, text);
        expect(readK8sObjects(manifest)).toEqual(k8sObjects('sharded'));
        fs.writeFileSync(manifest, `${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added-by-hand\n`);
        const objects = readK8sObjects(manifest);
        expect(objects).toHaveLength(k8sObjects('sharded').length + 1);
        expect(objects.at(-1)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-by-hand' } });
        // No objects file, or a malformed one: the YAML is read.
        fs.writeFileSync(k8sObjectsFileOf(manifest), '{ not json');
        expect(readK8sObjects(manifest)).toHaveLength(k8sObjects('sharded').length + 1);
        fs.rmSync(k8sObjectsFileOf(manifest));
        expect(readK8sObjects(manifest)).toHaveLength(k8sObjects('sharded').length + 1);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('stagekit cost', () => {
    // The CLI's program in this process (test/support/cli.ts): what the command prints, without a node start per case.
    const run = runCli;

    test('--summary --from reads what synth wrote and prints the ladder', async () => {
      const r = await run(['cost', '--summary', '--from', SYNTH_OUT]);
      // Only the capacity verdict: growing-product's 99.9% SLO is more than one server in one zone keeps.
      expect(r.stderr).toMatch(/^warning: capacity: single-server cannot carry growing-shop:\n  SLO on one zone: needs 99\.9%[^\n]*\n  the lowest stage that carries it is split-tier[^\n]*\n$/);
      expect(r.status).toBe(0);
      for (const s of STAGE_NAMES) expect(r.stdout).toMatch(new RegExp(`^ ${s} +\\$[0-9,]+`, 'm'));
      expect(r.stdout).toMatch(/AWS ÷ self-hosted/);
      expect(r.stdout).toMatch(/Catalog: Prices published \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
    });

    test('--template prices a foreign CDK app; JSON is that template\'s bill', async () => {
      const r = await run(['cost', '--template', KITCHEN_SINK_TEMPLATE, '--format', 'json']);
      expect(r.status).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.usageIncluded).toBe(false);
      expect(json.resources.find((x: any) => x.resourceType === 'AWS::EC2::TransitGateway').status).toBe('not-priced');
    });

    test('diff FROM TO prints each provider\'s change in Infracost style', async () => {
      const r = await run(['cost', 'diff', 'read-replicas', 'sharded', '--from', SYNTH_OUT]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ [~+-] \S+ +[+-]\$[0-9,.]+ \(\$[0-9,]+ → \$[0-9,]+\)$/m);
      expect((r.stdout.match(/Monthly cost change: [+-]\$/g) ?? []).length).toBe(3);
    });

    test('bad input is a usage error (exit 2)', async () => {
      expect((await run(['cost', '--stage', 'huge'])).status).toBe(2);
      expect((await run(['cost', '--all', '--region', 'mars-1', '--from', SYNTH_OUT])).status).toBe(2);
      expect((await run(['cost', '--all', '--ops-hours', 'nope', '--from', SYNTH_OUT])).status).toBe(2);
    });
  });
});
