/**
 * The self-hosted bill: the Kubernetes rendering on rented servers (Hetzner Cloud by default, OVH or
 * Scaleway), priced from the provider's EUR list and converted with the catalog's explicit (overridable)
 * exchange rate. Servers come from bin-packing (cluster.ts); around them: control-plane nodes, load
 * balancer, traffic beyond what the servers include, volumes, backups in object storage, and operations
 * labour on its own line.
 */
import { loadCatalog, PriceCatalog, SelfHostedProvider, SelfHostedServer, SelfHostedServices } from '../catalog';
import { Bill, component, CostComponent, freeResource, makeBill, PricedResource, resource, unpricedComponent } from '../model';
import { gib, UsageModel } from '../usage';
import { ServerType } from './binpack';
import { ClusterPricing, priceCluster } from './cluster';
import { Inventory, inventory } from './inventory';
import { DEFAULT_OPS, opsLabour, OpsOptions } from './ops';

export const SELF_HOSTED_PROVIDERS: readonly SelfHostedProvider[] = ['hetzner', 'ovh', 'scaleway'];

export const PROVIDER_NAMES: Record<SelfHostedProvider, string> = { hetzner: 'Hetzner Cloud', ovh: 'OVHcloud Public Cloud', scaleway: 'Scaleway' };

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

/** Server categories that are not for production clusters (burstable, development instances). */
const NOT_FOR_PRODUCTION = /development|burstable/i;

function serverType(s: SelfHostedServer): ServerType {
  return {
    id: s.id,
    vcpu: s.vcpu,
    memoryGiB: s.memoryGiB,
    monthlyUsd: s.monthly.usd,
    description: `${s.vcpuKind === 'unspecified' ? s.category : `${s.vcpuKind} vCPU`}, ${s.arch}`,
    priceSource: `${s.priceList}: €${s.monthly.eur}/month × ${s.monthly.eurUsd} USD/EUR (${s.monthly.source}, ${s.monthly.published})`,
  };
}

function eurSource(p: { eur: number; eurUsd: number; source: string; published: string }, unit: string): string {
  return `€${p.eur}/${unit} × ${p.eurUsd} USD/EUR (${p.source}, ${p.published})`;
}

/** The OVH-style load balancer size whose bandwidth carries the peak with 25% to spare. */
function loadBalancerFor(services: SelfHostedServices, usage: UsageModel | undefined): { name: string; monthlyUsd: number; source: string; why?: string } | undefined {
  const entries = Object.entries(services.loadBalancers).map(([name, lb]) => {
    const m = /([0-9.]+)\s*(Gbps|Mbps)/.exec(lb.note ?? '');
    return { name, lb, mbps: m ? Number(m[1]) * (m[2] === 'Gbps' ? 1000 : 1) : undefined };
  });
  if (!entries.length) return undefined;
  entries.sort((a, b) => a.lb.monthly.usd - b.lb.monthly.usd);
  const peakMbps = usage ? (usage.peakRequestsPerSecond * usage.responseKiB * 1024 * 8) / 1e6 : undefined;
  const pick = (peakMbps !== undefined ? entries.find((e) => e.mbps === undefined || e.mbps >= peakMbps * 1.25) : undefined) ?? entries[0];
  return {
    name: pick.name,
    monthlyUsd: pick.lb.monthly.usd,
    source: eurSource(pick.lb.monthly, 'month'),
    why: pick.mbps !== undefined && peakMbps !== undefined ? `${pick.mbps} Mbps for a ${Math.round(peakMbps)} Mbps peak (+25%)` : undefined,
  };
}

export function priceSelfHosted(objects: readonly any[], options: SelfHostedPricingOptions): Bill {
  const catalog = options.catalog ?? loadCatalog();
  const provider = options.provider ?? 'hetzner';
  const list = options.priceList ?? provider;
  const rate = catalog.exchangeRate(options.eurUsd);
  const servers = catalog.selfHostedServers(list, { eurUsd: rate.eurUsd }).filter((s) => !s.gpu && !NOT_FOR_PRODUCTION.test(s.category));
  const services = catalog.selfHostedServices(list, { eurUsd: rate.eurUsd });
  const listId = servers[0]?.priceList ?? services.priceList;
  const ops = options.ops ?? DEFAULT_OPS;
  const u = options.usage;
  const singleNode = options.zones <= 1;
  const inv: Inventory = inventory([...objects]);
  const statesDedicated = servers.some((s) => s.vcpuKind === 'dedicated');
  const general = servers.map(serverType);
  const data = (statesDedicated ? servers.filter((s) => s.vcpuKind === 'dedicated') : servers).map(serverType);
  const ipv4 = services.primaryIpv4Monthly;

  const pricing: ClusterPricing = {
    candidates: (pool) => (pool === 'data' ? data : general),
    poolDescription: (pool) =>
      pool === 'data'
        ? statesDedicated
          ? 'data systems on dedicated-vCPU servers'
          : `data systems on their own nodes (the ${listId} list does not state dedicated vs shared vCPUs)`
        : 'stateless pods on the cheapest fitting servers',
    volume: services.volumePerGbMonth
      ? { usdPerGiBMonth: services.volumePerGbMonth.usd, label: 'Block volumes', priceSource: eurSource(services.volumePerGbMonth, 'GB-month') }
      : undefined,
    volumeMissing: `the ${listId} price list has no block-volume price`,
    perNode: (nodes) => (ipv4 ? [component({ name: `Primary IPv4 addresses (${nodes} servers)`, unit: 'addresses', quantity: nodes, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') })] : []),
    serverResourceType: `${provider} servers`,
  };
  const cluster = priceCluster(inv, options.zones, pricing, singleNode);
  const resources: PricedResource[] = [...cluster.resources];

  // Control plane: three nodes for an HA etcd quorum; on one node it shares the node.
  const controlPlaneServer = general.filter((s) => s.vcpu >= 2 && s.memoryGiB >= 4).sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
  let controlPlaneNodes = 0;
  if (singleNode) {
    resources.push(freeResource('ControlPlane', `${provider} servers`, 'runs on the single node (a k3s-style server), as the AWS single server runs everything on one machine'));
  } else if (controlPlaneServer) {
    controlPlaneNodes = 3;
    const lines: CostComponent[] = [component({ name: `Control-plane nodes (${controlPlaneServer.id} × 3)`, unit: 'servers', quantity: 3, price: controlPlaneServer.monthlyUsd, priceSource: controlPlaneServer.priceSource })];
    if (ipv4) lines.push(component({ name: 'Primary IPv4 addresses (3 servers)', unit: 'addresses', quantity: 3, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') }));
    resources.push(
      resource(
        'ControlPlane',
        `${provider} servers`,
        lines,
        `3 nodes for an etcd quorum, spread over the failure domains${options.zones === 2 ? ' (with 2 domains, place the third in a third location so losing one domain keeps quorum)' : ''}`,
      ),
    );
  }

  // Load balancers: one in front of the ingress controller (and one per LoadBalancer Service).
  for (const lb of inv.loadBalancers) {
    if (singleNode) {
      resources.push(freeResource(lb.name, lb.kind, 'single node: the ingress controller listens on the server\'s own address, as the AWS single server does'));
      continue;
    }
    const pick = loadBalancerFor(services, u);
    resources.push(
      pick
        ? resource(lb.name, lb.kind, [component({ name: `Load balancer (${pick.name})`, unit: 'months', quantity: 1, price: pick.monthlyUsd, priceSource: pick.source, assumption: pick.why })], lb.reason)
        : resource(lb.name, lb.kind, [unpricedComponent('Load balancer', 'months', `the ${listId} price list has no load balancer`)]),
    );
  }

  const allNodes = cluster.nodes + controlPlaneNodes;
  resources.push(trafficResource(services, allNodes, u));
  const backups = backupResource(services, inv, u, listId);
  if (backups) resources.push(backups);
  resources.push(opsLabour(singleNode ? 'single-node' : 'cluster', inv.systems, ops));

  return makeBill({
    provider: 'self-hosted',
    label: `${PROVIDER_NAMES[provider]} (${services.priceLocations.join(', ')})`,
    resources,
    usageIncluded: u !== undefined,
    assumptions: [
      `${listId} list prices in EUR, converted at ${rate.eurUsd} USD/EUR (${rate.overridden ? 'given with --eur-usd' : `${rate.source}, ${rate.published}; override with --eur-usd`})`,
      `${services.locationNote}`,
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
 * Backups of every Postgres system to object storage: a weekly base backup kept for the retention period
 * plus the WAL in between (barman-cloud for CloudNativePG, or pgBackRest/WAL-G for a plain StatefulSet).
 */
function backupResource(services: SelfHostedServices, inv: Inventory, u: UsageModel | undefined, listId: string): PricedResource | undefined {
  const pg = inv.systems.filter((s) => s.backsUp);
  if (!pg.length) return undefined;
  const store = services.objectStorage;
  if (!store) return resource('Backups', 'object storage', [unpricedComponent('Backup storage', 'GB-months', `the ${listId} price list has no object storage`, true)]);
  const lines: CostComponent[] = [];
  let totalGiB: number | undefined;
  let assumption = 'usage not included: give a workload profile';
  if (u) {
    const data = u.datasetGiB / pg.length;
    const walPerDay = (u.writeGiBPerMonth / pg.length / 30) * 2;
    const fulls = Math.floor(u.backupRetentionDays / 7) + 1;
    totalGiB = pg.length * (data * fulls + walPerDay * u.backupRetentionDays);
    assumption = `${pg.length} Postgres system(s): ${fulls} weekly base backups of ${gib(data)} + ${u.backupRetentionDays} days × ${walPerDay.toFixed(1)} GiB of WAL (2 × the row-write volume) = ${gib(totalGiB)}`;
  }
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
      assumption,
    }),
  );
  return resource('Backups', 'object storage', lines, pg.map((s) => s.name).join(', '));
}
