import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { APP_ENV } from '../../core/contract';
import { KafkaPipeline } from '../../constructs/aws/kafka-pipeline';
import { SqsWorkQueue } from '../../constructs/aws/sqs-work-queue';
import { WorkerFleet } from '../../constructs/aws/worker-fleet';
import { AppClient, AwsContext } from '../component';
import { drawPanels, WORKERS_PANELS, WorkersPanel } from '../../core/dashboard';

/** The job transport: SQS with a dead-letter queue, or MSK (TLS + IAM). */
export function queueAws(ctx: AwsContext): void {
  const { plan, parts } = ctx;
  const queue = plan.queue!;
  const env = ctx.connections.env;
  const workerEnv = ctx.connections.workerEnv;
  if (queue.technology === 'sqs') {
    const jobQueue = (parts.jobQueue = new SqsWorkQueue(ctx.stack, 'Jobs', {
      alarms: ctx.alarms,
      retention: Duration.hours(queue.retentionHours),
      visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
      maxReceiveCount: queue.maxReceiveCount,
      maxJobDelay: Duration.seconds(queue.maxJobDelaySeconds),
    }));
    Object.assign(env, { [APP_ENV.jobsTransport]: 'sqs', [APP_ENV.jobsQueueUrl]: jobQueue.queue.queueUrl });
    ctx.connections.grants.push((client) => (client.role === 'web' ? jobQueue.grantProduce(client.grantee) : jobQueue.grantConsume(client.grantee)));
    ctx.dashboard.addRow('jobs', 'Jobs (SQS)', ...jobQueue.widgets());
    ctx.dashboard.watch('jobs', jobQueue.alarms);
  } else if (queue.kafka) {
    const kafka = queue.kafka;
    const jobStream = (parts.jobStream = new KafkaPipeline(ctx.stack, 'JobStream', {
      vpc: ctx.network.vpc,
      alarms: ctx.alarms,
      namePrefix: plan.product,
      brokerType: kafka.broker.name,
      brokers: kafka.brokers,
      storageGiBPerBroker: kafka.storageGiBPerBroker,
      topic: kafka.topic,
      partitions: kafka.partitions,
      replicationFactor: kafka.replicationFactor,
      minInSyncReplicas: kafka.minInSyncReplicas,
      retention: Duration.hours(queue.retentionHours),
      consumerGroup: kafka.consumerGroup,
      consumerLagAlarmMessages: kafka.consumerLagAlarmMessages,
      maxTimeLag: Duration.seconds(queue.maxJobDelaySeconds),
      diskUsedAlarmPercent: plan.observability.diskUsedAlarmPercent,
      logRetention: ctx.logRetention,
    }));
    Object.assign(env, {
      [APP_ENV.jobsTransport]: 'kafka',
      [APP_ENV.jobsTopic]: jobStream.topicName,
      [APP_ENV.kafkaAuth]: 'iam',
      [APP_ENV.kafkaSecurityProtocol]: 'SASL_SSL',
      [APP_ENV.kafkaClusterArn]: jobStream.cluster.attrArn,
    });
    workerEnv[APP_ENV.jobsConsumerGroup] = jobStream.consumerGroup;
    ctx.connections.reach.push((client) => jobStream.allowFrom(client.peer, `Kafka from the ${client.description}`));
    ctx.connections.grants.push((client) => (client.role === 'web' ? jobStream.grantProduce(client.grantee) : jobStream.grantConsume(client.grantee)));
    ctx.dashboard.addRow('jobs', `Jobs (Kafka topic ${jobStream.topicName})`, ...jobStream.widgets());
    ctx.dashboard.watch('jobs', jobStream.alarms);
  }
  workerEnv[APP_ENV.jobsMaxDeliveries] = String(queue.maxReceiveCount);
  workerEnv[APP_ENV.jobsVisibilityTimeoutSeconds] = String(queue.visibilityTimeoutSeconds);
}

/** The worker fleet, scaled on backlog per instance (built after the web tier, as it always was). */
export function queuePostAws(ctx: AwsContext): void {
  const { plan, parts } = ctx;
  const queue = plan.queue!;
  const backlog = (): cloudwatch.Metric => (parts.jobQueue ? parts.jobQueue.metricBacklog() : parts.jobStream!.metricLag('SumOffsetLag'));
  const workers = (parts.workers = new WorkerFleet(ctx.stack, 'Workers', {
    vpc: ctx.network.vpc,
    alarms: ctx.alarms,
    instanceType: queue.worker.name,
    minCapacity: queue.minWorkers,
    maxCapacity: queue.maxWorkers,
    // PORT as on Kubernetes, where the worker serves its health checks there; nothing connects to it on AWS.
    container: { image: plan.app.image, environment: { ...ctx.connections.env, ...ctx.connections.workerEnv, [APP_ENV.role]: 'worker', [APP_ENV.port]: String(plan.app.port) } },
    backlog: backlog(),
    backlogPerWorker: queue.backlogPerWorker,
    eventsTopic: ctx.observability.eventsTopic(),
  }));
  const client: AppClient = { role: 'worker', peer: workers.fleet.autoScalingGroup, grantee: workers.fleet.role, description: 'workers' };
  for (const connect of [...ctx.connections.reach, ...ctx.connections.grants]) connect(client);
  ctx.dashboard.addRow(
    'workers',
    'Workers',
    ...drawPanels<WorkersPanel, cloudwatch.IWidget>(WORKERS_PANELS, {
      backlogPerWorker: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [workers.metricBacklogPerWorker(backlog())], width }),
      inService: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [workers.fleet.metricInService()], width }),
    }),
  );
  ctx.dashboard.watch('workers', workers.fleet.alarms);
}
