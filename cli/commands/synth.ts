import * as path from 'path';
import { Command } from 'commander';
import { computePlan } from '../../core/plan';
import { stageRenderer } from '../../blueprints/render';
import type { WrittenRendering } from '../../core/rendering';
import { captureConsole, colors, progress, table, withoutReportPath } from '../../terminal/output';
import { printCapacityVerdicts } from '../verdict';
import { allStagesOption, cdkContextOption, parseCdkContext, profileOption, readProfile, selectedStages, selectedTargets, stageOption, targetOption } from '../options';

export interface SynthOptions {
  stage?: string;
  all?: boolean;
  target?: string;
  profile: string;
  out: string;
  quiet?: boolean;
  cdkContext?: string[];
}

/**
 * Synthesizes the selected stages and targets. The profile, stages, targets and context are
 * validated before anything is written; each artifact is swapped in whole, so a synth that fails
 * leaves the earlier artifacts complete and its own last good output in place.
 */
export function runSynth(opts: SynthOptions, messages = new Map<string, string[]>()): WrittenRendering[] {
  const profile = readProfile(opts);
  const stages = selectedStages(opts);
  const targets = selectedTargets(opts.target);
  const context = parseCdkContext(opts.cdkContext);
  const plans = stages.map((stage) => computePlan(profile, stage));
  const renderer = stageRenderer();
  const results: WrittenRendering[] = [];
  for (const plan of plans) {
    for (const target of targets) {
      const spinner = progress(`synthesizing ${plan.stage} for ${target}`);
      try {
        const { result, printed } = captureConsole(() => (target === 'aws' ? renderer.writeAws(plan, opts.out, { context }) : renderer.writeK8s(plan, opts.out)));
        results.push(result);
        for (const message of printed.map(withoutReportPath).filter(Boolean)) messages.set(message, [...(messages.get(message) ?? []), plan.stage]);
        spinner.stop();
      } catch (err) {
        spinner.fail(`${plan.stage} (${target}) failed`);
        throw err;
      }
    }
  }
  return results;
}

export function synthCommand(): Command {
  return new Command('synth')
    .description('write CloudFormation templates (aws) and Kubernetes manifests (k8s) for one stage or all')
    .addOption(stageOption())
    .addOption(allStagesOption())
    .addOption(targetOption(true).default('all'))
    .addOption(profileOption())
    .option('-o, --out <dir>', 'output directory', 'out')
    .addOption(cdkContextOption())
    .action((opts: SynthOptions) => {
      const messages = new Map<string, string[]>();
      // Each synth message once, with the stages that printed it (the full reports are in each assembly's validation-report.json).
      const printMessages = () => {
        for (const [message, stages] of messages) process.stderr.write(`\n${colors.yellow(`${stages.join(', ')}:`)} ${message}\n`);
      };
      let results: WrittenRendering[];
      try {
        results = runSynth(opts, messages);
      } catch (err) {
        printMessages();
        throw err;
      }
      const rows = results.map((rendering) => [
        rendering.stage,
        rendering.target,
        rendering.target === 'aws' ? `${Object.keys(rendering.template.Resources ?? {}).length} resources` : `${rendering.objects.length} objects`,
        path.relative(process.cwd(), rendering.target === 'aws' ? rendering.templateFile : rendering.manifestFile),
        `${(rendering.milliseconds / 1000).toFixed(1)} s`,
      ]);
      process.stdout.write(`${table(['stage', 'target', 'size', 'written to', 'time'], rows, { alignRight: [4] })}\n`);
      process.stdout.write(`${colors.green('synthesized')} ${results.length} artifact(s) into ${opts.out}/\n`);
      printMessages();
      const profile = readProfile(opts);
      printCapacityVerdicts(selectedStages(opts).map((stage) => computePlan(profile, stage)));
    });
}
