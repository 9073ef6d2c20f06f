import { APP_ENV } from '../../core/contract';
import { CacheCluster } from '../../constructs/aws/cache-cluster';
import { AwsContext } from '../component';

/** A Valkey replication group (Multi-AZ failover, TLS, IAM auth) behind stable names; sharded (cluster mode) when one node cannot hold the cache. */
export function cacheAws(ctx: AwsContext): void {
  const { plan } = ctx;
  const cache = (ctx.parts.cache = new CacheCluster(ctx.stack, 'Cache', {
    vpc: ctx.network.vpc,
    alarms: ctx.alarms,
    namePrefix: plan.product,
    nodeType: plan.cache!.node.name,
    nodes: plan.cache!.nodes,
    shards: plan.cache!.shards,
    zone: ctx.parts.zone,
    cpuAlarmPercent: plan.observability.cpuAlarmPercent,
    logRetention: ctx.logRetention,
  }));
  Object.assign(ctx.connections.env, {
    [APP_ENV.cacheHost]: cache.primaryHostname,
    [APP_ENV.cacheReadHost]: cache.readerHostname,
    [APP_ENV.cachePort]: String(cache.port),
    [APP_ENV.cacheTls]: 'true',
    [APP_ENV.cacheAuth]: 'iam',
    [APP_ENV.cacheUser]: cache.appUserId,
    [APP_ENV.cacheReplicationGroupId]: cache.replicationGroupId,
    ...(cache.clusterMode ? { [APP_ENV.cacheClusterMode]: 'true' } : {}),
  });
  ctx.connections.reach.push((client) => {
    cache.allowFrom(client.peer, `Valkey from the ${client.description}`);
    cache.grantConnect(client.grantee);
  });
  ctx.dashboard.addRow('cache', `Cache: ${cache.primaryHostname}`, ...cache.widgets());
  ctx.dashboard.watch('cache', cache.alarms);
}
