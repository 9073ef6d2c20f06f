/**
 * Bin-packing pods onto servers. For each candidate server type, every workload's replicas are spread
 * evenly over the failure domains (round-robin, as a hard topology spread would place them), each domain is
 * packed first-fit-decreasing (replicas of a data system never share a node), and N+1 adds one spare node
 * to the pool so a failed node's pods have somewhere to go. The cheapest candidate wins; ties go to fewer
 * nodes, then the smaller server.
 */

export interface ServerType {
  readonly id: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly monthlyUsd: number;
  /** "dedicated vCPU", "shared vCPU", "Graviton"... shown on the bill. */
  readonly description: string;
  readonly priceSource: string;
  /**
   * Usable local disk (after RAID) when pods' persistent volumes live on the server's own NVMe (dedicated
   * and owned servers): then storage is packed like CPU and memory. Undefined: volumes are attached apart.
   */
  readonly localDiskGiB?: number;
}

export interface PodGroup {
  readonly workload: string;
  readonly replicas: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Replicas may not share a node. */
  readonly spreadOverNodes: boolean;
  /** Persistent storage of one replica (packed only onto servers with `localDiskGiB`). */
  readonly storageGiB?: number;
}

export interface PackOptions {
  readonly zones: number;
  /** Spare nodes added to the pool (1 for N+1, 0 on a single node). */
  readonly spare: number;
  /** Share of a server's vCPU and memory that pods may request (the rest is OS, kubelet, agents). */
  readonly allocatable: { readonly vcpu: number; readonly memory: number };
  /**
   * Price of attached block storage per GiB-month: volumes of pods on a server without local disk cost this on
   * top of the servers, so candidates with and without local disks are compared on servers + volumes.
   * @default 0 (servers compared on their own price)
   */
  readonly volumeUsdPerGiB?: number;
  /**
   * Requests every node carries before any pod lands (the platform's DaemonSets: log shipper, CSI node
   * plugin): taken off each node's room, and shown as a share of the packed nodes under `name`.
   */
  readonly perNode?: { readonly name: string; readonly vcpu: number; readonly memoryGiB: number };
}

export interface PackResult {
  readonly server: ServerType;
  /** Nodes the pods need, per failure domain (before the spare). */
  readonly nodesPerZone: number[];
  readonly packedNodes: number;
  readonly spare: number;
  readonly nodes: number;
  readonly monthlyUsd: number;
  /** Requested / allocatable over the packed nodes. */
  readonly utilisation: { readonly vcpu: number; readonly memory: number };
  /** Each workload's share of the packed nodes: the largest of its CPU, memory (and local disk) fraction of a node. */
  readonly shares: Map<string, number>;
  /** Packed-node capacity no workload's share covers (fragmentation); shares + unused = packedNodes. */
  readonly unused: number;
}

export const DEFAULT_ALLOCATABLE = { vcpu: 0.9, memory: 0.85 };

interface Node {
  vcpu: number;
  memoryGiB: number;
  diskGiB: number;
  members: Set<string>;
}

/** Requests may overshoot the allocatable share by 0.1% (quantities are rounded to MiB and millicores). */
const SLACK = 1.001;
const EPS = 1e-9;

/** Packs the pods of one pool onto `server`; undefined when a pod does not fit the server at all. */
export function packOnto(groups: readonly PodGroup[], server: ServerType, options: PackOptions): PackResult | undefined {
  const capCpu = server.vcpu * options.allocatable.vcpu * SLACK;
  const capMem = server.memoryGiB * options.allocatable.memory * SLACK;
  const capDisk = server.localDiskGiB ?? Infinity;
  const disk = (g: PodGroup) => (server.localDiskGiB === undefined ? 0 : (g.storageGiB ?? 0));
  const fraction = (g: PodGroup) => Math.max(g.vcpu / capCpu, g.memoryGiB / capMem, capDisk === Infinity ? 0 : disk(g) / capDisk);
  // What the DaemonSets take on every node comes off the room pods have.
  const reserveCpu = options.perNode?.vcpu ?? 0;
  const reserveMem = options.perNode?.memoryGiB ?? 0;
  const podCpu = capCpu - reserveCpu;
  const podMem = capMem - reserveMem;
  if (podCpu <= 0 || podMem <= 0) return undefined;
  if (groups.some((g) => g.replicas > 0 && (g.vcpu > podCpu + EPS || g.memoryGiB > podMem + EPS || disk(g) > capDisk + EPS))) return undefined;
  const zones = Math.max(1, options.zones);
  const perZone: { group: PodGroup; size: number }[][] = Array.from({ length: zones }, () => []);
  let offset = 0;
  for (const group of groups) {
    for (let replica = 0; replica < group.replicas; replica++) perZone[(offset + replica) % zones].push({ group, size: fraction(group) });
    offset += group.replicas;
  }
  const nodesPerZone: number[] = [];
  for (const pods of perZone) {
    pods.sort((a, b) => b.size - a.size || a.group.workload.localeCompare(b.group.workload));
    const nodes: Node[] = [];
    for (const { group } of pods) {
      let node = nodes.find((n) => n.vcpu + EPS >= group.vcpu && n.memoryGiB + EPS >= group.memoryGiB && n.diskGiB + EPS >= disk(group) && !(group.spreadOverNodes && n.members.has(group.workload)));
      if (!node) {
        node = { vcpu: podCpu, memoryGiB: podMem, diskGiB: capDisk, members: new Set() };
        nodes.push(node);
      }
      node.vcpu -= group.vcpu;
      node.memoryGiB -= group.memoryGiB;
      node.diskGiB -= disk(group);
      node.members.add(group.workload);
    }
    nodesPerZone.push(nodes.length);
  }
  const packedNodes = nodesPerZone.reduce((a, b) => a + b, 0);
  if (packedNodes === 0) return undefined;
  const nodes = packedNodes + options.spare;
  const totalCpu = groups.reduce((s, g) => s + g.vcpu * g.replicas, 0) + reserveCpu * packedNodes;
  const totalMem = groups.reduce((s, g) => s + g.memoryGiB * g.replicas, 0) + reserveMem * packedNodes;
  // A workload's share is what its pods take of a node (the larger of CPU and memory); the DaemonSets take
  // their requests on every packed node; the rest of the packed nodes is capacity no pod can use, shown on
  // the pool's own line.
  const weights: (readonly [string, number])[] = groups.map((g) => [g.workload, g.replicas * fraction(g) * SLACK] as const);
  if (options.perNode && (reserveCpu > 0 || reserveMem > 0)) weights.push([options.perNode.name, packedNodes * Math.max(reserveCpu / capCpu, reserveMem / capMem) * SLACK]);
  const weightSum = weights.reduce((s, [, w]) => s + w, 0);
  const scale = weightSum > packedNodes ? packedNodes / weightSum : 1;
  const shares = new Map<string, number>();
  for (const [workload, weight] of weights) shares.set(workload, (shares.get(workload) ?? 0) + weight * scale);
  const unused = Math.max(0, packedNodes - weightSum * scale);
  return {
    server,
    nodesPerZone,
    packedNodes,
    spare: options.spare,
    nodes,
    monthlyUsd: nodes * server.monthlyUsd,
    utilisation: { vcpu: (totalCpu * SLACK) / (packedNodes * capCpu), memory: (totalMem * SLACK) / (packedNodes * capMem) },
    shares,
    unused,
  };
}

/**
 * Drops server types another type beats on every count (as much vCPU, memory and local disk, for no more
 * money). Servers are compared only with their own kind: with local disks (volumes packed onto the drives, so a
 * dearer configuration with larger drives is not dominated by the cheaper one whose drives a volume outgrows) or
 * without (volumes attached apart and priced on top, see `cheapestPacking`).
 */
export function undominated(servers: readonly ServerType[]): ServerType[] {
  const local = (s: ServerType) => s.localDiskGiB !== undefined;
  const asMuchDisk = (o: ServerType, s: ServerType) => local(o) === local(s) && (!local(s) || o.localDiskGiB! >= s.localDiskGiB!);
  const moreDisk = (o: ServerType, s: ServerType) => local(o) && local(s) && o.localDiskGiB! > s.localDiskGiB!;
  return servers.filter(
    (server) =>
      !servers.some(
        (other) =>
          other !== server &&
          other.vcpu >= server.vcpu &&
          other.memoryGiB >= server.memoryGiB &&
          asMuchDisk(other, server) &&
          other.monthlyUsd <= server.monthlyUsd &&
          (other.vcpu > server.vcpu || other.memoryGiB > server.memoryGiB || moreDisk(other, server) || other.monthlyUsd < server.monthlyUsd || other.id < server.id),
      ),
  );
}

/** The cheapest way to pack a pool over the candidate server types. */
export function cheapestPacking(groups: readonly PodGroup[], candidates: readonly ServerType[], options: PackOptions): PackResult | undefined {
  // Volumes on servers without local disk are attached block storage, paid on top of the servers.
  const volumeGiB = groups.reduce((sum, g) => sum + (g.storageGiB ?? 0) * g.replicas, 0);
  const total = (r: PackResult) => r.monthlyUsd + (r.server.localDiskGiB === undefined ? volumeGiB * (options.volumeUsdPerGiB ?? 0) : 0);
  let best: PackResult | undefined;
  for (const server of undominated(candidates)) {
    const result = packOnto(groups, server, options);
    if (!result) continue;
    if (
      !best ||
      total(result) < total(best) - 1e-6 ||
      (Math.abs(total(result) - total(best)) <= 1e-6 && (result.nodes < best.nodes || (result.nodes === best.nodes && server.vcpu < best.server.vcpu)))
    ) {
      best = result;
    }
  }
  return best;
}
