/**
 * Every object of every stage validates: built-in kinds against the Kubernetes 1.27 strict
 * schemas, custom resources against their vendored CRD's openAPIV3Schema (test/support/k8s-schema.ts).
 * A manifest that fails its schema fails the build.
 */
import { STAGE_NAMES } from '../core/ladder';
import { compiledSchemaTimings, expectValidManifests, validateManifests } from './support/k8s-schema';
import { k8sObjects } from './support/stages';

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
