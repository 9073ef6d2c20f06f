/**
 * The report's charts as Vega-Lite specs with their data inline (no URLs: the renderer never reaches the
 * network), and the rows each chart draws, so the report prints the same rows as a table beside it and
 * the browser test can count the marks.
 */
import type { Advice } from '../core/advisor';
import type { PricedStage, PathCosts, PathProvider } from '../cost/path';
import type { Bill, PricedResource } from '../cost/model';
import { billGaps, providerLabel as longLabel, unpricedLines } from '../cost/path';

/** Short provider names for chart axes and legends (the tables use the long ones): a self-hosted provider by its own name ("Hetzner Cloud"). */
function providerLabel(provider: PathProvider): string {
  return provider.startsWith('self-hosted:') ? longLabel(provider).replace(/^self-hosted \((.*)\)$/, '$1').replace(' Public Cloud', '') : longLabel(provider);
}

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly spec: object;
  /** Table beside the chart: header and rows (the same data the chart draws). */
  readonly table: { readonly head: string[]; readonly rows: (string | number)[][] };
  /** Marks the chart draws, by SVG mark class (e.g. { 'mark-rect': 12 }). */
  readonly expectedMarks: Record<string, number>;
  readonly note?: string;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
const base = (width: number, height: number) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width,
  height,
  background: 'white',
  config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 }, view: { stroke: null } },
});

export const CATEGORIES = ['compute', 'database', 'cache', 'queue', 'network', 'storage', 'observability', 'platform', 'operations', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The part of the bill a resource belongs to, for the stacked bars. */
export function categoryOf(resource: PricedResource): Category {
  const type = resource.resourceType;
  const name = resource.name;
  if (type === 'labour' || name === 'Operations') return 'operations';
  if (type.startsWith('AWS::RDS::') || /^Cluster\/|postgres/i.test(name)) return 'database';
  if (type.startsWith('AWS::ElastiCache::') || /redis|valkey|cache/i.test(name)) return 'cache';
  if (type.startsWith('AWS::SQS::') || type.startsWith('AWS::MSK::') || /kafka|queue/i.test(name)) return 'queue';
  if (type.startsWith('AWS::DataTransfer') || type === 'AWS::EC2::NatGateway' || type === 'AWS::EC2::EIP' || type.startsWith('AWS::ElasticLoadBalancingV2') || type === 'bandwidth' || /^Ingress\/|NatGateways|Traffic/.test(name)) return 'network';
  if (type.startsWith('AWS::CloudWatch') || type.startsWith('AWS::Logs') || /prometheus|grafana|alertmanager/i.test(name)) return 'observability';
  if (type.includes('S3') || type === 'object storage' || type === 'AWS::EC2::Volume' || type === 'PersistentVolumeClaim' || name === 'Backups') return 'storage';
  if (type === 'AWS::EKS::Cluster' || name === 'ControlPlane' || name.startsWith('addon/')) return 'platform';
  if (type === 'AWS::AutoScaling::AutoScalingGroup' || type === 'AWS::EC2::Instance' || type === 'Deployment' || type === 'StatefulSet' || name.startsWith('NodePool/') || / servers$/.test(type)) return 'compute';
  return 'other';
}

const dollars = (v: number) => Math.round(v);

/** Bars below this headroom are drawn to it (the label gives the real figure), so one far-exceeded stage does not squash the others. */
const FIT_FLOOR = -100;

/**
 * Today's fit. A stage fits only when every check passes: the bar is the headroom of its tightest growing
 * limit, but a stage that fails a requirement with no headroom (the SLO one zone cannot keep, a hard service
 * limit) gets no bar, since a positive headroom would read as fitting. Each stage's verdict and reason are
 * written beside its row.
 */
export function fitChart(advice: Advice): Chart {
  const percent = (headroom: number) => `${headroom > 0 ? '+' : headroom < 0 ? '−' : ''}${Math.abs(Math.round(headroom * 100))}%`;
  const rows = advice.today.map((capacity) => {
    const growing = capacity.checks.filter((check) => check.headroom !== null);
    const tight = growing.reduce((a, b) => (b.headroom! < a.headroom! ? b : a));
    const unmet = capacity.checks.filter((check) => check.headroom === null && check.exceeded);
    const exceeded = growing.filter((check) => check.exceeded);
    const verdict = unmet.length ? 'requirement not met' : exceeded.length ? 'limit exceeded' : 'carries it';
    const exceededText = exceeded.length ? `exceeded: ${tight.title} ${percent(tight.headroom!)}${exceeded.length > 1 ? ` (+${exceeded.length - 1} more)` : ''}` : '';
    const unmetText = unmet.length ? `not met: ${unmet.map((check) => check.title).join(', ')}` : '';
    const reason = unmet.length || exceeded.length ? [unmetText, exceededText].filter(Boolean).join('; ') : `${tight.title} ${percent(tight.headroom!)}`;
    const headroom = Math.round(tight.headroom! * 100);
    return { stage: capacity.stage, headroom, bar: unmet.length ? null : Math.max(FIT_FLOOR, headroom), check: tight.title, verdict, reason };
  });
  const bars = rows.filter((row) => row.bar !== null);
  const colours = { 'carries it': '#2e7d32', 'limit exceeded': '#c62828', 'requirement not met': '#6a1b9a' };
  const plotWidth = 420;
  const spec = {
    ...base(plotWidth, 34 * rows.length),
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar', cornerRadiusEnd: 3, height: 20 },
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: rows.map((row) => row.stage), scale: { domain: rows.map((row) => row.stage) }, title: null },
          x: { field: 'bar', type: 'quantitative', title: `headroom of the tightest limit today (%; bars stop at ${FIT_FLOOR}%)`, scale: { domain: [FIT_FLOOR, 100], clamp: true } },
          color: { field: 'verdict', type: 'nominal', scale: { domain: Object.keys(colours), range: Object.values(colours) }, title: null, legend: { orient: 'bottom', direction: 'horizontal', symbolType: 'square' } },
          tooltip: [{ field: 'stage' }, { field: 'check' }, { field: 'headroom' }],
        },
      },
      { data: { values: [{ headroom: Math.round(advice.options.minHeadroom * 100) }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { field: 'headroom', type: 'quantitative' } } },
      {
        // The verdict of every stage, in a column right of the plot: the reason a red or purple row does not fit.
        data: { values: rows.map((row) => ({ ...row, colour: colours[row.verdict as keyof typeof colours] })) },
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11.5, x: plotWidth + 10 },
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: rows.map((row) => row.stage) },
          text: { field: 'reason' },
          // The verdict's colour as is (scale null: no second legend).
          color: { field: 'colour', type: 'nominal', scale: null },
        },
      },
    ],
  };
  return {
    id: 'fit',
    title: 'Today\'s fit: does each stage carry today\'s workload, and how close is its tightest limit',
    spec,
    table: {
      head: ['stage', 'verdict', 'tightest growing limit', 'headroom'],
      // The basis of each check is in the table of every limit below; this one stays narrow beside its chart.
      rows: rows.map((row) => [row.stage, row.verdict === 'carries it' ? 'carries it' : `cannot carry it (${row.reason})`, row.check, `${row.headroom}%`]),
    },
    expectedMarks: { 'mark-rect': bars.length, 'mark-rule': 1, 'mark-text': rows.length },
    note: `A stage carries the workload only when every check passes. Purple: a requirement with no headroom is not met (no bar: the headroom of its growing limits would read as fitting). The dashed line is the ${Math.round(advice.options.minHeadroom * 100)}% headroom at which the advisor moves up.`,
  };
}

/** Stacked monthly bills per provider per stage (today's profile). */
export function billsChart(ladder: readonly PricedStage[]): Chart {
  const rows: { stage: string; provider: string; category: Category; usd: number; incomplete: boolean }[] = [];
  const totals: (string | number)[][] = [];
  for (const stage of ladder) {
    for (const [provider, bill] of Object.entries(stage.bills) as [PathProvider, Bill][]) {
      const sums = new Map<Category, number>();
      for (const resource of bill.resources) if (resource.monthlyCost) sums.set(categoryOf(resource), (sums.get(categoryOf(resource)) ?? 0) + resource.monthlyCost);
      const incomplete = bill.resources.some((r) => r.status === 'not-priced' || r.costComponents.some((c) => c.notPriced));
      for (const category of CATEGORIES) if ((sums.get(category) ?? 0) >= 0.5) rows.push({ stage: stage.stage, provider: providerLabel(provider), category: category, usd: dollars(sums.get(category)!), incomplete });
      totals.push([stage.stage, longLabel(provider), `$${dollars(bill.totalMonthlyCost).toLocaleString('en-US')}${incomplete ? ' †' : ''}`, ...CATEGORIES.map((c) => (sums.get(c) ? dollars(sums.get(c)!) : ''))]);
    }
  }
  const providers = [...new Set(rows.map((r) => r.provider))];
  const spec = {
    ...base(150, 220),
    data: { values: rows },
    mark: 'bar',
    encoding: {
      column: { field: 'stage', type: 'nominal', sort: ladder.map((s) => s.stage), title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      x: { field: 'provider', type: 'nominal', sort: providers, title: null, axis: { labelAngle: -40, labelLimit: 0 } },
      y: { field: 'usd', type: 'quantitative', aggregate: 'sum', title: 'USD per month', stack: 'zero' },
      color: { field: 'category', type: 'nominal', sort: [...CATEGORIES], scale: { domain: [...CATEGORIES], scheme: 'tableau10' }, title: 'part of the bill' },
      order: { field: 'category', sort: 'ascending' },
      tooltip: [{ field: 'stage' }, { field: 'provider' }, { field: 'category' }, { field: 'usd', title: 'USD/month' }],
    },
  };
  return {
    id: 'bills',
    title: 'Monthly bill per provider per stage, by part (today\'s profile)',
    spec,
    table: { head: ['stage', 'provider', 'total', ...CATEGORIES], rows: totals },
    expectedMarks: { 'mark-rect': rows.length },
    note: '† the bill leaves out what it could not price (see stagekit cost): its total is a lower bound.',
  };
}

/** A marker on the timeline: a rule at its month and a label in a lane above the plot. */
export interface TimelineMarker {
  readonly month: string;
  readonly kind: 'move' | 'break-even';
  readonly text: string;
  /** Label position: x of the rule in pixels, the lane (0 nearest the plot), which side of the rule the text sits. */
  readonly x: number;
  readonly lane: number;
  readonly align: 'left' | 'right';
}

/** Generous width of a label in pixels (11 px sans-serif, wide fonts such as DejaVu Sans included; bold wider): lanes are laid out from it. */
const labelWidth = (text: string, bold: boolean) => text.length * (bold ? 7.8 : 6.9) + 8;
const LANE_HEIGHT = 16;

/**
 * Lays marker labels out so no two collide and no rule strikes through a label. Each label sits beside its
 * rule, right of it (left of it where it would run past the plot), in the lowest lane above the plot where it
 * clears every label in that lane, its rule (which runs down through the lanes below) misses their labels,
 * and the rules of labels higher up miss it. Right-running labels are placed from the right and left-running
 * ones from the left: that makes staircases in which a rule always passes beside the labels below it.
 */
export function layOutMarkers(markers: readonly Omit<TimelineMarker, 'lane' | 'align'>[], plotWidth: number): TimelineMarker[] {
  type Span = { readonly from: number; readonly to: number };
  const sized = markers.map((marker) => {
    const width = labelWidth(marker.text, marker.kind === 'move');
    const align: TimelineMarker['align'] = marker.x + width <= plotWidth || marker.x - width < 0 ? 'left' : 'right';
    return { marker, align, span: align === 'left' ? { from: marker.x, to: marker.x + width } : { from: marker.x - width, to: marker.x } };
  });
  const order = [
    ...sized.filter((m) => m.align === 'left').sort((a, b) => b.marker.x - a.marker.x || a.marker.kind.localeCompare(b.marker.kind)),
    ...sized.filter((m) => m.align === 'right').sort((a, b) => a.marker.x - b.marker.x || a.marker.kind.localeCompare(b.marker.kind)),
  ];
  const placed: (Span & { x: number; lane: number })[] = [];
  const crosses = (x: number, span: Span) => x > span.from + 1 && x < span.to - 1;
  const clear = (x: number, span: Span, lane: number, ruleCrossings: boolean) =>
    placed.every((other) =>
      other.lane === lane ? span.to <= other.from || span.from >= other.to : !ruleCrossings || (other.lane < lane ? !crosses(x, other) : !crosses(other.x, span)),
    );
  const laidOut = order.map(({ marker, align, span }) => {
    const top = placed.reduce((highest, other) => Math.max(highest, other.lane + 1), 0);
    // Clear of labels and rules in the lowest lane that allows it, else clear of labels (the lane above every label always is; a rule then crosses a label).
    const lane = [true, false].map((ruleCrossings) => Array.from({ length: top + 1 }, (_, index) => index).find((index) => clear(marker.x, span, index, ruleCrossings))).find((index) => index !== undefined)!;
    placed.push({ x: marker.x, lane, ...span });
    return { ...marker, lane, align };
  });
  return laidOut.sort((a, b) => a.x - b.x || a.lane - b.lane);
}

const monthTime = (label: string) => Date.UTC(Number(label.slice(0, 4)), Number(label.slice(5, 7)) - 1, 1);

/** The growth timeline: monthly bill per provider along the advised path, stage moves and break-even months marked. */
export function timelineChart(advice: Advice, costs: PathCosts): Chart {
  const rows: { month: string; provider: string; usd: number }[] = [];
  for (const pathProvider of costs.providers) pathProvider.monthly.forEach((v, i) => v !== null && rows.push({ month: advice.months[i].label, provider: providerLabel(pathProvider.provider), usd: dollars(v) }));
  const plotWidth = 760;
  const plotHeight = 280;
  const first = advice.months[0].label;
  const last = advice.months[advice.months.length - 1].label;
  const xOf = (month: string) => ((monthTime(month) - monthTime(first)) / Math.max(1, monthTime(last) - monthTime(first))) * plotWidth;
  const moves = advice.moves.filter((m) => m.month > 0 || advice.moves.length === 1).map((m) => ({ month: m.label, kind: 'move' as const, text: `→ ${m.to ?? 'beyond the ladder'}` }));
  // Providers that break even in the same month share one label.
  const breakEvenMonths = new Map<string, string[]>();
  for (const b of costs.breakEven) if (b.month !== undefined) breakEvenMonths.set(b.monthLabel!, [...(breakEvenMonths.get(b.monthLabel!) ?? []), providerLabel(b.provider)]);
  const breakEven = [...breakEvenMonths].map(([month, names]) => ({ month, kind: 'break-even' as const, text: `break-even: ${names.join(', ')}` }));
  const markers = layOutMarkers([...moves, ...breakEven].map((m) => ({ ...m, x: xOf(m.month) })), plotWidth);
  const laneY = (lane: number) => -6 - lane * LANE_HEIGHT;
  // One layer per lane (and side): a lane's labels and rule tops share a pixel height above the plot.
  const markerLayers = (kind: TimelineMarker['kind'], color: string, dash: number[]) => {
    const ofKind = markers.filter((m) => m.kind === kind);
    const x = { field: 'month', type: 'temporal', timeUnit: 'yearmonth' };
    return [...new Set(ofKind.map((m) => m.lane))].flatMap((lane) => {
      const values = ofKind.filter((m) => m.lane === lane);
      return [
        { data: { values }, mark: { type: 'rule', strokeDash: dash, color, strokeWidth: 1.2 }, encoding: { x, y: { value: laneY(lane) - LANE_HEIGHT + 4 }, y2: { value: plotHeight } } },
        ...(['left', 'right'] as const)
          .filter((align) => values.some((m) => m.align === align))
          .map((align) => ({
            data: { values: values.filter((m) => m.align === align) },
            mark: { type: 'text', align, dx: align === 'left' ? 4 : -4, baseline: 'bottom', fontSize: 11, color, fontWeight: kind === 'move' ? 'bold' : 'normal' },
            encoding: { x, y: { value: laneY(lane) }, text: { field: 'text' } },
          })),
      ];
    });
  };
  const spec = {
    ...base(plotWidth, plotHeight),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: false, strokeWidth: 2 },
        encoding: {
          x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null, scale: { domain: [first, last].map((m) => ({ year: Number(m.slice(0, 4)), month: Number(m.slice(5, 7)) })), nice: false } },
          y: { field: 'usd', type: 'quantitative', title: 'USD per month' },
          color: { field: 'provider', type: 'nominal', title: null },
        },
      },
      ...markerLayers('move', '#222', [5, 4]),
      ...markerLayers('break-even', '#1b5e20', [2, 3]),
    ],
  };
  const head = ['month', 'stage', ...costs.providers.map((p) => p.label)];
  const table = advice.months.map((m, i) => [`${m.label}${m.workload.seasonalPeak ? ' (peak)' : ''}`, `${m.stage ?? 'none'}${m.move && i > 0 ? ' (move)' : ''}`, ...costs.providers.map((p) => (p.monthly[i] === null ? '-' : dollars(p.monthly[i]!)))]);
  return {
    id: 'timeline',
    title: 'Growth timeline: the bill along the advised path, moves and break-even marked',
    spec,
    table: { head, rows: table },
    expectedMarks: { 'mark-line': costs.providers.filter((p) => p.monthly.some((v) => v !== null)).length, 'mark-rule': markers.length, 'mark-text': markers.length },
    note: 'Dashed black: the month the advised path moves to a stage. Dotted green: the month moving to a self-hosted provider has paid for itself (the one-off cost of the move included; see the cumulative chart).',
  };
}

/** Cumulative spend along the path per provider, with each self-hosted provider's one-off move cost added. */
export function cumulativeChart(advice: Advice, costs: PathCosts): Chart {
  const rows: { month: string; provider: string; usd: number }[] = [];
  for (const pathProvider of costs.providers) {
    const breakEven = costs.breakEven.find((x) => x.provider === pathProvider.provider);
    const oneOff = breakEven?.oneOff?.totalUsd ?? 0;
    pathProvider.cumulative.forEach((cumulative, month) => {
      if (cumulative === null || month < costs.migration.moveMonth) return;
      const before = costs.migration.moveMonth > 0 ? (costs.providers.find((x) => x.provider === 'aws')?.cumulative[costs.migration.moveMonth - 1] ?? 0) - (pathProvider.cumulative[costs.migration.moveMonth - 1] ?? 0) : 0;
      rows.push({ month: advice.months[month].label, provider: pathProvider.provider.startsWith('self-hosted') ? `${providerLabel(pathProvider.provider)} + move` : providerLabel(pathProvider.provider), usd: dollars(cumulative + before + (pathProvider.provider.startsWith('self-hosted') ? oneOff : 0)) });
    });
  }
  const points = costs.breakEven.filter((b) => b.month !== undefined).map((b) => ({ month: b.monthLabel!, usd: dollars((costs.providers.find((p) => p.provider === 'aws')!.cumulative[b.month!] ?? 0)), text: `${b.label} pays back` }));
  const spec = {
    ...base(760, 260),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null },
          y: { field: 'usd', type: 'quantitative', title: 'cumulative USD' },
          color: { field: 'provider', type: 'nominal', title: null },
        },
      },
      { data: { values: points }, mark: { type: 'point', filled: true, size: 80, color: '#000' }, encoding: { x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth' }, y: { field: 'usd', type: 'quantitative' } } },
    ],
  };
  return {
    id: 'cumulative',
    title: 'Cumulative spend from the move month (self-hosted lines include the one-off cost of moving)',
    spec,
    table: {
      head: ['provider', 'one-off cost of the move', 'saving/month at the move', 'break-even'],
      rows: costs.breakEven.map((b) => [b.label, b.oneOff ? dollars(b.oneOff.totalUsd) : '-', b.monthlySavingAtMove === undefined ? '-' : dollars(b.monthlySavingAtMove), b.month !== undefined ? `${b.monthLabel} (month ${b.month})` : b.reason ?? '-']),
    },
    expectedMarks: { 'mark-line': new Set(rows.map((r) => r.provider)).size, 'mark-symbol': points.length },
  };
}

/**
 * The monthly cost change from each stage to the next, per provider, in ladder order. A difference is left
 * out when either bill misses a major component (its total is not a bill: the difference would have a hole),
 * and drawn pale with a † when either leaves out minor lines (see the bills chart).
 */
export function diffChart(ladder: readonly PricedStage[]): Chart {
  const rows: { step: string; provider: string; usd: number; priced: string }[] = [];
  const tableRows: (string | number)[][] = [];
  const steps: string[] = [];
  const left: string[] = [];
  for (let index = 1; index < ladder.length; index++) {
    const step = `${ladder[index - 1].stage} → ${ladder[index].stage}`;
    steps.push(step);
    for (const [provider, bill] of Object.entries(ladder[index].bills) as [PathProvider, Bill][]) {
      const before = ladder[index - 1].bills[provider];
      if (!before) continue;
      const gaps = [...billGaps(before).map((g) => `${ladder[index - 1].stage}: ${g}`), ...billGaps(bill).map((g) => `${ladder[index].stage}: ${g}`)];
      if (gaps.length) {
        tableRows.push([step, longLabel(provider), `not computed: the bills leave out ${gaps.join('; ')}`]);
        left.push(`${longLabel(provider)} ${step}`);
        continue;
      }
      const footnote = unpricedLines(before).length + unpricedLines(bill).length > 0;
      const usd = dollars(bill.totalMonthlyCost - before.totalMonthlyCost);
      rows.push({ step, provider: providerLabel(provider), usd, priced: footnote ? '† a bill leaves out minor lines' : 'every line priced' });
      tableRows.push([step, longLabel(provider), footnote ? `${usd.toLocaleString('en-US')} †` : usd]);
    }
  }
  const providers = [...new Set(rows.map((r) => r.provider))];
  const spec = {
    ...base(150, 200),
    data: { values: rows },
    mark: 'bar',
    encoding: {
      column: { field: 'step', type: 'nominal', sort: steps, title: null, header: { labelFontSize: 11, labelFontWeight: 'bold' } },
      x: { field: 'provider', type: 'nominal', sort: providers, title: null, axis: { labelAngle: -40, labelLimit: 0 } },
      y: { field: 'usd', type: 'quantitative', title: 'change, USD per month' },
      color: { field: 'provider', type: 'nominal', sort: providers, legend: null },
      opacity: { field: 'priced', type: 'nominal', scale: { domain: ['every line priced', '† a bill leaves out minor lines'], range: [1, 0.4] }, title: null, legend: { orient: 'bottom' } },
      tooltip: [{ field: 'step' }, { field: 'provider' }, { field: 'usd', title: 'USD/month' }, { field: 'priced' }],
    },
  };
  return {
    id: 'diff',
    title: 'Stage-to-stage change of the monthly bill',
    spec,
    table: { head: ['move', 'provider', 'change USD/month'], rows: tableRows },
    expectedMarks: { 'mark-rect': rows.length },
    note: `Pale bars (†): a bill on either side leaves out minor lines it could not price, so the change is approximate.${left.length ? ` Left out, because a bill misses a major component (a difference would have a hole): ${left.join('; ')}.` : ''}`,
  };
}
