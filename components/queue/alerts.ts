import { Plan } from '../../core/plan';
import { AlertRule, RuleGroup } from '../../constructs/k8s/monitoring';
import { deadLetterTopic, K8S_NAMES } from '../names';

/** Job pipeline alerts (Strimzi Kafka Exporter, kube-state-metrics): lag, delay, dead letters, ISR, workers at the ceiling. */
export function queueRuleGroups(plan: Plan): RuleGroup[] {
  const ns = plan.product;
  const queue = plan.queue!;
  const kafka = queue.selfHostedKafka;
  const group = `namespace="${ns}",consumergroup="${kafka.consumerGroup}",topic="${kafka.topic}"`;
  const dlq = deadLetterTopic(kafka.topic);
  const rules: AlertRule[] = [
    {
      alert: 'JobsConsumerLagHigh',
      expr: `sum(kafka_consumergroup_lag{${group}}) > ${kafka.consumerLagAlarmMessages}`,
      for: '5m',
      severity: 'critical',
      summary: `Consumer group ${kafka.consumerGroup} is more than ${kafka.consumerLagAlarmMessages} jobs behind on ${kafka.topic}`,
      description: `${queue.maxJobDelaySeconds} s of peak traffic is queued and not consumed: workers are not keeping up (or are failing).`,
    },
    {
      // The SQS "age of oldest message" alarm's counterpart: lag over the consumption rate is the time the backlog needs to drain.
      alert: 'JobsDelayHigh',
      expr: `sum(kafka_consumergroup_lag{${group}}) / clamp_min(sum(rate(kafka_consumergroup_current_offset{${group}}[5m])), 0.001) > ${queue.maxJobDelaySeconds}`,
      for: '5m',
      severity: 'critical',
      summary: `Queued jobs wait longer than ${queue.maxJobDelaySeconds} s`,
      description: `At the current consumption rate the backlog takes more than the ${queue.maxJobDelaySeconds} s job delay objective to drain (stalled consumers count as infinite).`,
    },
    {
      alert: 'JobsDeadLettered',
      expr: `sum(increase(kafka_topic_partition_current_offset{namespace="${ns}",topic="${dlq}"}[5m])) > 0`,
      for: '0m',
      severity: 'warning',
      summary: `Jobs went to the dead-letter topic ${dlq}`,
      description: `A job failed ${queue.maxReceiveCount} times and was published to ${dlq}. Inspect it, fix the cause, then replay it to ${kafka.topic}.`,
    },
    {
      alert: 'KafkaPartitionsUnderMinIsr',
      expr: `min by (topic, partition) (kafka_topic_partition_in_sync_replica{namespace="${ns}",topic=~"${kafka.topic}|${dlq}"}) < ${kafka.minInSyncReplicas}`,
      for: '5m',
      severity: 'critical',
      summary: 'Partition {{ $labels.topic }}/{{ $labels.partition }} has fewer in-sync replicas than min.insync.replicas',
      description: 'Producers with acks=all are refused on this partition.',
    },
    {
      alert: 'KafkaUnderReplicatedPartitions',
      expr: `sum(kafka_topic_partition_under_replicated_partition{namespace="${ns}"}) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Kafka has under-replicated partitions',
      description: 'A broker is down or cannot keep up with replication.',
    },
    {
      alert: 'WorkersAtMaximum',
      expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="${ns}",horizontalpodautoscaler="keda-hpa-${K8S_NAMES.worker}"} >= ${queue.maxWorkers}`,
      for: '30m',
      severity: 'warning',
      summary: `Workers at the ${queue.maxWorkers}-pod ceiling for 30 minutes`,
      description: 'The autoscaler cannot add workers; the backlog grows if traffic stays.',
    },
  ];
  return [{ name: `${plan.product}.queue`, rules }];
}
