import { Plan } from '../../core/plan';
import { AlertRule, RuleGroup } from '../../constructs/k8s/monitoring';
import { K8S_NAMES } from '../names';
import { cpuPercent } from '../observability/alerts';

/** Cache alerts (redis_exporter, cAdvisor): no single primary, memory, evictions, CPU. */
export function cacheRuleGroups(plan: Plan): RuleGroup[] {
  const ns = plan.product;
  const cpu = plan.observability.cpuAlarmPercent;
  const shards = plan.cache?.shards;
  const rules: AlertRule[] = [
    ...((shards
      ? [
          {
            alert: 'CacheShardWithoutPrimary',
            expr: `count(redis_instance_info{namespace="${ns}",role="master"}) != ${shards} or absent(redis_instance_info{namespace="${ns}",role="master"})`,
            for: '2m',
            severity: 'critical',
            summary: `The cache does not have exactly ${shards} primaries (one per shard)`,
            description: 'A shard lost its primary and no replica was promoted, or a failover left two. Check `CLUSTER NODES` on any cache pod.',
          },
          {
            alert: 'CacheClusterDown',
            expr: `min(redis_cluster_state{namespace="${ns}"}) < 1`,
            for: '2m',
            severity: 'critical',
            summary: 'Redis Cluster reports cluster_state:fail',
            description: 'Some hash slots are not served: keys of those slots fail. Check `CLUSTER INFO` and `CLUSTER NODES`.',
          },
        ]
      : [
        {
          alert: 'CacheNoPrimary',
          expr: `count(redis_instance_info{namespace="${ns}",role="master"}) != 1 or absent(redis_instance_info{namespace="${ns}",role="master"})`,
          for: '2m',
          severity: 'critical',
          summary: 'The cache has no single primary',
          description: 'Sentinel has not settled on exactly one primary (failover stuck or split). Check `SENTINEL get-master-addr-by-name myMaster` on the sentinels.',
        },
        ]) as AlertRule[]),
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
  return [{ name: `${plan.product}.cache`, rules }];
}

