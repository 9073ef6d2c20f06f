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
import { activeShardsOf, allowHttpOption, cdkContextOption, lockFloorOf, lockOption, noLockOption, parseCdkContext, profileOption, readProfile, selectedTargets, stageOption, targetOption } from '../options';
import { planProfileChange } from '../../deploy/profile-change';
import { UsageError } from '../../core/errors';
import { printCapacityVerdicts } from '../verdict';
import { computePlan } from '../../core/plan';
import { displayedProfile, reportStop } from './deploy';

export interface PlanOptions {
  target: string;
  profile: string;
  stage?: string;
  fromProfile?: string;
  lock?: string | false;
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

/** `plan --stage S --profile NEW --from-profile OLD`: what the profile edit does at one stage. */
export function runProfileChange(opts: PlanOptions): TransitionReport {
  if (!opts.stage) throw new UsageError('--from-profile: give the stage both profiles are deployed at with --stage');
  const stage = stageByName(opts.stage).name;
  const profile = readProfile(opts);
  const fromProfile = readProfile({ profile: opts.fromProfile! });
  const spinner = progress(`comparing the profiles at ${stage}`);
  try {
    const report = planProfileChange({
      stage,
      fromProfile,
      fromProfileFile: displayedProfile(opts.fromProfile!) ?? 'profiles/growing-product.yaml',
      profile,
      profileFile: displayedProfile(opts.profile) ?? 'profiles/growing-product.yaml',
      targets: selectedTargets(opts.target),
      render: moveRenderings(stageRenderer(), parseCdkContext(opts.cdkContext, opts), stage),
      awsRiskCheck: awsStatefulRisks,
      cost: stageCostDelta,
      locked: lockFloorOf(opts, profile),
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
    .description(
      'what moving between two stages does (plan FROM TO), or what a profile edit does at one stage (plan --stage S --profile NEW --from-profile OLD), per target: ' +
        'resources added, changed and removed; stateful resources at risk; monthly cost delta; the runbook',
    )
    .argument('[from]', 'the stage deployed now')
    .argument('[to]', 'the stage to move to (any stage: up, down, or more than one step)')
    .addOption(stageOption())
    .option('--from-profile <file>', 'the profile deployed now: compare it with --profile at --stage (sizes never below what it deployed)')
    .addOption(targetOption(true).default('all'))
    .addOption(profileOption())
    .addOption(lockOption())
    .addOption(noLockOption())
    .addOption(cdkContextOption())
    .addOption(allowHttpOption())
    .addOption(new Option('-f, --format <format>', 'table (terminal), markdown (pull-request comment) or json').choices([...REPORT_FORMATS]).default('table'))
    .addHelpText('after', `\n${exitCodeHelp([EXIT.ok, EXIT.failure, EXIT.usage, EXIT.risky])}\n  (0 also when stateful resources are retained or need data work: the runbook says what to do)`)
    .action((from: string | undefined, to: string | undefined, opts: PlanOptions) => {
      try {
        if (opts.fromProfile && (from !== undefined || to !== undefined)) throw new UsageError('--from-profile compares two profiles at one stage: give --stage S, not FROM TO');
        if (!opts.fromProfile && (from === undefined || to === undefined)) throw new UsageError('give FROM TO (two stages), or --stage S --from-profile OLD (a profile edit)');
        if (!opts.fromProfile && opts.stage) throw new UsageError('--stage goes with --from-profile; to compare stages give FROM TO');
        const report = opts.fromProfile ? runProfileChange(opts) : runPlan(from!, to!, opts);
        const profile = readProfile(opts);
        process.stdout.write(formatTransition(report, opts.format));
        printCapacityVerdicts([computePlan(profile, report.to, { deployed: lockFloorOf(opts, profile) })], { quietWhenOk: opts.format !== 'table' });
        if (report.risky) process.exitCode = EXIT.risky;
      } catch (err) {
        if (err instanceof StopError) return reportStop(err);
        throw err;
      }
    });
}
