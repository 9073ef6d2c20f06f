/**
 * Dedicated servers (Hetzner Robot, OVH bare metal, owned hardware) cannot be ordered through an API the
 * way cloud servers are: the team orders and installs them, lists them in an inventory file, and stagekit
 * checks the inventory against the fleet plan the bill priced and writes each machine's configuration.
 *
 * Inventory in (YAML):
 *
 *   vswitch: { vlan: 4000, subnet: 10.1.0.0/24, interface: enp5s0 }   # Hetzner vSwitch (private network)
 *   servers:
 *     - { name: cp-1, publicIpv4: 203.0.113.10, privateIpv4: 10.1.0.11, location: fsn1, role: control-plane, vcpu: 8, memoryGiB: 64 }
 *     - { name: data-1, publicIpv4: 203.0.113.20, privateIpv4: 10.1.0.21, location: fsn1, role: worker, pool: data, vcpu: 48, memoryGiB: 256 }
 *
 * Cloud servers of a mixed plan ("Hetzner dedicated + Cloud": the general pool and the control plane on
 * Hetzner Cloud) are created in a Cloud network coupled to the vSwitch and listed with `cloud: true`:
 *
 *   vswitch: { ..., cloudSubnet: 10.1.1.0/24, cloudInterface: enp7s0 }
 *     - { name: general-1, publicIpv4: 203.0.113.30, privateIpv4: 10.1.1.11, location: fsn1, role: worker, pool: general, vcpu: 16, memoryGiB: 32, cloud: true }
 *
 * While they are missing, the shortfall names the exact `hcloud` commands that create them.
 *
 * Configs out, per machine: the k3s configuration (zone label = location), the VLAN interface on the
 * vSwitch (netplan), and an install script pinned to the same k3s release as the cloud fleet; plus a
 * checklist. The join token is never written: the operator creates it once on the first server.
 */
import { parse } from 'yaml';
import { UsageError } from '../../core/errors';
import type { FleetPlan } from '../../cost/k8s/fleet';
import { K3S_VERSION } from './layout';

export interface InventoryServer {
  readonly name: string;
  readonly publicIpv4: string;
  readonly privateIpv4: string;
  readonly location: string;
  readonly role: 'control-plane' | 'worker';
  /** Workers: the pool of the fleet plan the server serves. */
  readonly pool?: 'data' | 'general';
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** A Hetzner Cloud server in the Cloud network coupled to the vSwitch (no VLAN interface of its own). */
  readonly cloud?: boolean;
}

export interface Inventory {
  readonly vswitch: {
    readonly vlan: number;
    readonly subnet: string;
    readonly interface: string;
    /** The Cloud network's subnet of the cloud servers (type cloud, beside the vSwitch subnet). */
    readonly cloudSubnet?: string;
    /** The cloud servers' private-network interface. */
    readonly cloudInterface?: string;
  };
  readonly servers: InventoryServer[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parses and validates an inventory: every problem at once, each naming its field, what was expected and what was given. */
export function parseInventory(text: string, file = 'inventory'): Inventory {
  let doc: any;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const errors: string[] = [];
  const given = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  const vs = doc?.vswitch ?? {};
  if (!Number.isInteger(vs.vlan) || vs.vlan < 4000 || vs.vlan > 4091) errors.push(`vswitch.vlan: expected a Hetzner vSwitch VLAN id 4000-4091, got ${given(vs.vlan)}`);
  const subnet = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(String(vs.subnet ?? ''));
  if (!subnet) errors.push(`vswitch.subnet: expected a private /24 such as 10.1.0.0/24, got ${given(vs.subnet)}`);
  if (typeof vs.interface !== 'string' || !/^[a-z0-9]+$/.test(vs.interface)) errors.push(`vswitch.interface: expected the servers' uplink interface name such as enp5s0, got ${given(vs.interface)}`);
  const servers: any[] = Array.isArray(doc?.servers) ? doc.servers : [];
  const anyCloud = servers.some((server) => server?.cloud === true);
  const cloudSubnet = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(String(vs.cloudSubnet ?? ''));
  if ((anyCloud || vs.cloudSubnet !== undefined) && (!cloudSubnet || vs.cloudSubnet === vs.subnet)) errors.push(`vswitch.cloudSubnet: expected the cloud servers' /24 in the Cloud network, other than the vSwitch subnet, such as 10.1.1.0/24, got ${given(vs.cloudSubnet)}`);
  if ((anyCloud || vs.cloudInterface !== undefined) && (typeof vs.cloudInterface !== 'string' || !/^[a-z0-9]+$/.test(vs.cloudInterface))) errors.push(`vswitch.cloudInterface: expected the cloud servers' private-network interface such as enp7s0, got ${given(vs.cloudInterface)}`);
  if (!servers.length) errors.push(`servers: expected a list of servers, got ${given(doc?.servers)}`);
  const seen = new Map<string, number>();
  servers.forEach((server, index) => {
    const at = `servers[${index}]`;
    if (typeof server?.name !== 'string' || !NAME.test(server.name)) errors.push(`${at}.name: expected a DNS label (lower-case letters, digits, -), got ${given(server?.name)}`);
    for (const key of ['publicIpv4', 'privateIpv4'] as const) if (!IPV4.test(String(server?.[key] ?? ''))) errors.push(`${at}.${key}: expected an IPv4 address, got ${given(server?.[key])}`);
    if (server?.cloud !== undefined && typeof server.cloud !== 'boolean') errors.push(`${at}.cloud: expected true for a Hetzner Cloud server (or nothing), got ${given(server.cloud)}`);
    const ownSubnet = server?.cloud === true ? cloudSubnet : subnet;
    if (ownSubnet && IPV4.test(String(server?.privateIpv4 ?? '')) && !String(server.privateIpv4).startsWith(`${ownSubnet[1]}.`)) {
      errors.push(`${at}.privateIpv4: expected an address in ${server?.cloud === true ? `${vs.cloudSubnet} (the Cloud network's subnet)` : `${vs.subnet} (the vSwitch)`}, got ${given(server.privateIpv4)}`);
    }
    if (typeof server?.location !== 'string' || !server.location) errors.push(`${at}.location: expected the server's site (e.g. fsn1, nbg1, hel1: its failure domain), got ${given(server?.location)}`);
    if (server?.role !== 'control-plane' && server?.role !== 'worker') errors.push(`${at}.role: expected control-plane or worker, got ${given(server?.role)}`);
    if (server?.role === 'worker' && server?.pool !== 'data' && server?.pool !== 'general') errors.push(`${at}.pool: expected data or general for a worker, got ${given(server?.pool)}`);
    for (const key of ['vcpu', 'memoryGiB'] as const) if (typeof server?.[key] !== 'number' || !(server[key] > 0)) errors.push(`${at}.${key}: expected a positive number, got ${given(server?.[key])}`);
    for (const key of ['name', 'publicIpv4', 'privateIpv4'] as const) {
      const seenKey = `${key}=${server?.[key]}`;
      if (server?.[key] !== undefined && seen.has(seenKey)) errors.push(`${at}.${key}: ${given(server[key])} is also servers[${seen.get(seenKey)}].${key}`);
      seen.set(seenKey, index);
    }
  });
  if (errors.length) throw new UsageError(`${file}: ${errors.length} problem(s):\n${errors.map((e) => `  ${e}`).join('\n')}`);
  const cloud = vs.cloudSubnet !== undefined ? { cloudSubnet: vs.cloudSubnet, cloudInterface: vs.cloudInterface } : {};
  return { vswitch: { vlan: vs.vlan, subnet: vs.subnet, interface: vs.interface, ...cloud }, servers: servers.map((s) => ({ ...s })) };
}

/** Hetzner's network zone of a location (a vSwitch couples to Cloud networks in eu-central only). */
function networkZone(location: string): string {
  return ['fsn1', 'nbg1', 'hel1'].includes(location) ? 'eu-central' : location === 'ash' ? 'us-east' : location === 'hil' ? 'us-west' : 'ap-southeast';
}

/**
 * The `hcloud` commands that create the cloud servers a mixed plan needs and the inventory lacks: the Cloud
 * network coupled to the vSwitch (once), then each server of the pool in its failure domain, as planned
 * (`perFailureDomain`, the spare where the plan puts it), less those the inventory already has there.
 */
export function cloudServerCommands(product: string, fleet: FleetPlan, inventory: Inventory, group: { readonly name: string; readonly serverType: string; readonly perLocation: readonly { location: string; count: number }[] }, have: readonly InventoryServer[]): string[] {
  const network = `${product}-net`;
  const [a, b] = inventory.vswitch.subnet.split('.');
  const cloudSubnet = inventory.vswitch.cloudSubnet ?? `${a}.${b}.${Number(inventory.vswitch.subnet.split('.')[2]) + 1}.0/24`;
  const zone = networkZone(fleet.failureDomains[0] ?? 'fsn1');
  const lines = [
    `# once: a Cloud network holding the vSwitch subnet and a subnet for cloud servers (then set vswitch.cloudSubnet: ${cloudSubnet} and vswitch.cloudInterface in the inventory)`,
    `hcloud network create --name ${network} --ip-range ${a}.${b}.0.0/16`,
    `hcloud network add-subnet ${network} --type vswitch --vswitch-id <your vSwitch id (Robot > vSwitches, VLAN ${inventory.vswitch.vlan})> --network-zone ${zone} --ip-range ${inventory.vswitch.subnet}`,
    `hcloud network add-subnet ${network} --type cloud --network-zone ${zone} --ip-range ${cloudSubnet}`,
  ];
  let index = 0;
  for (const { location, count } of group.perLocation) {
    const missing = count - have.filter((s) => s.location === location).length;
    for (let i = 0; i < count; i++) {
      index++;
      if (i >= missing) continue;
      lines.push(`hcloud server create --name ${product}-${group.name}-${index} --type ${group.serverType} --location ${location} --image ubuntu-24.04 --network ${network} --ssh-key <your key>`);
    }
  }
  lines.push(`# then list each in the inventory with cloud: true, role ${group.name === 'control-plane' ? 'control-plane' : `worker, pool ${group.name}`}, its public and private (${cloudSubnet}) addresses`);
  return lines;
}

/** Where the plan puts a pool's servers: the packed ones per failure domain, the spare in its domain. */
function perLocation(fleet: FleetPlan, perFailureDomain: readonly number[], spareFailureDomain: number | null, spare: number): { location: string; count: number }[] {
  return fleet.failureDomains.map((location, index) => ({ location, count: (perFailureDomain[index] ?? 0) + (index === spareFailureDomain ? spare : 0) }));
}

/** What the fleet plan needs that the inventory does not give; empty when it carries the stage. */
export function inventoryShortfalls(fleet: FleetPlan, inventory: Inventory, product = 'stagekit'): string[] {
  const out: string[] = [];
  const howToCreate = (lines: string[]) => `\n    ${lines.join('\n    ')}`;
  if (fleet.unplaceable.length) out.push(`the fleet plan itself is incomplete: ${fleet.unplaceable.map((u) => `${u.workload.name} (${u.reason})`).join('; ')}`);
  const cps = inventory.servers.filter((s) => s.role === 'control-plane');
  const needCp = fleet.singleNode ? 1 : (fleet.controlPlane?.count ?? 0);
  if (cps.length !== needCp) {
    const cloudCp = fleet.controlPlane?.server.offer === 'cloud' && cps.length < needCp;
    const spread = fleet.failureDomains.map((location, index) => ({ location, count: Math.floor(needCp / fleet.failureDomains.length) + (index < needCp % fleet.failureDomains.length ? 1 : 0) }));
    out.push(`control plane: the plan has ${needCp} node(s) (an etcd quorum), the inventory ${cps.length}${cloudCp ? `; the plan puts them on Hetzner Cloud ${fleet.controlPlane!.server.id}:${howToCreate(cloudServerCommands(product, fleet, inventory, { name: 'control-plane', serverType: fleet.controlPlane!.server.id, perLocation: spread }, cps))}` : ''}`);
  }
  const cpLocations = new Set(cps.map((s) => s.location));
  if (!fleet.singleNode && cpLocations.size < Math.min(2, fleet.failureDomains.length)) out.push(`control plane: all ${cps.length} nodes are in ${[...cpLocations].join(', ')}; spread them over at least 2 locations so one site can fail`);
  if (fleet.controlPlane) {
    for (const server of cps) if (server.vcpu < fleet.controlPlane.server.vcpu || server.memoryGiB < fleet.controlPlane.server.memoryGiB) out.push(`${server.name}: ${server.vcpu} vCPU / ${server.memoryGiB} GiB is smaller than the planned control plane (${fleet.controlPlane.server.id}: ${fleet.controlPlane.server.vcpu} vCPU / ${fleet.controlPlane.server.memoryGiB} GiB)`);
  }
  for (const pool of fleet.pools) {
    const name = fleet.singleNode ? undefined : pool.name;
    const mine = inventory.servers.filter((s) => (name ? s.role === 'worker' && s.pool === name : s.role === 'control-plane'));
    const big = mine.filter((s) => s.vcpu >= pool.server.vcpu && s.memoryGiB >= pool.server.memoryGiB);
    for (const server of mine.filter((x) => !big.includes(x))) out.push(`${server.name}: ${server.vcpu} vCPU / ${server.memoryGiB} GiB is smaller than pool ${pool.name}'s planned server (${pool.server.id}: ${pool.server.vcpu} vCPU / ${pool.server.memoryGiB} GiB)`);
    if (big.length < pool.count) {
      const create = pool.server.offer === 'cloud' ? `; the plan puts them on Hetzner Cloud ${pool.server.id}:${howToCreate(cloudServerCommands(product, fleet, inventory, { name: pool.name, serverType: pool.server.id, perLocation: perLocation(fleet, pool.perFailureDomain, pool.spareFailureDomain, pool.spare) }, big))}` : '';
      out.push(`pool ${pool.name}: the plan has ${pool.count} servers of at least ${pool.server.vcpu} vCPU / ${pool.server.memoryGiB} GiB (${pool.packed} packed + ${pool.spare} spare), the inventory ${big.length}${create}`);
    }
    const locations = new Set(big.map((s) => s.location));
    const needed = Math.min(fleet.failureDomains.length, pool.count);
    if (big.length && locations.size < needed) out.push(`pool ${pool.name}: servers in ${locations.size} location(s) (${[...locations].join(', ')}); the plan spreads it over ${needed} failure domains`);
  }
  return out;
}

/** The k3s configuration of a dedicated machine (k3s's own cloud controller; local NVMe through local-path). */
export function dedicatedK3sConfig(server: InventoryServer, inventory: Inventory, first: InventoryServer): string {
  // A cloud server reaches the vSwitch through the coupled Cloud network: its private interface carries flannel.
  const vlanIface = server.cloud ? inventory.vswitch.cloudInterface! : `${inventory.vswitch.interface}.${inventory.vswitch.vlan}`;
  const lines = [
    `node-ip: ${JSON.stringify(server.privateIpv4)}`,
    `node-external-ip: ${JSON.stringify(server.publicIpv4)}`,
    `flannel-iface: ${JSON.stringify(vlanIface)}`,
    'token-file: "/etc/rancher/k3s/join-token"',
    'node-label:',
    ...[`topology.kubernetes.io/zone=${server.location}`, `stagekit.dev/pool=${server.role === 'control-plane' ? 'control-plane' : server.pool}`].map((l) => `  - ${JSON.stringify(l)}`),
  ];
  if (server.role === 'control-plane') {
    lines.push(
      server === first ? 'cluster-init: true' : `server: "https://${first.privateIpv4}:6443"`,
      `tls-san: [${JSON.stringify(server.publicIpv4)}]`,
      // Traefik: ingress-nginx is the platform's controller. local-storage stays: the local-path class serves the NVMe disks.
      'disable: ["traefik"]',
      'secrets-encryption: true',
      'write-kubeconfig-mode: "0600"',
      'kube-apiserver-arg: ["anonymous-auth=false"]',
      'etcd-snapshot-schedule-cron: "0 */6 * * *"',
      'etcd-snapshot-retention: 28',
    );
    if (inventory.servers.filter((s) => s.role === 'control-plane').length > 1) lines.push('node-taint: ["node-role.kubernetes.io/control-plane:NoSchedule"]');
  } else {
    lines.push(`server: "https://${first.privateIpv4}:6443"`);
  }
  return `${lines.join('\n')}\n`;
}

/** netplan for the vSwitch VLAN (Hetzner: MTU 1400 on vSwitch VLANs). */
export function vswitchNetplan(server: InventoryServer, inventory: Inventory): string {
  const { vlan, interface: link, subnet } = inventory.vswitch;
  const prefix = subnet.split('/')[1];
  return ['network:', '  version: 2', '  vlans:', `    ${link}.${vlan}:`, `      id: ${vlan}`, `      link: ${link}`, '      mtu: 1400', `      addresses: ["${server.privateIpv4}/${prefix}"]`, ''].join('\n');
}

export function installScript(server: InventoryServer): string {
  const role = server.role === 'control-plane' ? 'server' : 'agent';
  return [
    '#!/bin/sh',
    `# ${server.name}: k3s ${role} ${K3S_VERSION}. Run as root after copying config.yaml and the join token (see CHECKLIST.md).`,
    'set -eu',
    'test -s /etc/rancher/k3s/join-token || { echo "missing /etc/rancher/k3s/join-token (CHECKLIST.md, step 5)" >&2; exit 1; }',
    'install -m 0600 -D config.yaml /etc/rancher/k3s/config.yaml',
    ...(server.cloud ? [] : ['install -m 0600 vswitch.yaml /etc/netplan/60-vswitch.yaml && netplan apply']),
    'apt-get update && apt-get install -y curl open-iscsi nfs-common',
    `curl -fsSL https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(K3S_VERSION)}/install.sh -o /root/k3s-install.sh`,
    `INSTALL_K3S_VERSION="${K3S_VERSION}" INSTALL_K3S_EXEC="${role}" sh /root/k3s-install.sh`,
    '',
  ].join('\n');
}

/** Every machine's files and the checklist; throws a UsageError listing what the inventory lacks. */
export function dedicatedConfigs(stage: string, product: string, fleet: FleetPlan, inventory: Inventory): Record<string, string> {
  const short = inventoryShortfalls(fleet, inventory, product);
  if (short.length) throw new UsageError(`the inventory cannot carry ${stage} as planned:\n${short.map((s) => `  ${s}`).join('\n')}`);
  const first = inventory.servers.find((s) => s.role === 'control-plane')!;
  const files: Record<string, string> = {};
  for (const server of inventory.servers) {
    files[`machines/${server.name}/config.yaml`] = dedicatedK3sConfig(server, inventory, first);
    if (!server.cloud) files[`machines/${server.name}/vswitch.yaml`] = vswitchNetplan(server, inventory);
    files[`machines/${server.name}/install.sh`] = installScript(server);
  }
  files['fleet.json'] = `${JSON.stringify(fleet, null, 2)}\n`;
  files['CHECKLIST.md'] = checklist(stage, product, fleet, inventory, first);
  return files;
}

function checklist(stage: string, product: string, fleet: FleetPlan, inventory: Inventory, first: InventoryServer): string {
  const others = inventory.servers.filter((s) => s !== first);
  return [
    `# ${product}: ${stage} on dedicated servers`,
    '',
    `Checked by stagekit: ${inventory.servers.length} servers carry the fleet plan (${fleet.pools.map((p) => `${p.name}: ${p.count} × ${p.server.vcpu} vCPU / ${p.server.memoryGiB} GiB or larger`).join('; ')}).`,
    '',
    '1. Every server runs Ubuntu 24.04 (Hetzner: `installimage` from the rescue system), reachable over SSH as root.',
    `2. vSwitch VLAN ${inventory.vswitch.vlan} is created and every dedicated server is attached to it (Robot > vSwitches)${inventory.servers.some((s) => s.cloud) ? `; the cloud servers are in the Cloud network coupled to it (subnet ${inventory.vswitch.cloudSubnet}, reached through ${inventory.vswitch.cloudInterface})` : ''}.`,
    '3. Copy each `machines/<name>/` folder to its server (e.g. `scp -r machines/<name> root@<publicIpv4>:/root/stagekit`).',
    `4. Firewall (Robot > Firewall, per server${inventory.servers.some((s) => s.cloud) ? '; for the cloud servers a Hetzner Cloud Firewall with the same rules' : ''}): allow 80/443 from anywhere to the ingress nodes, 6443 from your admin addresses only, everything from ${inventory.vswitch.subnet}${inventory.vswitch.cloudSubnet ? ` and ${inventory.vswitch.cloudSubnet}` : ''}; deny the rest.`,
    `5. Create the join token once and copy it to every server, never into this folder: \`openssl rand -hex 32 > join-token\`, then \`install -m 0600 -D join-token /etc/rancher/k3s/join-token\` on each.`,
    `6. On ${first.name} first: \`cd /root/stagekit && sh install.sh\`; wait until \`k3s kubectl get nodes\` shows it Ready.`,
    `7. Then, one at a time: ${others.map((s) => s.name).join(', ') || '(no other servers)'} (\`sh install.sh\` on each).`,
    `8. Check: \`k3s kubectl get nodes -L topology.kubernetes.io/zone,stagekit.dev/pool\` lists ${inventory.servers.length} Ready nodes with their zones and pools.`,
    `9. Copy /etc/rancher/k3s/k3s.yaml from ${first.name} to your machine, set its server to https://${first.publicIpv4}:6443, and run \`stagekit deploy --target k8s --stage ${stage} --install-platform\`.`,
    '',
  ].join('\n');
}
