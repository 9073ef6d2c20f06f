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

export interface BareMetalData {
  readonly hetznerDedicated: { locations: string[]; locationNote: string; servers: Record<string, DedicatedServerRow>; notSourced: string[] };
  readonly ovhBareMetal: { servers: Record<string, DedicatedServerRow>; notSourced: string[] };
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
  const d = bareMetalData().ownedHardware.defaults;
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.value])) as unknown as OwnedHardwareOptions;
}

/** Where each owned-hardware default comes from (a URL and date, or "assumption: ..."). */
export function ownedOptionSource(key: keyof OwnedHardwareOptions, options: OwnedHardwareOptions): string {
  const d = bareMetalData().ownedHardware.defaults[key];
  return options[key] === d.value ? d.source : `given (default ${d.value}: ${d.source})`;
}

/** Parses "amortizationYears=3,rackUsdPerMonth=1200" onto the defaults. */
export function parseOwnedOptions(text: string | undefined, base: OwnedHardwareOptions = defaultOwnedOptions()): OwnedHardwareOptions {
  const out: Record<string, number> = { ...base };
  if (!text) return base;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=([0-9.]+)$/.exec(part);
    if (!m || !(m[1] in out) || !Number.isFinite(Number(m[2])) || (m[1] === 'amortizationYears' && !(Number(m[2]) > 0))) {
      throw new UsageError(`--owned: expected KEY=NUMBER[,KEY=NUMBER...] with KEY one of ${Object.keys(out).join(', ')} (amortizationYears > 0), got ${JSON.stringify(part)}`);
    }
    out[m[1]] = Number(m[2]);
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
