import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SingleServer, SingleServerProps } from '../constructs/aws/single-server';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

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
