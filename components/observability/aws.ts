import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SloAlarms } from '../../constructs/aws/slo-alarms';
import { StageObservability } from '../../constructs/aws/stage-observability';
import { AwsContext } from '../component';
import { STAGE_ALARMS_PANEL } from '../../core/dashboard';

/** An alarm-status widget shows at most 100 alarms. */
const ALARMS_PER_WIDGET = 100;

/**
 * The SLO's burn-rate pair and p99 alarm on the load balancer, and the stage's alarm-status row
 * over every alarm the components watched. Runs last, when every alarm exists.
 */
export function observabilityPostAws(ctx: AwsContext): void {
  const { plan, parts } = ctx;
  if (!parts.web) return;
  const objectives = plan.observability;
  const slo = (parts.slo = new SloAlarms(ctx.stack, 'Slo', {
    loadBalancer: parts.web.loadBalancer,
    alarms: ctx.alarms,
    availabilityPercent: objectives.availabilityPercent,
    burnRates: objectives.burnRates.map((window) => ({
      name: window.name,
      longWindow: Duration.minutes(window.longWindowMinutes),
      shortWindow: Duration.minutes(window.shortWindowMinutes),
      errorRatioThreshold: window.errorRatioThreshold,
      burnRate: window.burnRate,
    })),
    p99Latency: Duration.millis(objectives.p99LatencyMs),
  }));
  ctx.dashboard.addRow('service-level', `Service level: ${objectives.availabilityPercent}% availability, p99 under ${objectives.p99LatencyMs} ms`, ...slo.widgets());
  ctx.dashboard.watch('service-level', [...slo.burnRateAlarms, slo.latencyAlarm]);

  const alarms = ctx.dashboard.alarms();
  const widgets: cloudwatch.IWidget[] = [];
  for (let first = 0; first < alarms.length; first += ALARMS_PER_WIDGET) {
    widgets.push(StageObservability.alarmStatus(first ? `${STAGE_ALARMS_PANEL.title} (${first + 1}-)` : STAGE_ALARMS_PANEL.title, alarms.slice(first, first + ALARMS_PER_WIDGET)));
  }
  ctx.dashboard.addRow('alarms', 'Alarms', ...widgets);
  ctx.dashboard.addOutput('alarms', 'AlarmTopicArn', { description: 'Every alarm of this stage notifies this topic', value: ctx.alarms.topic.topicArn });
}
