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
  style?: (s: string) => string;
}

/** Widest name column before names are cut (notes and assumptions run on past it). */
const NAME_WIDTH = 78;

function layout(rows: Row[], head: Row): string {
  const all = [head, ...rows];
  const cells = all.filter((r) => r.qty !== undefined || r.unit !== undefined || r.cost !== undefined);
  const w = {
    name: Math.min(NAME_WIDTH, Math.max(...cells.map((r) => r.name.length))),
    qty: Math.max(...cells.map((r) => (r.qty ?? '').length)),
    unit: Math.max(...cells.map((r) => (r.unit ?? '').length)),
    cost: Math.max(...cells.map((r) => (r.cost ?? '').length)),
  };
  const fit = (name: string) => (name.length > w.name ? `${name.slice(0, w.name - 1)}…` : name);
  const line = (r: Row) => {
    if (r.qty === undefined && r.unit === undefined && r.cost === undefined) return r.name;
    const text = `${fit(r.name).padEnd(w.name)}  ${(r.qty ?? '').padStart(w.qty)}  ${(r.unit ?? '').padEnd(w.unit)}  ${(r.cost ?? '').padStart(w.cost)}`;
    return text.trimEnd();
  };
  return [colors.bold(line(head)), ...all.slice(1).map((r) => (r.style ? r.style(line(r)) : line(r)))].join('\n');
}

function byCost(a: PricedResource, b: PricedResource): number {
  const rank = (r: PricedResource) => (r.status === 'not-priced' ? 1 : 0);
  return rank(a) - rank(b) || (b.monthlyCost ?? 0) - (a.monthlyCost ?? 0) || a.name.localeCompare(b.name);
}

function componentRow(c: CostComponent, last: boolean, assumptions: boolean): Row[] {
  const branch = last ? '└─ ' : '├─ ';
  const cont = last ? '   ' : '│  ';
  const rows: Row[] = [
    {
      name: ` ${branch}${c.name}${c.usageBased ? ' *' : ''}`,
      qty: c.notPriced ? undefined : quantity(c.monthlyQuantity),
      unit: c.unit,
      cost: c.notPriced ? 'not priced' : c.monthlyCost === null ? 'no usage' : usd(c.monthlyCost),
      style: c.notPriced ? colors.yellow : undefined,
    },
  ];
  if (c.notPriced) rows.push({ name: ` ${cont}   ${c.notPriced}`, style: colors.yellow });
  else if (assumptions && c.assumption) rows.push({ name: ` ${cont}   ↳ ${c.assumption}`, style: colors.dim });
  return rows;
}

/** One bill as a resource tree. */
export function billTable(bill: Bill, options: { title?: string; assumptions?: boolean } = {}): string {
  const showAssumptions = options.assumptions ?? true;
  const rows: Row[] = [];
  const shown = bill.resources.filter((r) => r.status === 'priced' || r.status === 'not-priced').sort(byCost);
  for (const r of shown) {
    const subtotal = r.costComponents.length > 1 || r.status === 'not-priced' ? (r.status === 'not-priced' ? 'not priced' : usd(r.monthlyCost)) : undefined;
    rows.push({ name: ` ${r.name}  ${r.resourceType}`, cost: subtotal, qty: subtotal ? '' : undefined, unit: subtotal ? '' : undefined, style: r.status === 'not-priced' ? colors.yellow : colors.bold });
    if (r.note && (showAssumptions || r.status === 'not-priced')) rows.push({ name: ` │  ${r.note}`, style: r.status === 'not-priced' ? colors.yellow : colors.dim });
    r.costComponents.forEach((c, i) => rows.push(...componentRow(c, i === r.costComponents.length - 1, showAssumptions)));
  }
  const out: string[] = [];
  const title = options.title ?? `${bill.stage ? `${bill.stage} · ` : ''}${bill.label}`;
  out.push(colors.bold(colors.cyan(`── ${title} `.padEnd(Math.max(40, title.length + 4), '─'))));
  out.push(layout(rows, { name: ' Name', qty: 'Monthly qty', unit: 'Unit', cost: 'Monthly cost' }));
  if (bill.complete) out.push(colors.bold(` ${'Total'.padEnd(20)} ${usd(bill.totalMonthlyCost)} per month`));
  else {
    out.push(colors.bold(colors.red(` ${'Total'.padEnd(20)} none: the bill is incomplete`)));
    for (const m of bill.missing) out.push(colors.red(`   ${m.component} not priced: ${m.name} (${m.reason})`));
    out.push(colors.dim(` ${'  priced lines only'.padEnd(20)} ${usd(bill.totalMonthlyCost)} (not a total: the components above are left out)`));
  }
  if (bill.usageIncluded) out.push(` ${'  usage-based (*)'.padEnd(20)} ${usd(bill.usageMonthlyCost)}`);
  out.push(...footer(bill));
  if (showAssumptions) for (const a of bill.assumptions) out.push(colors.dim(` · ${a}`));
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
function ladderCell(r: LadderRow, p: ProviderId, v: number): string {
  if (!r.complete[p]) return 'incomplete‡';
  return `${usd0(v)}${r.incomplete.includes(p) ? '†' : ''}`;
}

/** The commitment term the ladder's AWS column is priced at, if any. */
function commitmentOf(rows: readonly LadderRow[]): string | undefined {
  return rows.find((r) => r.commitment)?.commitment;
}

/** The on-demand AWS cell next to a committed one. */
function onDemandCell(r: LadderRow): string {
  return r.awsOnDemand === null || r.awsOnDemand === undefined ? 'incomplete‡' : `${usd0(r.awsOnDemand)}${r.incomplete.includes('aws') ? '†' : ''}`;
}

/** Footnotes naming what an incomplete bill left out, per stage and provider. */
function incompleteNotes(rows: readonly LadderRow[], selfHostedName: string): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const p of PROVIDERS) {
      if (r.complete[p]) continue;
      out.push(`${r.stage}, ${p === 'self-hosted' ? selfHostedName : PROVIDER_TITLE[p]}: ${describeMissing(r.missingMajor[p])}`);
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
    for (const h of holes) lines.push(colors.red(`   ${h}`));
  }
  if (rows.some((r) => r.incomplete.length)) {
    lines.push(colors.dim(' † left out of the total, not priced (see the stage\'s bill):'));
    for (const p of PROVIDERS) {
      const counts = new Map<string, number>();
      for (const r of rows) for (const m of new Set(r.missing[p])) counts.set(m, (counts.get(m) ?? 0) + 1);
      const items = [...counts].map(([m, n]) => (n < rows.length ? `${m} (${n} stage${n > 1 ? 's' : ''})` : m));
      const shown = items.length > 5 ? [...items.slice(0, 4), `and ${items.length - 4} more`] : items;
      if (counts.size) lines.push(colors.dim(`   ${p === 'self-hosted' ? selfHostedName : PROVIDER_TITLE[p]}: ${shown.join(', ')}`));
    }
  }
  return lines.join('\n');
}

/** A diff in Infracost's style: `~ name  +$561 ($743 → $1,303)`. */
export function diffTable(d: BillDiff, options: { components?: boolean } = {}): string {
  const out: string[] = [colors.bold(colors.cyan(`── ${d.pastStage ?? 'before'} → ${d.stage ?? 'after'} · ${d.label} `.padEnd(60, '─')))];
  const nameWidth = Math.min(60, Math.max(10, ...d.resources.map((r) => r.name.length + 2)));
  for (const r of d.resources) out.push(...resourceDiffLines(r, nameWidth, options.components ?? true));
  if (!d.resources.length) out.push(' no change in priced resources');
  const free = [d.freeResourcesAdded ? `${d.freeResourcesAdded} free resource(s) added` : '', d.freeResourcesRemoved ? `${d.freeResourcesRemoved} removed` : ''].filter(Boolean).join(', ');
  if (free) out.push(colors.dim(` (${free})`));
  if (d.notPriced.length) out.push(colors.yellow(` not priced, change unknown: ${d.notPriced.join(', ')}`));
  out.push(colors.bold(` Monthly cost change: ${signed(d.diffTotalMonthlyCost)} (${percent(d.percentChange)})   ${usd0(d.pastTotalMonthlyCost)} → ${usd0(d.totalMonthlyCost)}`));
  return out.join('\n');
}

function resourceDiffLines(r: ResourceDiff, width: number, components: boolean): string[] {
  const sym = r.change === 'added' ? '+' : r.change === 'removed' ? '-' : '~';
  const colour = r.change === 'added' ? colors.green : r.change === 'removed' ? colors.red : colors.yellow;
  const change = r.status === 'not-priced' ? 'not priced' : `${signed(r.diffMonthlyCost)} (${usd0(r.pastMonthlyCost ?? 0)} → ${usd0(r.monthlyCost ?? 0)})`;
  const lines = [`${colour(` ${sym} ${r.name}`.padEnd(width + 3))}  ${change}`];
  if (components) {
    for (const c of r.costComponents.filter((x) => Math.abs(x.diffMonthlyCost) >= 0.005).slice(0, r.change === 'changed' ? 6 : 3)) {
      const s = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
      lines.push(colors.dim(`     ${s} ${c.name}${c.usageBased ? ' *' : ''}  ${signed(c.diffMonthlyCost)}`));
    }
  }
  return lines;
}

// --- markdown ----------------------------------------------------------------------------------------------------

const md = (s: string) => s.replace(/\|/g, '\\|');

export function billMarkdown(bill: Bill): string {
  const lines = [`#### ${bill.stage ? `${bill.stage} · ` : ''}${bill.label}: ${billHeadline(bill)}`, '', '| Resource | Type | Monthly cost |', '| --- | --- | ---: |'];
  for (const r of bill.resources.filter((x) => x.status === 'priced' || x.status === 'not-priced').sort(byCost)) {
    const usage = r.costComponents.some((c) => c.usageBased) ? ' *' : '';
    lines.push(`| ${md(r.name)}${usage} | ${md(r.resourceType)} | ${r.status === 'not-priced' ? '**not priced**' : usd(r.monthlyCost)} |`);
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

export function diffMarkdown(d: BillDiff): string {
  const lines = [
    `#### ${d.label}: ${signed(d.diffTotalMonthlyCost)}/month (${percent(d.percentChange)}), ${usd0(d.pastTotalMonthlyCost)} → ${usd0(d.totalMonthlyCost)}`,
    '',
    '| | Resource | Change | Before | After |',
    '| --- | --- | ---: | ---: | ---: |',
    ...d.resources.map((r) => `| ${r.change === 'added' ? '+' : r.change === 'removed' ? '−' : '~'} | ${md(r.name)} | ${signed(r.diffMonthlyCost)} | ${usd0(r.pastMonthlyCost ?? 0)} | ${usd0(r.monthlyCost ?? 0)} |`),
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
    resources: bill.resources.map((r) => ({
      name: r.name,
      resourceType: r.resourceType,
      monthlyCost: r6(r.monthlyCost),
      status: r.status,
      ...(r.note ? { note: r.note } : {}),
      costComponents: r.costComponents.map((c) => ({
        name: c.name,
        unit: c.unit,
        monthlyQuantity: r6(c.monthlyQuantity),
        price: r6(c.price),
        monthlyCost: r6(c.monthlyCost),
        usageBased: c.usageBased,
        ...(c.assumption ? { assumption: c.assumption } : {}),
        ...(c.notPriced ? { notPriced: c.notPriced } : {}),
        ...(c.priceSource ? { priceSource: c.priceSource } : {}),
      })),
    })),
  };
}

export function stageJson(s: StageBills): object {
  return { stage: s.stage, region: s.plan.region, providers: Object.fromEntries(PROVIDERS.map((p) => [p, billJson(s.providers[p])])) };
}

export function ladderJson(rows: readonly LadderRow[]): object[] {
  return rows.map((r) => ({
    stage: r.stage,
    aws: r.complete.aws ? r6(r.aws) : null,
    ...(r.commitment ? { commitment: r.commitment, awsOnDemand: r.awsOnDemand === null || r.awsOnDemand === undefined ? null : r6(r.awsOnDemand) } : {}),
    eks: r.complete.eks ? r6(r.eks) : null,
    selfHosted: r.complete['self-hosted'] ? r6(r.selfHosted) : null,
    awsToSelfHostedRatio: r.ratio === null ? null : Math.round(r.ratio * 100) / 100,
    ...(r.ratioWithheld ? { ratioWithheld: r.ratioWithheld } : {}),
    complete: r.complete,
    missing: r.missingMajor,
    notPriced: r.missing,
  }));
}

export function diffJson(d: BillDiff): object {
  return {
    provider: d.provider,
    label: d.label,
    pastTotalMonthlyCost: r6(d.pastTotalMonthlyCost),
    totalMonthlyCost: r6(d.totalMonthlyCost),
    diffTotalMonthlyCost: r6(d.diffTotalMonthlyCost),
    percentChange: d.percentChange === null ? null : Math.round(d.percentChange * 100) / 100,
    resources: d.resources.map((r) => ({
      name: r.name,
      resourceType: r.resourceType,
      change: r.change,
      pastMonthlyCost: r6(r.pastMonthlyCost),
      monthlyCost: r6(r.monthlyCost),
      diffMonthlyCost: r6(r.diffMonthlyCost),
      costComponents: r.costComponents.map((c) => ({ name: c.name, change: c.change, pastMonthlyCost: r6(c.pastMonthlyCost), monthlyCost: r6(c.monthlyCost), diffMonthlyCost: r6(c.diffMonthlyCost), usageBased: c.usageBased })),
    })),
    freeResourcesAdded: d.freeResourcesAdded,
    freeResourcesRemoved: d.freeResourcesRemoved,
    notPriced: d.notPriced,
  };
}

export function stageDiffJson(d: StageDiff): object {
  return { from: d.from, to: d.to, providers: Object.fromEntries(PROVIDERS.map((p) => [p, diffJson(d.providers[p])])) };
}

export { PROVIDER_TITLE };
