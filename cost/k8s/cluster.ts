/**
 * Pricing a Kubernetes rendering on some servers: what EKS and the self-hosted providers share. Workloads
 * (plus the add-ons every such cluster runs) are split into pools — data systems on their own nodes, with
 * dedicated vCPUs where the provider sells them, everything else on general nodes — and each pool is
 * bin-packed with zone spread and N+1. Every Kubernetes object is a resource of the bill carrying its share
 * of the pool's nodes (by dominant resource) and its volumes; the spare node is the pool's own line.
 */
import { component, CostComponent, MajorComponent, PricedResource, resource, freeResource, notPricedResource, round } from '../model';
import { cheapestPacking, DEFAULT_ALLOCATABLE, PackResult, PodGroup, ServerType } from './binpack';
import { Inventory, Workload } from './inventory';
import { PROMETHEUS_SIZE } from '../../platform/addons/monitoring';
import { parseQuantity } from '../../core/quantity';

export type PoolName = 'general' | 'data';

export interface ClusterPricing {
  /** Server types a pool may use. */
  readonly candidates: (pool: PoolName) => ServerType[];
  /** What the data pool's servers are, in words ("dedicated-vCPU CCX types"). */
  readonly poolDescription: (pool: PoolName) => string;
  /**
   * Per-GiB-month price of the volumes that back persistent volume claims, and the sizes the provider
   * sells (a smaller claim gets, and is billed, the minimum; a larger one than the maximum cannot be made).
   */
  readonly volume?: { usdPerGiBMonth: number; label: string; priceSource: string; limits?: VolumeLimits };
  /** Why volumes are not priced, when `volume` is absent. */
  readonly volumeMissing?: string;
  /** Extra per-node components (root disks, public IPv4 addresses). */
  readonly perNode?: (nodes: number, server: ServerType) => CostComponent[];
  readonly serverResourceType: string;
  /** Local NVMe that is bought per GiB (owned servers' data drives); absent: included in the server price. */
  readonly localDrives?: { usdPerGiBMonth: number; priceSource: string };
}

/** Sizes of one block volume a provider sells, in GiB, and where that is stated. */
export interface VolumeLimits {
  readonly minGiB: number;
  readonly maxGiB: number;
  readonly source: string;
}

/** The size a volume is made (and billed) at: at least the provider's minimum; null when it exceeds the maximum. */
export function provisionedVolumeGiB(requestedGiB: number, limits: VolumeLimits | undefined): number | null {
  if (!limits) return requestedGiB;
  if (requestedGiB > limits.maxGiB) return null;
  return Math.max(limits.minGiB, requestedGiB);
}

/** Why a volume cannot be made: its size against the provider's maximum. */
export function oversizedVolumeReason(name: string, requestedGiB: number, limits: VolumeLimits): string {
  return `the fleet cannot be provisioned: ${name} needs a ${Math.round(requestedGiB).toLocaleString('en-US')} GiB volume and one volume holds at most ${limits.maxGiB.toLocaleString('en-US')} GiB (${limits.source})`;
}

/** What the platform every stage installs runs besides the stage's pods (read from the rendered platform). */
export interface PlatformLoad {
  /** Its Deployments, StatefulSets and operator-made pods (Prometheus, Alertmanager), as workloads. */
  readonly workloads: Workload[];
  /** Requests its DaemonSets put on every node. */
  readonly perNode: { readonly name: string; readonly vcpu: number; readonly memoryGiB: number; readonly note: string };
  /** Claims of its own (not made by a StatefulSet). */
  readonly volumes: { name: string; storageGiB: number }[];
}

export interface PoolResult {
  readonly pool: PoolName;
  readonly packing: PackResult;
}

const DATA_ROLES = new Set(['database', 'kafka', 'cache', 'stateful']);

/** The major component a workload of each role is, for the bill's completeness. */
// The platform (ingress controller, operators, log stack) is what the app tier runs on: a stage whose platform cannot be placed has no total.
const MAJOR_OF_ROLE: Partial<Record<Workload['role'], MajorComponent>> = { database: 'database', cache: 'cache', kafka: 'queue', app: 'app tier', platform: 'app tier' };

/** Cluster-wide add-ons the rendering relies on but does not contain, with the requests assumed for them. */
export function platformAddons(inv: Inventory, zones: number): Workload[] {
  const out: Workload[] = [];
  for (const op of inv.operators) {
    if (op === 'ingress controller') {
      out.push({ name: 'addon/ingress-controller', kind: 'add-on', role: 'platform', replicas: zones > 1 ? 2 : 1, vcpu: 0.25, memoryGiB: 0.25, storageGiB: 0, spreadOverNodes: true, note: 'not in the rendering: assumed 0.25 vCPU / 256 MiB per replica' });
    } else {
      const id = op.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      out.push({ name: `addon/${id}`, kind: 'add-on', role: 'platform', replicas: 1, vcpu: 0.1, memoryGiB: 0.25, storageGiB: 0, spreadOverNodes: false, note: `${op}: not in the rendering, assumed 0.1 vCPU / 256 MiB` });
    }
  }
  if (inv.monitoring) {
    // The size the platform's Prometheus is rendered at (platform/addons/monitoring.ts): one definition.
    const vcpu = parseQuantity(PROMETHEUS_SIZE.cpu) ?? 0;
    const memoryGiB = (parseQuantity(PROMETHEUS_SIZE.memory) ?? 0) / 2 ** 30;
    out.push({ name: 'addon/prometheus', kind: 'add-on', role: 'platform', replicas: 1, vcpu, memoryGiB, storageGiB: PROMETHEUS_SIZE.storageGiB, spreadOverNodes: false, note: `the rendering has ServiceMonitors/PrometheusRules: one Prometheus as the platform renders it, ${vcpu} vCPU / ${memoryGiB} GiB with a ${PROMETHEUS_SIZE.storageGiB} GiB volume` });
  }
  return out;
}

function poolOf(workload: Workload, singleNode: boolean): PoolName {
  if (singleNode) return 'data';
  return DATA_ROLES.has(workload.role) ? 'data' : 'general';
}

export interface ClusterResult {
  readonly resources: PricedResource[];
  readonly pools: PoolResult[];
  readonly nodes: number;
  /** Workloads priced (a pod that fits no server is listed as not priced instead). */
  readonly workloads: Workload[];
}

/** A pod that fits no server type of its pool. */
export interface Unplaceable {
  readonly workload: Workload;
  readonly pool: PoolName;
  readonly reason: string;
}

/** One pool of the cluster: its workloads (those that fit a server) and how they were packed. */
export interface PackedPool {
  readonly pool: PoolName;
  readonly members: Workload[];
  readonly unplaceable: Unplaceable[];
  readonly packing?: PackResult;
  /** The DaemonSets' requests on each of the pool's nodes (their share of the packed nodes is in `packing.shares`). */
  readonly perNode?: PlatformLoad['perNode'];
  /** Servers per failure domain, the spare included, where a fleet plan names the domains. */
  readonly placement?: { readonly domain: string; readonly servers: number }[];
}

/** How a rendering lands on servers: what each pool holds and which server type it is packed onto. */
export interface ClusterPacking {
  readonly singleNode: boolean;
  readonly zones: number;
  readonly pools: PackedPool[];
}

/**
 * Packs the workloads (plus the platform add-ons) into pools. `singleNode`: one failure domain, no spare,
 * everything on one pool (the single-server stage).
 */
/**
 * Packs each pool onto its cheapest candidates; `volumeUsdPerGiB` (the provider's block-volume price) makes a
 * server without local disk carry its pods' volumes in the comparison.
 */
export function packCluster(inv: Inventory, zones: number, candidatesOf: (pool: PoolName) => ServerType[], singleNode: boolean, volumeUsdPerGiB?: number, platform?: PlatformLoad): ClusterPacking {
  // With the rendered platform, its pods are packed as rendered (on one node too) and its DaemonSets reserved on
  // every node. Without it (EKS), the add-ons are assumed; on a single node they share the node's system
  // reserve, as nginx and the agents do on the AWS single server.
  const workloads = platform ? [...inv.workloads, ...platform.workloads] : singleNode ? [...inv.workloads] : [...inv.workloads, ...platformAddons(inv, zones)];
  const perNode = platform && (platform.perNode.vcpu > 0 || platform.perNode.memoryGiB > 0) ? platform.perNode : undefined;
  const pools: PackedPool[] = [];
  for (const pool of ['data', 'general'] as PoolName[]) {
    const all = workloads.filter((w) => poolOf(w, singleNode) === pool);
    if (!all.length) continue;
    const candidates = candidatesOf(pool);
    const fits = (w: Workload) => candidates.some((s) => computeRoomFor(s, w, perNode) && (s.localDiskGiB === undefined || s.localDiskGiB >= w.storageGiB));
    const members = all.filter((w) => w.replicas === 0 || fits(w));
    const unplaceable = all
      .filter((m) => !members.includes(m))
      .map((workload) => ({ workload, pool, reason: unplaceableReason(workload, pool, candidates, perNode) }));
    const groups: PodGroup[] = members.filter((w) => w.replicas > 0).map((w) => ({ workload: w.name, replicas: w.replicas, vcpu: w.vcpu, memoryGiB: w.memoryGiB, spreadOverNodes: w.spreadOverNodes, storageGiB: w.storageGiB }));
    const packing = groups.length ? cheapestPacking(groups, candidates, { zones: singleNode ? 1 : zones, spare: singleNode ? 0 : 1, allocatable: DEFAULT_ALLOCATABLE, volumeUsdPerGiB, perNode }) : undefined;
    pools.push({ pool, members, unplaceable, packing, ...(packing && perNode ? { perNode } : {}) });
  }
  return { singleNode, zones, pools };
}

/** Why a pod fits no candidate: too large for every type, or (on servers with local disks) short of disk only. */
/** Whether a server type has the CPU and memory for a pod once the system reserve and the DaemonSets on every node are taken. */
function computeRoomFor(server: ServerType, workload: Workload, perNode: PlatformLoad['perNode'] | undefined): boolean {
  return (
    server.vcpu * DEFAULT_ALLOCATABLE.vcpu * 1.001 - (perNode?.vcpu ?? 0) >= workload.vcpu &&
    server.memoryGiB * DEFAULT_ALLOCATABLE.memory * 1.001 - (perNode?.memoryGiB ?? 0) >= workload.memoryGiB
  );
}

function unplaceableReason(workload: Workload, pool: PoolName, candidates: readonly ServerType[], perNode: PlatformLoad['perNode'] | undefined): string {
  const computeFits = candidates.filter((s) => computeRoomFor(s, workload, perNode));
  const pod = `a pod of ${workload.vcpu} vCPU / ${workload.memoryGiB.toFixed(1)} GiB`;
  if (computeFits.length && workload.storageGiB) {
    const largest = computeFits.reduce((a, b) => ((b.localDiskGiB ?? 0) > (a.localDiskGiB ?? 0) ? b : a));
    return `${pod} fits the CPU and memory of ${computeFits.map((s) => s.id).join(', ')}, but its ${Math.round(workload.storageGiB).toLocaleString('en-US')} GiB volume does not fit local disks (${largest.id}: ${Math.round(largest.localDiskGiB ?? 0).toLocaleString('en-US')} GiB usable) and no priced drive upgrade exists for it`;
  }
  return `no ${pool}-pool server type is large enough for ${pod} (plus the node's system reserve)${candidates.some((c) => c.localDiskGiB !== undefined) && workload.storageGiB ? ` and ${Math.round(workload.storageGiB).toLocaleString('en-US')} GiB of local disk` : ''}`;
}

/** Packs the workloads and returns the bill's resources for them. */
export function priceCluster(inv: Inventory, zones: number, pricing: ClusterPricing, singleNode: boolean): ClusterResult {
  return clusterResources(inv, packCluster(inv, zones, pricing.candidates, singleNode), pricing);
}

/** The bill's resources for a packed cluster: every workload with its share of its pool, each pool's leftovers and spare. */
export function clusterResources(inv: Inventory, packed: ClusterPacking, pricing: ClusterPricing): ClusterResult {
  const resources: PricedResource[] = [];
  const pools: PoolResult[] = [];
  const priced: Workload[] = [];
  // The platform's DaemonSets: one line, a component per pool they run on.
  const daemonSetLines: CostComponent[] = [];
  let daemonSets: PlatformLoad['perNode'] | undefined;
  for (const { pool, members: placeable, unplaceable, packing, perNode, placement } of packed.pools) {
    for (const unplaced of unplaceable) resources.push(notPricedResource(unplaced.workload.name, unplaced.workload.kind, unplaced.reason, MAJOR_OF_ROLE[unplaced.workload.role]));
    if (packing && perNode) {
      daemonSetLines.push(
        component({
          name: `Compute: share of ${pool} nodes (${packing.server.id})`,
          unit: 'servers',
          quantity: packing.shares.get(perNode.name) ?? 0,
          price: packing.server.monthlyUsd,
          priceSource: packing.server.priceSource,
          assumption: `${round(perNode.vcpu)} vCPU / ${round(perNode.memoryGiB)} GiB requested on each of ${packing.packedNodes} packed node(s), kept free of pods`,
        }),
      );
      daemonSets = perNode;
    }
    for (const workload of placeable) {
      priced.push(workload);
      const lines: CostComponent[] = [];
      const share = packing?.shares.get(workload.name) ?? 0;
      if (packing) {
        lines.push(
          component({
            name: `Compute: share of ${pool} nodes (${packing.server.id})`,
            unit: 'servers',
            quantity: share,
            price: packing.server.monthlyUsd,
            priceSource: packing.server.priceSource,
            assumption: `${workload.replicas} × ${round(workload.vcpu)} vCPU / ${round(workload.memoryGiB)} GiB requested: its share of a node is the larger of its CPU and memory fractions`,
          }),
        );
      }
      if (workload.storageGiB > 0 && workload.replicas > 0 && packing?.server.localDiskGiB !== undefined) {
        const drives = pricing.localDrives;
        lines.push(
          component({
            name: `Local NVMe (${round(workload.storageGiB)} GiB × ${workload.replicas}${drives ? ', mirrored data drives' : ', in the server price'})`,
            unit: 'GB-months',
            quantity: workload.storageGiB * workload.replicas,
            price: drives ? drives.usdPerGiBMonth : 0,
            priceSource: drives?.priceSource,
            assumption: `on the ${packing.server.id}'s own disks (${Math.round(packing.server.localDiskGiB)} GiB usable each), packed with CPU and memory`,
          }),
        );
      } else if (workload.storageGiB > 0 && workload.replicas > 0) {
        lines.push(volumeComponent(pricing, workload.name, workload.storageGiB, workload.replicas));
      }
      const note = [workload.replicas === 0 ? 'scaled to zero at its minimum' : undefined, workload.note].filter(Boolean).join('; ') || undefined;
      const line = lines.length ? resource(workload.name, workload.kind, lines, note) : { ...freeResource(workload.name, workload.kind, note ?? 'no pods at its minimum') };
      // A volume the provider cannot make leaves a hole the bill must not total over.
      const hole = lines.some((part) => part.notPriced && !part.usageBased);
      resources.push(hole ? { ...line, major: MAJOR_OF_ROLE[workload.role] ?? 'app tier' } : line);
    }
    if (packing) {
      pools.push({ pool, packing });
      const lines: CostComponent[] = [];
      if (packing.unused >= 0.01) {
        lines.push(component({ name: `Capacity left between pods (${packing.server.id})`, unit: 'servers', quantity: packing.unused, price: packing.server.monthlyUsd, priceSource: packing.server.priceSource, assumption: 'the part of the packed nodes no pod requests (bin-packing leftovers, zone spread)' }));
      }
      if (packing.spare) {
        lines.push(component({ name: `N+1 spare node (${packing.server.id})`, unit: 'servers', quantity: packing.spare, price: packing.server.monthlyUsd, priceSource: packing.server.priceSource, assumption: 'one spare node per pool, so a failed node\'s pods can be rescheduled at once' }));
      }
      lines.push(...(pricing.perNode?.(packing.nodes, packing.server) ?? []));
      const spread = packing.nodesPerZone.length > 1 ? ` over ${packing.nodesPerZone.length} failure domains (${packing.nodesPerZone.join(' + ')})` : '';
      resources.push(
        resource(
          `NodePool/${pool}`,
          pricing.serverResourceType,
          lines,
          `${packing.nodes} × ${packing.server.id} (${packing.server.vcpu} vCPU / ${packing.server.memoryGiB} GiB, ${packing.server.description}; ${pricing.poolDescription(pool)}): ${packing.packedNodes} packed${spread}` +
            `${packing.spare ? ` + ${packing.spare} spare` : ''}; requests fill ${pct(packing.utilisation.vcpu)} of the CPU and ${pct(packing.utilisation.memory)} of the memory they may use` +
            (placement ? `; servers by failure domain: ${placement.filter((p) => p.servers > 0).map((p) => `${p.domain} ${p.servers}`).join(', ')}` : ''),
        ),
      );
    }
  }
  if (daemonSets) resources.push(resource(daemonSets.name, 'DaemonSet', daemonSetLines, daemonSets.note));
  for (const volume of inv.volumes) {
    resources.push(pricing.volume ? resource(volume.name, 'PersistentVolumeClaim', [volumeComponent(pricing, volume.name, volume.storageGiB, 1)]) : notPricedResource(volume.name, 'PersistentVolumeClaim', pricing.volumeMissing ?? 'no volume price'));
  }
  for (const entry of inv.free) resources.push(freeResource(entry.name, entry.kind, entry.reason === 'no charge' ? undefined : entry.reason));
  for (const entry of inv.notPriced) resources.push(notPricedResource(entry.name, entry.kind, entry.reason));
  return { resources, pools, nodes: pools.reduce((s, p) => s + p.packing.nodes, 0), workloads: priced };
}

/**
 * The block-volume line of `count` volumes of `requestedGiB`: billed at the size the provider makes them (at least
 * its minimum); a volume over its maximum is a hole in the bill (not priced, so the bill has no total), not a price.
 */
function volumeComponent(pricing: ClusterPricing, name: string, requestedGiB: number, count: number): CostComponent {
  const times = count > 1 ? ` × ${count}` : '';
  if (!pricing.volume) return component({ name: `Volumes (${round(requestedGiB)} GiB${times})`, unit: 'GB-months', quantity: null, price: null, notPriced: pricing.volumeMissing ?? 'no volume price' });
  const limits = pricing.volume.limits;
  const size = provisionedVolumeGiB(requestedGiB, limits);
  if (size === null) return component({ name: `${pricing.volume.label} (${round(requestedGiB)} GiB${times})`, unit: 'GB-months', quantity: null, price: null, notPriced: oversizedVolumeReason(name, requestedGiB, limits!) });
  const raised = size > requestedGiB;
  return component({
    name: `${pricing.volume.label} (${round(size)} GiB${times})`,
    unit: 'GB-months',
    quantity: size * count,
    price: pricing.volume.usdPerGiBMonth,
    priceSource: pricing.volume.priceSource,
    ...(raised ? { assumption: `${round(requestedGiB)} GiB requested: a volume is at least ${limits!.minGiB} GiB (${limits!.source})` } : {}),
  });
}

function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}
