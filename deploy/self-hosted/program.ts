/**
 * The Hetzner Cloud program (Pulumi, @pulumi/hcloud): the fleet plan's servers, private network and
 * subnets, spread placement groups per pool and failure domain, one firewall (80/443 from anywhere,
 * 6443 from the allow-list, nothing else), and the load balancer(s) forwarding 80/443 to the ingress
 * controller's NodePorts over the private network. Volumes are created by the CSI driver when the
 * stage's claims bind (sizes from the same plan), so no Pulumi-made volume is ever orphaned from its
 * claim. The Hetzner API token comes from the provider's environment (HCLOUD_TOKEN), never from state.
 * The k3s tokens and the SSH key are stack secrets (secrets.ts): what is derived from them is secret too.
 */
import * as hcloud from '@pulumi/hcloud';
import * as pulumi from '@pulumi/pulumi';
import { cloudInit } from './cloud-init';
import { HcloudLayout, INGRESS_NODE_PORTS, NETWORK } from './layout';
import { loadBalancerTargets } from './lb-targets';
import { CLUSTER_SECRET_KEYS, sshPublicKeyOf } from './secrets';

export interface DeclaredFleet {
  readonly network: hcloud.Network;
  readonly subnets: hcloud.NetworkSubnet[];
  readonly placementGroups: hcloud.PlacementGroup[];
  readonly firewall: hcloud.Firewall;
  readonly sshKey: hcloud.SshKey;
  readonly servers: { spec: HcloudLayout['servers'][number]; server: hcloud.Server }[];
  readonly loadBalancers: { lb: hcloud.LoadBalancer; targets: hcloud.LoadBalancerTarget[]; services: hcloud.LoadBalancerService[] }[];
}

const LABELS = (layout: HcloudLayout) => ({ 'stagekit.dev/product': layout.product, 'app.kubernetes.io/managed-by': 'stagekit' });

/** Declares the fleet. `maxTargets` per load balancer type comes from the Hetzner API (getLoadBalancerType). */
export async function declareHcloudFleet(layout: HcloudLayout): Promise<DeclaredFleet> {
  const config = new pulumi.Config();
  const serverToken = config.requireSecret(CLUSTER_SECRET_KEYS.serverToken);
  const agentToken = config.requireSecret(CLUSTER_SECRET_KEYS.agentToken);
  const labels = LABELS(layout);
  // Only the public half of the deploy's SSH key leaves the stack (the private key stays a secret).
  const sshPublicKey = pulumi.unsecret(config.requireSecret(CLUSTER_SECRET_KEYS.sshPrivateKey).apply(sshPublicKeyOf));
  const sshKey = new hcloud.SshKey(`${layout.product}-deploy`, { name: `${layout.product}-deploy`, publicKey: sshPublicKey, labels });
  const network = new hcloud.Network(`${layout.product}`, { name: layout.product, ipRange: NETWORK.ipRange, labels, deleteProtection: true });
  const networkId = network.id.apply(Number);
  const nodeSubnet = new hcloud.NetworkSubnet(`${layout.product}-nodes`, { networkId, type: 'cloud', networkZone: layout.networkZone, ipRange: NETWORK.nodes });
  const lbSubnet = new hcloud.NetworkSubnet(`${layout.product}-load-balancers`, { networkId, type: 'cloud', networkZone: layout.networkZone, ipRange: NETWORK.loadBalancers });
  const placementGroups = new Map(layout.placementGroups.map((name) => [name, new hcloud.PlacementGroup(name, { name, type: 'spread', labels })]));
  const firewall = new hcloud.Firewall(`${layout.product}-nodes`, {
    name: `${layout.product}-nodes`,
    labels,
    rules: layout.firewallRules.map((r) => ({ direction: r.direction, protocol: r.protocol, port: r.port, sourceIps: r.sourceIps, description: r.description })),
  });
  const first = layout.servers.find((s) => s.clusterInit)!;
  const multiNode = layout.servers.length > 1;

  // Load balancer targets: each server of a fronted pool behind exactly one balancer, within the type's
  // target limit (read from the Hetzner API).
  const limits = new Map<string, number>();
  for (const type of new Set(layout.loadBalancers.map((lb) => lb.type))) {
    const limit = Number((await hcloud.getLoadBalancerType({ name: type })).maxTargets);
    if (!Number.isFinite(limit) || limit <= 0) throw new Error(`load balancer type ${type}: the Hetzner API gave no target limit`);
    limits.set(type, limit);
  }
  const targetsOf = loadBalancerTargets(layout, (type) => limits.get(type)!);

  const servers = layout.servers.map((spec) => {
    // A worker's user data is built from the agent token alone: the server token is not even an input to it.
    const userData =
      spec.role === 'control-plane'
        ? pulumi.secret(pulumi.all([serverToken, agentToken]).apply(([server, agent]) => cloudInit(spec, first.privateIp, multiNode, layout.networkZone, layout.k3sVersion, { serverToken: server, agentToken: agent })))
        : pulumi.secret(agentToken.apply((agent) => cloudInit(spec, first.privateIp, multiNode, layout.networkZone, layout.k3sVersion, { agentToken: agent })));
    const serverLabels: Record<string, string> = { ...labels, 'stagekit.dev/pool': spec.pool, 'stagekit.dev/role': spec.role, 'stagekit.dev/holds-data': String(spec.holdsData) };
    for (const lb of layout.loadBalancers) if (targetsOf.get(lb.name)!.includes(spec.name)) serverLabels[lb.label] = 'true';
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
        sshKeys: [sshKey.id],
        labels: serverLabels,
        deleteProtection: spec.holdsData,
        rebuildProtection: spec.holdsData,
        shutdownBeforeDeletion: true,
      },
      // User data, image and SSH keys only bootstrap a server, and a change to any of them replaces it (the
      // Hetzner API cannot change them in place): a rotated token must not delete data-holding nodes. A
      // rotation is applied on the running cluster instead (docs/self-hosted.md, "Rotating the secrets");
      // servers created afterwards get the new values, and the old ones left in older servers' user data
      // no longer join anything.
      { dependsOn: [nodeSubnet], ignoreChanges: ['userData', 'image', 'sshKeys'], protect: spec.holdsData },
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

  return { network, subnets: [nodeSubnet, lbSubnet], placementGroups: [...placementGroups.values()], firewall, sshKey, servers, loadBalancers };
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
