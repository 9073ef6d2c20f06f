import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmDestination, notifyAlarms } from './alarm-topic';
import { checkProp, eitherExistingOrProps, isWhole } from './props';
import { drawPanels, QUEUE_PANELS, QueuePanel } from '../../core/dashboard';

export interface SqsWorkQueueProps {
  /**
   * Where the alarms go: stagekit's `AlarmTopic`, any SNS topic of yours (`sns.ITopic`: the alarm and its
   * recovery are both published to it), or nothing (the alarms are still created and exposed as properties,
   * for you to wire with `notifyAlarms`).
   * @default no alarm actions
   */
  readonly alarms?: AlarmDestination;
  /** How long an unconsumed job is kept (SQS allows up to 14 days). @default Duration.days(4) (the SQS default) */
  readonly retention?: Duration;
  /**
   * Time a worker has to finish a job before it is redelivered.
   * @default Duration.minutes(5) (long enough for most jobs; a job that outlives it runs twice, so keep jobs idempotent)
   */
  readonly visibilityTimeout?: Duration;
  /** Deliveries before a job goes to the dead-letter queue (a poison job cannot block workers forever). @default 5 */
  readonly maxReceiveCount?: number;
  /** Age of the oldest queued job that pages (workers are not keeping up). @default Duration.minutes(5) */
  readonly maxJobDelay?: Duration;
  /**
   * Settings for the job queue, merged over the defaults. The dead-letter queue, encryption and TLS-only
   * policy are applied after them and always win.
   * @default none
   */
  readonly queueProps?: sqs.QueueProps;
  /**
   * Settings for the dead-letter queue, merged over the defaults (14 days' retention); encryption and
   * TLS-only always apply.
   * @default none
   */
  readonly deadLetterQueueProps?: sqs.QueueProps;
  /**
   * Encrypt with this customer managed key instead of SQS-managed keys (SSE-SQS). SSE-SQS
   * encrypts at rest with no KMS request charges, which matters at thousands of jobs/s.
   * @default SSE-SQS
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Encrypt with a new customer managed key made from these settings, merged over its defaults
   * (yearly rotation, retained on removal). Give this or `encryptionKey`, not both.
   * @default no new key (SSE-SQS, or `encryptionKey`)
   */
  readonly encryptionKeyProps?: kms.KeyProps;
  /** What happens to both queues when the stack lets go of them. @default RemovalPolicy.RETAIN (queued jobs survive the stack letting go of the queue) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A job queue on SQS: a queue and its dead-letter queue (kept 14 days), both encrypted and
 * refusing anything but TLS, long polling, retained on removal; alarms when the oldest job
 * waits longer than the delay the product tolerates and when any job lands in the DLQ.
 */
export class SqsWorkQueue extends Construct {
  /** The key both queues are encrypted with, when one was given or created (undefined under SSE-SQS). */
  readonly encryptionKey?: kms.IKey;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly oldestJobAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, userProps: SqsWorkQueueProps = {}) {
    super(scope, id);
    const props = {
      ...userProps,
      retention: userProps.retention ?? Duration.days(4),
      visibilityTimeout: userProps.visibilityTimeout ?? Duration.minutes(5),
      maxJobDelay: userProps.maxJobDelay ?? Duration.minutes(5),
    };
    const construct = 'SqsWorkQueue';
    checkProp(construct, 'retention', props.retention.toSeconds() >= 60 && props.retention.toSeconds() <= 14 * 86400, 'a duration from 1 minute to 14 days', props.retention.toHumanString());
    checkProp(construct, 'visibilityTimeout', props.visibilityTimeout.toSeconds() <= 12 * 3600, 'a duration up to 12 hours', props.visibilityTimeout.toHumanString());
    checkProp(construct, 'maxJobDelay', props.maxJobDelay.toSeconds() >= 60, 'a duration of at least 1 minute', props.maxJobDelay.toHumanString());
    if (props.maxReceiveCount !== undefined) checkProp(construct, 'maxReceiveCount', isWhole(props.maxReceiveCount, 1, 1000), 'a whole number from 1 to 1000', props.maxReceiveCount);
    if (props.queueProps?.encryption !== undefined || props.deadLetterQueueProps?.encryption !== undefined) {
      throw new Error(`${construct}: set encryption with encryptionKey (a KMS key) or leave SSE-SQS; queueProps.encryption and deadLetterQueueProps.encryption are not used`);
    }
    eitherExistingOrProps(construct, 'encryptionKey', props.encryptionKey, 'encryptionKeyProps', props.encryptionKeyProps);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      (props.encryptionKeyProps
        ? new kms.Key(this, 'Key', { description: 'Encrypts the job queue and its dead-letter queue', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN, ...props.encryptionKeyProps })
        : undefined);
    const encryption = this.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      removalPolicy,
      ...props.deadLetterQueueProps,
      ...encryption,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: props.retention,
      visibilityTimeout: props.visibilityTimeout,
      receiveMessageWaitTime: Duration.seconds(20),
      removalPolicy,
      ...props.queueProps,
      ...encryption,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    const delay = props.maxJobDelay.toSeconds();
    this.oldestJobAlarm = new cloudwatch.Alarm(this, 'OldestJobAge', {
      alarmDescription: `Jobs: the oldest queued job has waited more than ${delay} s for 3 minutes; workers are not keeping up (or are failing and retrying).`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: delay,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterJobs', {
      alarmDescription: `Jobs: a job failed ${props.maxReceiveCount ?? 5} times and is in the dead-letter queue. Inspect it, fix the cause, then redrive it.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [this.oldestJobAlarm, this.deadLetterAlarm];
    notifyAlarms(props.alarms, ...this.alarms);
  }

  /** Jobs waiting to be picked up: the backlog workers scale on. */
  metricBacklog(): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Sum', period: Duration.minutes(1) });
  }

  grantProduce(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  grantConsume(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantConsumeMessages(grantee);
  }

  widgets(): cloudwatch.IWidget[] {
    return drawPanels<QueuePanel, cloudwatch.IWidget>(QUEUE_PANELS, {
      queued: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.metricBacklog()], right: [this.queue.metricNumberOfMessagesSent({ period: Duration.minutes(1) })], width }),
      oldestAge: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1) })], width }),
      deadLetters: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) })], width }),
    });
  }
}
