/**
 * Turning feed bytes into payloads for buildCatalog(), for the snapshot copies under ../shared (build script,
 * tests) — the live download path is refresh.ts. Only build tooling reads ../shared; the CLI and the pricing
 * engine read the committed catalog.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FeedFormatError } from './errors';
import { FEED_IDS, FEEDS, type FeedPayloads, type PayloadFormat } from './feeds';

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

/** Reads every feed's snapshot copy from a ../shared/data/prices directory. */
export function readSnapshotPayloads(sharedPricesDir: string): FeedPayloads {
  const payloads = {} as FeedPayloads;
  for (const id of FEED_IDS) {
    const file = join(sharedPricesDir, FEEDS[id].snapshotFile);
    if (!existsSync(file)) throw new Error(`Snapshot feed ${id} missing: ${file}`);
    payloads[id] = decodePayload(readFileSync(file), FEEDS[id].snapshotFormat, id);
  }
  return payloads;
}
