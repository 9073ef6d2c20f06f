/**
 * The fleet plan: what a self-hosted rendering provisions (pools, control plane, load balancers, volumes,
 * backup storage) as plain data, and the self-hosted bill priced from exactly that plan.
 */
import { planFleet } from '../cost/k8s/fleet';
import { priceSelfHosted } from '../cost/k8s/self-hosted';
import { priceEks } from '../cost/k8s/eks';
import { lokiRequests } from '../cost/k8s/fleet';
import { usageFromPlan } from '../cost/usage';
import { k8sObjects, stagePlan } from './support/stages';

const container = (cpu: string, memory: string) => ({ name: 'c', image: 'app:1', resources: { requests: { cpu, memory } } });
const OBJECTS = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [container('1800m', '6963Mi')] } } } },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' }, spec: { instances: 3, resources: { requests: { cpu: '4', memory: '16Gi' } }, storage: { size: '200Gi' } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads' }, spec: { resources: { requests: { storage: '50Gi' } } } },
];

describe('fleet plan', () => {
  const usage = usageFromPlan(stagePlan('split-tier'));
  const plan = planFleet(OBJECTS, { zones: 3, usage });

  test('is plain JSON: pools with server type, count and spread; control plane; load balancers with targets; volumes; backups', () => {
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.schema).toBe('stagekit.fleet/v1');
    expect(plan.failureDomains).toHaveLength(3);
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server.vcpuKind).toBe('dedicated');
    expect(data.perFailureDomain.reduce((a, b) => a + b, 0)).toBe(data.packed);
    expect(data.count).toBe(data.packed + data.spare);
    expect(data.spare).toBe(1);
    expect(data.workloads.map((w) => w.name)).toEqual(['Cluster/db']);
    expect(plan.controlPlane!.count).toBe(3);
    expect(plan.controlPlane!.perFailureDomain).toEqual([1, 1, 1]);
    const general = plan.pools.find((p) => p.name === 'general')!;
    expect(plan.loadBalancers).toEqual([expect.objectContaining({ name: 'Ingress/web', count: 1, targets: { pool: 'general', servers: general.count } })]);
    expect(plan.volumes).toEqual(expect.arrayContaining([{ name: 'Cluster/db', sizeGiB: 200, count: 3, medium: 'block-volume' }, { name: 'PersistentVolumeClaim/uploads', sizeGiB: 50, count: 1, medium: 'block-volume' }]));
    expect(plan.objectStorage!.storedGiB).toBeGreaterThan(0);
    expect(plan.servers).toBe(data.count + general.count + 3);
  });

  test('the bill prices exactly the planned servers', () => {
    const bill = priceSelfHosted(OBJECTS, { zones: 3, usage });
    for (const pool of plan.pools) {
      const lines = bill.resources.flatMap((r) => r.costComponents).filter((c) => c.name.includes(`(${pool.server.id})`) && c.unit === 'servers');
      const servers = lines.reduce((s, c) => s + c.monthlyQuantity!, 0);
      // Shares + leftovers + spare add up to the pool's servers.
      expect(servers).toBeCloseTo(pool.count, 6);
    }
  });

  test('every stage of the ladder plans a fleet whose pools hold every workload that fits', () => {
    const objects = k8sObjects('sharded');
    const p = planFleet(objects, { zones: stagePlan('sharded').zones, usage: usageFromPlan(stagePlan('sharded')) });
    expect(p.unplaceable).toEqual([]);
    expect(p.pools.length).toBeGreaterThan(0);
  });
});

describe('never a total or a ratio over an incomplete bill', () => {
  const { ladderSummary } = require('../cost/stage') as typeof import('../cost/stage');
  const { billJson, billMarkdown, billTable, ladderJson, ladderMarkdown, ladderTable } = require('../cost/render') as typeof import('../cost/render');
  const huge = [
    ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'giant' }, spec: { instances: 2, resources: { requests: { cpu: '500', memory: '8Ti' } }, storage: { size: '1Ti' } } },
  ];
  const usage = usageFromPlan(stagePlan('split-tier'));
  const bill = priceSelfHosted(huge, { zones: 3, usage });

  test('a database no server can hold makes the bill incomplete, named with the reason', () => {
    expect(bill.complete).toBe(false);
    expect(bill.missing).toEqual([expect.objectContaining({ name: 'Cluster/giant', component: 'database', reason: expect.stringMatching(/no data-pool server type is large enough/) })]);
    expect(priceSelfHosted(OBJECTS, { zones: 3, usage }).complete).toBe(true);
  });

  test('every format says so: table, markdown, JSON; the ladder prints no ratio', () => {
    expect(billTable(bill)).toMatch(/Total\s+none: the bill is incomplete/);
    expect(billTable(bill)).toMatch(/database not priced: Cluster\/giant/);
    expect(billMarkdown(bill)).toMatch(/incomplete \(no total\)/);
    const json = billJson(bill) as any;
    expect(json).toMatchObject({ complete: false, totalMonthlyCost: null, missing: [expect.objectContaining({ component: 'database' })] });
    expect(json.pricedMonthlyCost).toBeGreaterThan(0);
    const stage = { stage: 'split-tier', plan: stagePlan('split-tier'), providers: { aws: { ...bill, provider: 'aws', complete: true, missing: [] }, eks: bill, 'self-hosted': bill } } as any;
    const rows = ladderSummary([stage]);
    expect(rows[0].ratio).toBeNull();
    expect(rows[0].ratioWithheld).toMatch(/self-hosted bill incomplete: database Cluster\/giant not priced/);
    expect(ladderTable(rows, 'Hetzner Cloud', 'ladder')).toMatch(/incomplete‡\s+none‡/);
    expect(ladderMarkdown(rows, 'Hetzner Cloud')).toMatch(/‡ incomplete[\s\S]*Cluster\/giant/);
    expect(ladderJson(rows)[0]).toMatchObject({ selfHosted: null, awsToSelfHostedRatio: null, complete: { 'self-hosted': false } });
  });
});

describe('providers, locations and the rules they bill by', () => {
  const { bareMetalData, parseOwnedOptions, defaultOwnedOptions } = require('../cost/k8s/offers') as typeof import('../cost/k8s/offers');
  const usage = usageFromPlan(stagePlan('split-tier'));
  const bigDb = [
    ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'big' }, spec: { instances: 2, resources: { requests: { cpu: '60', memory: '200Gi' } }, storage: { size: '500Gi' } } },
  ];

  test('bare-metal prices are pinned to their dated sources', () => {
    const ax = bareMetalData().hetznerDedicated.servers['AX162-R'];
    expect(ax).toMatchObject({ vcpu: 96, memoryGiB: 256, monthlyEur: 238, setupEur: 542 });
    expect(ax.sources.map((s) => s.date)).toEqual(['2026-07-05', '2026-02-02', '2026-07-05']);
    expect(ax.sources[2].url).toBe('https://www.hetzner.com/pressroom/new-ax162/');
    const owned = bareMetalData().ownedHardware.configurations['2u-2x64c-1tb'];
    expect(owned.capexUsd).toBe(37500);
    expect(owned.sources![0].url).toMatch(/world\.hey\.com\/dhh/);
    expect(defaultOwnedOptions().amortizationYears).toBe(5);
  });

  test('Hetzner dedicated: a pod larger than any cloud type lands on a dedicated server in the EU, with its setup fee amortized and local NVMe', () => {
    // Hetzner Cloud: the pool no cloud type holds goes to dedicated root servers (vSwitch), the other pools stay on cloud types.
    const cloud = planFleet(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner' });
    expect(cloud.unplaceable).toEqual([]);
    expect(cloud.pools.find((p) => p.name === 'data')!.server.offer).toBe('dedicated');
    expect(cloud.pools.find((p) => p.name === 'data')!.purpose).toMatch(/no Hetzner Cloud type holds its largest pods.*vSwitch/);
    expect(cloud.pools.find((p) => p.name === 'general')!.server.offer).toBe('cloud');
    expect(priceSelfHosted(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner' }).complete).toBe(true);
    // At Ashburn there are no dedicated root servers: Hetzner Cloud stays incomplete and says why.
    const ash = planFleet(bigDb, { zones: 3, usage, region: 'us-east-1', provider: 'hetzner' });
    expect(ash.unplaceable.map((u) => u.workload.name)).toEqual(['Cluster/big']);
    expect(ash.notOffered.join(' ')).toMatch(/only in Falkenstein, Nuremberg and Helsinki, not at Ashburn/);
    const plan = planFleet(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server).toMatchObject({ id: 'AX162-R', offer: 'dedicated', localDiskGiB: 1788 });
    expect(data.server.monthlyUsd).toBeCloseTo((238 + 542 / 36) * plan.eurUsd, 6);
    expect(plan.volumes.find((v) => v.name === 'Cluster/big')!.medium).toBe('local-nvme');
    expect(plan.failureDomains).toEqual(['fsn1', 'nbg1', 'hel1']);
    const bill = priceSelfHosted(bigDb, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
    expect(bill.complete).toBe(true);
    // Dedicated root servers exist only in DE/FI: a US profile's dedicated fleet runs there, and the bill says so.
    const us = planFleet(bigDb, { zones: 3, usage, region: 'us-east-1', provider: 'hetzner-dedicated' });
    expect(us.failureDomains).toEqual(['fsn1', 'nbg1', 'hel1']);
    expect(us.locationNote).toMatch(/only in Germany and Finland.*us-east-1/);
    expect(us.unplaceable).toEqual([]);
  });

  test('a pod whose volume outgrows every dedicated server\'s disks says so instead of being priced', () => {
    const huge = [
      ...OBJECTS.filter((o) => o.kind !== 'Cluster'),
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'huge' }, spec: { instances: 2, resources: { requests: { cpu: '60', memory: '200Gi' } }, storage: { size: '19220Gi' } } },
    ];
    const plan = planFleet(huge, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
    expect(plan.unplaceable[0].reason).toMatch(/fits the CPU and memory of AX162-R, but its 19,220 GiB volume does not fit local disks \(AX162-R: 1,788 GiB usable\)/);
    expect(priceSelfHosted(huge, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' }).complete).toBe(false);
  });

  test('traffic between failure domains: the EKS bill\'s cross-AZ volumes, by each provider\'s rule', () => {
    const eks = priceEks(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).resources.find((r) => r.name === 'CrossAzTraffic')!;
    for (const provider of ['hetzner', 'owned'] as const) {
      const between = priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1', provider }).resources.find((r) => r.name === 'TrafficBetweenDomains')!;
      expect(between.costComponents.map((c) => c.monthlyQuantity)).toEqual(eks.costComponents.map((c) => c.monthlyQuantity));
      expect(between.costComponents.every((c) => c.monthlyCost === 0)).toBe(true);
    }
    const hetzner = priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).resources.find((r) => r.name === 'TrafficBetweenDomains')!;
    expect(hetzner.costComponents[0].assumption).toMatch(/docs\.hetzner\.com\/cloud\/billing\/faq/);
  });

  test('the log stack scales out: published LokiStack tiers, split into pods no larger than 4 vCPU / 12 GiB', () => {
    expect(lokiRequests(1000)).toMatchObject({ vcpu: 54, memoryGiB: 139 });
    expect(lokiRequests(5000).vcpu).toBe(162);
    const big = { ...usage, logGiBPerMonth: 30_000 };
    const loki = planFleet(OBJECTS, { zones: 3, usage: big }).pools.flatMap((p) => p.workloads).find((w) => w.name === 'addon/loki')!;
    expect(loki.vcpu).toBeLessThanOrEqual(4);
    expect(loki.memoryGiB).toBeLessThanOrEqual(12);
    expect(loki.replicas * loki.vcpu).toBeCloseTo(54, 6);
  });

  test('locations follow the profile region and are printed on the bill', () => {
    expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'us-east-1' }).label).toMatch(/Ashburn, VA.*EU list prices/);
    expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'ap-south-1', provider: 'ovh' }).label).toMatch(/Mumbai/);
    expect(priceSelfHosted(OBJECTS, { zones: 3, usage, region: 'eu-central-1' }).label).toMatch(/Falkenstein.*Nuremberg.*Helsinki/);
    expect(planFleet(OBJECTS, { zones: 3, usage, region: 'us-east-1' }).failureDomains).toEqual(['ash/spread-1', 'ash/spread-2', 'ash/spread-3']);
  });

  test('one Hetzner load balancer fronts at most its type\'s targets', () => {
    const many = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 400, template: { spec: { containers: [container('1800m', '6963Mi')] } } } }, OBJECTS[2]];
    const plan = planFleet(many, { zones: 3, usage });
    const lb = plan.loadBalancers[0];
    expect(lb.targets.servers).toBeGreaterThan(25);
    expect(lb.count * lb.maxTargets!).toBeGreaterThanOrEqual(lb.targets.servers);
    expect(lb.type).toBe('lb11'); // the 2026-08 list prices lb11 only
    const jan = planFleet(many, { zones: 3, usage, priceList: 'hetzner-2026-01' }).loadBalancers[0];
    expect(jan.count * jan.maxTargets!).toBeGreaterThanOrEqual(jan.targets.servers);
  });

  test('Hetzner traffic beyond the allowance is billed at €1/TB, not €0.01/GB', () => {
    const traffic = priceSelfHosted(OBJECTS, { zones: 3, usage }).resources.find((r) => r.name === 'Traffic')!.costComponents[0];
    expect(traffic.price).toBeCloseTo(0.001 * require('../cost/catalog').loadCatalog().exchangeRate().eurUsd, 9);
    expect(traffic.priceSource).toMatch(/€1\/TB/);
  });

  test('logs priced on the cluster from the same volume and retention as CloudWatch', () => {
    const bill = priceSelfHosted(OBJECTS, { zones: 3, usage });
    const logs = bill.resources.find((r) => r.name === 'Logs')!;
    expect(logs.costComponents[0].monthlyQuantity).toBeCloseTo(usage.logGiBPerMonth * 0.15 * (2 ** 30 / 1e9), 6);
    expect(bill.resources.find((r) => r.name === 'addon/loki')!.status).toBe('priced');
  });

  test('owned hardware: capex amortized, colocation lines, stacked control plane, every assumption overridable', () => {
    const bill = priceSelfHosted(bigDb, { zones: 3, usage, provider: 'owned' });
    expect(bill.complete).toBe(true);
    expect(bill.resources.find((r) => r.name === 'ControlPlane')!.status).toBe('free');
    const colo = bill.resources.find((r) => r.name === 'Colocation')!;
    expect(colo.costComponents.map((c) => c.name.split(' (')[0])).toEqual(['IP-transit commit', 'Cold spares', 'Remote hands']);
    const three = priceSelfHosted(bigDb, { zones: 3, usage, provider: 'owned', owned: parseOwnedOptions('amortizationYears=3') });
    expect(three.totalMonthlyCost).toBeGreaterThan(bill.totalMonthlyCost);
    expect(() => parseOwnedOptions('rack=1')).toThrow(/--owned/);
  });
});
