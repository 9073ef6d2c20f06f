import { Command } from 'commander';
import { computePlan } from '../../core/plan';
import { STAGES } from '../../core/ladder';
import { colors } from '../../terminal/output';
import { capacityOf } from '../verdict';
import { capacityVerdict } from '../../core/capacity';
import { profileOption, readProfile, selectedStages, stageOption, allStagesOption } from '../options';

export function stagesCommand(): Command {
  return new Command('stages')
    .description('list the growth ladder: what each stage adds, what it is built for, when to move on')
    .option('--json', 'print the ladder as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(STAGES, null, 2)}\n`);
        return;
      }
      for (const s of STAGES) {
        process.stdout.write(`${colors.bold(`${s.step}. ${s.name}`)}  ${s.title}\n`);
        process.stdout.write(`   adds          ${s.adds}\n   built for     ${s.builtFor}\n   move on when  ${s.moveOnWhen}\n\n`);
      }
    });
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('show the sizing plan for a profile: every size and count, and why')
    .addOption(stageOption())
    .addOption(allStagesOption())
    .addOption(profileOption())
    .option('--json', 'print the plan(s) as JSON')
    .action((opts: { stage?: string; all?: boolean; profile: string; json?: boolean }) => {
      const profile = readProfile(opts);
      const plans = selectedStages(opts).map((stage) => computePlan(profile, stage));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(plans.map(({ profile: _p, ...plan }) => plan), null, 2)}\n`);
        return;
      }
      for (const plan of plans) {
        process.stdout.write(`${colors.bold(`${plan.stage}`)} for ${plan.product} (${plan.region})\n`);
        for (const line of plan.reasoning) process.stdout.write(`  ${line}\n`);
        for (const line of plan.warnings) process.stdout.write(`  ${colors.yellow(`warning: ${line}`)}\n`);
        const verdict = capacityVerdict(capacityOf(plan), profile);
        for (const line of verdict.lines) process.stdout.write(`  ${verdict.ok ? line : colors.yellow(line)}\n`);
        process.stdout.write('\n');
      }
    });
}
