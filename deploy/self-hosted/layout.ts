/**
 * What the Hetzner Cloud program provisions, laid out from the fleet plan the self-hosted bill prices
 * (cost/k8s/fleet.ts): one server per planned server, named by pool and index, placed in the plan's
 * failure domains (Hetzner locations), with fixed private addresses. Plain data, no Pulumi import:
 * the dry run, the safety check and `stagekit synth` read it without loading the Pulumi SDK.
 */
import type { Plan } from '../../core/plan';
import { planFleet, FleetPlan } from '../../cost/k8s/fleet';
import { usageFromPlan } from '../../cost/usage';
import type { KubeObject } from '../k8s/objects';
import { validateAllowList } from './allow-list';

export { validateAllowList };

/** k3s release the servers install (Kubernetes 1.34: Strimzi 0.51 needs 1.30+). */
export const K3S_VERSION = 'v1.34.11+k3s1';
/** Server image: an Ubuntu LTS Hetzner publishes. */
export const SERVER_IMAGE = 'ubuntu-24.04';
export const NETWORK = { ipRange: '10.0.0.0/16', nodes: '10.0.0.0/20', loadBalancers: '10.0.64.0/24', zone: 'eu-central' } as const;
/** NodePorts of the ingress controller's Service (platform/addons/operators.ts INGRESS_NODE_PORTS). */
export const INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;
/** Hetzner spread placement groups hold at most 10 servers. */
export const PLACEMENT_GROUP_SIZE = 10;
export const PULUMI_HCLOUD_PROJECT = 'stagekit-hcloud';

export type ServerRole = 'control-plane' | 'worker';

export interface ServerSpec {
  /** Stable name: `<product>-cp-1`, `<product>-data-3`, `<product>-general-12`, `<product>-node-1`. */
  readonly name: string;
  readonly role: ServerRole;
  readonly pool: 'control-plane' | 'data' | 'general' | 'single';
  readonly serverType: string;
  readonly location: string;
  readonly privateIp: string;
  /** Placement group (spread) name: per pool and failure domain, 10 servers each. */
  readonly placementGroup: string;
  /** Runs data systems (Postgres, Redis, Kafka volumes are attached here): replacing it moves data. */
  readonly holdsData: boolean;
  /** Behind the load balancer(s) named. */
  readonly loadBalancers: string[];
  /** The first control plane initialises etcd; the others join it. */
  readonly clusterInit: boolean;
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

/** The fleet plan of a stage: the same call the self-hosted bill makes (cost/k8s/self-hosted.ts). */
export function stageFleet(plan: Plan, objects: readonly KubeObject[]): FleetPlan {
  return planFleet(objects, { provider: 'hetzner', zones: plan.zones, usage: usageFromPlan(plan) });
}

/** The fleet plan on Hetzner dedicated servers at the sites nearest the profile's region (the dedicated inventory is checked against it). */
export function dedicatedFleet(plan: Plan, objects: readonly KubeObject[]): FleetPlan {
  return planFleet(objects, { provider: 'hetzner-dedicated', zones: plan.zones, usage: usageFromPlan(plan), region: plan.region });
}

/** Hetzner names load balancer types lb11/lb21/lb31; the price list's unnamed entry is the smallest, as the bill assumes. */
export function hetznerLoadBalancerType(type: string): string {
  return /^lb\d+$/i.test(type) ? type.toLowerCase() : 'lb11';
}

function ipAt(offset: number): string {
  // 10.0.0.0/20: offsets 0..4095.
  if (offset < 1 || offset > 4094) throw new Error(`the node subnet ${NETWORK.nodes} has no address at offset ${offset}: too many servers for one network`);
  return `10.0.${Math.floor(offset / 256)}.${offset % 256}`;
}

const POOL_OFFSETS = { 'control-plane': 10, single: 10, data: 256, general: 1024 } as const;

/** Lays out the fleet plan as servers, load balancers, firewall rules and placement groups. */
export function layoutFleet(plan: Plan, fleet: FleetPlan, options: LayoutOptions): HcloudLayout {
  if (fleet.provider !== 'hetzner') throw new Error(`the Hetzner Cloud program provisions Hetzner fleets; this fleet plan is for ${fleet.provider}`);
  if (fleet.unplaceable.length) {
    throw new Error(`the fleet plan is incomplete: no Hetzner server type holds ${fleet.unplaceable.map((u) => `${u.workload.name} (${u.reason})`).join('; ')}`);
  }
  const product = plan.product;
  const servers: ServerSpec[] = [];
  const groupName = (pool: string, location: string, index: number) => `${product}-${pool}-${location}-${Math.floor(index / PLACEMENT_GROUP_SIZE) + 1}`;
  const domains = fleet.failureDomains;
  if (fleet.singleNode) {
    const pool = fleet.pools[0];
    if (!pool) throw new Error('the single-node fleet plan has no server');
    for (let index = 0; index < pool.count; index++) {
      servers.push({ name: `${product}-node-${index + 1}`, role: 'control-plane', pool: 'single', serverType: pool.server.id, location: domains[0], privateIp: ipAt(POOL_OFFSETS.single + index), placementGroup: groupName('node', domains[0], index), holdsData: true, loadBalancers: [], clusterInit: index === 0, taints: [] });
    }
  } else {
    if (fleet.controlPlane) {
      // Control-plane node i goes to domain i mod domains (the plan's perFailureDomain).
      for (let index = 0; index < fleet.controlPlane.count; index++) {
        const location = domains[index % domains.length];
        servers.push({ name: `${product}-cp-${index + 1}`, role: 'control-plane', pool: 'control-plane', serverType: fleet.controlPlane.server.id, location, privateIp: ipAt(POOL_OFFSETS['control-plane'] + index), placementGroup: groupName('cp', location, 0), holdsData: false, loadBalancers: [], clusterInit: index === 0, taints: ['node-role.kubernetes.io/control-plane:NoSchedule'] });
      }
    }
    for (const pool of fleet.pools) {
      // Packed servers per domain as planned, the spare in its planned domain; numbered in that order.
      const perDomain = pool.perFailureDomain.map((n, d) => n + (pool.spareFailureDomain === d ? pool.spare : 0));
      let index = 0;
      const perDomainIndex = domains.map(() => 0);
      for (let domainIndex = 0; domainIndex < perDomain.length; domainIndex++) {
        for (let slot = 0; slot < perDomain[domainIndex]; slot++) {
          const location = domains[domainIndex];
          servers.push({
            name: `${product}-${pool.name}-${index + 1}`,
            role: 'worker',
            pool: pool.name,
            serverType: pool.server.id,
            location,
            privateIp: ipAt(POOL_OFFSETS[pool.name] + index),
            placementGroup: groupName(pool.name, location, perDomainIndex[domainIndex]++),
            holdsData: pool.name === 'data',
            loadBalancers: [],
            clusterInit: false,
            taints: [],
          });
          index++;
        }
      }
      if (index !== pool.count) throw new Error(`fleet plan pool ${pool.name}: ${pool.count} servers but ${index} placed over the failure domains`);
    }
  }
  const loadBalancers: LoadBalancerSpec[] = fleet.loadBalancers.flatMap((lb) =>
    Array.from({ length: lb.count }, (_, lbIndex) => {
      const name = `${product}-${lb.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}${lb.count > 1 ? `-${lbIndex + 1}` : ''}`;
      const label = `stagekit.dev/lb-${name}`.slice(0, 63);
      const targets = servers.filter((s) => s.pool === lb.targets.pool);
      return { name, fronts: `${lb.kind} ${lb.name}`, type: hetznerLoadBalancerType(lb.type), location: domains[0], pool: lb.targets.pool, targetServers: targets.map((s) => s.name), label };
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
