/**
 * Operations labour: the hours a month someone spends keeping each stateful system (and the cluster itself)
 * healthy — upgrades, failover drills, restore tests, capacity work, incidents — times an hourly rate. It is
 * its own line on the bill so it can be read, argued with and changed (`--ops-rate`, `--ops-hours`).
 * Managed services carry this work in their price; the AWS column has no such line.
 */
import { UsageError } from '../../core/errors';
import { component, CostComponent, resource, PricedResource } from '../model';
import type { StatefulSystem, SystemKind } from './inventory';

export type OpsItem = SystemKind | 'cluster' | 'single-node' | 'eks' | 'server';

export interface OpsOptions {
  /** USD per hour of an engineer's time (loaded cost). */
  readonly rateUsd: number;
  /** Hours a month per system of each kind. */
  readonly hours: Readonly<Record<OpsItem, number>>;
}

export const DEFAULT_OPS: OpsOptions = {
  rateUsd: 90,
  hours: {
    cluster: 8, // self-managed control plane: Kubernetes and OS upgrades, etcd backups, node replacement
    'single-node': 3, // one k3s-style node: OS and Kubernetes patching
    server: 3, // one VM running its own Postgres and Redis (the AWS single server): OS patching, agents
    eks: 4, // managed control plane: node-group and add-on upgrades
    postgres: 6, // per Postgres cluster: operator and minor upgrades, failover drills, restore tests, bloat
    kafka: 8, // per Kafka cluster: rolling upgrades, partition rebalancing, disk growth
    redis: 2, // per Redis replication group: upgrades, failover checks
    stateful: 3, // any other StatefulSet
  },
};

const DESCRIPTION: Record<OpsItem, string> = {
  cluster: 'Kubernetes cluster (control plane, nodes, upgrades)',
  'single-node': 'Single-node Kubernetes (OS and cluster patching)',
  eks: 'EKS cluster (node groups and add-ons)',
  server: 'Server (OS patching, agents)',
  postgres: 'Postgres',
  kafka: 'Kafka',
  redis: 'Redis',
  stateful: 'Stateful workload',
};

/** Parses "postgres=4,kafka=10" onto the defaults. */
export function parseOpsHours(text: string | undefined, base: OpsOptions['hours'] = DEFAULT_OPS.hours): OpsOptions['hours'] {
  const hours = { ...base };
  if (!text) return hours;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=([0-9.]+)$/.exec(part);
    if (!m || !(m[1] in hours) || !Number.isFinite(Number(m[2]))) {
      throw new UsageError(`--ops-hours: expected KIND=HOURS[,KIND=HOURS...] with KIND one of ${Object.keys(hours).join(', ')}, got ${JSON.stringify(part)}`);
    }
    hours[m[1] as OpsItem] = Number(m[2]);
  }
  return hours;
}

export function opsLabour(platform: 'cluster' | 'single-node' | 'eks' | 'server', systems: readonly StatefulSystem[], ops: OpsOptions): PricedResource {
  const lines: CostComponent[] = [
    component({ name: DESCRIPTION[platform], unit: 'hours', quantity: ops.hours[platform], price: ops.rateUsd, assumption: `${ops.hours[platform]} h/month at $${ops.rateUsd}/h` }),
  ];
  for (const s of systems) {
    lines.push(component({ name: `${DESCRIPTION[s.kind]} ${s.name}`, unit: 'hours', quantity: ops.hours[s.kind], price: ops.rateUsd, assumption: `${ops.hours[s.kind]} h/month at $${ops.rateUsd}/h` }));
  }
  return resource('Operations', 'labour', lines, 'engineering time to run what the provider does not (defaults are stated; change them with --ops-rate and --ops-hours)');
}
