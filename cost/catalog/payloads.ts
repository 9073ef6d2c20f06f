/**
 * Turning feed bytes into payloads for buildCatalog(), for the snapshot copies under ../shared (build script,
 * tests) — the live download path is refresh.ts. Only build tooling reads ../shared; the CLI and the pricing
 * engine read the committed catalog.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FeedFormatError } from './errors';
import { FEED_IDS, FEEDS, type FeedDefinition, type FeedId, type FeedPayloads, type PayloadFormat } from './feeds';

/** The project's own copies of feeds ../shared lacks (scripts/prices/vendor-feeds.ts writes them). */
export const VENDORED_FEEDS_DIR = resolve(__dirname, '../../data/prices/feeds');

export function decodePayload(bytes: Uint8Array, format: PayloadFormat, feedName: string): unknown {
  const raw = Buffer.from(bytes);
  // Servers may send .json.gz already decompressed (Content-Encoding), so gzip is recognised by its magic bytes.
  const isGzip = raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (format === 'gzip-json' || isGzip) {
    const text = (isGzip ? gunzipSync(raw) : raw).toString('utf8');
    return parseJson(text, feedName);
  }
  const text = raw.toString('utf8');
  return format === 'text' ? text : parseJson(text, feedName);
}

function parseJson(text: string, feedName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FeedFormatError(feedName, `not JSON: ${(error as Error).message}`);
  }
}

/** Reads one feed's snapshot copy (from ../shared/data/prices, or the project's vendored copy). */
export function readSnapshotPayload(id: FeedId, sharedPricesDir: string, vendoredDir = VENDORED_FEEDS_DIR): unknown {
  const definition: FeedDefinition = FEEDS[id];
  const file = join(definition.root === 'vendored' ? vendoredDir : sharedPricesDir, definition.snapshotFile);
  if (!existsSync(file)) throw new Error(`Snapshot feed ${id} missing: ${file}`);
  return decodePayload(readFileSync(file), definition.snapshotFormat, id);
}

/** Reads every feed's snapshot copy: ../shared/data/prices and the project's vendored feeds. */
export function readSnapshotPayloads(sharedPricesDir: string, vendoredDir = VENDORED_FEEDS_DIR): FeedPayloads {
  const payloads = {} as FeedPayloads;
  for (const id of FEED_IDS) payloads[id] = readSnapshotPayload(id, sharedPricesDir, vendoredDir);
  return payloads;
}
