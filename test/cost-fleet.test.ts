/**
 * The fleet plan: what a self-hosted rendering provisions (pools, control plane, load balancers, volumes,
 * backup storage) as plain data, and the self-hosted bill priced from exactly that plan.
 */
import { HETZNER_VOLUME_LIMITS, planFleet, planStageFleet, stagePlatformLoad } from '../cost/k8s/fleet';
import { priceSelfHosted, priceStageSelfHosted } from '../cost/k8s/self-hosted';
import { priceEks } from '../cost/k8s/eks';
import { lokiRequests } from '../cost/k8s/fleet';
import { packOnto } from '../cost/k8s/binpack';
import { platformAddons } from '../cost/k8s/cluster';
import { inventory } from '../cost/k8s/inventory';
import { logSizing } from '../platform/addons/logs';
import { PROMETHEUS_SIZE } from '../platform/addons/monitoring';
import { renderPlatform } from '../platform/builder';
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
    expect(plan.volumes).toEqual(expect.arrayContaining([{ name: 'Cluster/db', sizeGiB: 200, requestedGiB: 200, count: 3, medium: 'block-volume' }, { name: 'PersistentVolumeClaim/uploads', sizeGiB: 50, requestedGiB: 50, count: 1, medium: 'block-volume' }]));
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

  test('the log stack: published LokiStack tiers, sized once (platform/addons/logs.ts) for the platform and the bill', () => {
    expect(lokiRequests(1000)).toMatchObject({ vcpu: 54, memoryGiB: 139 });
    expect(lokiRequests(5000).vcpu).toBe(162);
    const big = { ...usage, logGiBPerMonth: 3_000 };
    const loki = planFleet(OBJECTS, { zones: 3, usage: big }).pools.flatMap((p) => p.workloads).find((w) => w.name === 'StatefulSet/logging/loki')!;
    // 100 GiB/day = 107 GB/day asks for the 1x.small tier (34 vCPU / 67 GiB): more than one single-binary pod may
    // have, so the pod is rendered (and priced) at its ceiling and the bill says the ingest needs distributed mode.
    expect([loki.replicas, loki.vcpu, loki.memoryGiB]).toEqual([1, 4, 12]);
    expect(priceSelfHosted(OBJECTS, { zones: 3, usage: big }).resources.find((r) => r.name === 'Logs')!.note).toMatch(/1x\.small .*run Loki in distributed mode/);
    const small = planFleet(OBJECTS, { zones: 3, usage: { ...usage, logGiBPerMonth: 600 } }).pools.flatMap((p) => p.workloads).find((w) => w.name === 'StatefulSet/logging/loki')!;
    // 20 GiB/day = 21.5 GB/day: 21.5% of 1x.extra-small (14 vCPU / 31 GiB), rounded up to 100m / 256 MiB.
    expect([small.vcpu, small.memoryGiB]).toEqual([3.1, 6.75]);
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

  test('logs kept on Loki\u2019s volume, sized from the same volume and retention as CloudWatch: no object-storage line besides it', () => {
    const bill = priceSelfHosted(OBJECTS, { zones: 3, usage });
    expect(bill.resources.find((r) => r.name === 'Logs')!.status).toBe('free');
    const loki = bill.resources.find((r) => r.name === 'StatefulSet/logging/loki')!;
    expect(loki.costComponents.map((c) => c.name)).toEqual([expect.stringMatching(/^Compute: share of general nodes/), expect.stringMatching(/^Block volumes \(\d+ GiB\)$/)]);
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

describe('the platform every stage installs, packed and priced as rendered', () => {
  const plan = stagePlan('split-tier');
  const objects = k8sObjects('split-tier');
  const platform = renderPlatform(plan, { cluster: 'hcloud' });
  const fleet = planStageFleet(plan, objects).plan;
  const placed = fleet.pools.flatMap((p) => p.workloads);
  const bill = priceStageSelfHosted(plan, objects);

  test('every Deployment, StatefulSet, Prometheus and Alertmanager the platform renders is a workload of the fleet, at its rendered requests', () => {
    const rendered = platform.objects.filter((o: any) => ['Deployment', 'StatefulSet', 'Prometheus', 'Alertmanager'].includes(o.kind));
    expect(rendered.length).toBeGreaterThanOrEqual(15);
    for (const o of rendered as any[]) expect(placed.map((w) => w.name)).toContain(`${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    const byName = (name: string) => placed.find((w) => w.name === name)!;
    expect(byName('Alertmanager/monitoring/stagekit').replicas).toBe(3);
    expect(byName('Deployment/monitoring/grafana')).toMatchObject({ vcpu: 0.25, memoryGiB: 0.5 });
    expect(byName('Deployment/kube-system/hcloud-cloud-controller-manager').vcpu).toBe(0.1);
    // One definition: Loki and Prometheus at exactly the size the platform renders them at.
    const loki = logSizing(plan);
    expect(byName('StatefulSet/logging/loki')).toMatchObject({ replicas: 1, vcpu: loki.vcpu, memoryGiB: loki.memoryGiB, storageGiB: loki.volumeGiB });
    expect(byName('Prometheus/monitoring/stagekit')).toMatchObject({ vcpu: Number(PROMETHEUS_SIZE.cpu), memoryGiB: parseInt(PROMETHEUS_SIZE.memory, 10), storageGiB: PROMETHEUS_SIZE.storageGiB });
    // The bill without the rendered platform (EKS) assumes the same Prometheus.
    const assumed = platformAddons({ ...inventory([...objects]), monitoring: true }, 2).find((w) => w.name === 'addon/prometheus')!;
    expect([assumed.vcpu, assumed.memoryGiB, assumed.storageGiB]).toEqual([Number(PROMETHEUS_SIZE.cpu), parseInt(PROMETHEUS_SIZE.memory, 10), PROMETHEUS_SIZE.storageGiB]);
    // The Grafana claim is a volume of its own, raised to Hetzner's minimum.
    expect(fleet.volumes.find((v) => v.name === 'PersistentVolumeClaim/monitoring/grafana-data')).toEqual({ name: 'PersistentVolumeClaim/monitoring/grafana-data', sizeGiB: 10, requestedGiB: 2, count: 1, medium: 'block-volume' });
  });

  test('the DaemonSets (Alloy, the CSI node plugin) are reserved on every node and priced as their own line', () => {
    const alloy = stagePlatformLoad(plan, 'hcloud').perNode;
    expect(alloy.vcpu).toBeCloseTo(0.2, 6);
    expect(alloy.note).toMatch(/DaemonSet\/logging\/alloy 0\.1 vCPU \/ 256 MiB/);
    for (const pool of fleet.pools) {
      // Requests plus the reserve on every packed node stay within what the nodes may give pods.
      expect(pool.utilisation.vcpu).toBeLessThanOrEqual(1.001);
      expect(pool.utilisation.memory).toBeLessThanOrEqual(1.001);
      expect(pool.shares['platform/daemonsets']).toBeGreaterThan(0);
    }
    expect(bill.resources.find((r) => r.name === 'platform/daemonsets')!.costComponents.length).toBe(fleet.pools.length);
  });

  test('a node packed full of pods has no room for the DaemonSets: the packer takes another', () => {
    const server = { id: 'box', vcpu: 10, memoryGiB: 100, monthlyUsd: 1, description: '', priceSource: '' };
    // Two pods of 4.5 vCPU fill a node's 9 allocatable vCPU exactly.
    const groups = [{ workload: 'db', replicas: 2, vcpu: 4.5, memoryGiB: 1, spreadOverNodes: false }];
    const options = { zones: 1, spare: 0, allocatable: { vcpu: 0.9, memory: 0.85 } };
    expect(packOnto(groups, server, options)!.packedNodes).toBe(1);
    const reserved = packOnto(groups, server, { ...options, perNode: { name: 'ds', vcpu: 0.2, memoryGiB: 0.5 } })!;
    expect(reserved.packedNodes).toBe(2);
    expect(reserved.shares.get('ds')).toBeGreaterThan(0);
  });

  test('Hetzner volumes: a claim below the 10 GiB minimum is billed at the minimum', () => {
    const tiny = [...OBJECTS, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'tiny' }, spec: { resources: { requests: { storage: '2Gi' } } } }];
    const line = priceSelfHosted(tiny, { zones: 3, usage: usageFromPlan(plan) }).resources.find((r) => r.name === 'PersistentVolumeClaim/tiny')!.costComponents[0];
    expect([line.name, line.monthlyQuantity]).toEqual(['Block volumes (10 GiB)', HETZNER_VOLUME_LIMITS.minGiB]);
    expect(line.assumption).toMatch(/2 GiB requested: a volume is at least 10 GiB/);
  });
});
