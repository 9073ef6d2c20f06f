/**
 * Reading the committed catalog. The file is parsed once per path and cached: the pricing engine calls the
 * lookup functions thousands of times per bill.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PriceCatalog } from './catalog';
import type { CatalogData } from './types';
import { UsageError } from '../../core/errors';

/** data/prices/catalog.json, resolved from this module so it works from any working directory. */
export const DEFAULT_CATALOG_FILE = resolve(__dirname, '../../data/prices/catalog.json');

const cache = new Map<string, PriceCatalog>();

export function loadCatalog(file: string = DEFAULT_CATALOG_FILE): PriceCatalog {
  const path = resolve(file);
  let catalog = cache.get(path);
  if (!catalog) {
    let data: CatalogData;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as CatalogData;
    } catch (err: any) {
      throw new UsageError(`${file}: cannot read the price catalog (${err.code ?? String(err.message).split('\n')[0]})`);
    }
    if (data === null || typeof data !== 'object' || data.schemaVersion !== 1) {
      throw new UsageError(`${file}: expected a stagekit price catalog of schema 1, got schema ${String((data as any)?.schemaVersion)}`);
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
