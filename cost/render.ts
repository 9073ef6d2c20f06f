/**
 * Bills, diffs and the ladder summary as text: a terminal table (a resource tree with quantity, unit and
 * monthly cost, usage lines marked with their assumption), Markdown for a pull-request comment, and JSON
 * with Infracost's field names. Colour as terminal/output.ts decides it (never under NO_COLOR).
 */
import { colors } from '../terminal/output';
import type { BillDiff, ResourceDiff } from './diff';
import { Bill, CostComponent, describeMissing, notPriced, PricedResource, PROVIDERS, ProviderId } from './model';
import type { LadderRow, StageBills, StageDiff } from './stage';

/** `infracost`: Infracost's JSON output (cost/infracost.ts), for `infracost output` and `infracost comment`. */
export type Format = 'table' | 'json' | 'markdown' | 'infracost';
export const FORMATS: readonly Format[] = ['table', 'json', 'markdown', 'infracost'];

// --- numbers -------------------------------------------------------------------------------------------------

/** "$1,303.40" */
export function usd(value: number | null, decimals = 2): string {
  if (value === null) return '-';
  const sign = value < 0 ? '-' : '';
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
}

/** "$1,303", or "$0.53" below ten dollars */
export const usd0 = (value: number | null) => (value !== null && value !== 0 && Math.abs(value) < 10 ? usd(value, 2) : usd(value === null ? null : Math.round(value), 0));

/** "+$561" / "-$42" */
export function signed(value: number): string {
  const abs = Math.abs(value);
  const digits = abs > 0 && abs < 10 ? 2 : 0;
  return `${value >= 0 ? '+' : '-'}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

function quantity(value: number | null): string {
  if (value === null) return '-';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 4;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function percent(value: number | null): string {
  if (value === null) return 'new';
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

const PROVIDER_TITLE: Record<ProviderId, string> = { aws: 'AWS managed', eks: 'EKS', 'self-hosted': 'self-hosted' };

// --- table -----------------------------------------------------------------------------------------------------

interface Row {
  name: string;
  qty?: string;
  unit?: string;
  cost?: string;
  style?: (text: string) => string;
}

/** Widest name column before names are cut (notes and assumptions run on past it). */
const NAME_WIDTH = 78;

function layout(rows: Row[], head: Row): string {
  const all = [head, ...rows];
  const cells = all.filter((r) => r.qty !== undefined || r.unit !== undefined || r.cost !== undefined);
  const widths = {
    name: Math.min(NAME_WIDTH, Math.max(...cells.map((r) => r.name.length))),
    qty: Math.max(...cells.map((r) => (r.qty ?? '').length)),
    unit: Math.max(...cells.map((r) => (r.unit ?? '').length)),
    cost: Math.max(...cells.map((r) => (r.cost ?? '').length)),
  };
  const fit = (name: string) => (name.length > widths.name ? `${name.slice(0, widths.name - 1)}…` : name);
  const line = (row: Row) => {
    if (row.qty === undefined && row.unit === undefined && row.cost === undefined) return row.name;
    const text = `${fit(row.name).padEnd(widths.name)}  ${(row.qty ?? '').padStart(widths.qty)}  ${(row.unit ?? '').padEnd(widths.unit)}  ${(row.cost ?? '').padStart(widths.cost)}`;
    return text.trimEnd();
  };
  return [colors.bold(line(head)), ...all.slice(1).map((r) => (r.style ? r.style(line(r)) : line(r)))].join('\n');
}

function byCost(left: PricedResource, right: PricedResource): number {
  const rank = (r: PricedResource) => (r.status === 'not-priced' ? 1 : 0);
  return rank(left) - rank(right) || (right.monthlyCost ?? 0) - (left.monthlyCost ?? 0) || left.name.localeCompare(right.name);
}

function componentRow(component: CostComponent, last: boolean, assumptions: boolean): Row[] {
  const branch = last ? '└─ ' : '├─ ';
  const cont = last ? '   ' : '│  ';
  const rows: Row[] = [
    {
      name: ` ${branch}${component.name}${component.usageBased ? ' *' : ''}`,
      qty: component.notPriced ? undefined : quantity(component.monthlyQuantity),
      unit: component.unit,
      cost: component.notPriced ? 'not priced' : component.monthlyCost === null ? 'no usage' : usd(component.monthlyCost),
      style: component.notPriced ? colors.yellow : undefined,
    },
  ];
  if (component.notPriced) rows.push({ name: ` ${cont}   ${component.notPriced}`, style: colors.yellow });
  else if (assumptions && component.assumption) rows.push({ name: ` ${cont}   ↳ ${component.assumption}`, style: colors.dim });
  return rows;
}

/** One bill as a resource tree. */
export function billTable(bill: Bill, options: { title?: string; assumptions?: boolean } = {}): string {
  const showAssumptions = options.assumptions ?? true;
  const rows: Row[] = [];
  const shown = bill.resources.filter((r) => r.status === 'priced' || r.status === 'not-priced').sort(byCost);
  for (const resource of shown) {
    const subtotal = resource.costComponents.length > 1 || resource.status === 'not-priced' ? (resource.status === 'not-priced' ? 'not priced' : usd(resource.monthlyCost)) : undefined;
    rows.push({ name: ` ${resource.name}  ${resource.resourceType}`, cost: subtotal, qty: subtotal ? '' : undefined, unit: subtotal ? '' : undefined, style: resource.status === 'not-priced' ? colors.yellow : colors.bold });
    if (resource.note && (showAssumptions || resource.status === 'not-priced')) rows.push({ name: ` │  ${resource.note}`, style: resource.status === 'not-priced' ? colors.yellow : colors.dim });
    resource.costComponents.forEach((c, i) => rows.push(...componentRow(c, i === resource.costComponents.length - 1, showAssumptions)));
  }
  const out: string[] = [];
  const title = options.title ?? `${bill.stage ? `${bill.stage} · ` : ''}${bill.label}`;
  out.push(colors.bold(colors.cyan(`── ${title} `.padEnd(Math.max(40, title.length + 4), '─'))));
  out.push(layout(rows, { name: ' Name', qty: 'Monthly qty', unit: 'Unit', cost: 'Monthly cost' }));
  if (bill.complete) out.push(colors.bold(` ${'Total'.padEnd(20)} ${usd(bill.totalMonthlyCost)} per month`));
  else {
    out.push(colors.bold(colors.red(` ${'Total'.padEnd(20)} none: the bill is incomplete`)));
    for (const gap of bill.missing) out.push(colors.red(`   ${gap.component} not priced: ${gap.name} (${gap.reason})`));
    out.push(colors.dim(` ${'  priced lines only'.padEnd(20)} ${usd(bill.totalMonthlyCost)} (not a total: the components above are left out)`));
  }
  if (bill.usageIncluded) out.push(` ${'  usage-based (*)'.padEnd(20)} ${usd(bill.usageMonthlyCost)}`);
  out.push(...footer(bill));
  if (showAssumptions) for (const assumption of bill.assumptions) out.push(colors.dim(` · ${assumption}`));
  out.push(colors.dim(` Catalog: ${bill.catalogDate}`));
  return out.join('\n');
}

function footer(bill: Bill): string[] {
  const free = bill.resources.filter((r) => r.status === 'free').length;
  const ppu = bill.resources.filter((r) => r.status === 'pay-per-use');
  const missing = notPriced(bill);
  const lines: string[] = [];
  const parts = [`${free} free resource(s)`];
  if (ppu.length) parts.push(`${ppu.length} pay-per-use, usage not modelled (${ppu.map((r) => r.name).join(', ')})`);
  lines.push(` ${parts.join(' · ')}`);
  if (missing.length) lines.push(colors.yellow(` ${missing.length} resource(s) not priced or priced in part: ${missing.map((r) => r.name).join(', ')}`));
  if (!bill.usageIncluded) lines.push(colors.yellow(' usage-based costs not included: give a workload profile with --profile'));
  return lines;
}

/** A ladder cell: the total, "†" when a minor line is not priced, or "incomplete" (no total) when a major component is missing. */
function ladderCell(row: LadderRow, provider: ProviderId, totalUsd: number): string {
  if (!row.complete[provider]) return 'incomplete‡';
  return `${usd0(totalUsd)}${row.incomplete.includes(provider) ? '†' : ''}`;
}

/** The commitment term the ladder's AWS column is priced at, if any. */
function commitmentOf(rows: readonly LadderRow[]): string | undefined {
  return rows.find((r) => r.commitment)?.commitment;
}

/** The on-demand AWS cell next to a committed one. */
function onDemandCell(row: LadderRow): string {
  return row.awsOnDemand === null || row.awsOnDemand === undefined ? 'incomplete‡' : `${usd0(row.awsOnDemand)}${row.incomplete.includes('aws') ? '†' : ''}`;
}

/** Footnotes naming what an incomplete bill left out, per stage and provider. */
function incompleteNotes(rows: readonly LadderRow[], selfHostedName: string): string[] {
  const out: string[] = [];
  for (const row of rows) {
    for (const provider of PROVIDERS) {
      if (row.complete[provider]) continue;
      out.push(`${row.stage}, ${provider === 'self-hosted' ? selfHostedName : PROVIDER_TITLE[provider]}: ${describeMissing(row.missingMajor[provider])}`);
    }
  }
  return out;
}

/** The ladder: stage × provider, with the managed / self-hosted ratio. */
export function ladderTable(rows: readonly LadderRow[], selfHostedName: string, heading: string): string {
  const mark = ladderCell;
  const term = commitmentOf(rows);
  const table = [
    [...['stage'], ...(term ? ['AWS on-demand', `AWS ${term} reserved`] : ['AWS managed']), 'EKS', selfHostedName, 'AWS ÷ self-hosted'],
    ...rows.map((r) => [r.stage, ...(term ? [onDemandCell(r)] : []), mark(r, 'aws', r.aws), mark(r, 'eks', r.eks), mark(r, 'self-hosted', r.selfHosted), r.ratio === null ? (r.ratioWithheld ? 'none‡' : '-') : `${r.ratio.toFixed(1)}×`]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ');
  const lines = [colors.bold(heading), colors.bold(` ${fmt(table[0])}`), ...table.slice(1).map((row) => ` ${fmt(row)}`)];
  const holes = incompleteNotes(rows, selfHostedName);
  if (holes.length) {
    lines.push(colors.red(' ‡ incomplete: a major component could not be priced, so there is no total and no ratio:'));
    for (const hole of holes) lines.push(colors.red(`   ${hole}`));
  }
  if (rows.some((r) => r.incomplete.length)) {
    lines.push(colors.dim(' † left out of the total, not priced (see the stage\'s bill):'));
    for (const provider of PROVIDERS) {
      const counts = new Map<string, number>();
      for (const row of rows) for (const component of new Set(row.missing[provider])) counts.set(component, (counts.get(component) ?? 0) + 1);
      const items = [...counts].map(([m, n]) => (n < rows.length ? `${m} (${n} stage${n > 1 ? 's' : ''})` : m));
      const shown = items.length > 5 ? [...items.slice(0, 4), `and ${items.length - 4} more`] : items;
      if (counts.size) lines.push(colors.dim(`   ${provider === 'self-hosted' ? selfHostedName : PROVIDER_TITLE[provider]}: ${shown.join(', ')}`));
    }
  }
  return lines.join('\n');
}

/** A diff in Infracost's style: `~ name  +$561 ($743 → $1,303)`. */
export function diffTable(diff: BillDiff, options: { components?: boolean } = {}): string {
  const out: string[] = [colors.bold(colors.cyan(`── ${diff.pastStage ?? 'before'} → ${diff.stage ?? 'after'} · ${diff.label} `.padEnd(60, '─')))];
  const nameWidth = Math.min(60, Math.max(10, ...diff.resources.map((r) => r.name.length + 2)));
  for (const resource of diff.resources) out.push(...resourceDiffLines(resource, nameWidth, options.components ?? true));
  if (!diff.resources.length) out.push(' no change in priced resources');
  const free = [diff.freeResourcesAdded ? `${diff.freeResourcesAdded} free resource(s) added` : '', diff.freeResourcesRemoved ? `${diff.freeResourcesRemoved} removed` : ''].filter(Boolean).join(', ');
  if (free) out.push(colors.dim(` (${free})`));
  if (diff.notPriced.length) out.push(colors.yellow(` not priced, change unknown: ${diff.notPriced.join(', ')}`));
  out.push(colors.bold(` Monthly cost change: ${signed(diff.diffTotalMonthlyCost)} (${percent(diff.percentChange)})   ${usd0(diff.pastTotalMonthlyCost)} → ${usd0(diff.totalMonthlyCost)}`));
  return out.join('\n');
}

function resourceDiffLines(resource: ResourceDiff, width: number, components: boolean): string[] {
  const sym = resource.change === 'added' ? '+' : resource.change === 'removed' ? '-' : '~';
  const colour = resource.change === 'added' ? colors.green : resource.change === 'removed' ? colors.red : colors.yellow;
  const change = resource.status === 'not-priced' ? 'not priced' : `${signed(resource.diffMonthlyCost)} (${usd0(resource.pastMonthlyCost ?? 0)} → ${usd0(resource.monthlyCost ?? 0)})`;
  const lines = [`${colour(` ${sym} ${resource.name}`.padEnd(width + 3))}  ${change}`];
  if (components) {
    for (const component of resource.costComponents.filter((x) => Math.abs(x.diffMonthlyCost) >= 0.005).slice(0, resource.change === 'changed' ? 6 : 3)) {
      const sign = component.change === 'added' ? '+' : component.change === 'removed' ? '-' : '~';
      lines.push(colors.dim(`     ${sign} ${component.name}${component.usageBased ? ' *' : ''}  ${signed(component.diffMonthlyCost)}`));
    }
  }
  return lines;
}

// --- markdown ----------------------------------------------------------------------------------------------------

const md = (s: string) => s.replace(/\|/g, '\\|');

export function billMarkdown(bill: Bill): string {
  const lines = [`#### ${bill.stage ? `${bill.stage} · ` : ''}${bill.label}: ${billHeadline(bill)}`, '', '| Resource | Type | Monthly cost |', '| --- | --- | ---: |'];
  for (const resource of bill.resources.filter((x) => x.status === 'priced' || x.status === 'not-priced').sort(byCost)) {
    const usage = resource.costComponents.some((c) => c.usageBased) ? ' *' : '';
    lines.push(`| ${md(resource.name)}${usage} | ${md(resource.resourceType)} | ${resource.status === 'not-priced' ? '**not priced**' : usd(resource.monthlyCost)} |`);
  }
  if (bill.complete) lines.push(`| **Total** | | **${usd(bill.totalMonthlyCost)}** |`, '');
  else {
    lines.push(`| **Total** | | **none: incomplete** |`, `| _priced lines only (not a total)_ | | _${usd(bill.totalMonthlyCost)}_ |`, '');
    lines.push(`**Incomplete:** ${bill.missing.map((m) => `${m.component} \`${md(m.name)}\` not priced (${md(m.reason)})`).join('; ')}.`, '');
  }
  const missing = notPriced(bill);
  if (missing.length) lines.push(`Not priced: ${missing.map((r) => `\`${r.name}\` (${md(r.note ?? r.costComponents.find((c) => c.notPriced)?.notPriced ?? '')})`).join(', ')}`, '');
  lines.push(`\\* includes usage-based lines (${usd0(bill.usageMonthlyCost)}). ${bill.assumptions.map(md).join('; ')}.`, '', `_Catalog: ${md(bill.catalogDate)}_`);
  return lines.join('\n');
}

/** "$1,303/month", or "incomplete (no total)" when a major component is missing. */
export function billHeadline(bill: Bill): string {
  return bill.complete ? `${usd0(bill.totalMonthlyCost)}/month` : 'incomplete (no total)';
}

export function ladderMarkdown(rows: readonly LadderRow[], selfHostedName: string): string {
  const term = commitmentOf(rows);
  const lines = [
    `| Stage | ${term ? `AWS on-demand | AWS ${term} reserved` : 'AWS managed'} | EKS | ${selfHostedName} | AWS ÷ self-hosted |`,
    `| --- | ---: |${term ? ' ---: |' : ''} ---: | ---: | ---: |`,
    ...rows.map((r) => `| ${r.stage} | ${term ? `${md(onDemandCell(r))} | ` : ''}${md(ladderCell(r, 'aws', r.aws))} | ${md(ladderCell(r, 'eks', r.eks))} | ${md(ladderCell(r, 'self-hosted', r.selfHosted))} | ${r.ratio === null ? (r.ratioWithheld ? 'none‡' : '-') : `${r.ratio.toFixed(1)}×`} |`),
  ];
  if (rows.some((r) => PROVIDERS.some((p) => r.incomplete.includes(p) && r.complete[p]))) lines.push('', '† a minor line is not priced (see the stage\'s bill).');
  const holes = incompleteNotes(rows, selfHostedName);
  if (holes.length) lines.push('', '‡ incomplete: a major component could not be priced, so there is no total and no ratio:', ...holes.map((h) => `- ${md(h)}`));
  return lines.join('\n');
}

export function diffMarkdown(diff: BillDiff): string {
  const lines = [
    `#### ${diff.label}: ${signed(diff.diffTotalMonthlyCost)}/month (${percent(diff.percentChange)}), ${usd0(diff.pastTotalMonthlyCost)} → ${usd0(diff.totalMonthlyCost)}`,
    '',
    '| | Resource | Change | Before | After |',
    '| --- | --- | ---: | ---: | ---: |',
    ...diff.resources.map((r) => `| ${r.change === 'added' ? '+' : r.change === 'removed' ? '−' : '~'} | ${md(r.name)} | ${signed(r.diffMonthlyCost)} | ${usd0(r.pastMonthlyCost ?? 0)} | ${usd0(r.monthlyCost ?? 0)} |`),
  ];
  return lines.join('\n');
}

// --- JSON ----------------------------------------------------------------------------------------------------------

const r6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);

/** A bill in Infracost's field names (USD as numbers). */
export function billJson(bill: Bill): object {
  return {
    currency: bill.currency,
    provider: bill.provider,
    label: bill.label,
    ...(bill.stage ? { stage: bill.stage } : {}),
    // No total over a bill that left out a major component: the priced lines' sum is given under its own name.
    totalMonthlyCost: bill.complete ? r6(bill.totalMonthlyCost) : null,
    pricedMonthlyCost: r6(bill.totalMonthlyCost),
    complete: bill.complete,
    missing: bill.missing,
    usageMonthlyCost: r6(bill.usageMonthlyCost),
    usageIncluded: bill.usageIncluded,
    catalogDate: bill.catalogDate,
    assumptions: bill.assumptions,
    resources: bill.resources.map((resource) => ({
      name: resource.name,
      resourceType: resource.resourceType,
      monthlyCost: r6(resource.monthlyCost),
      status: resource.status,
      ...(resource.note ? { note: resource.note } : {}),
      costComponents: resource.costComponents.map((component) => ({
        name: component.name,
        unit: component.unit,
        monthlyQuantity: r6(component.monthlyQuantity),
        price: r6(component.price),
        monthlyCost: r6(component.monthlyCost),
        usageBased: component.usageBased,
        ...(component.assumption ? { assumption: component.assumption } : {}),
        ...(component.notPriced ? { notPriced: component.notPriced } : {}),
        ...(component.priceSource ? { priceSource: component.priceSource } : {}),
      })),
    })),
  };
}

export function stageJson(bills: StageBills): object {
  return { stage: bills.stage, region: bills.plan.region, providers: Object.fromEntries(PROVIDERS.map((p) => [p, billJson(bills.providers[p])])) };
}

export function ladderJson(rows: readonly LadderRow[]): object[] {
  return rows.map((row) => ({
    stage: row.stage,
    aws: row.complete.aws ? r6(row.aws) : null,
    ...(row.commitment ? { commitment: row.commitment, awsOnDemand: row.awsOnDemand === null || row.awsOnDemand === undefined ? null : r6(row.awsOnDemand) } : {}),
    eks: row.complete.eks ? r6(row.eks) : null,
    selfHosted: row.complete['self-hosted'] ? r6(row.selfHosted) : null,
    awsToSelfHostedRatio: row.ratio === null ? null : Math.round(row.ratio * 100) / 100,
    ...(row.ratioWithheld ? { ratioWithheld: row.ratioWithheld } : {}),
    complete: row.complete,
    missing: row.missingMajor,
    notPriced: row.missing,
  }));
}

export function diffJson(diff: BillDiff): object {
  return {
    provider: diff.provider,
    label: diff.label,
    pastTotalMonthlyCost: r6(diff.pastTotalMonthlyCost),
    totalMonthlyCost: r6(diff.totalMonthlyCost),
    diffTotalMonthlyCost: r6(diff.diffTotalMonthlyCost),
    percentChange: diff.percentChange === null ? null : Math.round(diff.percentChange * 100) / 100,
    resources: diff.resources.map((resource) => ({
      name: resource.name,
      resourceType: resource.resourceType,
      change: resource.change,
      pastMonthlyCost: r6(resource.pastMonthlyCost),
      monthlyCost: r6(resource.monthlyCost),
      diffMonthlyCost: r6(resource.diffMonthlyCost),
      costComponents: resource.costComponents.map((c) => ({ name: c.name, change: c.change, pastMonthlyCost: r6(c.pastMonthlyCost), monthlyCost: r6(c.monthlyCost), diffMonthlyCost: r6(c.diffMonthlyCost), usageBased: c.usageBased })),
    })),
    freeResourcesAdded: diff.freeResourcesAdded,
    freeResourcesRemoved: diff.freeResourcesRemoved,
    notPriced: diff.notPriced,
  };
}

export function stageDiffJson(diff: StageDiff): object {
  return { from: diff.from, to: diff.to, providers: Object.fromEntries(PROVIDERS.map((p) => [p, diffJson(diff.providers[p])])) };
}

export { PROVIDER_TITLE };
