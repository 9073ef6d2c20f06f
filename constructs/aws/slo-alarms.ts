import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { round } from '../../core/units';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { drawPanels, SERVICE_LEVEL_PANELS, ServiceLevelPanel } from '../../core/dashboard';

/** One multi-window burn-rate alert (Google SRE workbook, chapter 5). */
export interface BurnRateAlert {
  /** Short name used in construct IDs and descriptions, e.g. `fast`. */
  readonly name: string;
  /** The long window, e.g. 1 hour. */
  readonly longWindow: Duration;
  /** The short window that makes the alert reset quickly, e.g. 5 minutes (1/12 of the long one). */
  readonly shortWindow: Duration;
  /** Error ratio (errors / requests) over both windows that pages: burn rate x error budget. */
  readonly errorRatioThreshold: number;
  /** The burn rate the threshold stands for, for the description. @default not described */
  readonly burnRate?: number;
}

export interface SloAlarmsProps {
  /** The load balancer whose requests the SLO counts (its 5xx and target response times). Required: it is what users reach. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** The availability objective, percent, for descriptions. */
  readonly availabilityPercent: number;
  /** Burn-rate alerts, usually a fast (1 h / 5 min at 14.4x) and a slow (6 h / 30 min at 6x) one. */
  readonly burnRates: readonly BurnRateAlert[];
  /** p99 target response time that pages when exceeded for `latencyEvaluationPeriods` x 5 minutes. */
  readonly p99Latency: Duration;
  /** @default 3 (15 minutes) */
  readonly latencyEvaluationPeriods?: number;
  /**
   * Fewest requests in a window for its error ratio to count; below it the ratio reads 0, so
   * two failed requests at 4 a.m. do not page anyone.
   * @default 10
   */
  readonly minimumRequests?: number;
}

/**
 * Availability SLO alerting on an Application Load Balancer: for each burn-rate alert, an
 * error-ratio alarm over the long window and one over the short window (these two carry no
 * actions of their own) joined by a composite alarm that pages only when both are in alarm;
 * plus a p99 latency alarm. Errors are the load balancer's and the targets' 5xx responses.
 */
export class SloAlarms extends Construct {
  /** The paging alarms: one composite per burn-rate alert. */
  readonly burnRateAlarms: cloudwatch.CompositeAlarm[] = [];
  /** The window alarms that feed the composites (no actions: they page through the composite). */
  readonly windowAlarms: cloudwatch.Alarm[] = [];
  readonly latencyAlarm: cloudwatch.Alarm;
  private readonly metrics: elbv2.IApplicationLoadBalancerMetrics;
  private readonly minimumRequests: number;

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    this.metrics = props.loadBalancer.metrics;
    this.minimumRequests = props.minimumRequests ?? 10;

    for (const alert of props.burnRates) {
      const label = alert.name.charAt(0).toUpperCase() + alert.name.slice(1);
      const rate = alert.burnRate ? ` (${alert.burnRate}x the sustainable rate)` : '';
      const windowAlarm = (which: 'Long' | 'Short', window: Duration) =>
        new cloudwatch.Alarm(this, `${label}Burn${which}Window`, {
          alarmDescription:
            `SLO ${props.availabilityPercent}%: 5xx ratio over ${describe(window)} above ${alert.errorRatioThreshold}${rate}. ` +
            `Input to the ${alert.name}-burn composite alarm, which pages; this alarm has no actions.`,
          metric: this.errorRatio(window),
          threshold: alert.errorRatioThreshold,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      const long = windowAlarm('Long', alert.longWindow);
      const short = windowAlarm('Short', alert.shortWindow);
      this.windowAlarms.push(long, short);
      const composite = new cloudwatch.CompositeAlarm(this, `${label}Burn`, {
        alarmDescription:
          `SLO ${props.availabilityPercent}%: the error budget burns${rate} over both ${describe(alert.longWindow)} and ${describe(alert.shortWindow)}. ` +
          `At this rate the 30-day budget lasts ${alert.burnRate ? `${round(30 / alert.burnRate, 1)} days` : 'less than the month'}.`,
        alarmRule: cloudwatch.AlarmRule.allOf(
          cloudwatch.AlarmRule.fromAlarm(long, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(short, cloudwatch.AlarmState.ALARM),
        ),
      });
      this.burnRateAlarms.push(composite);
      notifyAlarms(props.alarms, composite);
    }

    const seconds = props.p99Latency.toMilliseconds() / 1000;
    const periods = props.latencyEvaluationPeriods ?? 3;
    this.latencyAlarm = new cloudwatch.Alarm(this, 'P99Latency', {
      alarmDescription: `p99 target response time at or above ${seconds * 1000} ms for ${periods * 5} minutes (the latency objective).`,
      metric: this.metrics.targetResponseTime({ statistic: 'p99', period: Duration.minutes(5) }),
      threshold: seconds,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyAlarms(props.alarms, this.latencyAlarm);
  }

  /** Share of requests answered with a 5xx (by the load balancer or a target) over `window`. */
  errorRatio(window: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(requests >= ${this.minimumRequests}, (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)`,
      usingMetrics: {
        requests: this.metrics.requestCount({ statistic: 'Sum', period: window }),
        elb5xx: this.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: window }),
        target5xx: this.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: window }),
      },
      label: `5xx ratio (${describe(window)})`,
      period: window,
    });
  }

  /** Dashboard widgets: the error ratio against the thresholds, and the paging alarms. */
  widgets(): cloudwatch.IWidget[] {
    return drawPanels<ServiceLevelPanel, cloudwatch.IWidget>(SERVICE_LEVEL_PANELS, {
      errorRatio: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.errorRatio(Duration.minutes(5))], width }),
      sloAlarms: ({ title, width }) => new cloudwatch.AlarmStatusWidget({ title, alarms: [...this.burnRateAlarms, this.latencyAlarm], width, height: 4 }),
    });
  }
}

function describe(duration: Duration): string {
  const minutes = duration.toMinutes();
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

