import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

export interface StageObservabilityProps {
  /** Dashboard name, e.g. "<product>-<stage>". */
  readonly dashboardName: string;
  /** Alarm e-mail. @default no subscription */
  readonly alarmEmail?: string;
}

/**
 * One alarm topic and one dashboard per stage. Building blocks add their widgets in rows
 * and route their alarms through `alarmTopic.notify`, so nothing pages nowhere.
 */
export class StageObservability extends Construct {
  readonly alarmTopic: AlarmTopic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: StageObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { email: props.alarmEmail });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
  }

  /** Adds one dashboard row: a title and its widgets. */
  addRow(title: string, ...widgets: cloudwatch.IWidget[]): void {
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `### ${title}`, width: 24, height: 1 }));
    if (widgets.length) this.dashboard.addWidgets(...widgets);
  }

  /** An alarm status widget over the given alarms. */
  static alarmStatus(title: string, alarms: cloudwatch.IAlarm[]): cloudwatch.AlarmStatusWidget {
    return new cloudwatch.AlarmStatusWidget({ title, alarms, width: 24, height: Math.max(2, Math.ceil(alarms.length / 4) + 1) });
  }
}
