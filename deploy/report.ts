/**
 * Printing a move: a terminal view (colour and tables on a TTY, plain when piped), Markdown fit
 * for a pull-request comment, and JSON. Deploy reuses the pieces (risks, cost, runbook steps).
 */
import { colors, table } from '../terminal/output';
import { TARGET_TITLES } from './targets';
import { CostDelta, formatUsd } from './cost-delta';
import { severityLabel, StatefulRisk } from './risk';
import type { Runbook, RunbookLeg, RunbookStep, StepTiming } from './runbooks';
import type { ChangeLine, TargetTransition, TransitionReport } from './transition';

export type ReportFormat = 'table' | 'markdown' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'markdown', 'json'];

export function formatTransition(report: TransitionReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? transitionMarkdown(report) : transitionText(report);
}

// ---------------------------------------------------------------------------------------------
// Terminal

const TIMING_TITLES: Record<StepTiming, string> = { before: 'Before the deploy', deploy: 'The deploy', after: 'After the deploy' };

/** "split-tier → sharded", or for a profile edit "sharded: old.yaml → new.yaml". */
function moveTitle(r: TransitionReport): string {
  return r.fromProfileFile ? `${r.to}: profile ${r.fromProfileFile} \u2192 ${r.profileFile ?? 'the default profile'}` : `${r.from} \u2192 ${r.to}`;
}

function transitionText(r: TransitionReport): string {
  const out: string[] = [colors.bold(`${r.product}: ${moveTitle(r)}`), ''];
  for (const t of r.targets) {
    out.push(colors.bold(colors.cyan(`${TARGET_TITLES[t.target]} \u2014 ${t.scope}`)));
    out.push(`  ${colors.green(`+${t.added.length} added`)}  ${colors.yellow(`~${t.changed.length + t.tagsOnly.length} changed`)}  ${colors.red(`-${t.removed.length} removed`)}  (${t.unchanged} unchanged)`);
    const rows = [
      ...t.added.map((c) => [colors.green('+'), c.id, c.type, '']),
      ...t.changed.map((c) => [colors.yellow('~'), c.id, c.type, c.detail ?? '']),
      ...t.removed.map((c) => [colors.red('-'), c.id, c.type, '']),
      ...(t.tagsOnly.length ? [[colors.dim('~'), tagsOnlyLine(t), '', colors.dim(t.target === 'aws' ? 'Tags, updated in place' : 'labels or annotations')]] : []),
    ];
    if (rows.length > 0) out.push(indent(table(['', 'resource', 'type', 'change'], rows)));
    out.push('', risksText(t.risks), '', costText(t.cost, r.from, r.to), '', runbookText(t.runbook), '');
  }
  out.push(
    r.risky
      ? colors.red(colors.bold('Risky move: a stateful resource would be replaced or destroyed, or a change would be rejected (exit code 3).'))
      : colors.green('No stateful resource is replaced or destroyed by this move.'),
  );
  return `${out.join('\n')}\n`;
}

/** The one line all tag-only changes of a target collapse into: "69 resources: tags only". */
export function tagsOnlyLine(t: TargetTransition): string {
  return `${t.tagsOnly.length} ${t.target === 'aws' ? 'resources: tags only' : 'objects: labels only'}`;
}

export function risksText(risks: readonly StatefulRisk[]): string {
  if (risks.length === 0) return `  ${colors.green('Stateful resources: none replaced, destroyed or removed.')}`;
  const rows = risks.map((k) => [paintSeverity(k), k.resource, k.resourceType, k.change, k.reason + (k.fix ? `\nfix: ${k.fix}` : '')]);
  return `  ${colors.bold('Stateful resources at risk')}\n${indent(table(['severity', 'resource', 'type', 'change', 'why'], rows))}`;
}

function paintSeverity(risk: StatefulRisk): string {
  const label = severityLabel(risk.severity);
  if (risk.severity === 'data-loss' || risk.severity === 'rejected') return colors.bold(colors.red(`!! ${label}`));
  return risk.severity === 'no-effect' || risk.severity === 'possible-data-loss' ? colors.yellow(label) : colors.dim(label);
}

export function costText(cost: CostDelta, from: string, to: string): string {
  if (cost.status === 'unavailable') return `  ${colors.bold('Monthly cost')}: not available (${cost.reason})`;
  const rows = cost.providers.map((p) => [p.label, formatUsd(p.fromMonthly), formatUsd(p.toMonthly), formatUsd(p.deltaMonthly, true), p.notPriced ? `${p.notPriced} not priced` : '']);
  return `  ${colors.bold('Monthly cost')} (USD)\n${indent(table(['provider', from, to, 'delta', ''], rows, { alignRight: [1, 2, 3] }))}\n  ${colors.dim(cost.catalogDate)}`;
}

export function runbookText(runbook: Runbook, only?: readonly StepTiming[]): string {
  if (runbook.legs.length === 0) return `  ${colors.bold('Runbook')}: ${runbook.notes.join(' ')}`;
  const out: string[] = [];
  for (const note of runbook.notes) out.push(`  ${colors.yellow(note)}`);
  for (const leg of runbook.legs) {
    out.push(`  ${colors.bold(`Runbook ${leg.from} \u2192 ${leg.to}`)}${leg.dataWork ? colors.yellow(' (data work)') : ''}: ${leg.summary}`);
    out.push(`  downtime: ${leg.downtime}`);
    let n = 0;
    for (const timing of only ?? (['before', 'deploy', 'after'] as const)) {
      const steps = leg.steps.filter((s) => s.when === timing);
      if (steps.length === 0) continue;
      out.push(`  ${colors.underline(TIMING_TITLES[timing])}`);
      for (const s of steps) out.push(...stepText(++n, s));
    }
    if (!only) {
      out.push(`  ${colors.underline('Risks')}`, ...leg.risks.map((x) => `    - ${x}`));
      out.push(`  ${colors.underline('Rollback')}`, ...leg.rollback.map((x) => `    - ${x}`));
    }
  }
  return out.join('\n');
}

function stepText(n: number, s: RunbookStep): string[] {
  const lines = [`    ${n}. ${colors.bold(s.title)}${s.detail ? `: ${s.detail}` : ''}`];
  for (const c of s.commands ?? []) lines.push(`         ${colors.dim('$')} ${c}`);
  return lines;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Markdown (pull-request comment)

function transitionMarkdown(r: TransitionReport): string {
  const out: string[] = [`## stagekit plan: \`${r.product}\` ${moveTitle(r)}`, ''];
  const blocking = r.targets.flatMap((t) => t.risks.filter((k) => k.severity === 'data-loss' || k.severity === 'rejected'));
  out.push(
    blocking.length > 0
      ? `> [!CAUTION]\n> **${blocking.length} stateful resource change(s) would lose data or be rejected.** Review them and the runbook before deploying; \`stagekit deploy\` refuses them without \`--allow-data-loss\`.`
      : '> [!NOTE]\n> No stateful resource is replaced or destroyed by this move.',
    '',
  );
  for (const t of r.targets) out.push(...targetMarkdown(t, r));
  if (r.profileFile) out.push(`<sub>profile: \`${r.profileFile}\`</sub>`, '');
  return `${out.join('\n')}\n`;
}

function targetMarkdown(t: TargetTransition, r: TransitionReport): string[] {
  const out = [`### ${TARGET_TITLES[t.target]} \u2014 ${t.scope}`, '', `**+${t.added.length} added \u00b7 ~${t.changed.length + t.tagsOnly.length} changed \u00b7 \u2212${t.removed.length} removed** (${t.unchanged} unchanged)`, ''];
  if (t.risks.length > 0) {
    out.push('#### Stateful resources', '', '| | Resource | Type | Change | Why |', '|---|---|---|---|---|');
    for (const k of t.risks) {
      const icon = k.severity === 'data-loss' || k.severity === 'rejected' ? ':red_circle:' : k.severity === 'no-effect' || k.severity === 'possible-data-loss' ? ':warning:' : ':large_blue_circle:';
      out.push(`| ${icon} **${severityLabel(k.severity)}** | \`${k.resource}\` | \`${k.resourceType}\` | ${k.change} | ${cell(k.reason)}${k.fix ? `<br>**Fix:** ${cell(k.fix)}` : ''} |`);
    }
    out.push('');
  } else {
    out.push('Stateful resources: none replaced, destroyed or removed.', '');
  }
  const all = [...t.added.map((c) => ['+', c] as const), ...t.changed.map((c) => ['~', c] as const), ...t.removed.map((c) => ['\u2212', c] as const)];
  if (all.length > 0 || t.tagsOnly.length > 0) {
    out.push('<details><summary>Resources</summary>', '', '| | Resource | Type | Change |', '|---|---|---|---|');
    for (const [sign, c] of all) out.push(`| ${sign} | \`${c.id}\` | \`${c.type}\` | ${cell((c as ChangeLine).detail ?? '')} |`);
    if (t.tagsOnly.length) out.push(`| ~ | ${tagsOnlyLine(t)} | | ${t.target === 'aws' ? 'Tags, updated in place' : 'labels or annotations'} |`);
    out.push('', '</details>', '');
  }
  if (t.cost.status === 'priced') {
    out.push('#### Monthly cost (USD)', '', `| Provider | ${r.from} | ${r.to} | Delta | |`, '|---|---:|---:|---:|---|');
    for (const p of t.cost.providers) out.push(`| ${p.label} | ${formatUsd(p.fromMonthly)} | ${formatUsd(p.toMonthly)} | **${formatUsd(p.deltaMonthly, true)}** | ${p.notPriced ? `${p.notPriced} resource(s) not priced` : ''} |`);
    out.push('', `<sub>${t.cost.catalogDate} Details: \`stagekit cost diff ${r.from} ${r.to}\`.</sub>`, '');
  } else {
    out.push(`Monthly cost: not available (${t.cost.reason}).`, '');
  }
  out.push(...runbookMarkdown(t.runbook));
  return out;
}

function runbookMarkdown(runbook: Runbook): string[] {
  if (runbook.legs.length === 0) return [`#### Runbook`, '', runbook.notes.join(' '), ''];
  const out: string[] = [];
  for (const note of runbook.notes) out.push(`> ${note}`, '');
  for (const leg of runbook.legs) out.push(...legMarkdown(leg));
  return out;
}

function legMarkdown(leg: RunbookLeg): string[] {
  const out = [`#### Runbook: ${leg.from} \u2192 ${leg.to}${leg.dataWork ? ' (data work)' : ''}`, '', leg.summary, '', `**Downtime:** ${leg.downtime}`, ''];
  let n = 0;
  for (const timing of ['before', 'deploy', 'after'] as const) {
    const steps = leg.steps.filter((s) => s.when === timing);
    if (steps.length === 0) continue;
    out.push(`**${TIMING_TITLES[timing]}**`, '');
    for (const s of steps) {
      out.push(`${++n}. **${s.title}**${s.detail ? ` \u2014 ${s.detail}` : ''}`);
      if (s.commands?.length) out.push('   ```sh', ...s.commands.map((c) => `   ${c}`), '   ```');
    }
    out.push('');
  }
  out.push('**Risks**', '', ...leg.risks.map((x) => `- ${x}`), '', '**Rollback**', '', ...leg.rollback.map((x) => `- ${x}`), '');
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}
