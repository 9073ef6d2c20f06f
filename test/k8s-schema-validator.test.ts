/**
 * Proves the Kubernetes schema validator (test/support/k8s-schema.ts) accepts what the operators and
 * the API server accept and fails on what they reject, for built-in kinds and for custom resources
 * built from the generated CRD classes. Also checks the strict-schema derivation it relies on.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Cluster, ClusterSpecResourcesLimits } from '../constructs/k8s/imports/cluster-postgresql.cnpg.io';
import { Kafka, KafkaSpecKafkaListenersType, KafkaV1Beta2 } from '../constructs/k8s/imports/kafka-kafka.strimzi.io';
import { KubernetesDefinitions, formatStrictSchema, strictSchemaFileName } from '../scripts/k8s/derive-strict-schema';
import { SchemaError, expectValidManifests, formatSchemaErrors, validateManifests } from './support/k8s-schema';

/** The synthesized JSON of a single construct, as it would be written to the manifest. */
function manifestOf(build: (chart: Chart) => ApiObject): any {
  const chart = Testing.chart();
  const object = build(chart);
  return object.toJson();
}

function webDeployment(): any[] {
  const chart = Testing.chart();
  new kplus.Deployment(chart, 'web', {
    replicas: 2,
    containers: [{ image: 'ghcr.io/example/web:1.0.0', portNumber: 8080, resources: { memory: { request: Size.mebibytes(256) } } }],
  });
  return Testing.synth(chart);
}

function postgresCluster(spec: Record<string, unknown> = {}): any {
  return manifestOf(
    (chart) =>
      new Cluster(chart, 'pg', {
        metadata: { name: 'app-db', namespace: 'data' },
        spec: {
          instances: 2,
          storage: { size: '20Gi' },
          resources: { limits: { memory: ClusterSpecResourcesLimits.fromString('2Gi'), cpu: ClusterSpecResourcesLimits.fromNumber(1) } },
          ...spec,
        } as any,
      }),
  );
}

function kafkaCluster(): any {
  return manifestOf(
    (chart) =>
      new Kafka(chart, 'kafka', {
        metadata: { name: 'events', namespace: 'data' },
        spec: {
          kafka: {
            listeners: [{ name: 'plain', port: 9092, type: KafkaSpecKafkaListenersType.INTERNAL, tls: false }],
            // `config` preserves unknown fields: any broker setting is allowed.
            config: { 'offsets.topic.replication.factor': 3, 'min.insync.replicas': 2 },
            // Strimzi's env entries are a oneOf (value | valueFrom) over the item's own fields.
            template: { kafkaContainer: { env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx1g' }] } },
          },
        },
      }),
  );
}

/** Deep copy with one change, so each broken case starts from a valid object. */
function mutated<T>(object: T, change: (copy: any) => void): any {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}

function messagesAt(errors: SchemaError[], fieldPath: string): string[] {
  return errors.filter((e) => e.path === fieldPath).map((e) => e.message);
}

describe('valid objects pass', () => {
  test('a cdk8s-plus-27 Deployment', () => {
    const objects = webDeployment();
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
    expect(validateManifests(objects)).toEqual([]);
  });

  test('a CNPG Cluster built from the generated classes, quantities as string and number', () => {
    const cluster = postgresCluster();
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.resources.limits).toEqual({ memory: '2Gi', cpu: 1 });
    expect(validateManifests([cluster])).toEqual([]);
  });

  test('a Strimzi Kafka built from the generated classes is kafka.strimzi.io/v1 and valid', () => {
    const kafka = kafkaCluster();
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(validateManifests([kafka])).toEqual([]);
  });

  test('int-or-string fields accept integers and strings, and nothing else', () => {
    const [deployment] = webDeployment();
    for (const maxSurge of [1, '25%']) {
      const ok = mutated(deployment, (d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: 0 } }));
      expect(validateManifests([ok])).toEqual([]);
    }
    const bad = mutated(deployment, (d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } }));
    expect(messagesAt(validateManifests([bad]), 'spec.strategy.rollingUpdate.maxSurge')).toEqual(['must be string or integer']);

    const cluster = postgresCluster();
    const badQuantity = mutated(cluster, (c) => (c.spec.resources.limits.memory = { gi: 2 }));
    expect(messagesAt(validateManifests([badQuantity]), 'spec.resources.limits.memory')).toContain('must be integer or string');
  });

  test('x-kubernetes-int-or-string without anyOf (StackGres) accepts integers and strings', () => {
    const shardedCluster = (targetPort: unknown) => ({
      apiVersion: 'stackgres.io/v1alpha1',
      kind: 'SGShardedCluster',
      metadata: { name: 'citus', namespace: 'data' },
      spec: {
        type: 'citus',
        database: 'app',
        postgres: { version: '16' },
        coordinator: { instances: 2, pods: { persistentVolume: { size: '10Gi' } } },
        shards: { clusters: 2, instancesPerCluster: 2, pods: { persistentVolume: { size: '10Gi' } } },
        postgresServices: { coordinator: { customPorts: [{ name: 'metrics', port: 9187, targetPort }] } },
      },
    });
    expect(validateManifests([shardedCluster(9187), shardedCluster('metrics')])).toEqual([]);
    const errors = validateManifests([shardedCluster(false)]);
    expect(messagesAt(errors, 'spec.postgresServices.coordinator.customPorts[0].targetPort')).toEqual(['must be an integer or a string']);
  });
});

describe('broken objects are caught', () => {
  test('a misspelled field in a Deployment spec, with object, path and message', () => {
    const [deployment] = webDeployment();
    const broken = mutated(deployment, (d) => {
      d.metadata.namespace = 'web';
      d.spec.replica = 3;
      d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    });
    expect(validateManifests([broken])).toEqual([
      { index: 0, object: `Deployment web/${deployment.metadata.name}`, path: 'spec.replica', message: 'unknown field (not in the schema)' },
      { index: 0, object: `Deployment web/${deployment.metadata.name}`, path: 'spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field (not in the schema)' },
    ]);
  });

  test('a wrong type and an out-of-range int32 in a Deployment', () => {
    const [deployment] = webDeployment();
    const errors = validateManifests([
      mutated(deployment, (d) => (d.spec.replicas = '3')),
      mutated(deployment, (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = 2 ** 31)),
    ]);
    expect(errors.map((e) => [e.index, e.path, e.message])).toEqual([
      [0, 'spec.replicas', 'must be integer'],
      [1, 'spec.template.spec.containers[0].ports[0].containerPort', 'must match format "int32"'],
    ]);
  });

  test('a missing required field and a label map with a non-string value', () => {
    const [deployment] = webDeployment();
    const errors = validateManifests([
      mutated(deployment, (d) => delete d.spec.selector),
      mutated(deployment, (d) => (d.metadata.labels = { 'app.kubernetes.io/version': 2 })),
    ]);
    expect(errors.map((e) => [e.index, e.path, e.message])).toEqual([
      [0, 'spec', 'missing required field "selector"'],
      [1, 'metadata.labels["app.kubernetes.io/version"]', 'must be string'],
    ]);
  });

  test('a CNPG Cluster with instances: "two", an unknown spec field and a misspelled metadata field', () => {
    const cluster = postgresCluster();
    const errors = validateManifests([
      mutated(cluster, (c) => (c.spec.instances = 'two')),
      mutated(cluster, (c) => (c.spec.instance = 2)),
      mutated(cluster, (c) => (c.metadata.lables = { tier: 'db' })),
    ]);
    expect(errors).toEqual([
      { index: 0, object: 'Cluster data/app-db', path: 'spec.instances', message: 'must be integer' },
      { index: 1, object: 'Cluster data/app-db', path: 'spec.instance', message: 'unknown field (not in the schema)' },
      { index: 2, object: 'Cluster data/app-db', path: 'metadata.lables', message: 'unknown field (not in the schema)' },
    ]);
  });

  test('a CRD enum and a CRD x-kubernetes-list-type: map with a duplicate key', () => {
    const cluster = postgresCluster();
    const errors = validateManifests([
      mutated(cluster, (c) => (c.spec.primaryUpdateStrategy = 'eventually')),
      postgresCluster({ postgresql: { extensions: [{ name: 'pgvector', image: { reference: 'a' } }, { name: 'pgvector', image: { reference: 'b' } }] } }),
    ]);
    expect(errors.map((e) => [e.index, e.path, e.message])).toEqual([
      [0, 'spec.primaryUpdateStrategy', 'must be one of "unsupervised", "supervised"'],
      [1, 'spec.postgresql.extensions', 'duplicate key name="pgvector": entries [0] and [1] (x-kubernetes-list-type: map)'],
    ]);
  });

  test('a Strimzi oneOf broken by setting both alternatives', () => {
    const kafka = kafkaCluster();
    const broken = mutated(kafka, (k) => (k.spec.kafka.template.kafkaContainer.env[0].valueFrom = { secretKeyRef: { name: 's', key: 'k' } }));
    expect(messagesAt(validateManifests([broken]), 'spec.kafka.template.kafkaContainer.env[0]')).toEqual([
      'matches alternatives 0 and 1 of a oneOf; exactly one is allowed',
    ]);
  });

  test('a Kafka whose apiVersion is not served (v1beta1) or deprecated (v1beta2)', () => {
    const kafka = kafkaCluster();
    const errors = validateManifests([
      mutated(kafka, (k) => (k.apiVersion = 'kafka.strimzi.io/v1beta1')),
      manifestOf((chart) => new KafkaV1Beta2(chart, 'old', { metadata: { name: 'old' }, spec: kafka.spec })),
    ]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ index: 0, object: 'Kafka data/events', path: 'apiVersion' });
    expect(errors[0].message).toMatch(/has no served version v1beta1 \(served: v1, v1beta2 \(deprecated\)/);
    expect(errors[1]).toMatchObject({ index: 1, object: 'Kafka old', path: 'apiVersion' });
    expect(errors[1].message).toMatch(/kafka.strimzi.io\/v1beta2 Kafka is deprecated: .*use the v1 version/);
  });

  test('an unknown kind, a built-in kind at a version 1.27 does not serve, and objects missing identity', () => {
    const errors = validateManifests([
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaCluster', metadata: { name: 'x' }, spec: {} },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' }, spec: {} },
      { kind: 'ConfigMap', metadata: { name: 'no-version' } },
      { apiVersion: 'v1', kind: 'ConfigMap', data: {} },
      'not an object',
    ]);
    expect(errors.map((e) => [e.index, e.object, e.path])).toEqual([
      [0, 'KafkaCluster x', 'apiVersion'],
      [1, 'Widget w', 'apiVersion'],
      [2, 'Deployment old', 'apiVersion'],
      [3, 'ConfigMap no-version', 'apiVersion'],
      [4, 'ConfigMap (unnamed)', 'metadata'],
      [5, 'object #5', ''],
    ]);
    expect(errors[0].message).toMatch(/no schema for kafka.strimzi.io\/v1 KafkaCluster.*vendored CRDs in kafka.strimzi.io: Kafka, KafkaTopic, KafkaUser, KafkaNodePool/);
    expect(errors[1].message).toMatch(/neither a Kubernetes 1.27 built-in kind nor a vendored CRD/);
    expect(errors[2].message).toBe('Kubernetes 1.27 has no Deployment in apps/v1beta1; it serves Deployment as apps/v1');
  });
});

describe('jest helpers', () => {
  test('expectValidManifests passes silently and fails with every error listed', () => {
    const [deployment] = webDeployment();
    expect(() => expectValidManifests([deployment, postgresCluster()])).not.toThrow();
    const broken = [mutated(deployment, (d) => (d.spec.replicas = 'x')), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }];
    expect(() => expectValidManifests(broken)).toThrow(`2 schema error(s) in 2 Kubernetes object(s):\n${formatSchemaErrors(validateManifests(broken))}`);
    expect(formatSchemaErrors(validateManifests(broken)).split('\n')[0]).toBe(`Deployment ${deployment.metadata.name}: spec.replicas: must be integer`);
  });
});

describe('compiled validators cached on disk', () => {
  test('a second module instance loads them and reports the same errors', () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-k8s-schema-'));
    const previous = process.env.STAGEKIT_K8S_SCHEMA_CACHE;
    process.env.STAGEKIT_K8S_SCHEMA_CACHE = cacheDir;
    try {
      const [deployment] = webDeployment();
      const backup = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'nightly' }, spec: { cluster: { name: 'app-db' }, schedule: 7 } };
      const objects = [mutated(deployment, (d) => (d.spec.replicas = 'x')), backup];
      const runInFreshModule = () => {
        let outcome: { errors: SchemaError[]; steps: string[] } | undefined;
        jest.isolateModules(() => {
          const fresh = require('./support/k8s-schema') as typeof import('./support/k8s-schema');
          outcome = { errors: fresh.validateManifests(objects), steps: fresh.compiledSchemaTimings().map((t) => `${t.step} ${t.subject}`) };
        });
        return outcome!;
      };
      const first = runInFreshModule();
      const second = runInFreshModule();
      expect(first.steps).toEqual(expect.arrayContaining(['compile apps/v1 Deployment', 'compile postgresql.cnpg.io/v1 ScheduledBackup']));
      expect(second.steps).toEqual(['load definitions _definitions.json', 'load cached apps/v1 Deployment', 'load cached postgresql.cnpg.io/v1 ScheduledBackup']);
      expect(second.errors).toEqual(first.errors);
      expect(first.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['spec.replicas: must be integer', 'spec.schedule: must be string']);
    } finally {
      if (previous === undefined) delete process.env.STAGEKIT_K8S_SCHEMA_CACHE;
      else process.env.STAGEKIT_K8S_SCHEMA_CACHE = previous;
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('standalone-strict schema derivation', () => {
  const definitions = KubernetesDefinitions.load();

  test('inlines every ref, closes every object and pins apiVersion and kind, for kinds beyond the shipped 14', () => {
    const role = definitions.strictSchemaFor('rbac.authorization.k8s.io/v1', 'Role')!;
    const text = formatStrictSchema(role);
    expect(text).not.toContain('$ref');
    expect(role.properties.apiVersion.enum).toEqual(['rbac.authorization.k8s.io/v1']);
    expect(role.properties.kind.enum).toEqual(['Role']);
    expect(role.additionalProperties).toBe(false);
    expect(role.properties.rules.items.additionalProperties).toBe(false);
    expect(role.properties.metadata.additionalProperties).toBe(false);
    expect(strictSchemaFileName({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' })).toBe('role-rbac-v1.json');
  });

  test('keeps declared additionalProperties (maps) instead of closing them', () => {
    const configMap = definitions.strictSchemaFor('v1', 'ConfigMap')!;
    expect(configMap.properties.data.additionalProperties).toEqual({ type: 'string' });
    expect(configMap.properties.metadata.properties.labels.additionalProperties).toEqual({ type: 'string' });
  });

  test('knows nothing of kinds 1.27 does not serve', () => {
    expect(definitions.strictSchemaFor('apps/v1beta1', 'Deployment')).toBeUndefined();
    expect(definitions.strictSchemaFor('v1', 'Kafka')).toBeUndefined();
  });
});
