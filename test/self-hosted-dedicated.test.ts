/**
 * Dedicated servers: an inventory in, each machine's configuration out, checked against the fleet plan
 * the bill priced (control-plane quorum, pool sizes and counts, spread over locations), with every
 * problem named by field.
 */
import { UsageError } from '../core/errors';
import type { StageName } from '../core/ladder';
import type { KubeObject } from '../deploy/k8s/objects';
import { dedicatedConfigs, Inventory, InventoryServer, inventoryShortfalls, parseInventory } from '../deploy/self-hosted/dedicated';
import { dedicatedFleet } from '../deploy/self-hosted/layout';
import { k8sObjects, stagePlan } from './support/stages';

const STAGE: StageName = 'split-tier';
const plan = stagePlan(STAGE);
const fleet = dedicatedFleet(plan, k8sObjects(STAGE) as KubeObject[]);

/** An inventory that is exactly the plan: one server per planned server, in the planned failure domains. */
function inventoryOfPlan(): Inventory {
  const servers: InventoryServer[] = [];
  let n = 10;
  const add = (name: string, role: InventoryServer['role'], pool: InventoryServer['pool'], vcpu: number, memoryGiB: number, location: string) =>
    servers.push({ name, role, pool, vcpu, memoryGiB, location, publicIpv4: `203.0.113.${n}`, privateIpv4: `10.1.0.${n++}` });
  const cp = fleet.controlPlane!;
  for (let i = 0; i < cp.count; i++) add(`cp-${i + 1}`, 'control-plane', undefined, cp.server.vcpu, cp.server.memoryGiB, fleet.failureDomains[i % fleet.failureDomains.length]);
  for (const pool of fleet.pools) for (let i = 0; i < pool.count; i++) add(`${pool.name}-${i + 1}`, 'worker', pool.name as InventoryServer['pool'], pool.server.vcpu, pool.server.memoryGiB, fleet.failureDomains[i % fleet.failureDomains.length]);
  return { vswitch: { vlan: 4000, subnet: '10.1.0.0/24', interface: 'enp5s0' }, servers };
}

test('an inventory that matches the plan gives every machine its k3s config, vSwitch and installer, and a checklist', () => {
  const inventory = inventoryOfPlan();
  expect(inventoryShortfalls(fleet, inventory)).toEqual([]);
  const files = dedicatedConfigs(STAGE, plan.product, fleet, inventory);
  for (const s of inventory.servers) {
    const config = files[`machines/${s.name}/config.yaml`];
    expect(config).toContain(`topology.kubernetes.io/zone=${s.location}`);
    expect(config).toContain(`node-ip: "${s.privateIpv4}"`);
    expect(config).toContain('flannel-iface: "enp5s0.4000"');
    expect(files[`machines/${s.name}/vswitch.yaml`]).toContain(`addresses: ["${s.privateIpv4}/24"]`);
    expect(files[`machines/${s.name}/install.sh`]).toMatch(/INSTALL_K3S_EXEC="(server|agent)"/);
  }
  expect(files['machines/cp-1/config.yaml']).toContain('cluster-init: true');
  expect(files['machines/cp-2/config.yaml']).toContain('server: "https://10.1.0.10:6443"');
  expect(files['CHECKLIST.md']).toMatch(/--install-platform/);
  // No secret is written: the join token is made on the servers.
  expect(Object.values(files).join('\n')).not.toMatch(/token: [0-9a-f]{16,}/);
});

test('what the plan needs and the inventory lacks is named, and nothing is written', () => {
  const full = inventoryOfPlan();
  const data = full.servers.filter((s) => s.pool === 'data');
  const short: Inventory = {
    ...full,
    servers: full.servers
      .filter((s) => s !== data[0] && s.name !== 'cp-3')
      .map((s) => (s === data[1] ? { ...s, memoryGiB: 8 } : s.role === 'control-plane' ? { ...s, location: 'fsn1' } : s)),
  };
  const problems = inventoryShortfalls(fleet, short);
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^control plane: the plan has 3 node\(s\).*the inventory 2(;|$)/),
      expect.stringMatching(/^control plane: all 2 nodes are in fsn1/),
      expect.stringMatching(new RegExp(`^${data[1].name}: .* is smaller than pool data's planned server`)),
      expect.stringMatching(/^pool data: the plan has \d+ servers/),
    ]),
  );
  expect(() => dedicatedConfigs(STAGE, plan.product, fleet, short)).toThrow(UsageError);
});

test('a malformed inventory: every problem at once, each with its field, what was expected and what was given', () => {
  const text = ['vswitch: { vlan: 12, subnet: 10.1.0.0/16, interface: enp5s0 }', 'servers:', '  - { name: CP_1, publicIpv4: 203.0.113.300, privateIpv4: 10.2.0.1, location: fsn1, role: master, vcpu: 8, memoryGiB: 64 }', '  - { name: w-1, publicIpv4: 203.0.113.7, privateIpv4: 10.1.0.7, location: fsn1, role: worker, vcpu: 8, memoryGiB: 64 }'].join('\n');
  let message = '';
  try {
    parseInventory(text, 'inventory.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    message = (err as Error).message;
  }
  for (const field of ['vswitch.vlan', 'vswitch.subnet', 'servers[0].name', 'servers[0].publicIpv4', 'servers[0].role', 'servers[1].pool']) expect(message).toContain(`${field}: expected`);
  expect(message).toContain('got "master"');
});

describe('a mixed plan ("Hetzner dedicated + Cloud"): the cloud pool and control plane', () => {
  const cloudPool = fleet.pools.find((p) => p.server.offer === 'cloud')!;
  const cloudControlPlane = fleet.controlPlane?.server.offer === 'cloud';

  test('missing from the inventory: the shortfall gives the exact hcloud commands, server by server where the plan puts them', () => {
    const full = inventoryOfPlan();
    const dedicatedOnly: Inventory = { ...full, servers: full.servers.filter((s) => s.pool === 'data') };
    const problems = inventoryShortfalls(fleet, dedicatedOnly, plan.product);
    const pool = problems.find((p) => p.startsWith(`pool ${cloudPool.name}:`))!;
    expect(pool).toContain(`the plan puts them on Hetzner Cloud ${cloudPool.server.id}`);
    expect(pool).toContain(`hcloud network add-subnet ${plan.product}-net --type vswitch --vswitch-id <your vSwitch id (Robot > vSwitches, VLAN 4000)> --network-zone eu-central --ip-range 10.1.0.0/24`);
    const creates = pool.split('\n').filter((l) => l.includes('hcloud server create'));
    expect(creates).toHaveLength(cloudPool.count);
    fleet.failureDomains.forEach((location, index) => {
      const planned = cloudPool.perFailureDomain[index] + (index === cloudPool.spareFailureDomain ? cloudPool.spare : 0);
      expect(creates.filter((l) => l.includes(`--type ${cloudPool.server.id} --location ${location} `))).toHaveLength(planned);
    });
    if (cloudControlPlane) {
      const cp = problems.find((p) => p.startsWith('control plane: the plan has'))!;
      expect(cp.split('\n').filter((l) => l.includes(`hcloud server create --name ${plan.product}-control-plane-`))).toHaveLength(fleet.controlPlane!.count);
    }
    // Half the pool there: only the rest is to create, in the locations that lack them.
    const half = Math.floor(cloudPool.count / 2);
    const some: Inventory = { ...full, servers: full.servers.filter((s) => s.pool !== cloudPool.name || Number(s.name.split('-').pop()) <= half) };
    const rest = inventoryShortfalls(fleet, some, plan.product).find((p) => p.startsWith(`pool ${cloudPool.name}:`))!.split('\n').filter((l) => l.includes('hcloud server create'));
    expect(rest).toHaveLength(cloudPool.count - half);
    fleet.failureDomains.forEach((location, index) => {
      const planned = cloudPool.perFailureDomain[index] + (index === cloudPool.spareFailureDomain ? cloudPool.spare : 0);
      const there = some.servers.filter((s) => s.pool === cloudPool.name && s.location === location).length;
      expect(rest.filter((l) => l.includes(`--location ${location} `))).toHaveLength(Math.max(0, planned - there));
    });
  });

  test('listed with cloud: true: their config uses the Cloud network interface, no VLAN, and their addresses are checked against the cloud subnet', () => {
    const full = inventoryOfPlan();
    let n = 10;
    const servers = full.servers.map((s) => (s.pool === cloudPool.name || (cloudControlPlane && s.role === 'control-plane') ? { ...s, cloud: true, privateIpv4: `10.1.1.${n++}` } : s));
    const inventory: Inventory = { vswitch: { ...full.vswitch, cloudSubnet: '10.1.1.0/24', cloudInterface: 'enp7s0' }, servers };
    expect(inventoryShortfalls(fleet, inventory, plan.product)).toEqual([]);
    const files = dedicatedConfigs(STAGE, plan.product, fleet, inventory);
    const cloudServer = servers.find((s) => s.cloud)!;
    const dedicatedServer = servers.find((s) => !s.cloud)!;
    expect(files[`machines/${cloudServer.name}/config.yaml`]).toContain('flannel-iface: "enp7s0"');
    expect(files[`machines/${cloudServer.name}/vswitch.yaml`]).toBeUndefined();
    expect(files[`machines/${cloudServer.name}/install.sh`]).not.toContain('netplan');
    expect(files[`machines/${dedicatedServer.name}/config.yaml`]).toContain('flannel-iface: "enp5s0.4000"');
    const yaml = (list: InventoryServer[], vswitch: string) => [`vswitch: ${vswitch}`, 'servers:', ...list.map((s) => `  - ${JSON.stringify(s)}`)].join('\n');
    expect(parseInventory(yaml(servers, '{ vlan: 4000, subnet: 10.1.0.0/24, interface: enp5s0, cloudSubnet: 10.1.1.0/24, cloudInterface: enp7s0 }')).servers.filter((s) => s.cloud)).toHaveLength(servers.filter((s) => s.cloud).length);
    expect(() => parseInventory(yaml(servers, '{ vlan: 4000, subnet: 10.1.0.0/24, interface: enp5s0 }'), 'inventory.yaml')).toThrow(/vswitch\.cloudSubnet: expected .* got nothing[\s\S]*vswitch\.cloudInterface: expected .* got nothing/);
    const wrongAddress = servers.map((s) => (s === cloudServer ? { ...s, privateIpv4: '10.1.0.99' } : s));
    expect(() => parseInventory(yaml(wrongAddress, '{ vlan: 4000, subnet: 10.1.0.0/24, interface: enp5s0, cloudSubnet: 10.1.1.0/24, cloudInterface: enp7s0 }'))).toThrow(/privateIpv4: expected an address in 10\.1\.1\.0\/24 \(the Cloud network's subnet\), got "10\.1\.0\.99"/);
  });
});
