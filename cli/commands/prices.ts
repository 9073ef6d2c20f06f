import * as path from 'path';
import { Command } from 'commander';
import { DEFAULT_CATALOG_FILE, FeedFormatError, FeedUnreachable, loadCatalog, refreshCatalog } from '../../cost/catalog';
import { colors, progress } from '../../terminal/output';
import { withUsageExitCodes } from '../options';
import { UsageError } from '../../core/errors';

/** `stagekit prices refresh`: rebuild the catalog from the live public feeds; `stagekit prices`: what it holds. */
export function pricesCommand(): Command {
  const prices = new Command('prices').description('the price catalog: its date and sources, and refreshing it from the public feeds').action(() => {
    const catalog = loadCatalog();
    const data = catalog.data;
    process.stdout.write(`${colors.bold('Price catalog')} ${path.relative(process.cwd(), DEFAULT_CATALOG_FILE)}\n`);
    process.stdout.write(`  ${data.catalogDate.summary}\n`);
    process.stdout.write(`  origin: ${data.origin.kind}${data.origin.kind === 'live' ? ` (retrieved ${data.origin.retrieved})` : ''}; AWS regions: ${data.regions.join(', ')}\n`);
    process.stdout.write(`  self-hosted lists: ${Object.keys(data.selfHosted.priceLists).sort().join(', ')}; EUR→USD ${data.exchangeRate.eurUsd}\n`);
    process.stdout.write(`  ${Object.keys(data.sources).length} sources (see data/prices/catalog.json "sources")\n`);
  });
  prices.addCommand(
    withUsageExitCodes(new Command('refresh')
      .description('download the live public price feeds and rebuild the catalog (fails, changing nothing, if a feed is unreachable)')
      .option('-o, --out <file>', 'where to write the catalog', DEFAULT_CATALOG_FILE)
      .option('--timeout <seconds>', 'per-request timeout', '30')
      .action(async (opts: { out: string; timeout: string }) => {
        const seconds = Number(opts.timeout);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout: expected seconds greater than 0, got ${JSON.stringify(opts.timeout)}`);
        const spinner = progress('downloading price feeds');
        try {
          const result = await refreshCatalog({ outFile: opts.out, timeoutMs: seconds * 1000 });
          spinner.stop();
          for (const d of result.downloaded) process.stdout.write(`  ${colors.green('✓')} ${d.feed}  ${colors.dim(d.url)}\n`);
          process.stdout.write(`${colors.green('refreshed')} ${path.relative(process.cwd(), result.outFile)}: ${result.catalogDate.summary}\n`);
        } catch (err) {
          spinner.stop();
          if (err instanceof FeedUnreachable || err instanceof FeedFormatError) {
            process.stderr.write(`error: ${err.message}\n`);
            process.exitCode = 1;
            return;
          }
          throw err;
        }
      })),
  );
  return prices;
}
