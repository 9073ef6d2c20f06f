/**
 * What each self-hosted provider offers beyond its cloud price list: Hetzner's dedicated root servers and
 * load-balancer types, and an owned-hardware model (server capex amortized, colocation, power, bandwidth
 * commit, spares). Prices come from data/prices/bare-metal.json, hand-curated from dated public statements
 * with a source on every entry; what could not be sourced is listed there and never priced.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../core/errors';

export type FleetProvider = 'hetzner' | 'hetzner-dedicated' | 'ovh' | 'scaleway' | 'owned';
export const FLEET_PROVIDERS: readonly FleetProvider[] = ['hetzner', 'hetzner-dedicated', 'ovh', 'scaleway', 'owned'];

interface SourceRef {
  readonly what: string;
  readonly url: string;
  readonly via?: string;
  readonly date: string;
  /** How `date` was established when the page does not state it ("commit-date": the archive's commit). @default "stated-on-page" */
  readonly dateBasis?: string;
}

export interface DedicatedServerRow {
  readonly cpu: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly disks: string;
  readonly usableDiskGiB: number;
  readonly monthlyEur: number;
  readonly setupEur: number;
  readonly traffic: string;
  readonly sources: SourceRef[];
}

export interface OwnedConfiguration {
  readonly description: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly usableDiskGiB: number;
  readonly rackUnits: number;
  readonly powerKw: number;
  readonly capexUsd: number;
  readonly sources?: SourceRef[];
  readonly assumptions?: string[];
}

interface Assumed<T> {
  readonly value: T;
  readonly source: string;
}

/** OVHcloud bare metal: which catalog feed holds the prices and which catalog region serves each site. */
export interface OvhBareMetalSection {
  readonly provider: string;
  readonly currency: 'USD';
  /** The vendored catalog excerpt, relative to data/prices/. */
  readonly feed: string;
  /** Further excerpts (OVH's 'baremetalServers' catalog: Advance, Scale, High Grade), relative to data/prices/. @default none */
  readonly moreFeeds?: string[];
  /** Stagekit site code → the catalog's region suffix ("us", "ca", "eu", "sgp", "mum"). */
  readonly siteRegions: Record<string, string>;
  readonly sources: SourceRef[];
  readonly notSourced: string[];
}

export interface BareMetalData {
  readonly hetznerDedicated: { locations: string[]; locationNote: string; servers: Record<string, DedicatedServerRow>; notSourced: string[] };
  readonly ovhBareMetal: OvhBareMetalSection;
  readonly ownedHardware: {
    configurations: Record<string, OwnedConfiguration>;
    defaults: Record<keyof OwnedHardwareOptions, Assumed<number>>;
  };
}

let cached: BareMetalData | undefined;
/** The committed bare-metal price file (read once). */
export function bareMetalData(): BareMetalData {
  cached ??= JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'prices', 'bare-metal.json'), 'utf8')) as BareMetalData;
  return cached;
}

/** One orderable OVHcloud bare-metal configuration at one catalog region: base plan + memory + NVMe storage. */
export interface OvhBareMetalOffer {
  /** "RISE-9 512 GB 2×1920 NVMe". */
  readonly id: string;
  readonly model: string;
  readonly region: string;
  readonly cpu: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Usable local NVMe (software RAID: half the raw capacity). */
  readonly usableDiskGiB: number;
  readonly disks: string;
  /** Base plan + memory addon + storage addon, per month without commitment. */
  readonly monthlyUsd: number;
  readonly setupUsd: number;
  readonly traffic: string;
  /** The plan and addon codes the price is the sum of, with each part. */
  readonly parts: { readonly planCode: string; readonly monthlyUsd: number; readonly setupUsd: number }[];
}

/** A catalog entry's no-commitment monthly renewal and one-off installation prices (OVH states 10⁻⁸ USD units). */
export function ovhPrices(entry: { pricings: { capacities: string[]; mode: string; interval: number; intervalUnit: string; price: number }[] }): { monthlyUsd: number; setupUsd: number } | undefined {
  const renew = entry.pricings.find((p) => p.mode === 'default' && p.capacities.includes('renew') && p.interval === 1 && p.intervalUnit === 'month');
  const install = entry.pricings.find((p) => p.mode === 'default' && p.capacities.includes('installation'));
  if (!renew) return undefined;
  return { monthlyUsd: renew.price / 1e8, setupUsd: (install?.price ?? 0) / 1e8 };
}

const ovhFeeds = new Map<string, any>();
function readOvhFeed(file: string): any {
  if (!ovhFeeds.has(file)) ovhFeeds.set(file, JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'prices', file), 'utf8')));
  return ovhFeeds.get(file);
}
/** The vendored OVH catalog excerpt of the Rise range (read once). */
export function ovhCatalogFeed(): any {
  return readOvhFeed(bareMetalData().ovhBareMetal.feed);
}
/** Every vendored OVH catalog excerpt: Rise first, then the 'baremetalServers' excerpts (read once each). */
export function ovhCatalogFeeds(): any[] {
  const section = bareMetalData().ovhBareMetal;
  return [section.feed, ...(section.moreFeeds ?? [])].map(readOvhFeed);
}

/**
 * A storage addon's disks: from its product's technical blob where the excerpt has it, else from OVH's own
 * invoice name ("6x SSD NVMe 7.68TB Enterprise Class Soft RAID"), which states count, capacity and interface.
 */
function storageDisks(storage: any, products: Map<string, any>): { capacity: number; interface: string; number: number }[] | undefined {
  const fromProduct = products.get(storage?.product)?.blobs?.technical?.storage?.disks;
  if (fromProduct?.length) return fromProduct;
  const stated = /^(\d+)x SSD (NVMe|SATA|SAS) ([\d.]+)(TB|GB) /.exec(String(storage?.invoiceName ?? ''));
  if (!stated) return undefined;
  const capacityGb = Number(stated[3]) * (stated[4] === 'TB' ? 1000 : 1);
  return [{ number: Number(stated[1]), interface: stated[2], capacity: capacityGb }];
}

/**
 * Every Rise configuration the catalog sells in `region`: each memory option × each all-NVMe storage option
 * (hybrid and SATA-only disks are left out: volumes live on NVMe), priced as base + addons.
 */
export function ovhBareMetalOffers(region: string): OvhBareMetalOffer[] {
  return ovhCatalogFeeds().flatMap((feed) => offersOfFeed(feed, region));
}

function offersOfFeed(feed: any, region: string): OvhBareMetalOffer[] {
  const addons = new Map<string, any>(feed.addons.map((a: any) => [a.planCode, a]));
  const products = new Map<string, any>(feed.products.map((p: any) => [p.name, p]));
  const offers: OvhBareMetalOffer[] = [];
  for (const plan of feed.plans as any[]) {
    if (!plan.planCode.endsWith(`-${region}`)) continue;
    const base = ovhPrices(plan);
    const cpu = products.get(plan.product)?.blobs?.technical?.server?.cpu;
    if (!base || !cpu) continue;
    const sockets = Number(cpu.number ?? 1);
    const family = (name: string) => plan.addonFamilies.find((f: any) => f.name === name)?.addons ?? [];
    const bandwidthDefault = plan.addonFamilies.find((f: any) => f.name === 'bandwidth')?.default;
    const bandwidth = addons.get(bandwidthDefault)?.invoiceName ?? (bandwidthDefault ? `${bandwidthDefault} (the plan's default bandwidth option)` : 'see the plan');
    const model = String(plan.invoiceName).split('|')[0].trim();
    for (const memoryCode of family('memory')) {
      const memory = addons.get(memoryCode);
      const memoryPrice = memory && ovhPrices(memory);
      const memoryGb = /^ram-(\d+)g-/.exec(memoryCode)?.[1];
      if (!memoryPrice || !memoryGb) continue;
      for (const storageCode of family('storage')) {
        const storage = addons.get(storageCode);
        const storagePrice = storage && ovhPrices(storage);
        const disks = storageDisks(storage, products);
        if (!storagePrice || !disks?.length || disks.some((d) => d.interface !== 'NVMe')) continue;
        const rawGb = disks.reduce((sum, d) => sum + d.capacity * d.number, 0);
        const diskText = disks.map((d) => `${d.number}×${d.capacity}`).join(' + ');
        offers.push({
          id: `${model} ${memoryGb} GB ${diskText} NVMe`,
          model,
          region,
          // The catalog states cores and threads per socket and the socket count ("number") for dual-CPU servers.
          cpu: `${sockets > 1 ? `${sockets} × ` : ''}${cpu.brand} ${cpu.model}, ${cpu.cores * sockets} cores / ${cpu.threads * sockets} threads`,
          vcpu: cpu.threads * sockets,
          memoryGiB: Number(memoryGb),
          // Software RAID 1 (RAID 10 over four or more disks): half the raw capacity, GB as sold → GiB.
          usableDiskGiB: Math.floor(((rawGb / 2) * 1e9) / 2 ** 30),
          disks: `${diskText} GB NVMe (software RAID)`,
          monthlyUsd: base.monthlyUsd + memoryPrice.monthlyUsd + storagePrice.monthlyUsd,
          setupUsd: base.setupUsd + memoryPrice.setupUsd + storagePrice.setupUsd,
          traffic: bandwidth,
          parts: [
            { planCode: plan.planCode, ...base },
            { planCode: memoryCode, ...memoryPrice },
            { planCode: storageCode, ...storagePrice },
          ],
        });
      }
    }
  }
  return offers;
}

export function sourceText(sources: readonly SourceRef[]): string {
  return sources.map((s) => `${s.what}: ${s.url} (${s.date}${s.via ? `; ${s.via}` : ''})`).join('; ');
}

/** Every owned-hardware assumption, each overridable (`--owned key=value,...`). */
export interface OwnedHardwareOptions {
  readonly amortizationYears: number;
  readonly rackUsdPerMonth: number;
  readonly powerUsdPerKwMonth: number;
  readonly bandwidthCommitUsdPerMonth: number;
  readonly bandwidthCommitMbps: number;
  readonly spareShare: number;
  readonly remoteHandsUsdPerMonth: number;
  /** Data drives for local volumes, USD per TB (mirrored: each GiB stored takes two). */
  readonly nvmeUsdPerTb: number;
}

export function defaultOwnedOptions(): OwnedHardwareOptions {
  const defaults = bareMetalData().ownedHardware.defaults;
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, v.value])) as unknown as OwnedHardwareOptions;
}

/** Where each owned-hardware default comes from (a URL and date, or "assumption: ..."). */
export function ownedOptionSource(key: keyof OwnedHardwareOptions, options: OwnedHardwareOptions): string {
  const defaultEntry = bareMetalData().ownedHardware.defaults[key];
  return options[key] === defaultEntry.value ? defaultEntry.source : `given (default ${defaultEntry.value}: ${defaultEntry.source})`;
}

/** Parses "amortizationYears=3,rackUsdPerMonth=1200" onto the defaults. */
export function parseOwnedOptions(text: string | undefined, base: OwnedHardwareOptions = defaultOwnedOptions()): OwnedHardwareOptions {
  const out: Record<string, number> = { ...base };
  if (!text) return base;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]+)=([0-9.]+)$/.exec(part);
    if (!match || !(match[1] in out) || !Number.isFinite(Number(match[2])) || (match[1] === 'amortizationYears' && !(Number(match[2]) > 0))) {
      throw new UsageError(`--owned: expected KEY=NUMBER[,KEY=NUMBER...] with KEY one of ${Object.keys(out).join(', ')} (amortizationYears > 0), got ${JSON.stringify(part)}`);
    }
    out[match[1]] = Number(match[2]);
  }
  return out as unknown as OwnedHardwareOptions;
}

/**
 * Hetzner Cloud load-balancer types with the most targets each can have. Prices: lb11 from the catalog's
 * list, lb21/lb31 from OpenCost's Hetzner CSV (January 2026 hourly prices), converted to a month with the
 * same monthly-cap ratio as lb11 in that file.
 */
export const HETZNER_LB_TYPES = [
  { type: 'lb11', maxTargets: 25, hourlyEur: 0.0081 },
  { type: 'lb21', maxTargets: 75, hourlyEur: 0.0189 },
  { type: 'lb31', maxTargets: 150, hourlyEur: 0.0369 },
] as const;
export const HETZNER_LB_SOURCE =
  'targets per type: Hetzner Cloud load balancer types (lb11 25, lb21 75, lb31 150 targets; hetzner.com/cloud/load-balancer, not in the stored corpus); hourly prices: opencost/opencost configs/hetzner_pricing.csv (Version 2026.01)';
