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
function moveTitle(report: TransitionReport): string {
  return report.fromProfileFile ? `${report.to}: profile ${report.fromProfileFile} \u2192 ${report.profileFile ?? 'the default profile'}` : `${report.from} \u2192 ${report.to}`;
}

function transitionText(report: TransitionReport): string {
  const out: string[] = [colors.bold(`${report.product}: ${moveTitle(report)}`), ''];
  for (const target of report.targets) {
    out.push(colors.bold(colors.cyan(`${TARGET_TITLES[target.target]} \u2014 ${target.scope}`)));
    out.push(`  ${colors.green(`+${target.added.length} added`)}  ${colors.yellow(`~${target.changed.length + target.tagsOnly.length} changed`)}  ${colors.red(`-${target.removed.length} removed`)}  (${target.unchanged} unchanged)`);
    const rows = [
      ...target.added.map((c) => [colors.green('+'), c.id, c.type, '']),
      ...target.changed.map((c) => [colors.yellow('~'), c.id, c.type, c.detail ?? '']),
      ...target.removed.map((c) => [colors.red('-'), c.id, c.type, '']),
      ...(target.tagsOnly.length ? [[colors.dim('~'), tagsOnlyLine(target), '', colors.dim(target.target === 'aws' ? 'Tags, updated in place' : 'labels or annotations')]] : []),
    ];
    if (rows.length > 0) out.push(indent(table(['', 'resource', 'type', 'change'], rows)));
    out.push('', risksText(target.risks), '', costText(target.cost, report.from, report.to), '', runbookText(target.runbook), '');
  }
  out.push(
    report.risky
      ? colors.red(colors.bold('Risky move: a stateful resource would be replaced or destroyed, or a change would be rejected (exit code 3).'))
      : colors.green('No stateful resource is replaced or destroyed by this move.'),
  );
  return `${out.join('\n')}\n`;
}

/** The one line all tag-only changes of a target collapse into: "69 resources: tags only". */
export function tagsOnlyLine(target: TargetTransition): string {
  return `${target.tagsOnly.length} ${target.target === 'aws' ? 'resources: tags only' : 'objects: labels only'}`;
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
    let stepNumber = 0;
    for (const timing of only ?? (['before', 'deploy', 'after'] as const)) {
      const steps = leg.steps.filter((s) => s.when === timing);
      if (steps.length === 0) continue;
      out.push(`  ${colors.underline(TIMING_TITLES[timing])}`);
      for (const step of steps) out.push(...stepText(++stepNumber, step));
    }
    if (!only) {
      out.push(`  ${colors.underline('Risks')}`, ...leg.risks.map((x) => `    - ${x}`));
      out.push(`  ${colors.underline('Rollback')}`, ...leg.rollback.map((x) => `    - ${x}`));
    }
  }
  return out.join('\n');
}

function stepText(stepNumber: number, step: RunbookStep): string[] {
  const lines = [`    ${stepNumber}. ${colors.bold(step.title)}${step.detail ? `: ${step.detail}` : ''}`];
  for (const command of step.commands ?? []) lines.push(`         ${colors.dim('$')} ${command}`);
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

function transitionMarkdown(report: TransitionReport): string {
  const out: string[] = [`## stagekit plan: \`${report.product}\` ${moveTitle(report)}`, ''];
  const blocking = report.targets.flatMap((t) => t.risks.filter((k) => k.severity === 'data-loss' || k.severity === 'rejected'));
  out.push(
    blocking.length > 0
      ? `> [!CAUTION]\n> **${blocking.length} stateful resource change(s) would lose data or be rejected.** Review them and the runbook before deploying; \`stagekit deploy\` refuses them without \`--allow-data-loss\`.`
      : '> [!NOTE]\n> No stateful resource is replaced or destroyed by this move.',
    '',
  );
  for (const target of report.targets) out.push(...targetMarkdown(target, report));
  if (report.profileFile) out.push(`<sub>profile: \`${report.profileFile}\`</sub>`, '');
  return `${out.join('\n')}\n`;
}

function targetMarkdown(target: TargetTransition, report: TransitionReport): string[] {
  const out = [`### ${TARGET_TITLES[target.target]} \u2014 ${target.scope}`, '', `**+${target.added.length} added \u00b7 ~${target.changed.length + target.tagsOnly.length} changed \u00b7 \u2212${target.removed.length} removed** (${target.unchanged} unchanged)`, ''];
  if (target.risks.length > 0) {
    out.push('#### Stateful resources', '', '| | Resource | Type | Change | Why |', '|---|---|---|---|---|');
    for (const risk of target.risks) {
      const icon = risk.severity === 'data-loss' || risk.severity === 'rejected' ? ':red_circle:' : risk.severity === 'no-effect' || risk.severity === 'possible-data-loss' ? ':warning:' : ':large_blue_circle:';
      out.push(`| ${icon} **${severityLabel(risk.severity)}** | \`${risk.resource}\` | \`${risk.resourceType}\` | ${risk.change} | ${cell(risk.reason)}${risk.fix ? `<br>**Fix:** ${cell(risk.fix)}` : ''} |`);
    }
    out.push('');
  } else {
    out.push('Stateful resources: none replaced, destroyed or removed.', '');
  }
  const all = [...target.added.map((c) => ['+', c] as const), ...target.changed.map((c) => ['~', c] as const), ...target.removed.map((c) => ['\u2212', c] as const)];
  if (all.length > 0 || target.tagsOnly.length > 0) {
    out.push('<details><summary>Resources</summary>', '', '| | Resource | Type | Change |', '|---|---|---|---|');
    for (const [sign, change] of all) out.push(`| ${sign} | \`${change.id}\` | \`${change.type}\` | ${cell((change as ChangeLine).detail ?? '')} |`);
    if (target.tagsOnly.length) out.push(`| ~ | ${tagsOnlyLine(target)} | | ${target.target === 'aws' ? 'Tags, updated in place' : 'labels or annotations'} |`);
    out.push('', '</details>', '');
  }
  if (target.cost.status === 'priced') {
    out.push('#### Monthly cost (USD)', '', `| Provider | ${report.from} | ${report.to} | Delta | |`, '|---|---:|---:|---:|---|');
    for (const provider of target.cost.providers) out.push(`| ${provider.label} | ${formatUsd(provider.fromMonthly)} | ${formatUsd(provider.toMonthly)} | **${formatUsd(provider.deltaMonthly, true)}** | ${provider.notPriced ? `${provider.notPriced} resource(s) not priced` : ''} |`);
    out.push('', `<sub>${target.cost.catalogDate} Details: \`stagekit cost diff ${report.from} ${report.to}\`.</sub>`, '');
  } else {
    out.push(`Monthly cost: not available (${target.cost.reason}).`, '');
  }
  out.push(...runbookMarkdown(target.runbook));
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
  let stepNumber = 0;
  for (const timing of ['before', 'deploy', 'after'] as const) {
    const steps = leg.steps.filter((s) => s.when === timing);
    if (steps.length === 0) continue;
    out.push(`**${TIMING_TITLES[timing]}**`, '');
    for (const step of steps) {
      out.push(`${++stepNumber}. **${step.title}**${step.detail ? ` \u2014 ${step.detail}` : ''}`);
      if (step.commands?.length) out.push('   ```sh', ...step.commands.map((c) => `   ${c}`), '   ```');
    }
    out.push('');
  }
  out.push('**Risks**', '', ...leg.risks.map((x) => `- ${x}`), '', '**Rollback**', '', ...leg.rollback.map((x) => `- ${x}`), '');
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}
