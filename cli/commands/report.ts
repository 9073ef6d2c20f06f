import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { buildReport } from '../../report/build';
import { prepareReport } from '../../report/prepare';
import { DEFAULT_OPS } from '../../cost/k8s/ops';
import { stageRenderer } from '../../blueprints/render';
import { captureConsole, colors, progress, withoutReportPath } from '../../terminal/output';
import { STAGE_NAMES } from '../../core/ladder';
import { profileOption, readProfile } from '../options';
import { checkOneRun } from '../run-manifest';
import { advisorOptions, AdviseOptions, migrationOptions, numberOption, selfHostedProviders } from './advise';
import { displayedProfile } from './deploy';

export interface ReportOptions extends Partial<AdviseOptions> {
  profile: string;
  out: string;
}

/** Writes the report; returns its path. The file is written whole or not at all. */
export function runReport(opts: ReportOptions): string {
  const profile = readProfile(opts);
  const advisor = advisorOptions(opts);
  const migration = migrationOptions(opts);
  const providers = selfHostedProviders(opts.providers);
  const opsRate = numberOption('--ops-rate', opts.opsRate, { min: 0 });
  // As cost --from: one synth run of this very profile, or the report would price one profile's stacks with another's usage.
  if (opts.from) checkOneRun(opts.from, STAGE_NAMES.flatMap((stage) => [`aws/${stage}`, `k8s/${stage}`]), profile, opts.profile);
  const spinner = progress('preparing the report');
  try {
    const { result: input, printed } = captureConsole(() =>
      prepareReport(profile, {
        advisor,
        migration,
        profileFile: displayedProfile(opts.profile) ?? 'profiles/growing-product.yaml',
        pricing: { from: opts.from, renderer: opts.from ? undefined : stageRenderer(), selfHostedProviders: providers, ops: opsRate === undefined ? undefined : { rateUsd: opsRate, hours: DEFAULT_OPS.hours } },
        onStage: (stage) => {
          spinner.text = opts.from ? `pricing ${stage}` : `synthesizing and pricing ${stage}`;
        },
      }),
    );
    for (const message of new Set(printed.map(withoutReportPath).filter(Boolean))) process.stderr.write(`${colors.dim(`synth: ${message.split('\n')[0]}`)}\n`);
    spinner.text = 'rendering charts and diagrams';
    const { html } = buildReport(input);
    spinner.stop();
    const out = path.resolve(opts.out);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const partial = `${out}.partial`;
    fs.writeFileSync(partial, html);
    fs.renameSync(partial, out);
    return out;
  } catch (err) {
    spinner.fail('report failed');
    throw err;
  }
}

export function reportCommand(): Command {
  return new Command('report')
    .description('one self-contained HTML file (works offline, prints well): the ladder and today\'s fit, an architecture diagram per stage with costs, bills per provider, the growth timeline with moves and break-even, stage-to-stage cost change, every assumption')
    .addOption(profileOption())
    .option('-o, --out <file>', 'where to write the report', 'report.html')
    .option('-m, --months <n>', 'months to project', '36')
    .option('--start <YYYY-MM>', 'calendar month of month 0 (default: this month)')
    .option('--min-headroom <share>', 'move before any limit has less headroom than this (default: 0.3)')
    .option('--lead-months <n>', 'move this many months before a limit is exceeded (default: 3)')
    .option('--max-inline-jobs <share>', 'most of the app servers\' CPU background jobs may take before a queue pipeline is needed (default: 0.5)')
    .option('--from <dir>', 'use what `stagekit synth --all --out DIR` wrote instead of synthesizing')
    .option('--providers <list>', 'self-hosted providers to compare (default: all)')
    .option('--ops-rate <usd>', 'engineering hourly rate for the operations lines')
    .option('--move-month <n>', 'month the move to self-hosting starts (default: 0)')
    .option('--migration-engineer-months <n>', 'engineer-months the move takes (default: 6)')
    .option('--engineer-month-usd <usd>', 'loaded cost of an engineer-month (default: ops rate × 160)')
    .option('--dual-running-months <n>', 'months both setups are paid during the move (default: 2)')
    .addHelpText('after', '\nExit codes: 0 report written, 1 synthesis, pricing or rendering failed, 2 bad usage or input.')
    .action((opts: ReportOptions) => {
      const file = runReport(opts);
      process.stdout.write(`${colors.green('report written:')} ${path.relative(process.cwd(), file) || file}\n`);
    });
}
