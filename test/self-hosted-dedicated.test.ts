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
      expect.stringMatching(/^control plane: the plan has 3 node\(s\).*the inventory 2$/),
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
