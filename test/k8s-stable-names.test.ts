/**
 * Climbing a stage applies the next manifest over the last one. Stateful objects must keep
 * their kind and name (a new name is a new, empty cluster), their claim template names (a new
 * template name is a new, empty volume) and never shrink (a claim cannot).
 */
import { K8S_NAMES } from '../blueprints/k8s/names';
import { STAGE_NAMES } from '../core/ladder';
import { k8sObjects } from './support/stages';

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
