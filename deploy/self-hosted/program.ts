/**
 * The Hetzner Cloud program (Pulumi, @pulumi/hcloud): the fleet plan's servers, private network and
 * subnets, spread placement groups per pool and failure domain, one firewall (80/443 from anywhere,
 * 6443 from the allow-list, nothing else), and the load balancer(s) forwarding 80/443 to the ingress
 * controller's NodePorts over the private network. Volumes are created by the CSI driver when the
 * stage's claims bind (sizes from the same plan), so no Pulumi-made volume is ever orphaned from its
 * claim. The Hetzner API token comes from the provider's environment (HCLOUD_TOKEN), never from state.
 */
import * as hcloud from '@pulumi/hcloud';
import * as pulumi from '@pulumi/pulumi';
import { cloudInit } from './cloud-init';
import { HcloudLayout, INGRESS_NODE_PORTS, NETWORK } from './layout';

/** Stack configuration keys of the generated secrets (set once by the engine, as Pulumi secrets). */
export const HCLOUD_SECRET_KEYS = { joinToken: 'k3sJoinToken', adminToken: 'k3sAdminToken' } as const;

export interface DeclaredFleet {
  readonly network: hcloud.Network;
  readonly subnets: hcloud.NetworkSubnet[];
  readonly placementGroups: hcloud.PlacementGroup[];
  readonly firewall: hcloud.Firewall;
  readonly servers: { spec: HcloudLayout['servers'][number]; server: hcloud.Server }[];
  readonly loadBalancers: { lb: hcloud.LoadBalancer; targets: hcloud.LoadBalancerTarget[]; services: hcloud.LoadBalancerService[] }[];
}

const LABELS = (layout: HcloudLayout) => ({ 'stagekit.dev/product': layout.product, 'app.kubernetes.io/managed-by': 'stagekit' });

/** Declares the fleet. `maxTargets` per load balancer type comes from the Hetzner API (getLoadBalancerType). */
export async function declareHcloudFleet(layout: HcloudLayout): Promise<DeclaredFleet> {
  const config = new pulumi.Config();
  const joinToken = config.requireSecret(HCLOUD_SECRET_KEYS.joinToken);
  const adminToken = config.requireSecret(HCLOUD_SECRET_KEYS.adminToken);
  const labels = LABELS(layout);
  const network = new hcloud.Network(`${layout.product}`, { name: layout.product, ipRange: NETWORK.ipRange, labels, deleteProtection: true });
  const networkId = network.id.apply(Number);
  const nodeSubnet = new hcloud.NetworkSubnet(`${layout.product}-nodes`, { networkId, type: 'cloud', networkZone: NETWORK.zone, ipRange: NETWORK.nodes });
  const lbSubnet = new hcloud.NetworkSubnet(`${layout.product}-load-balancers`, { networkId, type: 'cloud', networkZone: NETWORK.zone, ipRange: NETWORK.loadBalancers });
  const placementGroups = new Map(layout.placementGroups.map((name) => [name, new hcloud.PlacementGroup(name, { name, type: 'spread', labels })]));
  const firewall = new hcloud.Firewall(`${layout.product}-nodes`, {
    name: `${layout.product}-nodes`,
    labels,
    rules: layout.firewallRules.map((r) => ({ direction: r.direction, protocol: r.protocol, port: r.port, sourceIps: r.sourceIps, description: r.description })),
  });
  const first = layout.servers.find((s) => s.clusterInit)!;
  const multiNode = layout.servers.length > 1;

  // Load balancer targets: the pool's servers, as many as the type takes (read from the Hetzner API).
  const lbLabels = new Map<string, Set<string>>();
  for (const lb of layout.loadBalancers) {
    const type = await hcloud.getLoadBalancerType({ name: lb.type });
    const max = Number(type.maxTargets);
    if (!Number.isFinite(max) || max <= 0) throw new Error(`load balancer type ${lb.type}: the Hetzner API gave no target limit`);
    const targets = spreadPick(layout, lb.targetServers, max);
    lbLabels.set(lb.name, new Set(targets));
  }

  const servers = layout.servers.map((spec) => {
    const userData = pulumi.secret(pulumi.all([joinToken, adminToken]).apply(([j, a]) => cloudInit(spec, first.privateIp, multiNode, layout.k3sVersion, { joinToken: j, adminToken: a })));
    const serverLabels: Record<string, string> = { ...labels, 'stagekit.dev/pool': spec.pool, 'stagekit.dev/role': spec.role, 'stagekit.dev/holds-data': String(spec.holdsData) };
    for (const lb of layout.loadBalancers) if (lbLabels.get(lb.name)?.has(spec.name)) serverLabels[lb.label.replace(/^stagekit\.dev\//, 'stagekit.dev/')] = 'true';
    const server = new hcloud.Server(
      spec.name,
      {
        name: spec.name,
        serverType: spec.serverType,
        image: layout.image,
        location: spec.location,
        placementGroupId: placementGroups.get(spec.placementGroup)!.id.apply(Number),
        firewallIds: [firewall.id.apply(Number)],
        networks: [{ networkId, ip: spec.privateIp }],
        publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }],
        userData,
        labels: serverLabels,
        deleteProtection: spec.holdsData,
        rebuildProtection: spec.holdsData,
        shutdownBeforeDeletion: true,
      },
      // User data and image only bootstrap a server: changing them later must not replace a running node.
      { dependsOn: [nodeSubnet], ignoreChanges: ['userData', 'image'], protect: spec.holdsData },
    );
    return { spec, server };
  });

  const loadBalancers = layout.loadBalancers.map((lb) => {
    const balancer = new hcloud.LoadBalancer(lb.name, { name: lb.name, loadBalancerType: lb.type, location: lb.location, labels, algorithm: { type: 'round_robin' } });
    const lbId = balancer.id.apply(Number);
    new hcloud.LoadBalancerNetwork(`${lb.name}-network`, { loadBalancerId: lbId, subnetId: lbSubnet.id, enablePublicInterface: true });
    const targets = [new hcloud.LoadBalancerTarget(`${lb.name}-targets`, { loadBalancerId: lbId, type: 'label_selector', labelSelector: `${lb.label}=true`, usePrivateIp: true }, { dependsOn: [lbSubnet] })];
    const services = (['http', 'https'] as const).map(
      (protocol) =>
        new hcloud.LoadBalancerService(`${lb.name}-${protocol}`, {
          loadBalancerId: balancer.id,
          protocol: 'tcp',
          listenPort: protocol === 'http' ? 80 : 443,
          destinationPort: INGRESS_NODE_PORTS[protocol],
          healthCheck: { protocol: 'tcp', port: INGRESS_NODE_PORTS[protocol], interval: 10, timeout: 5, retries: 3 },
        }),
    );
    return { lb: balancer, targets, services };
  });

  return { network, subnets: [nodeSubnet, lbSubnet], placementGroups: [...placementGroups.values()], firewall, servers, loadBalancers };
}

/** Up to `max` of the servers, taking them round-robin over the failure domains so every domain is behind the balancer. */
export function spreadPick(layout: HcloudLayout, names: readonly string[], max: number): string[] {
  const byDomain = new Map<string, string[]>();
  for (const name of names) {
    const server = layout.servers.find((x) => x.name === name)!;
    byDomain.set(server.location, [...(byDomain.get(server.location) ?? []), name]);
  }
  const queues = [...byDomain.values()];
  const out: string[] = [];
  while (out.length < max && queues.some((q) => q.length)) for (const queue of queues) if (queue.length && out.length < max) out.push(queue.shift()!);
  return out;
}

/** The inline program the Automation API runs. */
export function hcloudProgram(layout: HcloudLayout): () => Promise<Record<string, unknown>> {
  return async () => {
    const fleet = await declareHcloudFleet(layout);
    const api = fleet.servers.find((s) => s.spec.clusterInit)!;
    return {
      stage: layout.stage,
      // What the safety check compares the next layout with (engine.ts deployedLayout).
      layout: JSON.stringify(layout),
      apiServerIpv4: api.server.ipv4Address,
      networkId: fleet.network.id,
      servers: layout.servers.map((s) => s.name),
      loadBalancers: fleet.loadBalancers.map((l) => l.lb.ipv4),
    };
  };
}
