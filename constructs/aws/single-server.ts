import { Duration, Fn, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { shellPort, shellQuote } from './shell';
import { acknowledge, managedPolicyFinding } from './nag';
import { checkProp, eitherExistingOrProps, isWhole } from './props';

export interface SingleServerProps {
  /**
   * Your VPC (it needs a public subnet: the server has an Elastic IP), or stagekit's `Network`. Required: the
   * server lives in a VPC, and only you know which one.
   */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets the server may go in; it goes in the first one (its zone is also the data volume's zone). The
   * server is reached on its Elastic IP, so a subnet routed to an internet gateway is what works.
   * @default the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /**
   * EC2 instance type, e.g. m7g.large (arm64: the image is Amazon Linux 2023 for Graviton). Required: the one
   * machine carries the app, Postgres and Redis, so its size follows your workload (stagekit's plan sizes it).
   */
  readonly instanceType: string;
  /**
   * Size of the encrypted gp3 data volume (Postgres and Redis data), in GiB. Required: it holds your dataset,
   * whose size only you know; it grows online later, never shrinks.
   */
  readonly dataVolumeGiB: number;
  /** Days of daily snapshots kept. @default 7 */
  readonly snapshotRetentionDays?: number;
  /** The app's container image (Docker pulls it at boot). Required: it is your application. */
  readonly appImage: string;
  /** Port the app container serves HTTP on; nginx on port 80 forwards to it. Required: only your app knows it. */
  readonly appPort: number;
  /**
   * Environment for the app container besides `PORT` (which is always `appPort`): for stagekit's
   * stages, the app contract of core/contract.ts, so the app sees the same names as on the fleets
   * and on Kubernetes. Values are passed as data (quoted), never as shell syntax.
   * @default no other variables
   */
  readonly appEnvironment?: Record<string, string>;
  /**
   * The variable that carries the Postgres password to the app. The server generates the password
   * at first boot, keeps it on the data volume (readable by root only), sets it on the `postgres`
   * role and requires it on TCP connections; the app gets it through a Docker env file, never on
   * a command line.
   * @default the app is not told the password
   */
  readonly appPostgresPasswordVariable?: string;
  /**
   * Memory set aside for Postgres (a quarter becomes shared_buffers). Required: how the machine's memory is
   * split between Postgres and Redis depends on your workload (stagekit's plan splits it).
   */
  readonly postgresMemoryGiB: number;
  /** Memory Redis may use (its maxmemory). Required, for the same reason as `postgresMemoryGiB`. */
  readonly redisMemoryGiB: number;
  /** Average CPU over 15 minutes that pages (the server is outgrowing its size or this stage). @default 80 */
  readonly cpuAlarmPercent?: number;
  /** Data volume use that pages (grow the volume before Postgres stops). @default 80 */
  readonly diskUsedAlarmPercent?: number;
  /**
   * An existing security group for the server. SingleServer still opens ports 80 and 443 to the internet on
   * it (the server's job); nothing else. Give this or `securityGroupProps`, not both.
   * @default a new group: 80 and 443 from anywhere, no SSH (administration through SSM Session Manager), all egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Settings for the security group SingleServer creates, merged over its defaults (all egress: the server
   * pulls packages and images); the VPC is always `vpc`. Give this or `securityGroup`, not both.
   * @default the defaults above
   */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /**
   * An existing key that encrypts the data volume, its snapshots and the backup vault. Give this or
   * `encryptionKeyProps`, not both.
   * @default a new customer managed key with yearly rotation, retained on removal (so snapshots stay readable)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Settings for the key SingleServer creates, merged over its defaults (rotation on, retained on removal).
   * Give this or `encryptionKey`, not both.
   * @default the defaults above
   */
  readonly encryptionKeyProps?: kms.KeyProps;
  /**
   * What happens to the data volume when the stack stops managing it (the move to
   * split-tier). RETAIN keeps it for rollback until you delete it yourself.
   * @default RemovalPolicy.RETAIN
   */
  readonly dataVolumeRemovalPolicy?: RemovalPolicy;
}

const DATA_DEVICE = '/dev/sdf';
const DATA_MOUNT = '/data';
/** Generated at first boot, on the data volume so it outlives the instance. */
const POSTGRES_PASSWORD_FILE = `${DATA_MOUNT}/postgres/password`;
/** The app container's secret variables (Docker reads them once, at `docker run`). */
const APP_ENV_FILE = '/etc/stagekit/app.env';

/**
 * Stage one: a single VM runs the app (a container), Postgres and Redis, with its data on
 * a separate encrypted gp3 volume that outlives the instance. No SSH: administration is
 * through SSM Session Manager, so the only open ports are 80 and 443.
 */
export class SingleServer extends Construct {
  readonly instance: ec2.Instance;
  readonly dataVolume: ec2.Volume;
  readonly elasticIp: ec2.CfnEIP;
  /** The server's security group: the one given, or the one SingleServer created. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The key of the data volume, its snapshots and the vault: the one given, or the one SingleServer created. */
  readonly encryptionKey: kms.IKey;
  readonly role: iam.Role;
  readonly backupVault: backup.BackupVault;
  readonly backupPlan: backup.BackupPlan;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SingleServerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const construct = 'SingleServer';
    checkProp(construct, 'dataVolumeGiB', Token.isUnresolved(props.dataVolumeGiB) || isWhole(props.dataVolumeGiB, 1), 'a whole number of GiB, at least 1', props.dataVolumeGiB);
    checkProp(construct, 'postgresMemoryGiB', typeof props.postgresMemoryGiB === 'number' && props.postgresMemoryGiB > 0, 'a number of GiB above 0', props.postgresMemoryGiB);
    checkProp(construct, 'redisMemoryGiB', typeof props.redisMemoryGiB === 'number' && props.redisMemoryGiB > 0, 'a number of GiB above 0', props.redisMemoryGiB);
    if (props.snapshotRetentionDays !== undefined) checkProp(construct, 'snapshotRetentionDays', isWhole(props.snapshotRetentionDays, 1, 36500), 'a whole number of days of at least 1', props.snapshotRetentionDays);
    eitherExistingOrProps(construct, 'securityGroup', props.securityGroup, 'securityGroupProps', props.securityGroupProps);
    eitherExistingOrProps(construct, 'encryptionKey', props.encryptionKey, 'encryptionKeyProps', props.encryptionKeyProps);
    // Checked before selecting: the VPC's own error ("no 'Public' subnet groups") would not name the prop.
    const subnet = props.vpcSubnets || props.vpc.publicSubnets.length ? props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC }).subnets[0] : undefined;
    if (!subnet) {
      throw new Error(`${construct}: no subnet for the server: ${props.vpcSubnets ? 'vpcSubnets selects none' : 'the VPC has no public subnets'}; the server is reached on an Elastic IP, so give the VPC a public subnet or pass vpcSubnets`);
    }

    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'WebSecurityGroup', {
        description: 'Web traffic to the single server; no SSH (use SSM Session Manager)',
        allowAllOutbound: true,
        ...props.securityGroupProps,
        vpc: props.vpc,
      });
    // Required wiring, on a given group too: the server's job is to answer on 80 and 443.
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere (redirects to HTTPS)');
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere');
    acknowledge(this.securityGroup, 'AwsSolutions-EC23', 'A public web server: 80 and 443 must be open to the internet; no other port is.');

    const role = (this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Single server: SSM Session Manager and CloudWatch agent',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ],
    }));
    acknowledge(
      role,
      'AwsSolutions-IAM4',
      'AmazonSSMManagedInstanceCore and CloudWatchAgentServerPolicy are the AWS-maintained minimum for Session Manager and the CloudWatch agent; a hand copy would drift from the agents they serve.',
      [managedPolicyFinding('AmazonSSMManagedInstanceCore'), managedPolicyFinding('CloudWatchAgentServerPolicy')],
    );

    const dataKey = (this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'DataKey', {
        description: 'Encrypts the single server data volume and its snapshots',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...props.encryptionKeyProps,
      }));

    this.dataVolume = new ec2.Volume(this, 'DataVolume', {
      availabilityZone: subnet.availabilityZone,
      size: Size.gibibytes(props.dataVolumeGiB),
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      encryptionKey: dataKey,
      removalPolicy: props.dataVolumeRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    const userData = ec2.UserData.forLinux();
    userData.addCommands(...bootScript(props, this.dataVolume.volumeId));

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [subnet] },
      instanceType: new ec2.InstanceType(props.instanceType),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      securityGroup: this.securityGroup,
      role,
      userData,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    acknowledge(
      this.instance,
      'AwsSolutions-EC29',
      'The data lives on a separate volume that is retained and backed up daily; termination protection would block the planned move to split-tier, where CloudFormation removes this instance after cut-over.',
    );
    new ec2.CfnVolumeAttachment(this, 'DataVolumeAttachment', {
      instanceId: this.instance.instanceId,
      volumeId: this.dataVolume.volumeId,
      device: DATA_DEVICE,
    });

    this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc', instanceId: this.instance.instanceId });

    // Daily snapshots of the data volume in an encrypted vault, kept for the retention window.
    const vault = (this.backupVault = new backup.BackupVault(this, 'Vault', { encryptionKey: dataKey, removalPolicy: RemovalPolicy.RETAIN }));
    this.backupPlan = new backup.BackupPlan(this, 'Backups', { backupVault: vault });
    this.backupPlan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
        deleteAfter: Duration.days(props.snapshotRetentionDays ?? 7),
      }),
    );
    const selection = this.backupPlan.addSelection('DataVolume', {
      resources: [backup.BackupResource.fromArn(stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: this.dataVolume.volumeId }))],
    });
    acknowledge(
      selection,
      'AwsSolutions-IAM4',
      'AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy AWS Backup needs to snapshot EBS volumes.',
      [managedPolicyFinding('service-role/AWSBackupServiceRolePolicyForBackup')],
    );

    this.addAlarms(props);
  }

  private addAlarms(props: SingleServerProps): void {
    const instanceId = this.instance.instanceId;
    const metric = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic = 'Maximum') =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: Duration.minutes(1) });

    const cpu = new cloudwatch.Alarm(this, 'CpuHigh', {
      alarmDescription: `CPU above ${props.cpuAlarmPercent ?? 80}% for 15 minutes: the server is outgrowing its size or this stage.`,
      metric: metric('AWS/EC2', 'CPUUtilization', { InstanceId: instanceId }, 'Average').with({ period: Duration.minutes(5) }),
      threshold: props.cpuAlarmPercent ?? 80,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    // A failed system check means the host is broken: EC2 recovers the instance onto new hardware,
    // keeping its ID, EBS volumes and Elastic IP.
    const systemCheck = new cloudwatch.Alarm(this, 'SystemCheckFailed', {
      alarmDescription: 'The host failed its system status check: EC2 recovers the instance onto healthy hardware.',
      metric: metric('AWS/EC2', 'StatusCheckFailed_System', { InstanceId: instanceId }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    systemCheck.addAlarmAction(new actions.Ec2Action(actions.Ec2InstanceAction.RECOVER));
    const instanceCheck = new cloudwatch.Alarm(this, 'InstanceCheckFailed', {
      alarmDescription: 'The OS failed its instance status check (out of memory, full disk, kernel): reboot it and look.',
      metric: metric('AWS/EC2', 'StatusCheckFailed_Instance', { InstanceId: instanceId }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    instanceCheck.addAlarmAction(new actions.Ec2Action(actions.Ec2InstanceAction.REBOOT));
    // disk_used_percent comes from the CloudWatch agent that the boot script configures.
    const disk = new cloudwatch.Alarm(this, 'DataDiskFilling', {
      alarmDescription: `The data volume is over ${props.diskUsedAlarmPercent ?? 80}% full: grow it (gp3 resizes online) before Postgres stops.`,
      metric: metric('CWAgent', 'disk_used_percent', { InstanceId: instanceId, path: DATA_MOUNT }).with({ period: Duration.minutes(5) }),
      threshold: props.diskUsedAlarmPercent ?? 80,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarms.push(cpu, systemCheck, instanceCheck, disk);
    notifyAlarms(props.alarms, ...this.alarms);
  }
}

/** The boot script: mount the data volume, run Postgres, Redis and the app, ship disk metrics. */
function bootScript(props: SingleServerProps, volumeId: string): string[] {
  const sharedBuffersMiB = Math.max(128, Math.floor(props.postgresMemoryGiB * 1024 * 0.25));
  const redisMiB = Math.max(64, Math.floor(props.redisMemoryGiB * 1024));
  const agentConfig = JSON.stringify({
    metrics: {
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [['InstanceId', 'path']],
      metrics_collected: { disk: { measurement: ['used_percent'], resources: [DATA_MOUNT, '/'] }, mem: { measurement: ['used_percent'] } },
    },
  });
  return [
    'set -euo pipefail',
    'dnf install -y postgresql16-server redis6 docker nginx amazon-cloudwatch-agent',
    // The volume's NVMe serial is its ID without the dash; wait for it rather than guess a device name.
    `DEV=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${Fn.join('', Fn.split('-', volumeId))}`,
    'for i in $(seq 1 60); do [ -e "$DEV" ] && break; sleep 5; done',
    'blkid "$DEV" || mkfs.xfs "$DEV"',
    `mkdir -p ${DATA_MOUNT} && grep -q ${DATA_MOUNT} /etc/fstab || echo "$DEV ${DATA_MOUNT} xfs defaults,nofail 0 2" >> /etc/fstab`,
    'mount -a',
    `mkdir -p ${DATA_MOUNT}/postgres ${DATA_MOUNT}/redis && chown postgres:postgres ${DATA_MOUNT}/postgres && chown redis:redis ${DATA_MOUNT}/redis`,
    'mkdir -p /etc/systemd/system/postgresql.service.d',
    `printf '[Service]\\nEnvironment=PGDATA=${DATA_MOUNT}/postgres/data\\n' > /etc/systemd/system/postgresql.service.d/data.conf`,
    'systemctl daemon-reload',
    `[ -f ${DATA_MOUNT}/postgres/data/PG_VERSION ] || sudo -u postgres initdb -D ${DATA_MOUNT}/postgres/data --data-checksums --auth-local=peer --auth-host=scram-sha-256`,
    `echo "shared_buffers = ${sharedBuffersMiB}MB" >> ${DATA_MOUNT}/postgres/data/postgresql.auto.conf`,
    'systemctl enable --now postgresql',
    `sed -i 's|^dir .*|dir ${DATA_MOUNT}/redis|; s|^# maxmemory .*|maxmemory ${redisMiB}mb|; s|^appendonly no|appendonly yes|' /etc/redis6/redis6.conf`,
    'systemctl enable --now redis6 docker',
    // Password logins over TCP (initdb above); the app's password lives on the data volume, readable by root only.
    `[ -s ${POSTGRES_PASSWORD_FILE} ] || (umask 077 && openssl rand -hex 24 > ${POSTGRES_PASSWORD_FILE})`,
    `sudo -u postgres psql -q -c "ALTER ROLE postgres PASSWORD '$(cat ${POSTGRES_PASSWORD_FILE})'"`,
    `mkdir -p /etc/stagekit && (umask 077 && : > ${APP_ENV_FILE})`,
    ...(props.appPostgresPasswordVariable ? [`echo "${envName(props.appPostgresPasswordVariable, 'appPostgresPasswordVariable')}=$(cat ${POSTGRES_PASSWORD_FILE})" >> ${APP_ENV_FILE}`] : []),
    [
      'docker run -d --restart=always --name app --network host',
      `-e PORT=${shellPort(props.appPort, 'appPort')}`,
      ...Object.entries(props.appEnvironment ?? {}).map(([name, value]) => `-e ${shellQuote(`${envName(name, 'appEnvironment')}=${value}`)}`),
      `--env-file ${APP_ENV_FILE}`,
      shellQuote(props.appImage),
    ].join(' '),
    // nginx fronts the app on port 80; add your certificate (certbot) to serve 443.
    `printf 'server {\\n  listen 80 default_server;\\n  location / { proxy_pass http://127.0.0.1:${shellPort(props.appPort, 'appPort')}; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }\\n}\\n' > /etc/nginx/conf.d/app.conf`,
    'systemctl enable --now nginx',
    `echo '${agentConfig}' > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json`,
    '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json',
  ];
}

/** An environment variable name as it may appear in a script: letters, digits and underscores, not starting with a digit. */
function envName(name: string, what: string): string {
  if (name === 'PORT') throw new Error(`${what}: PORT is always appPort; set appPort instead`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${what}: expected an environment variable name (letters, digits, _), got ${JSON.stringify(name)}`);
  return name;
}
