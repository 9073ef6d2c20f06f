import { Command, Option } from 'commander';
import { advise, AdvisorOptions, Advice } from '../../core/advisor';
import { DEFAULT_CAPACITY_ASSUMPTIONS } from '../../core/capacity';
import { UsageError } from '../../core/errors';
import type { Profile } from '../../core/profile';
import { STAGE_NAMES, StageName } from '../../core/ladder';
import { SELF_HOSTED_PROVIDERS } from '../../cost/k8s/self-hosted';
import { DEFAULT_OPS } from '../../cost/k8s/ops';
import { stageRenderer } from '../../blueprints/render';
import { MigrationAssumptions, pathCosts, PathCosts, priceStagesForPath } from '../../cost/path';
import type { FleetProvider } from '../../cost/k8s/offers';
import { ADVICE_FORMATS, AdviceFormat, adviceJson, adviceMarkdown, adviceTable } from './advise-text';
import { captureConsole, colors, progress, withoutReportPath } from '../../terminal/output';
import { profileOption, readProfile } from '../options';

export interface AdviseOptions {
  profile: string;
  months: string;
  format: AdviceFormat;
  start?: string;
  minHeadroom?: string;
  leadMonths?: string;
  maxInlineJobs?: string;
  bills: boolean;
  from?: string;
  providers?: string;
  opsRate?: string;
  moveMonth?: string;
  migrationEngineerMonths?: string;
  engineerMonthUsd?: string;
  dualRunningMonths?: string;
}

export function numberOption(flag: string, value: string | undefined, check: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const range = `${check.integer ? 'an integer' : 'a number'}${check.min !== undefined ? ` >= ${check.min}` : ''}${check.max !== undefined ? ` and <= ${check.max}` : ''}`;
  if (value.trim() === '' || !Number.isFinite(parsed) || (check.integer && !Number.isInteger(parsed)) || (check.min !== undefined && parsed < check.min) || (check.max !== undefined && parsed > check.max)) {
    throw new UsageError(`${flag}: expected ${range}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** The advisor's options from the command line (validated: a bad value is a usage error naming the flag). */
export function advisorOptions(opts: Partial<AdviseOptions>): AdvisorOptions {
  if (opts.start !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.start)) throw new UsageError(`--start: expected a month as YYYY-MM, got ${JSON.stringify(opts.start)}`);
  const maxInline = numberOption('--max-inline-jobs', opts.maxInlineJobs, { min: 0.01, max: 1 });
  return {
    months: numberOption('--months', opts.months ?? '36', { min: 1, max: 120, integer: true }),
    start: opts.start,
    minHeadroom: numberOption('--min-headroom', opts.minHeadroom, { min: 0, max: 0.95 }),
    leadMonths: numberOption('--lead-months', opts.leadMonths, { min: 0, max: 24, integer: true }),
    capacity: maxInline === undefined ? undefined : { ...DEFAULT_CAPACITY_ASSUMPTIONS, maxInlineJobCpuShare: maxInline },
  };
}

export function migrationOptions(opts: Partial<AdviseOptions>): Partial<MigrationAssumptions> {
  const migration: { -readonly [K in keyof MigrationAssumptions]?: number } = {};
  const set = (key: keyof MigrationAssumptions, value: number | undefined) => {
    if (value !== undefined) migration[key] = value;
  };
  set('moveMonth', numberOption('--move-month', opts.moveMonth, { min: 0, integer: true }));
  set('engineerMonths', numberOption('--migration-engineer-months', opts.migrationEngineerMonths, { min: 0 }));
  set('engineerMonthUsd', numberOption('--engineer-month-usd', opts.engineerMonthUsd, { min: 0 }));
  set('dualRunningMonths', numberOption('--dual-running-months', opts.dualRunningMonths, { min: 0, integer: true }));
  return migration;
}

export function selfHostedProviders(list: string | undefined): FleetProvider[] {
  if (!list) return [...SELF_HOSTED_PROVIDERS];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!SELF_HOSTED_PROVIDERS.includes(name as FleetProvider)) throw new UsageError(`--providers: unknown provider ${JSON.stringify(name)}; expected a comma-separated list of ${SELF_HOSTED_PROVIDERS.join(', ')}`);
  return names as FleetProvider[];
}

/** Stages the path uses, in ladder order. */
export function stagesOnPath(advice: Advice): StageName[] {
  const used = new Set(advice.months.map((m) => m.stage).filter((s): s is StageName => Boolean(s)));
  return STAGE_NAMES.filter((s) => used.has(s));
}

/** The advice and, unless --no-bills, the bills along its path (each stage on it synthesized and priced once). */
export function runAdvise(profile: Profile, opts: Partial<AdviseOptions>): { advice: Advice; costs?: PathCosts } {
  const advice = advise(profile, advisorOptions(opts));
  if (opts.bills === false) return { advice };
  const migration = migrationOptions(opts);
  const providers = selfHostedProviders(opts.providers);
  const opsRate = numberOption('--ops-rate', opts.opsRate, { min: 0 });
  const stages = stagesOnPath(advice);
  if (migration.moveMonth !== undefined && migration.moveMonth > advice.options.months) throw new UsageError(`--move-month: expected a month within --months (0-${advice.options.months}), got ${migration.moveMonth}`);
  // aws-cdk-lib records a stack trace with every construct (source-mapped under tsx): pricing reads none of
  // them, and they were a fifth of advise's CPU (million-merchants: 8.6 s -> 6.8 s user + sys here).
  process.env.CDK_DISABLE_STACK_TRACE ??= '1';
  const spinner = progress('pricing the path');
  try {
    const { result: priced, printed } = captureConsole(() =>
      priceStagesForPath(profile, stages, { from: opts.from, renderer: opts.from ? undefined : stageRenderer(), selfHostedProviders: providers, ops: opsRate === undefined ? undefined : { rateUsd: opsRate, hours: DEFAULT_OPS.hours } }, (stage) => {
        spinner.text = opts.from ? `pricing ${stage}` : `synthesizing and pricing ${stage}`;
      }),
    );
    spinner.stop();
    for (const message of new Set(printed.map(withoutReportPath).filter(Boolean))) process.stderr.write(`${colors.dim(`synth: ${message.split('\n')[0]}`)}\n`);
    return { advice, costs: pathCosts(advice, priced, { migration, opsRateUsd: opsRate }) };
  } catch (err) {
    spinner.fail('pricing failed');
    throw err;
  }
}

export function adviseCommand(): Command {
  return new Command('advise')
    .description('which stage carries the workload now, which limit it reaches next and when, the stage to be on each month, the bills along that path and the self-hosted break-even')
    .addOption(profileOption())
    .option('-m, --months <n>', 'months to project', '36')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...ADVICE_FORMATS]).default('table'))
    .option('--start <YYYY-MM>', 'calendar month of month 0 (places the seasonal peak; default: this month)')
    .option('--min-headroom <share>', 'move before any limit has less headroom than this (default: 0.3)')
    .option('--lead-months <n>', 'move this many months before a limit is exceeded (default: 3)')
    .option('--max-inline-jobs <share>', 'most of the app servers\' CPU background jobs may take before a queue pipeline is needed (default: 0.5)')
    .option('--no-bills', 'advice only: no synthesis, no pricing')
    .option('--from <dir>', 'price what `stagekit synth --all --out DIR` wrote instead of synthesizing')
    .option('--providers <list>', `self-hosted providers to compare: ${SELF_HOSTED_PROVIDERS.join(',')} (default: all)`)
    .option('--ops-rate <usd>', 'engineering hourly rate for the operations lines (and the default engineer-month: rate × 160 h)')
    .option('--move-month <n>', 'month the move to self-hosting starts (default: 0)')
    .option('--migration-engineer-months <n>', 'engineer-months the move takes (default: 6)')
    .option('--engineer-month-usd <usd>', 'loaded cost of an engineer-month (default: ops rate × 160)')
    .option('--dual-running-months <n>', 'months both setups are paid during the move (default: 2)')
    .addHelpText('after', '\nExit codes: 0 advice printed, 1 synthesis or pricing failed, 2 bad usage or input.')
    .action((opts: AdviseOptions) => {
      const profile = readProfile(opts);
      const { advice, costs } = runAdvise(profile, opts);
      const text =
        opts.format === 'json' ? JSON.stringify(adviceJson(advice, costs), null, 2) : opts.format === 'markdown' ? adviceMarkdown(advice, costs) : adviceTable(advice, costs, colors.bold);
      process.stdout.write(`${text}\n`);
    });
}
