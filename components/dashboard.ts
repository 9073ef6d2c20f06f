/**
 * The stage dashboard's rows for a self-hosted stage: the CloudWatch dashboard's rows (in its order,
 * with the panels of core/dashboard.ts) drawn with PromQL over what the stage's cluster exports
 * (ingress-nginx, CloudNativePG, the Redis and Kafka exporters, kube-state-metrics, cAdvisor and the
 * kubelet). platform/addons/monitoring.ts turns them into the Grafana dashboard.
 */
import {
  CACHE_PANELS,
  CachePanel,
  DashboardPanel,
  DatabaseShardPanel,
  databaseShardPanels,
  drawPanels,
  QUEUE_PANELS,
  QueuePanel,
  SERVICE_LEVEL_PANELS,
  ServiceLevelPanel,
  SINGLE_SERVER_ALARMS_PANEL,
  SINGLE_SERVER_PANELS,
  STAGE_ALARMS_PANEL,
  SingleServerPanel,
  STREAM_PANELS,
  StreamPanel,
  WEB_PANELS,
  WebPanel,
  WORKERS_PANELS,
  WorkersPanel,
} from '../core/dashboard';
import type { Plan } from '../core/plan';
import { stageRuleGroups } from './index';
import { K8S_NAMES, shardClusterName } from './names';
import { errorRatioRecord } from './observability/alerts';

export interface PromQuery {
  readonly expr: string;
  readonly legend: string;
  /** Drawn against the right axis (as CloudWatch's `right` metrics). */
  readonly right?: true;
}

export interface SelfHostedPanel {
  readonly panel: DashboardPanel;
  /** A graph's queries; absent for an alert list. */
  readonly queries?: readonly PromQuery[];
  /** An alert list's alerts (by name). */
  readonly alerts?: readonly string[];
}

export interface SelfHostedRow {
  readonly title: string;
  /**
   * How the CloudWatch row title reads when it differs: it ends in a deploy-time endpoint (`Cache: <hostname>`),
   * or it names a transport the cluster replaces (SQS: Kafka on Kubernetes).
   */
  readonly cloudWatchTitle?: { readonly prefix: string } | { readonly exact: string };
  readonly panels: readonly SelfHostedPanel[];
}

const graph = (panel: DashboardPanel, ...queries: PromQuery[]): SelfHostedPanel => ({ panel, queries });

/** Sum of an ingress-nginx counter rate for the web Ingress, whichever label carries its namespace. */
function ingressRate(plan: Plan, metric: string, extra = '', by = ''): string {
  const sel = (nsLabel: string) => `${metric}{${nsLabel}="${plan.product}",ingress="${K8S_NAMES.web}"${extra}}`;
  const agg = by ? `sum by (${by})` : 'sum';
  return `(${agg} (rate(${sel('exported_namespace')}[1m])) or ${agg} (rate(${sel('namespace')}[1m])))`;
}

function cpuOfContainer(ns: string, container: string, podPattern: string, by = 'pod'): string {
  return (
    `100 * sum by (${by}) (rate(container_cpu_usage_seconds_total{namespace="${ns}",container="${container}",pod=~"${podPattern}"}[5m]))` +
    ` / sum by (${by}) (kube_pod_container_resource_limits{namespace="${ns}",container="${container}",pod=~"${podPattern}",resource="cpu"})`
  );
}

function kafkaRows(plan: Plan): SelfHostedRow[] {
  const ns = plan.product;
  const queue = plan.queue!;
  const topic = queue.kafka?.topic ?? 'jobs';
  const group = queue.kafka?.consumerGroup ?? K8S_NAMES.worker;
  const lag = `sum(kafka_consumergroup_lag{namespace="${ns}",consumergroup="${group}",topic="${topic}"})`;
  const consumed = `clamp_min(sum(rate(kafka_consumergroup_current_offset{namespace="${ns}",consumergroup="${group}",topic="${topic}"}[5m])), 0.001)`;
  const deadLetters = `sum(increase(kafka_topic_partition_current_offset{namespace="${ns}",topic="${topic}-dlq"}[5m]))`;
  const workersAvailable = `kube_deployment_status_replicas_available{namespace="${ns}",deployment="${K8S_NAMES.worker}"}`;
  const jobs: SelfHostedPanel[] =
    queue.technology === 'sqs'
      ? drawPanels<QueuePanel, SelfHostedPanel>(QUEUE_PANELS, {
          queued: (panel) => graph(panel, { expr: lag, legend: 'queued (consumer lag)' }, { expr: `sum(rate(kafka_topic_partition_current_offset{namespace="${ns}",topic="${topic}"}[1m])) * 60`, legend: 'sent per minute', right: true }),
          oldestAge: (panel) => graph(panel, { expr: `${lag} / ${consumed}`, legend: 'lag / consume rate (s)' }),
          deadLetters: (panel) => graph(panel, { expr: deadLetters, legend: `${topic}-dlq (5 min)` }),
        })
      : drawPanels<StreamPanel, SelfHostedPanel>(STREAM_PANELS, {
          lag: (panel) => graph(panel, { expr: lag, legend: 'sum' }, { expr: `max(kafka_consumergroup_lag{namespace="${ns}",consumergroup="${group}",topic="${topic}"})`, legend: 'max partition', right: true }),
          timeLag: (panel) => graph(panel, { expr: `${lag} / ${consumed}`, legend: 'lag / consume rate (s)' }),
          brokerDisk: (panel) =>
            graph(panel, { expr: `100 * max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="${ns}",persistentvolumeclaim=~"data-.*${K8S_NAMES.kafka}.*"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}",persistentvolumeclaim=~"data-.*${K8S_NAMES.kafka}.*"})`, legend: '{{persistentvolumeclaim}}' }),
        });
  const workers = drawPanels<WorkersPanel, SelfHostedPanel>(WORKERS_PANELS, {
    backlogPerWorker: (panel) => graph(panel, { expr: `${lag} / clamp_min(${workersAvailable}, 1)`, legend: 'backlog per worker' }),
    inService: (panel) => graph(panel, { expr: workersAvailable, legend: 'available' }),
  });
  return [
    queue.technology === 'sqs' ? { title: `Jobs (Kafka topic ${topic}; SQS on AWS)`, cloudWatchTitle: { exact: 'Jobs (SQS)' }, panels: jobs } : { title: `Jobs (Kafka topic ${topic})`, panels: jobs },
    { title: 'Workers', panels: workers },
  ];
}

/** The rows of the stage's dashboard, in the CloudWatch dashboard's order. */
export function stageDashboardRows(plan: Plan): SelfHostedRow[] {
  const ns = plan.product;
  const groups = stageRuleGroups(plan);
  const alertsOf = (suffix: string) => groups.filter((g) => g.name === `${plan.product}.${suffix}`).flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])));
  const rows: SelfHostedRow[] = [];
  const everyAlert = groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])));
  // The first stage's dashboard is the server's two rows (as on AWS, where its alarm list is the stage's only one).
  if (plan.server) {
    rows.push({
      title: 'Single server',
      panels: drawPanels<SingleServerPanel, SelfHostedPanel>(SINGLE_SERVER_PANELS, {
        cpu: (panel) => graph(panel, { expr: '100 * sum(rate(container_cpu_usage_seconds_total{id="/"}[5m])) / sum(kube_node_status_allocatable{resource="cpu"})', legend: 'node CPU %' }),
        dataDisk: (panel) => graph(panel, { expr: `100 * max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace="${ns}"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}"})`, legend: '{{persistentvolumeclaim}}' }),
      }),
    });
    rows.push({ title: 'Alarms', panels: [{ panel: SINGLE_SERVER_ALARMS_PANEL, alerts: everyAlert }] });
    return rows;
  }
  rows.push({
    title: `Service level: ${plan.observability.availabilityPercent}% availability, p99 under ${plan.observability.p99LatencyMs} ms`,
    panels: drawPanels<ServiceLevelPanel, SelfHostedPanel>(SERVICE_LEVEL_PANELS, {
      errorRatio: (panel) => graph(panel, { expr: errorRatioRecord(5), legend: '5xx ratio' }),
      sloAlarms: (panel) => ({ panel, alerts: alertsOf('slo') }),
    }),
  });
  {
    const latency = (quantile: number) =>
      `histogram_quantile(${quantile}, ${ingressRate(plan, 'nginx_ingress_controller_request_duration_seconds_bucket', '', 'le')})`;
    rows.push({
      title: 'Web tier',
      panels: drawPanels<WebPanel, SelfHostedPanel>(WEB_PANELS, {
        requests: (panel) => graph(panel, { expr: ingressRate(plan, 'nginx_ingress_controller_requests'), legend: 'requests/s' }, { expr: ingressRate(plan, 'nginx_ingress_controller_requests', ',status=~"5.."'), legend: '5xx/s', right: true }),
        responseTime: (panel) => graph(panel, ...[0.5, 0.9, 0.99].map((q) => ({ expr: latency(q), legend: `p${Math.round(q * 100)}` }))),
        fleet: (panel) =>
          graph(panel, { expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment="${K8S_NAMES.web}"}`, legend: 'available' }, { expr: cpuOfContainer(ns, K8S_NAMES.web, `${K8S_NAMES.web}-.*`, 'namespace'), legend: 'CPU % of limit', right: true }),
      }),
    });
  }
  if (plan.database) {
    for (let shardId = 0; shardId < plan.database.shards; shardId++) {
      const cluster = shardClusterName(shardId);
      const pods = `${cluster}-[0-9]+`;
      rows.push({
        title: `Database shard ${shardId}`,
        cloudWatchTitle: { prefix: `Database shard ${shardId}: ` },
        panels: drawPanels<DatabaseShardPanel, SelfHostedPanel>(databaseShardPanels(shardId), {
          cpu: (panel) => graph(panel, { expr: cpuOfContainer(ns, 'postgres', pods), legend: '{{pod}}' }),
          connections: (panel) => graph(panel, { expr: `sum by (pod) (cnpg_backends_total{namespace="${ns}",cluster="${cluster}"})`, legend: '{{pod}}' }),
          replicaLag: (panel) => graph(panel, { expr: `max by (pod) (cnpg_pg_replication_lag{namespace="${ns}",cluster="${cluster}"})`, legend: '{{pod}}' }),
          freeStorage: (panel) => graph(panel, { expr: `min by (persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="${ns}",persistentvolumeclaim=~"${pods}"})`, legend: '{{persistentvolumeclaim}}' }),
        }),
      });
    }
  }
  if (plan.cache) {
    rows.push({
      title: 'Cache',
      cloudWatchTitle: { prefix: 'Cache: ' },
      panels: drawPanels<CachePanel, SelfHostedPanel>(CACHE_PANELS, {
        memory: (panel) => graph(panel, { expr: `100 * max(redis_memory_used_bytes{namespace="${ns}"} / (redis_memory_max_bytes{namespace="${ns}"} > 0))`, legend: 'max node' }),
        cpu: (panel) => graph(panel, { expr: `max(${cpuOfContainer(ns, K8S_NAMES.cache, `${K8S_NAMES.cache}-.*`)})`, legend: 'max node' }),
        evictions: (panel) => graph(panel, { expr: `sum(increase(redis_evicted_keys_total{namespace="${ns}"}[1m]))`, legend: 'evicted keys' }),
      }),
    });
  }
  if (plan.queue) rows.push(...kafkaRows(plan));
  rows.push({ title: 'Alarms', panels: [{ panel: STAGE_ALARMS_PANEL, alerts: everyAlert }] });
  return rows;
}
