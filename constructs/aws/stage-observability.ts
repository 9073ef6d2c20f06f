import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
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
  private fleetEvents?: sns.Topic;

  constructor(scope: Construct, id: string, props: StageObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { email: props.alarmEmail });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
  }

  /**
   * The topic Auto Scaling groups send their launch and terminate notifications to: an
   * audit trail to subscribe chat or ticketing to, kept apart from the paging alarm topic.
   * Created on first use. Encrypted with the AWS managed SNS key, which Auto Scaling's
   * service-linked role (a principal of this account) may use.
   */
  eventsTopic(): sns.ITopic {
    if (!this.fleetEvents) {
      this.fleetEvents = new sns.Topic(this, 'FleetEvents', {
        displayName: 'stagekit fleet events',
        masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
        enforceSSL: true,
      });
    }
    return this.fleetEvents;
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
