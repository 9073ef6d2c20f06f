import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Address subscribed to every alarm. @default no subscription */
  readonly email?: string;
}

/**
 * The one place every alarm of a stage goes. Encrypted with a customer managed key
 * because CloudWatch cannot publish to a topic under the AWS managed SNS key.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true, displayName: 'stagekit alarms' });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new actions.SnsAction(this.topic);
  }

  /** Sends both the alarm and its recovery to the topic, so on-call sees when it clears. */
  notify(...alarms: cloudwatch.IAlarm[]): void {
    for (const alarm of alarms) {
      if (alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm) {
        alarm.addAlarmAction(this.action);
        alarm.addOkAction(this.action);
      }
    }
  }
}

/** Where a construct's alarms go: stagekit's `AlarmTopic`, or any SNS topic (yours, imported, or created elsewhere). */
export type AlarmDestination = AlarmTopic | sns.ITopic;

/**
 * Sends each alarm and its recovery to `destination` (nothing when it is undefined). An `sns.ITopic`
 * encrypted with a KMS key must let CloudWatch use that key (`AlarmTopic` does this for its own).
 */
export function notifyAlarms(destination: AlarmDestination | undefined, ...alarms: cloudwatch.IAlarm[]): void {
  if (!destination) return;
  if (destination instanceof AlarmTopic) {
    destination.notify(...alarms);
    return;
  }
  const action = new actions.SnsAction(destination);
  for (const alarm of alarms) {
    if (alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
