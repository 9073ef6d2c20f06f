/**
 * Copies OVHcloud's Rise bare-metal servers out of a git snapshot of y8/ovh-catalog-archive (hourly archives of
 * OVH's public order catalog, `GET /order/catalog/public/eco?ovhSubsidiary=US`) into
 * data/prices/feeds/ovh_eco-catalog-US_rise.json:
 *
 *   npx tsx scripts/prices/vendor-ovh-rise.ts <y8/ovh-catalog-archive git dir>
 *
 * Derived, never with a value changed: the Rise plans (24rise01..09, every region suffix) with the addons they
 * reference and their products are kept; every other plan is dropped, and each pricing list is cut to the
 * no-commitment ("default" mode) entries. cost/k8s/offers.ts reads the excerpt; data/prices/SOURCES.md explains it.
 * Build tooling only: the CLI and the tests never run this.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const OVH_ARCHIVE_COMMIT = '1f7e8755288912ff5f7253ad1eb467ec22d5beb3';
const OUT = resolve(__dirname, '../../data/prices/feeds/ovh_eco-catalog-US_rise.json');
/** The general-purpose Rise models (game and storage variants are left out). */
const RISE_PLAN = /^24rise0[1-9]-/;

function main(gitDir: string): void {
  const commitDate = execFileSync('git', ['--git-dir', gitDir, 'log', '-1', '--format=%cI', OVH_ARCHIVE_COMMIT], { encoding: 'utf8' }).trim();
  const catalog = JSON.parse(execFileSync('git', ['--git-dir', gitDir, 'show', `${OVH_ARCHIVE_COMMIT}:eco/US.json`], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }));
  const noCommitment = (entry: any) => ({ ...entry, pricings: entry.pricings.filter((p: any) => p.mode === 'default') });
  const plans = catalog.plans.filter((p: any) => RISE_PLAN.test(p.planCode)).map(noCommitment);
  const addonCodes = new Set<string>(plans.flatMap((p: any) => p.addonFamilies.flatMap((f: any) => f.addons)));
  const addons = catalog.addons.filter((a: any) => addonCodes.has(a.planCode)).map(noCommitment);
  const productNames = new Set<string>([...plans, ...addons].map((p: any) => p.product));
  const products = catalog.products.filter((p: any) => productNames.has(p.name));
  const excerpt = {
    source: {
      repo: 'y8/ovh-catalog-archive',
      path: 'eco/US.json',
      commit: OVH_ARCHIVE_COMMIT,
      commitDate,
      liveUrl: 'https://eu.api.ovh.com/v1/order/catalog/public/eco?ovhSubsidiary=US',
      derived: 'Rise plans 24rise01..09 (every region suffix), the addons they reference and the products of both; other plans dropped; pricings cut to mode "default" (no commitment); values unchanged',
    },
    catalogId: catalog.catalogId,
    locale: catalog.locale,
    plans,
    addons,
    products,
  };
  writeFileSync(OUT, JSON.stringify(excerpt, null, 1) + '\n');
  console.log(`wrote ${OUT}: ${plans.length} plans, ${addons.length} addons, ${products.length} products (catalog ${catalog.catalogId}, ${commitDate})`);
}

if (require.main === module) main(process.argv[2] ?? '/work/.mirror/y8+ovh-catalog-archive/repo');
