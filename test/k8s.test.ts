/**
 * The Kubernetes rendering: each stage's sizes and counts, stable names, restricted pods, network policies, TLS, schema-valid manifests and the Kafka queue pipeline.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as path from 'path';
import { profileFile, selectedStages } from '../blueprints/cdk8s-app';
import { stageRuleGroups } from '../components';
import { DEFAULT_ENVIRONMENT, K8S_NAMES, deadLetterTopic, shardClusterName } from '../blueprints/k8s/names';
import { POSTGRES_IMAGE } from '../blueprints/k8s/product-chart';
import { quantities } from '../constructs/k8s/pod-defaults';
import { KafkaPlan, Plan, computeLadder, computePlan, shardSizings } from '../core/plan';
import { STAGE_NAMES } from '../core/ladder';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';
import { Endpoint, Labels, ModeledPod, NetworkPolicyModel, modeledPods, modeledServices, podsOfService, probeExemptions, restrictedViolations } from './support/policy-checks';
import { Profile, loadProfile, parseProfile } from '../core/profile';
import { UsageError } from '../core/errors';
import { stageRenderer } from '../blueprints/render';
import { compiledSchemaTimings, expectValidManifests, validateManifests } from './support/k8s-schema';
import { renderK8s } from '../blueprints/k8s/app';
import { CONTROLLER_COUNT } from '../constructs/k8s/kafka-cluster';
import { ROOT } from './support/paths';

/**
 * The Kubernetes rendering of each stage carries the plan's sizes and counts (shared synth:
 * growing-product profile, two zones, SQS). Kafka at MSK scale is covered by
 * k8s-queue-pipeline.test.ts with the million-merchants profile.
 */
describe('k8s-stages', () => {
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
});

/**
 * Climbing a stage applies the next manifest over the last one. Stateful objects must keep
 * their kind and name (a new name is a new, empty cluster), their claim template names (a new
 * template name is a new, empty volume) and never shrink (a claim cannot).
 */
describe('k8s-stable-names', () => {
  interface Stateful {
    /** `Kind/name`. */
    readonly key: string;
    /** Names of the claims (or claim templates) holding its data. */
    readonly claims: string[];
    /** Size of each claim, GiB. */
    readonly sizes: number[];
    /** Partitions, for topics (cannot decrease). */
    readonly partitions?: number;
  }

  const gib = (quantity: string) => {
    const m = /^(\d+)(Gi|Ti)$/.exec(quantity);
    if (!m) throw new Error(`unexpected storage quantity ${quantity}`);
    return Number(m[1]) * (m[2] === 'Ti' ? 1024 : 1);
  };

  /** The objects that hold data, with the claims the operators (or the StatefulSet controller) make for them. */
  function statefulObjects(objects: any[]): Map<string, Stateful> {
    const out = new Map<string, Stateful>();
    const add = (o: any, claims: string[], sizes: number[], partitions?: number) => out.set(`${o.kind}/${o.metadata.name}`, { key: `${o.kind}/${o.metadata.name}`, claims, sizes, partitions });
    const kafkaName = objects.find((o) => o.kind === 'Kafka')?.metadata.name;
    for (const o of objects) {
      switch (o.kind) {
        case 'StatefulSet':
          add(o, o.spec.volumeClaimTemplates.map((t: any) => `${t.metadata.name}-${o.metadata.name}-<n>`), o.spec.volumeClaimTemplates.map((t: any) => gib(t.spec.resources.requests.storage)));
          break;
        case 'Cluster': // CNPG: PVC <cluster>-<serial>
          add(o, [`${o.metadata.name}-<n>`], [gib(o.spec.storage.size)]);
          break;
        case 'RedisReplication': // the operator names the claim template after the StatefulSet, i.e. the CR
          add(o, [`${o.metadata.name}-${o.metadata.name}-<n>`], [gib(o.spec.storage.volumeClaimTemplate.spec.resources.requests.storage)]);
          break;
        case 'RedisSentinel':
        case 'Kafka':
          add(o, [], []);
          break;
        case 'KafkaNodePool': // Strimzi JBOD: data-<volume id>-<kafka>-<pool>-<node id>
          add(o, o.spec.storage.volumes.map((v: any) => `data-${v.id}-${kafkaName}-${o.metadata.name}-<n>`), o.spec.storage.volumes.map((v: any) => gib(v.size)));
          break;
        case 'KafkaTopic':
          add(o, [], [], o.spec.partitions);
          break;
      }
    }
    return out;
  }

  const pairs = STAGE_NAMES.slice(1, -1).map((stage, i) => [stage, STAGE_NAMES[i + 2]] as const);

  describe.each(pairs)('%s -> %s', (from, to) => {
    const before = statefulObjects(k8sObjects(from));
    const after = statefulObjects(k8sObjects(to));

    test('every stateful object stays, under the same kind and name, with the same claims', () => {
      expect(before.size).toBeGreaterThan(0);
      for (const [key, was] of before) {
        const now = after.get(key);
        expect(`${key}: ${now ? 'kept' : 'gone'}`).toBe(`${key}: kept`);
        expect(now!.claims).toEqual(was.claims);
      }
    });

    test('no volume shrinks and no topic loses partitions', () => {
      for (const [key, was] of before) {
        const now = after.get(key)!;
        was.sizes.forEach((size, i) => expect(`${key} ${was.claims[i]}: ${now.sizes[i] >= size ? 'ok' : `shrinks ${size} -> ${now.sizes[i]} GiB`}`).toBe(`${key} ${was.claims[i]}: ok`));
        if (was.partitions !== undefined) expect(now.partitions!).toBeGreaterThanOrEqual(was.partitions);
      }
    });
  });

  test('stateful names never depend on the stage', () => {
    const names = new Set(STAGE_NAMES.flatMap((s) => [...statefulObjects(k8sObjects(s)).keys()]));
    for (const key of names) for (const stage of STAGE_NAMES) expect(key).not.toContain(stage);
    expect([...names].filter((k) => k.startsWith('Cluster/')).sort()[0]).toBe(`Cluster/${K8S_NAMES.postgres}`);
  });

  describe('single-server -> split-tier: the one planned data move', () => {
    const single = statefulObjects(k8sObjects('single-server'));
    const split = k8sObjects('split-tier');

    test('the single server StatefulSets are left behind, not replaced under their names', () => {
      // Postgres moves from a StatefulSet to a CNPG cluster (docs/kubernetes.md: dump/import or
      // pg_basebackup); nothing in split-tier takes over the old claims' names, so they stay untouched.
      expect([...single.keys()].sort()).toEqual(['StatefulSet/postgres', 'StatefulSet/redis']);
      expect(split.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
      const splitClaims = [...statefulObjects(split).values()].flatMap((s) => s.claims);
      for (const s of single.values()) for (const claim of s.claims) expect(splitClaims).not.toContain(claim);
    });

    test("CNPG's objects for the cluster do not collide with the single server's while both run", () => {
      // CloudNativePG creates a ServiceAccount, Role, RoleBinding and PodDisruptionBudget named after the cluster.
      const cluster = split.find((o) => o.kind === 'Cluster').metadata.name;
      const taken = k8sObjects('single-server').filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'PodDisruptionBudget'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`);
      for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'PodDisruptionBudget']) expect(taken).not.toContain(`${kind}/${cluster}`);
    });
  });
});

/**
 * Every workload of every stage meets the Pod Security Standards "restricted" profile, with
 * requests, limits, probes and no API token unless an operator's agent needs one — for
 * Deployments and StatefulSets, and for the pods operators create from custom resources
 * (checked through the fields each CRD exposes; see constructs/k8s/policy-checks.ts).
 */
describe('k8s-restricted', () => {
  describe.each(STAGE_NAMES)('%s', (stage) => {
    const objects = k8sObjects(stage);

    test('the namespace enforces the restricted Pod Security Standard', () => {
      const ns = objects.find((o) => o.kind === 'Namespace');
      expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    });

    test('every pod meets the restricted profile, with requests, limits and probes', () => {
      expect(restrictedViolations(objects)).toEqual([]);
    });

    test('every workload and every custom resource that makes pods is checked', () => {
      const sources = new Set(modeledPods(objects).map((p) => p.source));
      const podMaking = objects.filter((o) => ['Deployment', 'StatefulSet', 'Cluster', 'Pooler', 'RedisReplication', 'RedisSentinel', 'KafkaNodePool', 'Kafka'].includes(o.kind));
      for (const o of podMaking) expect(sources).toContain(`${o.kind} ${o.metadata.name}`);
    });

    test('only operator agents get an API token; our own pods mount none', () => {
      for (const pod of modeledPods(objects)) {
        const operatorRun = /^(Cluster|Pooler|KafkaNodePool|Kafka) /.test(pod.source) && pod.what !== 'kafka exporter';
        expect(`${pod.source} (${pod.what}): ${pod.automountToken}`).toBe(`${pod.source} (${pod.what}): ${operatorRun ? 'operator' : false}`);
      }
    });

    test('the only containers without configurable probes are the Redis exporter sidecars', () => {
      for (const exemption of probeExemptions(objects)) expect(exemption).toMatch(/^RedisReplication \w+ \(redis pods\): redis-exporter$/);
    });
  });

  describe('the checker catches violations', () => {
    const objects = k8sObjects('queue-pipeline');
    const rules = (broken: any[]) => restrictedViolations(broken).map((v) => `${v.pod}${v.container ? ` ${v.container}` : ''}: ${v.rule}`);

    test('in a Deployment', () => {
      const web = structuredClone(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web'));
      const spec = web.spec.template.spec;
      spec.hostNetwork = true;
      spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
      spec.automountServiceAccountToken = true;
      delete spec.securityContext.seccompProfile;
      const c = spec.containers[0];
      c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } };
      delete c.securityContext.seccompProfile;
      delete c.resources.limits.memory;
      delete c.readinessProbe;
      expect(rules([web])).toEqual([
        'Deployment web (pods): hostNetwork must not be set',
        'Deployment web (pods): volume host is a hostPath',
        'Deployment web (pods): the service account token is mounted (automountServiceAccountToken must be false)',
        'Deployment web (pods) app: allowPrivilegeEscalation must be false',
        'Deployment web (pods) app: capabilities must drop ALL',
        'Deployment web (pods) app: capabilities may only add NET_BIND_SERVICE (adds NET_ADMIN)',
        'Deployment web (pods) app: seccompProfile must be RuntimeDefault or Localhost (container or pod)',
        'Deployment web (pods) app: limits.memory must be set',
        'Deployment web (pods) app: readinessProbe must be set',
      ]);
    });

    test('in custom resources', () => {
      const cluster = structuredClone(objects.find((o) => o.kind === 'Cluster'));
      delete cluster.spec.securityContext.capabilities;
      const pool = structuredClone(objects.find((o) => o.kind === 'KafkaNodePool' && o.metadata.name === 'broker'));
      delete pool.spec.resources;
      const kafka = structuredClone(objects.find((o) => o.kind === 'Kafka'));
      delete kafka.spec.kafkaExporter.template.container.securityContext.runAsNonRoot;
      delete kafka.spec.kafkaExporter.template.pod.securityContext.runAsNonRoot;
      delete kafka.spec.kafka.livenessProbe;
      const found = rules([cluster, kafka, pool]);
      expect(found).toContain('Cluster postgres (instances) postgres: capabilities must drop ALL');
      expect(found).toContain('KafkaNodePool broker (broker nodes) kafka: requests.cpu must be set');
      expect(found).toContain('KafkaNodePool broker (broker nodes) kafka: livenessProbe must be set');
      expect(found).toContain('Kafka kafka (kafka exporter) kafka-exporter: runAsNonRoot must be true (container or pod)');
    });
  });
});

/**
 * NetworkPolicies: default deny in and out, then one allow per real flow. Checked by
 * evaluating the policies (constructs/k8s/policy-checks.ts) against the pods the manifests
 * lead to, including the pods and Services operators create from the custom resources.
 */
describe('k8s-network-policies', () => {
  const env = DEFAULT_ENVIRONMENT;
  const OTHER_NAMESPACES = [env.ingressNamespace, env.monitoringNamespace, env.cnpgNamespace, env.strimziNamespace, env.redisOperatorNamespace, env.kedaNamespace];
  const API_SERVER = { ip: '10.96.0.1' };

  /** `host[:port]` targets the pods of `deployment` are configured to connect to, from their environment. */
  function connectionTargets(objects: any[], deployment: any): Array<{ variable: string; host: string; port: number }> {
    const env: Record<string, string> = Object.fromEntries(deployment.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const targets: Array<{ variable: string; host: string; port: number }> = [];
    for (const [variable, value] of Object.entries(env)) {
      if (!/_(HOST|ADDRESSES|SERVERS)$/.test(variable)) continue;
      const defaultPort = Number(env[variable.replace(/_((DIRECT|READ)_)?HOST$/, '_PORT')]);
      for (const entry of value.split(',')) {
        const [host, port] = entry.split(':');
        targets.push({ variable, host, port: port ? Number(port) : defaultPort });
      }
    }
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === K8S_NAMES.shardMap);
    if (map) {
      const doc = JSON.parse(map.data['shard-map.json']);
      for (const shard of doc.shards) for (const role of ['writer', 'reader', 'direct']) targets.push({ variable: `shard ${shard.id} ${role}`, host: shard[role], port: doc.port });
    }
    return targets;
  }

  describe.each(STAGE_NAMES)('%s', (stage) => {
    const objects = k8sObjects(stage);
    const ns = stagePlan(stage).product;
    const model = new NetworkPolicyModel(objects);
    const pods = modeledPods(objects);
    const services = modeledServices(objects);
    const at = (labels: Labels) => ({ namespace: ns, labels });
    const fromNamespace = (namespace: string): Endpoint => ({ namespace, labels: {} });
    const podsWhere = (match: (p: ModeledPod) => boolean) => {
      const found = pods.filter(match);
      expect(found.length).toBeGreaterThan(0);
      return found;
    };
    const bySource = (pattern: RegExp) => podsWhere((p) => pattern.test(`${p.source} (${p.what})`));
    const expectFlow = (from: Endpoint, to: ModeledPod[], ports: number[], allowed = true) => {
      for (const pod of to) for (const port of ports) expect(`${JSON.stringify(from)} -> ${pod.source} (${pod.what}):${port} ${model.canConnect(from, at(pod.labels), port) ? 'allowed' : 'denied'}`).toMatch(new RegExp(`${allowed ? 'allowed' : 'denied'}$`));
    };

    test('a default-deny policy isolates every pod in both directions', () => {
      const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      for (const pod of pods) {
        expect(model.isolated(at(pod.labels), 'Ingress')).toBe(true);
        expect(model.isolated(at(pod.labels), 'Egress')).toBe(true);
      }
    });

    test('every pod resolves names (DNS) and is scraped from the monitoring namespace', () => {
      const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
      for (const pod of pods) {
        expect(model.egressAllowedBy(at(pod.labels), dns, 53, 'UDP')).not.toEqual([]);
        expect(model.canConnect(fromNamespace(env.monitoringNamespace), at(pod.labels), 9187)).toBe(true);
      }
    });

    test("every Service's pods admit some client on the Service port (monitoring aside)", () => {
      const sources: Endpoint[] = [...pods.map((p) => at(p.labels)), ...OTHER_NAMESPACES.filter((n) => n !== env.monitoringNamespace).map(fromNamespace)];
      for (const service of services) {
        const behind = podsOfService(service, pods);
        expect(`${service.name}: ${behind.length} pod template(s)`).not.toMatch(/: 0 pod/);
        for (const pod of behind) {
          for (const port of service.ports) {
            const admitted = sources.some((s) => model.ingressAllowedBy(at(pod.labels), s, port).some((name) => name !== 'allow-monitoring-scrape'));
            expect(`${service.name} -> ${pod.source}:${port} ${admitted ? 'admits a client' : 'admits nobody'}`).toMatch(/admits a client$/);
          }
        }
      }
    });

    test('the app and the workers reach everything they are configured to connect to', () => {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment' && [K8S_NAMES.web, K8S_NAMES.worker].includes(o.metadata.name))) {
        const from = at(deployment.spec.template.metadata.labels);
        const targets = connectionTargets(objects, deployment);
        expect(targets.length).toBeGreaterThan(0);
        for (const target of targets) {
          const service = services.find((s) => s.name === target.host.split('.')[0]);
          expect(`${target.variable}=${target.host}: ${service ? 'a known Service' : 'an unknown host'}`).toMatch(/a known Service$/);
          expect(service!.ports).toContain(target.port);
          for (const pod of podsOfService(service!, pods)) {
            expect(`${deployment.metadata.name} -> ${target.host}:${target.port} (${pod.source}) ${model.canConnect(from, at(pod.labels), target.port) ? 'allowed' : 'denied'}`).toMatch(/allowed$/);
          }
        }
      }
    });

    test('the ingress controller reaches the web pods, and nothing else', () => {
      const web = bySource(/^Deployment web /);
      expectFlow(fromNamespace(env.ingressNamespace), web, [stagePlan(stage).app.port]);
      expectFlow(fromNamespace(env.ingressNamespace), pods.filter((p) => !web.includes(p)), [5432, 6379, 9093, 8080], false);
    });

    test('nothing but operator agents reaches the API server', () => {
      for (const pod of pods) {
        const operatorRun = pod.automountToken === 'operator';
        expect(`${pod.source} (${pod.what}) -> API server ${model.canConnect(at(pod.labels), API_SERVER, 443) ? 'allowed' : 'denied'}`).toMatch(new RegExp(`${operatorRun ? 'allowed' : 'denied'}$`));
      }
    });

    if (stage === 'single-server') return;

    test('Postgres: instances replicate among themselves; the CNPG operator reaches the instance manager; backups reach the object store', () => {
      const instances = bySource(/^Cluster .* \(instances\)$/);
      for (const a of instances) expectFlow(at(a.labels), instances, [5432, 8000]);
      expectFlow(fromNamespace(env.cnpgNamespace), instances, [8000]);
      expectFlow(fromNamespace(env.cnpgNamespace), instances, [5432], false);
      for (const a of instances) expect(model.canConnect(at(a.labels), { ip: '52.216.0.10' }, 443)).toBe(true);
      expectFlow(at(bySource(/^Deployment web /)[0].labels), instances, [8000], false);
    });

    if (stage === 'split-tier') return;

    test('PgBouncer reaches Postgres; Sentinel and the replicas reach Redis; the redis operator reaches both', () => {
      const instances = bySource(/^Cluster .* \(instances\)$/);
      for (const pooler of bySource(/^Pooler /)) expectFlow(at(pooler.labels), instances, [5432]);
      const redis = bySource(/^RedisReplication /);
      const sentinels = bySource(/^RedisSentinel /);
      expectFlow(at(redis[0].labels), redis, [6379]);
      expectFlow(at(sentinels[0].labels), redis, [6379]);
      expectFlow(at(sentinels[0].labels), sentinels, [26379]);
      expectFlow(fromNamespace(env.redisOperatorNamespace), redis, [6379]);
      expectFlow(fromNamespace(env.redisOperatorNamespace), sentinels, [26379]);
      expectFlow(at(redis[0].labels), instances, [5432], false);
    });

    if (stage !== 'queue-pipeline') return;

    test('Kafka: nodes talk on the control-plane and replication ports; operators, exporter and KEDA reach what they need', () => {
      const nodes = bySource(/^KafkaNodePool /);
      const brokers = bySource(/^KafkaNodePool broker /);
      const controllers = bySource(/^KafkaNodePool controller /);
      for (const a of nodes) expectFlow(at(a.labels), nodes, [9090, 9091]);
      expectFlow(fromNamespace(env.strimziNamespace), nodes, [9090, 9091, 8443]);
      expectFlow(at(bySource(/entity operator/)[0].labels), brokers, [9091]);
      expectFlow(at(bySource(/kafka exporter/)[0].labels), brokers, [9091]);
      expectFlow(fromNamespace(env.kedaNamespace), brokers, [9093]);
      expectFlow(at(bySource(/^Deployment worker /)[0].labels), brokers, [9093]);
      expectFlow(at(bySource(/^Deployment web /)[0].labels), controllers, [9090, 9093], false);
      expectFlow(at(bySource(/^Deployment web /)[0].labels), brokers, [9091], false);
    });

    test("Strimzi's own listener policy admits only the same clients", () => {
      const kafka = objects.find((o) => o.kind === 'Kafka');
      const peers = kafka.spec.kafka.listeners[0].networkPolicyPeers;
      expect(peers).toEqual([
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': K8S_NAMES.web } } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': K8S_NAMES.worker } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.kedaNamespace } } },
      ]);
    });
  });
});

/**
 * TLS where it was missing: the Kubernetes Ingress (a cert-manager Certificate or your Secret, from
 * the profile), in-cluster Redis, and deletion protection on the AWS load balancer. Plain HTTP only
 * when acknowledged.
 */
describe('tls', () => {
  const base = stagePlan('read-replicas').profile;
  const withTls = (tls: Record<string, unknown>): Profile => parseProfile({ ...JSON.parse(JSON.stringify(base)), tls }, 'p.yaml');

  test('the profile\u2019s tls section: a certificate needs a host, one source, and Redis TLS needs cert-manager', () => {
    expect(() => withTls({ issuer: 'letsencrypt' })).toThrow(/tls\.host: expected a host name/);
    expect(() => withTls({ host: 'shop.example.com', issuer: 'letsencrypt', secretName: 'shop-tls' })).toThrow(/tls\.secretName: expected either issuer/);
    expect(() => withTls({ host: 'shop.example.com', secretName: 'shop-tls', redis: true })).toThrow(/tls\.redis: expected issuer as well/);
    for (const hostile of ['$(reboot)', 'Le-Issuer', 'a b', 'x\ny', 'a'.repeat(64)]) {
      expect(() => withTls({ host: 'shop.example.com', issuer: hostile })).toThrow(UsageError);
      expect(() => withTls({ host: 'shop.example.com', secretName: hostile })).toThrow(/tls\.secretName: expected a Kubernetes name/);
    }
  });

  describe('Kubernetes with tls from cert-manager (Ingress and Redis)', () => {
    const warnings: string[] = [];
    let objects: any[];
    beforeAll(() => {
      const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
      objects = stageRenderer().k8s(computePlan(withTls({ host: 'shop.example.com', issuer: 'letsencrypt', redis: true }), 'read-replicas')).objects as any[];
      spy.mockRestore();
    });
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

    test('the Ingress serves the host over TLS from the Secret cert-manager issues, and redirects HTTP', () => {
      const ingress = find('Ingress', 'web');
      expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'web-tls' }]);
      expect(ingress.spec.rules[0].host).toBe('shop.example.com');
      expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
      expect(find('Certificate', 'web-tls').spec).toMatchObject({ secretName: 'web-tls', dnsNames: ['shop.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } });
      expect(warnings.filter((w) => /plain HTTP/.test(w))).toEqual([]);
    });

    test('Redis and Sentinel use TLS from a certificate for every name clients use; the app is told', () => {
      const cert = find('Certificate', 'cache-tls');
      expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(['cache-master', 'cache-sentinel', `cache-master.${base.name}.svc`]));
      // The redis-operator's CRDs spell the field TLS.
      for (const kind of ['RedisReplication', 'RedisSentinel']) {
        const o = objects.find((x) => x.kind === kind);
        expect(o.spec.TLS).toEqual({ ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key', secret: { secretName: 'cache-tls' } });
      }
      const env = find('Deployment', 'web').spec.template.spec.containers[0].env;
      expect(env.find((e: any) => e.name === 'CACHE_TLS').value).toBe('true');
      // Certificates come before what mounts their Secrets (same apply phase, manifest order).
      expect(objects.indexOf(cert)).toBeLessThan(objects.indexOf(objects.find((x) => x.kind === 'RedisReplication')));
    });
  });

  test('your own Secret, or plain HTTP acknowledged: no warning; not acknowledged: a warning naming the fix', () => {
    const render = (tls: Record<string, unknown>) => {
      const warnings: string[] = [];
      const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
      try {
        return { objects: stageRenderer().k8s(computePlan(withTls(tls), 'single-server')).objects as any[], warnings };
      } finally {
        spy.mockRestore();
      }
    };
    const own = render({ host: 'shop.example.com', secretName: 'shop-tls' });
    expect(own.objects.find((o) => o.kind === 'Ingress').spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    expect(own.objects.some((o) => o.kind === 'Certificate')).toBe(false);
    const acknowledged = render({ allowHttp: true });
    expect(acknowledged.objects.find((o) => o.kind === 'Ingress').metadata.annotations['stagekit.dev/plain-http']).toBe('acknowledged');
    expect(acknowledged.warnings).toEqual([]);
    expect(render({}).warnings.join('\n')).toMatch(/serves plain HTTP .*tls\.allowHttp: true/);
  });

  test('AWS: the load balancer has deletion protection', () => {
    const [lb] = Object.values<any>(awsTemplate('split-tier').Resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'deletion_protection.enabled', Value: 'true' }]));
  });
});

/**
 * Every object of every stage validates: built-in kinds against the Kubernetes 1.27 strict
 * schemas, custom resources against their vendored CRD's openAPIV3Schema (test/support/k8s-schema.ts).
 * A manifest that fails its schema fails the build.
 */
describe('k8s-manifests-valid', () => {
  describe.each(STAGE_NAMES)('%s on Kubernetes', (stage) => {
    test('every object validates against its schema', () => {
      const objects = k8sObjects(stage);
      expect(objects.length).toBeGreaterThan(0);
      expectValidManifests(objects);
    });

    test('every object is namespaced in the product namespace except the namespace itself', () => {
      const objects = k8sObjects(stage);
      const namespace = objects.find((o) => o.kind === 'Namespace');
      expect(objects[0]).toBe(namespace);
      for (const o of objects.slice(1)) expect(`${o.kind} ${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind} ${o.metadata.name} in ${namespace.metadata.name}`);
    });

    test('no two objects share a kind and a name', () => {
      const keys = k8sObjects(stage).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    });
  });

  test('the validator is not vacuous: a broken custom resource and a broken built-in fail', () => {
    const objects = k8sObjects('queue-pipeline');
    const cluster = structuredClone(objects.find((o) => o.kind === 'Cluster'));
    cluster.spec.instances = 'two';
    const kafka = structuredClone(objects.find((o) => o.kind === 'Kafka'));
    kafka.spec.kafka.replicas = 3; // moved to KafkaNodePool in kafka.strimzi.io/v1
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment'));
    deployment.spec.template.spec.containers[0].resource = {};
    const errors = validateManifests([cluster, kafka, deployment]).map((e) => `${e.object}: ${e.path}`);
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Cluster .*: spec\.instances$/), expect.stringMatching(/^Kafka .*: spec\.kafka\.replicas$/), expect.stringMatching(/^Deployment .*containers\[0\]\.resource$/)]),
    );
    expect(compiledSchemaTimings().length).toBeGreaterThan(0);
  });
});

/**
 * Kafka at the scale it was planned for: the million-merchants profile (Kafka, three zones,
 * 99.95%) rendered once for this file. Strimzi in KRaft mode on kafka.strimzi.io/v1 only, sized
 * from plan.queue.kafka, with KEDA scaling the workers on consumer lag.
 */
describe('k8s-queue-pipeline', () => {
  let plan: Plan;
  let kafkaPlan: KafkaPlan;
  let objects: any[];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  beforeAll(() => {
    plan = computePlan(loadProfile(path.join(ROOT, 'profiles', 'million-merchants.yaml')), 'queue-pipeline');
    kafkaPlan = plan.queue!.kafka!;
    objects = renderK8s(plan).objects;
  });

  test('the profile is the one this file is for: Kafka in three zones', () => {
    expect(plan.queue!.technology).toBe('kafka');
    expect(plan.zones).toBe(3);
    expect(plan.queue!.selfHostedKafka).toEqual(kafkaPlan);
  });

  test('every object validates against its schema, and Strimzi objects use kafka.strimzi.io/v1 only', () => {
    expectValidManifests(objects);
    const strimzi = objects.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/'));
    expect(strimzi.map((o) => o.kind).sort()).toEqual(['Kafka', 'KafkaNodePool', 'KafkaNodePool', 'KafkaTopic', 'KafkaTopic', 'KafkaUser', 'KafkaUser', 'KafkaUser']);
    for (const o of strimzi) expect(o.apiVersion).toBe('kafka.strimzi.io/v1');
  });

  test('KRaft with node pools: the annotations, dedicated controllers and the planned brokers', () => {
    const kafka = find('Kafka', K8S_NAMES.kafka);
    expect(kafka.metadata.annotations).toEqual({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
    expect(kafka.spec.zookeeper).toBeUndefined();
    const controllers = find('KafkaNodePool', 'controller');
    const brokers = find('KafkaNodePool', 'broker');
    for (const pool of [controllers, brokers]) expect(pool.metadata.labels).toEqual({ 'strimzi.io/cluster': K8S_NAMES.kafka });
    expect(controllers.spec).toMatchObject({ replicas: CONTROLLER_COUNT, roles: ['controller'] });
    expect(brokers.spec).toMatchObject({ replicas: kafkaPlan.brokers, roles: ['broker'] });
    expect(brokers.spec.replicas % plan.zones).toBe(0);
  });

  test('brokers request the plan broker shape and its storage; volumes are kept when a broker goes', () => {
    const brokers = find('KafkaNodePool', 'broker');
    expect(brokers.spec.resources.requests).toEqual(quantities(kafkaPlan.brokerPodShape));
    expect(brokers.spec.resources.limits).toEqual(quantities(kafkaPlan.brokerPodShape));
    expect(brokers.spec.storage).toEqual({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: `${kafkaPlan.storageGiBPerBroker}Gi`, deleteClaim: false }] });
    const heapMiB = parseInt(brokers.spec.jvmOptions['-Xmx'], 10);
    expect(heapMiB).toBeLessThan(kafkaPlan.brokerPodShape.memoryGiB * 1024 * 0.5);
  });

  test('replication, min.insync.replicas, rack awareness over zones and no auto-created topics', () => {
    const kafka = find('Kafka', K8S_NAMES.kafka).spec.kafka;
    expect(kafka.config).toMatchObject({
      'default.replication.factor': kafkaPlan.replicationFactor,
      'min.insync.replicas': kafkaPlan.minInSyncReplicas,
      'offsets.topic.replication.factor': kafkaPlan.replicationFactor,
      'auto.create.topics.enable': false,
    });
    expect(kafka.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
    expect(kafka.metricsConfig).toEqual({ type: 'strimziMetricsReporter' });
    expect(kafka.listeners).toEqual([expect.objectContaining({ port: 9093, tls: true, authentication: { type: 'tls' } })]);
    expect(kafka.authorization).toEqual({ type: 'simple' });
  });

  test('the job topic has the planned partitions, replicas, retention and min.insync.replicas; dead letters have their own topic', () => {
    const topic = find('KafkaTopic', kafkaPlan.topic);
    expect(topic.metadata.labels).toEqual({ 'strimzi.io/cluster': K8S_NAMES.kafka });
    expect(topic.spec).toEqual({
      partitions: kafkaPlan.partitions,
      replicas: kafkaPlan.replicationFactor,
      config: { 'retention.ms': plan.queue!.retentionHours * 3_600_000, 'min.insync.replicas': kafkaPlan.minInSyncReplicas, 'cleanup.policy': 'delete' },
    });
    expect(find('KafkaTopic', deadLetterTopic(kafkaPlan.topic)).spec.replicas).toBe(kafkaPlan.replicationFactor);
  });

  test('each client has its own certificate user with least-privilege ACLs', () => {
    const acls = (name: string) => find('KafkaUser', name).spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.operations.join('+')}`);
    expect(acls(K8S_NAMES.kafkaUsers.web)).toEqual([`topic:${kafkaPlan.topic}:Write+Describe`]);
    expect(acls(K8S_NAMES.kafkaUsers.worker)).toEqual([`topic:${kafkaPlan.topic}:Read+Describe`, `group:${kafkaPlan.consumerGroup}:Read+Describe`, `topic:${deadLetterTopic(kafkaPlan.topic)}:Write+Describe`]);
    expect(acls(K8S_NAMES.kafkaUsers.keda)).toEqual([`topic:${kafkaPlan.topic}:Describe`, `group:${kafkaPlan.consumerGroup}:Describe`]);
  });

  test('KEDA scales the workers on consumer lag, from the plan minimum to one worker per partition', () => {
    const scaler = find('ScaledObject', K8S_NAMES.worker).spec;
    expect(scaler).toMatchObject({ minReplicaCount: plan.queue!.minWorkers, maxReplicaCount: plan.queue!.maxWorkers });
    expect(scaler.triggers[0].metadata).toMatchObject({
      bootstrapServers: `kafka-kafka-bootstrap.${plan.product}.svc:9093`,
      topic: kafkaPlan.topic,
      consumerGroup: kafkaPlan.consumerGroup,
      lagThreshold: String(plan.queue!.backlogPerWorker),
    });
    expect(kafkaPlan.partitions).toBeGreaterThanOrEqual(plan.queue!.maxWorkers);
    expect(find('TriggerAuthentication', `${K8S_NAMES.worker}-kafka`).spec.secretTargetRef.map((r: any) => `${r.parameter}=${r.name}/${r.key}`)).toEqual([
      'ca=kafka-cluster-ca-cert/ca.crt',
      `cert=${K8S_NAMES.kafkaUsers.keda}/user.crt`,
      `key=${K8S_NAMES.kafkaUsers.keda}/user.key`,
    ]);
  });

  test('consumer-lag and queue-delay alerts at the plan thresholds', () => {
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
    expect(rules.find((r: any) => r.alert === 'JobsConsumerLagHigh').expr).toBe(
      `sum(kafka_consumergroup_lag{namespace="${plan.product}",consumergroup="${kafkaPlan.consumerGroup}",topic="${kafkaPlan.topic}"}) > ${kafkaPlan.consumerLagAlarmMessages}`,
    );
    expect(rules.find((r: any) => r.alert === 'JobsDelayHigh').expr).toMatch(new RegExp(`> ${plan.queue!.maxJobDelaySeconds}$`));
    expect(rules.find((r: any) => r.alert === 'KafkaPartitionsUnderMinIsr').expr).toMatch(new RegExp(`< ${kafkaPlan.minInSyncReplicas}$`));
  });

  test('every Kafka pod is restricted and reachable only where it must be', () => {
    expect(restrictedViolations(objects)).toEqual([]);
    const model = new NetworkPolicyModel(objects);
    const pods = modeledPods(objects);
    const web = pods.find((p) => p.source === 'Deployment web')!;
    const brokers = pods.find((p) => p.source === 'KafkaNodePool broker')!;
    const controllers = pods.find((p) => p.source === 'KafkaNodePool controller')!;
    const at = (labels: Record<string, string>) => ({ namespace: plan.product, labels });
    expect(model.canConnect(at(web.labels), at(brokers.labels), 9093)).toBe(true);
    expect(model.canConnect(at(web.labels), at(controllers.labels), 9093)).toBe(false);
    expect(model.canConnect(at(brokers.labels), at(controllers.labels), 9090)).toBe(true);
    expect(model.canConnect({ namespace: 'keda', labels: {} }, at(brokers.labels), 9093)).toBe(true);
  });

  test('brokers, controllers and Postgres shards spread over the three zones', () => {
    for (const name of ['broker', 'controller']) {
      expect(find('KafkaNodePool', name).spec.template.pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
    }
    const clusters = objects.filter((o) => o.kind === 'Cluster');
    expect(clusters).toHaveLength(plan.database!.shards);
    for (const c of clusters) expect(c.spec.affinity.podAntiAffinityType).toBe(c.spec.instances <= 3 ? 'required' : 'preferred');
  });
});
