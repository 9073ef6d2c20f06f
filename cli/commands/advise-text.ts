/**
 * `stagekit advise` output: a terminal table, Markdown (for a pull request or a wiki) and JSON. Every
 * figure comes from the advice (core/advisor.ts) and the path's bills (cost/path.ts); every assumption
 * is listed under them. (The HTML report shares the headline: report/advice-text.ts.)
 */
import { Advice, monthLabel } from '../../core/advisor';
import { CapacityCheck, formatAmount, headroomText, percent } from '../../core/capacity';
import { round } from '../../core/units';
import type { PathCosts } from '../../cost/path';
import { adviceHeadline } from '../../report/advice-text';
import { usdWhole } from '../../terminal/money';

export const ADVICE_FORMATS = ['table', 'json', 'markdown'] as const;
export type AdviceFormat = (typeof ADVICE_FORMATS)[number];

function capacityRows(advice: Advice): string[][] {
  const rows: string[][] = [];
  for (const stage of advice.today) {
    for (const check of stage.checks) {
      const trip = advice.trips.find((t) => t.stage === stage.stage && t.id === check.id)!;
      rows.push([stage.stage, check.title, formatAmount(check.value, check.unit), formatAmount(check.limit, check.unit), headroomText(check), check.headroom === null ? '-' : trip.lowHeadroomMonth === undefined ? '-' : monthLabel(advice.options.start, trip.lowHeadroomMonth), trip.exceededMonth === undefined ? '-' : monthLabel(advice.options.start, trip.exceededMonth)]);
    }
  }
  return rows;
}

const CAPACITY_HEAD = ['stage', 'threshold', 'value today', 'limit', 'headroom', 'low headroom', 'exceeded'];

function pathHead(costs?: PathCosts): string[] {
  return ['month', 'stage', 'peak req/s', 'writes/s', 'dataset GiB', 'tightest (headroom)', ...(costs?.providers.map((p) => p.label) ?? []), 'size changes'];
}

/** Why a month's AWS bill is below the month before's while the workload did not shrink (empty when it is not). */
function billDrop(advice: Advice, costs: PathCosts | undefined, index: number): string {
  const aws = costs?.providers.find((p) => p.provider === 'aws');
  const now = aws?.monthly[index];
  const before = aws?.monthly[index - 1];
  if (index === 0 || now == null || before == null || now >= before) return '';
  const previous = advice.months[index - 1];
  const month = advice.months[index];
  if (previous.workload.seasonalPeak) return 'bill down: the seasonal peak is over, the app tier and workers scaled back';
  if (month.sizeChanges.some((c) => c.startsWith('reshard') && c.includes('(was'))) return 'bill down: more shards on a smaller class cost less than fewer large ones';
  if (month.workload.averageTrafficFactor < previous.workload.averageTrafficFactor) return 'bill down: less traffic';
  return '';
}

function sizeNote(advice: Advice, costs: PathCosts | undefined, index: number): string {
  const month = advice.months[index];
  return [month.move && index > 0 ? 'stage move: see Moves' : '', ...month.sizeChanges, billDrop(advice, costs, index)].filter(Boolean).join('; ') || '-';
}

function pathRows(advice: Advice, costs?: PathCosts): string[][] {
  return advice.months.map((month, index) => [
    `${month.label}${month.workload.seasonalPeak ? '*' : ''}`,
    `${month.stage ?? 'none'}${month.move && index > 0 ? ' ←' : ''}`,
    round(month.workload.peakRequestsPerSecond, 0).toLocaleString('en-US'),
    round(month.workload.writesPerSecond, 0).toLocaleString('en-US'),
    round(month.workload.datasetGiB, 0).toLocaleString('en-US'),
    month.tightest ? `${month.tightest.title} ${headroomText(month.tightest)}` : '-',
    ...(costs?.providers.map((p) => `${usdWhole(p.monthly[index])}${month.stage && p.gaps.some((g) => g.stage === month.stage) ? '†' : ''}`) ?? []),
    sizeNote(advice, costs, index),
  ]);
}

function breakEvenRows(costs: PathCosts): string[][] {
  return costs.breakEven.map((breakEven) => [
    breakEven.label,
    breakEven.oneOff ? `${usdWhole(breakEven.oneOff.totalUsd)} (engineering ${usdWhole(breakEven.oneOff.engineeringUsd)} + dual running ${usdWhole(breakEven.oneOff.dualRunningUsd)} + egress ${usdWhole(breakEven.oneOff.egressUsd)} for ${breakEven.oneOff.egressGiB.toLocaleString('en-US')} GiB)` : '-',
    breakEven.monthlySavingAtMove === undefined ? '-' : usdWhole(breakEven.monthlySavingAtMove),
    breakEven.month !== undefined ? `${breakEven.monthLabel} (month ${breakEven.month})` : breakEven.reason ?? '-',
  ]);
}

function cumulativeRows(advice: Advice, costs: PathCosts): string[][] {
  const marks = [12, 24, 36, advice.options.months].filter((m, i, all) => m <= advice.options.months && all.indexOf(m) === i);
  return costs.providers.map((p) => [p.label, ...marks.map((m) => usdWhole(p.cumulative[m])), p.gaps.length ? `left out: ${p.gaps.map((g) => `${g.stage}: ${g.missing.join(', ')}`).join('; ')}` : 'complete']);
}

function cumulativeHead(advice: Advice): string[] {
  const marks = [12, 24, 36, advice.options.months].filter((m, i, all) => m <= advice.options.months && all.indexOf(m) === i);
  return ['provider', ...marks.map((m) => `by ${monthLabel(advice.options.start, m)}`), 'bills'];
}

/** Plain-text table: columns padded, first column left, the rest left too (they mix words and numbers). */
export function plainTable(head: string[], rows: string[][], rightAlign: number[] = []): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (rightAlign.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function adviceTable(advice: Advice, costs?: PathCosts, bold: (s: string) => string = (s) => s): string {
  const out: string[] = [];
  const region = advice.plans.find(Boolean)?.region ?? advice.today[0].plan.region;
  out.push(bold(`stagekit advise: ${advice.product} (${region}), ${advice.options.start} + ${advice.options.months} months`), '');
  out.push(...adviceHeadline(advice), '');
  out.push(bold('Capacity today, per stage'), plainTable(CAPACITY_HEAD, capacityRows(advice)), '');
  out.push(bold('Moves'));
  for (const mv of advice.moves) out.push(`  ${mv.label} (month ${mv.month}): ${mv.from ?? 'start'} → ${mv.to ?? 'none'}: ${mv.reason}${mv.sizes ? `\n      sizes: ${mv.sizes}` : ''}`);
  out.push('');
  if (advice.resizes.length) {
    out.push(bold('Resizes within a stage (stateful sizes only grow; a reshard is a migration, planned with the same lead time as a move)'));
    for (const resize of advice.resizes) out.push(`  ${resize.label} (month ${resize.month}), ${resize.stage}: ${advice.months[resize.month].reason}\n      sizes: ${resize.sizes}`);
    out.push('');
  }
  out.push(bold(`Month by month${costs ? ' (bills in USD per month)' : ''}`), plainTable(pathHead(costs), pathRows(advice, costs), [2, 3, 4, ...(costs?.providers.map((_, i) => 6 + i) ?? [])]));
  if (advice.months.some((m) => m.workload.seasonalPeak)) {
    const peak = advice.months.find((m) => m.workload.seasonalPeak)!;
    out.push(`  * seasonal peak month: capacity for the peak all month, the app tier and workers billed at the peak for ${percent(peak.workload.peakShare)} of it`);
  }
  if (advice.moves.length > 1) out.push('  ← stage move');
  if (costs?.providers.some((p) => p.gaps.length)) out.push('  † the bill leaves out what it could not price (listed under the cumulative spend): a lower bound, not a total');
  out.push('');
  if (costs) {
    const none = noBills(advice, costs);
    if (none) out.push(bold('Cumulative spend and self-hosted break-even'), `  ${none}`, '');
    else {
      out.push(bold('Cumulative spend along the path (USD)'), plainTable(cumulativeHead(advice), cumulativeRows(advice, costs)), '');
      out.push(bold('Self-hosted break-even (moving off AWS managed services)'), plainTable(['provider', 'one-off cost of the move', 'saving/month at the move', 'break-even'], breakEvenRows(costs)), '');
    }
    out.push(`Catalog: ${costs.catalogDate}`, '');
  }
  out.push(bold('Assumptions'), ...[...advice.assumptions, ...(costs?.assumptions ?? [])].map((a) => `  - ${a}`));
  return out.join('\n');
}

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function adviceMarkdown(advice: Advice, costs?: PathCosts): string {
  const out: string[] = [];
  const region = advice.plans.find(Boolean)?.region ?? advice.today[0].plan.region;
  out.push(`### stagekit advise: ${advice.product} (${region}), ${advice.options.start} + ${advice.options.months} months`, '');
  out.push(...adviceHeadline(advice).map((l) => `- ${l}`), '');
  out.push('#### Capacity today', '', mdTable(CAPACITY_HEAD, capacityRows(advice)), '');
  out.push('#### Moves', '', ...advice.moves.map((mv) => `- **${mv.label}** (month ${mv.month}): ${mv.from ?? 'start'} → ${mv.to ?? 'none'}: ${mv.reason}${mv.sizes ? ` — ${mv.sizes}` : ''}`), '');
  if (advice.resizes.length) out.push('#### Resizes within a stage', '', ...advice.resizes.map((resize) => `- **${resize.label}** (month ${resize.month}), ${resize.stage}: ${advice.months[resize.month].reason} — ${resize.sizes}`), '');
  out.push('<details><summary>Month by month</summary>', '', mdTable(pathHead(costs), pathRows(advice, costs)), '', '</details>', '');
  if (costs) {
    const none = noBills(advice, costs);
    if (none) out.push('#### Cumulative spend and self-hosted break-even', '', none, '', `_Catalog: ${costs.catalogDate}_`, '');
    else {
      out.push('#### Cumulative spend (USD)', '', mdTable(cumulativeHead(advice), cumulativeRows(advice, costs)), '');
      out.push('#### Self-hosted break-even', '', mdTable(['provider', 'one-off cost of the move', 'saving/month at the move', 'break-even'], breakEvenRows(costs)), '', `_Catalog: ${costs.catalogDate}_`, '');
    }
  }
  out.push('#### Assumptions', '', ...[...advice.assumptions, ...(costs?.assumptions ?? [])].map((a) => `- ${a}`));
  return out.join('\n');
}

/** Why there are no spend or break-even figures, when there are none. */
function noBills(advice: Advice, costs: PathCosts): string | undefined {
  if (costs.providers.length) return undefined;
  return advice.months.every((m) => m.stage === undefined)
    ? `none: no stage of the ladder carries the workload in any of the ${advice.options.months + 1} months (see the capacity table), so no stage was synthesized or priced`
    : 'none: no stage on the path was priced';
}

function checkJson(check: CapacityCheck) {
  return { id: check.id, title: check.title, value: check.value, limit: check.limit, unit: check.unit, headroom: check.headroom, exceeded: check.exceeded, basis: check.basis };
}

export function adviceJson(advice: Advice, costs?: PathCosts): object {
  return {
    product: advice.product,
    options: advice.options,
    fitsToday: advice.fitsToday ?? null,
    recommendedNow: advice.months[0].stage ?? null,
    nextLimit: advice.nextLimit ?? null,
    capacityToday: advice.today.map((s) => ({ stage: s.stage, fits: s.fits, checks: s.checks.map(checkJson) })),
    trips: advice.trips,
    moves: advice.moves,
    resizes: advice.resizes,
    months: advice.months.map(({ offPeakPlan: _offPeakPlan, ...m }, i) => ({ ...m, bills: costs ? Object.fromEntries(costs.providers.map((p) => [p.provider, p.monthly[i]])) : undefined })),
    costs: costs
      ? {
          providers: costs.providers.map((p) => ({ provider: p.provider, label: p.label, cumulative: p.cumulative[p.cumulative.length - 1], notPriced: p.gaps })),
          breakEven: costs.breakEven,
          migration: costs.migration,
          catalogDate: costs.catalogDate,
        }
      : null,
    assumptions: [...advice.assumptions, ...(costs?.assumptions ?? [])],
  };
}
