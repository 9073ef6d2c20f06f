/**
 * The fleet plan: the servers, load balancers, volumes and object storage a Kubernetes rendering needs on a
 * self-hosted provider, as data. The self-hosted bill prices this plan line by line, and the self-hosted
 * deploy provisions from it, so what is priced is by construction what would be provisioned.
 *
 * `planFleet(objects, options)` reads the rendering (inventory.ts), bin-packs each pool onto the cheapest
 * fitting server type of the provider's offer with failure-domain spread and N+1 (binpack.ts, cluster.ts),
 * and adds what sits around the pools: control-plane nodes, load balancers with their targets, volumes and
 * backup storage. Everything in it is plain JSON (no Maps, no functions).
 */
import { loadCatalog, PriceCatalog, SelfHostedProvider, SelfHostedServer, SelfHostedServices } from '../catalog';
import { gib, UsageModel } from '../usage';
import { PackResult, ServerType } from './binpack';
import { ClusterPacking, packCluster, PoolName } from './cluster';
import { Inventory, inventory, Workload } from './inventory';

export const PROVIDER_NAMES: Record<SelfHostedProvider, string> = { hetzner: 'Hetzner Cloud', ovh: 'OVHcloud Public Cloud', scaleway: 'Scaleway' };

/** A server type as the plan names it: enough to order it and to price it. */
export interface FleetServerType {
  readonly id: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Local disk, as the provider lists it (0 when it has none). */
  readonly diskGb: number;
  readonly diskType: string;
  readonly arch: string;
  readonly vcpuKind: string;
  /** "dedicated vCPU, x86_64"... shown on the bill. */
  readonly description: string;
  readonly monthlyUsd: number;
  readonly priceSource: string;
}

/** A workload placed on a pool: its pods and their requests. */
export interface FleetWorkload {
  readonly name: string;
  readonly kind: string;
  readonly role: string;
  readonly replicas: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  readonly spreadOverNodes: boolean;
  readonly note?: string;
}

export interface FleetPool {
  readonly name: PoolName;
  /** Why this pool exists and what its servers are, in words. */
  readonly purpose: string;
  readonly server: FleetServerType;
  /** Servers to provision: packed + spare. */
  readonly count: number;
  readonly packed: number;
  /** Spare servers (N+1) so a failed server's pods have somewhere to go. */
  readonly spare: number;
  /** Packed servers per failure domain, in the order of `FleetPlan.failureDomains`. */
  readonly perFailureDomain: number[];
  /** Index in `FleetPlan.failureDomains` where the spare goes (the domain with the fewest servers). */
  readonly spareFailureDomain: number | null;
  readonly workloads: FleetWorkload[];
  /** Requested ÷ allocatable over the packed servers. */
  readonly utilisation: { readonly vcpu: number; readonly memory: number };
  /** Each workload's share of the packed servers (the larger of its CPU and memory fraction). */
  readonly shares: Record<string, number>;
  /** Packed capacity no workload's share covers. */
  readonly unused: number;
  /** Each server needs a public IPv4 address (priced where the provider charges for it). */
  readonly publicIpv4: boolean;
}

export interface FleetControlPlane {
  readonly server: FleetServerType;
  readonly count: number;
  readonly perFailureDomain: number[];
  readonly note: string;
}

export interface FleetLoadBalancer {
  /** The Kubernetes object it fronts (Ingress/…, Service/…). */
  readonly name: string;
  readonly kind: string;
  /** The provider's load-balancer type ("lb11", "M"...). */
  readonly type: string;
  readonly count: number;
  /** The servers it forwards to: the pool that runs the ingress controller (or the Service's pods). */
  readonly targets: { readonly pool: PoolName; readonly servers: number };
  readonly monthlyUsd: number;
  readonly priceSource: string;
  readonly why?: string;
  readonly reason: string;
}

export interface FleetVolume {
  /** The workload (or PersistentVolumeClaim) the volume belongs to. */
  readonly name: string;
  readonly sizeGiB: number;
  /** Volumes of this size: one per replica. */
  readonly count: number;
  readonly medium: 'block-volume';
}

export interface FleetObjectStorage {
  readonly purpose: 'postgres-backups';
  /** The systems backed up. */
  readonly systems: string[];
  /** Stored GiB at steady state; null without a workload profile. */
  readonly storedGiB: number | null;
  readonly sizing: string;
}

export interface FleetPlan {
  readonly schema: 'stagekit.fleet/v1';
  readonly provider: SelfHostedProvider;
  readonly providerName: string;
  readonly priceList: string;
  /** USD per EUR the prices were converted at. */
  readonly eurUsd: number;
  /** Where the price list says its prices apply. */
  readonly priceLocations: string[];
  /** Provider locations used as failure domains (one per zone of the plan). */
  readonly failureDomains: string[];
  readonly locationNote: string;
  readonly singleNode: boolean;
  readonly pools: FleetPool[];
  readonly controlPlane: FleetControlPlane | null;
  readonly loadBalancers: FleetLoadBalancer[];
  readonly volumes: FleetVolume[];
  readonly objectStorage: FleetObjectStorage | null;
  /** Workloads no server type of the offer can hold: the plan is incomplete while this is not empty. */
  readonly unplaceable: { readonly workload: FleetWorkload; readonly pool: PoolName; readonly reason: string }[];
  /** Workloads at zero replicas in a pool that needs no servers (a queue worker scaled to zero). */
  readonly idle: { readonly workload: FleetWorkload; readonly pool: PoolName }[];
  /** Servers of every pool plus the control plane. */
  readonly servers: number;
}

export interface FleetOptions {
  readonly provider?: SelfHostedProvider;
  /** A specific price list id (e.g. "hetzner-2026-01"); defaults to the provider's freshest. */
  readonly priceList?: string;
  /** USD per EUR. @default the catalog's rate */
  readonly eurUsd?: number;
  /** Failure domains to spread over (the plan's zones). 1 = a single node. */
  readonly zones: number;
  readonly usage?: UsageModel;
  readonly catalog?: PriceCatalog;
}

/** Server categories that are not for production clusters (burstable, development instances). */
const NOT_FOR_PRODUCTION = /development|burstable/i;

function fleetServer(s: SelfHostedServer): FleetServerType {
  return {
    id: s.id,
    vcpu: s.vcpu,
    memoryGiB: s.memoryGiB,
    diskGb: s.diskGb,
    diskType: s.diskType,
    arch: s.arch,
    vcpuKind: s.vcpuKind,
    description: `${s.vcpuKind === 'unspecified' ? s.category : `${s.vcpuKind} vCPU`}, ${s.arch}`,
    monthlyUsd: s.monthly.usd,
    priceSource: `${s.priceList}: €${s.monthly.eur}/month × ${s.monthly.eurUsd} USD/EUR (${s.monthly.source}, ${s.monthly.published})`,
  };
}

export function eurSource(p: { eur: number; eurUsd: number; source: string; published: string }, unit: string): string {
  return `€${p.eur}/${unit} × ${p.eurUsd} USD/EUR (${p.source}, ${p.published})`;
}

/** The load balancer size whose bandwidth carries the peak with 25% to spare (the cheapest when none is stated). */
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

function fleetWorkload(w: Workload): FleetWorkload {
  return { name: w.name, kind: w.kind, role: w.role, replicas: w.replicas, vcpu: w.vcpu, memoryGiB: w.memoryGiB, storageGiB: w.storageGiB, spreadOverNodes: w.spreadOverNodes, ...(w.note ? { note: w.note } : {}) };
}

/** The packing a pool was planned from, in the form the cluster pricing reads. */
export function packingOf(pool: FleetPool, server: ServerType): PackResult {
  return {
    server,
    nodesPerZone: pool.perFailureDomain,
    packedNodes: pool.packed,
    spare: pool.spare,
    nodes: pool.count,
    monthlyUsd: pool.count * server.monthlyUsd,
    utilisation: pool.utilisation,
    shares: new Map(Object.entries(pool.shares)),
    unused: pool.unused,
  };
}

/** The Postgres backups to keep: a weekly base backup for the retention period plus the WAL in between. */
function backupSizing(inv: Inventory, u: UsageModel | undefined): FleetObjectStorage | null {
  const pg = inv.systems.filter((s) => s.backsUp);
  if (!pg.length) return null;
  if (!u) return { purpose: 'postgres-backups', systems: pg.map((s) => s.name), storedGiB: null, sizing: 'usage not included: give a workload profile' };
  const data = u.datasetGiB / pg.length;
  const walPerDay = (u.writeGiBPerMonth / pg.length / 30) * 2;
  const fulls = Math.floor(u.backupRetentionDays / 7) + 1;
  const total = pg.length * (data * fulls + walPerDay * u.backupRetentionDays);
  return {
    purpose: 'postgres-backups',
    systems: pg.map((s) => s.name),
    storedGiB: total,
    sizing: `${pg.length} Postgres system(s): ${fulls} weekly base backups of ${gib(data)} + ${u.backupRetentionDays} days × ${walPerDay.toFixed(1)} GiB of WAL (2 × the row-write volume) = ${gib(total)}`,
  };
}

/** The fleet a rendering needs on a self-hosted provider. */
export function planFleet(objects: readonly any[], options: FleetOptions): FleetPlan {
  return planFleetFrom(inventory([...objects]), options).plan;
}

/** The packing a plan was made from, in the form the cluster pricing reads (pools in the plan's order). */
export function clusterPackingOf(plan: FleetPlan): ClusterPacking {
  const pools = (['data', 'general'] as PoolName[]).flatMap((name) => {
    const pool = plan.pools.find((p) => p.name === name);
    const unplaceable = plan.unplaceable.filter((u) => u.pool === name).map((u) => ({ workload: u.workload as Workload, pool: name, reason: u.reason }));
    const members = (pool?.workloads ?? plan.idle.filter((i) => i.pool === name).map((i) => i.workload)) as Workload[];
    if (!pool && !members.length && !unplaceable.length) return [];
    return [{ pool: name, members, unplaceable, packing: pool ? packingOf(pool, pool.server) : undefined }];
  });
  return { singleNode: plan.singleNode, zones: plan.failureDomains.length, pools };
}

/** planFleet with what the bill needs besides the plan: the provider's services and rate. */
export function planFleetFrom(inv: Inventory, options: FleetOptions): { plan: FleetPlan; services: SelfHostedServices } {
  const catalog = options.catalog ?? loadCatalog();
  const provider = options.provider ?? 'hetzner';
  const list = options.priceList ?? provider;
  const rate = catalog.exchangeRate(options.eurUsd);
  const offer = catalog.selfHostedServers(list, { eurUsd: rate.eurUsd }).filter((s) => !s.gpu && !NOT_FOR_PRODUCTION.test(s.category));
  const services = catalog.selfHostedServices(list, { eurUsd: rate.eurUsd });
  const listId = offer[0]?.priceList ?? services.priceList;
  const singleNode = options.zones <= 1;
  const statesDedicated = offer.some((s) => s.vcpuKind === 'dedicated');
  const general = offer.map(fleetServer);
  const data = (statesDedicated ? offer.filter((s) => s.vcpuKind === 'dedicated') : offer).map(fleetServer);
  const byId = new Map(general.map((s) => [s.id, s]));

  const packed = packCluster(inv, options.zones, (pool) => (pool === 'data' ? data : general), singleNode);
  const purpose = (pool: PoolName) =>
    pool === 'data'
      ? statesDedicated
        ? 'data systems on dedicated-vCPU servers'
        : `data systems on their own nodes (the ${listId} list does not state dedicated vs shared vCPUs)`
      : 'stateless pods on the cheapest fitting servers';
  const domainCount = singleNode ? 1 : Math.max(1, options.zones);
  const failureDomains = Array.from({ length: domainCount }, (_, i) => services.providerLocations[i] ?? `domain-${i + 1}`);

  const pools: FleetPool[] = [];
  for (const p of packed.pools) {
    if (!p.packing) continue;
    const k = p.packing;
    const perDomain = [...k.nodesPerZone];
    const spareAt = k.spare ? perDomain.indexOf(Math.min(...perDomain)) : null;
    pools.push({
      name: p.pool,
      purpose: purpose(p.pool),
      server: byId.get(k.server.id) ?? (k.server as FleetServerType),
      count: k.nodes,
      packed: k.packedNodes,
      spare: k.spare,
      perFailureDomain: perDomain,
      spareFailureDomain: spareAt,
      workloads: p.members.map(fleetWorkload),
      utilisation: k.utilisation,
      shares: Object.fromEntries(k.shares),
      unused: k.unused,
      publicIpv4: true,
    });
  }

  // Control plane: three nodes for an HA etcd quorum; on one node it shares the node.
  const cpServer = general.filter((s) => s.vcpu >= 2 && s.memoryGiB >= 4).sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
  const controlPlane: FleetControlPlane | null =
    !singleNode && cpServer
      ? {
          server: cpServer,
          count: 3,
          perFailureDomain: failureDomains.map((_, i) => [0, 1, 2].filter((n) => n % domainCount === i).length),
          note: `3 nodes for an etcd quorum, spread over the failure domains${options.zones === 2 ? ' (with 2 domains, place the third in a third location so losing one domain keeps quorum)' : ''}`,
        }
      : null;

  const loadBalancers: FleetLoadBalancer[] = [];
  if (!singleNode) {
    const general = pools.find((p) => p.name === 'general') ?? pools[0];
    for (const lb of inv.loadBalancers) {
      const pick = loadBalancerFor(services, options.usage);
      if (!pick) continue;
      loadBalancers.push({
        name: lb.name,
        kind: lb.kind,
        type: pick.name,
        count: 1,
        targets: { pool: general?.name ?? 'general', servers: general?.count ?? 0 },
        monthlyUsd: pick.monthlyUsd,
        priceSource: pick.source,
        ...(pick.why ? { why: pick.why } : {}),
        reason: lb.reason,
      });
    }
  }

  const volumes: FleetVolume[] = [];
  for (const p of packed.pools) for (const w of p.members) if (w.storageGiB > 0 && w.replicas > 0) volumes.push({ name: w.name, sizeGiB: w.storageGiB, count: w.replicas, medium: 'block-volume' });
  for (const v of inv.volumes) volumes.push({ name: v.name, sizeGiB: v.storageGiB, count: 1, medium: 'block-volume' });

  const unplaceable = packed.pools.flatMap((p) => p.unplaceable.map((u) => ({ workload: fleetWorkload(u.workload), pool: u.pool, reason: u.reason })));
  const idle = packed.pools.filter((p) => !p.packing).flatMap((p) => p.members.map((w) => ({ workload: fleetWorkload(w), pool: p.pool })));

  const plan: FleetPlan = {
    schema: 'stagekit.fleet/v1',
    provider,
    providerName: PROVIDER_NAMES[provider],
    priceList: listId,
    eurUsd: rate.eurUsd,
    priceLocations: services.priceLocations,
    failureDomains,
    locationNote: services.locationNote,
    singleNode,
    pools,
    controlPlane,
    loadBalancers,
    volumes,
    objectStorage: backupSizing(inv, options.usage),
    unplaceable,
    idle,
    servers: pools.reduce((s, p) => s + p.count, 0) + (controlPlane?.count ?? 0),
  };
  return { plan, services };
}
