import { Plan } from '../../core/plan';
import { AlertRule, RuleGroup } from '../../constructs/k8s/monitoring';
import { cpuPercent } from '../observability/alerts';

/** Postgres alerts (CloudNativePG exporter, cAdvisor): replica lag at the staleness bound, CPU, connections. */
export function databaseRuleGroups(plan: Plan): RuleGroup[] {
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
  return [{ name: `${plan.product}.database`, rules }];
}

