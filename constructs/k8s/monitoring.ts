import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from './imports/podmonitor-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from './imports/prometheusrule-monitoring.coreos.com';
import { ServiceMonitor } from './imports/servicemonitor-monitoring.coreos.com';

export interface ScrapeTarget {
  /** Monitor name (one per component). */
  readonly name: string;
  /** Labels of the pods (PodMonitor) or Services (ServiceMonitor) to scrape. */
  readonly selector: Record<string, string>;
  /** Named container or Service port(s) serving metrics; one scrape endpoint each. */
  readonly port: string | readonly string[];
  /** @default '/metrics' */
  readonly path?: string;
  /** Pod labels copied onto every series as `target: pod label` (e.g. `{ cluster: 'cnpg.io/cluster' }`). @default none */
  readonly podLabels?: Record<string, string>;
  /** @default '30s' */
  readonly interval?: string;
}

/** Extra labels for monitors and rules, for a Prometheus whose selectors require them (e.g. `release: kube-prometheus-stack`). */
export interface MonitoringOptions {
  /** Labels added to the monitor or rule. @default none */
  readonly labels?: Record<string, string>;
}

const ports = (target: ScrapeTarget): string[] => (typeof target.port === 'string' ? [target.port] : [...target.port]);

const relabelName = (label: string) => `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** A prometheus-operator PodMonitor for pods that expose metrics on a named container port. */
export function podMonitor(scope: Construct, target: ScrapeTarget, options: MonitoringOptions = {}): PodMonitor {
  return new PodMonitor(scope, `pod-monitor-${target.name}`, {
    metadata: { name: target.name, labels: options.labels },
    spec: {
      selector: { matchLabels: target.selector },
      podMetricsEndpoints: ports(target).map((port) => ({
        port,
        path: target.path ?? '/metrics',
        interval: target.interval ?? '30s',
        relabelings: Object.entries(target.podLabels ?? {}).map(([to, from]) => ({
          action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
          sourceLabels: [relabelName(from)],
          targetLabel: to,
        })),
      })),
    },
  });
}

/** A prometheus-operator ServiceMonitor for a Service's named port. */
export function serviceMonitor(scope: Construct, target: ScrapeTarget, options: MonitoringOptions = {}): ServiceMonitor {
  return new ServiceMonitor(scope, `service-monitor-${target.name}`, {
    metadata: { name: target.name, labels: options.labels },
    spec: {
      selector: { matchLabels: target.selector },
      endpoints: ports(target).map((port) => ({ port, path: target.path ?? '/metrics', interval: target.interval ?? '30s' })),
    },
  });
}

export type Severity = 'critical' | 'warning';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration the condition must hold. */
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<AlertRule | RecordingRule>;
}

/** One PrometheusRule holding the given groups; every alert carries `severity` and the product. */
export function prometheusRule(scope: Construct, name: string, product: string, groups: readonly RuleGroup[], options: MonitoringOptions = {}): PrometheusRule {
  return new PrometheusRule(scope, `rule-${name}`, {
    metadata: { name, labels: options.labels },
    spec: {
      groups: groups.map((group) => ({
        name: group.name,
        rules: group.rules.map((rule) =>
          'record' in rule
            ? { record: rule.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) }
            : {
                alert: rule.alert,
                expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
                for: rule.for,
                labels: { severity: rule.severity, product },
                annotations: { summary: rule.summary, description: rule.description },
              },
        ),
      })),
    },
  });
}
