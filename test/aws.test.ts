/**
 * The AWS rendering: each stage's template (shared synth), the single server, the constructs on their own, and cdk-nag's AwsSolutions pack.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as os from 'os';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { computePlan } from '../core/plan';
import type { Plan } from '../core/plan';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { HTTP_ONLY_WARNING_ID } from '../constructs/aws/web-tier';
import { awsAssemblyDir, awsTemplate, k8sObjects, stagePlan } from './support/stages';
import { SingleServer, SingleServerProps } from '../constructs/aws/single-server';
import { loadProfile } from '../core/profile';
import { AlarmTopic } from '../constructs/aws/alarm-topic';
import { CacheCluster } from '../constructs/aws/cache-cluster';
import { DatabaseShard } from '../constructs/aws/database-shard';
import { InstanceFleet, parseEcrImage } from '../constructs/aws/instance-fleet';
import { KafkaPipeline } from '../constructs/aws/kafka-pipeline';
import { physicalName } from '../constructs/aws/names';
import { Network } from '../constructs/aws/network';
import { ReaderEndpoint } from '../constructs/aws/reader-endpoint';
import { SloAlarms } from '../constructs/aws/slo-alarms';
import { ProductStack } from '../blueprints/aws/product-stack';
import { TEST_PROFILE_FILE } from './support/paths';
import { buildAwsApp } from '../blueprints/aws/app';

/**
 * The AWS ladder, stage by stage, on the shared synth (globalSetup synthesizes every stage
 * once per run with cdk-nag's AwsSolutions pack as a validation plugin: a stage that reached
 * this file synthesized nag clean).
 */
describe('aws-stages', () => {
  const LATER_STAGES = STAGE_NAMES.filter((s) => s !== 'single-server');

  function resourcesOfType(template: any, type: string): Array<[string, any]> {
    return Object.entries(template.Resources).filter(([, r]: [string, any]) => r.Type === type) as Array<[string, any]>;
  }

  /** Logical IDs an expression takes attributes of. */
  function getAttTargets(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(getAttTargets);
    if (value && typeof value === 'object') {
      const getAtt = (value as any)['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return [getAtt[0]];
      return Object.values(value).flatMap(getAttTargets);
    }
    return [];
  }

  function alarmTopicId(template: any): string {
    const [id] = resourcesOfType(template, 'AWS::SNS::Topic').find(([id]) => id.startsWith('ObservabilityAlarmsTopic'))!;
    return id;
  }

  /** Warnings and errors the synth recorded on constructs (aws-cdk-lib's own validation among them). */
  function synthMessages(stage: StageName): Array<{ level: string; path: string; message: string }> {
    const dir = awsAssemblyDir(stage);
    const messages: Array<{ level: string; path: string; message: string }> = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.metadata.json'))) {
      const metadata = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, Array<{ type: string; data: unknown }>>;
      for (const [where, entries] of Object.entries(metadata)) {
        for (const entry of entries) {
          if (entry.type === 'aws:cdk:warning' || entry.type === 'aws:cdk:error') messages.push({ level: entry.type, path: where, message: String(entry.data) });
        }
      }
    }
    return messages;
  }

  describe.each(LATER_STAGES)('%s on AWS', (stage) => {
    const json = awsTemplate(stage);
    const template = Template.fromJSON(json);
    const plan: Plan = stagePlan(stage);
    const db = plan.database!;

    test('every alarm notifies the one alarm topic, on alarm and on recovery; window alarms page through their composite', () => {
      const topic = { Ref: alarmTopicId(json) };
      const composites = resourcesOfType(json, 'AWS::CloudWatch::CompositeAlarm');
      const compositeInputs = new Set(composites.flatMap(([, c]) => getAttTargets(c.Properties.AlarmRule)));
      for (const [, composite] of composites) {
        expect(composite.Properties.AlarmActions).toEqual([topic]);
        expect(composite.Properties.OKActions).toEqual([topic]);
      }
      const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(5);
      for (const [id, alarm] of alarms) {
        if (compositeInputs.has(id)) {
          expect(alarm.Properties.AlarmActions).toBeUndefined();
          continue;
        }
        expect({ id, actions: alarm.Properties.AlarmActions }).toEqual({ id, actions: expect.arrayContaining([topic]) });
        expect({ id, actions: alarm.Properties.OKActions }).toEqual({ id, actions: expect.arrayContaining([topic]) });
        expect(alarm.Properties.AlarmDescription).toEqual(expect.any(String));
      }
      expect(compositeInputs.size).toBe(2 * plan.observability.burnRates.length);
    });

    test('SLO: multi-window burn-rate composites at the plan thresholds, and the p99 latency alarm', () => {
      const alarms = Object.fromEntries(resourcesOfType(json, 'AWS::CloudWatch::Alarm'));
      for (const burn of plan.observability.burnRates) {
        const label = burn.name.charAt(0).toUpperCase() + burn.name.slice(1);
        const window = (which: 'Long' | 'Short', minutes: number) => {
          const [, alarm] = Object.entries(alarms).find(([id]) => id.startsWith(`Slo${label}Burn${which}Window`))!;
          expect(alarm.Properties.Threshold).toBe(burn.errorRatioThreshold);
          expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanThreshold');
          const expression = alarm.Properties.Metrics.find((m: any) => m.Expression);
          expect(expression.Expression).toContain('elb5xx');
          expect(expression.Expression).toContain('target5xx');
          expect(alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period)).toEqual([minutes * 60, minutes * 60, minutes * 60]);
        };
        window('Long', burn.longWindowMinutes);
        window('Short', burn.shortWindowMinutes);
      }
      template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', plan.observability.burnRates.length);
      template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmRule: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\) AND ALARM\\(')])] } });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'TargetResponseTime',
        ExtendedStatistic: 'p99',
        Threshold: plan.observability.p99LatencyMs / 1000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    test('a dashboard for the stage with a row per database shard', () => {
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      const [, dashboard] = resourcesOfType(json, 'AWS::CloudWatch::Dashboard')[0];
      expect(dashboard.Properties.DashboardName).toBe(plan.product); // not the stage: a move would replace it
      const body = JSON.stringify(dashboard.Properties.DashboardBody);
      for (let shard = 0; shard < db.shards; shard++) expect(body).toContain(`### Database shard ${shard}:`);
    });

    test('every log group has a retention', () => {
      for (const [id, group] of resourcesOfType(json, 'AWS::Logs::LogGroup')) expect({ id, retention: group.Properties.RetentionInDays }).toEqual({ id, retention: expect.any(Number) });
    });

    test('stateful resources are retained or snapshotted, never just deleted', () => {
      const protectedTypes = ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::SQS::Queue', 'AWS::MSK::Cluster', 'AWS::MSK::Topic', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup'];
      for (const type of protectedTypes) {
        for (const [id, resource] of resourcesOfType(json, type)) {
          if (type === 'AWS::RDS::DBInstance' && resource.Properties.SourceDBInstanceIdentifier) continue; // a replica: a copy
          expect({ id, policy: resource.DeletionPolicy }).toEqual({ id, policy: expect.stringMatching(/^(Retain|Snapshot)$/) });
          expect({ id, policy: resource.UpdateReplacePolicy }).toEqual({ id, policy: expect.stringMatching(/^(Retain|Snapshot)$/) });
        }
      }
    });

    test('network: the plan\'s zones, public/app/data subnets, a NAT per zone, flow logs, gateway endpoints', () => {
      template.resourceCountIs('AWS::EC2::Subnet', plan.zones * 3);
      template.resourceCountIs('AWS::EC2::NatGateway', plan.zones);
      template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT' });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    });

    test('web tier: ALB with access logs and invalid headers dropped, in front of the planned fleet', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: plan.app.port,
        HealthCheckPath: plan.app.healthCheckPath,
        TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
      });
      // No certificate in the test context: plain HTTP on 80 (the warning is asserted below).
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
      template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
        Properties: {
          MinSize: String(plan.app.minCount),
          MaxSize: String(plan.app.maxCount),
          HealthCheckType: 'ELB',
          HealthCheckGracePeriod: Match.anyValue(),
          VPCZoneIdentifier: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^NetworkVpcAppSubnet') }]),
        },
        CreationPolicy: { ResourceSignal: { Count: plan.app.minCount } },
        UpdatePolicy: { AutoScalingRollingUpdate: Match.objectLike({ MinInstancesInService: plan.app.minCount, WaitOnResourceSignals: true }) },
      });
      template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: plan.app.targetCpuPercent },
      });
    });

    test('app instances: launch template with IMDSv2, encrypted gp3 root, arm64 AMI, no key pair, no SSH', () => {
      const templates = resourcesOfType(json, 'AWS::EC2::LaunchTemplate');
      expect(templates.length).toBeGreaterThanOrEqual(1);
      for (const [, lt] of templates) {
        const data = lt.Properties.LaunchTemplateData;
        expect(data.MetadataOptions.HttpTokens).toBe('required');
        expect(data.KeyName).toBeUndefined();
        expect(data.Monitoring).toEqual({ Enabled: true });
        expect(data.BlockDeviceMappings).toEqual([expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true, VolumeType: 'gp3' }) })]);
        const amiParameter = json.Parameters[data.ImageId.Ref];
        expect(amiParameter).toEqual({ Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-.*-arm64$/) });
      }
      const ingress = resourcesOfType(json, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
      const inline = resourcesOfType(json, 'AWS::EC2::SecurityGroup').flatMap(([, g]) => g.Properties.SecurityGroupIngress ?? []);
      expect([...ingress, ...inline].some((r: any) => r.FromPort === 22)).toBe(false);
      // Internet ingress only on the load balancer's listener port.
      expect(inline.filter((r: any) => r.CidrIp === '0.0.0.0/0').map((r: any) => r.FromPort)).toEqual([80]);
    });

    test('database: every shard is a Multi-AZ, encrypted, deletion-protected PostgreSQL with PITR backups, in isolated subnets', () => {
      const primaries = resourcesOfType(json, 'AWS::RDS::DBInstance').filter(([, r]) => !r.Properties.SourceDBInstanceIdentifier);
      expect(primaries.map(([id]) => id.replace(/Primary.*/, '')).sort()).toEqual(Array.from({ length: db.shards }, (_, i) => `DatabaseShard${i}`).sort());
      for (const [, primary] of primaries) {
        expect(primary).toEqual(
          expect.objectContaining({
            DeletionPolicy: 'Snapshot',
            UpdateReplacePolicy: 'Snapshot',
            Properties: expect.objectContaining({
              Engine: 'postgres',
              EngineVersion: db.engineVersion,
              MultiAZ: true,
              StorageEncrypted: true,
              KmsKeyId: expect.anything(),
              DeletionProtection: true,
              BackupRetentionPeriod: db.backupRetentionDays,
              EnablePerformanceInsights: true,
              PerformanceInsightsKMSKeyId: expect.anything(),
              EnableIAMDatabaseAuthentication: true,
              ManageMasterUserPassword: true,
              MasterUserSecret: { KmsKeyId: expect.anything() },
              PubliclyAccessible: false,
              EnableCloudwatchLogsExports: ['postgresql'],
              StorageType: 'gp3',
              MonitoringInterval: 60,
            }),
          }),
        );
      }
      template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^NetworkVpcDataSubnet') }]) });
      expect(JSON.stringify(resourcesOfType(json, 'AWS::RDS::DBSubnetGroup'))).not.toMatch(/PublicSubnet|AppSubnet/);
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: `postgres${db.engineVersion}`, Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
      // The log group RDS writes to exists before the instance, with a retention.
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/rds/instance/${plan.product}-shard0/postgresql`, RetentionInDays: plan.observability.logRetentionDays });
    });

    test('database: the shard map in SSM lists every shard\'s writer and reader names and the key-to-shard rule', () => {
      const [, parameter] = resourcesOfType(json, 'AWS::SSM::Parameter')[0];
      expect(parameter.Properties.Name).toBe(`/${plan.product}/database/shard-map`);
      const map = JSON.parse(parameter.Properties.Value);
      expect(map.shardKey).toBe(db.shardKey);
      expect(map.activeShards).toBe(db.shards);
      expect(map.shards).toEqual(
        Array.from({ length: db.shards }, (_, id) => ({
          id,
          writer: `writer.shard${id}.db.${plan.product}.internal`,
          reader: `reader.shard${id}.db.${plan.product}.internal`,
          direct: `writer.shard${id}.db.${plan.product}.internal`,
          state: 'active',
        })),
      );
      template.hasResourceProperties('AWS::Route53::HostedZone', { Name: `${plan.product}.internal.`, VPCs: Match.anyValue() });
    });

    test('no account ID in the template (offline synth, no lookups) besides the regional ELB log-delivery principal', () => {
      const accounts = new Set(JSON.stringify(json).match(/(?<=:)\d{12}(?=:)/g) ?? []);
      const elbLogDelivery = JSON.stringify(resourcesOfType(json, 'AWS::S3::BucketPolicy'));
      for (const account of accounts) expect(elbLogDelivery).toContain(`:iam::${account}:root`);
      expect(accounts.size).toBeLessThanOrEqual(1);
    });

    test('aws-cdk-lib validation raises nothing; the only warning is the documented HTTP-only one', () => {
      const messages = synthMessages(stage);
      expect(messages.filter((m) => m.level === 'aws:cdk:error')).toEqual([]);
      expect(messages.map((m) => ({ path: m.path, id: /\[ack: ([^\]]+)\]/.exec(m.message)?.[1] }))).toEqual([{ path: `/${plan.product}/Web`, id: HTTP_ONLY_WARNING_ID }]);
    });

    test('the assembly records no JavaScript stack traces outside CDK_DEBUG (they were a fifth of the synth)', () => {
      const dir = awsAssemblyDir(stage);
      const traced: string[] = [];
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.metadata.json'))) {
        const metadata = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, Array<{ type: string; trace?: string[] }>>;
        // aws-cdk-lib records an acknowledgement's trace whatever the settings.
        for (const [where, entries] of Object.entries(metadata)) for (const entry of entries) if ((entry.trace && entry.type !== 'aws:cdk:acknowledged-rules') || entry.type === 'aws:cdk:creationStack') traced.push(`${where} ${entry.type}`);
      }
      expect(traced).toEqual([]);
    });
  });

  describe('split-tier', () => {
    const json = awsTemplate('split-tier');
    const template = Template.fromJSON(json);
    const plan = stagePlan('split-tier');

    test('one shard, no replicas, no cache, no queue; the single server is gone', () => {
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
      template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 0);
      template.resourceCountIs('AWS::SQS::Queue', 0);
      template.resourceCountIs('AWS::EC2::Instance', 0);
      template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: plan.database!.instance.name, AllocatedStorage: String(plan.database!.storageGiB) });
    });

    test('the reader name already exists and falls back to the primary (weight 0), so replicas are a pure addition later', () => {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: `reader.shard0.db.${plan.product}.internal.`, Type: 'CNAME', Weight: 0, SetIdentifier: 'fallback' });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: `writer.shard0.db.${plan.product}.internal.`, Type: 'CNAME' });
    });
  });

  describe('read-replicas', () => {
    const json = awsTemplate('read-replicas');
    const template = Template.fromJSON(json);
    const plan = stagePlan('read-replicas');
    const db = plan.database!;

    test('the planned replicas of the primary, spread over the zones, removable (they are copies)', () => {
      const replicas = resourcesOfType(json, 'AWS::RDS::DBInstance').filter(([, r]) => r.Properties.SourceDBInstanceIdentifier);
      expect(replicas).toHaveLength(db.readReplicas);
      for (const [, replica] of replicas) {
        expect(replica.Properties).toEqual(expect.objectContaining({ DBInstanceClass: db.instance.name, EnablePerformanceInsights: true, PubliclyAccessible: false }));
        expect(replica.Properties.StorageEncrypted).toBeUndefined(); // inherited from the encrypted source
        expect(replica.Properties.AvailabilityZone).toMatch(new RegExp(`^${plan.region}[ab]$`));
      }
    });

    test('one reader name: a weighted record per replica, withdrawn by a health check on its lag alarm', () => {
      const records = resourcesOfType(json, 'AWS::Route53::RecordSet').filter(([, r]) => r.Properties.Name === `reader.shard0.db.${plan.product}.internal.`);
      expect(records.map(([, r]) => r.Properties.Weight).sort()).toEqual([0, ...Array(db.readReplicas).fill(1)]);
      for (const [, record] of records.filter(([, r]) => r.Properties.Weight === 1)) expect(record.Properties.HealthCheckId).toEqual({ Ref: expect.stringMatching(/Health/) });
      template.resourceCountIs('AWS::Route53::HealthCheck', db.readReplicas);
      template.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: Match.anyValue() }) });
    });

    test('a ReplicaLag alarm per replica at the staleness bound; missing data counts as lagging', () => {
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { MetricName: 'ReplicaLag', Threshold: db.replicaLagAlarmSeconds, TreatMissingData: 'breaching', Statistic: 'Maximum' },
        db.readReplicas,
      );
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
        Parameters: Match.objectLike({ max_standby_streaming_delay: String(Math.max(1000, db.replicaLagAlarmSeconds * 1000)) }),
      });
    });

    test('a Valkey replication group: Multi-AZ failover, TLS required, KMS at rest, IAM-authenticated users, snapshots', () => {
      template.hasResource('AWS::ElastiCache::ReplicationGroup', {
        Properties: Match.objectLike({
          Engine: 'valkey',
          CacheNodeType: plan.cache!.node.name,
          NumCacheClusters: plan.cache!.nodes,
          MultiAZEnabled: true,
          AutomaticFailoverEnabled: true,
          TransitEncryptionEnabled: true,
          TransitEncryptionMode: 'required',
          AtRestEncryptionEnabled: true,
          KmsKeyId: Match.anyValue(),
          UserGroupIds: [`${plan.product}-cache-users`],
          SnapshotRetentionLimit: Match.anyValue(),
          AuthToken: Match.absent(),
        }),
        DeletionPolicy: 'Snapshot',
        UpdateReplacePolicy: 'Snapshot',
      });
      template.hasResourceProperties('AWS::ElastiCache::User', { UserName: 'default', AccessString: 'off -@all' });
      template.hasResourceProperties('AWS::ElastiCache::User', { UserName: `${plan.product}-cache-app`, AuthenticationMode: { Type: 'iam' } });
    });

    test('cache alarms on evictions, memory and engine CPU', () => {
      const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(a.Properties.Metrics ?? []));
      for (const metric of ['Evictions', 'DatabaseMemoryUsagePercentage', 'EngineCPUUtilization']) expect(alarms.some((m) => m.includes(`"MetricName":"${metric}"`))).toBe(true);
    });

    test('the web fleet may connect to the cache and the database with IAM, and reach them on their ports only', () => {
      const policies = JSON.stringify(resourcesOfType(json, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('WebFleetRole')));
      expect(policies).toContain('elasticache:Connect');
      expect(policies).toContain('rds-db:connect');
      expect(policies).toContain('ssm:GetParameter');
      const ingress = resourcesOfType(json, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
      expect(ingress).toEqual(expect.arrayContaining([expect.objectContaining({ FromPort: 5432, ToPort: 5432 }), expect.objectContaining({ FromPort: 6379, ToPort: 6379 })]));
    });
  });

  describe('sharded', () => {
    const json = awsTemplate('sharded');
    const plan = stagePlan('sharded');
    const db = plan.database!;

    test('K shard groups built by the same construct, each with its replicas, reader name and alarms', () => {
      expect(db.shards).toBeGreaterThan(1);
      const instances = resourcesOfType(json, 'AWS::RDS::DBInstance').map(([id]) => id);
      for (let shard = 0; shard < db.shards; shard++) {
        expect(instances.filter((id) => id.startsWith(`DatabaseShard${shard}Primary`))).toHaveLength(1);
        expect(instances.filter((id) => id.startsWith(`DatabaseShard${shard}Replica`))).toHaveLength(db.readReplicas);
        const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([id]) => id).filter((id) => id.startsWith(`DatabaseShard${shard}`));
        expect(alarms.some((id) => id.includes('PrimaryCpu'))).toBe(true);
        expect(alarms.some((id) => id.includes('PrimaryFreeStorage'))).toBe(true);
        expect(alarms.filter((id) => /Replica\d+Lag/.test(id))).toHaveLength(db.readReplicas);
      }
    });

    test('shard 0 is the read-replicas database: same logical IDs, and its storage never shrinks', () => {
      const before = awsTemplate('read-replicas');
      const shard0 = (t: any) => Object.keys(t.Resources).filter((id) => id.startsWith('DatabaseShard0')).sort();
      expect(shard0(json)).toEqual(expect.arrayContaining(shard0(before).filter((id) => !id.includes('Replica') || db.readReplicas >= 1)));
      const primary = (t: any) => resourcesOfType(t, 'AWS::RDS::DBInstance').find(([id]) => id.startsWith('DatabaseShard0Primary'))![1];
      expect(Number(primary(json).Properties.AllocatedStorage)).toBeGreaterThanOrEqual(Number(primary(before).Properties.AllocatedStorage));
      expect(primary(json).Properties.DBInstanceIdentifier).toBe(primary(before).Properties.DBInstanceIdentifier);
    });

    test('the other shards are sized by the plan', () => {
      const primary = resourcesOfType(json, 'AWS::RDS::DBInstance').find(([id]) => id.startsWith('DatabaseShard1Primary'))![1];
      expect(primary.Properties).toEqual(expect.objectContaining({ DBInstanceClass: db.instance.name, AllocatedStorage: String(db.storageGiB), DBInstanceIdentifier: `${plan.product}-shard1` }));
    });
  });

  describe('queue-pipeline (SQS)', () => {
    const json = awsTemplate('queue-pipeline');
    const template = Template.fromJSON(json);
    const plan = stagePlan('queue-pipeline');
    const queue = plan.queue!;

    test('a queue and its dead-letter queue: encrypted, TLS-only, retained', () => {
      template.resourceCountIs('AWS::SQS::Queue', 2);
      template.hasResource('AWS::SQS::Queue', {
        Properties: {
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: queue.retentionHours * 3600,
          VisibilityTimeout: queue.visibilityTimeoutSeconds,
          ReceiveMessageWaitTimeSeconds: 20,
          RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: queue.maxReceiveCount },
        },
        DeletionPolicy: 'Retain',
      });
      template.resourcePropertiesCountIs(
        'AWS::SQS::QueuePolicy',
        { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } },
        2,
      );
    });

    test('alarms on the oldest job\'s age (the tolerated delay) and on any dead letter', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: queue.maxJobDelaySeconds });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    test('workers in their own group, scaled on backlog per instance (metric math target tracking)', () => {
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: String(queue.minWorkers), MaxSize: String(queue.maxWorkers), HealthCheckType: 'EC2' });
      template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: {
          TargetValue: queue.backlogPerWorker,
          CustomizedMetricSpecification: {
            Metrics: [
              Match.objectLike({ Id: 'backlog', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }), Stat: 'Sum' }) }),
              Match.objectLike({ Id: 'workers', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }) }) }),
              Match.objectLike({ Expression: 'backlog / workers', ReturnData: true }),
            ],
          },
        },
      });
    });

    test('the web fleet may send jobs, the workers may consume them', () => {
      const policy = (prefix: string) => JSON.stringify(resourcesOfType(json, 'AWS::IAM::Policy').filter(([id]) => id.startsWith(prefix)));
      expect(policy('WebFleetRole')).toContain('sqs:SendMessage');
      expect(policy('WebFleetRole')).not.toContain('sqs:DeleteMessage');
      expect(policy('WorkersFleetRole')).toContain('sqs:DeleteMessage');
    });
  });

  test('resource counts per stage stay within CloudFormation\'s 500-resource limit', () => {
    for (const stage of STAGE_NAMES) expect(Object.keys(awsTemplate(stage).Resources).length).toBeLessThan(500);
  });
});

describe('single-server', () => {
  describe('single-server on AWS', () => {
    const template = Template.fromJSON(awsTemplate('single-server'));
    const plan = stagePlan('single-server');

    test('one instance of the planned type with IMDSv2, no key pair', () => {
      template.resourceCountIs('AWS::EC2::Instance', 1);
      template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: plan.server!.instance.name, KeyName: Match.absent() });
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } });
    });

    test('an encrypted gp3 data volume that is retained when the stage moves on', () => {
      template.hasResource('AWS::EC2::Volume', {
        Properties: { Encrypted: true, VolumeType: 'gp3', Size: plan.server!.dataVolumeGiB },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.resourceCountIs('AWS::EC2::VolumeAttachment', 1);
    });

    test('only 80 and 443 are open; no SSH', () => {
      const groups = template.findResources('AWS::EC2::SecurityGroup');
      const ingress = Object.values(groups).flatMap((g: any) => g.Properties.SecurityGroupIngress ?? []);
      expect(ingress.map((r: any) => r.FromPort).sort()).toEqual([443, 80]);
      expect(ingress.some((r: any) => r.FromPort === 22)).toBe(false);
    });

    test('an Elastic IP on the instance', () => {
      template.hasResourceProperties('AWS::EC2::EIP', { Domain: 'vpc', InstanceId: Match.anyValue() });
    });

    test('daily backups kept for the retention window', () => {
      template.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: plan.server!.snapshotRetentionDays } })] },
      });
    });

    test('CPU, status-check (with recovery) and disk alarms all notify the alarm topic', () => {
      const alarms = template.findResources('AWS::CloudWatch::Alarm');
      const byMetric = Object.fromEntries(Object.values(alarms).map((a: any) => [a.Properties.MetricName, a.Properties]));
      expect(Object.keys(byMetric).sort()).toEqual(['CPUUtilization', 'StatusCheckFailed_Instance', 'StatusCheckFailed_System', 'disk_used_percent']);
      const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
      for (const alarm of Object.values(byMetric) as any[]) {
        expect(alarm.OKActions).toContainEqual({ Ref: topic });
        expect(alarm.AlarmActions).toContainEqual({ Ref: topic });
      }
      expect(JSON.stringify(byMetric.StatusCheckFailed_System.AlarmActions)).toContain(':ec2:recover');
    });

    test('the alarm topic is KMS-encrypted and CloudWatch may use the key', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
      });
    });

    test('synthesizes without an account: no context lookups', () => {
      expect(JSON.stringify(awsTemplate('single-server'))).not.toMatch(/\d{12}/);
    });
  });

  describe('SingleServer as a library construct: the app environment', () => {
    const userDataOf = (props: Partial<SingleServerProps>): string => {
      const stack = new Stack(new App(), 'Single');
      const server = new SingleServer(stack, 'Server', {
        vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] }),
        instanceType: 't4g.small',
        dataVolumeGiB: 20,
        appImage: 'example/app:1',
        appPort: 8080,
        postgresMemoryGiB: 1,
        redisMemoryGiB: 0.5,
        ...props,
      });
      return server.instance.userData.render();
    };
    // One stack for the passing case; the failures throw while the construct is built.
    const script = userDataOf({ appEnvironment: { GREETING: "it's $(reboot)" }, appPostgresPasswordVariable: 'DB_PASSWORD' });

    test('variables reach the container as quoted data; the password through a root-only env file', () => {
      expect(script).toContain(`-e 'GREETING=it'"'"'s $(reboot)'`);
      expect(script).toContain('echo "DB_PASSWORD=$(cat /data/postgres/password)" >> /etc/stagekit/app.env');
      expect(script).toContain('--env-file /etc/stagekit/app.env');
      expect(script).toContain('umask 077');
    });

    test('a bad variable name or a second PORT is refused, naming the prop', () => {
      expect(() => userDataOf({ appEnvironment: { 'BAD NAME': 'x' } })).toThrow(/appEnvironment: expected an environment variable name.*"BAD NAME"/);
      expect(() => userDataOf({ appEnvironment: { PORT: '1' } })).toThrow(/appEnvironment: PORT is always appPort/);
      expect(() => userDataOf({ appPostgresPasswordVariable: '1X' })).toThrow(/appPostgresPasswordVariable: expected an environment variable name/);
    });
  });

  describe('single-server on Kubernetes', () => {
    const objects = k8sObjects('single-server');
    const plan = stagePlan('single-server');
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

    test('app, Postgres and Redis with their Services and an Ingress', () => {
      expect(find('Deployment', 'web')).toBeDefined();
      expect(find('StatefulSet', 'postgres')).toBeDefined();
      expect(find('StatefulSet', 'redis')).toBeDefined();
      expect(['web', 'postgres', 'redis'].every((n) => find('Service', n))).toBe(true);
      expect(find('Ingress', 'web')).toBeDefined();
    });

    test('Postgres keeps its data on a claim sized by the plan and retained on delete', () => {
      const sts = find('StatefulSet', 'postgres');
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${plan.server!.dataVolumeGiB}Gi`);
      expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    });

    test('pods request the shapes of the plan', () => {
      const pg = find('StatefulSet', 'postgres').spec.template.spec.containers[0];
      expect(pg.resources.requests.memory).toBe(`${Math.round(plan.server!.postgresShape.memoryGiB * 1024)}Mi`);
      const web = find('Deployment', 'web').spec.template.spec.containers[0];
      expect(web.resources.requests.cpu).toBe(`${Math.round(plan.server!.appShape.vcpu * 1000)}m`);
    });

    test('the namespace enforces the restricted Pod Security Standard', () => {
      const ns = objects.find((o) => o.kind === 'Namespace');
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });
  });
});

/**
 * The building blocks on their own, outside the ladder: each L3 construct works in a bare
 * stack with its secure defaults, and the product stack validates its deployment options.
 */
describe('aws-constructs', () => {
  function bareStack() {
    const stack = new Stack(new App(), 'Bare', { env: { region: 'eu-central-1' } });
    const network = new Network(stack, 'Network', { zones: 2 });
    const alarms = new AlarmTopic(stack, 'Alarms');
    return { stack, vpc: network.vpc, alarms };
  }

  describe('DatabaseShard on its own', () => {
    const { stack, vpc, alarms } = bareStack();
    const shard = new DatabaseShard(stack, 'Orders', {
      vpc,
      alarms,
      shardId: 0,
      identifierPrefix: 'orders',
      engineVersion: '16',
      instanceClass: 'db.m7g.large',
      allocatedStorageGiB: 50,
      readReplicas: 2,
    });
    const template = Template.fromStack(stack);

    test('creates its own key, security group, subnet group and monitoring role, with secure defaults', () => {
      template.resourceCountIs('AWS::KMS::Key', 2); // the shard's and the alarm topic's
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        DBInstanceIdentifier: 'orders-shard0',
        MultiAZ: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 7,
        MaxAllocatedStorage: 100,
        ManageMasterUserPassword: true,
      });
      template.resourceCountIs('AWS::RDS::DBSubnetGroup', 1);
      template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] }) });
    });

    test('without a zone, the reader is a replica endpoint and no DNS records exist', () => {
      expect(shard.readerHostname).toBe(shard.replicas[0].dbInstanceEndpointAddress);
      template.resourceCountIs('AWS::Route53::RecordSet', 0);
      template.resourceCountIs('AWS::RDS::DBInstance', 3);
    });

    test('replicas land in the zones that have subnets, never in a reserved one', () => {
      const zones = Object.values<any>(template.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone).filter(Boolean);
      expect(zones.sort()).toEqual(['eu-central-1a', 'eu-central-1b']);
    });
  });

  test('ReaderEndpoint: equal weights over healthy replicas, a zero-weight fallback', () => {
    const { stack, vpc } = bareStack();
    const zone = new route53.PrivateHostedZone(stack, 'Zone', { zoneName: 'example.internal', vpc });
    const endpoint = new ReaderEndpoint(stack, 'Reader', {
      zone,
      recordName: 'reader.db',
      targets: [
        { id: 'A', hostname: 'a.example.com' },
        { id: 'B', hostname: 'b.example.com' },
      ],
      fallbackHostname: 'primary.example.com',
    });
    expect(endpoint.hostname).toBe('reader.db.example.internal');
    const records = Object.values<any>(Template.fromStack(stack).findResources('AWS::Route53::RecordSet')).map((r) => [r.Properties.ResourceRecords[0], r.Properties.Weight]);
    expect(records.sort()).toEqual([
      ['a.example.com', 1],
      ['b.example.com', 1],
      ['primary.example.com', 0],
    ]);
  });

  test('SloAlarms on any load balancer, with its own burn rates', () => {
    const { stack, vpc, alarms } = bareStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    const slo = new SloAlarms(stack, 'Slo', {
      loadBalancer: alb,
      alarms,
      availabilityPercent: 99.99,
      burnRates: [{ name: 'page', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), errorRatioThreshold: 0.00144 }],
      p99Latency: Duration.millis(250),
    });
    const template = Template.fromStack(stack);
    expect(slo.burnRateAlarms).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0.00144, AlarmActions: Match.absent() });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TargetResponseTime', Threshold: 0.25 });
  });

  test('guard rails: a cache needs a replica for failover, Kafka brokers must divide over the zones', () => {
    const { stack, vpc, alarms } = bareStack();
    expect(() => new CacheCluster(stack, 'Cache', { vpc, alarms, namePrefix: 'x', nodeType: 'cache.m7g.large', nodes: 1 })).toThrow(/at least 2 nodes/);
    expect(
      () =>
        new KafkaPipeline(stack, 'Kafka', {
          vpc,
          alarms,
          namePrefix: 'x',
          brokerType: 'kafka.m7g.large',
          brokers: 3,
          storageGiBPerBroker: 100,
          topic: 'jobs',
          partitions: 12,
          retention: Duration.days(1),
          consumerGroup: 'workers',
          consumerLagAlarmMessages: 100,
          maxTimeLag: Duration.minutes(1),
        }),
    ).toThrow(/not a multiple of the 2 zones/);
  });

  test('physicalName: stable, valid, unique when cut', () => {
    expect(physicalName(['Growing Shop', 'cache'], 40)).toBe('growing-shop-cache');
    const long = physicalName(['a'.repeat(38), 'cache-default'], 40);
    expect(long).toHaveLength(40);
    expect(long).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(long).not.toBe(physicalName(['a'.repeat(38), 'cache-app'], 40));
    expect(physicalName(['a'.repeat(38), 'cache-default'], 40)).toBe(long);
  });

  describe('ProductStack options', () => {
    const plan = computePlan(loadProfile(TEST_PROFILE_FILE), 'sharded');
    const stack = (options: Record<string, unknown>) => new ProductStack(new App(), 'P', { plan, env: { region: plan.region }, ...options });

    test('reject values that would deploy something else than asked', () => {
      expect(() => stack({ activeShards: 0 })).toThrow(/activeShards: expected a whole number from 1 to 2/);
      expect(() => stack({ natStrategy: 'none' })).toThrow(/natStrategy/);
      expect(() => stack({ certificateArn: 'my-cert' })).toThrow(/certificateArn/);
    });

    test('natStrategy single: one NAT gateway for all zones', () => {
      Template.fromStack(stack({ natStrategy: 'single' })).resourceCountIs('AWS::EC2::NatGateway', 1);
    });
  });

  test('a fleet running an ECR image logs in to ECR and may pull that repository only', () => {
    const { stack, vpc, alarms } = bareStack();
    const image = '111122223333.dkr.ecr.eu-central-1.amazonaws.com/shop/web:1.4.2';
    const fleet = new InstanceFleet(stack, 'Fleet', { vpc, alarms, instanceType: 'm7g.large', minCapacity: 2, maxCapacity: 4, container: { image, port: 8080 } });
    expect(parseEcrImage(image)).toEqual({ registry: '111122223333.dkr.ecr.eu-central-1.amazonaws.com', account: '111122223333', region: 'eu-central-1', repository: 'shop/web' });
    expect(parseEcrImage('nginxinc/nginx-unprivileged:1.27-alpine')).toBeUndefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':ecr:eu-central-1:111122223333:repository/shop/web'])] }) }),
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
    expect(JSON.stringify(stack.resolve(fleet.userData.render()))).toContain('docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-central-1.amazonaws.com');
  });
});

/**
 * cdk-nag's AwsSolutions pack on the AWS ladder: the shared synth already fails on any
 * unacknowledged finding; this file checks the other half: every acknowledgement answers a
 * real finding (none is stale or speculative) and carries a reason, and the plugin really
 * runs (an unacknowledged finding fails synth).
 */
describe('aws-nag', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-aws-nag-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const profile = loadProfile(TEST_PROFILE_FILE);

  interface Acknowledgement {
    readonly path: string;
    readonly rule: string;
    readonly reason: string;
  }

  /** Removes every AwsSolutions acknowledgement from the tree and returns them. */
  function stripAcknowledgements(root: IConstruct): Acknowledgement[] {
    const acks: Acknowledgement[] = [];
    for (const c of root.node.findAll()) {
      const metadata: Array<{ type: string; data: any }> = (c.node as any)._metadata ?? [];
      for (let i = metadata.length - 1; i >= 0; i--) {
        if (metadata[i].type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        const rules = Object.entries<string>(metadata[i].data).filter(([id]) => id.includes('AwsSolutions-'));
        if (!rules.length) continue;
        for (const [id, reason] of rules) acks.push({ path: c.node.path, rule: id.replace(/^annotation::/i, ''), reason });
        metadata.splice(i, 1);
      }
    }
    return acks;
  }

  describe.each(['single-server', 'queue-pipeline'] as StageName[])('cdk-nag on %s', (stage) => {
    const { app } = buildAwsApp(computePlan(profile, stage), { nag: false, outdir: path.join(out, stage) });
    app.synth();

    test('no finding is left unacknowledged', () => {
      expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    });

    test('every acknowledgement answers a finding and gives a specific reason', () => {
      const acks = stripAcknowledgements(app);
      expect(acks.length).toBeGreaterThan(0);
      const findings = new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
      for (const ack of acks) {
        expect({ ack: `${ack.rule} @ ${ack.path}`, answers: findings.some((f) => f === `${ack.rule} @ ${ack.path}` || f.startsWith(`${ack.rule} @ ${ack.path}/`)) }).toEqual({ ack: `${ack.rule} @ ${ack.path}`, answers: true });
        expect(ack.reason.length).toBeGreaterThan(60);
      }
    });
  });

  test('the AwsSolutions pack runs at synth: an unacknowledged finding fails it', () => {
    const { app, stack } = buildAwsApp(computePlan(profile, 'split-tier'), { outdir: path.join(out, 'failing') });
    new s3.Bucket(stack, 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
