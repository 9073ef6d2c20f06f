/**
 * `stagekit report`: one self-contained HTML file (inline styles, inline SVG, no scripts, no network)
 * with the ladder and today's fit, an architecture diagram per stage drawn from its synthesized template
 * with each part's monthly cost, stacked bills per provider per stage, the growth timeline with moves
 * and break-even, the stage-to-stage cost change, and every assumption. Charts are Vega-Lite specs
 * rendered to SVG in Node at build time, each with a table of the same data beside it.
 */
import type { Advice } from '../core/advisor';
import { formatAmount, headroomText } from '../core/capacity';
import type { Plan } from '../core/plan';
import type { Profile } from '../core/profile';
import { STAGES, StageName } from '../core/ladder';
import type { PathCosts, PricedStage } from '../cost/path';
import { providerLabel, unpricedLines } from '../cost/path';
import { adviceHeadline } from './advice-text';
import { billsChart, Chart, cumulativeChart, diffChart, fitChart, timelineChart } from './charts';
import { Diagram, stageDiagram } from './diagram';
import { renderSvgs, SvgResult } from './svg';

export interface ReportInput {
  readonly profile: Profile;
  readonly profileFile?: string;
  readonly advice: Advice;
  readonly costs: PathCosts;
  /** Every stage priced with today's profile, in ladder order. */
  readonly ladder: readonly PricedStage[];
  /** The synthesized AWS template of each stage (diagrams are drawn from them). */
  readonly templates: ReadonlyMap<StageName, any>;
}

export interface ReportStats {
  readonly charts: { readonly id: string; readonly marks: Record<string, number>; readonly tableRows: number }[];
  readonly diagrams: { readonly stage: StageName; readonly shapes: number; readonly parts: number; readonly totalMonthlyCost: number }[];
  readonly renderMs: SvgResult['timings'];
}

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`;

/** Sizes of each diagram part, from the plan (what the template was synthesized from). */
function partSizes(plan: Plan): Record<string, string> {
  const sizes: Record<string, string> = {};
  if (plan.server) sizes.server = `${plan.server.instance.name}, ${plan.server.dataVolumeGiB} GiB`;
  if (!plan.server) sizes.app = `${plan.app.minCount}–${plan.app.maxCount} × ${plan.app.instance.name}`;
  // Database parts read their instance class and storage from the template (shards can differ).
  if (plan.cache) sizes.cache = `${plan.cache.nodes} × ${plan.cache.node.name}`;
  if (plan.queue) {
    sizes.workers = `${plan.queue.minWorkers}–${plan.queue.maxWorkers} × ${plan.queue.worker.name}`;
    if (plan.queue.kafka) sizes.queue = `${plan.queue.kafka.brokers} × ${plan.queue.kafka.broker.name}`;
  }
  return sizes;
}

function table(head: string[], rows: (string | number)[][], caption?: string): string {
  return `<table>${caption ? `<caption>${esc(caption)}</caption>` : ''}<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td${typeof c === 'number' ? ' class="num"' : ''}>${esc(typeof c === 'number' ? c.toLocaleString('en-US') : c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function figure(chart: Chart, svg: string): string {
  const marks = Object.entries(chart.expectedMarks).map(([k, v]) => `${k}:${v}`).join(',');
  return `<figure class="chart" id="chart-${chart.id}" data-chart="${esc(chart.id)}" data-expected-marks="${esc(marks)}" data-table-rows="${chart.table.rows.length}">
<figcaption>${esc(chart.title)}</figcaption>
<div class="pair"><div class="svg" role="img" aria-label="${esc(chart.title)}">${svg}</div>
<details class="data" open><summary>Data</summary>${table(chart.table.head, chart.table.rows)}</details></div>
${chart.note ? `<p class="note">${esc(chart.note)}</p>` : ''}</figure>`;
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 0; background: #fafafa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 64px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid #e3e3e3; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.meta { color: #555; margin: 0 0 16px; }
.headline { background: #f1f6fb; border-left: 4px solid #1e5aa8; padding: 10px 14px; margin: 12px 0; }
.headline p { margin: 4px 0; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pair { display: flex; gap: 18px; align-items: flex-start; flex-wrap: wrap; }
.svg { overflow-x: auto; max-width: 100%; }
.svg svg { max-width: 100%; height: auto; }
details.data { max-height: 420px; overflow: auto; flex: 1 1 300px; }
details.data summary { cursor: pointer; font-weight: 600; }
figure { margin: 12px 0 24px; } figcaption { font-weight: 600; margin-bottom: 6px; }
.note { color: #555; font-size: 12.5px; }
.stage { margin-bottom: 24px; }
figure.diagram { margin: 0; }
.diagram .svg > svg { width: 100%; height: auto; max-height: 640px; display: block; }
.bad { color: #b71c1c; } .ok { color: #1b5e20; }
ul.assumptions li { margin: 2px 0; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: white; font-size: 10.5px; } main { max-width: none; padding: 0; }
  /* The chart above its table, both the page's width; a chart or diagram never splits across pages. */
  .pair { display: block; }
  .svg { overflow: visible; break-inside: avoid; page-break-inside: avoid; }
  .svg svg, .diagram .svg > svg { max-width: 100%; width: auto; height: auto; max-height: 245mm; }
  details.data { max-height: none; overflow: visible; }
  table { font-size: 9px; max-width: 100%; } th, td { padding: 2px 4px; overflow-wrap: anywhere; } td.num { overflow-wrap: normal; white-space: nowrap; }
  h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
  figure { break-inside: auto; }
  /* Each stage's architecture on a page of its own. */
  #architecture, section.stage + section.stage { break-before: page; page-break-before: always; }
}
`;

/** Builds the specs, diagrams and tables, renders the SVGs, and returns the HTML with counts for tests. */
export function buildReport(input: ReportInput): { html: string; stats: ReportStats } {
  const { advice, costs, ladder, profile } = input;
  const charts: Chart[] = [fitChart(advice), billsChart(ladder), timelineChart(advice, costs), cumulativeChart(advice, costs), diffChart(ladder)];
  const diagrams = new Map<StageName, Diagram>();
  for (const stage of ladder) {
    const template = input.templates.get(stage.stage);
    const bill = stage.bills.aws;
    if (template && bill) diagrams.set(stage.stage, stageDiagram(template, bill, partSizes(stage.plan)));
  }
  const svgs = renderSvgs({ charts: charts.map((c) => ({ id: c.id, spec: c.spec })), diagrams: [...diagrams].map(([stage, d]) => ({ id: stage, source: d.source })) });

  const region = ladder[0]?.plan.region ?? profile.region;
  const parts: string[] = [];
  parts.push(`<header><h1>stagekit report: ${esc(profile.name)}</h1><p class="meta">${esc(region)} · profile ${esc(input.profileFile ?? profile.name)} · month 0 = ${esc(advice.options.start)}, ${advice.options.months} months projected · prices: ${esc(costs.catalogDate)}</p></header>`);
  parts.push(`<section class="headline">${adviceHeadline(advice).map((l) => `<p>${esc(l)}</p>`).join('')}</section>`);

  // The ladder and today's fit.
  parts.push('<h2 id="ladder">The ladder and today\'s fit</h2>');
  parts.push(
    table(
      ['stage', 'adds', 'built for', 'today'],
      STAGES.map((stage) => {
        const capacity = advice.today.find((x) => x.stage === stage.name)!;
        const exceeded = capacity.checks.filter((x) => x.exceeded).map((x) => `${x.title} ${formatAmount(x.value, x.unit)} > ${formatAmount(x.limit, x.unit)}`);
        return [`${stage.step}. ${stage.name}`, stage.adds, stage.builtFor, capacity.fits ? `carries it (tightest: ${capacity.tightest.title})` : `cannot carry it: ${exceeded.join('; ')}`];
      }),
    ),
  );
  parts.push(figure(charts[0], svgs.charts.fit));
  parts.push('<details class="limits" open><summary><strong>Every limit, today and when it trips</strong></summary>');
  parts.push(
    table(
      ['stage', 'limit', 'value today', 'limit', 'headroom', 'low headroom', 'exceeded', 'how'],
      advice.trips.map((trip) => {
        const check = advice.today.find((s) => s.stage === trip.stage)!.checks.find((x) => x.id === trip.id)!;
        const when = (m?: number) => (m === undefined ? '-' : advice.months[m].label);
        return [trip.stage, trip.title, formatAmount(check.value, check.unit), formatAmount(check.limit, check.unit), headroomText(check), check.headroom === null ? '-' : when(trip.lowHeadroomMonth), when(trip.exceededMonth), check.basis];
      }),
    ),
  );
  parts.push('</details>');

  // The path.
  parts.push('<h2 id="path">The path: when to move</h2>');
  parts.push(`<ul>${advice.moves.map((m) => `<li><strong>${esc(m.label)}</strong> (month ${m.month}): ${esc(m.from ?? 'start')} → <strong>${esc(m.to ?? 'no stage carries the workload')}</strong>: ${esc(m.reason)}${m.sizes ? `<br><span class="note">sizes: ${esc(m.sizes)}</span>` : ''}</li>`).join('')}</ul>`);
  parts.push(figure(charts[2], svgs.charts.timeline));
  parts.push(figure(charts[3], svgs.charts.cumulative));
  const gaps = costs.providers.filter((p) => p.gaps.length);
  if (gaps.length) parts.push(`<p class="note">Bills that left something out (their totals are lower bounds; no break-even is computed over them): ${gaps.map((p) => `${esc(p.label)}: ${p.gaps.map((g) => `${esc(g.stage)}: ${esc(g.missing.join(', '))}`).join('; ')}`).join(' · ')}</p>`);

  // Architecture per stage.
  parts.push('<h2 id="architecture">Architecture per stage (AWS), drawn from the synthesized templates</h2>');
  for (const stage of ladder) {
    const diagram = diagrams.get(stage.stage);
    if (!diagram) continue;
    const fit = advice.today.find((c) => c.stage === stage.stage)!;
    const gapsHere = stage.bills.aws ? unpricedLines(stage.bills.aws) : [];
    parts.push(`<section class="stage" id="stage-${stage.stage}"><h3>${esc(stage.stage)} — AWS ${usd(diagram.totalMonthlyCost)}/month${gapsHere.length ? ' †' : ''} <span class="${fit.fits ? 'ok' : 'bad'}">(${fit.fits ? 'carries today\'s workload' : 'cannot carry today\'s workload'})</span></h3>
<figure class="diagram" data-diagram="${esc(stage.stage)}" data-expected-shapes="${diagram.shapeCount}"><div class="svg" role="img" aria-label="${esc(`Architecture of ${stage.stage}`)}">${svgs.diagrams[stage.stage]}</div></figure>
<details class="data parts"><summary>Parts and their monthly cost (${diagram.parts.length} parts, ${usd(diagram.totalMonthlyCost)}/month)</summary>${table(['part', 'USD/month', 'resources'], diagram.parts.map((p) => [p.label.split('\n')[0], Math.round(p.monthlyCost), p.resources.length]))}</details>
${gapsHere.length ? `<p class="note">† not priced: ${esc(gapsHere.join(', '))}</p>` : ''}
<p class="note">Other providers for the same plan: ${Object.entries(stage.bills).filter(([p]) => p !== 'aws').map(([p, b]) => `${esc(providerLabel(p as any))} ${usd(b!.totalMonthlyCost)}${unpricedLines(b!).length ? ' †' : ''}`).join(' · ')}</p></section>`);
  }

  parts.push('<h2 id="bills">Bills per provider per stage</h2>');
  parts.push(figure(charts[1], svgs.charts.bills));
  parts.push('<h2 id="diff">Stage-to-stage cost change</h2>');
  parts.push(figure(charts[4], svgs.charts.diff));

  parts.push('<h2 id="assumptions">Assumptions</h2>');
  parts.push(`<ul class="assumptions">${[...advice.assumptions, ...costs.assumptions].map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`);
  const billAssumptions = [...new Set(ladder.flatMap((s) => Object.values(s.bills).flatMap((b) => b!.assumptions)))];
  parts.push(`<h3>Pricing assumptions (from the bills)</h3><ul class="assumptions">${billAssumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`);
  const usage = ladder[0]?.plan.usage.assumptions ?? [];
  parts.push(`<h3>Usage assumptions (from the plan)</h3><ul class="assumptions">${usage.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`);
  const assumptions = profile.assumptions as Record<string, unknown>;
  parts.push(`<h3>Sizing assumptions (profile.assumptions)</h3>${table(['assumption', 'value'], Object.entries(assumptions).map(([k, v]) => [k, String(v)]))}`);

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>stagekit report: ${esc(profile.name)}</title><style>${STYLE}</style></head>
<body><main>
${parts.join('\n')}
<footer class="note"><p>Generated by stagekit. Every figure is computed from the profile, the synthesized templates and manifests, and the price catalog; nothing is fetched when this page is opened.</p></footer>
</main></body></html>
`;
  const stats: ReportStats = {
    charts: charts.map((c) => ({ id: c.id, marks: c.expectedMarks, tableRows: c.table.rows.length })),
    diagrams: [...diagrams].map(([stage, d]) => ({ stage, shapes: d.shapeCount, parts: d.parts.length, totalMonthlyCost: d.totalMonthlyCost })),
    renderMs: svgs.timings,
  };
  return { html, stats };
}
