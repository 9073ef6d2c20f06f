import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { computePlan, Plan } from '../../core/plan';
import { stageRenderer } from '../../blueprints/render';
import type { KubeObject, StageRenderer, WrittenRendering } from '../../core/rendering';
import type { StageName } from '../../core/ladder';
import { UsageError } from '../../core/errors';
import { k8sObjectsFileOf } from '../../core/k8s-objects-file';
import { ArtifactRecord, profileDigest, recordRun } from '../run-manifest';
import { packageVersion } from '../version';
import { captureConsole, colors, progress, table, withoutReportPath } from '../../terminal/output';
import { activeShardsOf, allowHttpOption, allStagesOption, apiAllowOption, parseApiAllow, SELF_HOSTED, cdkContextOption, checkOutDir, lockFloorOf, lockOption, noLockOption, parseCdkContext, profileOption, readProfile, selectedStages, selectedTargets, stageOption, targetOption } from '../options';
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
  apiAllow?: string[];
  inventory?: string;
  lock?: string | false;
}

/** What `--target self-hosted` wrote for a stage (OUT/self-hosted/<stage>/). */
export interface SelfHostedWritten {
  readonly target: 'self-hosted';
  readonly stage: StageName;
  readonly dir: string;
  readonly files: string[];
  readonly servers: number;
  readonly platformObjects: number;
  readonly milliseconds: number;
}

export type SynthResult = WrittenRendering | SelfHostedWritten;

/** Where an artifact lives under the output folder (its files or folder), and its key in the run manifest. */
function artifactPath(result: SynthResult): { key: string; rels: string[] } {
  if (result.target === 'self-hosted') return { key: `self-hosted/${result.stage}`, rels: [path.join('self-hosted', result.stage)] };
  if (result.target === 'aws') return { key: `aws/${result.stage}`, rels: [path.join('aws', result.stage)] };
  // The objects file first: a manifest is never published beside the objects file of an older one.
  const manifest = path.join('k8s', `${result.stage}.k8s.yaml`);
  return { key: `k8s/${result.stage}`, rels: [k8sObjectsFileOf(manifest), manifest] };
}

/** The same result, its paths under `to` instead of `from`. */
function moved(result: SynthResult, from: string, to: string): SynthResult {
  const re = (p: string) => path.join(to, path.relative(from, p));
  if (result.target === 'self-hosted') return { ...result, dir: re(result.dir) };
  return result.target === 'aws'
    ? { ...result, assemblyDir: re(result.assemblyDir), templateFile: re(result.templateFile) }
    : { ...result, manifestFile: re(result.manifestFile), objectsFile: re(result.objectsFile) };
}

/**
 * Synthesizes the selected stages and targets. The profile, stages, targets, stage options and output
 * folder are validated before anything is written. Every artifact of the run is synthesized into a
 * staging folder inside the output folder and published together when all succeeded (with their
 * provenance in stagekit-run.json), so a run that fails part-way leaves the output folder as it was.
 */
export function runSynth(opts: SynthOptions, messages = new Map<string, string[]>()): SynthResult[] {
  const profile = readProfile(opts);
  const stages = selectedStages(opts);
  const selfHosted = opts.target === SELF_HOSTED;
  const targets = selfHosted ? [] : selectedTargets(opts.target);
  if (opts.apiAllow && !selfHosted) throw new UsageError(`--api-allow applies to --target ${SELF_HOSTED} only.`);
  const apiAllow = parseApiAllow(opts.apiAllow);
  if (opts.inventory && !selfHosted) throw new UsageError(`--inventory applies to --target ${SELF_HOSTED} only.`);
  const inventory = opts.inventory === undefined ? undefined : readInventory(opts.inventory);
  const context = parseCdkContext(opts.cdkContext, opts);
  const out = checkOutDir(opts.out);
  const deployed = lockFloorOf(opts, profile);
  const plans = stages.map((stage) => computePlan(profile, stage, { deployed }));
  const activeShards = activeShardsOf(plans, context);
  const renderer = stageRenderer();

  const createdOut = !fs.existsSync(out);
  fs.mkdirSync(out, { recursive: true });
  const staging = fs.mkdtempSync(path.join(out, '.stagekit-staging-'));
  const results: SynthResult[] = [];
  let published = false;
  try {
    for (const [index, plan] of plans.entries()) {
      if (selfHosted) {
        const spinner = progress(`laying out ${plan.stage} for ${SELF_HOSTED}`);
        try {
          results.push(writeSelfHosted(plan, renderer, staging, apiAllow, activeShards[index], inventory));
          spinner.stop();
        } catch (err) {
          spinner.fail(`${plan.stage} (${SELF_HOSTED}) failed`);
          throw err;
        }
      }
      for (const target of targets) {
        const spinner = progress(`synthesizing ${plan.stage} for ${target}`);
        try {
          const { result, printed } = captureConsole(() => (target === 'aws' ? renderer.writeAws(plan, staging, { context }) : renderer.writeK8s(plan, staging, { activeShards: activeShards[index] })));
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
      const { key, rels } = artifactPath(result);
      for (const rel of rels) {
        const target = path.join(out, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(path.join(staging, rel), target);
      }
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

/** The inventory of dedicated servers (`--inventory FILE`), validated: every problem named, exit 2. */
function readInventory(file: string): import('../../deploy/self-hosted/dedicated').Inventory {
  const { parseInventory } = require('../../deploy/self-hosted/dedicated') as typeof import('../../deploy/self-hosted/dedicated');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--inventory: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseInventory(text, file);
}

/**
 * The self-hosted artifacts of one stage into STAGING/self-hosted/<stage>/ (deploy/self-hosted/artifacts.ts says
 * what each file is); with an inventory, the dedicated servers' configurations under dedicated/ instead of the
 * Hetzner Cloud program's input (deploy/self-hosted/dedicated.ts).
 */
function writeSelfHosted(plan: Plan, renderer: StageRenderer, staging: string, apiAllow: string[], activeShards: number | undefined, inventory?: import('../../deploy/self-hosted/dedicated').Inventory): SelfHostedWritten {
  const started = Date.now();
  // Loaded on use: the fleet planner and the platform are only needed for this target.
  const { selfHostedArtifacts, yamlDocuments } = require('../../deploy/self-hosted/artifacts') as typeof import('../../deploy/self-hosted/artifacts');
  const { renderPlatform, smtpFromEnv, platformPhases } = require('../../platform/builder') as typeof import('../../platform/builder');
  const objects = renderer.k8s(plan, { activeShards }).objects as KubeObject[];
  const dir = path.join(staging, 'self-hosted', plan.stage);
  let files: Record<string, string>;
  let servers: number;
  let platformObjects: number;
  if (inventory) {
    const { dedicatedConfigs } = require('../../deploy/self-hosted/dedicated') as typeof import('../../deploy/self-hosted/dedicated');
    const { dedicatedFleet } = require('../../deploy/self-hosted/layout') as typeof import('../../deploy/self-hosted/layout');
    const platform = renderPlatform(plan, { cluster: 'existing', smtp: smtpFromEnv() });
    files = {
      ...Object.fromEntries(Object.entries(dedicatedConfigs(plan.stage, plan.product, dedicatedFleet(plan, objects), inventory)).map(([rel, text]) => [path.join('dedicated', rel), text])),
      'platform.k8s.yaml': yamlDocuments(platformPhases(platform).flatMap((p) => p.objects)),
      'stage.k8s.yaml': yamlDocuments(objects),
    };
    servers = inventory.servers.length;
    platformObjects = platform.objects.length;
  } else {
    const platform = renderPlatform(plan, { cluster: 'hcloud', smtp: smtpFromEnv() });
    try {
      const artifacts = selfHostedArtifacts(plan, objects, platform, apiAllow);
      files = artifacts.files;
      servers = artifacts.layout.servers.length;
    } catch (err) {
      throw new Error(`${plan.stage}: ${(err as Error).message}. docs/self-hosted.md, "Dedicated servers", covers pods larger than every Hetzner Cloud server.`);
    }
    platformObjects = platform.objects.length;
  }
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content, rel.endsWith('.sh') ? { mode: 0o755 } : undefined);
  }
  return { target: 'self-hosted', stage: plan.stage, dir, files: Object.keys(files).sort(), servers, platformObjects, milliseconds: Date.now() - started };
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
    .description('write CloudFormation templates (aws), Kubernetes manifests (k8s), or the Hetzner Cloud fleet, platform and stage (self-hosted) for one stage or all')
    .addOption(stageOption())
    .addOption(allStagesOption())
    .addOption(targetOption(true, true).default('all'))
    .addOption(profileOption())
    .option('-o, --out <dir>', 'output directory', 'out')
    .addOption(cdkContextOption())
    .addOption(allowHttpOption())
    .addOption(apiAllowOption())
    .option('--inventory <file>', `${SELF_HOSTED}: dedicated servers you installed (YAML, docs/self-hosted.md): checked against the fleet plan, each machine's configuration written`)
    .addOption(lockOption())
    .addOption(noLockOption())
    .action((opts: SynthOptions) => {
      const messages = new Map<string, string[]>();
      // Each synth message once, with the stages that printed it (the full reports are in each assembly's validation-report.json).
      const printMessages = () => {
        for (const [message, stages] of messages) process.stderr.write(`\n${colors.yellow(`${stages.join(', ')}:`)} ${message}\n`);
      };
      let results: SynthResult[];
      try {
        results = runSynth(opts, messages);
      } catch (err) {
        printMessages();
        throw err;
      }
      const rows = results.map((rendering) => [
        rendering.stage,
        rendering.target,
        rendering.target === 'self-hosted'
          ? `${rendering.servers} servers, ${rendering.platformObjects} platform objects`
          : rendering.target === 'aws'
            ? awsSize(rendering)
            : `${rendering.objects.length} objects`,
        path.relative(process.cwd(), rendering.target === 'self-hosted' ? rendering.dir : rendering.target === 'aws' ? rendering.templateFile : rendering.manifestFile),
        `${(rendering.milliseconds / 1000).toFixed(1)} s`,
      ]);
      process.stdout.write(`${table(['stage', 'target', 'size', 'written to', 'time'], rows, { alignRight: [4] })}\n`);
      process.stdout.write(`${colors.green('synthesized')} ${results.length} artifact(s) into ${opts.out}/\n`);
      printMessages();
      const profile = readProfile(opts);
      printCapacityVerdicts(selectedStages(opts).map((stage) => computePlan(profile, stage, { deployed: lockFloorOf(opts, profile) })));
    });
}

/** "314 resources + 6 nested stacks (624)": the product stack's resources, and its shard groups' when it has them. */
function awsSize(rendering: { template: any; nestedTemplates: Readonly<Record<string, any>> }): string {
  const own = `${Object.keys(rendering.template.Resources ?? {}).length} resources`;
  const nested = Object.values(rendering.nestedTemplates);
  if (!nested.length) return own;
  const inNested = nested.reduce((sum, template) => sum + Object.keys(template.Resources ?? {}).length, 0);
  return `${own} + ${nested.length} nested stacks (${inNested})`;
}
