/**
 * The monthly usage a bill's usage-based lines are computed from: the plan's `usage` (what the workload
 * profile implies) plus the few sizes the usage lines need (zones, shards, retention). Every engine (AWS,
 * EKS, self-hosted) reads the same model, so the three columns price the same traffic.
 */
import type { Plan } from '../core/plan';

export interface UsageModel {
  readonly stage: string;
  readonly zones: number;
  readonly averageRequestsPerSecond: number;
  readonly peakRequestsPerSecond: number;
  readonly requestsPerMonth: number;
  readonly responseKiB: number;
  /** Internet egress: responses leaving the region. */
  readonly egressGiBPerMonth: number;
  /** App ↔ datastore query results before any cache. */
  readonly databaseTrafficGiBPerMonth: number;
  /** Row-write volume, shipped to every standby and replica. */
  readonly writeGiBPerMonth: number;
  readonly logGiBPerMonth: number;
  readonly jobsPerMonth: number;
  readonly queueIngressMBps: number;
  readonly queueRetentionHours: number;
  readonly minWorkers: number;
  /** Share of read queries the cache answers, once the stage has a cache. */
  readonly cacheReadShare: number;
  readonly datasetGiB: number;
  readonly shards: number;
  readonly backupRetentionDays: number;
  /** The plan's own statement of its usage assumptions. */
  readonly assumptions: readonly string[];
}

export function usageFromPlan(plan: Plan): UsageModel {
  const assumptions = plan.profile.assumptions;
  return {
    stage: plan.stage,
    zones: plan.zones,
    averageRequestsPerSecond: plan.usage.averageRequestsPerSecond,
    peakRequestsPerSecond: plan.profile.traffic.peakRequestsPerSecond,
    requestsPerMonth: plan.usage.requestsPerMonth,
    responseKiB: plan.profile.traffic.averageResponseKiB,
    egressGiBPerMonth: plan.usage.egressGiBPerMonth,
    databaseTrafficGiBPerMonth: plan.usage.databaseTrafficGiBPerMonth,
    writeGiBPerMonth: plan.usage.writeGiBPerMonth,
    logGiBPerMonth: plan.usage.logGiBPerMonth,
    jobsPerMonth: plan.usage.jobsPerMonth,
    queueIngressMBps: plan.usage.queueIngressMBps,
    queueRetentionHours: plan.queue?.retentionHours ?? plan.profile.async.retentionHours,
    minWorkers: plan.queue?.minWorkers ?? 0,
    cacheReadShare: plan.cache ? plan.profile.traffic.readShare * assumptions.cacheHitRatio : 0,
    datasetGiB: plan.profile.data.datasetGiB,
    shards: plan.database?.shards ?? 1,
    backupRetentionDays: plan.profile.data.backupRetentionDays,
    assumptions: plan.usage.assumptions,
  };
}

/** "24,060 GiB" */
export function gib(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} GiB`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
