/**
 * The Hetzner Cloud program under pulumi.runtime.setMocks, for every stage of every shipped profile:
 * the servers, network, placement groups, firewall and load balancers it registers are the fleet plan
 * the self-hosted bill prices; the firewall opens exactly 80/443, and the API and SSH to the allow-list;
 * no generated secret appears in a resource input other than the servers' (secret) user data, workers'
 * user data holds the agent token only and no user data an admin credential, and every server keeps pods
 * away from the metadata service; each server of a fronted pool is behind exactly one load balancer; the bill's
 * server lines equal the provisioned servers; and moving between stages never replaces or deletes a
 * data-holding server without the safety check saying so.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { computePlan, Plan } from '../core/plan';
import { loadProfile, Profile } from '../core/profile';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { renderK8s } from '../blueprints/k8s/app';
import type { KubeObject } from '../deploy/k8s/objects';
import { HcloudLayout, layoutFleet, locationOf, stageFleet } from '../deploy/self-hosted/layout';
import type { FleetPlan } from '../cost/k8s/fleet';
import { fleetRisks } from '../deploy/self-hosted/safety';
import { priceArtifacts } from '../cost/stage';
import { pricingOptions } from '../cli/commands/cost';
import type { Bill } from '../cost/model';
import { k3sConfig, METADATA_BLOCK, POD_CIDR } from '../deploy/self-hosted/cloud-init';
import { loadBalancerTargets } from '../deploy/self-hosted/lb-targets';
import { newSshKeyPair } from '../deploy/self-hosted/secrets';

const PROFILES = fs.readdirSync(path.join(__dirname, '..', 'profiles')).filter((f) => f.endsWith('.yaml')).sort();
const SERVER_TOKEN = 'server-token-under-test-9f2c';
const AGENT_TOKEN = 'agent-token-under-test-41ab';
const SSH_KEY = newSshKeyPair('under-test');
/** The base64 body of the private key (what would leak if the key were written anywhere). */
const SSH_PRIVATE_BODY = SSH_KEY.privateKey.split('\n')[1];
const ALLOW = ['203.0.113.0/24'];

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
        return { id: `${registered.length}`, state: { ...args.inputs, ipv4Address: '198.51.100.1', ipv4: '198.51.100.2' } };
      },
      // getLoadBalancerType: the limit the Hetzner API states for the type (a smaller one here, to exercise the cap).
      call: (args) => (args.token === 'hcloud:index/getLoadBalancerType:getLoadBalancerType' ? { ...args.inputs, maxTargets: 25 } : args.inputs),
    },
    'stagekit-hcloud',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig(
    { 'stagekit-hcloud:k3sServerToken': SERVER_TOKEN, 'stagekit-hcloud:k3sAgentToken': AGENT_TOKEN, 'stagekit-hcloud:sshPrivateKey': SSH_KEY.privateKey },
    ['stagekit-hcloud:k3sServerToken', 'stagekit-hcloud:k3sAgentToken', 'stagekit-hcloud:sshPrivateKey'],
  );
});

interface Case {
  profile: string;
  stage: StageName;
  plan: Plan;
  objects: KubeObject[];
  fleet: FleetPlan;
  layout: HcloudLayout;
}
const cases: Case[] = [];
/** Stages whose fleet plan holds a pod no Hetzner Cloud server type fits (the bill marks them incomplete). */
const incomplete: { profile: string; stage: StageName; fleet: FleetPlan; error: string }[] = [];
for (const profile of PROFILES) {
  const p = loadProfile(path.join(__dirname, '..', 'profiles', profile));
  for (const stage of STAGE_NAMES) {
    const plan = computePlan(p, stage);
    const objects = renderK8s(plan).objects as KubeObject[];
    const fleet = stageFleet(plan, objects);
    try {
      cases.push({ profile, stage, plan, objects, fleet, layout: layoutFleet(plan, fleet, { apiAllowList: ALLOW }) });
    } catch (err) {
      incomplete.push({ profile, stage, fleet, error: (err as Error).message });
    }
  }
}

test('every stage of every shipped profile is laid out, or refused because the plan itself is incomplete', () => {
  expect(cases.length + incomplete.length).toBe(PROFILES.length * STAGE_NAMES.length);
  expect(cases.length).toBeGreaterThanOrEqual(10);
  for (const i of incomplete) {
    expect(i.fleet.unplaceable.length + i.fleet.cannotProvision.length).toBeGreaterThan(0);
    if (i.fleet.unplaceable.length) expect(i.error).toContain(`no Hetzner server type holds ${i.fleet.unplaceable[0].workload.name}`);
    else expect(i.error).toContain('cannot be provisioned on Hetzner Cloud');
  }
});

/** The self-hosted bill exactly as `stagekit cost` makes it for a stage (the command's default options). */
function cliBill(c: { plan: Plan; objects: KubeObject[] }): Bill {
  const options = pricingOptions({ provider: 'hetzner', format: 'table', assumptions: true } as Parameters<typeof pricingOptions>[0]);
  return priceArtifacts(c.plan, { Resources: {} } as any, c.objects, options).providers['self-hosted'];
}

test('the bill and the provisioning read one fleet: the region picks the same sites for both', () => {
  const growing = cases.find((c) => c.profile === 'growing-product.yaml' && c.stage === 'split-tier')!;
  expect(growing.plan.region).toBe('us-east-1');
  // Hetzner's only location near us-east-1 is Ashburn: both failure domains are spread groups there, not fsn1/nbg1.
  expect(growing.fleet.failureDomains).toEqual(['ash/spread-1', 'ash/spread-2']);
  expect(new Set(growing.layout.servers.map((s) => s.location))).toEqual(new Set(['ash']));
  expect(growing.layout.networkZone).toBe('us-east');
  expect(cliBill(growing).assumptions.join('\n')).toContain('failure domains ash/spread-1, ash/spread-2');
});

test('a volume larger than Hetzner Cloud makes is a hole in the bill and a refusal to provision, not a price', () => {
  const refused = incomplete.filter((i) => i.fleet.cannotProvision.length);
  expect(refused.map((i) => `${i.profile} ${i.stage}`)).toContain('million-merchants.yaml single-server');
  const single = refused.find((i) => i.profile === 'million-merchants.yaml' && i.stage === 'single-server')!;
  expect(single.fleet.cannotProvision.join()).toMatch(/needs a 19,2\d\d GiB volume and one volume holds at most 10,240 GiB/);
  const plan = computePlan(loadProfile(path.join(__dirname, '..', 'profiles', 'million-merchants.yaml')), 'single-server');
  const bill = cliBill({ plan, objects: renderK8s(plan).objects as KubeObject[] });
  expect(bill.complete).toBe(false);
  expect(bill.missing.map((m) => m.reason).join()).toContain('one volume holds at most 10,240 GiB');
});

async function declare(layout: HcloudLayout) {
  registered = [];
  const { declareHcloudFleet } = await import('../deploy/self-hosted/program');
  // Pulumi records a stack trace on every promise it makes (for its leak report); under jest each trace is
  // source-mapped, which was most of this file's time. No trace is read here: skip them while declaring.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const fleet = await declareHcloudFleet(layout);
    const all: pulumi.Resource[] = [fleet.network, ...fleet.subnets, ...fleet.placementGroups, fleet.firewall, fleet.sshKey, ...fleet.servers.map((s) => s.server), ...fleet.loadBalancers.flatMap((l) => [l.lb, ...l.targets, ...l.services])];
    await Promise.all(all.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
    await new Promise((r) => setTimeout(r, 0));
    return fleet;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

describe.each(cases.map((c) => [`${c.profile} ${c.stage}`, c] as const))('%s', (_label, c) => {
  // The program is declared once per stage; the tests read what it registered.
  let fleet: Awaited<ReturnType<typeof declare>>;
  let mine: Registered[] = [];
  beforeAll(async () => {
    fleet = await declare(c.layout);
    mine = registered;
  });
  beforeEach(() => {
    registered = mine;
  });

  test('servers, network, firewall and load balancers match the fleet plan', async () => {
    const plan = c.layout.fleet;
    const servers = registered.filter((r) => r.type === 'hcloud:index/server:Server');
    // Server counts and types per pool, exactly as planned.
    const expected: Record<string, number> = {};
    for (const pool of plan.pools) expected[`${pool.server.id}`] = (expected[pool.server.id] ?? 0) + pool.count;
    if (plan.controlPlane) expected[plan.controlPlane.server.id] = (expected[plan.controlPlane.server.id] ?? 0) + plan.controlPlane.count;
    const got: Record<string, number> = {};
    for (const s of servers) got[s.inputs.serverType] = (got[s.inputs.serverType] ?? 0) + 1;
    expect(got).toEqual(expected);
    expect(servers).toHaveLength(plan.servers);
    // Every server in a planned failure domain's location, the domains as the plan spreads them.
    const domainOf = new Map(c.layout.servers.map((s) => [s.name, s.failureDomain]));
    for (const s of servers) expect(plan.failureDomains.map(locationOf).concat(plan.controlPlane?.locations.map(locationOf) ?? [])).toContain(s.inputs.location);
    for (const pool of plan.pools) {
      const perDomain = plan.failureDomains.map((d) => servers.filter((s) => s.inputs.labels['stagekit.dev/pool'] === (plan.singleNode ? 'single' : pool.name) && domainOf.get(s.inputs.name) === d).length);
      expect(perDomain).toEqual(pool.perFailureDomain.map((n, d) => n + (pool.spareFailureDomain === d ? pool.spare : 0)));
    }
    // etcd: one member, or three in three failure domains (three locations where the region has them), never two.
    const etcd = c.layout.servers.filter((s) => s.etcd);
    expect(etcd.length).toBe(plan.singleNode ? 1 : 3);
    if (!plan.singleNode) {
      expect(new Set(etcd.map((s) => s.failureDomain)).size).toBe(3);
      if (plan.locations.sites.length >= 3) expect(new Set(etcd.map((s) => s.location)).size).toBe(3);
    }
    expect(etcd.filter((s) => s.clusterInit)).toHaveLength(1);
    // The zone label tells failure domains apart even inside one location (ash/spread-1 and ash/spread-2).
    for (const s of c.layout.servers) expect(s.zone).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(new Set(c.layout.servers.map((s) => s.zone)).size).toBe(new Set(c.layout.servers.map((s) => s.failureDomain)).size);
    // One network, two subnets; every server on it at its own private address.
    expect(registered.filter((r) => r.type === 'hcloud:index/network:Network')).toHaveLength(1);
    expect(registered.filter((r) => r.type === 'hcloud:index/networkSubnet:NetworkSubnet').map((r) => [r.inputs.ipRange, r.inputs.networkZone])).toEqual([
      ['10.0.0.0/20', c.layout.networkZone],
      ['10.0.64.0/24', c.layout.networkZone],
    ]);
    // Each node is labelled with its failure domain and the network zone its subnet is in.
    for (const s of c.layout.servers) {
      const config = k3sConfig(s, c.layout.servers[0].privateIp, c.layout.servers.length > 1, c.layout.networkZone);
      expect(config).toContain(JSON.stringify(`topology.kubernetes.io/zone=${s.zone}`));
      expect(config).toContain(JSON.stringify(`topology.kubernetes.io/region=${c.layout.networkZone}`));
    }
    const ips = servers.map((s) => s.inputs.networks[0].ip);
    expect(new Set(ips).size).toBe(ips.length);
    // Spread placement groups of at most 10 servers, each server in one.
    const groups = registered.filter((r) => r.type === 'hcloud:index/placementGroup:PlacementGroup');
    expect(groups.every((g) => g.inputs.type === 'spread')).toBe(true);
    const perGroup = new Map<string, number>();
    for (const s of c.layout.servers) perGroup.set(s.placementGroup, (perGroup.get(s.placementGroup) ?? 0) + 1);
    expect(Math.max(...perGroup.values())).toBeLessThanOrEqual(10);
    // Load balancers: the planned ones, of the planned type, forwarding 80/443 to the ingress NodePorts.
    const lbs = registered.filter((r) => r.type === 'hcloud:index/loadBalancer:LoadBalancer');
    expect(lbs).toHaveLength(plan.loadBalancers.reduce((s, l) => s + l.count, 0));
    for (const lb of lbs) expect(lb.inputs.loadBalancerType).toBe('lb11');
    const services = registered.filter((r) => r.type === 'hcloud:index/loadBalancerService:LoadBalancerService');
    expect(services.map((s) => `${s.inputs.listenPort}->${s.inputs.destinationPort}`).sort()).toEqual(lbs.flatMap(() => ['443->30443', '80->30080']).sort());
    // Targets: by label; every server of a fronted pool behind exactly one balancer, within the type's limit.
    expectEachTargetedOnce(c.layout, servers);
    expect(fleet.servers).toHaveLength(plan.servers);
  });

  test('the firewall opens exactly 80 and 443 to all, 6443 and 22 to the allow-list', async () => {
    const firewalls = registered.filter((r) => r.type === 'hcloud:index/firewall:Firewall');
    expect(firewalls).toHaveLength(1);
    const rules = firewalls[0].inputs.rules.map((r: any) => `${r.direction} ${r.protocol} ${r.port} ${[...r.sourceIps].sort().join(',')}`);
    expect(rules.sort()).toEqual(['in tcp 22 203.0.113.0/24', 'in tcp 443 0.0.0.0/0,::/0', 'in tcp 6443 203.0.113.0/24', 'in tcp 80 0.0.0.0/0,::/0']);
    const servers = registered.filter((r) => r.type === 'hcloud:index/server:Server');
    for (const s of servers) expect(s.inputs.firewallIds).toHaveLength(1);
  });

  test('no secret in plain text: the tokens appear only in the servers\u2019 user data, which is a secret', async () => {
    for (const r of registered) {
      const text = JSON.stringify(r.inputs);
      expect(text).not.toContain(SSH_PRIVATE_BODY);
      if (r.type !== 'hcloud:index/server:Server') {
        expect(text).not.toContain(SERVER_TOKEN);
        expect(text).not.toContain(AGENT_TOKEN);
        continue;
      }
      const { userData, ...rest } = r.inputs;
      expect(JSON.stringify(rest)).not.toContain(SERVER_TOKEN);
      expect(JSON.stringify(rest)).not.toContain(AGENT_TOKEN);
      // Pulumi's wire form of a secret: the engine encrypts it in the state.
      expect(userData).toEqual({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: expect.stringContaining(AGENT_TOKEN) });
      expect(text).not.toMatch(/HCLOUD_TOKEN|hcloud_token/i);
    }
    for (const { server } of fleet.servers) expect(await (server.userData as any).isSecret).toBe(true);
  });

  test('workers get the agent token only; no user data holds an admin credential; pods are kept from the metadata service', () => {
    const servers = registered.filter((r) => r.type === 'hcloud:index/server:Server');
    for (const server of servers) {
      const userData: string = server.inputs.userData.value;
      const spec = c.layout.servers.find((s) => s.name === server.inputs.name)!;
      if (spec.role === 'control-plane') {
        expect(userData).toContain(SERVER_TOKEN);
        expect(userData).toContain('agent-token-file: "/etc/rancher/k3s/agent-token"');
        expect(userData).toContain(`cluster-cidr: "${POD_CIDR}"`);
      } else {
        expect(userData).not.toContain(SERVER_TOKEN);
        expect(userData).toMatch(new RegExp(`path: /etc/rancher/k3s/join-token\n(?:.*\n){3}\\s+${AGENT_TOKEN}\n`));
      }
      // No cluster-admin credential: no static token file, no system:masters user, no private key, no kubeconfig.
      expect(userData).not.toMatch(/token-auth-file|system:masters|PRIVATE KEY|client-key-data/);
      // The metadata block, installed as a unit enabled before the k3s installer runs.
      expect(userData).toContain(`iptables ${METADATA_BLOCK}`);
      expect(userData.indexOf('enable --now stagekit-metadata-block.service')).toBeGreaterThan(0);
      expect(userData.indexOf('enable --now stagekit-metadata-block.service')).toBeLessThan(userData.indexOf('k3s-install.sh'));
      // Logins with the deploy's SSH key (its public half), not a password.
      expect(server.inputs.sshKeys).toHaveLength(1);
    }
    const keys = registered.filter((r) => r.type === 'hcloud:index/sshKey:SshKey');
    expect(keys.map((k) => k.inputs.publicKey)).toEqual([SSH_KEY.publicKey.replace(/ under-test$/, '')]);
  });

  test('the bill stagekit cost prints prices these servers and volumes, line for line', () => {
    const bill = cliBill(c);
    expect(bill.complete).toBe(true);
    // Servers per (type, failure domain), as the bill states them on its pool and control-plane lines.
    const billed: Record<string, number> = {};
    for (const r of bill.resources) {
      if (r.name.startsWith('NodePool/')) {
        const type = /^\d+ × ([a-z0-9]+) /.exec(r.note ?? '')![1];
        const placed = /servers by failure domain: ([^;]+)$/.exec(r.note ?? '')![1];
        for (const part of placed.split(', ')) {
          const [domain, count] = part.split(' ');
          billed[`${type} ${domain}`] = (billed[`${type} ${domain}`] ?? 0) + Number(count);
        }
        // The pool line's servers (packed shares + leftovers + spare) add up to the servers placed.
        const servers = bill.resources.flatMap((x) => x.costComponents).filter((l) => l.unit === 'servers' && l.name.includes(`(${type})`) && !l.name.startsWith('Control-plane'));
        expect(servers.reduce((sum, l) => sum + (l.monthlyQuantity ?? 0), 0)).toBeCloseTo(Number(/^(\d+) ×/.exec(r.note!)![1]), 4);
      }
      if (r.name === 'ControlPlane' && r.costComponents.length) {
        const type = /^Control-plane nodes \(([a-z0-9]+) × \d+\)$/.exec(r.costComponents[0].name)![1];
        for (const domain of /members by failure domain: (.+)$/.exec(r.note ?? '')![1].split(', ')) billed[`${type} ${domain}`] = (billed[`${type} ${domain}`] ?? 0) + 1;
      }
    }
    const provisioned: Record<string, number> = {};
    for (const s of c.layout.servers) provisioned[`${s.serverType} ${s.failureDomain}`] = (provisioned[`${s.serverType} ${s.failureDomain}`] ?? 0) + 1;
    expect(billed).toEqual(provisioned);
    // Volumes: the bill's block-volume GiB and count are the ones the CSI driver will create.
    const volumeLines = bill.resources.flatMap((r) => r.costComponents).filter((l) => /^Block volumes \(/.test(l.name));
    const count = volumeLines.reduce((sum, l) => sum + Number(/ × (\d+)\)$/.exec(l.name)?.[1] ?? 1), 0);
    const gib = volumeLines.reduce((sum, l) => sum + (l.monthlyQuantity ?? 0), 0);
    expect([count, Math.round(gib * 100) / 100]).toEqual([c.layout.volumes, Math.round(c.layout.volumeGiB * 100) / 100]);
    for (const volume of c.layout.fleet.volumes) expect(volume.sizeGiB).toBeGreaterThanOrEqual(10);
  });
});

/** Every server of each fronted pool carries exactly one of the pool's load balancer labels; no balancer over 25 (the mocked limit). */
function expectEachTargetedOnce(layout: HcloudLayout, servers: Registered[]) {
  for (const pool of new Set(layout.loadBalancers.map((lb) => lb.pool))) {
    const balancers = layout.loadBalancers.filter((lb) => lb.pool === pool);
    for (const name of balancers[0].targetServers) {
      const labels = servers.find((s) => s.inputs.name === name)!.inputs.labels;
      expect([name, balancers.filter((lb) => labels[lb.label] === 'true').length]).toEqual([name, 1]);
    }
    for (const lb of balancers) {
      const targeted = servers.filter((s) => s.inputs.labels[lb.label] === 'true');
      expect(targeted.length).toBeLessThanOrEqual(25);
      expect(targeted.length).toBeGreaterThanOrEqual(Math.floor(balancers[0].targetServers.length / balancers.length));
      // Spread: a balancer's targets cover every location of the pool when it has at least as many targets.
      const locations = new Set(layout.servers.filter((s) => lb.targetServers.includes(s.name)).map((s) => s.location));
      if (targeted.length >= locations.size) expect(new Set(targeted.map((s) => s.inputs.location)).size).toBe(locations.size);
    }
  }
}

describe('load balancer targets', () => {
  // A pool of 60 servers over two locations fronted by three lb11 (ceil(60 / 25)), built from a shipped layout.
  const base = cases.find((c) => c.layout.loadBalancers.length === 1 && c.layout.servers.some((s) => s.pool === c.layout.loadBalancers[0].pool))!.layout;
  const front = base.loadBalancers[0];
  const template = base.servers.find((s) => s.pool === front.pool)!;
  const pool = Array.from({ length: 60 }, (_, index) => ({ ...template, name: `${base.product}-${front.pool}-${index + 1}`, location: index % 2 ? 'hel1' : 'fsn1', privateIp: `10.0.${4 + Math.floor(index / 250)}.${(index % 250) + 1}` }));
  const names = pool.map((s) => s.name);
  const big: HcloudLayout = {
    ...base,
    servers: [...base.servers.filter((s) => s.pool !== front.pool), ...pool],
    loadBalancers: [1, 2, 3].map((n) => ({ ...front, name: `${front.name}-${n}`, label: `${front.label}-${n}`, targetServers: names })),
  };

  test('three balancers for 60 servers: each server behind exactly one, 20 each, both locations behind each', async () => {
    await declare(big);
    const servers = registered.filter((r) => r.type === 'hcloud:index/server:Server');
    expectEachTargetedOnce(big, servers);
    expect(big.loadBalancers.map((lb) => servers.filter((s) => s.inputs.labels[lb.label] === 'true').length)).toEqual([20, 20, 20]);
    // One label-selector target per balancer, selecting its own label.
    expect(registered.filter((r) => r.type === 'hcloud:index/loadBalancerTarget:LoadBalancerTarget').map((r) => r.inputs.labelSelector).sort()).toEqual(big.loadBalancers.map((lb) => `${lb.label}=true`).sort());
  });

  test('a share over the type\u2019s target limit is refused, naming the balancer and the limit', () => {
    expect(() => loadBalancerTargets(big, () => 19)).toThrow(`load balancer ${front.name}-1 (lb11): 20 target servers, but the type takes at most 19`);
    expect([...loadBalancerTargets(big, () => 20).values()].map((t) => t.length)).toEqual([20, 20, 20]);
  });
});


/**
 * For a change of layout: every server that held data and is gone (or holds no data any more) is reported as
 * data loss, a kept server never changes location, an unchanged type is not reported, and a pool that does not
 * shrink in a failure domain keeps every server there.
 */
function expectDataServerChangesReported(from: HcloudLayout, to: HcloudLayout): void {
  const risks = fleetRisks(from, to);
  const toNames = new Map(to.servers.map((s) => [s.name, s]));
  for (const s of from.servers.filter((x) => x.holdsData)) {
    const next = toNames.get(s.name);
    // A server keeps its name (identity) while it stays: so it never "moves"; it is kept, resized or removed.
    if (next) expect(next.location).toBe(s.location);
    const reported = risks.find((r) => r.resource.startsWith(`Server ${s.name} `));
    const gone = !next || !next.holdsData;
    expect([s.name, gone, reported?.severity ?? 'none']).toEqual([s.name, gone, gone ? 'data-loss' : (reported?.severity ?? 'none')]);
    if (!gone && next.serverType === s.serverType) expect(reported).toBeUndefined();
  }
  const count = (layout: HcloudLayout, pool: string, domain: string) => layout.servers.filter((s) => s.pool === pool && s.failureDomain === domain).length;
  for (const s of from.servers.filter((x) => x.holdsData && x.pool !== 'single')) {
    if (count(to, s.pool, s.failureDomain) >= count(from, s.pool, s.failureDomain)) expect(toNames.has(s.name)).toBe(true);
  }
}

describe('moving between stages', () => {
  // A profile whose pods outgrow every Hetzner Cloud type (million-merchants) has no layouts to move between: the refusal is tested above.
  const movable = PROFILES.filter((profile) => cases.filter((c) => c.profile === profile).length >= 2);
  test('at least two shipped profiles have stages to move between', () => expect(movable.length).toBeGreaterThanOrEqual(2));
  test.each(movable)('%s: growing a pool keeps its servers; every data server removed, moved or shrunk is reported', (profile) => {
    const layouts = cases.filter((c) => c.profile === profile).map((c) => c.layout);
    for (let i = 0; i + 1 < layouts.length; i++) expectDataServerChangesReported(layouts[i], layouts[i + 1]);
  });

  // A profile edit at the same stage (the traffic and data grow, or shrink): the fleet is planned again, and no
  // server that holds data is removed or shrunk without the safety check saying so.
  const edits: Record<string, (p: Profile) => Profile> = {
    'grow x2': (p) => ({ ...p, traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond * 2 }, data: { ...p.data, datasetGiB: p.data.datasetGiB * 2, writesPerSecond: p.data.writesPerSecond * 2 } }),
    'shrink /2': (p) => ({ ...p, traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond / 2 }, data: { ...p.data, datasetGiB: p.data.datasetGiB / 2, writesPerSecond: p.data.writesPerSecond / 2 } }),
  };
  test.each(Object.keys(edits))('a profile edit at the same stage (%s): every data server removed or shrunk is reported', (edit) => {
    let compared = 0;
    for (const c of cases.filter((x) => x.profile !== 'million-merchants.yaml')) {
      const plan = computePlan(edits[edit](c.plan.profile), c.stage);
      const objects = renderK8s(plan).objects as KubeObject[];
      let layout: HcloudLayout;
      try {
        layout = layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: ALLOW });
      } catch {
        continue; // the edited plan outgrows Hetzner Cloud: refused before any server is touched (tested above)
      }
      expectDataServerChangesReported(c.layout, layout);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  test('the fresh-startup and growing-product climbs report only what must change (the audit saw every climb as data loss)', () => {
    const risky = (profile: string) =>
      cases
        .filter((c) => c.profile === profile)
        .map((c, i, all) => (i ? fleetRisks(all[i - 1].layout, c.layout).filter((r) => r.severity !== 'note').map((r) => `${all[i - 1].stage}->${c.stage} ${r.change}`) : []))
        .flat();
    for (const profile of ['fresh-startup.yaml', 'growing-product.yaml']) {
      const list = risky(profile);
      // Leaving the single server is a real migration (its node is not a cluster node); after that, no server moves.
      expect(list.filter((r) => !r.startsWith('single-server->')).every((r) => !r.includes('replaced'))).toBe(true);
      expect(list.some((r) => r.startsWith('single-server->split-tier deleted'))).toBe(true);
    }
  });

  test('a shrinking data pool is caught, a larger type is an in-place change, a smaller one is refused', () => {
    const c = cases.find((x) => x.profile === 'fresh-startup.yaml' && x.stage === 'read-replicas')!;
    const fewer: HcloudLayout = { ...c.layout, servers: c.layout.servers.filter((s) => s.name !== c.layout.servers.filter((x) => x.holdsData).at(-1)!.name) };
    expect(fleetRisks(c.layout, fewer).map((r) => r.change)).toEqual(['deleted']);
    const data = c.layout.servers.filter((s) => s.holdsData);
    const current = c.layout.fleet.pools.find((p) => p.name === 'data')!.server;
    const retyped = (server: typeof current): HcloudLayout => ({
      ...c.layout,
      fleet: { ...c.layout.fleet, pools: c.layout.fleet.pools.map((p) => (p.name === 'data' ? { ...p, server } : p)) },
      servers: c.layout.servers.map((s) => (s.holdsData ? { ...s, serverType: server.id } : s)),
    });
    const larger = retyped({ ...current, id: 'ccx-larger', vcpu: current.vcpu * 2, memoryGiB: current.memoryGiB * 2, diskGb: current.diskGb * 2 });
    expect(fleetRisks(c.layout, larger).map((r) => `${r.severity} ${r.change}`)).toEqual(data.map(() => 'note resized in place to ccx-larger'));
    // Hetzner cannot rescale to a type with a smaller disk: refused, saying why and how to do it instead.
    const smaller = retyped({ ...current, id: 'ccx-smaller', vcpu: current.vcpu / 2, memoryGiB: current.memoryGiB / 2, diskGb: current.diskGb / 2 });
    const refused = fleetRisks(c.layout, smaller);
    expect(refused.map((r) => `${r.severity} ${r.change}`)).toEqual(data.map(() => 'rejected downsized to ccx-smaller'));
    expect(refused[0].reason).toContain('only to a type with at least its disk');
    expect(refused[0].fix).toContain(`keep ${current.id}`);
  });
});
