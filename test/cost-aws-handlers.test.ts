/**
 * One check per AWS service handler file (cost/aws/handlers/): the registry, roles read from stagekit:role
 * tags, and the handlers added for issue 13 (unknown EC2 types, Reserved Instances, Fargate, Lambda, DynamoDB,
 * CloudFront, free sub-resources).
 */
import { loadCatalog } from '../cost/catalog';
import { priceTemplate } from '../cost/aws/engine';
import { FREE_TYPES, HANDLERS, SERVICES } from '../cost/aws/handlers';
import { ecsService_ } from '../cost/aws/handlers/ecs';
import { rdsInstance } from '../cost/aws/handlers/rds';
import { templateRoles } from '../cost/aws/roles';
import { HOURS_PER_MONTH } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { stagePlan } from './support/stages';

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
