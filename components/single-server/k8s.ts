import { APP_ENV } from '../../core/contract';
import { SingleNodeStore } from '../../constructs/k8s/single-node-store';
import { K8sContext } from '../component';
import { POSTGRES_PORT, REDIS_PORT, singleServerCacheEnv, singleServerDatabaseEnv } from './env';

/** Secret with the single server's Postgres password (key `password`), created by the user. */
const POSTGRES_SECRET = 'postgres-credentials';

/** The single server's Postgres and Redis as one-pod StatefulSets with retained claims (the web pod is the web component's). */
export function singleServerK8s(ctx: K8sContext): void {
  const { plan } = ctx;
  const server = plan.server;
  if (!server) return;
  new SingleNodeStore(ctx.chart, 'postgres', {
    product: plan.product,
    name: 'postgres',
    image: 'postgres:16.4',
    port: POSTGRES_PORT,
    uid: 999,
    shape: server.postgresShape,
    storageGiB: server.dataVolumeGiB,
    claimTemplateGiB: server.claimTemplateGiB,
    storageClassName: ctx.environment.storageClass,
    dataPath: '/var/lib/postgresql/data',
    scratchPaths: ['/var/run/postgresql', '/tmp'],
    env: [
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: POSTGRES_SECRET, key: 'password' } } },
    ],
    args: ['-c', `shared_buffers=${Math.max(128, Math.floor(server.postgresShape.memoryGiB * 1024 * 0.25))}MB`],
    probeCommand: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1'],
  });
  new SingleNodeStore(ctx.chart, 'redis', {
    product: plan.product,
    name: 'redis',
    image: 'redis:7.4',
    port: REDIS_PORT,
    uid: 999,
    shape: server.redisShape,
    storageGiB: Math.max(1, Math.ceil(server.redisShape.memoryGiB * 2)),
    storageClassName: ctx.environment.storageClass,
    dataPath: '/data',
    args: ['--appendonly', 'yes', '--maxmemory', `${Math.floor(server.redisShape.memoryGiB * 1024 * 0.9)}mb`, '--maxmemory-policy', 'allkeys-lru'],
    probeCommand: ['redis-cli', 'ping'],
  });
  Object.assign(ctx.connections.env, singleServerDatabaseEnv('postgres'));
  ctx.connections.secretEnv[APP_ENV.databasePassword] = { secret: POSTGRES_SECRET, key: 'password' };
  Object.assign(ctx.connections.env, singleServerCacheEnv('redis'));
}

/** The web pod's flows to its stores (opened once the web component has built it). */
export function singleServerPostK8s(ctx: K8sContext): void {
  if (!ctx.plan.server) return;
  ctx.guard.allow(ctx.peers.web.name, 'postgres', [POSTGRES_PORT]);
  ctx.guard.allow(ctx.peers.web.name, 'redis', [REDIS_PORT]);
}
