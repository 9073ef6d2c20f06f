import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { bareMetalSources, catalogSources, type PriceSourceRow } from '../../cost/catalog/sources';
import { DEFAULT_CATALOG_FILE, FeedFormatError, FeedUnreachable, loadCatalog, refreshCatalog } from '../../cost/catalog';
import { colors, progress } from '../../terminal/output';
import { withUsageExitCodes } from '../options';
import { UsageError } from '../../core/errors';

/** `stagekit prices refresh`: rebuild the catalog from the live public feeds; `stagekit prices`: what it holds. */
export function pricesCommand(): Command {
  const prices = new Command('prices')
    .description('the price sources: each with its date and the AWS regions or self-hosted locations it prices; `prices refresh` rebuilds the catalog')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--catalog <file>', 'a price catalog file (default: the committed data/prices/catalog.json)')
    .action((opts: { format: 'table' | 'json'; catalog?: string }) => {
      const file = opts.catalog ?? DEFAULT_CATALOG_FILE;
      const catalog = loadCatalog(file);
      const data = catalog.data;
      const bareMetalFile = path.resolve(__dirname, '../../data/prices/bare-metal.json');
      const rows: PriceSourceRow[] = [...catalogSources(catalog), ...(fs.existsSync(bareMetalFile) ? bareMetalSources(JSON.parse(fs.readFileSync(bareMetalFile, 'utf8'))) : [])];
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify({ catalog: path.relative(process.cwd(), file), catalogDate: data.catalogDate, origin: data.origin, regions: data.regions, eurUsd: data.exchangeRate.eurUsd, sources: rows }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${colors.bold('Price catalog')} ${path.relative(process.cwd(), file)}\n`);
      process.stdout.write(`  ${data.catalogDate.summary}\n`);
      process.stdout.write(`  origin: ${data.origin.kind}${data.origin.kind === 'live' ? ` (retrieved ${data.origin.retrieved})` : ''}; AWS regions: ${data.regions.join(', ')}; EUR→USD ${data.exchangeRate.eurUsd}\n`);
      const titles: Record<PriceSourceRow['side'], string> = { aws: 'AWS', 'self-hosted': 'Self-hosted (cloud price lists)', 'bare-metal': 'Bare metal and owned hardware (data/prices/bare-metal.json)' };
      for (const side of ['aws', 'self-hosted', 'bare-metal'] as const) {
        const group = rows.filter((r) => r.side === side);
        if (!group.length) continue;
        process.stdout.write(`\n${colors.bold(titles[side])}\n`);
        const width = Math.min(34, Math.max(...group.map((r) => r.id.length)));
        for (const row of group) {
          process.stdout.write(`  ${row.id.padEnd(width)}  ${row.published.padEnd(10)}  ${side === 'bare-metal' ? row.url : row.title}\n`);
          process.stdout.write(colors.dim(`  ${''.padEnd(width)}  ${''.padEnd(10)}  ${row.basis} · covers ${row.covers.join(', ')}\n`));
        }
      }
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
          for (const download of result.downloaded) process.stdout.write(`  ${colors.green('✓')} ${download.feed}  ${colors.dim(download.url)}\n`);
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
