// Asserts on the manifests main.js wrote: the operators' objects are there, all in the user's namespace.
const assert = require('assert');
const { Yaml } = require('cdk8s');

const objects = Yaml.load('dist/shop.k8s.yaml').filter(Boolean);
const kinds = objects.map((o) => `${o.apiVersion}/${o.kind}`);
for (const kind of ['postgresql.cnpg.io/v1/Cluster', 'postgresql.cnpg.io/v1/ScheduledBackup', 'apps/v1/Deployment', 'v1/Service', 'networking.k8s.io/v1/Ingress', 'keda.sh/v1alpha1/ScaledObject', 'keda.sh/v1alpha1/TriggerAuthentication']) {
  assert.ok(kinds.includes(kind), `no ${kind} in the chart (got ${[...new Set(kinds)].join(', ')})`);
}
for (const o of objects) assert.strictEqual(o.metadata.namespace, 'shop', `${o.kind} ${o.metadata.name} is not in the chart's namespace`);
const cluster = objects.find((o) => o.kind === 'Cluster');
assert.strictEqual(cluster.spec.instances, 3);
assert.strictEqual(cluster.spec.storage.storageClass, 'fast-ssd');
const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
const container = web.spec.template.spec.containers[0];
assert.strictEqual(container.image, 'ghcr.io/example/shop:1.4.2');
assert.strictEqual(container.securityContext.runAsNonRoot, true);
assert.ok(container.env.some((e) => e.name === 'DATABASE_HOST' && e.value === 'shop-db-rw'));
const scaler = objects.find((o) => o.kind === 'ScaledObject');
assert.strictEqual(scaler.spec.triggers[0].type, 'kafka');
console.log(`k8s-chart: ${objects.length} objects in namespace shop (${[...new Set(objects.map((o) => o.kind))].join(', ')})`);
