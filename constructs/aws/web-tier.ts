import { Annotations, Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import { InstanceFleet } from './instance-fleet';
import { acknowledge } from './nag';
import { eitherExistingOrProps } from './props';
import { drawPanels, WEB_PANELS, WebPanel } from '../../core/dashboard';

/** The ID of the synth-time warning a web tier without a certificate raises. */
export const HTTP_ONLY_WARNING_ID = 'stagekit:web-tier:http-only';

export interface WebTierProps {
  /** Your VPC (any layout with public and private subnets), or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** Application container image; it must serve HTTP on `port`. */
  readonly image: string;
  /** Port the app container serves HTTP on (the load balancer forwards to it). */
  readonly port: number;
  /** Path the load balancer and the boot-time readiness check probe. @default '/' */
  readonly healthCheckPath?: string;
  /** App server instance type, e.g. `m7g.large`. */
  readonly instanceType: string;
  /** Autoscaling floor: servers that carry peak load with one zone lost. */
  readonly minCapacity: number;
  /** Autoscaling ceiling. */
  readonly maxCapacity: number;
  /** Average CPU the target tracking policy holds the group at. @default 60 */
  readonly targetCpuPercent?: number;
  /**
   * ACM certificate for HTTPS. With one, the tier serves HTTPS on 443 and redirects 80 to
   * it; without one it serves plain HTTP on 80 and synth raises a warning
   * (`stagekit:web-tier:http-only`) so nobody ships that by accident.
   * @default no certificate (HTTP only, with a warning)
   */
  readonly certificateArn?: string;
  /**
   * Serve plain HTTP without the `stagekit:web-tier:http-only` warning, for a tier behind a
   * TLS-terminating CDN or a test environment. Ignored when `certificateArn` is given.
   * @default false (warn, so plain HTTP is always a decision)
   */
  readonly allowHttp?: boolean;
  /**
   * TLS policy of the HTTPS listener.
   * @default the CDK default (TLS 1.2+ with post-quantum key exchange under the feature flag in cdk.json)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /** Extra environment for the app container (endpoints, ARNs). @default none */
  readonly environment?: Record<string, string>;
  /** Topic for the group's scaling notifications. @default none */
  readonly eventsTopic?: sns.ITopic;
  /**
   * Bucket for the load balancer's access logs (SSE-S3: ALB cannot write with SSE-KMS).
   * @default a new encrypted, private, TLS-only bucket that keeps logs `accessLogRetentionDays`
   */
  readonly accessLogBucket?: s3.IBucket;
  /** Days the access logs are kept in the bucket WebTier creates (bounded, so the bucket never grows without limit). @default 90 */
  readonly accessLogRetentionDays?: number;
  /**
   * Deletion protection on the load balancer (its DNS name is what customers' DNS points at).
   * stagekit's web component turns it on; turn it off before removing the tier.
   * @default false (the load balancer holds no data)
   */
  readonly deletionProtection?: boolean;
  /** @default 30 seconds (the ALB default of 300 s slows every rolling update) */
  readonly deregistrationDelay?: Duration;
  /**
   * An existing Application Load Balancer to put the tier behind (WebTier adds its listener, access
   * logs and alarm to it). Give this or `loadBalancerProps`, not both.
   * @default a new internet-facing ALB in the public subnets that drops invalid headers
   */
  readonly existingLoadBalancerObj?: elbv2.ApplicationLoadBalancer;
  /**
   * Settings for the load balancer WebTier creates, merged over its defaults (internet-facing, public
   * subnets, invalid header fields dropped, HTTP/2); the VPC is always `vpc`. Give this or
   * `existingLoadBalancerObj`, not both.
   * @default the defaults above
   */
  readonly loadBalancerProps?: Partial<elbv2.ApplicationLoadBalancerProps>;
  /**
   * An existing target group the fleet registers with (WebTier adds the fleet as its target and
   * forwards its listener to it). Give this or `targetGroupProps`, not both.
   * @default a new target group on `port` with a health check on `healthCheckPath`
   */
  readonly existingTargetGroupObj?: elbv2.ApplicationTargetGroup;
  /**
   * Settings for the target group WebTier creates, merged over its defaults (health check every 15 s on
   * `healthCheckPath`, `deregistrationDelay`); VPC, port, protocol and targets are always wired by WebTier.
   * Give this or `existingTargetGroupObj`, not both.
   * @default the defaults above
   */
  readonly targetGroupProps?: Partial<elbv2.ApplicationTargetGroupProps>;
  /**
   * An existing security group for the app servers; WebTier still lets the load balancer reach the app port.
   * Give this or `securityGroupProps`, not both.
   * @default a new group: ingress from the load balancer only, all egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** Settings for the app servers' security group WebTier creates. Give this or `securityGroup`, not both. @default see `securityGroup` */
  readonly securityGroupProps?: Partial<ec2.SecurityGroupProps>;
  /** An existing log group for the app containers' output. Give this or `logGroupProps`, not both. @default a new group kept one month */
  readonly logGroup?: logs.ILogGroup;
  /** Settings for the app log group WebTier creates. Give this or `logGroup`, not both. @default retention one month */
  readonly logGroupProps?: logs.LogGroupProps;
}

/**
 * The stateless web tier: an internet-facing Application Load Balancer (access logs,
 * invalid headers dropped, HTTPS when a certificate is given) in front of an
 * `InstanceFleet` in the private subnets of every zone, scaled by target tracking on CPU
 * and replaced when it fails the load balancer's health check. Only the load balancer may
 * reach the app port.
 */
export class WebTier extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly fleet: InstanceFleet;
  readonly accessLogBucket: s3.IBucket;
  readonly listener: elbv2.ApplicationListener;
  /** Whether the tier serves HTTPS. */
  readonly https: boolean;
  /** Targets failing the health check for 10 minutes (the group should have replaced them). */
  readonly unhealthyHostsAlarm: cloudwatch.Alarm;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id);
    const healthCheckPath = props.healthCheckPath ?? '/';
    this.https = Boolean(props.certificateArn);
    eitherExistingOrProps('WebTier', 'existingLoadBalancerObj', props.existingLoadBalancerObj, 'loadBalancerProps', props.loadBalancerProps);
    eitherExistingOrProps('WebTier', 'existingTargetGroupObj', props.existingTargetGroupObj, 'targetGroupProps', props.targetGroupProps);

    this.fleet = new InstanceFleet(this, 'Fleet', {
      vpc: props.vpc,
      instanceType: props.instanceType,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      container: { image: props.image, port: props.port, healthCheckPath, environment: props.environment },
      alarms: props.alarms,
      eventsTopic: props.eventsTopic,
      elbHealthCheck: true,
      description: 'Web tier',
      securityGroup: props.securityGroup,
      securityGroupProps: props.securityGroupProps,
      logGroup: props.logGroup,
      logGroupProps: props.logGroupProps,
    });
    // What the cost engine prices these for: one request log line per request, the web fleet.
    Tags.of(this.fleet.logGroup).add(ROLE_TAG, RESOURCE_ROLES.requestLogs);
    Tags.of(this.fleet.autoScalingGroup).add(ROLE_TAG, RESOURCE_ROLES.webFleet);
    this.fleet.autoScalingGroup.scaleOnCpuUtilization('CpuTarget', {
      targetUtilizationPercent: props.targetCpuPercent ?? 60,
    });

    this.loadBalancer =
      props.existingLoadBalancerObj ??
      new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
        internetFacing: true,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        dropInvalidHeaderFields: true,
        deletionProtection: props.deletionProtection ?? false,
        http2Enabled: true,
        ...props.loadBalancerProps,
        vpc: props.vpc,
      });

    this.accessLogBucket =
      props.accessLogBucket ??
      new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
    if (!props.accessLogBucket) {
      Tags.of(this.accessLogBucket).add(ROLE_TAG, RESOURCE_ROLES.accessLogs);
      acknowledge(
        this.accessLogBucket,
        'AwsSolutions-S1',
        'This bucket is itself the load balancer access-log sink; logging its own reads to a second bucket would need a third for that one. Access is private, TLS-only and limited to the ELB log delivery principal.',
      );
    }
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    if (props.existingTargetGroupObj) {
      this.targetGroup = props.existingTargetGroupObj;
      this.targetGroup.addTarget(this.fleet.autoScalingGroup);
    } else {
      this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
        deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
        healthCheck: {
          path: healthCheckPath,
          healthyHttpCodes: '200-399',
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
        ...props.targetGroupProps,
        // The wiring that makes the tier work, applied last.
        vpc: props.vpc,
        port: props.port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.INSTANCE,
        targets: [this.fleet.autoScalingGroup],
      });
    }

    if (props.certificateArn) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        sslPolicy: props.sslPolicy,
        defaultTargetGroups: [this.targetGroup],
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS });
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultTargetGroups: [this.targetGroup],
      });
      if (!props.allowHttp) {
        Annotations.of(this).addWarningV2(
          HTTP_ONLY_WARNING_ID,
          'The web tier serves plain HTTP because no certificate was given. Give an ACM certificate ARN to serve HTTPS and redirect HTTP to it (stagekit: --cdk-context certificateArn=arn:aws:acm:...; cdk: -c certificateArn=...; WebTier: certificateArn), or acknowledge plain HTTP (stagekit: --allow-http; cdk: -c allowHttp=true; WebTier: allowHttp: true).',
        );
      }
    }
    acknowledge(
      this.loadBalancer,
      'AwsSolutions-EC23',
      'The internet-facing load balancer must accept its listener port from any address; it forwards only to the app port of the web fleet, which accepts traffic from this load balancer alone.',
    );

    this.unhealthyHostsAlarm = new cloudwatch.Alarm(this, 'UnhealthyHosts', {
      alarmDescription: `Web tier: targets failing the ${healthCheckPath} health check for 10 minutes; the group should have replaced them, so look at the app logs.`,
      metric: this.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 10,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(...this.fleet.alarms, this.unhealthyHostsAlarm);
    notifyAlarms(props.alarms, this.unhealthyHostsAlarm);
  }

  /** Dashboard widgets: requests and errors, latency, fleet size and CPU. */
  widgets(): cloudwatch.IWidget[] {
    const metrics = this.loadBalancer.metrics;
    return drawPanels<WebPanel, cloudwatch.IWidget>(WEB_PANELS, {
      requests: ({ title, width }) =>
        new cloudwatch.GraphWidget({
          title,
          left: [metrics.requestCount({ period: Duration.minutes(1) })],
          right: [
            metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1) }),
            metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
          ],
          width,
        }),
      responseTime: ({ title, width }) =>
        new cloudwatch.GraphWidget({
          title,
          left: ['p50', 'p90', 'p99'].map((statistic) => metrics.targetResponseTime({ statistic, period: Duration.minutes(1) })),
          width,
        }),
      fleet: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.fleet.metricInService()], right: [this.fleet.metricCpu()], width }),
    });
  }
}
