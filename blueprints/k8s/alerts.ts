import { Plan } from '../../core/plan';
import { AlertRule, RecordingRule, RuleGroup } from '../../constructs/k8s/monitoring';
import { deadLetterTopic, K8S_NAMES } from './names';

/**
 * The alerts of a stage, as Prometheus rules: the same failures the AWS rendering's
 * CloudWatch alarms watch, with the plan's thresholds.
 *
 * Sources: ingress-nginx request metrics (the load balancer's view, as ALB metrics are on AWS),
 * kubelet volume stats and cAdvisor CPU, kube-state-metrics, the CloudNativePG exporter,
 * redis_exporter and the Strimzi Kafka Exporter.
 */
export function stageRuleGroups(plan: Plan): RuleGroup[] {
  const groups: RuleGroup[] = [sloRecording(plan), slo(plan), capacity(plan)];
  if (plan.database) groups.push(database(plan));
  if (plan.cache) groups.push(cache(plan));
  if (plan.queue) groups.push(queue(plan));
  return groups;
}

/** Window name as a recording-rule suffix: 5m, 30m, 1h, 6h. */
export function windowName(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

export const errorRatioRecord = (minutes: number) => `stagekit:ingress_error_ratio:rate${windowName(minutes)}`;

/**
 * ingress-nginx labels a request with the Ingress's namespace as `namespace`; Prometheus keeps it
 * as `exported_namespace` when the scrape target's own `namespace` label wins (honorLabels off,
 * the default). Either form is matched.
 */
function ingressSum(plan: Plan, metric: string, extra: string, window: string, by = ''): string {
  const sel = (nsLabel: string) => `${metric}{${nsLabel}="${plan.product}",ingress="${K8S_NAMES.web}"${extra}}`;
  const agg = by ? `sum by (${by})` : 'sum';
  return `(${agg} (rate(${sel('exported_namespace')}[${window}])) or ${agg} (rate(${sel('namespace')}[${window}])))`;
}

function sloRecording(plan: Plan): RuleGroup {
  const windows = [...new Set(plan.observability.burnRates.flatMap((b) => [b.shortWindowMinutes, b.longWindowMinutes]))].sort((a, b) => a - b);
  const rules: RecordingRule[] = windows.map((minutes) => {
    const w = windowName(minutes);
    const errors = ingressSum(plan, 'nginx_ingress_controller_requests', ',status=~"5.."', w);
    const all = ingressSum(plan, 'nginx_ingress_controller_requests', '', w);
    return { record: errorRatioRecord(minutes), expr: `(${errors} or vector(0)) / ${all}` };
  });
  return { name: `${plan.product}.slo.recording`, rules };
}

function slo(plan: Plan): RuleGroup {
  const o = plan.observability;
  const burn: AlertRule[] = o.burnRates.map((b) => ({
    alert: b.name === 'fast' ? 'ErrorBudgetFastBurn' : 'ErrorBudgetSlowBurn',
    expr: `${errorRatioRecord(b.longWindowMinutes)} > ${b.errorRatioThreshold} and ${errorRatioRecord(b.shortWindowMinutes)} > ${b.errorRatioThreshold}`,
    for: b.name === 'fast' ? '2m' : '15m',
    severity: b.name === 'fast' ? 'critical' : 'warning',
    summary: `Error budget burning ${b.burnRate}x too fast (${windowName(b.longWindowMinutes)} and ${windowName(b.shortWindowMinutes)} windows)`,
    description:
      `SLO ${o.availabilityPercent}%: the 5xx ratio is above ${b.errorRatioThreshold} (${b.burnRate} x the ${o.errorBudget} budget) over both ` +
      `${windowName(b.longWindowMinutes)} and ${windowName(b.shortWindowMinutes)}. At this rate the 30-day budget lasts ${Math.round((30 / b.burnRate) * 10) / 10} days.`,
  }));
  const buckets = ingressSum(plan, 'nginx_ingress_controller_request_duration_seconds_bucket', '', '5m', 'le');
  const latency: AlertRule = {
    alert: 'LatencyP99High',
    expr: `histogram_quantile(0.99, ${buckets}) > ${o.p99LatencyMs / 1000}`,
    for: '15m',
    severity: 'warning',
    summary: `p99 latency above ${o.p99LatencyMs} ms`,
    description: `The 99th percentile of request time at the ingress is above the ${o.p99LatencyMs} ms objective for 15 minutes.`,
  };
  return { name: `${plan.product}.slo`, rules: [...burn, latency] };
}

function capacity(plan: Plan): RuleGroup {
  const ns = plan.product;
  const minWeb = plan.server ? 1 : plan.app.minCount;
  const pct = plan.observability.diskUsedAlarmPercent;
  const rules: AlertRule[] = [
    {
      alert: 'WebBelowMinimum',
      expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment="${K8S_NAMES.web}"} < ${minWeb}`,
      for: '10m',
      severity: 'critical',
      summary: `Fewer than ${minWeb} web pods available`,
      description: `The web tier runs below the ${minWeb} pods that carry peak load with a zone lost (pods pending, crash-looping or evicted).`,
    },
    {
      alert: 'VolumeUsageHigh',
      expr: `100 * kubelet_volume_stats_used_bytes{namespace="${ns}"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}"} > ${pct}`,
      for: '15m',
      severity: 'critical',
      summary: `Volume {{ $labels.persistentvolumeclaim }} above ${pct}% used`,
      description: `A persistent volume is more than ${pct}% full. Grow the claim (the StorageClass must allow expansion; CNPG and Strimzi resize online) or shorten retention.`,
    },
    {
      alert: 'VolumeFillsWithin24h',
      expr:
        `predict_linear(kubelet_volume_stats_available_bytes{namespace="${ns}"}[6h], 24 * 3600) < 0` +
        ` and kubelet_volume_stats_used_bytes{namespace="${ns}"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}"} > 0.5`,
      for: '1h',
      severity: 'warning',
      summary: 'Volume {{ $labels.persistentvolumeclaim }} fills within 24 hours at the current rate',
      description: 'At the growth rate of the last 6 hours the volume is full within a day.',
    },
  ];
  return { name: `${plan.product}.capacity`, rules };
}

/** CPU use of a container as a percentage of its limit (cAdvisor over kube-state-metrics). */
function cpuPercent(ns: string, container: string): string {
  return (
    `100 * sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${ns}",container="${container}"}[5m]))` +
    ` / sum by (pod) (kube_pod_container_resource_limits{namespace="${ns}",container="${container}",resource="cpu"})`
  );
}

function database(plan: Plan): RuleGroup {
  const ns = plan.product;
  const db = plan.database!;
  const cpu = plan.observability.cpuAlarmPercent;
  const connections = Math.floor(db.maxConnections * 0.8);
  const rules: AlertRule[] = [
    {
      alert: 'PostgresReplicaLagHigh',
      expr: `max by (cluster, pod) (cnpg_pg_replication_lag{namespace="${ns}"}) > ${db.replicaLagAlarmSeconds}`,
      for: '3m',
      severity: 'critical',
      summary: `Postgres {{ $labels.pod }} is more than ${db.replicaLagAlarmSeconds} s behind its primary`,
      description: `Replication lag above the ${db.replicaLagAlarmSeconds} s staleness bound for 3 minutes: reads from the -ro service may be stale beyond what the product allows.`,
    },
    {
      alert: 'PostgresCpuHigh',
      expr: `${cpuPercent(ns, 'postgres')} > ${cpu}`,
      for: '15m',
      severity: 'warning',
      summary: `Postgres {{ $labels.pod }} CPU above ${cpu}% of its limit`,
      description: 'Check pg_stat_statements: reads belong on the replicas; writes past one primary mean the next stage.',
    },
    {
      alert: 'PostgresConnectionsHigh',
      expr: `sum by (cluster, pod) (cnpg_backends_total{namespace="${ns}"}) > ${connections}`,
      for: '10m',
      severity: 'warning',
      summary: `Postgres {{ $labels.pod }} has more than ${connections} connections (80% of max_connections ${db.maxConnections})`,
      description: 'Connect through the PgBouncer poolers before new connections are refused.',
    },
  ];
  return { name: `${plan.product}.database`, rules };
}

function cache(plan: Plan): RuleGroup {
  const ns = plan.product;
  const cpu = plan.observability.cpuAlarmPercent;
  const rules: AlertRule[] = [
    {
      alert: 'CacheNoPrimary',
      expr: `count(redis_instance_info{namespace="${ns}",role="master"}) != 1 or absent(redis_instance_info{namespace="${ns}",role="master"})`,
      for: '2m',
      severity: 'critical',
      summary: 'The cache has no single primary',
      description: 'Sentinel has not settled on exactly one primary (failover stuck or split). Check `SENTINEL get-master-addr-by-name myMaster` on the sentinels.',
    },
    {
      alert: 'CacheMemoryHigh',
      expr: `100 * max by (pod) (redis_memory_used_bytes{namespace="${ns}"} / (redis_memory_max_bytes{namespace="${ns}"} > 0)) > 80`,
      for: '15m',
      severity: 'warning',
      summary: 'Cache {{ $labels.pod }} above 80% of maxmemory',
      description: 'Evictions follow; size the cache up if the hit ratio drops.',
    },
    {
      alert: 'CacheEvictions',
      expr: `sum(increase(redis_evicted_keys_total{namespace="${ns}"}[5m])) > 1000`,
      for: '15m',
      severity: 'warning',
      summary: 'The cache evicts more than 1000 keys per 5 minutes',
      description: 'The working set no longer fits the cache.',
    },
    {
      alert: 'CacheCpuHigh',
      expr: `${cpuPercent(ns, K8S_NAMES.cache)} > ${cpu}`,
      for: '15m',
      severity: 'warning',
      summary: `Cache {{ $labels.pod }} CPU above ${cpu}% of its limit`,
      description: 'Redis runs commands on one thread: look for slow commands (SLOWLOG) or large keys.',
    },
  ];
  return { name: `${plan.product}.cache`, rules };
}

function queue(plan: Plan): RuleGroup {
  const ns = plan.product;
  const q = plan.queue!;
  const k = q.selfHostedKafka;
  const group = `namespace="${ns}",consumergroup="${k.consumerGroup}",topic="${k.topic}"`;
  const dlq = deadLetterTopic(k.topic);
  const rules: AlertRule[] = [
    {
      alert: 'JobsConsumerLagHigh',
      expr: `sum(kafka_consumergroup_lag{${group}}) > ${k.consumerLagAlarmMessages}`,
      for: '5m',
      severity: 'critical',
      summary: `Consumer group ${k.consumerGroup} is more than ${k.consumerLagAlarmMessages} jobs behind on ${k.topic}`,
      description: `${q.maxJobDelaySeconds} s of peak traffic is queued and not consumed: workers are not keeping up (or are failing).`,
    },
    {
      // The SQS "age of oldest message" alarm's counterpart: lag over the consumption rate is the time the backlog needs to drain.
      alert: 'JobsDelayHigh',
      expr: `sum(kafka_consumergroup_lag{${group}}) / clamp_min(sum(rate(kafka_consumergroup_current_offset{${group}}[5m])), 0.001) > ${q.maxJobDelaySeconds}`,
      for: '5m',
      severity: 'critical',
      summary: `Queued jobs wait longer than ${q.maxJobDelaySeconds} s`,
      description: `At the current consumption rate the backlog takes more than the ${q.maxJobDelaySeconds} s job delay objective to drain (stalled consumers count as infinite).`,
    },
    {
      alert: 'JobsDeadLettered',
      expr: `sum(increase(kafka_topic_partition_current_offset{namespace="${ns}",topic="${dlq}"}[5m])) > 0`,
      for: '0m',
      severity: 'warning',
      summary: `Jobs went to the dead-letter topic ${dlq}`,
      description: `A job failed ${q.maxReceiveCount} times and was published to ${dlq}. Inspect it, fix the cause, then replay it to ${k.topic}.`,
    },
    {
      alert: 'KafkaPartitionsUnderMinIsr',
      expr: `min by (topic, partition) (kafka_topic_partition_in_sync_replica{namespace="${ns}",topic=~"${k.topic}|${dlq}"}) < ${k.minInSyncReplicas}`,
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
      expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="${ns}",horizontalpodautoscaler="keda-hpa-${K8S_NAMES.worker}"} >= ${q.maxWorkers}`,
      for: '30m',
      severity: 'warning',
      summary: `Workers at the ${q.maxWorkers}-pod ceiling for 30 minutes`,
      description: 'The autoscaler cannot add workers; the backlog grows if traffic stays.',
    },
  ];
  return { name: `${plan.product}.queue`, rules };
}
