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
import { hetznerDedicatedAvailable, providerLocations } from './locations';
import { bareMetalData, defaultOwnedOptions, FleetProvider, HETZNER_LB_SOURCE, HETZNER_LB_TYPES, OvhBareMetalOffer, ovhBareMetalOffers, OwnedHardwareOptions, sourceText } from './offers';
import { gib, UsageModel, usageFromPlan } from '../usage';
import { PackResult, ServerType } from './binpack';
import { ClusterPacking, oversizedVolumeReason, packCluster, PlatformLoad, PoolName, provisionedVolumeGiB, VolumeLimits } from './cluster';
import { Inventory, inventory, parseQuantity, podRequests, Workload } from './inventory';
import type { Plan } from '../../core/plan';
import { renderPlatform } from '../../platform/builder';
import type { PlatformCluster } from '../../platform/types';
import { LOKI_SIZING_SOURCE, LOKI_TIERS, lokiRequests, lokiSizing } from '../../platform/addons/logs';

/**
 * Hetzner Cloud volume sizes: at least 10 GB, at most 10,240 GB (the standard limit is 1,024 GB; up to
 * 10,240 GB on request). Hetzner's "GB" are GiB to the CSI driver (hetznercloud/csi-driver csi/volume.go:
 * SizeBytes = GB × 1024³). Sources, read 2026-12-02 through the stored corpus (docs.hetzner.com itself is
 * not in it): nixops-hetznercloud's volume option ("Standard limits are between 10GB and 1024GB. It is
 * possible to increase the upper limit to 10240GB on request"); alchemy.run's Hetzner Volume provider docs
 * ("min 10 GB ... Hetzner cannot shrink a Volume"). Recorded in data/prices/SOURCES.md.
 */
export const HETZNER_VOLUME_LIMITS: VolumeLimits = {
  minGiB: 10,
  maxGiB: 10240,
  source: 'Hetzner Cloud volumes are 10 GB to 10,240 GB (1,024 GB without a limit increase); see data/prices/SOURCES.md, read 2026-12-02',
};

export const PROVIDER_NAMES: Record<FleetProvider, string> = {
  hetzner: 'Hetzner Cloud',
  'hetzner-dedicated': 'Hetzner dedicated + Cloud',
  ovh: 'OVHcloud Public Cloud + bare metal',
  scaleway: 'Scaleway',
  owned: 'Owned hardware (colocated)',
};

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
  /** cloud server, rented dedicated server, or bought and colocated. */
  readonly offer: 'cloud' | 'dedicated' | 'owned';
  /** Usable local NVMe when volumes live on the server (dedicated, owned). */
  readonly localDiskGiB?: number;
  /** Dedicated: the one-off setup fee (USD), amortized into monthlyUsd over `setupMonths`. */
  readonly setupUsd?: number;
  readonly setupMonths?: number;
  /** Dedicated: the traffic the rent includes ("unlimited at 1 Gbit/s"). */
  readonly traffic?: string;
  /** Owned: the parts of monthlyUsd. */
  readonly owned?: { readonly capexUsd: number; readonly amortizedUsd: number; readonly spaceUsd: number; readonly powerUsd: number; readonly rackUnits: number; readonly powerKw: number };
}

/** A workload placed on a pool: its pods and their requests. */
export interface FleetWorkload extends Omit<Workload, 'role'> {
  /** The inventory's role, or an add-on's own (logs, metrics) that the inventory does not know. */
  readonly role: string;
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
  /** etcd members: 1, 3 or 5, never an even number (2 members tolerate no failure and double the ways to lose quorum). */
  readonly count: number;
  /**
   * Where each member runs: a provider location, or `<site>/spread-N` (separate hosts of one location) where the
   * region has fewer than three locations. Three members in three locations survive the loss of one location.
   */
  readonly locations: string[];
  /** Runs on three of the general pool's servers (owned hardware) rather than on servers of its own. */
  readonly stacked: boolean;
  readonly perFailureDomain: number[];
  readonly note: string;
}

export interface FleetLoadBalancer {
  /** The Kubernetes object it fronts (Ingress/…, Service/…). */
  readonly name: string;
  readonly kind: string;
  /** The provider's load-balancer type ("lb11", "M", "software"...). */
  readonly type: string;
  /** Most targets one load balancer of this type can have, where the provider states it. */
  readonly maxTargets?: number;
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
  /** The size each volume is made (and billed) at: the claim, raised to the provider's minimum. */
  readonly sizeGiB: number;
  /** What the claim asks for. */
  readonly requestedGiB: number;
  /** Volumes of this size: one per replica. */
  readonly count: number;
  readonly medium: 'block-volume' | 'local-nvme';
}

export interface FleetObjectStorage {
  readonly purpose: 'postgres-backups';
  /** The systems backed up. */
  readonly systems: string[];
  /** Stored GiB at steady state; null without a workload profile. */
  readonly storedGiB: number | null;
  readonly sizing: string;
}

/** Logs and metrics kept in the cluster, sized from the same volumes as the managed side's CloudWatch. */
export interface FleetObservability {
  readonly logGiBPerMonth: number;
  readonly logRetentionDays: number;
  /** Where the log chunks are kept: object storage (priced on the Logs line) or the Loki pod's own volume (its volume line). */
  readonly store: 'object-storage' | 'loki-volume';
  /** Compressed log chunks kept in object storage (0 when they are on Loki's volume). */
  readonly logStoredGiB: number;
  readonly sizing: string;
}

export interface FleetPlan {
  readonly schema: 'stagekit.fleet/v1';
  readonly provider: FleetProvider;
  readonly providerName: string;
  readonly priceList: string;
  /** USD per EUR the prices were converted at. */
  readonly eurUsd: number;
  /** Where the price list says its prices apply. */
  readonly priceLocations: string[];
  /** Provider locations used as failure domains (one per zone of the plan). */
  readonly failureDomains: string[];
  /** The sites the fleet runs in, chosen for the profile's region. */
  readonly locations: { readonly region: string | null; readonly sites: string[]; readonly names: string[]; readonly pricedHere: boolean };
  readonly locationNote: string;
  readonly singleNode: boolean;
  readonly pools: FleetPool[];
  readonly controlPlane: FleetControlPlane | null;
  readonly loadBalancers: FleetLoadBalancer[];
  readonly volumes: FleetVolume[];
  readonly objectStorage: FleetObjectStorage | null;
  readonly observability: FleetObservability | null;
  /** Owned hardware: the assumptions its lines use (each overridable). */
  readonly owned: OwnedHardwareOptions | null;
  /** What the provider could offer but no dated price was found for. */
  readonly notOffered: string[];
  /** Workloads no server type of the offer can hold: the plan is incomplete while this is not empty. */
  readonly unplaceable: { readonly workload: FleetWorkload; readonly pool: PoolName; readonly reason: string }[];
  /** Workloads at zero replicas in a pool that needs no servers (a queue worker scaled to zero). */
  readonly idle: { readonly workload: FleetWorkload; readonly pool: PoolName }[];
  /** Why the fleet cannot be provisioned as planned (a volume over the provider's largest): empty when it can. */
  readonly cannotProvision: string[];
  /** The platform's DaemonSets' requests on every node, reserved in the packing. */
  readonly perNode: { readonly vcpu: number; readonly memoryGiB: number; readonly note: string } | null;
  /** Servers of every pool plus the control plane. */
  readonly servers: number;
}

export interface FleetOptions {
  readonly provider?: FleetProvider;
  /** The profile's AWS region: picks the provider's nearest sites. */
  readonly region?: string;
  /** Owned-hardware assumptions. @default data/prices/bare-metal.json's defaults */
  readonly owned?: OwnedHardwareOptions;
  /** Months a dedicated server's setup fee is spread over. @default 36 */
  readonly setupMonths?: number;
  /** Days logs are kept (as the AWS log groups keep them). @default 30 */
  readonly logRetentionDays?: number;
  /** A specific price list id (e.g. "hetzner-2026-01"); defaults to the provider's freshest. */
  readonly priceList?: string;
  /** USD per EUR. @default the catalog's rate */
  readonly eurUsd?: number;
  /** Failure domains to spread over (the plan's zones). 1 = a single node. */
  readonly zones: number;
  readonly usage?: UsageModel;
  readonly catalog?: PriceCatalog;
  /** What the rendered platform runs (platformLoad): packed as rendered instead of assumed add-ons. */
  readonly platform?: PlatformLoad;
}

/** Server categories that are not for production clusters (burstable, development instances). */
const NOT_FOR_PRODUCTION = /development|burstable/i;

function fleetServer(server: SelfHostedServer): FleetServerType {
  return {
    offer: 'cloud',
    id: server.id,
    vcpu: server.vcpu,
    memoryGiB: server.memoryGiB,
    diskGb: server.diskGb,
    diskType: server.diskType,
    arch: server.arch,
    vcpuKind: server.vcpuKind,
    description: `${server.vcpuKind === 'unspecified' ? server.category : `${server.vcpuKind} vCPU`}, ${server.arch}`,
    monthlyUsd: server.monthly.usd,
    priceSource: `${server.priceList}: €${server.monthly.eur}/month × ${server.monthly.eurUsd} USD/EUR (${server.monthly.source}, ${server.monthly.published})`,
  };
}

export function eurSource(price: { eur: number; eurUsd: number; source: string; published: string }, unit: string): string {
  return `€${price.eur}/${unit} × ${price.eurUsd} USD/EUR (${price.source}, ${price.published})`;
}

/** The load balancer size whose bandwidth carries the peak with 25% to spare (the cheapest when none is stated). */
function loadBalancerFor(services: SelfHostedServices, usage: UsageModel | undefined): { name: string; monthlyUsd: number; source: string; why?: string } | undefined {
  const entries = Object.entries(services.loadBalancers).map(([name, lb]) => {
    const match = /([0-9.]+)\s*(Gbps|Mbps)/.exec(lb.note ?? '');
    return { name, lb, mbps: match ? Number(match[1]) * (match[2] === 'Gbps' ? 1000 : 1) : undefined };
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

function fleetWorkload(workload: Workload): FleetWorkload {
  return { name: workload.name, kind: workload.kind, role: workload.role, replicas: workload.replicas, vcpu: workload.vcpu, memoryGiB: workload.memoryGiB, storageGiB: workload.storageGiB, spreadOverNodes: workload.spreadOverNodes, ...(workload.note ? { note: workload.note } : {}) };
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
export function backupSizing(inv: Inventory, usage: UsageModel | undefined): FleetObjectStorage | null {
  const pg = inv.systems.filter((s) => s.backsUp);
  if (!pg.length) return null;
  if (!usage) return { purpose: 'postgres-backups', systems: pg.map((s) => s.name), storedGiB: null, sizing: 'usage not included: give a workload profile' };
  const data = usage.datasetGiB / pg.length;
  const walPerDay = (usage.writeGiBPerMonth / pg.length / 30) * 2;
  const fulls = Math.floor(usage.backupRetentionDays / 7) + 1;
  const total = pg.length * (data * fulls + walPerDay * usage.backupRetentionDays);
  return {
    purpose: 'postgres-backups',
    systems: pg.map((s) => s.name),
    storedGiB: total,
    sizing: `${pg.length} Postgres system(s): ${fulls} weekly base backups of ${gib(data)} + ${usage.backupRetentionDays} days × ${walPerDay.toFixed(1)} GiB of WAL (2 × the row-write volume) = ${gib(total)}`,
  };
}

/** Requests assumed for a platform pod that sets none (as the inventory assumes for operator pods). */
const UNSPECIFIED_POD = { vcpu: 0.1, memoryGiB: 0.25 };
const storageOf = (claim: any) => (parseQuantity(claim?.spec?.resources?.requests?.storage) ?? 0) / 2 ** 30;

/**
 * What the rendered platform (platform/builder.ts) runs, read from its objects, so the bill packs exactly what
 * is installed: Deployments and StatefulSets with their requests and claims, the Prometheus and Alertmanager
 * the operator makes from their resources, and the DaemonSets as a reserve on every node. A pod without
 * requests is counted at 0.1 vCPU / 256 MiB, as the inventory counts operator pods.
 */
export function platformLoad(objects: readonly any[]): PlatformLoad {
  const workloads: Workload[] = [];
  const volumes: { name: string; storageGiB: number }[] = [];
  const daemonSets: string[] = [];
  let perNodeCpu = 0;
  let perNodeMem = 0;
  const named = (o: any) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
  const add = (o: any, replicas: number, requests: { vcpu: number; memoryGiB: number }, storageGiB: number, detail: string) => {
    const assumed = requests.vcpu === 0 && requests.memoryGiB === 0;
    const pod = assumed ? UNSPECIFIED_POD : requests;
    workloads.push({
      name: named(o),
      kind: 'add-on',
      role: 'platform',
      replicas,
      vcpu: pod.vcpu,
      memoryGiB: pod.memoryGiB,
      storageGiB,
      spreadOverNodes: replicas > 1,
      note: `platform (as rendered): ${detail}${assumed ? '; no requests set, counted at 0.1 vCPU / 256 MiB per pod' : ''}`,
    });
  };
  for (const o of objects) {
    const spec = o?.spec ?? {};
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
      const storage = (spec.volumeClaimTemplates ?? []).reduce((sum: number, claim: any) => sum + storageOf(claim), 0);
      add(o, spec.replicas ?? 1, podRequests(spec.template?.spec), storage, `${spec.replicas ?? 1} × ${o.kind}`);
    } else if ((o.kind === 'Prometheus' || o.kind === 'Alertmanager') && String(o.apiVersion).startsWith('monitoring.coreos.com/')) {
      const requests = { vcpu: parseQuantity(spec.resources?.requests?.cpu) ?? 0, memoryGiB: (parseQuantity(spec.resources?.requests?.memory) ?? 0) / 2 ** 30 };
      add(o, spec.replicas ?? 1, requests, storageOf(spec.storage?.volumeClaimTemplate), `${spec.replicas ?? 1} pod(s) the prometheus-operator makes (its config-reloader sidecar not counted)`);
    } else if (o.kind === 'DaemonSet') {
      const requests = podRequests(spec.template?.spec);
      const pod = requests.vcpu === 0 && requests.memoryGiB === 0 ? UNSPECIFIED_POD : requests;
      perNodeCpu += pod.vcpu;
      perNodeMem += pod.memoryGiB;
      daemonSets.push(`${named(o)} ${+pod.vcpu.toFixed(3)} vCPU / ${Math.round(pod.memoryGiB * 1024)} MiB${pod === UNSPECIFIED_POD ? ' (no requests set: counted at 0.1 vCPU / 256 MiB)' : ''}`);
    } else if (o.kind === 'PersistentVolumeClaim') {
      volumes.push({ name: named(o), storageGiB: storageOf(o) });
    }
  }
  return {
    workloads,
    volumes,
    perNode: { name: 'platform/daemonsets', vcpu: perNodeCpu, memoryGiB: perNodeMem, note: `the platform's DaemonSets on every node: ${daemonSets.join('; ') || 'none'}` },
  };
}

/** The cluster the platform is rendered for on a provider: stagekit's k3s on Hetzner (CCM and CSI), someone's cluster elsewhere. */
export function platformClusterOf(provider: FleetProvider): PlatformCluster {
  return provider === 'hetzner' || provider === 'hetzner-dedicated' ? 'hcloud' : 'existing';
}

const platformLoads = new WeakMap<Plan, Map<PlatformCluster, PlatformLoad>>();
/** The platform a stage installs, rendered once per plan and cluster kind (the cost ladder prices a plan for several providers). */
export function stagePlatformLoad(plan: Plan, cluster: PlatformCluster): PlatformLoad {
  const byCluster = platformLoads.get(plan) ?? new Map<PlatformCluster, PlatformLoad>();
  platformLoads.set(plan, byCluster);
  const cached = byCluster.get(cluster);
  if (cached) return cached;
  const load = platformLoad(renderPlatform(plan, { cluster, singleNode: plan.zones <= 1 }).objects);
  byCluster.set(cluster, load);
  return load;
}

/** What a stage's fleet may be asked for besides the stage itself: the provider and how it is priced. */
export interface StageFleetInputs {
  readonly provider?: FleetProvider;
  /** The region the sites are chosen for. @default the plan's region */
  readonly region?: string;
  readonly owned?: OwnedHardwareOptions;
  readonly priceList?: string;
  readonly eurUsd?: number;
  readonly setupMonths?: number;
  readonly catalog?: PriceCatalog;
}

/**
 * The fleet of a stage: the one computation the self-hosted bill (cost/stage.ts, `stagekit cost`) and the
 * provisioning (deploy/self-hosted/layout.ts, `stagekit synth|deploy --target self-hosted`) both make, from the
 * plan (region, zones, usage), the stage's objects and the platform every stage installs.
 */
export function planStageFleet(plan: Plan, objects: readonly any[], inputs: StageFleetInputs = {}): { plan: FleetPlan; services: SelfHostedServices; inventory: Inventory } {
  const provider = inputs.provider ?? 'hetzner';
  return planFleetFrom(inventory([...objects]), {
    ...inputs,
    provider,
    region: inputs.region ?? plan.region,
    zones: plan.zones,
    usage: usageFromPlan(plan),
    platform: stagePlatformLoad(plan, platformClusterOf(provider)),
  });
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
    const placement = pool ? plan.failureDomains.map((domain, index) => ({ domain, servers: pool.perFailureDomain[index] + (pool.spareFailureDomain === index ? pool.spare : 0) })) : undefined;
    const perNode = pool && plan.perNode ? { name: 'platform/daemonsets', ...plan.perNode } : undefined;
    return [{ pool: name, members, unplaceable, packing: pool ? packingOf(pool, pool.server) : undefined, ...(placement ? { placement } : {}), ...(perNode ? { perNode } : {}) }];
  });
  return { singleNode: plan.singleNode, zones: plan.failureDomains.length, pools };
}

/** Months a dedicated server's one-off setup fee is spread over, unless given. */
export const DEFAULT_SETUP_MONTHS = 36;
/** Days the managed side keeps logs (CloudWatch log groups and the AWS bill's log storage line). */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** Hetzner's rented dedicated root servers, priced all-in per month (setup fee amortized). */
function dedicatedServers(rate: number, setupMonths: number): FleetServerType[] {
  return Object.entries(bareMetalData().hetznerDedicated.servers).map(([id, row]) => {
    const monthly = row.monthlyEur * rate;
    const setup = row.setupEur * rate;
    return {
      offer: 'dedicated' as const,
      ...bareMetalShape(id, row),
      description: `dedicated server, ${row.cpu}, ${row.disks}`,
      monthlyUsd: monthly + setup / setupMonths,
      setupUsd: setup,
      setupMonths,
      localDiskGiB: row.usableDiskGiB,
      traffic: row.traffic,
      priceSource: `€${row.monthlyEur}/month + €${row.setupEur} setup ÷ ${setupMonths} months, × ${rate} USD/EUR (${sourceText(row.sources)})`,
    };
  });
}

/**
 * OVHcloud's bare-metal configurations (Rise, and High Grade HGR-SDS-2) sold at every one of `sites` (the catalog prices them per site group),
 * priced all-in per month with the installation fee amortized. Where the sites' groups differ in price, the
 * dearest is used, so no failure domain is under-priced.
 */
function ovhBareMetalServers(sites: readonly string[], setupMonths: number): FleetServerType[] {
  const section = bareMetalData().ovhBareMetal;
  const regions = [...new Set(sites.map((s) => section.siteRegions[s.split('/')[0]]).filter((r): r is string => !!r))];
  if (!regions.length) return [];
  const perRegion = regions.map((r) => new Map(ovhBareMetalOffers(r).map((o) => [o.id, o])));
  const source = sourceText(section.sources);
  return [...perRegion[0].keys()]
    .filter((id) => perRegion.every((offers) => offers.has(id)))
    .map((id) => {
      const priced = perRegion.map((offers) => offers.get(id)!);
      const dearest = priced.reduce((a, b) => (b.monthlyUsd + b.setupUsd / setupMonths > a.monthlyUsd + a.setupUsd / setupMonths ? b : a));
      const partsText = (o: OvhBareMetalOffer) => o.parts.map((p) => `${p.planCode} $${p.monthlyUsd}`).join(' + ');
      return {
        offer: 'dedicated' as const,
        ...bareMetalShape(id, dearest),
        description: `dedicated server, ${dearest.cpu}, ${dearest.disks}`,
        monthlyUsd: dearest.monthlyUsd + dearest.setupUsd / setupMonths,
        setupUsd: dearest.setupUsd,
        setupMonths,
        localDiskGiB: dearest.usableDiskGiB,
        traffic: dearest.traffic,
        priceSource:
          `$${dearest.monthlyUsd}/month (${partsText(dearest)}) + $${dearest.setupUsd} installation ÷ ${setupMonths} months at ${regions.join(', ')} site prices` +
          `${regions.length > 1 ? ` (the dearest of ${priced.map((o) => `${o.region} $${o.monthlyUsd}`).join(', ')})` : ''} (${source})`,
      };
    });
}

/** What a rented or owned machine offers the bin-packer: its own cores and local NVMe (GB as sold, from GiB). */
function bareMetalShape(id: string, machine: { vcpu: number; memoryGiB: number; usableDiskGiB: number }) {
  return { id, vcpu: machine.vcpu, memoryGiB: machine.memoryGiB, diskGb: Math.round(machine.usableDiskGiB * 1.073741824), diskType: 'nvme', arch: 'x86_64', vcpuKind: 'dedicated' } as const;
}

/** Owned servers, priced all-in per month: capex amortized, rack space by the U, power by the kW. */
function ownedServers(options: OwnedHardwareOptions): FleetServerType[] {
  return Object.entries(bareMetalData().ownedHardware.configurations).map(([id, config]) => {
    const amortizedUsd = config.capexUsd / (options.amortizationYears * 12);
    const spaceUsd = (config.rackUnits / 42) * options.rackUsdPerMonth;
    const powerUsd = config.powerKw * options.powerUsdPerKwMonth;
    return {
      offer: 'owned' as const,
      ...bareMetalShape(id, config),
      description: `owned, ${config.description}`,
      monthlyUsd: amortizedUsd + spaceUsd + powerUsd,
      localDiskGiB: config.usableDiskGiB,
      owned: { capexUsd: config.capexUsd, amortizedUsd, spaceUsd, powerUsd, rackUnits: config.rackUnits, powerKw: config.powerKw },
      priceSource:
        `$${config.capexUsd.toLocaleString('en-US')} capex ÷ ${options.amortizationYears * 12} months + ${config.rackUnits}U of a $${options.rackUsdPerMonth}/month 42U rack + ${config.powerKw} kW × $${options.powerUsdPerKwMonth}/kW-month` +
        ` (capex: ${sourceText(config.sources ?? [])}; ${(config.assumptions ?? []).join('; ')})`,
    };
  });
}

export { LOKI_TIERS, lokiRequests, LOKI_SIZING_SOURCE };

/**
 * Without the rendered platform (a bill of objects alone): the platform's Loki all the same, at the one sizing
 * the platform renders it at (platform/addons/logs.ts lokiSizing), chunks on its own volume.
 */
function observabilityFor(usage: UsageModel | undefined, retentionDays: number): { stack: FleetObservability; workloads: Workload[] } | undefined {
  if (!usage || !(usage.logGiBPerMonth > 0)) return undefined;
  const sizing = lokiSizing(usage.logGiBPerMonth / 30, retentionDays);
  return {
    stack: {
      logGiBPerMonth: usage.logGiBPerMonth,
      logRetentionDays: retentionDays,
      store: 'loki-volume',
      logStoredGiB: 0,
      sizing: `${gib(usage.logGiBPerMonth)} of logs a month (as on the AWS bill) into the platform's Loki: ${sizing.reasoning} (platform/addons/logs.ts)`,
    },
    workloads: [
      {
        name: 'StatefulSet/logging/loki',
        kind: 'add-on',
        role: 'platform',
        replicas: 1,
        vcpu: sizing.vcpu,
        memoryGiB: sizing.memoryGiB,
        storageGiB: sizing.volumeGiB,
        spreadOverNodes: false,
        note: `the platform's log stack (single-binary Loki, chunks on its volume): ${sizing.reasoning}`,
      },
    ],
  };
}

/** planFleet with what the bill needs besides the plan: the provider's services and rate, and the inventory it packed (the platform's claims added). */
export function planFleetFrom(inv: Inventory, options: FleetOptions): { plan: FleetPlan; services: SelfHostedServices; inventory: Inventory } {
  const catalog = options.catalog ?? loadCatalog();
  const provider: FleetProvider = options.provider ?? 'hetzner';
  const cloudProvider: SelfHostedProvider = provider === 'hetzner-dedicated' || provider === 'owned' ? 'hetzner' : provider;
  const list = options.priceList ?? cloudProvider;
  const rate = catalog.exchangeRate(options.eurUsd);
  const cloudOffer = catalog.selfHostedServers(list, { eurUsd: rate.eurUsd }).filter((s) => !s.gpu && !NOT_FOR_PRODUCTION.test(s.category));
  const services = catalog.selfHostedServices(list, { eurUsd: rate.eurUsd });
  const listId = cloudOffer[0]?.priceList ?? services.priceList;
  const singleNode = options.zones <= 1;
  const where = providerLocations(provider, options.region);
  const owned = provider === 'owned' ? (options.owned ?? defaultOwnedOptions()) : null;
  const notOffered: string[] = [];

  // The offer: cloud types (all providers but owned), plus dedicated servers where the provider has them.
  let general: FleetServerType[];
  let data: FleetServerType[];
  const statesDedicated = cloudOffer.some((s) => s.vcpuKind === 'dedicated');
  const hetznerRoot = cloudProvider === 'hetzner' && provider !== 'owned' && hetznerDedicatedAvailable(where.sites) ? dedicatedServers(rate.eurUsd, options.setupMonths ?? DEFAULT_SETUP_MONTHS) : [];
  /** Hetzner Cloud: dedicated root servers (joined to the cloud network by a vSwitch) only for a pool no cloud type can hold. */
  let rootFallback: PoolName[] = [];
  let ovhMetalNote: string | undefined;
  if (provider === 'owned') {
    general = data = ownedServers(owned!);
  } else {
    general = cloudOffer.map(fleetServer);
    data = (statesDedicated ? cloudOffer.filter((s) => s.vcpuKind === 'dedicated') : cloudOffer).map(fleetServer);
    if (provider === 'hetzner-dedicated') {
      if (hetznerRoot.length) {
        general = [...general, ...hetznerRoot];
        data = [...data, ...hetznerRoot];
      } else {
        notOffered.push(`Hetzner dedicated root servers are not offered at ${where.names.join(', ')} (DE/FI only): cloud types only`);
      }
    }
    if (provider === 'ovh') {
      // OVHcloud bare metal joins the Public Cloud types: the packer takes the cheapest that fits each pool.
      const metal = ovhBareMetalServers(where.sites, options.setupMonths ?? DEFAULT_SETUP_MONTHS);
      general = [...general, ...metal];
      data = [...data, ...metal];
      if (!metal.length) notOffered.push(`OVHcloud bare metal: no priced Rise or High Grade server is sold at ${where.names.join(', ')}`);
      else ovhMetalNote = `OVHcloud bare metal (Rise, High Grade HGR-SDS-2) is priced at ${where.names.join(', ')}'s own catalog prices (USD list of OVH's US subsidiary)`;
    }
    if (cloudProvider === 'hetzner') notOffered.push(...bareMetalData().hetznerDedicated.notSourced);
    if (provider === 'ovh') notOffered.push(...bareMetalData().ovhBareMetal.notSourced);
  }
  const byId = new Map([...general, ...data, ...hetznerRoot].map((s) => [s.id, s]));

  // Workloads: the rendering's; the platform as rendered (its Loki keeps the logs on its volume), or without it
  // a log stack sized like CloudWatch's; and on owned hardware a stacked control plane.
  const platform = options.platform;
  const logs = platform ? undefined : observabilityFor(options.usage, options.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS);
  const extra: Workload[] = [...(logs?.workloads ?? [])];
  if (provider === 'owned' && !singleNode) {
    extra.push({ name: 'addon/control-plane', kind: 'add-on', role: 'platform', replicas: 3, vcpu: 2, memoryGiB: 8, storageGiB: 0, spreadOverNodes: true, note: 'etcd and the API server stacked on three servers (2 vCPU / 8 GiB reserved on each)' });
  }
  const withExtra: Inventory = { ...inv, workloads: [...inv.workloads, ...extra], volumes: [...inv.volumes, ...(platform?.volumes ?? [])] };
  const volumeUsdPerGiB = provider === 'owned' ? undefined : services.volumePerGbMonth?.usd;
  let packed = packCluster(withExtra, options.zones, (pool) => (pool === 'data' ? data : general), singleNode, volumeUsdPerGiB, platform);
  if (provider === 'hetzner') {
    rootFallback = packed.pools.filter((p) => p.unplaceable.length).map((p) => p.pool);
    if (rootFallback.length && hetznerRoot.length) {
      const offerOf = (pool: PoolName) => [...(pool === 'data' ? data : general), ...(rootFallback.includes(pool) ? hetznerRoot : [])];
      packed = packCluster(withExtra, options.zones, offerOf, singleNode, volumeUsdPerGiB, platform);
    } else if (rootFallback.length) {
      notOffered.push(`no Hetzner Cloud type holds the largest pods of the ${rootFallback.join(' and ')} pool, and Hetzner rents dedicated root servers only in Falkenstein, Nuremberg and Helsinki, not at ${where.names.join(', ')}`);
    }
  }
  const purpose = (pool: PoolName, server: FleetServerType) =>
    server.offer !== 'cloud'
      ? `${pool === 'data' ? 'data systems' : 'stateless pods'} on ${server.offer === 'owned' ? 'owned' : 'rented dedicated'} servers, volumes on their local NVMe` +
        (provider === 'hetzner' && rootFallback.includes(pool) ? ' (no Hetzner Cloud type holds its largest pods: dedicated root servers joined to the cloud network by a vSwitch)' : '')
      : pool === 'data'
        ? statesDedicated
          ? 'data systems on dedicated-vCPU servers'
          : `data systems on their own nodes (the ${listId} list does not state dedicated vs shared vCPUs)`
        : 'stateless pods on the cheapest fitting servers';
  const domainCount = singleNode ? 1 : Math.max(1, options.zones);
  const failureDomains = Array.from({ length: domainCount }, (_, domainIndex) =>
    where.sites.length >= domainCount ? where.sites[domainIndex] : `${where.sites[domainIndex % where.sites.length]}${where.sites.length < domainCount ? `/spread-${domainIndex + 1}` : ''}`,
  );

  const pools: FleetPool[] = [];
  for (const pool of packed.pools) {
    if (!pool.packing) continue;
    const packing = pool.packing;
    const perDomain = [...packing.nodesPerZone];
    const spareAt = packing.spare ? perDomain.indexOf(Math.min(...perDomain)) : null;
    const server = byId.get(packing.server.id) ?? (packing.server as FleetServerType);
    pools.push({
      name: pool.pool,
      purpose: purpose(pool.pool, server),
      server,
      count: packing.nodes,
      packed: packing.packedNodes,
      spare: packing.spare,
      perFailureDomain: perDomain,
      spareFailureDomain: spareAt,
      workloads: pool.members.map(fleetWorkload),
      utilisation: packing.utilisation,
      shares: Object.fromEntries(packing.shares),
      unused: packing.unused,
      publicIpv4: server.offer === 'cloud',
    });
  }

  // Control plane: three etcd members (cloud servers, or stacked on owned servers); on one node it shares the node.
  let controlPlane: FleetControlPlane | null = null;
  const members = controlPlaneLocations(where.sites, where.names, failureDomains);
  const quorum = failureDomains.map((domain) => members.locations.filter((l) => l === domain).length);
  if (!singleNode && provider === 'owned') {
    const host = pools.find((p) => p.name === 'general') ?? pools[0];
    if (host) controlPlane = { server: host.server, count: 3, locations: members.locations, stacked: true, perFailureDomain: quorum, note: `${members.note}; stacked on the general pool's servers (no servers of its own)` };
  } else if (!singleNode) {
    const cpServer = general.filter((s) => s.offer === 'cloud' && s.vcpu >= 2 && s.memoryGiB >= 4).sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
    if (cpServer) controlPlane = { server: cpServer, count: 3, locations: members.locations, stacked: false, perFailureDomain: quorum, note: members.note };
  }

  const loadBalancers: FleetLoadBalancer[] = [];
  if (!singleNode) {
    const front = pools.find((p) => p.name === 'general') ?? pools[0];
    const targets = { pool: front?.name ?? ('general' as PoolName), servers: front?.count ?? 0 };
    for (const lb of inv.loadBalancers) {
      if (provider === 'owned') {
        loadBalancers.push({ name: lb.name, kind: lb.kind, type: 'software (keepalived + HAProxy on the general pool)', count: 1, targets, monthlyUsd: 0, priceSource: 'runs on the servers already priced', reason: lb.reason });
        continue;
      }
      const pick: { name: string; count?: number; maxTargets?: number; monthlyUsd: number; source: string; why?: string } | undefined =
        cloudProvider === 'hetzner' ? hetznerLoadBalancer(services, targets.servers, listId) : loadBalancerFor(services, options.usage);
      if (!pick) continue;
      loadBalancers.push({
        name: lb.name,
        kind: lb.kind,
        type: pick.name,
        ...(pick.maxTargets ? { maxTargets: pick.maxTargets } : {}),
        count: pick.count ?? 1,
        targets,
        monthlyUsd: pick.monthlyUsd,
        priceSource: pick.source,
        ...(pick.why ? { why: pick.why } : {}),
        reason: lb.reason,
      });
    }
  }

  const local = (name: string) => packed.pools.find((p) => p.members.some((m) => m.name === name))?.packing?.server.localDiskGiB !== undefined;
  const volumes: FleetVolume[] = [];
  const limits = volumeLimitsOf(provider);
  const cannotProvision: string[] = [];
  const addVolume = (name: string, requestedGiB: number, count: number, medium: FleetVolume['medium']) => {
    const size = medium === 'block-volume' ? provisionedVolumeGiB(requestedGiB, limits) : requestedGiB;
    if (size === null) cannotProvision.push(oversizedVolumeReason(name, requestedGiB, limits!));
    volumes.push({ name, sizeGiB: size ?? requestedGiB, requestedGiB, count, medium });
  };
  for (const pool of packed.pools) for (const member of pool.members) if (member.storageGiB > 0 && member.replicas > 0) addVolume(member.name, member.storageGiB, member.replicas, local(member.name) ? 'local-nvme' : 'block-volume');
  for (const volume of withExtra.volumes) addVolume(volume.name, volume.storageGiB, 1, 'block-volume');
  const loki = platform?.workloads.find((w) => /\/loki$/.test(w.name));
  const lokiOutgrown = options.usage ? lokiSizing(options.usage.logGiBPerMonth / 30, options.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS).outgrown : undefined;
  const observability: FleetObservability | null =
    logs?.stack ??
    (loki && options.usage && options.usage.logGiBPerMonth > 0
      ? {
          logGiBPerMonth: options.usage.logGiBPerMonth,
          logRetentionDays: options.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
          store: 'loki-volume',
          logStoredGiB: 0,
          sizing: `${gib(options.usage.logGiBPerMonth)} of logs a month (as on the AWS bill) into the platform's Loki as rendered: ${loki.replicas} × ${round2(loki.vcpu)} vCPU / ${round2(loki.memoryGiB)} GiB, chunks on its ${Math.round(loki.storageGiB)} GiB volume (platform/addons/logs.ts)${lokiOutgrown ? `; ${lokiOutgrown}` : ''}`,
        }
      : null);

  const unplaceable = packed.pools.flatMap((p) => p.unplaceable.map((u) => ({ workload: fleetWorkload(u.workload), pool: u.pool, reason: u.reason })));
  const idle = packed.pools.filter((p) => !p.packing).flatMap((p) => p.members.map((w) => ({ workload: fleetWorkload(w), pool: p.pool })));

  const plan: FleetPlan = {
    schema: 'stagekit.fleet/v1',
    provider,
    providerName: PROVIDER_NAMES[provider],
    priceList: provider === 'owned' ? 'bare-metal.json (owned hardware)' : provider === 'hetzner-dedicated' ? `${listId} + bare-metal.json (dedicated)` : listId,
    eurUsd: rate.eurUsd,
    priceLocations: provider === 'owned' ? ['any'] : services.priceLocations,
    failureDomains,
    locations: { region: options.region ?? null, sites: where.sites, names: where.names, pricedHere: where.pricedHere },
    locationNote: [where.note, provider === 'owned' ? undefined : services.locationNote, ovhMetalNote].filter(Boolean).join('; '),
    singleNode,
    pools,
    controlPlane,
    loadBalancers,
    volumes,
    objectStorage: backupSizing(inv, options.usage),
    observability,
    owned,
    notOffered,
    unplaceable,
    idle,
    cannotProvision,
    perNode: platform && (platform.perNode.vcpu > 0 || platform.perNode.memoryGiB > 0) ? { vcpu: platform.perNode.vcpu, memoryGiB: platform.perNode.memoryGiB, note: platform.perNode.note } : null,
    servers: pools.reduce((s, p) => s + p.count, 0) + (controlPlane && !controlPlane.stacked ? controlPlane.count : 0),
  };
  return { plan, services, inventory: withExtra };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The largest and smallest block volume the provider sells, where a dated statement was found (Hetzner Cloud). */
export function volumeLimitsOf(provider: FleetProvider): VolumeLimits | undefined {
  return provider === 'hetzner' || provider === 'hetzner-dedicated' ? HETZNER_VOLUME_LIMITS : undefined;
}

/**
 * Where the three etcd members run: three locations when the provider has three near the region (Hetzner EU:
 * fsn1, nbg1, hel1, one network zone), so losing one location keeps quorum; otherwise separate hosts (a spread
 * placement group) in the locations there are, and the note says what a lost location costs.
 */
export function controlPlaneLocations(sites: readonly string[], names: readonly string[], failureDomains: readonly string[]): { locations: string[]; note: string } {
  const count = 3;
  if (sites.length >= count) {
    const locations = sites.slice(0, count);
    return { locations, note: `3 etcd members in 3 locations (${locations.join(', ')}): losing one location keeps quorum${failureDomains.every((d) => locations.includes(d)) ? '' : ` (the pools use ${failureDomains.join(', ')})`}` };
  }
  const locations = Array.from({ length: count }, (_, index) => (sites.length === 1 ? `${sites[0]}/spread-${index + 1}` : sites[index % sites.length]));
  const where = names.join(', ');
  return {
    locations,
    note:
      sites.length === 1
        ? `3 etcd members on separate hosts (a spread placement group) in ${sites[0]}, the provider's only location near the region (${where}): a host failure keeps quorum, losing the location stops the cluster`
        : `3 etcd members over ${sites.join(', ')} (${where}), the provider's only locations near the region: losing ${sites[0]} (2 members) loses quorum`,
  };
}

/**
 * Hetzner load balancers for `targets` servers: the cheapest number × type whose target limits hold them
 * all (one lb11 fronts at most 25 targets). Only types the chosen price list prices are offered.
 */
function hetznerLoadBalancer(services: SelfHostedServices, targets: number, listId: string): { name: string; count: number; maxTargets: number; monthlyUsd: number; source: string; why: string } | undefined {
  const listed = Object.values(services.loadBalancers)[0];
  if (!listed) return undefined;
  const lb11 = HETZNER_LB_TYPES[0];
  const monthlyPerHour = listed.monthly.eur / lb11.hourlyEur;
  // The January 2026 list matches OpenCost's hourly prices: lb21/lb31 are priced from them; a later list prices lb11 only.
  const january = Math.abs(listed.monthly.eur - 5.39) < 0.005;
  const types = HETZNER_LB_TYPES.filter((t) => t.type === 'lb11' || january).map((lbType) => ({
    ...lbType,
    monthlyEur: lbType.type === 'lb11' ? listed.monthly.eur : Math.round(lbType.hourlyEur * monthlyPerHour * 100) / 100,
  }));
  const options = types.map((t) => ({ t, count: Math.max(1, Math.ceil(targets / t.maxTargets)) })).sort((a, b) => a.count * a.t.monthlyEur - b.count * b.t.monthlyEur);
  const best = options[0];
  const eurUsd = listed.monthly.eurUsd;
  return {
    name: best.t.type,
    count: best.count,
    maxTargets: best.t.maxTargets,
    monthlyUsd: best.t.monthlyEur * eurUsd,
    source: `€${best.t.monthlyEur}/month × ${eurUsd} USD/EUR (${best.t.type === 'lb11' ? `${listed.monthly.source}, ${listed.monthly.published}` : `${listId}-consistent monthly from the hourly price`}; ${HETZNER_LB_SOURCE})`,
    why: `${targets} target servers ÷ ${best.t.maxTargets} targets per ${best.t.type} = ${best.count} load balancer(s)${january ? '' : ` (the ${listId} list prices lb11 only)`}`,
  };
}
