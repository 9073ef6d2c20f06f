/**
 * The self-hosted bill: the Kubernetes rendering on rented servers (Hetzner Cloud by default, OVH or
 * Scaleway), priced from the provider's EUR list and converted with the catalog's explicit (overridable)
 * exchange rate. Servers come from bin-packing (cluster.ts); around them: control-plane nodes, load
 * balancer, traffic beyond what the servers include, volumes, backups in object storage, and operations
 * labour on its own line.
 */
import { loadCatalog, PriceCatalog, SelfHostedProvider, SelfHostedServices } from '../catalog';
import { Bill, component, CostComponent, freeResource, makeBill, PricedResource, resource, unpricedComponent } from '../model';
import { gib, UsageModel } from '../usage';
import { ClusterPricing, clusterResources } from './cluster';
import { clusterPackingOf, eurSource, FleetPlan, planFleetFrom, PROVIDER_NAMES } from './fleet';
import { Inventory, inventory } from './inventory';
import { DEFAULT_OPS, opsLabour, OpsOptions } from './ops';

export const SELF_HOSTED_PROVIDERS: readonly SelfHostedProvider[] = ['hetzner', 'ovh', 'scaleway'];

export { PROVIDER_NAMES };

export interface SelfHostedPricingOptions {
  readonly provider?: SelfHostedProvider;
  /** A specific price list id (e.g. "hetzner-2026-01"); defaults to the provider's freshest. */
  readonly priceList?: string;
  /** USD per EUR. @default the catalog's rate */
  readonly eurUsd?: number;
  readonly ops?: OpsOptions;
  readonly usage?: UsageModel;
  /** Failure domains to spread over (the plan's zones). 1 = a single node. */
  readonly zones: number;
  readonly catalog?: PriceCatalog;
  readonly stage?: string;
}

/**
 * The self-hosted bill of a fleet plan: each pool's servers, the control plane, load balancers, volumes and
 * backup storage exactly as the plan provisions them, plus traffic and operations labour.
 */
export function priceSelfHosted(objects: readonly any[], options: SelfHostedPricingOptions): Bill {
  const catalog = options.catalog ?? loadCatalog();
  const inv: Inventory = inventory([...objects]);
  const { plan, services } = planFleetFrom(inv, { provider: options.provider, priceList: options.priceList, eurUsd: options.eurUsd, zones: options.zones, usage: options.usage, catalog });
  return priceFleet(plan, inv, services, options, catalog);
}

export function priceFleet(plan: FleetPlan, inv: Inventory, services: SelfHostedServices, options: SelfHostedPricingOptions, catalog: PriceCatalog): Bill {
  const rate = catalog.exchangeRate(options.eurUsd);
  const provider = plan.provider;
  const listId = plan.priceList;
  const ops = options.ops ?? DEFAULT_OPS;
  const u = options.usage;
  const singleNode = plan.singleNode;
  const ipv4 = services.primaryIpv4Monthly;

  const pricing: ClusterPricing = {
    candidates: () => [],
    poolDescription: (pool) => plan.pools.find((p) => p.name === pool)?.purpose ?? pool,
    volume: services.volumePerGbMonth
      ? { usdPerGiBMonth: services.volumePerGbMonth.usd, label: 'Block volumes', priceSource: eurSource(services.volumePerGbMonth, 'GB-month') }
      : undefined,
    volumeMissing: `the ${listId} price list has no block-volume price`,
    perNode: (nodes) => (ipv4 ? [component({ name: `Primary IPv4 addresses (${nodes} servers)`, unit: 'addresses', quantity: nodes, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') })] : []),
    serverResourceType: `${provider} servers`,
  };
  const cluster = clusterResources(inv, clusterPackingOf(plan), pricing);
  const resources: PricedResource[] = [...cluster.resources];

  const cp = plan.controlPlane;
  if (singleNode) {
    resources.push(freeResource('ControlPlane', `${provider} servers`, 'runs on the single node (a k3s-style server), as the AWS single server runs everything on one machine'));
  } else if (cp) {
    const lines: CostComponent[] = [component({ name: `Control-plane nodes (${cp.server.id} × ${cp.count})`, unit: 'servers', quantity: cp.count, price: cp.server.monthlyUsd, priceSource: cp.server.priceSource })];
    if (ipv4) lines.push(component({ name: `Primary IPv4 addresses (${cp.count} servers)`, unit: 'addresses', quantity: cp.count, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') }));
    resources.push(resource('ControlPlane', `${provider} servers`, lines, cp.note));
  }

  for (const lb of inv.loadBalancers) {
    if (singleNode) {
      resources.push(freeResource(lb.name, lb.kind, 'single node: the ingress controller listens on the server\'s own address, as the AWS single server does'));
      continue;
    }
    const planned = plan.loadBalancers.find((p) => p.name === lb.name);
    resources.push(
      planned
        ? resource(lb.name, lb.kind, [component({ name: `Load balancer (${planned.type})`, unit: 'months', quantity: planned.count, price: planned.monthlyUsd, priceSource: planned.priceSource, assumption: planned.why })], lb.reason)
        : resource(lb.name, lb.kind, [unpricedComponent('Load balancer', 'months', `the ${listId} price list has no load balancer`)]),
    );
  }

  resources.push(trafficResource(services, plan.servers, u));
  const backups = backupResource(services, plan, listId);
  if (backups) resources.push(backups);
  resources.push(opsLabour(singleNode ? 'single-node' : 'cluster', inv.systems, ops));

  return makeBill({
    provider: 'self-hosted',
    label: `${plan.providerName} (${plan.priceLocations.join(', ')})`,
    resources,
    usageIncluded: u !== undefined,
    assumptions: [
      `${listId} list prices in EUR, converted at ${rate.eurUsd} USD/EUR (${rate.overridden ? 'given with --eur-usd' : `${rate.source}, ${rate.published}; override with --eur-usd`})`,
      `${plan.locationNote}`,
      singleNode
        ? 'one failure domain, one node: no spare node, as the single-server stage has no redundancy'
        : `pods spread over ${options.zones} failure domains (provider locations) and bin-packed with N+1 (one spare node per pool); pods may request 90% of a server's vCPU and 85% of its memory`,
      'operators, ingress controller and monitoring run as add-ons with the requests stated on their lines; arm64 servers need multi-arch images',
      'logs and metrics stay in the cluster (on its volumes): no separate line',
      ...(u ? u.assumptions : ['usage-based lines (traffic, backups) are not included: give a workload profile']),
    ],
    catalogDate: catalog.catalogDate.summary,
    stage: options.stage,
  });
}

function trafficResource(services: SelfHostedServices, servers: number, u: UsageModel | undefined): PricedResource {
  const t = services.traffic;
  const egressGb = u ? u.egressGiBPerMonth * (2 ** 30 / 1e9) : undefined;
  if (t.includedTbPerServer === 'unlimited') {
    return resource('Traffic', 'bandwidth', [
      component({ name: 'Internet egress (included)', unit: 'GB', quantity: egressGb ?? null, price: 0, usageBased: true, assumption: `${u ? gib(u.egressGiBPerMonth) : 'egress'}: ${t.note ?? 'included in the server price'}` }),
    ]);
  }
  const included = t.includedTbPerServer * 1000 * servers;
  return resource('Traffic', 'bandwidth', [
    component({
      name: 'Internet egress beyond the included traffic',
      unit: 'GB',
      quantity: egressGb === undefined ? null : Math.max(0, egressGb - included),
      price: t.overagePerGb.usd,
      usageBased: true,
      priceSource: eurSource(t.overagePerGb, 'GB'),
      assumption: u ? `${Math.round(egressGb!).toLocaleString('en-US')} GB of responses against ${t.includedTbPerServer} TB included per server × ${servers} servers (pooled)` : 'usage not included: give a workload profile',
    }),
  ]);
}

/**
 * Backups of every Postgres system to object storage, as the plan sizes them: a weekly base backup kept for
 * the retention period plus the WAL in between (barman-cloud for CloudNativePG, or pgBackRest/WAL-G).
 */
function backupResource(services: SelfHostedServices, plan: FleetPlan, listId: string): PricedResource | undefined {
  const planned = plan.objectStorage;
  if (!planned) return undefined;
  const store = services.objectStorage;
  if (!store) return resource('Backups', 'object storage', [unpricedComponent('Backup storage', 'GB-months', `the ${listId} price list has no object storage`, true)]);
  const lines: CostComponent[] = [];
  const totalGiB = planned.storedGiB ?? undefined;
  const includedGb = (store.includedStorageTb ?? 0) * 1000;
  if (store.baseMonthly) lines.push(component({ name: `Object storage base fee (includes ${store.includedStorageTb ?? 0} TB)`, unit: 'months', quantity: 1, price: store.baseMonthly.usd, priceSource: eurSource(store.baseMonthly, 'month') }));
  lines.push(
    component({
      name: includedGb ? 'Backup storage beyond the included' : 'Backup storage',
      unit: 'GB-months',
      quantity: totalGiB === undefined ? null : Math.max(0, totalGiB * (2 ** 30 / 1e9) - includedGb),
      price: store.perGbMonth.usd,
      usageBased: true,
      priceSource: eurSource(store.perGbMonth, 'GB-month'),
      assumption: planned.sizing,
    }),
  );
  return resource('Backups', 'object storage', lines, planned.systems.join(', '));
}
