import { Plan } from '../../core/plan';
import { AlertRule, RecordingRule, RuleGroup } from '../../constructs/k8s/monitoring';
import { K8S_NAMES } from '../names';

/**
 * The service-level and capacity alerts of every stage, as Prometheus rules: the same failures
 * the AWS rendering's CloudWatch alarms watch, with the plan's thresholds. Each component adds
 * its own (components/<capability>/alerts.ts); these come first in the stage's PrometheusRule.
 *
 * Sources: ingress-nginx request metrics (the load balancer's view, as ALB metrics are on AWS),
 * kubelet volume stats and cAdvisor CPU, kube-state-metrics, the CloudNativePG exporter,
 * redis_exporter and the Strimzi Kafka Exporter.
 */
export function serviceLevelRuleGroups(plan: Plan): RuleGroup[] {
  return [sloRecording(plan), slo(plan), capacity(plan)];
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
    const windowLabel = windowName(minutes);
    const errors = ingressSum(plan, 'nginx_ingress_controller_requests', ',status=~"5.."', windowLabel);
    const all = ingressSum(plan, 'nginx_ingress_controller_requests', '', windowLabel);
    return { record: errorRatioRecord(minutes), expr: `(${errors} or vector(0)) / ${all}` };
  });
  return { name: `${plan.product}.slo.recording`, rules };
}

function slo(plan: Plan): RuleGroup {
  const observability = plan.observability;
  const burn: AlertRule[] = observability.burnRates.map((rate) => ({
    alert: rate.name === 'fast' ? 'ErrorBudgetFastBurn' : 'ErrorBudgetSlowBurn',
    expr: `${errorRatioRecord(rate.longWindowMinutes)} > ${rate.errorRatioThreshold} and ${errorRatioRecord(rate.shortWindowMinutes)} > ${rate.errorRatioThreshold}`,
    for: rate.name === 'fast' ? '2m' : '15m',
    severity: rate.name === 'fast' ? 'critical' : 'warning',
    summary: `Error budget burning ${rate.burnRate}x too fast (${windowName(rate.longWindowMinutes)} and ${windowName(rate.shortWindowMinutes)} windows)`,
    description:
      `SLO ${observability.availabilityPercent}%: the 5xx ratio is above ${rate.errorRatioThreshold} (${rate.burnRate} x the ${observability.errorBudget} budget) over both ` +
      `${windowName(rate.longWindowMinutes)} and ${windowName(rate.shortWindowMinutes)}. At this rate the 30-day budget lasts ${Math.round((30 / rate.burnRate) * 10) / 10} days.`,
  }));
  const buckets = ingressSum(plan, 'nginx_ingress_controller_request_duration_seconds_bucket', '', '5m', 'le');
  const latency: AlertRule = {
    alert: 'LatencyP99High',
    expr: `histogram_quantile(0.99, ${buckets}) > ${observability.p99LatencyMs / 1000}`,
    for: '15m',
    severity: 'warning',
    summary: `p99 latency above ${observability.p99LatencyMs} ms`,
    description: `The 99th percentile of request time at the ingress is above the ${observability.p99LatencyMs} ms objective for 15 minutes.`,
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
export function cpuPercent(ns: string, container: string): string {
  return (
    `100 * sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${ns}",container="${container}"}[5m]))` +
    ` / sum by (pod) (kube_pod_container_resource_limits{namespace="${ns}",container="${container}",resource="cpu"})`
  );
}

