import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

export interface SqsWorkQueueProps {
  readonly alarms: AlarmTopic;
  /** How long an unconsumed job is kept (SQS allows up to 14 days). */
  readonly retention: Duration;
  /** Time a worker has to finish a job before it is redelivered. */
  readonly visibilityTimeout: Duration;
  /** Deliveries before a job goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** Age of the oldest queued job that pages (workers are not keeping up). */
  readonly maxJobDelay: Duration;
  /**
   * Encrypt with this customer managed key instead of SQS-managed keys (SSE-SQS). SSE-SQS
   * encrypts at rest with no KMS request charges, which matters at thousands of jobs/s.
   * @default SSE-SQS
   */
  readonly encryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN (queued jobs survive the stack letting go of the queue) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A job queue on SQS: a queue and its dead-letter queue (kept 14 days), both encrypted and
 * refusing anything but TLS, long polling, retained on removal; alarms when the oldest job
 * waits longer than the delay the product tolerates and when any job lands in the DLQ.
 */
export class SqsWorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly oldestJobAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SqsWorkQueueProps) {
    super(scope, id);
    const encryption = props.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: props.retention,
      visibilityTimeout: props.visibilityTimeout,
      receiveMessageWaitTime: Duration.seconds(20),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      removalPolicy,
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
    props.alarms.notify(...this.alarms);
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
    return [
      new cloudwatch.GraphWidget({ title: 'Queued jobs', left: [this.metricBacklog()], right: [this.queue.metricNumberOfMessagesSent({ period: Duration.minutes(1) })], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Oldest job age (s)', left: [this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1) })], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Dead letters', left: [this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) })], width: 8 }),
    ];
  }
}
