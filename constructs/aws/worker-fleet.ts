import { Duration, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmDestination } from './alarm-topic';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import { FleetContainer, InstanceFleet, InstanceFleetProps } from './instance-fleet';

/**
 * The fleet's sub-resources, passed to its `InstanceFleet`: subnets, security group and log group, each
 * given (`securityGroup`, `logGroup`) or configured (`securityGroupProps`, `logGroupProps`), not both.
 */
export type WorkerFleetResources = Pick<InstanceFleetProps, 'vpcSubnets' | 'securityGroup' | 'securityGroupProps' | 'logGroup' | 'logGroupProps' | 'logRetention'>;

export interface WorkerFleetProps extends WorkerFleetResources {
  /** Your VPC (any layout with private subnets), or stagekit's `Network`. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** Worker instance type, e.g. `m7g.large`. */
  readonly instanceType: string;
  /** Workers kept running even with no backlog. */
  readonly minCapacity: number;
  /** Autoscaling ceiling. */
  readonly maxCapacity: number;
  /** The worker container (no port: workers pull jobs, nothing connects to them). */
  readonly container: FleetContainer;
  /**
   * Work waiting, as one plain CloudWatch metric: visible SQS messages, or a Kafka consumer
   * group's summed offset lag. Its statistic is used as given (Sum for SQS, Maximum for MSK lag).
   */
  readonly backlog: cloudwatch.Metric;
  /** Backlog per in-service worker the group is scaled to hold (the acceptable backlog per instance). */
  readonly backlogPerWorker: number;
  /** Topic for the group's scaling notifications. @default none */
  readonly eventsTopic?: sns.ITopic;
}

/**
 * Background workers scaled on backlog per instance: a target tracking policy on the metric
 * math `backlog / GroupInServiceInstances`, the pattern AWS documents for scaling on an SQS
 * queue (it applies equally to Kafka consumer lag). The group grows when work piles up
 * faster than the current workers drain it, and shrinks when it does not.
 */
export class WorkerFleet extends Construct {
  readonly fleet: InstanceFleet;
  readonly scalingPolicy: autoscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: WorkerFleetProps) {
    super(scope, id);
    this.fleet = new InstanceFleet(this, 'Fleet', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup: props.securityGroup,
      securityGroupProps: props.securityGroupProps,
      logGroup: props.logGroup,
      logGroupProps: props.logGroupProps,
      logRetention: props.logRetention,
      instanceType: props.instanceType,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      container: props.container,
      alarms: props.alarms,
      eventsTopic: props.eventsTopic,
      description: 'Workers',
    });
    // What the cost engine prices these for: a few log lines per job, the worker fleet.
    Tags.of(this.fleet.logGroup).add(ROLE_TAG, RESOURCE_ROLES.jobLogs);
    Tags.of(this.fleet.autoScalingGroup).add(ROLE_TAG, RESOURCE_ROLES.workerFleet);

    const backlog = props.backlog.toMetricConfig().metricStat;
    if (!backlog) throw new Error('WorkerFleet: backlog must be a plain metric');
    this.scalingPolicy = new autoscaling.CfnScalingPolicy(this, 'BacklogPerWorker', {
      autoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: 180,
      targetTrackingConfiguration: {
        targetValue: props.backlogPerWorker,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'backlog',
              label: 'Work waiting',
              metricStat: {
                metric: {
                  namespace: backlog.namespace,
                  metricName: backlog.metricName,
                  dimensions: backlog.dimensions?.map((d) => ({ name: d.name, value: d.value })),
                },
                stat: backlog.statistic,
              },
              returnData: false,
            },
            {
              id: 'workers',
              label: 'Workers in service',
              metricStat: {
                metric: {
                  namespace: 'AWS/AutoScaling',
                  metricName: 'GroupInServiceInstances',
                  dimensions: [{ name: 'AutoScalingGroupName', value: this.fleet.autoScalingGroup.autoScalingGroupName }],
                },
                stat: 'Average',
              },
              returnData: false,
            },
            { id: 'backlogPerWorker', label: 'Backlog per worker', expression: 'backlog / workers', returnData: true },
          ],
        },
      },
    });
  }

  /** The scaling signal, for dashboards. */
  metricBacklogPerWorker(backlog: cloudwatch.IMetric): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'backlog / workers',
      usingMetrics: { backlog, workers: this.fleet.metricInService() },
      label: 'Backlog per worker',
      period: Duration.minutes(1),
    });
  }
}
