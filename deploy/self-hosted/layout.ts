/**
 * What the Hetzner Cloud program provisions, laid out from the fleet plan the self-hosted bill prices
 * (cost/k8s/fleet.ts planStageFleet, the one computation both make): one server per planned server, placed
 * in the plan's failure domains (Hetzner locations, or spread placement groups inside one), with fixed
 * private addresses. A server's name is its identity: pool, failure domain and ordinal within that pool and
 * domain, so a pool that grows adds servers and never renames (so never moves or replaces) the ones it has.
 * Plain data, no Pulumi import: the dry run, the safety check and `stagekit synth` read it without loading
 * the Pulumi SDK.
 */
import type { Plan } from '../../core/plan';
import { FleetPlan, planStageFleet } from '../../cost/k8s/fleet';
import type { KubeObject } from '../k8s/objects';
import { validateAllowList } from './allow-list';

export { validateAllowList };

/** k3s release the servers install (Kubernetes 1.34: Strimzi 0.51 needs 1.30+). */
export const K3S_VERSION = 'v1.34.11+k3s1';
/** Server image: an Ubuntu LTS Hetzner publishes. */
export const SERVER_IMAGE = 'ubuntu-24.04';
/** The private network's address plan; its network zone is the fleet's (HcloudLayout.networkZone). */
export const NETWORK = { ipRange: '10.0.0.0/16', nodes: '10.0.0.0/20', loadBalancers: '10.0.64.0/24' } as const;
/**
 * Hetzner network zones of the cloud locations: a network (and its subnets) lives in one zone, so a fleet's
 * locations must share one (docs.hetzner.com/cloud/general/locations: eu-central = fsn1, nbg1, hel1; us-east =
 * ash; us-west = hil; ap-southeast = sin).
 */
export const HETZNER_NETWORK_ZONES: Record<string, string> = { fsn1: 'eu-central', nbg1: 'eu-central', hel1: 'eu-central', ash: 'us-east', hil: 'us-west', sin: 'ap-southeast' };
/** NodePorts of the ingress controller's Service (platform/addons/operators.ts INGRESS_NODE_PORTS). */
export const INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;
/** Hetzner spread placement groups hold at most 10 servers. */
export const PLACEMENT_GROUP_SIZE = 10;
export const PULUMI_HCLOUD_PROJECT = 'stagekit-hcloud';

export type ServerRole = 'control-plane' | 'worker';

export interface ServerSpec {
  /**
   * Stable identity: `<product>-<pool>-<failure domain>-<ordinal in that pool and domain>`, e.g.
   * `shop-data-fsn1-2`, `shop-general-ash-spread-1-3`, `shop-cp-hel1-1`, `shop-node-fsn1-1`.
   */
  readonly name: string;
  readonly role: ServerRole;
  readonly pool: 'control-plane' | 'data' | 'general' | 'single';
  readonly serverType: string;
  /** The Hetzner location the server is created in (fsn1, ash...). */
  readonly location: string;
  /** The plan's failure domain: the location, or `<location>/spread-N` (separate hosts of one location). */
  readonly failureDomain: string;
  /** The node's `topology.kubernetes.io/zone` value: the failure domain as a label value (`fsn1`, `ash-spread-2`), so pods spread over domains, not just locations. */
  readonly zone: string;
  readonly privateIp: string;
  /** Placement group (spread) name: per pool and failure domain, 10 servers each. */
  readonly placementGroup: string;
  /** Runs data systems (Postgres, Redis, Kafka volumes are attached here): replacing it moves data. */
  readonly holdsData: boolean;
  /** Behind the load balancer(s) named. */
  readonly loadBalancers: string[];
  /** The first control plane initialises etcd; the others join it. */
  readonly clusterInit: boolean;
  /** Runs an etcd member (k3s server): 1 or 3 per cluster, never 2. */
  readonly etcd: boolean;
  readonly taints: string[];
}

export interface LoadBalancerSpec {
  readonly name: string;
  /** What it fronts, from the fleet plan (Ingress/web). */
  readonly fronts: string;
  readonly type: string;
  readonly location: string;
  /** The pool it forwards to, and how many of its servers the plan priced as targets. */
  readonly pool: string;
  readonly targetServers: string[];
  readonly label: string;
}

export interface FirewallRuleSpec {
  readonly direction: 'in';
  readonly protocol: 'tcp';
  readonly port: string;
  readonly sourceIps: string[];
  readonly description: string;
}

export interface HcloudLayout {
  readonly product: string;
  readonly stage: string;
  readonly fleet: FleetPlan;
  /** The Hetzner network zone every server's location is in (the network and subnets are created there). */
  readonly networkZone: string;
  readonly servers: ServerSpec[];
  readonly loadBalancers: LoadBalancerSpec[];
  readonly firewallRules: FirewallRuleSpec[];
  readonly placementGroups: string[];
  /** The address the kubeconfig points at: the first control plane (single node: the node). */
  readonly apiServer: string;
  /** Block volumes: created by the CSI driver when claims bind, not by Pulumi (sizes from the fleet plan). */
  readonly volumeGiB: number;
  readonly volumes: number;
  readonly k3sVersion: string;
  readonly image: string;
}

export interface LayoutOptions {
  /** Address blocks allowed to reach the Kubernetes API (6443). Required: nothing is open by default. */
  readonly apiAllowList: readonly string[];
}

/** The fleet plan of a stage on Hetzner Cloud: planStageFleet, the call the self-hosted bill makes (cost/stage.ts). */
export function stageFleet(plan: Plan, objects: readonly KubeObject[]): FleetPlan {
  return planStageFleet(plan, objects, { provider: 'hetzner' }).plan;
}

/** The fleet plan on Hetzner dedicated servers at the sites nearest the profile's region (the dedicated inventory is checked against it). */
export function dedicatedFleet(plan: Plan, objects: readonly KubeObject[]): FleetPlan {
  return planStageFleet(plan, objects, { provider: 'hetzner-dedicated' }).plan;
}

/** The Hetzner location of a failure domain (`ash/spread-2` is in ash). */
export function locationOf(failureDomain: string): string {
  return failureDomain.split('/')[0];
}

const slug = (failureDomain: string) => failureDomain.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** Hetzner names load balancer types lb11/lb21/lb31; the price list's unnamed entry is the smallest, as the bill assumes. */
export function hetznerLoadBalancerType(type: string): string {
  return /^lb\d+$/i.test(type) ? type.toLowerCase() : 'lb11';
}

function ipAt(offset: number): string {
  // 10.0.0.0/20: offsets 0..4095.
  if (offset < 1 || offset > 4094) throw new Error(`the node subnet ${NETWORK.nodes} has no address at offset ${offset}: too many servers for one network`);
  return `10.0.${Math.floor(offset / 256)}.${offset % 256}`;
}

/**
 * Private addresses by identity, so a server keeps its address while its pool grows or shrinks: each pool has a
 * block, each failure domain (by its index in the region's sites, which stages share) a slice of it.
 */
const ADDRESS_BLOCKS = {
  'control-plane': { base: 10, perDomain: 10, domains: 5 },
  single: { base: 60, perDomain: 190, domains: 1 },
  data: { base: 256, perDomain: 250, domains: 3 },
  general: { base: 1024, perDomain: 1000, domains: 3 },
} as const;

function addressFor(pool: keyof typeof ADDRESS_BLOCKS, domainIndex: number, ordinal: number): string {
  const block = ADDRESS_BLOCKS[pool];
  if (domainIndex >= block.domains || ordinal > block.perDomain) throw new Error(`the ${pool} pool has no private address for server ${ordinal} of failure domain ${domainIndex + 1}: at most ${block.perDomain} servers per domain over ${block.domains} domains`);
  return ipAt(block.base + domainIndex * block.perDomain + ordinal - 1);
}

/** Lays out the fleet plan as servers, load balancers, firewall rules and placement groups. */
export function layoutFleet(plan: Plan, fleet: FleetPlan, options: LayoutOptions): HcloudLayout {
  if (fleet.provider !== 'hetzner') throw new Error(`the Hetzner Cloud program provisions Hetzner fleets; this fleet plan is for ${fleet.provider}`);
  if (fleet.unplaceable.length) {
    throw new Error(`the fleet plan is incomplete: no Hetzner server type holds ${fleet.unplaceable.map((u) => `${u.workload.name} (${u.reason})`).join('; ')}`);
  }
  if (fleet.cannotProvision.length) throw new Error(`the fleet plan cannot be provisioned on Hetzner Cloud: ${fleet.cannotProvision.join('; ')}`);
  const product = plan.product;
  const servers: ServerSpec[] = [];
  const domains = fleet.failureDomains;
  // Domain index among the region's sites (stable across stages: fsn1 is 0 whether the stage uses 2 or 3 domains).
  const sites = fleet.locations.sites;
  const siteIndex = (domain: string) => {
    const spread = /\/spread-(\d+)$/.exec(domain);
    return spread ? Number(spread[1]) - 1 : Math.max(0, sites.indexOf(locationOf(domain)));
  };
  const groupName = (pool: string, domain: string, ordinal: number) => `${product}-${pool}-${slug(domain)}-${Math.floor((ordinal - 1) / PLACEMENT_GROUP_SIZE) + 1}`;
  const place = (pool: ServerSpec['pool'], tag: string, domain: string, ordinal: number, fields: Omit<ServerSpec, 'name' | 'pool' | 'location' | 'failureDomain' | 'zone' | 'privateIp' | 'placementGroup'>): ServerSpec => ({
    name: `${product}-${tag}-${slug(domain)}-${ordinal}`,
    pool,
    location: locationOf(domain),
    failureDomain: domain,
    zone: slug(domain),
    privateIp: addressFor(pool, siteIndex(domain), ordinal),
    placementGroup: groupName(tag, domain, ordinal),
    ...fields,
  });
  if (fleet.singleNode) {
    const pool = fleet.pools[0];
    if (!pool) throw new Error('the single-node fleet plan has no server');
    // One etcd member (the first server); more servers, when the pods need them, join as agents: two etcd
    // members would tolerate no failure and double the ways to lose quorum.
    for (let ordinal = 1; ordinal <= pool.count; ordinal++) {
      const server = ordinal === 1;
      servers.push(place('single', 'node', domains[0], ordinal, { role: server ? 'control-plane' : 'worker', serverType: pool.server.id, holdsData: true, loadBalancers: [], clusterInit: server, etcd: server, taints: [] }));
    }
  } else {
    const controlPlane = fleet.controlPlane;
    if (controlPlane) {
      if (controlPlane.count % 2 === 0) throw new Error(`the fleet plan has ${controlPlane.count} control-plane nodes: etcd needs an odd number of members (1, 3 or 5)`);
      const perDomain = new Map<string, number>();
      controlPlane.locations.forEach((domain, index) => {
        const ordinal = (perDomain.get(domain) ?? 0) + 1;
        perDomain.set(domain, ordinal);
        servers.push(place('control-plane', 'cp', domain, ordinal, { role: 'control-plane', serverType: controlPlane.server.id, holdsData: false, loadBalancers: [], clusterInit: index === 0, etcd: true, taints: ['node-role.kubernetes.io/control-plane:NoSchedule'] }));
      });
    }
    for (const pool of fleet.pools) {
      // Packed servers per domain as planned, the spare in its planned domain; numbered within pool and domain.
      const perDomain = pool.perFailureDomain.map((n, d) => n + (pool.spareFailureDomain === d ? pool.spare : 0));
      let placed = 0;
      perDomain.forEach((count, domainIndex) => {
        for (let ordinal = 1; ordinal <= count; ordinal++) {
          servers.push(place(pool.name, pool.name, domains[domainIndex], ordinal, { role: 'worker', serverType: pool.server.id, holdsData: pool.name === 'data', loadBalancers: [], clusterInit: false, etcd: false, taints: [] }));
          placed++;
        }
      });
      if (placed !== pool.count) throw new Error(`fleet plan pool ${pool.name}: ${pool.count} servers but ${placed} placed over the failure domains`);
    }
  }
  const zones = [...new Set(servers.map((s) => HETZNER_NETWORK_ZONES[s.location] ?? 'unknown'))];
  if (zones.length !== 1 || zones[0] === 'unknown') throw new Error(`the fleet's locations (${[...new Set(servers.map((s) => s.location))].join(', ')}) are not in one Hetzner network zone: a private network spans one zone`);
  const loadBalancers: LoadBalancerSpec[] = fleet.loadBalancers.flatMap((lb) =>
    Array.from({ length: lb.count }, (_, lbIndex) => {
      const name = `${product}-${lb.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}${lb.count > 1 ? `-${lbIndex + 1}` : ''}`;
      const label = `stagekit.dev/lb-${name}`.slice(0, 63);
      const targets = servers.filter((s) => s.pool === lb.targets.pool);
      return { name, fronts: `${lb.kind} ${lb.name}`, type: hetznerLoadBalancerType(lb.type), location: locationOf(domains[0]), pool: lb.targets.pool, targetServers: targets.map((s) => s.name), label };
    }),
  );
  for (const lb of loadBalancers) for (const server of servers) if (lb.targetServers.includes(server.name)) server.loadBalancers.push(lb.name);
  const allowList = validateAllowList(options.apiAllowList);
  const firewallRules: FirewallRuleSpec[] = [
    { direction: 'in', protocol: 'tcp', port: '80', sourceIps: ['0.0.0.0/0', '::/0'], description: 'HTTP to the ingress controller' },
    { direction: 'in', protocol: 'tcp', port: '443', sourceIps: ['0.0.0.0/0', '::/0'], description: 'HTTPS to the ingress controller' },
    ...(allowList.length ? [{ direction: 'in' as const, protocol: 'tcp' as const, port: '6443', sourceIps: allowList, description: 'Kubernetes API from the allow-list' }] : []),
    // The deploy reads the admin kubeconfig over SSH (no admin credential in user data: cloud-init.ts).
    ...(allowList.length ? [{ direction: 'in' as const, protocol: 'tcp' as const, port: '22', sourceIps: allowList, description: 'SSH (key only) from the allow-list' }] : []),
  ];
  const volumeGiB = fleet.volumes.reduce((s, v) => s + v.sizeGiB * v.count, 0);
  return {
    product,
    stage: plan.stage,
    fleet,
    networkZone: zones[0],
    servers,
    loadBalancers,
    firewallRules,
    placementGroups: [...new Set(servers.map((s) => s.placementGroup))],
    apiServer: servers.find((s) => s.clusterInit)!.name,
    volumeGiB,
    volumes: fleet.volumes.reduce((s, v) => s + v.count, 0),
    k3sVersion: K3S_VERSION,
    image: SERVER_IMAGE,
  };
}
