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

export type PoolName = 'general' | 'data';

export interface ClusterPricing {
  /** Server types a pool may use. */
  readonly candidates: (pool: PoolName) => ServerType[];
  /** What the data pool's servers are, in words ("dedicated-vCPU CCX types"). */
  readonly poolDescription: (pool: PoolName) => string;
  /** Per-GiB-month price of the volumes that back persistent volume claims. */
  readonly volume?: { usdPerGiBMonth: number; label: string; priceSource: string };
  /** Why volumes are not priced, when `volume` is absent. */
  readonly volumeMissing?: string;
  /** Extra per-node components (root disks, public IPv4 addresses). */
  readonly perNode?: (nodes: number, server: ServerType) => CostComponent[];
  readonly serverResourceType: string;
  /** Local NVMe that is bought per GiB (owned servers' data drives); absent: included in the server price. */
  readonly localDrives?: { usdPerGiBMonth: number; priceSource: string };
}

export interface PoolResult {
  readonly pool: PoolName;
  readonly packing: PackResult;
}

const DATA_ROLES = new Set(['database', 'kafka', 'cache', 'stateful']);

/** The major component a workload of each role is, for the bill's completeness. */
const MAJOR_OF_ROLE: Partial<Record<Workload['role'], MajorComponent>> = { database: 'database', cache: 'cache', kafka: 'queue', app: 'app tier' };

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
    out.push({ name: 'addon/prometheus', kind: 'add-on', role: 'platform', replicas: 1, vcpu: 1, memoryGiB: 4, storageGiB: 50, spreadOverNodes: false, note: 'the rendering has ServiceMonitors/PrometheusRules: one Prometheus assumed at 1 vCPU / 4 GiB with a 50 GiB volume' });
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
export function packCluster(inv: Inventory, zones: number, candidatesOf: (pool: PoolName) => ServerType[], singleNode: boolean, volumeUsdPerGiB?: number): ClusterPacking {
  // On a single node the add-ons share the node's system reserve, as nginx and the agents do on the AWS single server.
  const workloads = singleNode ? [...inv.workloads] : [...inv.workloads, ...platformAddons(inv, zones)];
  const pools: PackedPool[] = [];
  for (const pool of ['data', 'general'] as PoolName[]) {
    const all = workloads.filter((w) => poolOf(w, singleNode) === pool);
    if (!all.length) continue;
    const candidates = candidatesOf(pool);
    const fits = (w: Workload) => candidates.some((s) => s.vcpu * DEFAULT_ALLOCATABLE.vcpu * 1.001 >= w.vcpu && s.memoryGiB * DEFAULT_ALLOCATABLE.memory * 1.001 >= w.memoryGiB && (s.localDiskGiB === undefined || s.localDiskGiB >= w.storageGiB));
    const members = all.filter((w) => w.replicas === 0 || fits(w));
    const unplaceable = all
      .filter((m) => !members.includes(m))
      .map((workload) => ({ workload, pool, reason: unplaceableReason(workload, pool, candidates) }));
    const groups: PodGroup[] = members.filter((w) => w.replicas > 0).map((w) => ({ workload: w.name, replicas: w.replicas, vcpu: w.vcpu, memoryGiB: w.memoryGiB, spreadOverNodes: w.spreadOverNodes, storageGiB: w.storageGiB }));
    const packing = groups.length ? cheapestPacking(groups, candidates, { zones: singleNode ? 1 : zones, spare: singleNode ? 0 : 1, allocatable: DEFAULT_ALLOCATABLE, volumeUsdPerGiB }) : undefined;
    pools.push({ pool, members, unplaceable, packing });
  }
  return { singleNode, zones, pools };
}

/** Why a pod fits no candidate: too large for every type, or (on servers with local disks) short of disk only. */
function unplaceableReason(workload: Workload, pool: PoolName, candidates: readonly ServerType[]): string {
  const computeFits = candidates.filter((s) => s.vcpu * DEFAULT_ALLOCATABLE.vcpu * 1.001 >= workload.vcpu && s.memoryGiB * DEFAULT_ALLOCATABLE.memory * 1.001 >= workload.memoryGiB);
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
  for (const { pool, members: placeable, unplaceable, packing } of packed.pools) {
    for (const unplaced of unplaceable) resources.push(notPricedResource(unplaced.workload.name, unplaced.workload.kind, unplaced.reason, MAJOR_OF_ROLE[unplaced.workload.role]));
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
        const gib = workload.storageGiB * workload.replicas;
        lines.push(
          pricing.volume
            ? component({ name: `${pricing.volume.label} (${round(workload.storageGiB)} GiB × ${workload.replicas})`, unit: 'GB-months', quantity: gib, price: pricing.volume.usdPerGiBMonth, priceSource: pricing.volume.priceSource })
            : component({ name: `Volumes (${round(workload.storageGiB)} GiB × ${workload.replicas})`, unit: 'GB-months', quantity: null, price: null, notPriced: pricing.volumeMissing ?? 'no volume price' }),
        );
      }
      const note = [workload.replicas === 0 ? 'scaled to zero at its minimum' : undefined, workload.note].filter(Boolean).join('; ') || undefined;
      resources.push(lines.length ? resource(workload.name, workload.kind, lines, note) : { ...freeResource(workload.name, workload.kind, note ?? 'no pods at its minimum') });
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
            `${packing.spare ? ` + ${packing.spare} spare` : ''}; requests fill ${pct(packing.utilisation.vcpu)} of the CPU and ${pct(packing.utilisation.memory)} of the memory they may use`,
        ),
      );
    }
  }
  for (const volume of inv.volumes) {
    resources.push(
      pricing.volume
        ? resource(volume.name, 'PersistentVolumeClaim', [component({ name: `${pricing.volume.label} (${round(volume.storageGiB)} GiB)`, unit: 'GB-months', quantity: volume.storageGiB, price: pricing.volume.usdPerGiBMonth, priceSource: pricing.volume.priceSource })])
        : notPricedResource(volume.name, 'PersistentVolumeClaim', pricing.volumeMissing ?? 'no volume price'),
    );
  }
  for (const entry of inv.free) resources.push(freeResource(entry.name, entry.kind, entry.reason === 'no charge' ? undefined : entry.reason));
  for (const entry of inv.notPriced) resources.push(notPricedResource(entry.name, entry.kind, entry.reason));
  return { resources, pools, nodes: pools.reduce((s, p) => s + p.packing.nodes, 0), workloads: priced };
}

function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}
