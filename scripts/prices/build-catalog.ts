/**
 * Builds data/prices/catalog.json from the price feeds committed under ../shared/data/prices.
 *
 *   npx tsx scripts/prices/build-catalog.ts [sharedPricesDir] [--out data/prices/catalog.json]
 *
 * The output is deterministic (sorted keys, no build timestamp): rebuilding from the same feeds gives the same
 * bytes, which test/cost-catalog.test.ts checks against the committed file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildCatalog, serializeCatalog } from '../../cost/catalog/build';
import { readSnapshotPayloads } from '../../cost/catalog/payloads';

const REPO_ROOT = resolve(__dirname, '../..');
export const DEFAULT_SHARED_PRICES_DIR = resolve(REPO_ROOT, '../shared/data/prices');
export const DEFAULT_CATALOG_FILE = resolve(REPO_ROOT, 'data/prices/catalog.json');

export function buildCatalogFromSnapshot(sharedPricesDir = DEFAULT_SHARED_PRICES_DIR): string {
  return serializeCatalog(buildCatalog(readSnapshotPayloads(sharedPricesDir), { kind: 'snapshot' }));
}

function main(argv: string[]): void {
  const outIndex = argv.indexOf('--out');
  const outFile = outIndex >= 0 ? resolve(argv[outIndex + 1] ?? '') : DEFAULT_CATALOG_FILE;
  const positional = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--out');
  const sharedDir = positional[0] ? resolve(positional[0]) : DEFAULT_SHARED_PRICES_DIR;
  const json = buildCatalogFromSnapshot(sharedDir);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, json);
  const { catalogDate } = JSON.parse(json) as { catalogDate: { summary: string } };
  console.log(`Wrote ${outFile} (${(json.length / 1024).toFixed(0)} KiB) from ${sharedDir}\n${catalogDate.summary}`);
}

if (require.main === module) main(process.argv.slice(2));
