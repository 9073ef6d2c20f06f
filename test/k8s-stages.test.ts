/**
 * The Kubernetes rendering of each stage carries the plan's sizes and counts (shared synth:
 * growing-product profile, two zones, SQS). Kafka at MSK scale is covered by
 * k8s-queue-pipeline.test.ts with the million-merchants profile.
 */
import * as path from 'path';
import { profileFile, selectedStages } from '../blueprints/cdk8s-app';
import { stageRuleGroups } from '../components';
import { deadLetterTopic, K8S_NAMES, shardClusterName } from '../blueprints/k8s/names';
import { POSTGRES_IMAGE } from '../blueprints/k8s/product-chart';
import { quantities } from '../constructs/k8s/pod-defaults';
import { computeLadder, shardSizings, type Plan } from '../core/plan';
import { STAGE_NAMES } from '../core/ladder';
import { k8sObjects, stagePlan } from './support/stages';

const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const all = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const envOf = (deployment: any): Record<string, string> =>
  Object.fromEntries(deployment.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
const alerts = (objects: any[]) => all(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
const alert = (objects: any[], name: string) => alerts(objects).find((r: any) => r.alert === name);

describe.each(STAGE_NAMES.filter((s) => s !== 'single-server'))('%s: web tier', (stage) => {
  const objects = k8sObjects(stage);
  const plan = stagePlan(stage);

  test('web pods request the plan pod shape; the autoscaler runs between the plan minimum and maximum', () => {
    const web = find(objects, 'Deployment', K8S_NAMES.web);
    const container = web.spec.template.spec.containers[0];
    expect(container.resources.requests).toEqual(quantities(plan.app.podShape));
    expect(container.resources.limits).toEqual(quantities(plan.app.podShape));
    expect(web.spec.replicas).toBeUndefined(); // the HPA owns the count
    const hpa = find(objects, 'HorizontalPodAutoscaler', K8S_NAMES.web);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([plan.app.minCount, plan.app.maxCount]);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(plan.app.targetCpuPercent);
  });

  test('web pods spread hard over zones and keep all but one pod through drains', () => {
    const spread = find(objects, 'Deployment', K8S_NAMES.web).spec.template.spec.topologySpreadConstraints;
    expect(spread).toContainEqual(expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 }));
    expect(find(objects, 'PodDisruptionBudget', K8S_NAMES.web).spec.maxUnavailable).toBe(1);
    expect(find(objects, 'Ingress', K8S_NAMES.web)).toBeDefined();
  });
});

describe.each(STAGE_NAMES.filter((s) => s !== 'single-server'))('%s: Postgres', (stage) => {
  const objects = k8sObjects(stage);
  const plan = stagePlan(stage);
  const db = plan.database!;
  const shapes = shardSizings(plan as Plan, computeLadder(plan.profile));

  test('one CloudNativePG cluster per shard, shard 0 under the first cluster name', () => {
    expect(all(objects, 'Cluster').map((c) => c.metadata.name)).toEqual(Array.from({ length: db.shards }, (_, i) => shardClusterName(i)));
    expect(shardClusterName(0)).toBe(K8S_NAMES.postgres);
  });

  test('instances = primary + standby + read replicas, sized by the plan, PostgreSQL 16 pinned', () => {
    all(objects, 'Cluster').forEach((cluster, i) => {
      expect(cluster.spec.instances).toBe(1 + (db.standby ? 1 : 0) + shapes[i].readReplicas);
      expect(cluster.spec.resources.requests).toEqual(quantities(shapes[i].podShape));
      expect(cluster.spec.resources.limits).toEqual(quantities(shapes[i].podShape));
      expect(cluster.spec.storage.size).toBe(`${shapes[i].storageGiB}Gi`);
      expect(cluster.spec.postgresql.parameters.max_connections).toBe(String(shapes[i].maxConnections));
      expect(cluster.spec.imageName).toBe(POSTGRES_IMAGE);
      expect(cluster.spec.imageName).toMatch(new RegExp(`:${db.engineVersion}\\.\\d+-`));
      expect(cluster.spec.postgresql.synchronous).toMatchObject({ method: 'any', number: 1 });
    });
  });

  test('the standby and replicas keep out of the primary zone: anti-affinity and a hard zone spread', () => {
    for (const cluster of all(objects, 'Cluster')) {
      expect(cluster.spec.affinity).toMatchObject({ enablePodAntiAffinity: true, topologyKey: 'topology.kubernetes.io/zone' });
      expect(cluster.spec.affinity.podAntiAffinityType).toBe(cluster.spec.instances <= plan.zones ? 'required' : 'preferred');
      expect(cluster.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
    }
  });

  test('WAL archiving through the barman-cloud plugin and a daily plugin backup per cluster', () => {
    for (const cluster of all(objects, 'Cluster')) {
      expect(cluster.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: K8S_NAMES.postgresObjectStore } }]);
      expect(cluster.spec.backup).toBeUndefined(); // the in-tree barmanObjectStore is deprecated
      const backup = find(objects, 'ScheduledBackup', `${cluster.metadata.name}-daily`);
      expect(backup.spec).toMatchObject({ cluster: { name: cluster.metadata.name }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } });
      expect(backup.spec.schedule.split(' ')).toHaveLength(6);
    }
  });

  test('the app connects to the primary service (through the pooler once there are replicas)', () => {
    const env = envOf(find(objects, 'Deployment', K8S_NAMES.web));
    if (db.readReplicas > 0) {
      expect(env.DATABASE_HOST).toBe('postgres-pooler-rw');
      expect(env.DATABASE_READ_HOST).toBe('postgres-pooler-ro');
      for (const type of ['rw', 'ro']) {
        const pooler = find(objects, 'Pooler', `postgres-pooler-${type}`);
        expect(pooler.spec).toMatchObject({ cluster: { name: 'postgres' }, type, pgbouncer: { poolMode: 'transaction' } });
        expect(pooler.spec.instances).toBeGreaterThanOrEqual(plan.zones);
      }
    } else {
      expect(env.DATABASE_HOST).toBe('postgres-rw');
      expect(all(objects, 'Pooler')).toEqual([]);
    }
    expect(env.DATABASE_DIRECT_HOST).toBe('postgres-rw');
  });
});

describe('split-tier', () => {
  test('Postgres has exactly a primary and a synchronous standby', () => {
    expect(find(k8sObjects('split-tier'), 'Cluster', 'postgres').spec.instances).toBe(2);
  });
});

describe.each(['read-replicas', 'sharded', 'queue-pipeline'] as const)('%s: cache', (stage) => {
  const objects = k8sObjects(stage);
  const plan = stagePlan(stage);

  test('Redis replication sized by the plan, with a Sentinel quorum watching it', () => {
    const replication = find(objects, 'RedisReplication', K8S_NAMES.cache);
    expect(replication.spec.clusterSize).toBe(plan.cache!.nodes);
    expect(replication.spec.kubernetesConfig.resources.requests).toEqual(quantities(plan.cache!.podShape));
    expect(replication.spec.kubernetesConfig.redisSecret).toEqual({ name: K8S_NAMES.cacheSecret, key: 'password' });
    expect(replication.spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toMatch(/^\d+Gi$/);
    const sentinel = find(objects, 'RedisSentinel', K8S_NAMES.cache);
    expect(sentinel.spec.clusterSize % 2).toBe(1);
    expect(sentinel.spec.clusterSize).toBeGreaterThanOrEqual(3);
    expect(sentinel.spec.redisSentinelConfig).toMatchObject({ redisReplicationName: K8S_NAMES.cache, quorum: String(Math.floor(sentinel.spec.clusterSize / 2) + 1) });
    const env = envOf(find(objects, 'Deployment', K8S_NAMES.web));
    expect(env.CACHE_SENTINEL_ADDRESSES).toBe('cache-sentinel:26379');
    expect(env.CACHE_HOST).toBe('cache-master');
  });
});

describe('sharded', () => {
  const objects = k8sObjects('sharded');
  const plan = stagePlan('sharded');

  test('the shard map lists every shard with its pooled writer and reader', () => {
    const map = JSON.parse(find(objects, 'ConfigMap', K8S_NAMES.shardMap).data['shard-map.json']);
    expect(map).toMatchObject({ version: 1, engine: 'postgres', port: 5432, shardKey: plan.database!.shardKey, activeShards: plan.database!.shards });
    expect(map.shards).toHaveLength(plan.database!.shards);
    map.shards.forEach((shard: any, id: number) => {
      expect(shard).toEqual({
        id,
        writer: `${shardClusterName(id)}-pooler-rw.${plan.product}.svc`,
        reader: `${shardClusterName(id)}-pooler-ro.${plan.product}.svc`,
        direct: `${shardClusterName(id)}-rw.${plan.product}.svc`,
        state: 'active',
      });
    });
    const web = find(objects, 'Deployment', K8S_NAMES.web).spec.template.spec;
    expect(web.volumes).toContainEqual(expect.objectContaining({ configMap: expect.objectContaining({ name: K8S_NAMES.shardMap }) }));
    expect(envOf(find(objects, 'Deployment', K8S_NAMES.web)).DATABASE_SHARD_COUNT).toBe(String(plan.database!.shards));
  });

  test('later shards reuse shard 0 credentials, so one user and password serve the whole map', () => {
    const clusters = all(objects, 'Cluster');
    expect(clusters[0].spec.bootstrap.initdb.secret).toBeUndefined();
    for (const c of clusters.slice(1)) expect(c.spec.bootstrap.initdb.secret).toEqual({ name: K8S_NAMES.postgresAppSecret });
  });

  test('shard 0 keeps its volume size from the earlier stages; while backfilling it also keeps its instance size', () => {
    const earlier = stagePlan('read-replicas').database!;
    expect(find(objects, 'Cluster', 'postgres').spec.storage.size).toBe(`${Math.max(earlier.storageGiB, plan.database!.storageGiB)}Gi`);
    const backfilling = shardSizings(plan as Plan, computeLadder(plan.profile), 1);
    expect(backfilling[0].podShape).toEqual(earlier.podShape);
    expect(backfilling[1].podShape).toEqual(plan.database!.podShape);
  });
});

describe('queue-pipeline (SQS profile: Kafka stands in for SQS)', () => {
  const objects = k8sObjects('queue-pipeline');
  const plan = stagePlan('queue-pipeline');
  const q = plan.queue!;
  const k = q.selfHostedKafka;

  test('the SQS profile still gets a self-hosted queue: Kafka sized by the plan stand-in', () => {
    expect(q.technology).toBe('sqs');
    expect(q.kafka).toBeUndefined();
    const brokers = find(objects, 'KafkaNodePool', 'broker');
    expect(brokers.spec.replicas).toBe(k.brokers);
    expect(brokers.spec.resources.requests).toEqual(quantities(k.brokerPodShape));
    expect(brokers.spec.storage.volumes[0].size).toBe(`${k.storageGiBPerBroker}Gi`);
  });

  test('a dead-letter topic stands in for the SQS dead-letter queue, and workers know the delivery limit', () => {
    expect(find(objects, 'KafkaTopic', deadLetterTopic(k.topic))).toBeDefined();
    const env = envOf(find(objects, 'Deployment', K8S_NAMES.worker));
    expect(env).toMatchObject({ JOBS_DEAD_LETTER_TOPIC: deadLetterTopic(k.topic), JOBS_MAX_DELIVERIES: String(q.maxReceiveCount) });
  });

  test('workers request the plan shape and scale on consumer lag between the plan bounds', () => {
    const worker = find(objects, 'Deployment', K8S_NAMES.worker);
    expect(worker.spec.replicas).toBeUndefined();
    expect(worker.spec.template.spec.containers[0].resources.limits).toEqual(quantities(q.workerPodShape));
    const scaler = find(objects, 'ScaledObject', K8S_NAMES.worker);
    expect(scaler.spec).toMatchObject({ scaleTargetRef: { name: K8S_NAMES.worker }, minReplicaCount: q.minWorkers, maxReplicaCount: q.maxWorkers });
    expect(scaler.spec.triggers[0]).toMatchObject({
      type: 'kafka',
      metadata: { topic: k.topic, consumerGroup: k.consumerGroup, lagThreshold: String(q.backlogPerWorker), tls: 'enable' },
      authenticationRef: { name: find(objects, 'TriggerAuthentication', `${K8S_NAMES.worker}-kafka`).metadata.name },
    });
    // KEDA never runs more consumers than partitions; the plan gives one partition per worker at full scale.
    expect(find(objects, 'KafkaTopic', k.topic).spec.partitions).toBeGreaterThanOrEqual(q.maxWorkers);
  });
});

describe.each(STAGE_NAMES)('%s: observability', (stage) => {
  const objects = k8sObjects(stage);
  const plan = stagePlan(stage);

  test('error-budget burn alerts at the plan multi-window thresholds, and a p99 latency alert', () => {
    for (const b of plan.observability.burnRates) {
      const rule = alert(objects, b.name === 'fast' ? 'ErrorBudgetFastBurn' : 'ErrorBudgetSlowBurn');
      const long = b.longWindowMinutes % 60 === 0 ? `${b.longWindowMinutes / 60}h` : `${b.longWindowMinutes}m`;
      const short = b.shortWindowMinutes % 60 === 0 ? `${b.shortWindowMinutes / 60}h` : `${b.shortWindowMinutes}m`;
      expect(rule.expr).toBe(`stagekit:ingress_error_ratio:rate${long} > ${b.errorRatioThreshold} and stagekit:ingress_error_ratio:rate${short} > ${b.errorRatioThreshold}`);
    }
    const records = all(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules)).map((r: any) => r.record).filter(Boolean);
    expect(records.sort()).toEqual(['stagekit:ingress_error_ratio:rate1h', 'stagekit:ingress_error_ratio:rate30m', 'stagekit:ingress_error_ratio:rate5m', 'stagekit:ingress_error_ratio:rate6h']);
    expect(alert(objects, 'LatencyP99High').expr).toMatch(new RegExp(`^histogram_quantile\\(0\\.99, .*\\) > ${plan.observability.p99LatencyMs / 1000}$`));
  });

  test('disk filling alerts from kubelet volume stats at the plan threshold', () => {
    expect(alert(objects, 'VolumeUsageHigh').expr).toMatch(new RegExp(`kubelet_volume_stats_used_bytes.* > ${plan.observability.diskUsedAlarmPercent}$`));
    expect(alert(objects, 'VolumeFillsWithin24h')).toBeDefined();
  });

  test('replica lag, consumer lag and queue delay alerts where the stage has them', () => {
    const lag = alert(objects, 'PostgresReplicaLagHigh');
    const consumer = alert(objects, 'JobsConsumerLagHigh');
    const delay = alert(objects, 'JobsDelayHigh');
    if (plan.database) expect(lag.expr).toMatch(new RegExp(`cnpg_pg_replication_lag.* > ${plan.database.replicaLagAlarmSeconds}$`));
    else expect(lag).toBeUndefined();
    if (plan.queue) {
      expect(consumer.expr).toMatch(new RegExp(`kafka_consumergroup_lag.* > ${plan.queue.selfHostedKafka.consumerLagAlarmMessages}$`));
      expect(delay.expr).toMatch(new RegExp(` > ${plan.queue.maxJobDelaySeconds}$`));
    } else {
      expect(consumer).toBeUndefined();
    }
  });

  test('every alert has a severity, a summary and a duration', () => {
    for (const rule of alerts(objects)) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      expect(rule.for).toMatch(/^\d+[mh]$/);
    }
    expect(stageRuleGroups(plan as Plan).length).toBe(all(objects, 'PrometheusRule')[0].spec.groups.length);
  });

  test('a ServiceMonitor or PodMonitor for every component that serves metrics', () => {
    const monitors = [...all(objects, 'ServiceMonitor'), ...all(objects, 'PodMonitor')].map((m) => m.metadata.name).sort();
    const expected: string[] = [K8S_NAMES.web];
    if (plan.database) expected.push('postgres');
    if (plan.database && plan.database.readReplicas > 0) expected.push('pgbouncer');
    if (plan.cache) expected.push(K8S_NAMES.cache);
    if (plan.queue) expected.push('kafka', 'kafka-entity-operator', 'kafka-exporter', K8S_NAMES.worker);
    expect(monitors).toEqual(expected.sort());
  });
});

describe('npx cdk8s synth entry point', () => {
  test('STAGEKIT_STAGE picks one stage or all; STAGEKIT_PROFILE a name or a file', () => {
    expect(selectedStages(undefined)).toEqual(['single-server']);
    expect(selectedStages('all')).toEqual([...STAGE_NAMES]);
    expect(selectedStages('sharded')).toEqual(['sharded']);
    expect(() => selectedStages('monolith')).toThrow(/stage/);
    expect(path.basename(profileFile('million-merchants'))).toBe('million-merchants.yaml');
    expect(path.basename(profileFile(undefined))).toBe('growing-product.yaml');
    expect(profileFile('./profiles/fresh-startup.yaml')).toBe(path.resolve('profiles/fresh-startup.yaml'));
  });
});
