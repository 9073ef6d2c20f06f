/**
 * What each price source covers: for `stagekit prices`, every source of the catalog with its publication date
 * and the AWS regions (or self-hosted locations) whose prices come from it. Coverage is read from the catalog
 * itself (every table and price names its source), so the listing cannot drift from what the bills use; a
 * region that borrows another region's list price is shown as such.
 */
import type { PriceCatalog } from './catalog';
import type { PublishedBasis } from './types';

export interface PriceSourceRow {
  id: string;
  title: string;
  published: string;
  basis: PublishedBasis | string;
  /** "aws" (catalog AWS tables), "self-hosted" (catalog price lists) or "bare-metal" (data/prices/bare-metal.json). */
  side: 'aws' | 'self-hosted' | 'bare-metal';
  /** Regions, locations or "global"; "eu-west-1 (us-east-1 price)" where a region borrows another's list price. */
  covers: string[];
  url?: string;
}

/** Collects `source` ids (and `sources` arrays) under a node, with whether the price is another region's. */
function collect(node: unknown, into: (source: string, fallbackFrom?: string) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, into));
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.source === 'string') into(record.source, typeof record.fallbackFrom === 'string' ? record.fallbackFrom : undefined);
  if (Array.isArray(record.sources)) for (const source of record.sources) if (typeof source === 'string') into(source);
  if (typeof record.specsSource === 'string') into(record.specsSource);
  for (const [key, child] of Object.entries(record)) if (key !== 'source' && key !== 'sources') collect(child, into);
}

export function catalogSources(catalog: PriceCatalog): PriceSourceRow[] {
  const data = catalog.data;
  const covers = new Map<string, Set<string>>();
  const add = (id: string, where: string) => (covers.get(id) ?? covers.set(id, new Set()).get(id)!).add(where);
  const sideOf = new Map<string, PriceSourceRow['side']>();
  const regional = ['ec2', 'ec2Reserved', 'rdsPostgres', 'rdsPostgresReserved', 'elasticache', 'elasticacheReserved', 'msk', 'regional'] as const;
  for (const [table, byRegion] of Object.entries(data.aws)) {
    if ((regional as readonly string[]).includes(table)) {
      for (const [region, node] of Object.entries(byRegion as Record<string, unknown>)) {
        collect(node, (id, from) => (add(id, from ? `${region} (${from} price)` : region), sideOf.set(id, 'aws')));
      }
    } else {
      collect(byRegion, (id) => (add(id, 'global'), sideOf.set(id, 'aws')));
    }
  }
  for (const list of Object.values(data.selfHosted.priceLists)) {
    for (const where of list.priceLocations.length ? list.priceLocations : ['(no location stated)']) add(list.source, `${list.provider} ${where}`);
    sideOf.set(list.source, 'self-hosted');
  }
  add(data.exchangeRate.source, 'EUR→USD rate');
  return Object.entries(data.sources)
    .map(([id, entry]) => ({
      id,
      title: entry.title,
      published: entry.published,
      basis: entry.publishedBasis,
      side: sideOf.get(id) ?? 'self-hosted',
      covers: [...(covers.get(id) ?? ['(provider locations only)'])].sort(),
      url: entry.url,
    }))
    .sort((a, b) => a.side.localeCompare(b.side) || a.id.localeCompare(b.id));
}

/**
 * Sources of the hand-curated bare-metal and owned-hardware list (data/prices/bare-metal.json): every cited
 * `url` with its `date`, per section, with the section's locations when it states them.
 */
export function bareMetalSources(data: Record<string, unknown>): PriceSourceRow[] {
  const rows: PriceSourceRow[] = [];
  for (const [section, node] of Object.entries(data)) {
    if (!node || typeof node !== 'object') continue;
    const seen = new Map<string, string>();
    // How each date was established: as the page states it, unless the source says otherwise (an archive's commit date).
    const basisOf = new Map<string, string>();
    const walk = (current: unknown): void => {
      if (Array.isArray(current)) return current.forEach(walk);
      if (!current || typeof current !== 'object') return;
      const record = current as Record<string, unknown>;
      if (typeof record.url === 'string') {
        const date = typeof record.date === 'string' ? record.date : typeof record.retrieved === 'string' ? record.retrieved : typeof record.published === 'string' ? record.published : 'undated';
        const prev = seen.get(record.url);
        if (!prev || (prev !== 'undated' && date !== 'undated' && date < prev)) {
          seen.set(record.url, date);
          basisOf.set(record.url, typeof record.dateBasis === 'string' ? record.dateBasis : 'stated-on-page');
        }
      }
      Object.values(record).forEach(walk);
    };
    walk(node);
    const stated = (node as any).locations ?? ((node as any).siteRegions ? Object.keys((node as any).siteRegions) : undefined);
    const locations = Array.isArray(stated) ? (stated as unknown[]).map(String) : [];
    for (const [url, date] of seen) rows.push({ id: section, title: url, published: date, basis: basisOf.get(url)!, side: 'bare-metal', covers: locations.length ? locations : ['(see data/prices/bare-metal.json)'], url });
  }
  return rows;
}
