/**
 * Which provider locations a team would use for a profile in a given AWS region: the nearest sites the
 * provider runs, so latency to users and the bill's location match the profile. Where the provider has
 * several sites near the region they are the failure domains; where it has one, failure domains are
 * spread placement groups (separate hosts) inside it, and the bill says so.
 */
import type { FleetProvider } from './offers';

export interface ProviderLocations {
  /** Site codes, nearest first. */
  readonly sites: string[];
  /** "Ashburn, VA (US East)". */
  readonly names: string[];
  /** True when the site's own prices are in the catalog (only the EU lists are). */
  readonly pricedHere: boolean;
  readonly note?: string;
}

const SITE_NAMES: Record<string, string> = {
  fsn1: 'Falkenstein (DE)', nbg1: 'Nuremberg (DE)', hel1: 'Helsinki (FI)', ash: 'Ashburn, VA (US East)', hil: 'Hillsboro, OR (US West)', sin: 'Singapore',
  gra: 'Gravelines (FR)', sbg: 'Strasbourg (FR)', rbx: 'Roubaix (FR)', de: 'Frankfurt (DE)', waw: 'Warsaw (PL)', lon: 'London (UK)', bhs: 'Beauharnois (CA)',
  vin: 'Vint Hill, VA (US East)', 'hil-ovh': 'Hillsboro, OR (US West)', sgp: 'Singapore', ynm: 'Mumbai (IN)', 'fr-par': 'Paris (FR)', 'nl-ams': 'Amsterdam (NL)', 'pl-waw': 'Warsaw (PL)',
};

/** Hetzner rents dedicated root servers only in Falkenstein, Nuremberg and Helsinki. */
const DE_FI = ['fsn1', 'nbg1', 'hel1'];

/**
 * AWS region → sites, per provider. Hetzner: cloud in DE/FI/US/SG; dedicated root servers in DE/FI only, so a
 * dedicated fleet for a US or Asian profile runs in Europe (the bill says so: latency to users changes).
 */
const MAP: Record<string, Partial<Record<FleetProvider, string[]>>> = {
  'us-east-1': { hetzner: ['ash'], 'hetzner-dedicated': DE_FI, ovh: ['vin', 'bhs'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
  'us-west-2': { hetzner: ['hil'], 'hetzner-dedicated': DE_FI, ovh: ['hil-ovh'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
  'eu-central-1': { hetzner: ['fsn1', 'nbg1', 'hel1'], 'hetzner-dedicated': ['fsn1', 'nbg1', 'hel1'], ovh: ['de', 'sbg', 'gra'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
  'eu-west-1': { hetzner: ['fsn1', 'nbg1', 'hel1'], 'hetzner-dedicated': ['fsn1', 'nbg1', 'hel1'], ovh: ['gra', 'rbx', 'sbg'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
  'ap-south-1': { hetzner: ['sin'], 'hetzner-dedicated': DE_FI, ovh: ['ynm'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
  'ap-southeast-1': { hetzner: ['sin'], 'hetzner-dedicated': DE_FI, ovh: ['sgp'], scaleway: ['fr-par', 'nl-ams', 'pl-waw'] },
};

const EU_SITES = new Set(['fsn1', 'nbg1', 'hel1', 'gra', 'sbg', 'rbx', 'de', 'waw', 'lon', 'fr-par', 'nl-ams', 'pl-waw']);

export function providerLocations(provider: FleetProvider, region: string | undefined): ProviderLocations {
  if (provider === 'owned') {
    return { sites: ['site-a', 'site-b', 'site-c'], names: [`your colocation sites near ${region ?? 'the users'}`], pricedHere: true, note: 'owned hardware: colocation priced by the rack and kW wherever you place it' };
  }
  const sites: string[] = (region ? MAP[region]?.[provider] : undefined) ?? MAP['eu-central-1'][provider]!;
  const pricedHere = sites.every((s) => EU_SITES.has(s));
  const farAway = region && !MAP[region]
    ? ` (no mapping for ${region}: EU sites used)`
    : provider === 'hetzner-dedicated' && region && !region.startsWith('eu-')
      ? `Hetzner rents dedicated root servers only in Germany and Finland: the fleet for a ${region} profile runs in ${sites.map((s) => SITE_NAMES[s] ?? s).join(', ')}, an ocean away from its users (use --provider hetzner for Hetzner Cloud near ${region})`
      : '';
  return {
    sites,
    names: sites.map((s) => SITE_NAMES[s] ?? s),
    pricedHere,
    note: pricedHere
      ? farAway || undefined
      : `${sites.map((s) => SITE_NAMES[s] ?? s).join(', ')}: the catalog holds only the provider's EU price list, so EU prices and traffic allowances are used; prices and included traffic at these sites differ${provider.startsWith('hetzner') ? ' (Hetzner cut the included traffic of its US cloud types from 1 Dec 2024: engineered.at summary of Hetzner\'s notice)' : ''} and no dated price table for them was found`,
  };
}

/** True when Hetzner's dedicated root servers exist at any of the sites (DE/FI only). */
export function hetznerDedicatedAvailable(sites: readonly string[]): boolean {
  return sites.some((s) => ['fsn1', 'nbg1', 'hel1'].includes(s));
}
