/** ElastiCache: node-hours of replication groups and single clusters (Redis OSS, Valkey, Memcached). */
import { HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import type { CostComponent } from '../../model';
import { AwsContext, committed, lookup, priced } from '../context';
import { listLength, num, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

type Engine = 'redis' | 'valkey' | 'memcached';

/** Node-hours on-demand, or at the reserved rate of the bill's commitment when the price map has one. */
function nodeLines(ctx: AwsContext, nodeType: string, engine: Engine, nodes: number): CostComponent[] {
  return lookup(`Cache nodes (${nodeType})`, 'hours', () => {
    const onDemand = ctx.catalog.elasticacheHourly(ctx.region, nodeType, engine);
    const name = `Cache nodes (${engine}, ${nodeType} × ${nodes}`;
    if (!ctx.commitment) return priced(`${name})`, 'hours', HOURS_PER_MONTH * nodes, onDemand);
    return committed(
      () => ctx.catalog.elasticacheReservedHourly(ctx.region, nodeType, ctx.commitment!),
      (reserved) =>
        priced(
          `${name}, reserved ${ctx.commitment} no upfront)`,
          'hours',
          HOURS_PER_MONTH * nodes,
          reserved,
          `reserved node, ${ctx.commitment === '1y' ? '1 year' : '3 years'}, no upfront: $${reserved.usd}/h against $${reserved.onDemandUsd}/h Redis OSS on-demand` +
            (engine === 'valkey' ? `; AWS sells no Valkey-specific reservation, so this is the Redis OSS reserved rate applied to a Valkey node ($${onDemand.usd}/h on-demand): an upper bound` : ''),
        ),
      (why) => priced(`${name}, on-demand)`, 'hours', HOURS_PER_MONTH * nodes, onDemand, `no ${ctx.commitment} no-upfront reservation priced (${why}): on-demand`),
    );
  });
}

export const cacheReplicationGroup = handler({
  types: ['AWS::ElastiCache::ReplicationGroup'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    let nodes = num(template, properties.NumCacheClusters);
    if (nodes === undefined) {
      const groups = num(template, properties.NumNodeGroups) ?? listLength(properties.NodeGroupConfiguration) ?? 1;
      const replicas = num(template, properties.ReplicasPerNodeGroup) ?? num(template, properties.NodeGroupConfiguration?.[0]?.ReplicaCount) ?? 0;
      nodes = groups * (replicas + 1);
    }
    return { nodeType: str(template, properties.CacheNodeType), engine: (str(template, properties.Engine) ?? 'redis').toLowerCase() as Engine, nodes };
  },
  price(ctx, id, type, { nodeType, engine, nodes }) {
    if (!nodeType) return resource(id, type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
    return resource(id, type, nodeLines(ctx, nodeType, engine, nodes), 'backup storage beyond one free snapshot per node is not modelled');
  },
});

export const cacheCluster = handler({
  types: ['AWS::ElastiCache::CacheCluster'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return { nodeType: str(template, properties.CacheNodeType), engine: (str(template, properties.Engine) ?? 'redis').toLowerCase() as Engine, nodes: num(template, properties.NumCacheNodes) ?? 1 };
  },
  price(ctx, id, type, { nodeType, engine, nodes }) {
    if (!nodeType) return resource(id, type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
    return resource(id, type, nodeLines(ctx, nodeType, engine, nodes));
  },
});

export const elasticacheService: ServiceHandlers = {
  service: 'ElastiCache',
  handlers: [cacheReplicationGroup, cacheCluster],
  free: Object.fromEntries(['SubnetGroup', 'ParameterGroup', 'User', 'UserGroup'].map((t) => [`AWS::ElastiCache::${t}`, 'no charge'])),
  notPriced: { 'AWS::ElastiCache::ServerlessCache': 'ElastiCache Serverless prices are not in the catalog' },
};
