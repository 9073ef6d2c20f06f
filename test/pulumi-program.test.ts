/**
 * The Pulumi program under pulumi.runtime.setMocks: what it registers for a stage (provider,
 * generated secret, one ConfigGroup per apply phase in dependency order), with no Pulumi CLI
 * and no cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { k8sObjects } from './support/stages';
import { objectsByPhase } from '../deploy/k8s/objects';

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
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'stagekit-k8s',
    'growing-shop',
    true,
  );
  // The generated secret's value, as the engine sets it in the stack configuration before running the program.
  pulumi.runtime.setAllConfig({ 'stagekit-k8s:postgresCredentials': 'not-a-real-password' }, ['stagekit-k8s:postgresCredentials']);
});

beforeEach(() => {
  registered = [];
});

/** Lets the mocked registrations (asynchronous) finish. */
async function settle(resources: pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}

async function declare(stage: 'single-server' | 'split-tier' | 'queue-pipeline') {
  const { declareK8sStage } = await import('../deploy/pulumi/program');
  const declared = declareK8sStage({ product: 'growing-shop', stage, objects: k8sObjects(stage) });
  await settle([declared.provider, ...declared.secrets, ...declared.groups.map((g) => g.group)]);
  return declared;
}

test('single-server: a provider, the generated postgres secret, and one ConfigGroup per phase in order', async () => {
  const declared = await declare('single-server');
  const phases = objectsByPhase(k8sObjects('single-server')).map((p) => p.phase);
  const groups = registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup');
  expect(groups.map((g) => g.name)).toEqual(phases.map((p) => `growing-shop-${p}`));
  // Every object of the stage is in exactly one group.
  expect(groups.reduce((n, g) => n + g.inputs.objs.length, 0)).toBe(k8sObjects('single-server').length);
  expect(registered.filter((r) => r.type === 'pulumi:providers:kubernetes').map((r) => r.name)).toEqual(['cluster']);
  const secret = registered.find((r) => r.type === 'kubernetes:core/v1:Secret');
  expect(secret?.name).toBe('growing-shop-postgres-credentials');
  expect(secret?.inputs.metadata).toMatchObject({ name: 'postgres-credentials', namespace: 'growing-shop' });
  expect(declared.secrets).toHaveLength(1);
  // The namespace group comes before the secret, the secret before the configuration.
  expect(registered.map((r) => r.name).indexOf('growing-shop-postgres-credentials')).toBeGreaterThan(registered.map((r) => r.name).indexOf('growing-shop-namespace'));
});

test('split-tier: no generated secret (the CloudNativePG cluster makes its own), and the cluster waits for Ready', async () => {
  await declare('split-tier');
  expect(registered.some((r) => r.type === 'kubernetes:core/v1:Secret')).toBe(false);
  const data = registered.find((r) => r.name === 'growing-shop-data');
  const cluster = data?.inputs.objs.find((o: any) => o.kind === 'Cluster');
  expect(cluster.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
  const counts = Object.fromEntries(registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup').map((g) => [g.name.replace('growing-shop-', ''), g.inputs.objs.length]));
  const expected = Object.fromEntries(objectsByPhase(k8sObjects('split-tier')).map((p) => [p.phase, p.objects.length]));
  expect(counts).toEqual(expected);
});

test('queue-pipeline: every object registered once; the cache password generated; nothing else', async () => {
  pulumi.runtime.setAllConfig({ 'stagekit-k8s:cacheAuth': 'not-a-real-password' }, ['stagekit-k8s:cacheAuth']);
  await declare('queue-pipeline');
  const total = registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup').reduce((n, g) => n + g.inputs.objs.length, 0);
  expect(total).toBe(k8sObjects('queue-pipeline').length);
  expect(registered.filter((r) => r.type === 'kubernetes:core/v1:Secret').map((r) => r.name)).toEqual(['growing-shop-cache-auth']);
  expect(new Set(registered.map((r) => r.type))).toEqual(new Set(['pulumi:providers:kubernetes', 'kubernetes:yaml/v2:ConfigGroup', 'kubernetes:core/v1:Secret']));
});
