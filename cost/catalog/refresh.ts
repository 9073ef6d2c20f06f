/**
 * `stagekit prices refresh`: downloads the live feeds behind the snapshot copies and rebuilds the catalog with
 * the same parsers as scripts/prices/build-catalog.ts. Feeds are fetched one at a time and the first one that
 * cannot be downloaded stops the refresh with FeedUnreachable naming its URL; the catalog file is only
 * replaced once every feed has been read and parsed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FeedFormatError, FeedUnreachable } from './errors';
import { FEED_IDS, FEEDS, LIVE_FEED_IDS, type FeedDefinition, type FeedPayloads } from './feeds';
import { buildCatalog, HETZNER_PRE_ADJUSTMENT, serializeCatalog } from './build';
import { clearCatalogCache, DEFAULT_CATALOG_FILE } from './load';
import { decodePayload, readSnapshotPayload } from './payloads';
import type { CatalogData, IsoDate } from './types';

export interface RefreshOptions {
  /** Where to write the refreshed catalog (the CLI passes data/prices/catalog.json or a user path). */
  outFile: string;
  /** Downloads a JSON feed and returns it parsed (gzip-compressed feeds decompressed). Defaults to fetch(). */
  fetchJson?: (url: string) => Promise<unknown>;
  /** Downloads a text feed (Karpenter's Go price table). Defaults to fetch(). */
  fetchText?: (url: string) => Promise<string>;
  /**
   * Catalog to carry the fixed historical Hetzner list from (it is a pinned commit and cannot change).
   * Defaults to `outFile` when it exists, else the committed catalog.
   */
  previousCatalogFile?: string;
  /** Today's date (YYYY-MM-DD), recorded as the retrieval date; injectable for tests. */
  today?: () => IsoDate;
  /** Per-request timeout of the default fetchers. */
  timeoutMs?: number;
}

export interface RefreshResult {
  outFile: string;
  catalogDate: CatalogData['catalogDate'];
  downloaded: { feed: string; url: string }[];
}

export async function refreshCatalog(options: RefreshOptions): Promise<RefreshResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchJson = options.fetchJson ?? ((url: string) => fetchBytes(url, timeoutMs).then((bytes) => decodePayload(bytes, 'json', url)));
  const fetchText = options.fetchText ?? ((url: string) => fetchBytes(url, timeoutMs).then((bytes) => Buffer.from(bytes).toString('utf8')));
  const previous = readPrevious(options.previousCatalogFile ?? (existsSync(options.outFile) ? options.outFile : DEFAULT_CATALOG_FILE));

  const payloads: Partial<FeedPayloads> = {};
  const downloaded: RefreshResult['downloaded'] = [];
  for (const id of LIVE_FEED_IDS) {
    const { liveUrl, liveFormat } = FEEDS[id];
    try {
      payloads[id] = liveFormat === 'text' ? await fetchText(liveUrl) : await fetchJson(liveUrl);
    } catch (error) {
      if (error instanceof FeedFormatError) throw error;
      throw new FeedUnreachable(id, liveUrl, describe(error));
    }
    downloaded.push({ feed: id, url: liveUrl });
  }
  // Feeds merged from several files have no single URL: the vendored copy stands (its provenance is recorded).
  for (const id of FEED_IDS.filter((feed) => (FEEDS[feed] as FeedDefinition).noLiveUrl)) payloads[id] = readSnapshotPayload(id, '');

  const catalog = buildCatalog(payloads, {
    kind: 'live',
    retrieved: (options.today ?? (() => new Date().toISOString().slice(0, 10)))(),
    carriedOver: carriedOver(previous),
  });
  // Write beside the target and rename, so a crash never leaves a half-written catalog behind.
  const temporary = `${options.outFile}.${process.pid}.tmp`;
  writeFileSync(temporary, serializeCatalog(catalog));
  renameSync(temporary, options.outFile);
  clearCatalogCache();
  return { outFile: options.outFile, catalogDate: catalog.catalogDate, downloaded };
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** "getaddrinfo ENOTFOUND b0.p.awsstatic.com" rather than fetch's bare "fetch failed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  if (error.name === 'TimeoutError') return 'timed out';
  return error.message;
}

function readPrevious(file: string): CatalogData {
  if (!existsSync(file)) throw new Error(`No previous catalog at ${file} to carry the ${HETZNER_PRE_ADJUSTMENT} list from`);
  return JSON.parse(readFileSync(file, 'utf8')) as CatalogData;
}

function carriedOver(previous: CatalogData): Extract<Parameters<typeof buildCatalog>[1], { kind: 'live' }>['carriedOver'] {
  const list = previous.selfHosted?.priceLists?.[HETZNER_PRE_ADJUSTMENT];
  const source = list && previous.sources[list.source];
  if (!list || !source) throw new Error(`The previous catalog has no ${HETZNER_PRE_ADJUSTMENT} price list to carry over`);
  return { priceLists: { [HETZNER_PRE_ADJUSTMENT]: list }, sources: { [list.source]: source } };
}
