import { APP_ENV } from '../../core/contract';
import { podMonitor } from '../../constructs/k8s/monitoring';
import { REDIS_PORT, ReplicatedCache, SENTINEL_PORT } from '../../constructs/k8s/replicated-cache';
import { REDIS_BUS_PORT, ShardedCache } from '../../constructs/k8s/sharded-cache';
import { K8sContext } from '../component';
import { Certificate } from '../../constructs/k8s/certificate';
import { K8S_NAMES } from '../names';

/** A Redis replication with Sentinel (OT redis-operator), or a Redis Cluster when the plan shards the cache; for every pod of the app (web and workers, as on AWS). */
export function cacheK8s(ctx: K8sContext): void {
  if (ctx.plan.cache!.shards) return shardedCacheK8s(ctx);
  const { plan, guard, environment: env } = ctx;
  const tls = plan.profile.tls;
  const ns = plan.product;
  const name = K8S_NAMES.cache;
  const certificate = tls?.redis && tls.issuer
    ? new Certificate(ctx.chart, 'cache-certificate', {
        name: `${name}-tls`,
        secretName: `${name}-tls`,
        // Every name a client or a peer reaches Redis and Sentinel by.
        dnsNames: [name, `${name}-master`, `${name}-sentinel`, `${name}-headless`, `*.${name}-headless.${ns}.svc`, `${name}.${ns}.svc`, `${name}-master.${ns}.svc`, `${name}-sentinel.${ns}.svc`],
        issuer: tls.issuer,
        labels: { 'app.kubernetes.io/part-of': plan.product },
      })
    : undefined;
  const cache = new ReplicatedCache(ctx.chart, 'cache', {
    tlsSecret: certificate?.secretName,
    product: plan.product,
    name: K8S_NAMES.cache,
    nodes: plan.cache!.nodes,
    shape: plan.cache!.podShape,
    zones: plan.zones,
    passwordSecret: { name: K8S_NAMES.cacheSecret, key: 'password' },
    storageClass: env.storageClass,
    storageGiB: plan.cache!.claimTemplateGiB,
  });
  Object.assign(ctx.connections.env, {
    [APP_ENV.cacheHost]: cache.masterService,
    // No separate read endpoint: reads go to the primary (as CACHE_READ_HOST promises when there is none).
    [APP_ENV.cacheReadHost]: cache.masterService,
    [APP_ENV.cachePort]: String(REDIS_PORT),
    [APP_ENV.cacheTls]: certificate ? 'true' : 'false',
    [APP_ENV.cacheAuth]: 'password',
    [APP_ENV.cacheSentinelAddresses]: `${cache.sentinelService}:${SENTINEL_PORT}`,
    [APP_ENV.cacheSentinelMaster]: cache.masterGroup,
  });
  ctx.connections.secretEnv[APP_ENV.cachePassword] = { secret: K8S_NAMES.cacheSecret, key: 'password' };
  for (const client of ctx.peers.clients) {
    guard.allow(client, cache.redisPeer, [REDIS_PORT]);
    guard.allow(client, cache.sentinelPeer, [SENTINEL_PORT]);
  }
  guard.allow(cache.redisPeer, cache.redisPeer, [REDIS_PORT]);
  guard.allow(cache.sentinelPeer, cache.redisPeer, [REDIS_PORT]);
  guard.allow(cache.sentinelPeer, cache.sentinelPeer, [SENTINEL_PORT]);
  guard.allowFromNamespace(env.redisOperatorNamespace, cache.redisPeer, [REDIS_PORT], 'redis-operator-to-cache');
  guard.allowFromNamespace(env.redisOperatorNamespace, cache.sentinelPeer, [SENTINEL_PORT], 'redis-operator-to-cache-sentinel');
  podMonitor(ctx.chart, { name: K8S_NAMES.cache, selector: cache.redisPeer.selector, port: 'redis-exporter' }, ctx.monitoring);
}

/** The cache as a Redis Cluster: the same cluster protocol the app speaks to ElastiCache in cluster mode. */
function shardedCacheK8s(ctx: K8sContext): void {
  const { plan, guard, environment: env } = ctx;
  const cache = new ShardedCache(ctx.chart, 'cache', {
    product: plan.product,
    name: K8S_NAMES.cache,
    shards: plan.cache!.shards!,
    nodesPerShard: plan.cache!.nodes,
    shape: plan.cache!.podShape,
    zones: plan.zones,
    passwordSecret: { name: K8S_NAMES.cacheSecret, key: 'password' },
    storageClass: env.storageClass,
  });
  Object.assign(ctx.connections.env, {
    [APP_ENV.cacheHost]: cache.seedService,
    [APP_ENV.cacheReadHost]: cache.seedService,
    [APP_ENV.cachePort]: String(REDIS_PORT),
    [APP_ENV.cacheTls]: 'false',
    [APP_ENV.cacheAuth]: 'password',
    [APP_ENV.cacheClusterMode]: 'true',
  });
  ctx.connections.secretEnv[APP_ENV.cachePassword] = { secret: K8S_NAMES.cacheSecret, key: 'password' };
  for (const client of ctx.peers.clients) guard.allow(client, cache.redisPeer, [REDIS_PORT]);
  // Nodes gossip and fail over on the bus port, and answer each other on the client port (replication).
  guard.allow(cache.redisPeer, cache.redisPeer, [REDIS_PORT, REDIS_BUS_PORT]);
  guard.allowFromNamespace(env.redisOperatorNamespace, cache.redisPeer, [REDIS_PORT], 'redis-operator-to-cache');
  podMonitor(ctx.chart, { name: K8S_NAMES.cache, selector: cache.redisPeer.selector, port: 'redis-exporter' }, ctx.monitoring);
}
