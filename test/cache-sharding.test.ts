/**
 * A cache larger than one node: the plan shards it (ElastiCache cluster mode, Redis Cluster on
 * Kubernetes) instead of declaring that no stage fits; smaller caches stay one replication group as
 * before; moving between stages keeps the same cache; the capacity limit is the sharded one.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Template } from 'aws-cdk-lib/assertions';
import { advise } from '../core/advisor';
import { stageCapacity } from '../core/capacity';
import { computePlan, Plan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { CACHE_MAX_NODES_PER_CLUSTER, CACHE_NODES, cacheNodes, smallestFitting } from '../core/sizes';
import { CacheCluster } from '../constructs/aws/cache-cluster';
import { dataLossRisks, statefulRisks } from '../deploy/aws/upgrade-safety';
import { renderK8s } from '../blueprints/k8s/app';
import { operatorPods } from '../constructs/k8s/operator-pods';
import { ROOT } from './support/paths';
import { expectValidManifests } from './support/k8s-schema';
import { restrictedViolations } from './support/policy-checks';

const profile = (name: string) => loadProfile(path.join(ROOT, 'profiles', `${name}.yaml`));
const LARGEST = CACHE_NODES[CACHE_NODES.length - 1];

describe('cacheNodes', () => {
  test('a cache one node holds: that node, one shard (what the plan always chose)', () => {
    for (const need of [4, 10, 52, 105.81, 150, LARGEST.memoryGiB]) {
      expect(cacheNodes(need, 3)).toEqual({ size: smallestFitting(CACHE_NODES, { vcpu: 0, memoryGiB: need }).size, shards: 1, fits: true });
    }
  });

  test('a larger cache: at least 3 shards of one node type holding it all, within the nodes-per-cluster quota', () => {
    for (const [need, zones] of [[240, 3], [384.2, 3], [1000, 2], [5000, 3]] as const) {
      const { size, shards, fits } = cacheNodes(need, zones);
      expect(fits).toBe(true);
      expect(shards).toBeGreaterThanOrEqual(3);
      expect(shards * size.memoryGiB).toBeGreaterThanOrEqual(need);
      expect(shards * zones).toBeLessThanOrEqual(CACHE_MAX_NODES_PER_CLUSTER);
      // Not wasteful: one shard fewer would not hold it (or the 3-shard floor applies).
      expect(shards === 3 || (shards - 1) * size.memoryGiB < need).toBe(true);
    }
    // 384.2 GiB: 15 × r7g.xlarge (395 GiB) is the least memory, 4 × r7g.4xlarge (423 GiB) within 10 % with far fewer nodes.
    expect(cacheNodes(384.2, 3)).toMatchObject({ size: { name: 'cache.r7g.4xlarge' }, shards: 4 });
  });

  test('beyond the quota: the most shards allowed, marked as not fitting', () => {
    const r = cacheNodes(LARGEST.memoryGiB * 40, 3);
    expect(r).toMatchObject({ size: LARGEST, shards: 30, fits: false });
  });
});

describe('million-merchants', () => {
  const mm = profile('million-merchants');
  const cacheStages = ['read-replicas', 'sharded', 'queue-pipeline'] as const;
  const plans = Object.fromEntries(cacheStages.map((s) => [s, computePlan(mm, s)])) as Record<(typeof cacheStages)[number], Plan>;

  test('the plan shards the cache, the same way at every stage that has one', () => {
    const cache = plans.sharded.cache!;
    expect(cache.shards).toBeGreaterThanOrEqual(3);
    expect(cache.shards! * cache.node.memoryGiB).toBeGreaterThan(LARGEST.memoryGiB);
    for (const s of cacheStages) expect(plans[s].cache).toEqual(cache);
    expect(plans.sharded.reasoning.find((l) => l.startsWith('cache:'))).toMatch(/cluster mode/);
  });

  test('the cache-memory check passes and the advisor recommends a stage', () => {
    const check = stageCapacity(mm, 'sharded').checks.find((c) => c.id === 'cache-memory')!;
    // 30% of the 800 GiB hot set = 240 GiB; 30 shards (90 nodes / 3 zones) of 209.55 GiB = 6,286.5 GiB.
    expect([check.value, check.limit, check.exceeded]).toEqual([240, 6286.5, false]);
    const a = advise(mm, { start: '2027-01' });
    expect(a.fitsToday).toBe('sharded');
    expect(a.months.every((m) => m.stage !== undefined)).toBe(true);
  });

  test('Kubernetes: one RedisCluster (leaders and followers per shard), no Sentinel, the app told to speak cluster', () => {
    const objects = renderK8s(plans.sharded).objects as any[];
    const cluster = objects.filter((o) => o.kind === 'RedisCluster');
    expect(cluster).toHaveLength(1);
    const cache = plans.sharded.cache!;
    expect(cluster[0].spec).toMatchObject({ clusterSize: cache.shards, redisLeader: { replicas: cache.shards }, redisFollower: { replicas: cache.shards! * (cache.nodes - 1) } });
    expect(objects.some((o) => o.kind === 'RedisSentinel' || o.kind === 'RedisReplication')).toBe(false);
    const pods = operatorPods(objects).find((g) => g.owner.kind === 'RedisCluster')!;
    expect(pods.replicas).toBe(cache.shards! * cache.nodes);
    const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
    const env = Object.fromEntries(web.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ CACHE_CLUSTER_MODE: 'true', CACHE_HOST: 'cache-leader' });
    expect(env.CACHE_SENTINEL_ADDRESSES).toBeUndefined();
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => x.alert)));
    expect(rules).toEqual(expect.arrayContaining(['CacheShardWithoutPrimary', 'CacheClusterDown']));
  });

  test('Kubernetes: the RedisCluster is schema-valid and its pods meet the restricted profile', () => {
    const objects = renderK8s(plans.sharded).objects as any[];
    expectValidManifests(objects);
    expect(restrictedViolations(objects).filter((v) => /RedisCluster/.test(JSON.stringify(v)))).toEqual([]);
  });
});

describe('ElastiCache cluster mode', () => {
  const template = (props: { shards?: number; nodes?: number }) => {
    const stack = new Stack(new App(), 'Cache');
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new CacheCluster(stack, 'Cache', { vpc, namePrefix: 'shop', nodeType: 'cache.r7g.4xlarge', nodes: props.nodes ?? 3, shards: props.shards });
    return Template.fromStack(stack).toJSON();
  };
  const group = (t: any) => Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::ElastiCache::ReplicationGroup').Properties;

  test('sharded: cluster mode enabled with node groups, the configuration endpoint, cluster-enabled parameters', () => {
    const t = template({ shards: 4 });
    expect(group(t)).toMatchObject({ ClusterMode: 'enabled', NumNodeGroups: 4, ReplicasPerNodeGroup: 2, MultiAZEnabled: true, AutomaticFailoverEnabled: true, TransitEncryptionEnabled: true });
    expect(group(t).NumCacheClusters).toBeUndefined();
    expect(group(t).PreferredCacheClusterAZs).toBeUndefined();
    const params = Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::ElastiCache::ParameterGroup').Properties.Properties;
    expect(params['cluster-enabled']).toBe('yes');
  });

  test('every alarm references at most 10 metrics (CloudWatch\u2019s limit), and every node is watched', () => {
    const t = template({ shards: 4 });
    const alarms = Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = new Set<string>();
    for (const a of alarms) {
      const metrics = a.Properties.Metrics.filter((m: any) => m.MetricStat);
      expect(metrics.length).toBeLessThanOrEqual(10);
      for (const m of metrics) watched.add(m.MetricStat.Metric.Dimensions[0].Value);
    }
    expect(watched.size).toBe(12);
    expect([...watched]).toContain('shop-cache-0004-003');
  });

  test('one shard: exactly the replication group it always was', () => {
    const t = template({});
    expect(group(t)).toMatchObject({ NumCacheClusters: 3 });
    expect(group(t).ClusterMode).toBeUndefined();
    expect(Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(3);
  });

  test('the same sharded cache at two stages is no change; growing from one node into cluster mode is a replacement the safety check reports', () => {
    expect(statefulRisks(template({ shards: 4 }), template({ shards: 4 }))).toEqual([]);
    const risks = dataLossRisks(statefulRisks(template({}), template({ shards: 4 })));
    expect(risks.map((r) => r.resourceType)).toContain('AWS::ElastiCache::ReplicationGroup');
  });
});
