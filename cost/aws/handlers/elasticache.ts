/** ElastiCache: node-hours of replication groups and single clusters (Redis OSS, Valkey, Memcached). */
import { HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { lookup, priced } from '../context';
import { listLength, num, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

type Engine = 'redis' | 'valkey' | 'memcached';

export const cacheReplicationGroup = handler({
  types: ['AWS::ElastiCache::ReplicationGroup'],
  read(t, _id, r) {
    const p = props(r);
    let nodes = num(t, p.NumCacheClusters);
    if (nodes === undefined) {
      const groups = num(t, p.NumNodeGroups) ?? listLength(p.NodeGroupConfiguration) ?? 1;
      const replicas = num(t, p.ReplicasPerNodeGroup) ?? num(t, p.NodeGroupConfiguration?.[0]?.ReplicaCount) ?? 0;
      nodes = groups * (replicas + 1);
    }
    return { nodeType: str(t, p.CacheNodeType), engine: (str(t, p.Engine) ?? 'redis').toLowerCase() as Engine, nodes };
  },
  price(ctx, id, type, { nodeType, engine, nodes }) {
    if (!nodeType) return resource(id, type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
    return resource(
      id,
      type,
      lookup(`Cache nodes (${nodeType})`, 'hours', () => priced(`Cache nodes (${engine}, ${nodeType} × ${nodes})`, 'hours', HOURS_PER_MONTH * nodes, ctx.catalog.elasticacheHourly(ctx.region, nodeType, engine))),
      'backup storage beyond one free snapshot per node is not modelled',
    );
  },
});

export const cacheCluster = handler({
  types: ['AWS::ElastiCache::CacheCluster'],
  read(t, _id, r) {
    const p = props(r);
    return { nodeType: str(t, p.CacheNodeType), engine: (str(t, p.Engine) ?? 'redis').toLowerCase() as Engine, nodes: num(t, p.NumCacheNodes) ?? 1 };
  },
  price(ctx, id, type, { nodeType, engine, nodes }) {
    if (!nodeType) return resource(id, type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
    return resource(id, type, lookup(`Cache nodes (${nodeType})`, 'hours', () => priced(`Cache nodes (${engine}, ${nodeType} × ${nodes})`, 'hours', HOURS_PER_MONTH * nodes, ctx.catalog.elasticacheHourly(ctx.region, nodeType, engine))));
  },
});

export const elasticacheService: ServiceHandlers = {
  service: 'ElastiCache',
  handlers: [cacheReplicationGroup, cacheCluster],
  free: Object.fromEntries(['SubnetGroup', 'ParameterGroup', 'User', 'UserGroup'].map((t) => [`AWS::ElastiCache::${t}`, 'no charge'])),
  notPriced: { 'AWS::ElastiCache::ServerlessCache': 'ElastiCache Serverless prices are not in the catalog' },
};
