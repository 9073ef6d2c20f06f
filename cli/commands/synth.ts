import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { computePlan } from '../../core/plan';
import { stageRenderer } from '../../blueprints/render';
import type { WrittenRendering } from '../../core/rendering';
import { ArtifactRecord, profileDigest, recordRun } from '../run-manifest';
import { packageVersion } from '../version';
import { captureConsole, colors, progress, table, withoutReportPath } from '../../terminal/output';
import { allowHttpOption, allStagesOption, cdkContextOption, checkOutDir, lockFloorOf, lockOption, noLockOption, parseCdkContext, profileOption, readProfile, selectedStages, selectedTargets, stageOption, targetOption } from '../options';
import { printCapacityVerdicts } from '../verdict';

export interface SynthOptions {
  stage?: string;
  all?: boolean;
  target?: string;
  profile: string;
  out: string;
  quiet?: boolean;
  cdkContext?: string[];
  allowHttp?: boolean;
  lock?: string | false;
}

/** Where an artifact lives under the output folder, and its key in the run manifest. */
function artifactPath(result: WrittenRendering): { key: string; rel: string } {
  return result.target === 'aws'
    ? { key: `aws/${result.stage}`, rel: path.join('aws', result.stage) }
    : { key: `k8s/${result.stage}`, rel: path.join('k8s', `${result.stage}.k8s.yaml`) };
}

/** The same result, its paths under `to` instead of `from`. */
function moved(result: WrittenRendering, from: string, to: string): WrittenRendering {
  const re = (p: string) => path.join(to, path.relative(from, p));
  return result.target === 'aws'
    ? { ...result, assemblyDir: re(result.assemblyDir), templateFile: re(result.templateFile) }
    : { ...result, manifestFile: re(result.manifestFile) };
}

/**
 * Synthesizes the selected stages and targets. The profile, stages, targets, stage options and output
 * folder are validated before anything is written. Every artifact of the run is synthesized into a
 * staging folder inside the output folder and published together when all succeeded (with their
 * provenance in stagekit-run.json), so a run that fails part-way leaves the output folder as it was.
 */
export function runSynth(opts: SynthOptions, messages = new Map<string, string[]>()): WrittenRendering[] {
  const profile = readProfile(opts);
  const stages = selectedStages(opts);
  const targets = selectedTargets(opts.target);
  const context = parseCdkContext(opts.cdkContext, opts);
  const out = checkOutDir(opts.out);
  const deployed = lockFloorOf(opts, profile);
  const plans = stages.map((stage) => computePlan(profile, stage, { deployed }));
  const renderer = stageRenderer();

  const createdOut = !fs.existsSync(out);
  fs.mkdirSync(out, { recursive: true });
  const staging = fs.mkdtempSync(path.join(out, '.stagekit-staging-'));
  const results: WrittenRendering[] = [];
  let published = false;
  try {
    for (const plan of plans) {
      for (const target of targets) {
        const spinner = progress(`synthesizing ${plan.stage} for ${target}`);
        try {
          const activeShards = context.activeShards === undefined ? undefined : Number(context.activeShards);
          const { result, printed } = captureConsole(() => (target === 'aws' ? renderer.writeAws(plan, staging, { context }) : renderer.writeK8s(plan, staging, { activeShards })));
          results.push(result);
          for (const message of printed.map(withoutReportPath).filter(Boolean)) messages.set(message, [...(messages.get(message) ?? []), plan.stage]);
          spinner.stop();
        } catch (err) {
          spinner.fail(`${plan.stage} (${target}) failed`);
          keepValidationReport(staging, plan.stage);
          throw err;
        }
      }
    }
    // Publish: every artifact of the run replaces its earlier version, then the manifest records them.
    const run = `${new Date().toISOString()}-${process.pid}`;
    const records: Record<string, ArtifactRecord> = {};
    for (const result of results) {
      const { key, rel } = artifactPath(result);
      const target = path.join(out, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(path.join(staging, rel), target);
      records[key] = { run, profile: profile.name, profileFile: opts.profile, profileDigest: profileDigest(profile), options: context, stagekitVersion: packageVersion() };
    }
    recordRun(out, records);
    published = true;
    return results.map((r) => moved(r, staging, out));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!published && createdOut) fs.rmSync(out, { recursive: true, force: true });
  }
}

/** A failed AWS synth's validation report outlives the staging folder: copied to the temp folder, its path printed. */
function keepValidationReport(staging: string, stage: string): void {
  const report = path.join(staging, 'aws', `${stage}.partial`, 'validation-report.json');
  if (!fs.existsSync(report)) return;
  const kept = path.join(os.tmpdir(), `stagekit-${stage}-validation-report-${process.pid}.json`);
  fs.copyFileSync(report, kept);
  process.stderr.write(`validation report of ${stage}: ${kept}\n`);
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
    .addOption(allowHttpOption())
    .addOption(lockOption())
    .addOption(noLockOption())
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
      printCapacityVerdicts(selectedStages(opts).map((stage) => computePlan(profile, stage, { deployed: lockFloorOf(opts, profile) })));
    });
}
