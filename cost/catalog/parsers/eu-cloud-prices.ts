/**
 * Self-hosted provider lists from mixxor/eu-cloud-prices (prices/<provider>.json, EUR) and its
 * providers.json (locations). One schema covers Hetzner, OVHcloud and Scaleway; fields a provider's file lacks
 * stay absent in the catalog rather than being filled in.
 */
import { z } from 'zod';
import { FeedFormatError } from '../errors';
import type { CpuArch, IsoDate, SelfHostedPriceList, SelfHostedProvider, SelfHostedServerRow, VcpuKind } from '../types';
import { isoDay } from './aws-pricing-page';

const Money = z.number().nonnegative();

const ProviderFile = z.object({
  provider: z.string(),
  fetched_at: z.string(),
  instances: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      vcpu: z.number().int().positive(),
      ram_gb: z.number().positive(),
      disk_gb: z.number().nonnegative(),
      disk_type: z.string(),
      price_hourly: Money,
      price_monthly: Money,
      currency: z.literal('EUR'),
      architecture: z.enum(['x86', 'arm64']),
      location: z.string(),
      category: z.string(),
      gpu: z.number().optional(),
    }),
  ),
  load_balancer: z
    .object({
      price_monthly: Money,
      tiers: z.record(z.string(), z.object({ price_hourly: Money, price_monthly: Money, bandwidth: z.string() })).optional(),
    })
    .optional(),
  primary_ip: z.object({ price_monthly: Money }).optional(),
  block_storage: z
    .object({
      price_per_gb_monthly: Money,
      tiers: z.record(z.string(), z.object({ price_per_gb_monthly: Money })).optional(),
    })
    .optional(),
  snapshots: z.object({ price_per_gb_monthly: Money }).optional(),
  egress: z.object({
    free_tb: z.union([z.number().nonnegative(), z.literal('unlimited')]),
    price_per_gb_overage: Money.optional(),
    price_per_gb: Money.optional(),
    notes: z.string().optional(),
  }),
  object_storage: z
    .looseObject({
      price_per_gb_monthly: Money,
      base_monthly: Money.optional(),
      included_storage_tb: z.number().optional(),
      included_egress_tb: z.number().optional(),
      notes: z.string().optional(),
    })
    .optional(),
});

/** A provider list as parsed: the catalog's price-list fields, plus what only the build needs. */
export type ParsedProviderList = Pick<
  SelfHostedPriceList,
  'provider' | 'priceLocations' | 'servers' | 'loadBalancers' | 'volumePerGbMonth' | 'volumeTiers' | 'snapshotPerGbMonth' | 'primaryIpv4Monthly' | 'traffic' | 'objectStorage'
> & {
  published: IsoDate;
  /** Server types left out of the catalog, with the reason. */
  skipped: string[];
};

const ARCH: Record<'x86' | 'arm64', CpuArch> = { x86: 'x86_64', arm64: 'arm64' };

/** Only Hetzner's file says whether vCPUs are dedicated (CCX) or shared (CX/CPX/CAX). */
function vcpuKind(provider: SelfHostedProvider, category: string): VcpuKind {
  if (provider !== 'hetzner') return 'unspecified';
  if (category === 'dedicated') return 'dedicated';
  if (category === 'shared') return 'shared';
  return 'unspecified';
}

export function parseProviderList(payload: unknown, provider: SelfHostedProvider, feedName: string): ParsedProviderList {
  const result = ProviderFile.safeParse(payload);
  if (!result.success) throw new FeedFormatError(feedName, z.prettifyError(result.error));
  const data = result.data;
  if (data.provider !== provider) throw new FeedFormatError(feedName, `file is for "${data.provider}", expected "${provider}"`);

  const servers: Record<string, SelfHostedServerRow> = {};
  const skipped: string[] = [];
  for (const instance of data.instances) {
    // Windows-licensed variants (Scaleway "-WIN") carry a licence fee; stagekit nodes run Linux.
    if (/-WIN$/i.test(instance.id)) {
      skipped.push(`${instance.id} (Windows licence included)`);
      continue;
    }
    if (servers[instance.id]) throw new FeedFormatError(feedName, `${instance.id} listed twice`);
    servers[instance.id] = {
      name: instance.name,
      vcpu: instance.vcpu,
      memoryGiB: instance.ram_gb,
      diskGb: instance.disk_gb,
      diskType: instance.disk_type,
      arch: ARCH[instance.architecture],
      vcpuKind: vcpuKind(provider, instance.category),
      category: instance.category,
      gpu: instance.category === 'gpu' || (instance.gpu ?? 0) > 0,
      monthlyEur: instance.price_monthly,
      hourlyEur: instance.price_hourly,
    };
  }

  const loadBalancers: ParsedProviderList['loadBalancers'] = {};
  if (data.load_balancer?.tiers) {
    for (const [tier, lb] of Object.entries(data.load_balancer.tiers)) {
      loadBalancers[tier] = {
        monthly: { eur: lb.price_monthly, unit: 'month' },
        hourly: { eur: lb.price_hourly, unit: 'hour' },
        note: `bandwidth ${lb.bandwidth}`,
      };
    }
  } else if (data.load_balancer) {
    // The file prices one load balancer without naming its type (for Hetzner: the entry-level one).
    loadBalancers.default = { monthly: { eur: data.load_balancer.price_monthly, unit: 'month' }, note: 'type not named in the source' };
  }

  const overage = data.egress.price_per_gb_overage ?? data.egress.price_per_gb;
  if (overage === undefined) throw new FeedFormatError(feedName, 'egress has no per-GB price');
  const objectStorage = data.object_storage;
  return {
    provider,
    published: isoDay(data.fetched_at),
    priceLocations: [...new Set(data.instances.map((i) => i.location))].sort(),
    servers,
    loadBalancers,
    volumePerGbMonth: data.block_storage ? { eur: data.block_storage.price_per_gb_monthly, unit: 'GB-month' } : undefined,
    volumeTiers: data.block_storage?.tiers
      ? Object.fromEntries(
          Object.entries(data.block_storage.tiers).map(([tier, t]) => [tier, { eur: t.price_per_gb_monthly, unit: 'GB-month' as const }]),
        )
      : undefined,
    snapshotPerGbMonth: data.snapshots ? { eur: data.snapshots.price_per_gb_monthly, unit: 'GB-month' } : undefined,
    primaryIpv4Monthly: data.primary_ip ? { eur: data.primary_ip.price_monthly, unit: 'month' } : undefined,
    traffic: {
      includedTbPerServer: data.egress.free_tb,
      overagePerGb: { eur: overage, unit: 'GB' },
      note: data.egress.notes,
    },
    objectStorage: objectStorage
      ? {
          perGbMonth: { eur: objectStorage.price_per_gb_monthly, unit: 'GB-month' },
          baseMonthly: objectStorage.base_monthly !== undefined ? { eur: objectStorage.base_monthly, unit: 'month' } : undefined,
          includedStorageTb: objectStorage.included_storage_tb,
          includedEgressTb: objectStorage.included_egress_tb,
          note: objectStorage.notes,
        }
      : undefined,
    skipped,
  };
}

// Only the entries stagekit uses are validated, so a change to some other provider cannot break a build.
const ProvidersFile = z.record(z.string(), z.unknown());
const ProviderEntry = z.looseObject({ locations: z.array(z.string()).min(1) });

/** Locations eu-cloud-prices lists for a provider (e.g. Hetzner: nbg1, fsn1, hel1). */
export function parseProviderLocations(payload: unknown, provider: SelfHostedProvider, feedName: string): string[] {
  const file = ProvidersFile.safeParse(payload);
  if (!file.success) throw new FeedFormatError(feedName, z.prettifyError(file.error));
  const entry = ProviderEntry.safeParse(file.data[provider]);
  if (!entry.success) throw new FeedFormatError(feedName, `provider "${provider}": ${z.prettifyError(entry.error)}`);
  return entry.data.locations;
}
