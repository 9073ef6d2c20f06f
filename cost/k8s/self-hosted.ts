/**
 * The self-hosted bill: the Kubernetes rendering on servers the team runs — Hetzner Cloud (default), Hetzner
 * dedicated root servers with Hetzner Cloud, OVH or Scaleway cloud, or owned hardware in colocation. It
 * prices the fleet plan (fleet.ts) line by line: servers, control plane, load balancers, volumes, traffic
 * by the provider's rules, backups and logs in object storage, colocation lines for owned hardware, and
 * operations labour that scales with what is run. EUR prices are converted at the catalog's (overridable) rate.
 */
import { loadCatalog, PriceCatalog, SelfHostedServices } from '../catalog';
import { Bill, component, CostComponent, freeResource, makeBill, PricedResource, resource, unpricedComponent } from '../model';
import { gib, UsageModel, usageFromPlan } from '../usage';
import { ClusterPricing, clusterResources } from './cluster';
import { clusterPackingOf, eurSource, FleetPlan, planFleetFrom, planStageFleet, PROVIDER_NAMES, StageFleetInputs, volumeLimitsOf } from './fleet';
import type { Plan } from '../../core/plan';
import { Inventory, inventory } from './inventory';
import { bareMetalData, FLEET_PROVIDERS, FleetProvider, OwnedHardwareOptions, ownedOptionSource, sourceText } from './offers';
import { DEFAULT_OPS, opsLabour, OpsOptions } from './ops';
import { eksFlows } from './eks';

export const SELF_HOSTED_PROVIDERS: readonly FleetProvider[] = FLEET_PROVIDERS;

export { PROVIDER_NAMES };

export interface SelfHostedPricingOptions {
  readonly provider?: FleetProvider;
  /** The profile's AWS region: the fleet runs at the provider's nearest sites. */
  readonly region?: string;
  /** Owned-hardware assumptions (amortization years, rack, power, bandwidth commit, spares). */
  readonly owned?: OwnedHardwareOptions;
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
  const { plan, services, inventory: inv } = planFleetFrom(inventory([...objects]), {
    provider: options.provider,
    region: options.region,
    owned: options.owned,
    priceList: options.priceList,
    eurUsd: options.eurUsd,
    zones: options.zones,
    usage: options.usage,
    catalog,
  });
  return priceFleet(plan, inv, services, options, catalog);
}

/**
 * The self-hosted bill of a stage: the fleet `planStageFleet` plans for it (the same call the self-hosted
 * provisioning makes, with the platform every stage installs), priced line by line.
 */
export function priceStageSelfHosted(stagePlan: Plan, objects: readonly any[], options: Omit<SelfHostedPricingOptions, 'zones' | 'usage' | 'stage'> = {}): Bill {
  const catalog = options.catalog ?? loadCatalog();
  const inputs: StageFleetInputs = { provider: options.provider, region: options.region, owned: options.owned, priceList: options.priceList, eurUsd: options.eurUsd, catalog };
  const { plan, services, inventory: inv } = planStageFleet(stagePlan, objects, inputs);
  return priceFleet(plan, inv, services, { ...options, zones: stagePlan.zones, usage: usageFromPlan(stagePlan), stage: stagePlan.stage }, catalog);
}

export function priceFleet(plan: FleetPlan, inv: Inventory, services: SelfHostedServices, options: SelfHostedPricingOptions, catalog: PriceCatalog): Bill {
  const rate = catalog.exchangeRate(options.eurUsd);
  const provider = plan.provider;
  const listId = plan.priceList;
  const ops = options.ops ?? DEFAULT_OPS;
  const usage = options.usage;
  const singleNode = plan.singleNode;
  const ipv4 = services.primaryIpv4Monthly;

  const pricing: ClusterPricing = {
    candidates: () => [],
    poolDescription: (pool) => plan.pools.find((p) => p.name === pool)?.purpose ?? pool,
    volume: services.volumePerGbMonth
      ? { usdPerGiBMonth: services.volumePerGbMonth.usd, label: 'Block volumes', priceSource: eurSource(services.volumePerGbMonth, 'GB-month'), limits: volumeLimitsOf(provider) }
      : undefined,
    volumeMissing: `the ${listId} price list has no block-volume price`,
    perNode: (nodes) => (ipv4 ? [component({ name: `Primary IPv4 addresses (${nodes} servers)`, unit: 'addresses', quantity: nodes, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') })] : []),
    serverResourceType: `${provider} servers`,
    localDrives: plan.owned
      ? {
          usdPerGiBMonth: (2 * plan.owned.nvmeUsdPerTb * (2 ** 30 / 1e12)) / (plan.owned.amortizationYears * 12),
          priceSource: `2 × $${plan.owned.nvmeUsdPerTb}/TB (mirrored) ÷ ${plan.owned.amortizationYears * 12} months (${ownedOptionSource('nvmeUsdPerTb', plan.owned)})`,
        }
      : undefined,
  };
  const cluster = clusterResources(inv, clusterPackingOf(plan), pricing);
  const resources: PricedResource[] = [...cluster.resources];

  const cp = plan.controlPlane;
  if (singleNode) {
    resources.push(freeResource('ControlPlane', `${provider} servers`, 'runs on the single node (a k3s-style server), as the AWS single server runs everything on one machine'));
  } else if (cp?.stacked) {
    resources.push(freeResource('ControlPlane', `${provider} servers`, `${cp.note}: its 2 vCPU / 8 GiB per server are on the addon/control-plane line`));
  } else if (cp) {
    const lines: CostComponent[] = [component({ name: `Control-plane nodes (${cp.server.id} × ${cp.count})`, unit: 'servers', quantity: cp.count, price: cp.server.monthlyUsd, priceSource: cp.server.priceSource })];
    if (ipv4) lines.push(component({ name: `Primary IPv4 addresses (${cp.count} servers)`, unit: 'addresses', quantity: cp.count, price: ipv4.usd, priceSource: eurSource(ipv4, 'month') }));
    resources.push(resource('ControlPlane', `${provider} servers`, lines, `${cp.note}; members by failure domain: ${cp.locations.join(', ')}`));
  }

  for (const lb of inv.loadBalancers) {
    if (singleNode) {
      resources.push(freeResource(lb.name, lb.kind, 'single node: the ingress controller listens on the server\'s own address, as the AWS single server does'));
      continue;
    }
    const planned = plan.loadBalancers.find((p) => p.name === lb.name);
    resources.push(
      planned
        ? planned.monthlyUsd === 0
          ? freeResource(lb.name, lb.kind, `${planned.type}: ${lb.reason}; ${planned.priceSource}`)
          : resource(lb.name, lb.kind, [component({ name: `Load balancer (${planned.type}${planned.count > 1 ? ` × ${planned.count}` : ''})`, unit: 'load balancers', quantity: planned.count, price: planned.monthlyUsd, priceSource: planned.priceSource, assumption: planned.why })], lb.reason)
        : resource(lb.name, lb.kind, [unpricedComponent('Load balancer', 'months', `the ${listId} price list has no load balancer`)]),
    );
  }

  resources.push(...trafficResources(services, plan, usage));
  if (usage && !singleNode) {
    const between = interDomainResource(plan, inv, usage);
    if (between) resources.push(between);
  }
  const backups = backupResource(services, plan, listId);
  if (backups) resources.push(backups);
  const logs = logsResource(services, plan, listId);
  if (logs) resources.push(logs);
  if (plan.owned) resources.push(...ownedResources(plan, plan.owned, usage));
  const nodeItem = (offer: string) => (offer === 'owned' ? 'node-owned' : offer === 'dedicated' ? 'node-dedicated' : 'node-cloud') as 'node-cloud' | 'node-dedicated' | 'node-owned';
  const nodes = new Map<'node-cloud' | 'node-dedicated' | 'node-owned', number>();
  for (const pool of plan.pools) nodes.set(nodeItem(pool.server.offer), (nodes.get(nodeItem(pool.server.offer)) ?? 0) + pool.count);
  if (cp && !cp.stacked) nodes.set('node-cloud', (nodes.get('node-cloud') ?? 0) + cp.count);
  resources.push(
    opsLabour(singleNode ? 'single-node' : 'cluster', inv.systems, ops, {
      nodes: [...nodes].map(([item, count]) => ({ item, count })),
      onCall: singleNode ? undefined : 'on-call',
    }),
  );

  return makeBill({
    provider: 'self-hosted',
    label: `${plan.providerName} (${plan.locations.names.join(', ')}${plan.locations.pricedHere ? '' : '; EU list prices'})`,
    resources,
    usageIncluded: usage !== undefined,
    assumptions: [
      plan.owned
        ? 'owned servers priced by capex amortized plus colocation; backups and logs kept off-site in Hetzner Object Storage'
        : `${listId} list prices in EUR, converted at ${rate.eurUsd} USD/EUR (${rate.overridden ? 'given with --eur-usd' : `${rate.source}, ${rate.published}; override with --eur-usd`})`,
      `sites: ${plan.locations.names.join(', ')}${plan.locations.region ? ` for a profile in ${plan.locations.region}` : ''}; failure domains ${plan.failureDomains.join(', ')}`,
      ...(plan.locationNote ? [plan.locationNote] : []),
      ...plan.notOffered.map((n) => `not offered: ${n}`),
      singleNode
        ? 'one failure domain, one node: no spare node, as the single-server stage has no redundancy'
        : `pods spread over ${options.zones} failure domains (provider locations) and bin-packed with N+1 (one spare node per pool); pods may request 90% of a server's vCPU and 85% of its memory`,
      'operators, ingress controller and monitoring run as add-ons with the requests stated on their lines; arm64 servers need multi-arch images',
      plan.observability
        ? `logs priced like CloudWatch's: ${plan.observability.sizing}; metrics in the cluster's Prometheus (its own line)`
        : 'no log volume in the profile: no log stack sized',
      ...(usage ? usage.assumptions : ['usage-based lines (traffic, backups) are not included: give a workload profile']),
    ],
    catalogDate: catalog.catalogDate.summary,
    stage: options.stage,
  });
}

/**
 * Internet egress by the provider's rules. Hetzner Cloud: each server and load balancer includes traffic
 * (summed over the project here; how Hetzner pools it could not be confirmed), the rest is billed per TB.
 * Dedicated root servers and providers that include egress: no charge. Owned hardware: the bandwidth
 * commit (priced on its own line) must carry the peak.
 */
function trafficResources(services: SelfHostedServices, plan: FleetPlan, usage: UsageModel | undefined): PricedResource[] {
  const egressGb = usage ? usage.egressGiBPerMonth * (2 ** 30 / 1e9) : undefined;
  const traffic = services.traffic;
  if (plan.owned) {
    return [resource('Traffic', 'bandwidth', [component({ name: 'Internet egress (within the bandwidth commit)', unit: 'GB', quantity: egressGb ?? null, price: 0, usageBased: true, assumption: 'carried by the IP-transit commit priced on the Colocation line' })])];
  }
  const cloudServers = plan.pools.filter((p) => p.server.offer === 'cloud').reduce((n, p) => n + p.count, 0) + (plan.controlPlane && !plan.controlPlane.stacked ? plan.controlPlane.count : 0);
  const dedicatedServers = plan.pools.filter((p) => p.server.offer === 'dedicated').reduce((n, p) => n + p.count, 0);
  if (traffic.includedTbPerServer === 'unlimited') {
    return [resource('Traffic', 'bandwidth', [
      component({ name: 'Internet egress (included)', unit: 'GB', quantity: egressGb ?? null, price: 0, usageBased: true, assumption: `${usage ? gib(usage.egressGiBPerMonth) : 'egress'}: ${traffic.note ?? 'included in the server price'}` }),
    ])];
  }
  // Egress leaves through the servers the load balancers front (the general pool): unmetered only when those are dedicated.
  const front = plan.pools.find((p) => p.name === 'general') ?? plan.pools[0];
  if (dedicatedServers > 0 && front?.server.offer === 'dedicated') {
    return [resource('Traffic', 'bandwidth', [
      component({ name: 'Internet egress (through the dedicated servers, unmetered)', unit: 'GB', quantity: egressGb ?? null, price: 0, usageBased: true, assumption: `${dedicatedServers} dedicated server(s) with unlimited traffic at 1 Gbit/s each serve the egress (${plan.pools.find((p) => p.server.offer === 'dedicated')!.server.traffic ?? 'unlimited'})` }),
    ])];
  }
  const hetzner = plan.provider === 'hetzner' || plan.provider === 'hetzner-dedicated';
  const rule = bareMetalData() as any;
  const perGb = hetzner ? { usd: (rule.hetznerTraffic.overageEurPerTb / 1000) * traffic.overagePerGb.eurUsd, source: `€${rule.hetznerTraffic.overageEurPerTb}/TB × ${traffic.overagePerGb.eurUsd} USD/EUR (${sourceText(rule.hetznerTraffic.sources)}; ${rule.hetznerTraffic.feedSays})` } : { usd: traffic.overagePerGb.usd, source: eurSource(traffic.overagePerGb, 'GB') };
  const lbs = plan.loadBalancers.reduce((n, l) => n + l.count, 0);
  const allowanceUnits = cloudServers + (hetzner ? lbs : 0);
  const included = traffic.includedTbPerServer * 1000 * allowanceUnits;
  return [resource('Traffic', 'bandwidth', [
    component({
      name: 'Internet egress beyond the included traffic',
      unit: 'GB',
      quantity: egressGb === undefined ? null : Math.max(0, egressGb - included),
      price: perGb.usd,
      usageBased: true,
      priceSource: perGb.source,
      assumption: usage
        ? `${Math.round(egressGb!).toLocaleString('en-US')} GB of responses against ${traffic.includedTbPerServer} TB included × ${allowanceUnits} servers${hetzner && lbs ? ' and load balancers' : ''} (${hetzner ? rule.hetznerTraffic.pooling : 'pooled'})`
        : 'usage not included: give a workload profile',
    }),
  ])];
}

/**
 * Traffic between failure domains: the flows the EKS bill prices as cross-AZ (same volumes), by each
 * provider's rule. Hetzner does not bill internal traffic between its cloud servers of a network zone and its
 * dedicated root servers (Hetzner Cloud billing FAQ); OVHcloud and Scaleway private-network traffic is not
 * billed on their price lists here (no per-GB private traffic price in them); owned sites carry it on their links.
 */
function interDomainResource(plan: FleetPlan, inv: Inventory, usage: UsageModel): PricedResource | undefined {
  const flows = eksFlows(inv, usage);
  if (!flows.length) return undefined;
  const rule: Record<FleetProvider, string> = {
    hetzner: HETZNER_INTERNAL_TRAFFIC,
    'hetzner-dedicated': HETZNER_INTERNAL_TRAFFIC,
    ovh: 'OVHcloud: private-network (vRack) traffic has no per-GB price in the ovh price list; not confirmed from a stored statement',
    scaleway: 'Scaleway: private-network traffic has no per-GB price in the scaleway price list; not confirmed from a stored statement',
    owned: 'owned sites: carried by the links between your sites (the IP-transit commit on the Colocation line), no per-GB charge',
  };
  const sameSite = new Set(plan.failureDomains.map((d) => d.split('/')[0])).size === 1;
  return resource(
    'TrafficBetweenDomains',
    'private network',
    flows.map((f) => component({ name: f.name.replace('cross-AZ', 'between failure domains'), unit: 'GB', quantity: f.gb, price: 0, usageBased: true, assumption: `${f.assumption}; ${rule[plan.provider]}` })),
    `the same flows the EKS bill prices as cross-AZ traffic${sameSite ? ` (failure domains are spread placement groups inside ${plan.failureDomains[0].split('/')[0]})` : ''}`,
  );
}

const HETZNER_INTERNAL_TRAFFIC = 'Hetzner bills outgoing internet traffic only: traffic to other cloud servers of the network zone and to dedicated root servers is internal and free (https://docs.hetzner.com/cloud/billing/faq, 2023-08-03)';

/** Log chunks in object storage (the log stack's pods are on the general pool), sized like CloudWatch's storage. */
function logsResource(services: SelfHostedServices, plan: FleetPlan, listId: string): PricedResource | undefined {
  const observability = plan.observability;
  if (!observability) return undefined;
  if (observability.store === 'loki-volume') return freeResource('Logs', 'object storage', `no object storage: ${observability.sizing}; the volume is priced on Loki's line`);
  const store = services.objectStorage;
  if (!store) return resource('Logs', 'object storage', [unpricedComponent('Log storage', 'GB-months', `the ${listId} price list has no object storage`, true)]);
  return resource('Logs', 'object storage', [
    component({ name: `Log chunks (${observability.logRetentionDays} days kept)`, unit: 'GB-months', quantity: observability.logStoredGiB * (2 ** 30 / 1e9), price: store.perGbMonth.usd, usageBased: true, priceSource: eurSource(store.perGbMonth, 'GB-month'), assumption: observability.sizing }),
  ], 'Loki: the same log volume and retention as the AWS bill\'s CloudWatch lines');
}

/** Owned hardware beyond the servers: IP-transit commit per site, cold spares, remote hands. */
function ownedResources(plan: FleetPlan, owned: OwnedHardwareOptions, usage: UsageModel | undefined): PricedResource[] {
  const sites = new Set(plan.failureDomains).size;
  const capex = plan.pools.reduce((s, p) => s + p.count * (p.server.owned?.capexUsd ?? 0), 0);
  // Each site carries its share of the peak with 25% headroom, in whole commits.
  const peakMbps = usage ? (usage.peakRequestsPerSecond * usage.responseKiB * 1024 * 8) / 1e6 : 0;
  const perSite = Math.max(1, Math.ceil((peakMbps * 1.25) / sites / owned.bandwidthCommitMbps));
  const lines: CostComponent[] = [
    component({
      name: `IP-transit commit (${sites} site(s) × ${perSite} × ${owned.bandwidthCommitMbps.toLocaleString('en-US')} Mbit/s)`,
      unit: 'commit-months',
      quantity: sites * perSite,
      price: owned.bandwidthCommitUsdPerMonth,
      assumption: `${usage ? `a ${Math.round(peakMbps).toLocaleString('en-US')} Mbit/s peak + 25% over ${sites} site(s)` : 'no profile: one commit per site'}; ${ownedOptionSource('bandwidthCommitUsdPerMonth', owned)}`,
    }),
    component({ name: `Cold spares (${Math.round(owned.spareShare * 100)}% of $${Math.round(capex).toLocaleString('en-US')} capex, amortized)`, unit: 'USD', quantity: (capex * owned.spareShare) / (owned.amortizationYears * 12), price: 1, assumption: ownedOptionSource('spareShare', owned) }),
    component({ name: `Remote hands (${sites} site(s))`, unit: 'site-months', quantity: sites, price: owned.remoteHandsUsdPerMonth, assumption: ownedOptionSource('remoteHandsUsdPerMonth', owned) }),
  ];
  const perServer = plan.pools.map((p) => `${p.count} × ${p.server.id}: ${p.server.owned ? `$${p.server.owned.amortizedUsd.toFixed(0)} capex + $${p.server.owned.spaceUsd.toFixed(0)} space + $${p.server.owned.powerUsd.toFixed(0)} power a month` : ''}`).join('; ');
  return [
    resource(
      'Colocation',
      'owned hardware',
      lines,
      `servers are priced on the pool lines all-in (${perServer}); amortized over ${owned.amortizationYears} years (${ownedOptionSource('amortizationYears', owned)}); rack ${ownedOptionSource('rackUsdPerMonth', owned)}; power ${ownedOptionSource('powerUsdPerKwMonth', owned)}; override with --owned KEY=VALUE`,
    ),
  ];
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
