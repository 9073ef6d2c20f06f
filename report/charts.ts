/**
 * The report's charts as Vega-Lite specs with their data inline (no URLs: the renderer never reaches the
 * network), and the rows each chart draws, so the report prints the same rows as a table beside it and
 * the browser test can count the marks.
 */
import type { Advice } from '../core/advisor';
import type { PricedStage, PathCosts, PathProvider } from '../cost/path';
import type { Bill, PricedResource } from '../cost/model';
import { providerLabel as longLabel } from '../cost/path';

/** Short provider names for chart axes and legends (the tables use the long ones). */
function providerLabel(provider: PathProvider): string {
  return provider.startsWith('self-hosted:') ? longLabel(provider).replace(/^self-hosted \((.*)\)$/, '$1 (self-hosted)').replace(' Public Cloud', '').replace(' Cloud', '') : longLabel(provider);
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

/** Today's fit: the tightest headroom of every stage (negative when a limit is exceeded). */
export function fitChart(advice: Advice): Chart {
  const rows = advice.today.map((capacity) => {
    const growing = capacity.checks.filter((c) => c.headroom !== null);
    const tight = growing.reduce((a, b) => (b.headroom! < a.headroom! ? b : a));
    const unmet = capacity.checks.find((c) => c.headroom === null && c.exceeded);
    return { stage: capacity.stage, headroom: Math.round(tight.headroom! * 100), check: tight.title, fits: capacity.fits ? 'carries it' : 'cannot carry it', unmet: unmet ? unmet.title : '' };
  });
  const spec = {
    ...base(520, 170),
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3 },
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: null, title: null },
          x: { field: 'headroom', type: 'quantitative', title: 'headroom of the tightest limit today (%)', scale: { domain: [Math.min(-100, ...rows.map((r) => r.headroom)), 100] } },
          color: { field: 'fits', type: 'nominal', scale: { domain: ['carries it', 'cannot carry it'], range: ['#2e7d32', '#c62828'] }, title: null },
          tooltip: [{ field: 'stage' }, { field: 'check' }, { field: 'headroom' }],
        },
      },
      { data: { values: [{ headroom: Math.round(advice.options.minHeadroom * 100) }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { field: 'headroom', type: 'quantitative' } } },
    ],
  };
  return {
    id: 'fit',
    title: 'Today\'s fit: headroom of each stage\'s tightest limit',
    spec,
    table: { head: ['stage', 'tightest limit', 'headroom', 'verdict'], rows: rows.map((r) => [r.stage, r.check, `${r.headroom}%`, r.unmet ? `${r.fits} (${r.unmet} not met)` : r.fits]) },
    expectedMarks: { 'mark-rect': rows.length, 'mark-rule': 1 },
    note: `The dashed line is the ${Math.round(advice.options.minHeadroom * 100)}% headroom at which the advisor moves up.`,
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
      totals.push([stage.stage, providerLabel(provider), `$${dollars(bill.totalMonthlyCost).toLocaleString('en-US')}${incomplete ? ' †' : ''}`, ...CATEGORIES.map((c) => (sums.get(c) ? dollars(sums.get(c)!) : ''))]);
    }
  }
  const providers = [...new Set(rows.map((r) => r.provider))];
  const spec = {
    ...base(150, 220),
    data: { values: rows },
    mark: 'bar',
    encoding: {
      column: { field: 'stage', type: 'nominal', sort: ladder.map((s) => s.stage), title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      x: { field: 'provider', type: 'nominal', sort: providers, title: null, axis: { labelAngle: -40 } },
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

/** The growth timeline: monthly bill per provider along the advised path, stage moves and break-even months marked. */
export function timelineChart(advice: Advice, costs: PathCosts): Chart {
  const rows: { month: string; provider: string; usd: number }[] = [];
  for (const pathProvider of costs.providers) pathProvider.monthly.forEach((v, i) => v !== null && rows.push({ month: advice.months[i].label, provider: providerLabel(pathProvider.provider), usd: dollars(v) }));
  const moves = advice.moves.filter((m) => m.month > 0 || advice.moves.length === 1).map((m) => ({ month: m.label, text: `→ ${m.to ?? 'beyond the ladder'}` }));
  const breakEven = costs.breakEven.filter((b) => b.month !== undefined).map((b) => ({ month: b.monthLabel!, text: `break-even: ${b.label}` }));
  const markers = [...moves, ...breakEven];
  const spec = {
    ...base(760, 280),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: false, strokeWidth: 2 },
        encoding: {
          x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null },
          y: { field: 'usd', type: 'quantitative', title: 'USD per month' },
          color: { field: 'provider', type: 'nominal', title: null },
        },
      },
      {
        data: { values: markers },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#444' },
        encoding: { x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth' } },
      },
      {
        data: { values: markers },
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, angle: 0, fontSize: 11, baseline: 'top', color: '#222' },
        encoding: { x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth' }, y: { value: 4 }, text: { field: 'text' } },
      },
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

/** The monthly cost change from each stage to the next, per provider. */
export function diffChart(ladder: readonly PricedStage[]): Chart {
  const rows: { step: string; provider: string; usd: number }[] = [];
  for (let index = 1; index < ladder.length; index++) {
    const step = `${ladder[index - 1].stage} → ${ladder[index].stage}`;
    for (const [provider, bill] of Object.entries(ladder[index].bills) as [PathProvider, Bill][]) {
      const before = ladder[index - 1].bills[provider];
      if (before) rows.push({ step, provider: providerLabel(provider), usd: dollars(bill.totalMonthlyCost - before.totalMonthlyCost) });
    }
  }
  const spec = {
    ...base(150, 200),
    data: { values: rows },
    mark: 'bar',
    encoding: {
      column: { field: 'step', type: 'nominal', sort: null, title: null, header: { labelFontSize: 11, labelFontWeight: 'bold' } },
      x: { field: 'provider', type: 'nominal', title: null, axis: { labelAngle: -40 } },
      y: { field: 'usd', type: 'quantitative', title: 'change, USD per month' },
      color: { field: 'provider', type: 'nominal', legend: null },
    },
  };
  return {
    id: 'diff',
    title: 'Stage-to-stage change of the monthly bill',
    spec,
    table: { head: ['move', 'provider', 'change USD/month'], rows: rows.map((r) => [r.step, r.provider, r.usd]) },
    expectedMarks: { 'mark-rect': rows.length },
  };
}
