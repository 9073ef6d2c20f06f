import { Command, Option } from 'commander';
import { stageByName } from '../../core/ladder';
import { stageRenderer } from '../../blueprints/render';
import { awsStatefulRisks } from '../../deploy/aws/safety';
import { stageCostDelta } from '../../deploy/cost-delta';
import { EXIT, exitCodeHelp, StopError } from '../../deploy/exit-codes';
import { moveRenderings } from '../../deploy/render';
import { formatTransition, REPORT_FORMATS, ReportFormat } from '../../deploy/report';
import { planTransition, TransitionReport } from '../../deploy/transition';
import { progress } from '../../terminal/output';
import { activeShardsOf, allowHttpOption, cdkContextOption, parseCdkContext, profileOption, readProfile, selectedTargets, targetOption } from '../options';
import { printCapacityVerdicts } from '../verdict';
import { computePlan } from '../../core/plan';
import { displayedProfile, reportStop } from './deploy';

export interface PlanOptions {
  target: string;
  profile: string;
  format: ReportFormat;
  cdkContext?: string[];
  allowHttp?: boolean;
}

/** Computes the report of moving between two stages (both rendered from the same profile). */
export function runPlan(fromName: string, toName: string, opts: PlanOptions): TransitionReport {
  const from = stageByName(fromName).name;
  const to = stageByName(toName).name;
  const profile = readProfile(opts);
  const context = parseCdkContext(opts.cdkContext, opts);
  // The options describe the stage moved to (moveRenderings), so that plan is the one they must fit.
  activeShardsOf([computePlan(profile, to)], context);
  const spinner = progress(`comparing ${from} and ${to}`);
  try {
    const report = planTransition({
      profile,
      profileFile: displayedProfile(opts.profile),
      from,
      to,
      targets: selectedTargets(opts.target),
      render: moveRenderings(stageRenderer(), context, to),
      awsRiskCheck: awsStatefulRisks,
      cost: stageCostDelta,
    });
    spinner.stop();
    return report;
  } catch (err) {
    spinner.fail('plan failed');
    throw err;
  }
}

export function planCommand(): Command {
  return new Command('plan')
    .description('what moving between two stages does, per target: resources added, changed and removed; stateful resources at risk; monthly cost delta; the data-work runbook')
    .argument('<from>', 'the stage deployed now')
    .argument('<to>', 'the stage to move to (any stage: up, down, or more than one step)')
    .addOption(targetOption(true).default('all'))
    .addOption(profileOption())
    .addOption(cdkContextOption())
    .addOption(allowHttpOption())
    .addOption(new Option('-f, --format <format>', 'table (terminal), markdown (pull-request comment) or json').choices([...REPORT_FORMATS]).default('table'))
    .addHelpText('after', `\n${exitCodeHelp([EXIT.ok, EXIT.failure, EXIT.usage, EXIT.risky])}\n  (0 also when stateful resources are retained or need data work: the runbook says what to do)`)
    .action((from: string, to: string, opts: PlanOptions) => {
      try {
        const report = runPlan(from, to, opts);
        process.stdout.write(formatTransition(report, opts.format));
        printCapacityVerdicts([computePlan(readProfile(opts), stageByName(to).name)], { quietWhenOk: opts.format !== 'table' });
        if (report.risky) process.exitCode = EXIT.risky;
      } catch (err) {
        if (err instanceof StopError) return reportStop(err);
        throw err;
      }
    });
}
