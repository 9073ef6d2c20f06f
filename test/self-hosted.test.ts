/**
 * Self-hosted servers: dedicated and OVH bare metal, the secrets a fleet needs, the Pulumi program and engine that provision it, and stagekit deploy --target self-hosted.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as os from 'os';
import { parse } from 'yaml';
import * as pulumi from '@pulumi/pulumi';
import { UsageError } from '../core/errors';
import type { StageName } from '../core/ladder';
import { objectsByPhase } from '../deploy/k8s/objects';
import type { KubeObject } from '../deploy/k8s/objects';
import { Inventory, InventoryServer, dedicatedConfigs, inventoryShortfalls, parseInventory } from '../deploy/self-hosted/dedicated';
import { HcloudLayout, dedicatedFleet, layoutFleet, stageFleet } from '../deploy/self-hosted/layout';
import { k8sObjects, stagePlan } from './support/stages';
import { ServerType, cheapestPacking, undominated } from '../cost/k8s/binpack';
import { planFleet } from '../cost/k8s/fleet';
import { bareMetalData, ovhBareMetalOffers, ovhCatalogFeed, ovhCatalogFeeds, ovhPrices } from '../cost/k8s/offers';
import { priceSelfHosted } from '../cost/k8s/self-hosted';
import { bareMetalSources } from '../cost/catalog/sources';
import { usageFromPlan } from '../cost/usage';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { renderK8s } from '../blueprints/k8s/app';
import { METADATA_BLOCK, cloudInit, metadataBlockUnit } from '../deploy/self-hosted/cloud-init';
import { selfHostedDryRun } from '../deploy/self-hosted/dry-run';
import { fleetExplanation, gib, plural, selfHostedBillCommand } from '../deploy/self-hosted/explain';
import { fetchKubeconfigOverSsh, knownHostsPath, remoteKubeconfig, sshKubeconfigArgs } from '../deploy/self-hosted/kubeconfig';
import { newSshKeyPair, sshPublicKeyOf } from '../deploy/self-hosted/secrets';
import { podSpecOf } from '../platform/vendored';
import { platformPhases, renderPlatform } from '../platform/builder';
import { EXIT } from '../deploy/exit-codes';
import { FakeClock, FrozenClock, RecordedKubectl, RecordingLog, ScriptedPrompt, ok, stopOf } from './support/fakes';
import { stageCostDelta } from '../deploy/cost-delta';
import { PULUMI_CDK_UNAVAILABLE, PulumiDeployDeps, PulumiStackDriver, PulumiStep, deployWithPulumi, risksFromSteps } from '../deploy/pulumi/engine';
import { SECRET_PLACEHOLDERS, selfHostedArtifacts } from '../deploy/self-hosted/artifacts';
import { HcloudStackDriver, HcloudStep, SelfHostedDeployDeps, deploySelfHosted } from '../deploy/self-hosted/engine';
import { parseApiAllow } from '../cli/options';
import { runCli } from './support/cli';

/**
 * Dedicated servers: an inventory in, each machine's configuration out, checked against the fleet plan
 * the bill priced (control-plane quorum, pool sizes and counts, spread over locations), with every
 * problem named by field.
 */
describe('self-hosted-dedicated', () => {
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
    // No secret is written: the tokens are made by the operator, on the servers.
    expect(Object.values(files).join('\n')).not.toMatch(/token: [0-9a-f]{16,}/);
    // Two tokens: only control-plane machines hold the server token and admit agents with the agent token.
    for (const s of inventory.servers) {
      const config = files[`machines/${s.name}/config.yaml`];
      expect([s.name, config.includes('agent-token-file: "/etc/rancher/k3s/agent-token"')]).toEqual([s.name, s.role === 'control-plane']);
      expect([s.name, files[`machines/${s.name}/install.sh`].includes('/etc/rancher/k3s/agent-token')]).toEqual([s.name, s.role === 'control-plane']);
    }
    expect(files['CHECKLIST.md']).toMatch(/On every other server only the agent token: `install -m 0600 -D agent-token \/etc\/rancher\/k3s\/join-token`/);
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
});

/**
 * OVHcloud bare metal (Rise range): every price pinned to the vendored catalog excerpt
 * (data/prices/feeds/ovh_eco-catalog-US_rise.json, OVH's public catalog for its US subsidiary, catalog 3224,
 * archived 2025-06-05), the configurations the OVH provider offers the bin-packer, and the site each profile
 * region is priced at.
 */
describe('ovh-bare-metal', () => {
  /** Base plans: [plan code, USD a month without commitment, USD installation], as the catalog states them. */
  const RISE_PLANS: [string, number, number][] = [
    ['24rise01-ca', 70, 70], ['24rise01-eu', 70, 70], ['24rise01-mum', 70, 70], ['24rise01-sgp', 80, 80], ['24rise01-us', 70, 70],
    ['24rise02-ca', 80, 80], ['24rise02-eu', 80, 80], ['24rise02-mum', 149, 149], ['24rise02-sgp', 138, 138], ['24rise02-us', 80, 80],
    ['24rise03-ca', 110, 110], ['24rise03-eu', 110, 110], ['24rise03-mum', 140, 140], ['24rise03-sgp', 140, 140], ['24rise03-us', 110, 110],
    ['24rise04-ca', 200, 200], ['24rise04-eu', 200, 200], ['24rise04-mum', 200, 200], ['24rise04-sgp', 200, 200], ['24rise04-us', 200, 200],
    ['24rise05-ca', 210, 210], ['24rise05-eu', 210, 210], ['24rise05-mum', 320, 320], ['24rise05-sgp', 320, 320], ['24rise05-us', 210, 210],
    ['24rise06-ca', 260, 260], ['24rise06-eu', 260, 260], ['24rise06-sgp', 369, 369], ['24rise06-us', 260, 260],
    ['24rise07-ca', 200, 200], ['24rise07-eu', 200, 200], ['24rise07-sgp', 200, 200], ['24rise07-us', 200, 200],
    ['24rise08-ca', 220, 220], ['24rise08-eu', 220, 220], ['24rise08-us', 220, 220],
    ['24rise09-ca', 260, 260], ['24rise09-eu', 260, 260], ['24rise09-us', 260, 260],
  ];

  /** Memory and storage addons at the US sites: [addon code, USD a month, USD installation]. */
  const US_ADDONS: [string, number, number][] = [
    ['ram-1024g-ecc-2933-24rise-us', 392, 0], ['ram-1024g-ecc-2933-24rise04-us', 420, 0], ['ram-1024g-ecc-2933-24rise08-us', 430, 0],
    ['ram-1024g-ecc-2933-24rise09-us', 430, 0], ['ram-1024g-ecc-3200-24rise-us', 392, 0], ['ram-128g-ecc-2666-24rise-us', 28, 0],
    ['ram-128g-ecc-2933-24rise-us', 28, 0], ['ram-128g-ecc-2933-24rise07-us', 0, 0], ['ram-128g-ecc-3200-24rise-us', 0, 0],
    ['ram-128g-ecc-3200-24rise04-us', 28, 0], ['ram-256g-ecc-2933-24rise-us', 56, 0], ['ram-256g-ecc-2933-24rise08-us', 0, 0],
    ['ram-256g-ecc-2933-24rise09-us', 0, 0], ['ram-256g-ecc-3200-24rise-us', 56, 0], ['ram-256g-ecc-3200-24rise04-us', 84, 0],
    ['ram-32g-ecc-3200-24rise-us', 0, 0], ['ram-512g-ecc-2933-24rise-us', 168, 0], ['ram-512g-ecc-2933-24rise08-us', 145, 0],
    ['ram-512g-ecc-2933-24rise09-us', 145, 0], ['ram-512g-ecc-3200-24rise-us', 168, 0], ['ram-512g-ecc-3200-24rise04-us', 196, 0],
    ['ram-64g-ecc-3200-24rise-us', 13, 0], ['ram-64g-ecc-3200-24rise04-us', 0, 0],
    ['softraid-2x1920nvme-24rise-us', 52, 0], ['softraid-2x3840nvme-24rise-us', 110, 0], ['softraid-2x512nvme-24rise-us', 0, 0],
    ['softraid-2x960nvme-24rise-us', 24, 0], ['softraid-2x960nvme-24rise04-us', 0, 0], ['softraid-2x960nvme-24rise05-us', 0, 0],
    ['softraid-2x960nvme-24rise06-us', 0, 0], ['softraid-4x1920nvme-24rise-us', 100, 0], ['softraid-4x3840nvme-24rise-us', 200, 0],
  ];

  const feed = ovhCatalogFeed();
  const entry = (code: string) => ovhCatalogFeeds().flatMap((f: any) => [...f.plans, ...f.addons]).find((e: any) => e.planCode === code);

  describe('the vendored OVH catalog excerpt', () => {
    test('names its source: the archive commit, its date, the catalog id and the US subsidiary locale', () => {
      expect(feed.source).toMatchObject({ repo: 'y8/ovh-catalog-archive', path: 'eco/US.json', commit: '1f7e8755288912ff5f7253ad1eb467ec22d5beb3', commitDate: '2025-06-05T16:49:06+00:00' });
      expect(feed.catalogId).toBe(3224);
      expect(feed.locale).toEqual({ currencyCode: 'USD', subsidiary: 'US', taxRate: 0 });
      expect(feed.plans.map((p: any) => p.planCode).sort()).toEqual(RISE_PLANS.map(([code]) => code).sort());
      // Cut to the no-commitment prices only.
      for (const e of [...feed.plans, ...feed.addons]) expect(e.pricings.every((p: any) => p.mode === 'default')).toBe(true);
    });

    test('bare-metal.json points at it with its date, and the sites it prices', () => {
      const section = bareMetalData().ovhBareMetal;
      expect(fs.existsSync(path.join(__dirname, '..', 'data', 'prices', section.feed))).toBe(true);
      expect(section.sources[0]).toMatchObject({ url: 'https://eu.api.ovh.com/v1/order/catalog/public/eco?ovhSubsidiary=US', date: '2025-06-05' });
      expect(section.siteRegions).toMatchObject({ vin: 'us', 'hil-ovh': 'us', bhs: 'ca', gra: 'eu', sgp: 'sgp', ynm: 'mum' });
      expect(section.notSourced.join(' ')).toMatch(/Advance and Scale servers, and High Grade models other than HGR-SDS-2/);
      const rows = bareMetalSources({ ovhBareMetal: section });
      expect(rows).toEqual([
        expect.objectContaining({ id: 'ovhBareMetal', published: '2025-06-05', basis: 'commit-date', covers: expect.arrayContaining(['vin', 'bhs', 'sgp', 'ynm']) }),
        expect.objectContaining({ id: 'ovhBareMetal', title: 'https://eu.api.ovh.com/v1/order/catalog/public/baremetalServers?ovhSubsidiary=US', published: '2025-12-18', basis: 'stated-in-data' }),
      ]);
    });

    test.each(RISE_PLANS)('base plan %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
      expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
    });

    test.each(US_ADDONS)('addon %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
      expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
    });
  });

  describe('the configurations offered', () => {
    test('each is its base plan plus one memory and one all-NVMe storage addon, priced as their sum', () => {
      for (const region of ['us', 'ca', 'eu', 'sgp', 'mum']) {
        const offers = ovhBareMetalOffers(region);
        expect(offers.length).toBeGreaterThan(0);
        for (const offer of offers) {
          expect(offer.parts).toHaveLength(3);
          for (const part of offer.parts) expect(ovhPrices(entry(part.planCode))).toEqual({ monthlyUsd: part.monthlyUsd, setupUsd: part.setupUsd });
          expect(offer.monthlyUsd).toBeCloseTo(offer.parts.reduce((sum, p) => sum + p.monthlyUsd, 0), 9);
          expect(offer.parts[0].planCode.endsWith(`-${region}`)).toBe(true);
          expect(offer.disks).toMatch(/NVMe/);
        }
      }
    });

    test('RISE-9 with 512 GB and 2 × 1.92 TB NVMe at the US sites: 96 threads, $260 + $145 + $52, $260 installation', () => {
      const rise9 = ovhBareMetalOffers('us').find((o) => o.id === 'RISE-9 512 GB 2×1920 NVMe')!;
      expect(rise9).toMatchObject({ vcpu: 96, memoryGiB: 512, usableDiskGiB: 1788, monthlyUsd: 457, setupUsd: 260, traffic: '1Gbps unmetered and guaranteed public bandwidth' });
      expect(rise9.cpu).toBe('AMD Epyc 7642, 48 cores / 96 threads');
      // Four disks in software RAID 10: half the raw 4 × 3.84 TB.
      expect(ovhBareMetalOffers('us').find((o) => o.id === 'RISE-9 1024 GB 4×3840 NVMe')).toMatchObject({ usableDiskGiB: 7152, monthlyUsd: 260 + 430 + 200 });
    });

    test('Singapore and Mumbai sell fewer models at their own prices', () => {
      const models = (region: string) => [...new Set(ovhBareMetalOffers(region).map((o) => o.model))].sort();
      expect(models('sgp')).toEqual(['HGR-SDS-2', 'RISE-1', 'RISE-2', 'RISE-3', 'RISE-4', 'RISE-5', 'RISE-6', 'RISE-7']);
      expect(models('mum')).toEqual(['HGR-SDS-2', 'RISE-1', 'RISE-2', 'RISE-3', 'RISE-4', 'RISE-5']);
      expect(ovhBareMetalOffers('sgp').find((o) => o.id === 'RISE-1 32 GB 2×512 NVMe')!.monthlyUsd).toBe(80);
      expect(ovhBareMetalOffers('mum').find((o) => o.id === 'RISE-2 32 GB 2×512 NVMe')!.monthlyUsd).toBe(149);
    });
  });

  describe('the OVH provider bins onto bare metal where it is cheapest, at the profile\'s sites', () => {
    const usage = usageFromPlan(stagePlan('split-tier'));
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [{ name: 'c', image: 'app:1', resources: { requests: { cpu: '1800m', memory: '6963Mi' } } }] } } } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'big' }, spec: { instances: 2, resources: { requests: { cpu: '40', memory: '400Gi' } }, storage: { size: '1000Gi' } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
    ];

    test('us-east-1: a 400 GiB database pod lands on a Rise server with 512 GB or more, priced at the dearer of Vint Hill (us) and Beauharnois (ca), installation over 36 months', () => {
      const plan = planFleet(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' });
      expect(plan.unplaceable).toEqual([]);
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server.offer).toBe('dedicated');
      expect(data.server.id).toMatch(/^RISE-\d 512 GB|^RISE-\d 1024 GB/);
      const us = ovhBareMetalOffers('us').find((o) => o.id === data.server.id)!;
      const ca = ovhBareMetalOffers('ca').find((o) => o.id === data.server.id)!;
      const dearer = [us, ca].sort((a, b) => b.monthlyUsd + b.setupUsd / 36 - (a.monthlyUsd + a.setupUsd / 36))[0];
      expect(data.server.monthlyUsd).toBeCloseTo(dearer.monthlyUsd + dearer.setupUsd / 36, 9);
      expect(data.server.priceSource).toMatch(/at us, ca site prices/);
      expect(plan.volumes.find((v) => v.name === 'Cluster/big')!.medium).toBe('local-nvme');
      expect(plan.locationNote).toMatch(/OVHcloud bare metal \(Rise, High Grade HGR-SDS-2\) is priced at Vint Hill, VA \(US East\), Beauharnois \(CA\)'s own catalog prices/);
      expect(priceSelfHosted(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' }).complete).toBe(true);
    });

    test('ap-south-1 (Mumbai): only the models Mumbai sells, at Mumbai prices', () => {
      const plan = planFleet(objects, { zones: 3, usage, region: 'ap-south-1', provider: 'ovh' });
      expect(plan.unplaceable).toEqual([]);
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server.offer).toBe('dedicated');
      expect(['RISE-4', 'RISE-5']).toContain(data.server.id.split(' ')[0]);
      const mumbai = ovhBareMetalOffers('mum').find((o) => o.id === data.server.id)!;
      expect(data.server.monthlyUsd).toBeCloseTo(mumbai.monthlyUsd + mumbai.setupUsd / 36, 9);
      expect(data.server.priceSource).toMatch(/at mum site prices/);
    });
  });

  describe('bin-packing over configurations of one machine that differ in drives', () => {
    const server = (id: string, monthlyUsd: number, localDiskGiB?: number): ServerType => ({ id, vcpu: 48, memoryGiB: 512, monthlyUsd, description: id, priceSource: 'test', ...(localDiskGiB === undefined ? {} : { localDiskGiB }) });
    const small = server('small drives', 378, 894);
    const large = server('large drives', 430, 1788);

    test('the dearer configuration with larger drives is kept; one with smaller drives for more money is not', () => {
      expect(undominated([small, large]).map((s) => s.id)).toEqual(['small drives', 'large drives']);
      expect(undominated([small, large, server('worse', 500, 894)]).map((s) => s.id)).toEqual(['small drives', 'large drives']);
      // Servers with and without local disk are not compared here: the cloud type's volumes cost extra (below).
      expect(undominated([large, server('cloud', 300)]).map((s) => s.id)).toEqual(['large drives', 'cloud']);
    });

    test('a server without local disk is compared with its volumes priced on top', () => {
      const groups = [{ workload: 'Cluster/db', replicas: 2, vcpu: 40, memoryGiB: 400, spreadOverNodes: true, storageGiB: 1000 }];
      const options = { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } };
      const cloud = server('cloud', 400);
      // 3 × $400 = $1,200 of servers beats 3 × $430 = $1,290 until 2,000 GiB of volumes at $0.05 add $100.
      expect(cheapestPacking(groups, [large, cloud], options)!.server.id).toBe('cloud');
      expect(cheapestPacking(groups, [large, cloud], { ...options, volumeUsdPerGiB: 0.05 })!.server.id).toBe('large drives');
    });

    test('a volume the cheaper drives cannot hold goes to the larger drives', () => {
      const groups = [{ workload: 'Cluster/db', replicas: 2, vcpu: 40, memoryGiB: 400, spreadOverNodes: true, storageGiB: 1000 }];
      const best = cheapestPacking(groups, [small, large], { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } })!;
      expect(best.server.id).toBe('large drives');
    });
  });

  describe('a volume larger than every local disk on a mixed offer (cloud + dedicated)', () => {
    test('the pool still gets servers: cloud types with block volumes, instead of no packing and an unpriced pool', () => {
      const usage = usageFromPlan(stagePlan('split-tier'));
      const objects = [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'wide' }, spec: { instances: 2, resources: { requests: { cpu: '20', memory: '100Gi' } }, storage: { size: '19000Gi' } } }];
      const plan = planFleet(objects, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
      expect(plan.unplaceable).toEqual([]);
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server.offer).toBe('cloud');
      expect(data.workloads.map((w) => w.name)).toEqual(['Cluster/wide']);
      expect(plan.volumes.find((v) => v.name === 'Cluster/wide')).toMatchObject({ sizeGiB: 19000, medium: 'block-volume' });
    });
  });

  /** HGR-SDS-2 plans: [plan code, USD a month without commitment, USD installation], as catalog 3556 states them. */
  const HGR_SDS_2_PLANS: [string, number, number][] = [
    ['24sds02-v1-ca', 1523, 1523], ['24sds02-v1-eu', 1523, 1523], ['24sds02-v1-mum', 1523, 1523], ['24sds02-v1-sgp', 1523, 1523], ['24sds02-v1-us', 1523, 1523],
  ];
  /** HGR-SDS-2 memory and storage addons read from catalog 3556: [addon code, USD a month, USD installation]. */
  const HGR_SDS_2_ADDONS: [string, number, number][] = ['ca', 'eu', 'us'].flatMap((region): [string, number, number][] => [
    [`ram-256g-ecc-4800-24sds02-v1-${region}`, 0, 0],
    [`ram-512g-ecc-4800-24sds02-v1-${region}`, 284, 0],
    [`softraid-6x7680nvme-24sds02-v1-${region}`, 0, 0],
  ]);

  describe('OVHcloud High Grade HGR-SDS-2 (baremetalServers catalog 3556, transcribed excerpt)', () => {
    const metal = ovhCatalogFeeds()[1];

    test('names its source: the archive commit, the catalog id, the US locale, and how its date is bounded', () => {
      expect(bareMetalData().ovhBareMetal.moreFeeds).toEqual(['feeds/ovh_baremetalServers-catalog-US_hgr-sds-2.json']);
      expect(metal.source).toMatchObject({ repo: 'y8/ovh-catalog-archive', path: 'metal/US.json', commit: '04d94d184eab5100306eb3530ef8aee9d1503a15', commitDate: null });
      expect(metal.source.dataDate).toMatch(/no earlier than 2025-12-18/);
      expect(metal.catalogId).toBe(3556);
      expect(metal.locale).toEqual({ currencyCode: 'USD', subsidiary: 'US', taxRate: 0 });
      expect(metal.plans.map((p: any) => p.planCode).sort()).toEqual(HGR_SDS_2_PLANS.map(([code]) => code));
      for (const e of [...metal.plans, ...metal.addons]) expect(e.pricings.every((p: any) => p.mode === 'default')).toBe(true);
      // The product states both sockets: 2 × Xeon Gold 6542Y, 24 cores / 48 threads each.
      expect(metal.products.find((p: any) => p.name === '24sds02').blobs.technical.server.cpu).toMatchObject({ model: 'Xeon Gold 6542Y', cores: 24, threads: 48, number: 2 });
    });

    test.each(HGR_SDS_2_PLANS)('base plan %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
      expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
    });

    test.each(HGR_SDS_2_ADDONS)('addon %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
      expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
    });

    test('offered at every site group with both sockets counted, 6 × 7.68 TB NVMe in software RAID 10 (half usable), 256 GB included or 512 GB for $284', () => {
      for (const region of ['us', 'ca', 'eu', 'sgp', 'mum']) {
        const offers = ovhBareMetalOffers(region).filter((o) => o.model === 'HGR-SDS-2');
        expect(offers.map((o) => [o.id, o.monthlyUsd, o.setupUsd])).toEqual([
          ['HGR-SDS-2 256 GB 6×7680 NVMe', 1523, 1523],
          ['HGR-SDS-2 512 GB 6×7680 NVMe', 1523 + 284, 1523],
        ]);
        for (const o of offers) {
          expect(o).toMatchObject({ vcpu: 96, usableDiskGiB: Math.floor((3 * 7680e9) / 2 ** 30), cpu: '2 × Intel Xeon Gold 6542Y, 48 cores / 96 threads' });
          expect(o.parts.map((part) => part.planCode)).toEqual([`24sds02-v1-${region}`, expect.stringMatching(/^ram-/), expect.stringMatching(/^softraid-6x7680nvme-24sds02-v1-/)]);
        }
      }
      expect(ovhBareMetalOffers('us').find((o) => o.model === 'HGR-SDS-2')!.traffic).toBe("bandwidth-10000-hgr-gen2-us (the plan's default bandwidth option)");
    });

    test('us-east-1: a 57.6 vCPU / 435 GiB Postgres pod with a 19,220 GiB volume lands on HGR-SDS-2 512 GB with the volume on its local NVMe', () => {
      const usage = usageFromPlan(stagePlan('split-tier'));
      const objects = [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pool' }, spec: { instances: 3, resources: { requests: { cpu: '57600m', memory: '435.2Gi' } }, storage: { size: '19220Gi' } } }];
      const plan = planFleet(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' });
      expect(plan.unplaceable).toEqual([]);
      const data = plan.pools.find((p) => p.name === 'data')!;
      expect(data.server).toMatchObject({ id: 'HGR-SDS-2 512 GB 6×7680 NVMe', offer: 'dedicated' });
      // $1,523 + $284 a month, the $1,523 installation over 36 months; Vint Hill and Beauharnois charge the same.
      expect(data.server.monthlyUsd).toBeCloseTo(1523 + 284 + 1523 / 36, 9);
      expect(plan.volumes.find((v) => v.name === 'Cluster/pool')).toMatchObject({ sizeGiB: 19220, medium: 'local-nvme' });
      expect(priceSelfHosted(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' }).complete).toBe(true);
    });
  });
});

/**
 * The self-hosted cluster's secrets outside the Pulumi program (test/self-hosted-fleet.test.ts covers the
 * program): the SSH key the deploy generates is one OpenSSH reads, the kubeconfig is read over SSH with it
 * (the key on disk only while ssh runs), each node's user data holds only the token its role needs, the
 * metadata rule is installed before k3s, and the platform pods that need the metadata service run on the
 * host network. Also the output polish of explain and the dry run (singular counts, rounded GiB).
 */
describe('self-hosted-secrets', () => {
  const ALLOW = ['203.0.113.7/32'];
  const layoutOf = (stage: StageName, profile?: string) => {
    const plan = profile ? computePlan(loadProfile(path.join(__dirname, '..', 'profiles', profile)), stage) : stagePlan(stage);
    const objects = (profile ? renderK8s(plan).objects : k8sObjects(stage)) as KubeObject[];
    return { plan, objects, layout: layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: ALLOW }) };
  };

  describe('generated secrets', () => {
    const hasSshKeygen = !spawnSync('ssh-keygen', ['-?']).error;

    (hasSshKeygen ? test : test.skip)('the SSH key is an ed25519 key OpenSSH reads, with the public key stagekit registers', () => {
      const key = newSshKeyPair('stagekit-test');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-key-'));
      try {
        const file = path.join(dir, 'id');
        fs.writeFileSync(file, key.privateKey, { mode: 0o600 });
        const derived = spawnSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' });
        expect(derived.stderr).toBe('');
        expect(derived.stdout.trim()).toBe(key.publicKey);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the public key is derived from the private key (the program registers only that half); a new key each time', () => {
      const [first, second] = [newSshKeyPair(), newSshKeyPair()];
      expect(sshPublicKeyOf(first.privateKey)).toBe(first.publicKey.replace(/ stagekit$/, ''));
      expect(first.privateKey).not.toBe(second.privateKey);
      expect(() => sshPublicKeyOf('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n')).toThrow(/expected an OpenSSH private key/);
    });
  });

  describe('user data', () => {
    const { layout } = layoutOf('read-replicas');
    const first = layout.servers.find((s) => s.clusterInit)!;
    const worker = layout.servers.find((s) => s.role === 'worker')!;

    test('a worker is given the agent token only; a control-plane node cannot be rendered without the server token', () => {
      const userData = cloudInit(worker, first.privateIp, true, layout.networkZone, layout.k3sVersion, { agentToken: 'agent-secret', serverToken: 'server-secret' });
      expect(userData).not.toContain('server-secret');
      expect(userData).toContain('agent-secret');
      expect(() => cloudInit(first, first.privateIp, true, layout.networkZone, layout.k3sVersion, { agentToken: 'agent-secret' })).toThrow(`cloud-init of ${first.name}: a control-plane node needs the k3s server token`);
    });

    test('the metadata rule is added once per boot (checked before it is inserted) and ordered before k3s', () => {
      const unit = metadataBlockUnit();
      expect(unit).toContain('Before=k3s.service k3s-agent.service');
      expect(unit).toContain(`iptables ${METADATA_BLOCK.replace('-I FORWARD 1', '-C FORWARD')} 2>/dev/null || iptables ${METADATA_BLOCK}`);
      expect(METADATA_BLOCK).toBe('-t mangle -I FORWARD 1 -s 10.42.0.0/16 -d 169.254.169.254/32 -j DROP');
    });
  });

  describe('kubeconfig over SSH', () => {
    const K3S_YAML = [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      '    certificate-authority-data: Q0E=',
      '    server: https://127.0.0.1:6443',
      '  name: default',
      'contexts:',
      '- context:',
      '    cluster: default',
      '    user: default',
      '  name: default',
      'current-context: default',
      'kind: Config',
      'preferences: {}',
      'users:',
      '- name: default',
      '  user:',
      '    client-certificate-data: Q0VSVA==',
      '    client-key-data: S0VZ',
      '',
    ].join('\n');

    test('k3s.yaml is pointed at the public address and named after the product', () => {
      const config = parse(remoteKubeconfig(K3S_YAML, 'shop', '198.51.100.10'));
      expect(config.clusters).toEqual([{ name: 'shop', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://198.51.100.10:6443' } }]);
      expect(config.contexts).toEqual([{ name: 'shop', context: { cluster: 'shop', user: 'shop-admin' } }]);
      expect(config.users[0]).toEqual({ name: 'shop-admin', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } });
      expect(config['current-context']).toBe('shop');
      expect(() => remoteKubeconfig('cat: /etc/rancher/k3s/k3s.yaml: No such file or directory', 'shop', '198.51.100.10')).toThrow(/is not a kubeconfig/);
    });

    test('ssh runs non-interactively, pins the host key on first use, and reads only the kubeconfig', () => {
      const args = sshKubeconfigArgs('/k/id', '/h/shop.known_hosts', '198.51.100.10');
      expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=accept-new', 'UserKnownHostsFile=/h/shop.known_hosts', 'IdentitiesOnly=yes']));
      expect(args.slice(-2)).toEqual(['root@198.51.100.10', 'cat /etc/rancher/k3s/k3s.yaml']);
    });

    test('the key exists (mode 0600) only while ssh runs; the kubeconfig is written mode 0600', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-home-'));
      try {
        // A stand-in for ssh: records the key file it was given and its mode, prints k3s.yaml.
        const fakeSsh = path.join(home, 'fake-ssh');
        const seen = path.join(home, 'seen');
        fs.writeFileSync(fakeSsh, `#!/bin/sh\nkey="$2"\nprintf '%s %s\\n' "$key" "$(stat -c %a "$key")" > ${JSON.stringify(seen)}\ncat "$key" >> ${JSON.stringify(seen)}\ncat <<'EOF'\n${K3S_YAML}EOF\n`, { mode: 0o755 });
        const key = newSshKeyPair();
        const file = await fetchKubeconfigOverSsh('shop', '198.51.100.10', key.privateKey, home, fakeSsh);
        const [keyFile, mode] = fs.readFileSync(seen, 'utf8').split('\n')[0].split(' ');
        expect(mode).toBe('600');
        expect(fs.readFileSync(seen, 'utf8')).toContain(key.privateKey.split('\n')[1]);
        expect(fs.existsSync(keyFile)).toBe(false);
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(parse(fs.readFileSync(file, 'utf8')).clusters[0].cluster.server).toBe('https://198.51.100.10:6443');
        expect(knownHostsPath('shop', home)).toBe(path.join(home, '.stagekit', 'shop.known_hosts'));
        expect(fs.readdirSync(path.join(home, '.stagekit')).sort()).toEqual(['shop.kubeconfig']);
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });

  test('the pods that read the metadata service run on the host network (the host rule drops pod traffic to it)', () => {
    const platform = renderPlatform(stagePlan('read-replicas'), { cluster: 'hcloud' });
    const spec = (kind: string, name: string) => podSpecOf(platform.objects.find((o) => o.kind === kind && o.metadata.name === name)!);
    expect(spec('DaemonSet', 'hcloud-csi-node')).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(spec('Deployment', 'hcloud-cloud-controller-manager').hostNetwork).toBe(true);
    // The CSI controller finds its location through the API by node name (KUBE_NODE_NAME), not the metadata service.
    const controller = spec('Deployment', 'hcloud-csi-controller').containers.find((c: any) => c.name === 'hcloud-csi-driver');
    expect(controller.env.map((e: any) => e.name)).toContain('KUBE_NODE_NAME');
  });

  describe('explain and dry-run wording', () => {
    test('counts agree in number; sizes in GiB are rounded', () => {
      expect([plural(1, 'server'), plural(2, 'server'), plural(1200, 'volume')]).toEqual(['1 server', '2 servers', '1,200 volumes']);
      expect([gib(854.57265135616), gib(30.857550452053335), gib(2.25), gib(0.5)]).toEqual(['855 GiB', '31 GiB', '2.3 GiB', '0.5 GiB']);
    });

    test.each([
      ['single-server', 'fresh-startup.yaml'],
      ['read-replicas', undefined],
    ] as [StageName, string | undefined][])('%s (%s): no "1 servers", no GiB with more than one decimal, the real cost command', (stage, profile) => {
      const { plan, objects, layout } = layoutOf(stage, profile);
      const explained = fleetExplanation(layout).join('\n');
      const dryRun = selfHostedDryRun({ plan, profileFile: 'profiles/growing-product.yaml', timeoutMs: 3_600_000, allowDataLoss: false, yes: true, layout, platform: renderPlatform(plan, { cluster: 'hcloud' }), stageObjects: objects }).join('\n');
      for (const text of [explained, dryRun]) {
        expect(text).not.toMatch(/\b1 (servers|volumes|load balancers)\b/);
        expect(text).not.toMatch(/\d\.\d{2,} GiB/);
      }
      expect(explained).toContain(`${plural(layout.servers.length, 'server')}, k3s`);
      // The singular: the single-server fleet now packs the platform too (3 servers); its first server alone reads "1 server".
      if (profile === 'fresh-startup.yaml') expect(fleetExplanation({ ...layout, servers: layout.servers.slice(0, 1) }).join('\n')).toContain(': 1 server, k3s');
      expect(explained).toContain(`\`${selfHostedBillCommand(stage)}\``);
      expect(explained).not.toContain('--target k8s');
    });
  });
});

/**
 * The Pulumi program under pulumi.runtime.setMocks: what it registers for a stage (provider,
 * generated secret, one ConfigGroup per apply phase in dependency order), with no Pulumi CLI
 * and no cluster.
 */
describe('pulumi-program', () => {
  interface Registered {
    type: string;
    name: string;
    inputs: any;
  }

  let registered: Registered[] = [];

  beforeAll(() => {
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      'stagekit-k8s',
      'growing-shop',
      true,
    );
    // The generated secret's value, as the engine sets it in the stack configuration before running the program.
    pulumi.runtime.setAllConfig({ 'stagekit-k8s:postgresCredentials': 'not-a-real-password' }, ['stagekit-k8s:postgresCredentials']);
  });

  beforeEach(() => {
    registered = [];
  });

  /** Lets the mocked registrations (asynchronous) finish. */
  async function settle(resources: pulumi.Resource[]): Promise<void> {
    await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  }

  async function declare(stage: 'single-server' | 'split-tier' | 'queue-pipeline') {
    const { declareK8sStage } = await import('../deploy/pulumi/program');
    const declared = declareK8sStage({ product: 'growing-shop', stage, objects: k8sObjects(stage) });
    await settle([declared.provider, ...declared.secrets, ...declared.groups.map((g) => g.group)]);
    return declared;
  }

  test('single-server: a provider, the generated postgres secret, and one ConfigGroup per phase in order', async () => {
    const declared = await declare('single-server');
    const phases = objectsByPhase(k8sObjects('single-server')).map((p) => p.phase);
    const groups = registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toEqual(phases.map((p) => `growing-shop-${p}`));
    // Every object of the stage is in exactly one group.
    expect(groups.reduce((n, g) => n + g.inputs.objs.length, 0)).toBe(k8sObjects('single-server').length);
    expect(registered.filter((r) => r.type === 'pulumi:providers:kubernetes').map((r) => r.name)).toEqual(['cluster']);
    const secret = registered.find((r) => r.type === 'kubernetes:core/v1:Secret');
    expect(secret?.name).toBe('growing-shop-postgres-credentials');
    expect(secret?.inputs.metadata).toMatchObject({ name: 'postgres-credentials', namespace: 'growing-shop' });
    expect(declared.secrets).toHaveLength(1);
    // The namespace group comes before the secret, the secret before the configuration.
    expect(registered.map((r) => r.name).indexOf('growing-shop-postgres-credentials')).toBeGreaterThan(registered.map((r) => r.name).indexOf('growing-shop-namespace'));
  });

  test('split-tier: no generated secret (the CloudNativePG cluster makes its own), and the cluster waits for Ready', async () => {
    await declare('split-tier');
    expect(registered.some((r) => r.type === 'kubernetes:core/v1:Secret')).toBe(false);
    const data = registered.find((r) => r.name === 'growing-shop-data');
    const cluster = data?.inputs.objs.find((o: any) => o.kind === 'Cluster');
    expect(cluster.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
    const counts = Object.fromEntries(registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup').map((g) => [g.name.replace('growing-shop-', ''), g.inputs.objs.length]));
    const expected = Object.fromEntries(objectsByPhase(k8sObjects('split-tier')).map((p) => [p.phase, p.objects.length]));
    expect(counts).toEqual(expected);
  });

  test('queue-pipeline: every object registered once; the cache password generated; nothing else', async () => {
    pulumi.runtime.setAllConfig({ 'stagekit-k8s:cacheAuth': 'not-a-real-password' }, ['stagekit-k8s:cacheAuth']);
    await declare('queue-pipeline');
    const total = registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup').reduce((n, g) => n + g.inputs.objs.length, 0);
    expect(total).toBe(k8sObjects('queue-pipeline').length);
    expect(registered.filter((r) => r.type === 'kubernetes:core/v1:Secret').map((r) => r.name)).toEqual(['growing-shop-cache-auth']);
    expect(new Set(registered.map((r) => r.type))).toEqual(new Set(['pulumi:providers:kubernetes', 'kubernetes:yaml/v2:ConfigGroup', 'kubernetes:core/v1:Secret']));
  });
});

/**
 * The Pulumi engine's decisions, driven through a recorded stack (the Automation API boundary):
 * missing CLI, the preview-based safety check, confirmation, timeout and cancel.
 */
describe('pulumi-engine', () => {
  const postgresStatefulSet = () => k8sObjects('single-server').find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres');
  const cnpgCluster = () => k8sObjects('split-tier').find((o) => o.kind === 'Cluster');

  class RecordedStack implements PulumiStackDriver {
    readonly stackName = 'growing-shop';
    readonly config = new Map<string, string>();
    upCalls = 0;
    cancelled = false;
    constructor(
      private readonly previewSteps: PulumiStep[],
      private readonly summary: Record<string, number> = { create: 3, same: 5 },
      private readonly upResult: () => Promise<Record<string, number>> = async () => summary,
      private readonly deployed?: string,
    ) {}
    async deployedStage() {
      return this.deployed;
    }
    async getConfig(key: string) {
      return this.config.get(key);
    }
    async setSecretConfig(key: string, value: string) {
      this.config.set(key, value);
    }
    async preview(onStep: (s: PulumiStep) => void) {
      this.previewSteps.forEach(onStep);
      return this.summary;
    }
    async up() {
      this.upCalls++;
      return this.upResult();
    }
    async cancel() {
      this.cancelled = true;
    }
  }

  function deps(stack: RecordedStack, over: Partial<PulumiDeployDeps> = {}): PulumiDeployDeps {
    const profile = stagePlan('single-server').profile;
    return {
      findCli: () => '/usr/local/bin/pulumi',
      openStack: async () => stack,
      prompt: new ScriptedPrompt(false),
      // Sleeps never end: an update always beats the timeout, except where a test brings a FakeClock.
      clock: new FrozenClock(),
      log: new RecordingLog(),
      cost: stageCostDelta,
      planOf: (s: StageName) => computePlan(profile, s),
      renderStage: (s: StageName) => k8sObjects(s),
      ...over,
    };
  }

  function request(stage: StageName, over: Partial<{ allowDataLoss: boolean; yes: boolean; timeoutMs: number }> = {}) {
    return { plan: computePlan(stagePlan(stage).profile, stage), renderObjects: () => k8sObjects(stage), allowDataLoss: false, yes: true, timeoutMs: 60_000, ...over };
  }

  test('no pulumi CLI: exit 5 with install and backend instructions, before anything is rendered', async () => {
    let rendered = false;
    const stop = await stopOf(deployWithPulumi({ ...request('single-server'), renderObjects: () => ((rendered = true), []) }, deps(new RecordedStack([]), { findCli: () => undefined })));
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message).toMatch(/pulumi CLI is not installed/);
    expect(stop.hint).toMatch(/get\.pulumi\.com/);
    expect(stop.hint).toMatch(/PULUMI_BACKEND_URL/);
    expect(rendered).toBe(false);
  });

  test('the preview deleting a CloudNativePG cluster is refused (exit 3) unless --allow-data-loss', async () => {
    const steps: PulumiStep[] = [{ op: 'delete', urn: 'urn:pulumi:x::p::kubernetes:postgresql.cnpg.io/v1:Cluster::postgres', type: 'kubernetes:postgresql.cnpg.io/v1:Cluster', old: { outputs: cnpgCluster() } }];
    const stack = new RecordedStack(steps, { delete: 1, same: 3 });
    const stop = await stopOf(deployWithPulumi(request('single-server'), deps(stack)));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stack.upCalls).toBe(0);

    const allowed = new RecordedStack(steps, { delete: 1, same: 3 });
    await deployWithPulumi(request('single-server', { allowDataLoss: true }), deps(allowed));
    expect(allowed.upCalls).toBe(1);
  });

  test('a StatefulSet whose claims are retained is reported as retained, not data loss', () => {
    const risks = risksFromSteps([{ op: 'delete', urn: 'urn:sts', type: 'kubernetes:apps/v1:StatefulSet', old: { outputs: postgresStatefulSet() } }]);
    expect(risks).toHaveLength(1);
    expect(risks[0].severity).toBe('retained');
    expect(risks[0].resource).toBe('StatefulSet growing-shop/postgres');
    // Replacing it is a new, empty StatefulSet for the application.
    expect(risksFromSteps([{ op: 'replace', urn: 'urn:sts', type: 'kubernetes:apps/v1:StatefulSet', old: { outputs: postgresStatefulSet() } }])[0].severity).toBe('data-loss');
  });

  test('the generated password is set once in the stack configuration and never replaced', async () => {
    const stack = new RecordedStack([]);
    await deployWithPulumi(request('single-server'), deps(stack));
    const first = stack.config.get('postgresCredentials');
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await deployWithPulumi(request('single-server'), deps(stack));
    expect(stack.config.get('postgresCredentials')).toBe(first);
  });

  test('without a terminal and without --yes: exit 4 and no update', async () => {
    const stack = new RecordedStack([]);
    const stop = await stopOf(deployWithPulumi(request('split-tier', { yes: false }), deps(stack)));
    expect(stop.exitCode).toBe(EXIT.notConfirmed);
    expect(stack.upCalls).toBe(0);
  });

  test('nothing to change: no question asked, no update', async () => {
    const stack = new RecordedStack([], { same: 12 });
    await deployWithPulumi(request('split-tier', { yes: false }), deps(stack));
    expect(stack.upCalls).toBe(0);
  });

  test('an update that outlives --timeout is cancelled and exits 7', async () => {
    const stack = new RecordedStack([], { create: 2 }, () => new Promise(() => undefined));
    const stop = await stopOf(deployWithPulumi(request('split-tier'), deps(stack, { clock: new FakeClock() })));
    expect(stop.exitCode).toBe(EXIT.timeout);
    expect(stack.cancelled).toBe(true);
  });

  test('a failed update exits 6', async () => {
    const stack = new RecordedStack([], { create: 2 }, async () => {
      throw new Error('kubernetes:apps/v1:Deployment growing-shop/web: timed out waiting for readiness');
    });
    const stop = await stopOf(deployWithPulumi(request('split-tier'), deps(stack)));
    expect(stop.exitCode).toBe(EXIT.deployFailed);
    expect(stop.message).toMatch(/timed out waiting/);
  });

  test('the AWS rendering through @pulumi/cdk is explained, not attempted', () => {
    expect(PULUMI_CDK_UNAVAILABLE).toMatch(/schema 55/);
    expect(PULUMI_CDK_UNAVAILABLE).toMatch(/--target aws/);
  });
});

/**
 * `--target self-hosted` up to the credential and cluster boundary: what synth writes, what the dry run
 * prints (the same layout, platform phases and stage actions the deploy runs), the preflight naming what
 * is missing before anything is laid out or contacted, and the engine's order (provision, platform,
 * stage), safety refusal and confirmation with a recorded Pulumi stack and kubectl.
 */
describe('self-hosted-deploy', () => {
  const ALLOW = ['203.0.113.7/32'];
  const STAGE: StageName = 'read-replicas';
  const plan = stagePlan(STAGE);
  const objects = k8sObjects(STAGE) as KubeObject[];
  const platform = renderPlatform(plan, { cluster: 'hcloud' });
  const layout = layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: ALLOW });

  describe('synth --target self-hosted', () => {
    const artifacts = selfHostedArtifacts(plan, objects, platform, ALLOW);

    test('fleet.json is the layout the program declares, with the fleet plan the bill prices', () => {
      expect(JSON.parse(artifacts.files['fleet.json'])).toEqual(JSON.parse(JSON.stringify(layout)));
    });

    test('one cloud-init per server, secrets only as placeholders; workers get the agent token only', () => {
      const cloudInits = Object.keys(artifacts.files).filter((f) => f.startsWith('cloud-init/'));
      expect(cloudInits.sort()).toEqual(layout.servers.map((s) => `cloud-init/${s.name}.yaml`).sort());
      for (const server of layout.servers) {
        const file = artifacts.files[`cloud-init/${server.name}.yaml`];
        expect(file).toMatch(/^#cloud-config\n/);
        expect(file).toContain(SECRET_PLACEHOLDERS.agentToken);
        if (server.role === 'control-plane') expect(file).toContain(SECRET_PLACEHOLDERS.serverToken);
        else expect(file).not.toContain(SECRET_PLACEHOLDERS.serverToken);
        expect(file).not.toMatch(/token-auth-file|system:masters|admin-tokens/);
      }
      const cp = artifacts.files[`cloud-init/${layout.servers.find((s) => s.clusterInit)!.name}.yaml`];
      expect(cp).toContain('cluster-init: true');
    });

    test('the platform manifest holds every platform object in apply order; the stage manifest every stage object', () => {
      const docs = (text: string) => text.split(/^---\n/m).filter(Boolean).map((d) => JSON.parse(d));
      const platformDocs = docs(artifacts.files['platform.k8s.yaml']);
      expect(platformDocs).toHaveLength(platform.objects.length);
      const firstOperator = platformDocs.findIndex((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition');
      expect(platformDocs.slice(firstOperator).some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
      expect(docs(artifacts.files['stage.k8s.yaml'])).toHaveLength(objects.length);
    });
  });

  describe('deploy --target self-hosted --dry-run', () => {
    const lines = selfHostedDryRun({ plan, profileFile: 'profiles/growing-product.yaml', timeoutMs: 3_600_000, allowDataLoss: false, yes: false, layout, platform, stageObjects: objects });
    const text = lines.join('\n');
    const section = (title: string) => lines.indexOf(title);

    test('provisioning, then platform, then the stage', () => {
      expect(section('Preflight')).toBeGreaterThanOrEqual(0);
      expect(section('Safety')).toBeGreaterThan(section('Preflight'));
      expect(lines.findIndex((l) => l.startsWith('Provision'))).toBeGreaterThan(section('Safety'));
      expect(section('Platform')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Provision')));
      expect(lines.findIndex((l) => l.startsWith(`Stage ${STAGE}`))).toBeGreaterThan(section('Platform'));
    });

    test('every server, placement group and load balancer of the layout, and the firewall exactly', () => {
      for (const s of layout.servers) expect(text).toContain(`hcloud.Server ${s.name}: ${s.serverType} in ${s.location}, ${s.privateIp}`);
      expect(lines.filter((l) => /hcloud\.Server /.test(l))).toHaveLength(layout.servers.length);
      for (const g of layout.placementGroups) expect(text).toContain(g);
      for (const lb of layout.loadBalancers) expect(text).toContain(`hcloud.LoadBalancer ${lb.name}: ${lb.type}`);
      expect(text).toContain('inbound 80/tcp from 0.0.0.0/0, ::/0; 443/tcp from 0.0.0.0/0, ::/0; 6443/tcp from 203.0.113.7/32; 22/tcp from 203.0.113.7/32; nothing else');
    });

    test('every platform phase with its object count, and every stage apply phase', () => {
      for (const { phase, objects: o } of platformPhases(platform)) expect(text).toMatch(new RegExp(`Phase "${phase}": .*\\(${o.length} objects\\)`));
      for (const s of platform.secrets) expect(text).toContain(`Secret ${s.namespace}/${s.name}`);
      expect(text).toMatch(/Phase "data": /);
      expect(text).toContain('--kubeconfig');
    });

    test('it names what a real deploy needs and the exit codes', () => {
      expect(text).toContain('HCLOUD_TOKEN');
      expect(text).toContain('pulumi');
      expect(text).toMatch(/exit 3 unless --allow-data-loss/);
      expect(text).toMatch(/exit 4/);
    });

    test('fleetExplanation lists each pool with its count, type and locations', () => {
      const explained = fleetExplanation(layout).join('\n');
      for (const pool of layout.fleet.pools) expect(explained).toContain(`pool ${pool.name}: ${pool.count} × ${pool.server.id}`);
      expect(explained).toContain(`${layout.servers.length} servers`);
    });
  });

  test('--api-allow: address blocks only, never the whole internet (exit 2)', () => {
    expect(parseApiAllow(['203.0.113.0/24', '2001:db8::/48', '198.51.100.7/32', '::ffff:192.0.2.0/120'])).toEqual(['203.0.113.0/24', '2001:db8::/48', '198.51.100.7/32', '::ffff:192.0.2.0/120']);
    expect(() => parseApiAllow(['0.0.0.0/0'])).toThrow(/open the Kubernetes API and SSH to the internet/);
    expect(() => parseApiAllow(['::/0'])).toThrow(UsageError);
    const refusal = (block: string) => {
      try {
        parseApiAllow([block]);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error(`${block} was accepted`);
    };
    // Each refusal names the flag, the expected form and the value given, with what is wrong with it.
    for (const [block, why] of [
      ['999.1.1.1/77', '999.1.1.1 is not an IPv4 or IPv6 address'],
      ['203.0.113.7/33', 'prefix /33 is longer than the 32 bits of an IPv4 address'],
      ['203.0.113.7/24', 'host bits are set below /24 (the block is 203.0.113.0/24)'],
      ['203.0.113.7', 'no /prefix'],
      ['203.0.113.07/32', 'is not an IPv4 or IPv6 address'],
      ['2001:db8::/129', 'prefix /129 is longer than the 128 bits of an IPv6 address'],
      ['2001:db8::1/48', 'host bits are set below /48'],
      ['2001:db8:::1/128', 'is not an IPv4 or IPv6 address'],
      ['my-office', 'no /prefix'],
    ]) {
      const message = refusal(block);
      expect(message).toMatch(/^--api-allow: expected an IPv4 or IPv6 address block in CIDR form, e\.g\. 203\.0\.113\.7\/32/);
      expect(message).toContain(`got ${JSON.stringify(block)} (`);
      expect(message).toContain(why);
    }
  });

  test('stagekit deploy --target self-hosted --api-allow 999.1.1.1/77 exits 2 with that message', async () => {
    const run = await runCli(['deploy', '--target', 'self-hosted', '--stage', STAGE, '--api-allow', '999.1.1.1/77', '--dry-run']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--api-allow: expected an IPv4 or IPv6 address block in CIDR form');
    expect(run.stderr).toContain('"999.1.1.1/77"');
    expect(run.stdout).toBe('');
  });

  // ---------------------------------------------------------------------------------------------
  // The engine with a recorded stack and cluster.

  class RecordedStack implements HcloudStackDriver {
    readonly stackName = plan.product;
    readonly config = new Map<string, { value: string; secret: boolean }>();
    readonly events: string[] = [];
    constructor(
      private readonly deployed?: HcloudLayout,
      private readonly previewSteps: HcloudStep[] = [],
    ) {}
    async deployedLayout() {
      return this.deployed;
    }
    async getConfig(key: string) {
      return this.config.get(key)?.value;
    }
    async setSecretConfig(key: string, value: string) {
      this.config.set(key, { value, secret: true });
    }
    async preview(onStep: (s: HcloudStep) => void) {
      this.events.push('preview');
      for (const s of this.previewSteps) onStep(s);
      return { create: layout.servers.length };
    }
    async up(onStep: (s: HcloudStep) => void) {
      this.events.push('up');
      onStep({ op: 'create', urn: 'urn:pulumi:x::stagekit-hcloud::hcloud:index/server:Server::a', type: 'hcloud:index/server:Server' });
      return { summary: { create: layout.servers.length }, outputs: { apiServerIpv4: '198.51.100.10', networkId: '4711' } };
    }
    async cancel() {
      this.events.push('cancel');
    }
  }

  const API_RESOURCES = 'NAME SHORTNAMES APIVERSION NAMESPACED KIND\npods po v1 true Pod\n';

  function deps(over: Partial<SelfHostedDeployDeps> & { stack?: RecordedStack; kubectl?: RecordedKubectl } = {}) {
    const order: string[] = [];
    const connectedWith: unknown[] = [];
    const stack = over.stack ?? new RecordedStack();
    const kubectl =
      over.kubectl ??
      new RecordedKubectl()
        .on('api-resources', ok(API_RESOURCES))
        .on('get secret', ok(''))
        .on('create -f -', (call) => {
          order.push(`secret ${JSON.parse(call.stdin!).metadata.name}`);
          return ok();
        })
        .on(/^apply /, () => {
          order.push('apply');
          return ok();
        })
        .on(/^wait /, ok());
    const log = new RecordingLog();
    let n = 0;
    const d: SelfHostedDeployDeps = {
      env: { HCLOUD_TOKEN: 'hcloud-token-under-test' },
      findPulumiCli: () => '/opt/pulumi/bin/pulumi',
      hasKubectl: async () => true,
      hasSsh: async () => true,
      openStack: async () => {
        order.push('open stack');
        return stack;
      },
      connect: async (...args) => {
        order.push('connect');
        connectedWith.push(...args);
        return { kubectl, kubeconfig: '/home/u/.stagekit/x.kubeconfig' };
      },
      deployStage: async (_k, kubeconfig, yes) => {
        order.push(`stage ${kubeconfig} yes=${yes}`);
      },
      prompt: new ScriptedPrompt(false),
      clock: new FrozenClock(),
      log,
      cost: () => ({ status: 'unavailable', reason: 'not priced in this test' }),
      planOf: () => plan,
      password: () => `generated-${++n}`,
      ...over,
    };
    return { deps: d, order, stack, kubectl, log, connectedWith };
  }

  const request = (over: Partial<Parameters<typeof deploySelfHosted>[0]> = {}) => ({
    plan,
    profileFile: 'profiles/growing-product.yaml',
    layout: () => layout,
    platform: () => platform,
    allowDataLoss: false,
    yes: true,
    timeoutMs: 3_600_000,
    ...over,
  });

  describe('deploySelfHosted', () => {
    test('without a token, the pulumi CLI or kubectl: exit 5 naming each, before laying out or opening a stack', async () => {
      const { deps: d, order } = deps({ env: {}, findPulumiCli: () => undefined, hasKubectl: async () => false, hasSsh: async () => false });
      let laidOut = false;
      const stop = await stopOf(deploySelfHosted(request({ layout: () => ((laidOut = true), layout) }), d));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message).toMatch(/HCLOUD_TOKEN/);
      expect(stop.message).toMatch(/the pulumi CLI/);
      expect(stop.message).toMatch(/kubectl/);
      expect(stop.message).toMatch(/OpenSSH client/);
      expect(laidOut).toBe(false);
      expect(order).toEqual([]);
    });

    test('only the token missing: exit 5 naming only it', async () => {
      const stop = await stopOf(deploySelfHosted(request(), deps({ env: {} }).deps));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(1);
      expect(stop.message).toMatch(/HCLOUD_TOKEN/);
    });

    test('provisions, then installs the platform, then deploys the stage; generated secrets go to the stack as secrets', async () => {
      const { deps: d, order, stack, kubectl, connectedWith } = deps();
      await deploySelfHosted(request(), d);
      expect(stack.events).toEqual(['preview', 'up']);
      expect([...stack.config.values()].every((c) => c.secret)).toBe(true);
      expect([...stack.config.keys()].sort()).toEqual(['k3sAgentToken', 'k3sServerToken', 'sshPrivateKey']);
      expect(stack.config.get('k3sServerToken')!.value).not.toBe(stack.config.get('k3sAgentToken')!.value);
      expect(stack.config.get('sshPrivateKey')!.value).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      // The kubeconfig is read with the stack's SSH key (no admin token exists any more).
      expect(connectedWith).toEqual([layout, '198.51.100.10', stack.config.get('sshPrivateKey')!.value]);
      expect(order[0]).toBe('open stack');
      expect(order[1]).toBe('connect');
      expect(order.filter((o) => o === 'apply')).toHaveLength(platformPhases(platform).length);
      expect(order[order.length - 1]).toBe('stage /home/u/.stagekit/x.kubeconfig yes=true');
      // The Hetzner token reaches the cluster only as the CCM/CSI Secret, sent on stdin.
      const hcloudSecret = kubectl.calls.find((c) => c.args.join(' ') === 'create -f -' && JSON.parse(c.stdin!).metadata.name === 'hcloud');
      expect(JSON.parse(hcloudSecret!.stdin!).stringData).toEqual({ token: 'hcloud-token-under-test', network: '4711' });
      expect(kubectl.lines.some((l) => l.includes('hcloud-token-under-test'))).toBe(false);
    });

    test('a data server the new layout removes stops the deploy (exit 3) before pulumi up', async () => {
      const bigger: HcloudLayout = { ...layout, servers: [...layout.servers, { ...layout.servers.find((s) => s.holdsData)!, name: `${plan.product}-data-99` }] };
      const { deps: d, stack } = deps({ stack: new RecordedStack(bigger) });
      const stop = await stopOf(deploySelfHosted(request(), d));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stack.events).toEqual(['preview']);
    });

    test('a data server Pulumi would replace (drift the layout cannot see) stops it too', async () => {
      const steps: HcloudStep[] = [{ op: 'replace', urn: 'urn:pulumi:s::stagekit-hcloud::hcloud:index/server:Server::x-data-1', type: 'hcloud:index/server:Server', old: { outputs: { name: 'x-data-1', labels: { 'stagekit.dev/holds-data': 'true' } } } }];
      const { deps: d, stack } = deps({ stack: new RecordedStack(undefined, steps) });
      const stop = await stopOf(deploySelfHosted(request(), d));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stack.events).toEqual(['preview']);
    });

    test('without --yes and without a terminal: exit 4, nothing provisioned', async () => {
      const { deps: d, stack } = deps();
      const stop = await stopOf(deploySelfHosted(request({ yes: false }), d));
      expect(stop.exitCode).toBe(EXIT.notConfirmed);
      expect(stack.events).toEqual(['preview']);
    });

    test('a fleet that cannot be laid out stops in the preflight (exit 5), nothing opened', async () => {
      const { deps: d, order } = deps();
      const stop = await stopOf(
        deploySelfHosted(
          request({
            layout: () => {
              throw new Error('the fleet plan is incomplete: no Hetzner server type holds Cluster/postgres');
            },
          }),
          d,
        ),
      );
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message).toMatch(/no Hetzner server type holds/);
      expect(order).toEqual([]);
    });
  });

  describe('deploy --target k8s --install-platform (ensurePlatform)', () => {
    const existing = renderPlatform(plan, { cluster: 'existing' });
    const cnpg = existing.addons.find((a) => a.addon.id === 'cnpg')!.addon.detect;
    const row = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd([12, 12, 28, 12][i]) : c)).join('');
    const served = `${row(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'])}\n${row(['clusters', 'cluster', cnpg.apiVersion, 'true', cnpg.kind])}\n`;
    const cluster = () => {
      const applied: any[] = [];
      const kubectl = new RecordedKubectl()
        .on('api-resources', ok(served))
        .on('get secret', ok(''))
        .on('create -f -', ok())
        .on(/^apply /, (call) => {
          applied.push(...JSON.parse(call.stdin!).items);
          return ok();
        })
        .on(/^wait /, ok());
      return { kubectl, applied };
    };

    test('installs only the add-ons the cluster does not serve, after --yes', async () => {
      const { ensurePlatform } = await import('../deploy/self-hosted/platform-install');
      const { kubectl, applied } = cluster();
      const log = new RecordingLog();
      const installed = await ensurePlatform(kubectl, existing, log, { yes: true, prompt: new ScriptedPrompt(false), timeoutSeconds: 60, secretData: (s) => ({ [s.key]: 'generated' }) });
      expect(installed.map((a) => a.addon.id)).not.toContain('cnpg');
      expect(installed.length).toBe(existing.addons.length - 1);
      expect(applied.some((o) => o.metadata?.labels?.['stagekit.dev/addon'] === 'cnpg')).toBe(false);
      expect(applied.some((o) => o.metadata?.labels?.['stagekit.dev/addon'] === 'strimzi')).toBe(true);
      expect(log.text).toContain(`platform add-ons found: cnpg`);
    });

    test('without --yes and without a terminal: exit 4 before anything is applied', async () => {
      const { ensurePlatform } = await import('../deploy/self-hosted/platform-install');
      const { kubectl, applied } = cluster();
      const stop = await stopOf(ensurePlatform(kubectl, existing, new RecordingLog(), { yes: false, prompt: new ScriptedPrompt(false), timeoutSeconds: 60, secretData: () => undefined }));
      expect(stop.exitCode).toBe(EXIT.notConfirmed);
      expect(applied).toEqual([]);
    });
  });
});
