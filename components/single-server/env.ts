import { APP_ENV } from '../../core/contract';

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;

/**
 * What the app is told about the single server's Postgres, on both targets: the stock
 * postgres image or package (superuser `postgres`, database `postgres`), a password login,
 * no TLS (the database is on the same host or in the same namespace). The password itself
 * comes from a Secret (Kubernetes) or a file the server generates (AWS).
 */
export function singleServerDatabaseEnv(host: string): Record<string, string> {
  return {
    [APP_ENV.databaseHost]: host,
    [APP_ENV.databaseReadHost]: host,
    [APP_ENV.databaseDirectHost]: host,
    [APP_ENV.databasePort]: String(POSTGRES_PORT),
    [APP_ENV.databaseName]: 'postgres',
    [APP_ENV.databaseUser]: 'postgres',
    [APP_ENV.databaseAuth]: 'password',
    [APP_ENV.databaseSslMode]: 'disable',
  };
}

/** What the app is told about the single server's Redis: one node, no replicas, no TLS, no password. */
export function singleServerCacheEnv(host: string): Record<string, string> {
  return {
    [APP_ENV.cacheHost]: host,
    [APP_ENV.cacheReadHost]: host,
    [APP_ENV.cachePort]: String(REDIS_PORT),
    [APP_ENV.cacheTls]: 'false',
    [APP_ENV.cacheAuth]: 'none',
  };
}
