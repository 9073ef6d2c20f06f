import { k8s } from 'cdk8s-plus-27';
import { APP_DATABASE_NAME, APP_ENV, SHARD_MAP_DIRECTORY, SHARD_MAP_FILE_NAME, shardMapDocument, shardMapFromFile } from '../../core/contract';
import { shardSizings } from '../../core/plan';
import { podMonitor } from '../../constructs/k8s/monitoring';
import { Peer } from '../../constructs/k8s/network-policies';
import { componentLabels } from '../../constructs/k8s/pod-defaults';
import { CNPG_STATUS_PORT, PGBOUNCER_PORT, PostgresCluster, POSTGRES_PORT } from '../../constructs/k8s/postgres-cluster';
import { K8sContext } from '../component';
import { K8S_NAMES, shardClusterName } from '../names';

/** PostgreSQL 16 (the plan's engine version), CloudNativePG's standard image, pinned to a minor release. */
export const POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:16.12-standard-trixie';

/** One CloudNativePG cluster per shard (shard 0 is the cluster of the earlier stages), poolers once there are replicas, the shard map. */
export function databaseK8s(ctx: K8sContext): void {
  const { plan, guard, environment: env, monitoring } = ctx;
  const db = plan.database!;
  const product = plan.product;
  const postgresLabels = componentLabels(product, 'postgres');
  const poolerLabels = componentLabels(product, 'pgbouncer');
  const postgres: Peer = { name: 'postgres', selector: { 'app.kubernetes.io/name': 'postgres' } };
  const pgbouncer: Peer = { name: 'pgbouncer', selector: { 'app.kubernetes.io/name': 'pgbouncer' } };
  const pooled = db.readReplicas > 0;
  const shards = shardSizings(plan, ctx.ladder, ctx.activeShards).map((sizing, id) =>
    new PostgresCluster(ctx.chart, id === 0 ? 'postgres' : `postgres-shard-${id}`, {
      product,
      name: shardClusterName(id),
      instances: 1 + (db.standby ? 1 : 0) + sizing.readReplicas,
      shape: sizing.podShape,
      storageGiB: sizing.storageGiB,
      storageClass: env.storageClass,
      imageName: POSTGRES_IMAGE,
      zones: plan.zones,
      maxConnections: sizing.maxConnections,
      synchronousStandby: db.standby,
      podLabels: { ...postgresLabels, 'stagekit.dev/shard': String(id) },
      objectStoreName: K8S_NAMES.postgresObjectStore,
      poolers: pooled ? { instances: Math.max(2, plan.zones), podLabels: poolerLabels } : undefined,
      // Later shards get shard 0's application credentials: one user and password for the whole shard map.
      appSecret: id === 0 ? undefined : K8S_NAMES.postgresAppSecret,
      annotations: { 'stagekit.dev/shard': `${id} of ${db.shards}` },
    }),
  );
  const primary = shards[0];
  const connections = ctx.connections;
  Object.assign(connections.env, {
    [APP_ENV.databaseHost]: primary.rwPoolerService ?? primary.rwService,
    // A split-tier standby is for failover only (as RDS Multi-AZ): reads go to the primary until read replicas exist.
    [APP_ENV.databaseReadHost]: primary.roPoolerService ?? primary.rwService,
    [APP_ENV.databaseDirectHost]: primary.rwService,
    [APP_ENV.databasePort]: String(POSTGRES_PORT),
    [APP_ENV.databaseName]: APP_DATABASE_NAME,
    [APP_ENV.databaseAuth]: 'password',
    [APP_ENV.databaseSslMode]: 'require',
  });
  connections.secretEnv[APP_ENV.databaseUser] = { secret: K8S_NAMES.postgresAppSecret, key: 'username' };
  connections.secretEnv[APP_ENV.databasePassword] = { secret: K8S_NAMES.postgresAppSecret, key: 'password' };
  // Published from the first managed database on, as on AWS: the app reads one map whether there is one shard or many.
  publishShardMap(ctx, shards);
  connections.env[APP_ENV.databaseShardMap] = shardMapFromFile(`${SHARD_MAP_DIRECTORY}/${SHARD_MAP_FILE_NAME}`);
  connections.env[APP_ENV.databaseShardCount] = String(db.shards);
  connections.configMapFiles.push({ name: 'shard-map', configMap: K8S_NAMES.shardMap, mountPath: SHARD_MAP_DIRECTORY });
  for (const client of ctx.peers.clients) guard.allow(client, postgres, [POSTGRES_PORT]);
  guard.allow(postgres, postgres, [POSTGRES_PORT, CNPG_STATUS_PORT]);
  guard.allowFromNamespace(env.cnpgNamespace, postgres, [CNPG_STATUS_PORT], 'cnpg-operator-to-postgres');
  guard.allowEgressToApiServer(postgres, env.apiServerCidr);
  guard.allowEgressToAddresses(postgres, [env.objectStore?.port ?? 443], 'postgres-to-object-store', env.objectStore?.cidr);
  podMonitor(ctx.chart, { name: 'postgres', selector: { ...postgres.selector, 'cnpg.io/podRole': 'instance' }, port: 'metrics', podLabels: { cluster: 'cnpg.io/cluster' } }, monitoring);
  if (pooled) {
    for (const client of ctx.peers.clients) guard.allow(client, pgbouncer, [PGBOUNCER_PORT]);
    guard.allow(pgbouncer, postgres, [POSTGRES_PORT]);
    guard.allowEgressToApiServer(pgbouncer, env.apiServerCidr);
    podMonitor(ctx.chart, { name: 'pgbouncer', selector: pgbouncer.selector, port: 'metrics', podLabels: { cluster: 'cnpg.io/cluster', pooler: 'cnpg.io/poolerName' } }, monitoring);
  }
}

/** The shard map ConfigMap, in the contract's one document format (the AWS SSM parameter carries the same). */
function publishShardMap(ctx: K8sContext, shards: PostgresCluster[]): void {
  const plan = ctx.plan;
  const host = (service: string) => `${service}.${plan.product}.svc`;
  const document = shardMapDocument({
    database: APP_DATABASE_NAME,
    port: POSTGRES_PORT,
    shardKey: plan.database!.shardKey,
    activeShards: ctx.activeShards,
    shards: shards.map((shard) => ({
      writer: host(shard.rwPoolerService ?? shard.rwService),
      reader: host(shard.roPoolerService ?? shard.roService),
      direct: host(shard.rwService),
    })),
  });
  new k8s.KubeConfigMap(ctx.chart, 'shard-map', {
    metadata: { name: K8S_NAMES.shardMap, labels: componentLabels(plan.product, 'shard-map') },
    data: { [SHARD_MAP_FILE_NAME]: `${JSON.stringify(document, null, 2)}\n` },
  });
}
