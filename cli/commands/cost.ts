import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors';
import { computePlan } from '../../core/plan';
import { SUPPORTED_REGIONS } from '../../core/regions';
import { STAGE_NAMES, StageName, stageByName } from '../../core/ladder';
import { stageRenderer } from '../../blueprints/render';
import { CommitmentTerm, loadCatalog, SupportPlan } from '../../cost/catalog';
import { checkRegion, priceTemplate } from '../../cost/aws/engine';
import { diffStages, inRegion, ladderSummary, priceStages, PricingOptions, StageBills, templateSources } from '../../cost/stage';
import { DEFAULT_OPS, parseOpsHours } from '../../cost/k8s/ops';
import { defaultOwnedOptions, FleetProvider, parseOwnedOptions } from '../../cost/k8s/offers';
import { PROVIDER_NAMES, SELF_HOSTED_PROVIDERS } from '../../cost/k8s/self-hosted';
import { PROVIDERS } from '../../cost/model';
import {
  billHeadline, billJson, billMarkdown, billTable, diffMarkdown, diffTable, FORMATS, Format, ladderJson, ladderMarkdown, ladderTable, stageDiffJson, stageJson,
} from '../../cost/render';
import { usageFromPlan } from '../../cost/usage';
import { infracostJson } from '../../cost/infracost';
import { checkOneRun } from '../run-manifest';
import { captureConsole, colors, progress, withoutReportPath } from '../../terminal/output';
import { printCapacityVerdicts } from '../verdict';
import { allStagesOption, lockFloorOf, lockOption, noLockOption, profileOption, readProfile, selectedStages, stageOption, withUsageExitCodes } from '../options';

const SUPPORT_PLANS: readonly SupportPlan[] = ['developer', 'business', 'enterprise-on-ramp', 'enterprise'];
const COMMITMENTS = ['on-demand', '1y', '3y'] as const;

/** `--commitment on-demand|1y|3y` → the reserved term, or undefined for on-demand. */
export function parseCommitment(value: string | undefined): CommitmentTerm | undefined {
  if (value === undefined || value === 'on-demand') return undefined;
  if (value === '1y' || value === '3y') return value;
  throw new UsageError(`--commitment: expected one of ${COMMITMENTS.join(', ')}, got ${JSON.stringify(value)}`);
}

export interface CostOptions {
  stage?: string;
  all?: boolean;
  profile: string;
  lock?: string | false;
  region?: string;
  provider: FleetProvider;
  owned?: string;
  priceList?: string;
  format: Format;
  summary?: boolean;
  from?: string;
  template?: string;
  assembly?: string;
  support?: SupportPlan;
  commitment?: string;
  eurUsd?: string;
  opsRate?: string;
  opsHours?: string;
  natShare?: string;
  catalog?: string;
  assumptions: boolean;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`${flag}: expected a non-negative number, got ${JSON.stringify(value)}`);
  return parsed;
}

/** The options every cost command shares (so `cost diff` takes them too). */
function withPricingOptions(command: Command): Command {
  return command
    .addOption(profileOption())
    .addOption(new Option('-r, --region <region>', `AWS region to price in (default: the profile's): ${SUPPORTED_REGIONS.join(', ')}`))
    .addOption(new Option('--provider <provider>', 'self-hosted provider').choices([...SELF_HOSTED_PROVIDERS]).default('hetzner'))
    .option('--price-list <id>', 'a specific self-hosted price list, e.g. hetzner-2026-01 (default: the provider\'s newest)')
    .option('--owned <list>', `owned-hardware assumptions, e.g. amortizationYears=3,rackUsdPerMonth=1200 (defaults: ${Object.entries(defaultOwnedOptions()).map(([k, v]) => `${k}=${v}`).join(',')})`)
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('--from <dir>', 'price what `stagekit synth --out DIR` wrote instead of synthesizing')
    .addOption(new Option('--support <plan>', 'add an AWS Support plan line to the AWS and EKS bills').choices([...SUPPORT_PLANS]))
    .option('--commitment <term>', `AWS reserved rates, no upfront, for EC2, RDS and ElastiCache (MSK stays on-demand): ${COMMITMENTS.join(', ')} (default: on-demand); the ladder shows both`)
    .option('--eur-usd <rate>', 'USD per EUR for self-hosted prices (default: the catalog\'s rate)')
    .option('--ops-rate <usd>', `engineering hourly rate for the operations line (default: ${DEFAULT_OPS.rateUsd})`)
    .option('--ops-hours <list>', `hours a month per system, e.g. postgres=4,kafka=10 (defaults: ${Object.entries(DEFAULT_OPS.hours).map(([k, v]) => `${k}=${v}`).join(',')})`)
    .option('--nat-share <share>', 'share of internet egress that leaves through NAT gateways (default: 0.05)')
    .option('--catalog <file>', 'a price catalog file (default: the committed data/prices/catalog.json)')
    .option('--no-assumptions', 'leave the assumption lines out of the table')
    .addOption(lockOption())
    .addOption(noLockOption());
}

export function pricingOptions(opts: CostOptions): PricingOptions {
  if (opts.region) checkRegion(opts.region);
  const eurUsd = positiveNumber('--eur-usd', opts.eurUsd);
  if (eurUsd === 0) throw new UsageError('--eur-usd: the rate must be greater than 0');
  const natShare = positiveNumber('--nat-share', opts.natShare);
  if (natShare !== undefined && natShare > 1) throw new UsageError(`--nat-share: expected a share between 0 and 1, got ${opts.natShare}`);
  return {
    region: opts.region,
    provider: opts.provider,
    owned: opts.owned ? parseOwnedOptions(opts.owned) : undefined,
    priceList: opts.priceList,
    eurUsd,
    support: opts.support,
    commitment: parseCommitment(opts.commitment),
    ops: { rateUsd: positiveNumber('--ops-rate', opts.opsRate) ?? DEFAULT_OPS.rateUsd, hours: parseOpsHours(opts.opsHours) },
    natShareOfEgress: natShare,
    catalog: opts.catalog ? loadCatalog(opts.catalog) : undefined,
    from: opts.from,
    renderer: opts.from ? undefined : stageRenderer(),
  };
}

/** Synthesizes (with a spinner) and prices the stages. */
export function runCost(stages: readonly StageName[], opts: CostOptions): StageBills[] {
  const profile = readProfile(opts);
  const options = { ...pricingOptions(opts), deployed: lockFloorOf(opts, profile) };
  // Stages priced together must come from one synth run of this profile.
  if (options.from) checkOneRun(options.from, stages.flatMap((s) => [`aws/${s}`, `k8s/${s}`]), profile, opts.profile);
  const spinner = progress('pricing');
  try {
    const { result: bills, printed } = captureConsole(() =>
      priceStages(profile, stages, options, (stage) => {
        spinner.text = options.from ? `pricing ${stage}` : `synthesizing and pricing ${stage}`;
      }),
    );
    spinner.stop();
    // The synth's own messages (the same warning for every stage), once each.
    for (const message of new Set(printed.map(withoutReportPath).filter(Boolean))) process.stderr.write(`${colors.dim(`synth: ${message}`)}\n`);
    return bills;
  } catch (err) {
    spinner.fail('pricing failed');
    throw err;
  }
}

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The command line as typed, for infracost's `metadata.infracostCommand`. */
const commandLine = (): string => ['stagekit', ...process.argv.slice(2)].join(' ');

function printStages(bills: StageBills[], opts: CostOptions, elapsedMs: number): void {
  if (opts.format === 'infracost') {
    // Infracost adds its projects up; stages (and providers) are alternatives, so one stage's AWS bill is priced.
    const stageBill = bills[0];
    write(JSON.stringify(infracostJson([{ name: `${stageBill.plan.product}/${stageBill.stage}/aws`, path: `aws/${stageBill.stage}`, bill: stageBill.providers.aws }], { command: commandLine() }), null, 2));
    return;
  }
  const rows = ladderSummary(bills);
  const selfName = PROVIDER_NAMES[opts.provider];
  const region = bills[0]?.plan.region;
  const product = bills[0]?.plan.product;
  if (opts.format === 'json') {
    const body = bills.length === 1 && !opts.all ? stageJson(bills[0]) : { product, region, stages: bills.map(stageJson), ladder: ladderJson(rows) };
    write(JSON.stringify(opts.summary ? { product, region, ladder: ladderJson(rows) } : body, null, 2));
    return;
  }
  if (opts.format === 'markdown') {
    const parts = [`### stagekit cost: ${product} (${region}, self-hosted on ${selfName})`, ''];
    if (!opts.summary) {
      for (const stageBill of bills) {
        parts.push(`### ${stageBill.stage}`, '');
        for (const provider of PROVIDERS) parts.push(`<details><summary>${stageBill.providers[provider].label}: ${billHeadline(stageBill.providers[provider])}</summary>`, '', billMarkdown(stageBill.providers[provider]), '', '</details>', '');
      }
    }
    parts.push(ladderMarkdown(rows, selfName), '', `_Catalog: ${bills[0]?.providers.aws.catalogDate}_`);
    write(parts.join('\n'));
    return;
  }
  if (!opts.summary) {
    for (const stageBill of bills) {
      write(colors.bold(`\n═══ ${stageBill.stage} (${stageBill.plan.product}, ${stageBill.plan.region}) ═══`));
      for (const provider of PROVIDERS) write(`\n${billTable(stageBill.providers[provider], { assumptions: opts.assumptions })}`);
    }
    write('');
  }
  write(ladderTable(rows, selfName, `Cost ladder for ${product} (${region}; self-hosted on ${selfName}), USD per month`));
  write(colors.dim(` Catalog: ${bills[0]?.providers.aws.catalogDate}`));
  if (!opts.summary) write(colors.dim(` ${opts.from ? `read ${opts.from}/ and` : 'synthesized and'} priced ${bills.length} stage(s) in ${(elapsedMs / 1000).toFixed(1)} s`));
}

function costTemplates(opts: CostOptions, explicitProfile: boolean): void {
  const sources = templateSources(opts);
  const options = pricingOptions(opts);
  let usage: ReturnType<typeof usageFromPlan> | undefined;
  let usageFrom = '';
  let region = opts.region;
  if (explicitProfile) {
    const profile = inRegion(readProfile(opts), opts.region);
    const stage = opts.stage ? stageByName(opts.stage).name : 'split-tier';
    usage = usageFromPlan(computePlan(profile, stage));
    usageFrom = ` · usage of ${profile.name} as planned for ${stage}`;
    region ??= profile.region;
  }
  const bills = sources.map((source) => {
    const billRegion = region ?? source.region ?? 'us-east-1';
    return priceTemplate(source.template, { region: billRegion, usage, catalog: options.catalog, support: opts.support, commitment: options.commitment, natShareOfEgress: options.natShareOfEgress, label: `${source.name} · AWS ${billRegion}${usageFrom}` });
  });
  if (opts.format === 'infracost') {
    write(JSON.stringify(infracostJson(bills.map((b, i) => ({ name: sources[i].name, path: opts.template ?? `${opts.assembly}/${sources[i].name}`, bill: b })), { command: commandLine() }), null, 2));
  } else if (opts.format === 'json') {
    write(JSON.stringify(bills.length === 1 ? billJson(bills[0]) : { totalMonthlyCost: bills.every((b) => b.complete) ? bills.reduce((s, b) => s + b.totalMonthlyCost, 0) : null, stacks: bills.map((b, i) => ({ stackName: sources[i].name, ...billJson(b) })) }, null, 2));
  } else if (opts.format === 'markdown') {
    write(bills.map(billMarkdown).join('\n\n'));
  } else {
    write(bills.map((b) => billTable(b, { assumptions: opts.assumptions })).join('\n\n'));
    if (!region && !sources.some((s) => s.region)) write(colors.dim(' region: us-east-1 (the template does not pin one; choose with --region)'));
  }
}

export function costCommand(): Command {
  const cost = withPricingOptions(
    new Command('cost')
      .description('monthly bill of each stage on AWS managed services, on EKS and self-hosted, or of any CloudFormation template')
      .addOption(stageOption())
      .addOption(allStagesOption())
      .option('--summary', 'print only the ladder summary (stage × provider)')
      .option('--template <file>', 'price a CloudFormation template (JSON or YAML) from any CDK or CloudFormation app')
      .option('--assembly <dir>', 'price every stack of a CDK cloud assembly (cdk.out)'),
  ).action(function (this: Command, opts: CostOptions) {
    if (opts.template || opts.assembly) {
      if (opts.all) throw new UsageError('--all prices stagekit\'s stages; with --template or --assembly, give the file only');
      costTemplates(opts, this.getOptionValueSource('profile') === 'cli');
      return;
    }
    if (opts.format === 'infracost' && (opts.all || opts.summary)) {
      throw new UsageError('--format infracost: give one stage with --stage (infracost adds its projects up, and stages are alternatives, not parts of one bill)');
    }
    const stages = opts.summary && !opts.stage ? [...STAGE_NAMES] : selectedStages(opts);
    const started = performance.now();
    const bills = runCost(stages, opts);
    printStages(bills, opts, performance.now() - started);
    printCapacityVerdicts(bills.map((b) => b.plan), { quietWhenOk: opts.format === 'json' });
  });

  cost.addCommand(
    withUsageExitCodes(withPricingOptions(
      new Command('diff')
        .description('what changes between two stages: added, removed and changed resources with old → new monthly cost, per provider')
        .argument('<from>', `stage: ${STAGE_NAMES.join(', ')}`)
        .argument('<to>', 'stage'),
    ).action((from: string, to: string, _opts: CostOptions, command: Command) => {
      const opts = command.optsWithGlobals() as CostOptions;
      if (opts.format === 'infracost') throw new UsageError('--format infracost: not available for cost diff; use `stagekit cost --stage <stage> --format infracost` per stage and `infracost diff` on the two files');
      const stages = [stageByName(from).name, stageByName(to).name];
      const bills = runCost(stages, opts);
      const diff = diffStages(bills[0], bills[1]);
      if (opts.format === 'json') {
        write(JSON.stringify(stageDiffJson(diff), null, 2));
        return;
      }
      if (opts.format === 'markdown') {
        write([`### stagekit cost diff: ${from} → ${to}`, ...PROVIDERS.map((p) => diffMarkdown(diff.providers[p])), `_Catalog: ${bills[0].providers.aws.catalogDate}_`].join('\n\n'));
        return;
      }
      for (const provider of PROVIDERS) write(`\n${diffTable(diff.providers[provider], { components: opts.assumptions })}`);
      write(colors.dim(`\n Catalog: ${bills[0].providers.aws.catalogDate}`));
    })),
  );
  return cost;
}
