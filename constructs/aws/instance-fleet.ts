import { Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { acknowledge, managedPolicyFinding } from './nag';
import { eitherExistingOrProps } from './props';
import { shellPort, shellQuote } from './shell';

/** The container every instance of a fleet runs. */
export interface FleetContainer {
  /** Image to run, e.g. `nginxinc/nginx-unprivileged:1.27-alpine`. */
  readonly image: string;
  /**
   * Port the container listens on (host networking). When set, an instance reports ready
   * only once `healthCheckPath` answers on this port.
   * @default no port: ready once the container has stayed up for 30 seconds
   */
  readonly port?: number;
  /** @default '/' */
  readonly healthCheckPath?: string;
  /**
   * Environment variables; values may be CloudFormation tokens (endpoints, ARNs).
   * @default none besides PORT when a port is set
   */
  readonly environment?: Record<string, string>;
  /**
   * Command (and arguments) passed to the image.
   * @default the image's own command
   */
  readonly command?: string[];
}

export interface InstanceFleetProps {
  /** Your VPC (any layout with private subnets), or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /** @default the private subnets with egress (the `App` group of `Network`) */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** EC2 instance type, e.g. `m7g.large` (Graviton: the AMI is arm64). */
  readonly instanceType: string;
  /** Instances kept in service (also during rolling updates). */
  readonly minCapacity: number;
  /** Autoscaling ceiling. */
  readonly maxCapacity: number;
  /** The container each instance runs. */
  readonly container: FleetContainer;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /**
   * Topic for the group's launch and terminate notifications (all four scaling events).
   * @default no notifications
   */
  readonly eventsTopic?: sns.ITopic;
  /**
   * Also count the load balancer's health check: an instance failing it is replaced.
   * @default false (EC2 status checks only)
   */
  readonly elbHealthCheck?: boolean;
  /**
   * Time a new instance has before health checks count (boot, image pull, app start).
   * @default Duration.minutes(5)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * How long CloudFormation waits for new instances to report ready (cfn-signal) during
   * creation and during a rolling update, before it rolls back.
   * @default Duration.minutes(15)
   */
  readonly readinessTimeout?: Duration;
  /**
   * Instances replaced at once in a rolling update (a launch template change). The group
   * keeps `minCapacity` instances in service throughout, launching replacements first.
   * @default a quarter of `minCapacity`, rounded up to a multiple of the zones
   */
  readonly rollingBatchSize?: number;
  /** @default 30 */
  readonly rootVolumeGiB?: number;
  /**
   * Log group the container's stdout/stderr go to (Docker's awslogs driver). Give this or
   * `logGroupProps`, not both.
   * @default a new log group with `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * Settings for the log group the fleet creates, merged over its defaults (`logRetention`: logs never
   * grow without bound). Give this or `logGroup`, not both.
   * @default the defaults above
   */
  readonly logGroupProps?: logs.LogGroupProps;
  /** Retention of the log group the fleet creates. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * An existing security group for the instances (you then decide their egress; grants such as a load
   * balancer's access to the app port are still added to it). Give this or `securityGroupProps`, not both.
   * @default a new group with no ingress except what is granted, and all egress (image pulls, SSM, AWS APIs)
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Settings for the security group the fleet creates, merged over its defaults; the VPC is always `vpc`.
   * Give this or `securityGroup`, not both.
   * @default the defaults above
   */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /** What the fleet is for, used in descriptions. @default 'Fleet' */
  readonly description?: string;
}

/**
 * A hardened, self-healing Auto Scaling group running one container per instance:
 * Amazon Linux 2023 arm64 from a launch template with IMDSv2 only, an encrypted gp3 root
 * volume, detailed monitoring, no SSH (SSM Session Manager), container logs in CloudWatch
 * Logs, rolling replacement that waits for each new instance to answer its health check
 * (cfn-signal), group metrics, scaling notifications, and an alarm when the group cannot
 * hold its floor (failed launches, a lost zone without capacity).
 */
export class InstanceFleet extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;
  /** The instances' security group: the one given, or the one the fleet created. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly logGroup: logs.ILogGroup;
  readonly userData: ec2.UserData;
  /** Raised when fewer instances are in service than the group's minimum for 15 minutes. */
  readonly belowMinimumAlarm: cloudwatch.Alarm;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: InstanceFleetProps) {
    super(scope, id);
    const what = props.description ?? 'Fleet';
    if (props.minCapacity < 1 || props.maxCapacity < props.minCapacity) {
      throw new Error(`${what}: need 1 <= minCapacity <= maxCapacity, got ${props.minCapacity}..${props.maxCapacity}`);
    }

    eitherExistingOrProps('InstanceFleet', 'logGroup', props.logGroup, 'logGroupProps', props.logGroupProps);
    eitherExistingOrProps('InstanceFleet', 'securityGroup', props.securityGroup, 'securityGroupProps', props.securityGroupProps);
    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, ...props.logGroupProps });

    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        description: `${what} instances: ingress only as granted; egress for image pulls, SSM and AWS APIs`,
        allowAllOutbound: true,
        ...props.securityGroupProps,
        vpc: props.vpc,
      });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${what} instances: SSM Session Manager, container logs, and the grants its building blocks add`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM4',
      'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager (the replacement for SSH); a hand copy would drift from the agent it serves.',
      [managedPolicyFinding('AmazonSSMManagedInstanceCore')],
    );
    this.logGroup.grantWrite(this.role);
    this.grantImagePull(props.container.image);

    this.userData = ec2.UserData.forLinux();
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      instanceType: new ec2.InstanceType(props.instanceType),
      role: this.role,
      securityGroup: this.securityGroup,
      userData: this.userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
        },
      ],
    });

    const readinessTimeout = props.readinessTimeout ?? Duration.minutes(15);
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // Zones that have subnets (a VPC's availabilityZones also lists reserved ones).
    const zones = Math.max(1, new Set(props.vpc.selectSubnets(vpcSubnets).availabilityZones).size);
    const batch = props.rollingBatchSize ?? Math.ceil(Math.max(1, props.minCapacity / 4) / zones) * zones;
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      healthChecks: props.elbHealthCheck
        ? autoscaling.HealthChecks.withAdditionalChecks({
            additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
            gracePeriod: props.healthCheckGracePeriod ?? Duration.minutes(5),
          })
        : autoscaling.HealthChecks.ec2({ gracePeriod: props.healthCheckGracePeriod ?? Duration.minutes(5) }),
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: readinessTimeout }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: batch,
        minInstancesInService: props.minCapacity,
        pauseTime: readinessTimeout,
      }),
      defaultInstanceWarmup: Duration.minutes(3),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: props.eventsTopic ? [{ topic: props.eventsTopic, scalingEvents: autoscaling.ScalingEvents.ALL }] : undefined,
    });

    this.userData.addCommands(...bootScript(this, props.container));
    this.userData.addSignalOnExitCommand(this.autoScalingGroup);

    const groupMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AutoScaling',
        metricName,
        dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
        statistic: 'Minimum',
        period: Duration.minutes(5),
      });
    this.belowMinimumAlarm = new cloudwatch.Alarm(this, 'BelowMinimum', {
      alarmDescription: `${what}: fewer instances in service than the group's minimum for 15 minutes (launches failing, a zone out of capacity, or instances failing health checks faster than they are replaced).`,
      metric: new cloudwatch.MathExpression({
        expression: 'minSize - inService',
        usingMetrics: { minSize: groupMetric('GroupMinSize'), inService: groupMetric('GroupInServiceInstances') },
        label: 'Instances missing below the minimum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(this.belowMinimumAlarm);
    notifyAlarms(props.alarms, this.belowMinimumAlarm);
  }

  /** An image in ECR: let the instances pull that repository (Docker Hub images need nothing, but mind its pull limits). */
  private grantImagePull(image: string): void {
    const ecr = parseEcrImage(image);
    if (!ecr) return;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [Stack.of(this).formatArn({ service: 'ecr', account: ecr.account, region: ecr.region, resource: 'repository', resourceName: ecr.repository })],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    acknowledge(
      this.role,
      'AwsSolutions-IAM5',
      'ecr:GetAuthorizationToken supports no resource-level permissions (AWS documents Resource "*"); the token only lets the role pull what its repository-scoped statement allows.',
      ['Resource::*'],
    );
  }

  /** Instances in service (needs the group metrics this construct enables). */
  metricInService(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: 'Average',
      period: Duration.minutes(1),
    });
  }

  /** Average CPU across the group. */
  metricCpu(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: 'Average',
      period: Duration.minutes(1),
    });
  }
}

/** The registry, region and repository of an ECR image URI, or undefined for any other registry. */
export function parseEcrImage(image: string): { account: string; region: string; registry: string; repository: string } | undefined {
  const match = /^((\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/([a-z0-9._\/-]+?)(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?$/.exec(image);
  return match ? { registry: match[1], account: match[2], region: match[3], repository: match[4] } : undefined;
}

/** An HTTP path for the readiness check: must start with '/' and hold no whitespace or control characters (curl would misread them). */
function healthCheckPath(path: string): string {
  if (!/^\/[^\s\x00-\x1f\x7f]*$/.test(path)) throw new Error(`container.healthCheckPath: expected a path starting with / without spaces or control characters, got ${JSON.stringify(path)}`);
  return path;
}

/** Boot: Docker, the container with its logs in CloudWatch, then wait until it is ready (the exit code is the cfn-signal). */
function bootScript(fleet: InstanceFleet, container: FleetContainer): string[] {
  const region = Stack.of(fleet).region;
  const env: Record<string, string> = { ...(container.port ? { PORT: shellPort(container.port, 'container.port') } : {}), ...(container.environment ?? {}) };
  const envFlags = Object.entries(env).map(([k, v]) => `-e ${shellQuote(`${k}=${v}`)}`);
  const run = [
    'docker run -d --name app --restart=always --network host --security-opt no-new-privileges',
    '--log-driver awslogs',
    `--log-opt awslogs-region=${region}`,
    `--log-opt awslogs-group=${fleet.logGroup.logGroupName}`,
    '--log-opt awslogs-stream="$INSTANCE_ID"',
    ...envFlags,
    shellQuote(container.image),
    ...(container.command ?? []).map(shellQuote),
  ].join(' ');
  const ready = container.port
    ? [
        // Quoted: the path is data, never shell syntax (a '/$(reboot)' path must stay a path).
        `URL=${shellQuote(`http://127.0.0.1:${shellPort(container.port, 'container.port')}${healthCheckPath(container.healthCheckPath ?? '/')}`)}`,
        'for i in $(seq 1 120); do curl -fsS -o /dev/null "$URL" && break; sleep 5; done',
        'curl -fsS -o /dev/null "$URL"',
      ]
    : ['sleep 30', '[ "$(docker inspect -f "{{.State.Running}}" app)" = true ]'];
  const ecr = parseEcrImage(container.image);
  return [
    'set -euo pipefail',
    'dnf install -y docker aws-cfn-bootstrap',
    'systemctl enable --now docker',
    ...(ecr ? [`aws ecr get-login-password --region ${ecr.region} | docker login --username AWS --password-stdin ${ecr.registry}`] : []),
    'TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'INSTANCE_ID=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
    run,
    ...ready,
  ];
}
