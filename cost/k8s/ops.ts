/**
 * Operations labour as a model that scales with what is run: hours a month per cluster, per server (more
 * for hardware you rent whole or own), per stateful system (less when a managed service runs it), plus an
 * on-call rotation, times a loaded hourly rate, shown in hours and FTE. The same model prices the managed
 * side at its lower rates, so the labour difference between the columns is explicit rather than assumed
 * to be zero on AWS. Every count and rate is a line that can be read, argued with and changed
 * (`--ops-rate`, `--ops-hours KIND=HOURS,...`).
 */
import { UsageError } from '../../core/errors';
import { component, CostComponent, resource, PricedResource } from '../model';
import type { StatefulSystem, SystemKind } from './inventory';

export type OpsItem =
  | SystemKind
  | 'cluster'
  | 'single-node'
  | 'eks'
  | 'server'
  | 'node-cloud'
  | 'node-dedicated'
  | 'node-owned'
  | 'on-call'
  | 'on-call-managed'
  | 'managed-postgres'
  | 'managed-redis'
  | 'managed-kafka'
  | 'managed-instance';

export interface OpsOptions {
  /** USD per hour of an engineer's time (loaded cost). */
  readonly rateUsd: number;
  /** Hours a month per item of each kind. */
  readonly hours: Readonly<Record<OpsItem, number>>;
  /** Hours a month one full-time engineer works on operations. @default 140 */
  readonly fteHours?: number;
}

export const DEFAULT_OPS: OpsOptions = {
  rateUsd: 90,
  fteHours: 140,
  hours: {
    cluster: 8, // self-managed control plane: Kubernetes and OS upgrades, etcd backups
    'single-node': 3, // one k3s-style node: OS and cluster patching
    server: 3, // one VM running its own Postgres and Redis (the AWS single server): OS patching, agents
    eks: 4, // managed control plane: node-group and add-on upgrades
    postgres: 6, // per self-run Postgres cluster: operator and minor upgrades, failover drills, restore tests, bloat
    kafka: 8, // per self-run Kafka cluster: rolling upgrades, partition rebalancing, disk growth
    redis: 2, // per self-run Redis replication group: upgrades, failover checks
    stateful: 3, // any other StatefulSet
    'node-cloud': 0.5, // per cloud server: image rollouts, replacement when the provider retires a host
    'node-dedicated': 1, // per rented dedicated server: firmware, disk-failure tickets, reinstall
    'node-owned': 2, // per owned server: hardware failures, parts, firmware, remote-hands coordination, lifecycle
    'on-call': 40, // a 24/7 rotation for systems you run: standby pay and incident load (multi-node stages)
    'on-call-managed': 16, // the same rotation when the provider runs the data systems (application incidents remain)
    'managed-postgres': 1.5, // per managed Postgres (RDS): version upgrades, parameter groups, capacity reviews
    'managed-redis': 0.5, // per managed cache: engine upgrades, sizing
    'managed-kafka': 2, // per managed Kafka (MSK): version upgrades, partition and disk planning
    'managed-instance': 0.25, // per EC2 instance of an autoscaled tier: AMI rollouts
  },
};

const DESCRIPTION: Record<OpsItem, string> = {
  cluster: 'Kubernetes cluster (control plane, upgrades)',
  'single-node': 'Single-node Kubernetes (OS and cluster patching)',
  eks: 'EKS cluster (node groups and add-ons)',
  server: 'Server (OS patching, agents)',
  postgres: 'Postgres',
  kafka: 'Kafka',
  redis: 'Redis',
  stateful: 'Stateful workload',
  'node-cloud': 'Cloud servers',
  'node-dedicated': 'Dedicated servers',
  'node-owned': 'Owned servers',
  'on-call': 'On-call rotation (self-run data systems)',
  'on-call-managed': 'On-call rotation (managed data systems)',
  'managed-postgres': 'Managed Postgres',
  'managed-redis': 'Managed cache',
  'managed-kafka': 'Managed Kafka',
  'managed-instance': 'Autoscaled instances',
};

/** Parses "postgres=4,kafka=10" onto the defaults. */
export function parseOpsHours(text: string | undefined, base: OpsOptions['hours'] = DEFAULT_OPS.hours): OpsOptions['hours'] {
  const hours = { ...base };
  if (!text) return hours;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=([0-9.]+)$/.exec(part);
    if (!match || !(match[1] in hours) || !Number.isFinite(Number(match[2]))) {
      throw new UsageError(`--ops-hours: expected KIND=HOURS[,KIND=HOURS...] with KIND one of ${Object.keys(hours).join(', ')}, got ${JSON.stringify(part)}`);
    }
    hours[match[1] as OpsItem] = Number(match[2]);
  }
  return hours;
}

export interface OpsScale {
  /** Servers someone keeps alive, by kind. */
  readonly nodes?: { readonly item: 'node-cloud' | 'node-dedicated' | 'node-owned'; readonly count: number }[];
  /** The on-call rotation the stage needs (none on a single server). */
  readonly onCall?: 'on-call' | 'on-call-managed';
  /** Systems a provider runs for you, priced at the managed rates. */
  readonly managed?: { readonly item: 'managed-postgres' | 'managed-redis' | 'managed-kafka' | 'managed-instance'; readonly name: string; readonly count: number }[];
}

const fte = (h: number, ops: OpsOptions) => h / (ops.fteHours ?? 140);

export function opsLabour(platform: 'cluster' | 'single-node' | 'eks' | 'server' | 'managed', systems: readonly StatefulSystem[], ops: OpsOptions, scale: OpsScale = {}): PricedResource {
  const line = (name: string, quantity: number, what: string) =>
    component({ name, unit: 'hours', quantity, price: ops.rateUsd, assumption: `${what} = ${quantity.toFixed(1)} h/month (${fte(quantity, ops).toFixed(2)} FTE) at $${ops.rateUsd}/h` });
  const lines: CostComponent[] = [];
  if (platform !== 'managed') lines.push(line(DESCRIPTION[platform], ops.hours[platform], `${ops.hours[platform]} h`));
  for (const node of scale.nodes ?? []) if (node.count > 0) lines.push(line(`${DESCRIPTION[node.item]} (${node.count})`, ops.hours[node.item] * node.count, `${node.count} × ${ops.hours[node.item]} h`));
  for (const system of systems) lines.push(line(`${DESCRIPTION[system.kind]} ${system.name}`, ops.hours[system.kind], `${ops.hours[system.kind]} h`));
  for (const managed of scale.managed ?? []) if (managed.count > 0) lines.push(line(`${DESCRIPTION[managed.item]} ${managed.name}`, ops.hours[managed.item] * managed.count, `${managed.count} × ${ops.hours[managed.item]} h`));
  if (scale.onCall) lines.push(line(DESCRIPTION[scale.onCall], ops.hours[scale.onCall], `${ops.hours[scale.onCall]} h`));
  const total = lines.reduce((s, c) => s + (c.monthlyQuantity ?? 0), 0);
  return resource(
    'Operations',
    'labour',
    lines,
    `${total.toFixed(1)} h/month = ${fte(total, ops).toFixed(2)} FTE of engineering to run what the provider does not (${ops.fteHours ?? 140} h per FTE; change with --ops-rate and --ops-hours)`,
  );
}
