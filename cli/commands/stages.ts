import { Command, Option } from 'commander';
import type { Plan } from '../../core/plan';
import type { KubeObject } from '../../core/rendering';
import type { HcloudLayout } from '../../deploy/self-hosted/layout';
import { computePlan } from '../../core/plan';
import { STAGES } from '../../core/ladder';
import { colors } from '../../terminal/output';
import { capacityOf } from '../verdict';
import { capacityVerdict } from '../../core/capacity';
import { profileOption, readProfile, selectedStages, stageOption, allStagesOption, SELF_HOSTED } from '../options';

/** The stage's Hetzner Cloud layout (the deploy's, without an API allow-list), or why there is none. */
function selfHostedFleet(plan: Plan): { layout?: HcloudLayout; error?: string } {
  const { layoutFleet, stageFleet } = require('../../deploy/self-hosted/layout') as typeof import('../../deploy/self-hosted/layout');
  const { stageRenderer } = require('../../blueprints/render') as typeof import('../../blueprints/render');
  const objects = stageRenderer().k8s(plan).objects as KubeObject[];
  try {
    return { layout: layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: [] }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function stagesCommand(): Command {
  return new Command('stages')
    .description('list the growth ladder: what each stage adds, what it is built for, when to move on')
    .option('--json', 'print the ladder as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(STAGES, null, 2)}\n`);
        return;
      }
      for (const stage of STAGES) {
        process.stdout.write(`${colors.bold(`${stage.step}. ${stage.name}`)}  ${stage.title}\n`);
        process.stdout.write(`   adds          ${stage.adds}\n   built for     ${stage.builtFor}\n   move on when  ${stage.moveOnWhen}\n\n`);
      }
    });
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('show the sizing plan for a profile: every size and count, and why')
    .addOption(stageOption())
    .addOption(allStagesOption())
    .addOption(profileOption())
    .addOption(new Option('-t, --target <target>', `${SELF_HOSTED}: also show the Hetzner Cloud fleet each stage is provisioned as (servers per pool and location, load balancers, volumes, firewall)`).choices([SELF_HOSTED]))
    .option('--json', 'print the plan(s) as JSON')
    .action((opts: { stage?: string; all?: boolean; profile: string; json?: boolean; target?: string }) => {
      const profile = readProfile(opts);
      const plans = selectedStages(opts).map((stage) => computePlan(profile, stage));
      const fleets = opts.target === SELF_HOSTED ? plans.map(selfHostedFleet) : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(plans.map(({ profile: _p, ...plan }, i) => (fleets ? { ...plan, selfHosted: fleets[i].layout ?? { error: fleets[i].error } } : plan)), null, 2)}\n`);
        return;
      }
      for (const plan of plans) {
        process.stdout.write(`${colors.bold(`${plan.stage}`)} for ${plan.product} (${plan.region})\n`);
        for (const line of plan.reasoning) process.stdout.write(`  ${line}\n`);
        for (const line of plan.warnings) process.stdout.write(`  ${colors.yellow(`warning: ${line}`)}\n`);
        const verdict = capacityVerdict(capacityOf(plan), profile);
        for (const line of verdict.lines) process.stdout.write(`  ${verdict.ok ? line : colors.yellow(line)}\n`);
        const fleet = fleets?.[plans.indexOf(plan)];
        if (fleet?.layout) {
          const { fleetExplanation } = require('../../deploy/self-hosted/explain') as typeof import('../../deploy/self-hosted/explain');
          for (const line of fleetExplanation(fleet.layout)) process.stdout.write(`  ${line}\n`);
        } else if (fleet) {
          process.stdout.write(`  ${colors.yellow(`fleet on Hetzner Cloud: none can be laid out: ${fleet.error}`)}\n`);
        }
        process.stdout.write('\n');
      }
    });
}
