/**
 * Reading the committed catalog. The file is parsed once per path and cached: the pricing engine calls the
 * lookup functions thousands of times per bill.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PriceCatalog } from './catalog';
import type { CatalogData } from './types';

/** data/prices/catalog.json, resolved from this module so it works from any working directory. */
export const DEFAULT_CATALOG_FILE = resolve(__dirname, '../../data/prices/catalog.json');

const cache = new Map<string, PriceCatalog>();

export function loadCatalog(file: string = DEFAULT_CATALOG_FILE): PriceCatalog {
  const path = resolve(file);
  let catalog = cache.get(path);
  if (!catalog) {
    const data = JSON.parse(readFileSync(path, 'utf8')) as CatalogData;
    if (data.schemaVersion !== 1) {
      throw new Error(`${path} has catalog schema ${String(data.schemaVersion)}; this stagekit reads schema 1`);
    }
    catalog = new PriceCatalog(data);
    cache.set(path, catalog);
  }
  return catalog;
}

/** Forgets cached catalogs, e.g. after `stagekit prices refresh` rewrote the file. */
export function clearCatalogCache(): void {
  cache.clear();
}
