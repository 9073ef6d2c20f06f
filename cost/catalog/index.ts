/**
 * Price catalog: typed lookups over data/prices/catalog.json for the pricing engine.
 *
 *   import { ec2Hourly, cheapestServer } from '../catalog';
 *   ec2Hourly('eu-central-1', 'm7g.large')          // { usd, unit: 'instance-hour', source, published }
 *   cheapestServer('hetzner', { vcpu: 4, memoryGiB: 16, dedicated: true })
 *
 * The free functions use the committed catalog (loaded once); use `loadCatalog(file)` for another file, e.g.
 * one written by `refreshCatalog`. Missing prices throw PriceNotFound — never treat them as zero.
 */
import type { PriceCatalog } from './catalog';
import { loadCatalog } from './load';

export { PriceCatalog } from './catalog';
export type {
  Ec2Instance,
  ExchangeRate,
  RdsEngine,
  RdsStorage,
  SelfHostedOptions,
  SelfHostedServer,
  SelfHostedServices,
  ServerRequirement,
  SupportCharge,
} from './catalog';
export { FeedFormatError, FeedUnreachable, PriceNotFound } from './errors';
export { DEFAULT_CATALOG_FILE, clearCatalogCache, loadCatalog } from './load';
export type { RefreshOptions, RefreshResult } from './refresh';

/**
 * Downloads the public price feeds and rebuilds the catalog (see ./refresh). Loaded on first call: the feed
 * parsers and their schemas are half of what `stagekit cost` loads, and pricing never needs them.
 */
export function refreshCatalog(...args: Parameters<typeof import('./refresh').refreshCatalog>): ReturnType<typeof import('./refresh').refreshCatalog> {
  return (require('./refresh') as typeof import('./refresh')).refreshCatalog(...args);
}
export {
  AWS_REGIONS,
  type AwsRegion,
  type CacheEngine,
  type CommitmentTerm,
  type ConvertedPrice,
  type CpuArch,
  type IsoDate,
  type Price,
  type PriceTier,
  type PriceUnit,
  type RdsDeployment,
  type SelfHostedProvider,
  type SupportPlan,
  type VcpuKind,
} from './types';

/** Binds a PriceCatalog method to the default (committed) catalog. */
function onDefault<K extends keyof PriceCatalog>(method: K) {
  return ((...args: unknown[]) => {
    const catalog = loadCatalog();
    return (catalog[method] as (...callArgs: unknown[]) => unknown).apply(catalog, args);
  }) as PriceCatalog[K] extends (
    ...args: infer A
  ) => infer R
    ? (...args: A) => R
    : never;
}

export const ec2Hourly = onDefault('ec2Hourly');
export const ec2Instance = onDefault('ec2Instance');
export const ec2InstanceTypes = onDefault('ec2InstanceTypes');
export const rdsPostgresHourly = onDefault('rdsPostgresHourly');
export const rdsPostgresClass = onDefault('rdsPostgresClass');
export const rdsStorage = onDefault('rdsStorage');
export const elasticacheHourly = onDefault('elasticacheHourly');
export const elasticacheNode = onDefault('elasticacheNode');
export const mskBrokerHourly = onDefault('mskBrokerHourly');
export const mskStorage = onDefault('mskStorage');
export const natGateway = onDefault('natGateway');
export const alb = onDefault('alb');
export const nlb = onDefault('nlb');
export const sqs = onDefault('sqs');
export const cloudwatch = onDefault('cloudwatch');
export const ebs = onDefault('ebs');
export const dataTransferOutTiers = onDefault('dataTransferOutTiers');
export const interAzPerGb = onDefault('interAzPerGb');
export const publicIpv4Hourly = onDefault('publicIpv4Hourly');
export const secretsManager = onDefault('secretsManager');
export const kms = onDefault('kms');
export const eksClusterHourly = onDefault('eksClusterHourly');
export const eks = onDefault('eks');
export const vpcInterfaceEndpoint = onDefault('vpcInterfaceEndpoint');
export const route53PrivateHostedZoneMonthly = onDefault('route53PrivateHostedZoneMonthly');
export const supportPlan = onDefault('supportPlan');
export const supportMonthly = onDefault('supportMonthly');
export const commitmentDiscounts = onDefault('commitmentDiscounts');
export const exchangeRate = onDefault('exchangeRate');
export const selfHostedPriceLists = onDefault('selfHostedPriceLists');
export const selfHostedServers = onDefault('selfHostedServers');
export const selfHostedServer = onDefault('selfHostedServer');
export const selfHostedServices = onDefault('selfHostedServices');
export const cheapestServer = onDefault('cheapestServer');

/** The catalog's publication-date range, printed under every bill. */
export function catalogDate(): PriceCatalog['catalogDate'] {
  return loadCatalog().catalogDate;
}
