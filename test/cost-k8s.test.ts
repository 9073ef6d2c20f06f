/**
 * The Kubernetes side of the pricing engine: reading requests out of workloads and operators' custom
 * resources, bin-packing with N+1 and zone spread, and the self-hosted and EKS bills.
 */
import { loadCatalog } from '../cost/catalog';
import { cheapestPacking, packOnto, PodGroup, ServerType } from '../cost/k8s/binpack';
import { priceEks } from '../cost/k8s/eks';
import { inventory, parseQuantity } from '../cost/k8s/inventory';
import { DEFAULT_OPS, parseOpsHours } from '../cost/k8s/ops';
import { priceSelfHosted } from '../cost/k8s/self-hosted';
import { Bill, HOURS_PER_MONTH } from '../cost/model';
import { usageFromPlan } from '../cost/usage';
import { STAGE_NAMES } from '../core/ladder';
import { k8sObjects, stagePlan } from './support/stages';

const catalog = loadCatalog();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const container = (cpu: string, memory: string) => ({ name: 'c', image: 'app:1', resources: { requests: { cpu, memory } } });

/** A small product rendered the way the operators' resources look. */
const OBJECTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [container('1800m', '6963Mi')] } } } },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 4, maxReplicas: 12 } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' }, spec: { template: { spec: { containers: [container('1', '2Gi')] } } } },
  { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'worker' }, spec: { scaleTargetRef: { name: 'worker' }, minReplicaCount: 3, maxReplicaCount: 12 } },
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'db' },
    spec: { instances: 3, resources: { requests: { cpu: '4', memory: '16Gi' } }, storage: { size: '200Gi' }, walStorage: { size: '20Gi' } },
  },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'db-rw' }, spec: { cluster: { name: 'db' }, instances: 2, template: { spec: { containers: [{ name: 'pgbouncer', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] } } } },
  { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } }, spec: { kafka: { listeners: [] }, entityOperator: { topicOperator: {}, userOperator: {} } } },
  {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaNodePool',
    metadata: { name: 'broker', labels: { 'strimzi.io/cluster': 'events' } },
    spec: { replicas: 3, roles: ['broker'], resources: { requests: { cpu: '2', memory: '8Gi' } }, storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi' }] } },
  },
  {
    apiVersion: 'redis.redis.opstreelabs.in/v1beta2',
    kind: 'RedisReplication',
    metadata: { name: 'cache' },
    spec: { clusterSize: 2, kubernetesConfig: { image: 'redis', resources: { requests: { cpu: '1', memory: '4Gi' } } }, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '10Gi' } } } } } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'mystery' }, spec: {} },
];

describe('reading requests from the rendering', () => {
  test('Kubernetes quantities', () => {
    expect(parseQuantity('1500m')).toBe(1.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('8Gi')).toBe(8 * 2 ** 30);
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('lots')).toBeUndefined();
  });

  test('workloads, operators\' resources, autoscaling floors, volumes, systems and unknown kinds', () => {
    const inv = inventory(OBJECTS);
    const w = Object.fromEntries(inv.workloads.map((x) => [x.name, x]));
    expect(w['Deployment/web']).toMatchObject({ replicas: 4, vcpu: 1.8, role: 'app' }); // HPA minimum
    expect(w['Deployment/worker']).toMatchObject({ replicas: 3, vcpu: 1, memoryGiB: 2 }); // KEDA minimum
    expect(w['Cluster/db']).toMatchObject({ replicas: 3, vcpu: 4, memoryGiB: 16, storageGiB: 220, role: 'database', spreadOverNodes: true });
    expect(w['Pooler/db-rw']).toMatchObject({ replicas: 2, vcpu: 0.5, memoryGiB: 0.25 });
    expect(w['KafkaNodePool/broker']).toMatchObject({ replicas: 3, vcpu: 2, memoryGiB: 8, storageGiB: 100, role: 'kafka' });
    expect(w['Kafka/events/entity-operator'].note).toMatch(/no requests set/);
    expect(w['RedisReplication/cache']).toMatchObject({ replicas: 2, vcpu: 1, memoryGiB: 4, storageGiB: 10, role: 'cache' });
    expect(inv.systems.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(['kafka:Kafka/events', 'postgres:Cluster/db', 'redis:RedisReplication/cache']);
    expect(inv.loadBalancers.map((l) => l.name)).toEqual(['Ingress/web']);
    expect(inv.notPriced.map((n) => n.name)).toEqual(['Widget/mystery']);
    expect(inv.free.map((f) => f.name)).toEqual(expect.arrayContaining(['Namespace/shop', 'Service/web', 'ScaledObject/worker']));
    expect(inv.operators).toEqual(expect.arrayContaining(['CloudNativePG operator', 'Strimzi operator', 'Redis operator', 'KEDA', 'ingress controller']));
  });
});

describe('bin-packing', () => {
  const server = (id: string, vcpu: number, memoryGiB: number, monthlyUsd: number): ServerType => ({ id, vcpu, memoryGiB, monthlyUsd, description: 'test', priceSource: 'test' });
  const options = { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } };

  test('N+1: one spare node beyond what the pods need', () => {
    const groups: PodGroup[] = [{ workload: 'web', replicas: 4, vcpu: 1.8, memoryGiB: 6.8, spreadOverNodes: false }];
    const r = packOnto(groups, server('m', 2, 8, 100), options)!;
    expect(r.packedNodes).toBe(4);
    expect(r.nodes).toBe(5);
    expect(r.monthlyUsd).toBe(500);
  });

  test('zone spread: replicas go round-robin over the failure domains, each packed on its own', () => {
    const groups: PodGroup[] = [{ workload: 'web', replicas: 3, vcpu: 1, memoryGiB: 1, spreadOverNodes: false }];
    const one = packOnto(groups, server('big', 32, 128, 100), { ...options, zones: 1 })!;
    const three = packOnto(groups, server('big', 32, 128, 100), { ...options, zones: 3 })!;
    expect(one.nodesPerZone).toEqual([1]);
    expect(three.nodesPerZone).toEqual([1, 1, 1]); // a pod per domain, even though one server would hold all three
  });

  test('replicas of a data system never share a node', () => {
    const groups: PodGroup[] = [{ workload: 'db', replicas: 4, vcpu: 1, memoryGiB: 1, spreadOverNodes: true }];
    const r = packOnto(groups, server('big', 64, 256, 100), options)!;
    expect(r.nodesPerZone).toEqual([2, 2]);
  });

  test('no node is asked for more than it may give, and the cheapest candidate wins', () => {
    const groups: PodGroup[] = [
      { workload: 'a', replicas: 5, vcpu: 3, memoryGiB: 6, spreadOverNodes: false },
      { workload: 'b', replicas: 3, vcpu: 0.5, memoryGiB: 12, spreadOverNodes: true },
    ];
    const candidates = [server('s', 4, 16, 40), server('m', 8, 32, 70), server('l', 16, 64, 150)];
    const best = cheapestPacking(groups, candidates, options)!;
    for (const c of candidates) {
      const r = packOnto(groups, c, options);
      if (r) {
        expect(best.monthlyUsd).toBeLessThanOrEqual(r.monthlyUsd);
        expect(r.packedNodes).toBeGreaterThanOrEqual(Math.ceil(sum(groups.map((g) => g.vcpu * g.replicas)) / (c.vcpu * 0.9 * 1.001)));
      }
    }
    expect(sum([...best.shares.values()]) + best.unused).toBeCloseTo(best.packedNodes, 9);
  });

  test('a pod larger than every server cannot be packed', () => {
    expect(packOnto([{ workload: 'x', replicas: 1, vcpu: 100, memoryGiB: 1, spreadOverNodes: false }], server('s', 4, 16, 1), options)).toBeUndefined();
  });
});

/** A bill equals the sum of its resources, and each resource the sum of its components. */
function expectConsistent(b: Bill): void {
  expect(b.totalMonthlyCost).toBeCloseTo(sum(b.resources.map((r) => r.monthlyCost ?? 0)), 6);
  for (const r of b.resources) if (r.status !== 'not-priced') expect(r.monthlyCost).toBeCloseTo(sum(r.costComponents.map((c) => c.monthlyCost ?? 0)), 6);
}

describe('self-hosted bill', () => {
  const usage = usageFromPlan(stagePlan('queue-pipeline'));
  const hetzner = priceSelfHosted(OBJECTS, { zones: 2, usage });

  test('data systems on dedicated-vCPU servers, stateless pods on the cheapest, spread with N+1', () => {
    const data = hetzner.resources.find((r) => r.name === 'NodePool/data')!;
    expect(data.note).toMatch(/× ccx\d+ .*dedicated vCPU/);
    expect(data.note).toMatch(/over 2 failure domains/);
    expect(data.costComponents.find((c) => c.name.startsWith('N+1 spare node'))!.monthlyQuantity).toBe(1);
    expect(hetzner.resources.find((r) => r.name === 'NodePool/general')!.costComponents.some((c) => c.name.startsWith('N+1'))).toBe(true);
    const db = hetzner.resources.find((r) => r.name === 'Cluster/db')!;
    expect(db.costComponents.find((c) => c.name.startsWith('Compute'))!.name).toMatch(/ccx/);
    expect(db.costComponents.find((c) => c.name.startsWith('Block volumes'))!.monthlyQuantity).toBe(660);
  });

  test('three control-plane nodes, a load balancer, traffic, backups, and operations labour as its own line', () => {
    const cp = hetzner.resources.find((r) => r.name === 'ControlPlane')!;
    expect(cp.costComponents[0].monthlyQuantity).toBe(3);
    expect(hetzner.resources.find((r) => r.name === 'Ingress/web')!.monthlyCost).toBeGreaterThan(0);
    expect(hetzner.resources.find((r) => r.name === 'Traffic')!.costComponents[0].usageBased).toBe(true);
    expect(hetzner.resources.find((r) => r.name === 'Backups')!.costComponents.some((c) => c.usageBased)).toBe(true);
    const ops = hetzner.resources.find((r) => r.name === 'Operations')!;
    const h = DEFAULT_OPS.hours;
    // Per cluster, per server, per stateful system and an on-call rotation (the labour model).
    const servers = hetzner.resources.filter((r) => r.name.startsWith('NodePool/')).reduce((n, r) => n + Number(/^(\d+) ×/.exec(r.note!)![1]), 0) + 3;
    expect(ops.monthlyCost).toBeCloseTo((h.cluster + servers * h['node-cloud'] + h.postgres + h.kafka + h.redis + h['on-call']) * DEFAULT_OPS.rateUsd, 6);
    expect(ops.note).toMatch(/FTE/);
    expect(hetzner.resources.find((r) => r.name === 'Widget/mystery')!.status).toBe('not-priced');
  });

  test('EUR prices follow the exchange rate: the catalog\'s by default, or the one given', () => {
    const rate = catalog.exchangeRate().eurUsd;
    const cheaper = priceSelfHosted(OBJECTS, { zones: 2, usage, eurUsd: rate / 2, ops: { ...DEFAULT_OPS, rateUsd: 0 } });
    const base = priceSelfHosted(OBJECTS, { zones: 2, usage, ops: { ...DEFAULT_OPS, rateUsd: 0 } });
    expect(cheaper.totalMonthlyCost).toBeCloseTo(base.totalMonthlyCost / 2, 6);
    expect(base.assumptions[0]).toContain(String(rate));
  });

  test('a single failure domain is one node with the control plane on it and no spare', () => {
    const single = priceSelfHosted(OBJECTS.filter((o) => !['Cluster', 'KafkaNodePool', 'RedisReplication'].includes(o.kind)), { zones: 1, usage });
    const pool = single.resources.find((r) => r.name.startsWith('NodePool/'))!;
    expect(pool.costComponents.some((c) => c.name.startsWith('N+1'))).toBe(false);
    expect(single.resources.find((r) => r.name === 'ControlPlane')!.status).toBe('free');
  });

  test('OVH and Scaleway price lists too; OVH sizes its load balancer by bandwidth', () => {
    const ovh = priceSelfHosted(OBJECTS, { zones: 2, usage, provider: 'ovh' });
    const scaleway = priceSelfHosted(OBJECTS, { zones: 2, usage, provider: 'scaleway' });
    expect(ovh.label).toMatch(/OVH/);
    expect(scaleway.label).toMatch(/Scaleway/);
    expect(ovh.resources.find((r) => r.name === 'Ingress/web')!.costComponents[0].assumption).toMatch(/Mbps/);
    expectConsistent(ovh);
    expectConsistent(scaleway);
  });

  test('--ops-hours parsing', () => {
    expect(parseOpsHours('postgres=4,kafka=10')).toMatchObject({ postgres: 4, kafka: 10, cluster: DEFAULT_OPS.hours.cluster });
    expect(() => parseOpsHours('mainframe=3')).toThrow(/--ops-hours/);
  });
});

describe('EKS bill', () => {
  const usage = usageFromPlan(stagePlan('queue-pipeline'));
  const eks = priceEks(OBJECTS, { region: 'us-east-1', zones: 2, usage });

  test('control plane, Graviton nodes, gp3 volumes, NAT, load balancer, egress and cross-AZ replication', () => {
    expect(eks.resources.find((r) => r.name === 'EksControlPlane')!.monthlyCost).toBeCloseTo(catalog.eksClusterHourly('us-east-1').usd * HOURS_PER_MONTH, 6);
    expect(eks.resources.find((r) => r.name === 'NodePool/data')!.note).toMatch(/× (m7g|c7g|r7g)\./);
    expect(eks.resources.find((r) => r.name === 'Cluster/db')!.costComponents.find((c) => c.name.startsWith('EBS gp3'))!.price).toBe(catalog.ebs('us-east-1').gp3PerGbMonth.usd);
    expect(eks.resources.find((r) => r.name === 'NatGateways')!.monthlyCost).toBeGreaterThan(0);
    const cross = eks.resources.find((r) => r.name === 'CrossAzTraffic')!;
    expect(cross.costComponents.map((c) => c.name)).toEqual(expect.arrayContaining(['Postgres streaming replication (cross-AZ)', 'Kafka replication between brokers (cross-AZ)']));
    // The backups the self-hosted bill keeps in object storage, here in S3 Standard (us-east-1 first tier $0.023/GB-month).
    const backups = eks.resources.find((r) => r.name === 'Backups')!;
    expect(backups.status).toBe('priced');
    expect(backups.costComponents[0]).toMatchObject({ price: 0.023, usageBased: true });
    expect(backups.costComponents[0]!.assumption).toMatch(/weekly base backups/);
    expectConsistent(eks);
  });
});

describe('every stage\'s Kubernetes rendering', () => {
  test.each(STAGE_NAMES)('%s: self-hosted and EKS bills are the sum of their lines', (stage) => {
    const plan = stagePlan(stage);
    const usage = usageFromPlan(plan);
    for (const b of [priceSelfHosted(k8sObjects(stage), { zones: plan.zones, usage }), priceEks(k8sObjects(stage), { region: plan.region, zones: plan.zones, usage })]) {
      expectConsistent(b);
      expect(b.catalogDate).toMatch(/\d{4}-\d{2}/);
    }
  });
});
