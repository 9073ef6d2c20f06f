import { APP_ENV } from '../../core/contract';
import { podMonitor } from '../../constructs/k8s/monitoring';
import { REDIS_PORT, ReplicatedCache, SENTINEL_PORT } from '../../constructs/k8s/replicated-cache';
import { K8sContext } from '../component';
import { Certificate } from '../../constructs/k8s/certificate';
import { K8S_NAMES } from '../names';

/** A Redis replication with Sentinel (OT redis-operator); the web tier's only. */
export function cacheK8s(ctx: K8sContext): void {
  const { plan, guard, environment: env } = ctx;
  const web = ctx.peers.web;
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
  Object.assign(ctx.connections.webOnly.env, {
    [APP_ENV.cacheHost]: cache.masterService,
    // No separate read endpoint: reads go to the primary (as CACHE_READ_HOST promises when there is none).
    [APP_ENV.cacheReadHost]: cache.masterService,
    [APP_ENV.cachePort]: String(REDIS_PORT),
    [APP_ENV.cacheTls]: certificate ? 'true' : 'false',
    [APP_ENV.cacheAuth]: 'password',
    [APP_ENV.cacheSentinelAddresses]: `${cache.sentinelService}:${SENTINEL_PORT}`,
    [APP_ENV.cacheSentinelMaster]: cache.masterGroup,
  });
  ctx.connections.webOnly.secretEnv[APP_ENV.cachePassword] = { secret: K8S_NAMES.cacheSecret, key: 'password' };
  guard.allow(web, cache.redisPeer, [REDIS_PORT]);
  guard.allow(web, cache.sentinelPeer, [SENTINEL_PORT]);
  guard.allow(cache.redisPeer, cache.redisPeer, [REDIS_PORT]);
  guard.allow(cache.sentinelPeer, cache.redisPeer, [REDIS_PORT]);
  guard.allow(cache.sentinelPeer, cache.sentinelPeer, [SENTINEL_PORT]);
  guard.allowFromNamespace(env.redisOperatorNamespace, cache.redisPeer, [REDIS_PORT], 'redis-operator-to-cache');
  guard.allowFromNamespace(env.redisOperatorNamespace, cache.sentinelPeer, [SENTINEL_PORT], 'redis-operator-to-cache-sentinel');
  podMonitor(ctx.chart, { name: K8S_NAMES.cache, selector: cache.redisPeer.selector, port: 'redis-exporter' }, ctx.monitoring);
}
