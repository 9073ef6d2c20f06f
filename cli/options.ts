import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { Profile } from '../core/profile';
import { DEFAULT_PROFILE_FILE } from '../core/profile-file';
import { UsageError } from '../core/errors';
import { parseStageOptions, stageOptionsHelp } from '../core/stage-options';
import { STAGE_NAMES, StageName, stageByName } from '../core/ladder';
import { Target, TARGETS } from '../core/rendering';

export const profileOption = () =>
  new Option('-p, --profile <file>', 'workload profile (YAML)').default(DEFAULT_PROFILE_FILE, 'profiles/growing-product.yaml');

export const stageOption = () => new Option('-s, --stage <name>', `one stage: ${STAGE_NAMES.join(', ')}`);
export const allStagesOption = () => new Option('-a, --all', 'every stage, in ladder order');

export const targetOption = (allowAll: boolean) =>
  new Option('-t, --target <target>', 'aws (CloudFormation) or k8s (Kubernetes manifests)').choices(allowAll ? [...TARGETS, 'all'] : [...TARGETS]);

/**
 * `--cdk-context key=value` (repeatable): the stage options, for both targets (`npx cdk synth -c key=value`
 * takes the same keys; `npx cdk8s synth` reads activeShards from STAGEKIT_ACTIVE_SHARDS).
 */
export const cdkContextOption = () =>
  new Option(
    '--cdk-context <key=value...>',
    `stage options (with plan: for the stage moved to), as \`cdk synth -c\` takes them; activeShards applies to k8s too: ${stageOptionsHelp()}`,
  );

/** `--allow-http`: acknowledge the plain-HTTP warning (same as `--cdk-context allowHttp=true`). */
export const allowHttpOption = () =>
  new Option('--allow-http', 'acknowledge that the load balancer serves plain HTTP (no certificateArn given): no warning');

/** The validated stage options of `--cdk-context` (and `--allow-http`): unknown keys and bad values exit 2. */
export function parseCdkContext(values: string[] | undefined, opts: { allowHttp?: boolean } = {}): Record<string, string> {
  const context = parseStageOptions(values ?? [], '--cdk-context');
  if (opts.allowHttp) context.allowHttp = 'true';
  return context;
}

/**
 * The output folder: a directory that exists or can be created, never the file-system root, a file
 * or a device (`--out /`, `--out FILE`, `--out ''`, `--out /dev/null` are usage errors).
 */
export function checkOutDir(out: string | undefined, flag = '--out'): string {
  if (out === undefined || out.trim() === '') throw new UsageError(`${flag}: expected a directory, got ${JSON.stringify(out ?? '')}`);
  const resolved = path.resolve(out);
  if (path.parse(resolved).root === resolved) throw new UsageError(`${flag}: refusing to write into the file-system root ${resolved}; give a directory such as ./out`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(resolved);
  } catch {
    // Does not exist yet: created when the run publishes.
  }
  if (stat && !stat.isDirectory()) throw new UsageError(`${flag}: ${out} exists and is not a directory (${stat.isFile() ? 'a file' : 'a device or special file'}); give a directory`);
  if (!stat) {
    // The nearest existing ancestor must be a directory we can write to.
    let parent = path.dirname(resolved);
    while (!fs.existsSync(parent)) parent = path.dirname(parent);
    if (!fs.statSync(parent).isDirectory()) throw new UsageError(`${flag}: ${parent} is not a directory, so ${out} cannot be created`);
  }
  return out;
}

export function readProfile(opts: { profile: string }): Profile {
  // Loaded here, not at start-up: the profile schema (zod, the YAML parser) is a third of `stagekit --help`.
  const { loadProfile } = require('../core/profile') as typeof import('../core/profile');
  return loadProfile(opts.profile);
}

/** `--stage NAME` or `--all`: exactly one of them. */
export function selectedStages(opts: { stage?: string; all?: boolean }): StageName[] {
  if (opts.stage && opts.all) throw new UsageError('--stage and --all: give one of them, not both.');
  if (opts.all) return [...STAGE_NAMES];
  if (!opts.stage) throw new UsageError(`--stage NAME or --all is required (stages: ${STAGE_NAMES.join(', ')}).`);
  return [stageByName(opts.stage).name];
}

export function selectedTargets(target: string | undefined): Target[] {
  if (!target) throw new UsageError(`--target is required: ${[...TARGETS, 'all'].join(', ')}.`);
  return target === 'all' ? [...TARGETS] : [target as Target];
}

/** Adds the usage-error exit code (2) to commander's own parse errors. */
export function withUsageExitCodes(program: Command): Command {
  return program.exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
    process.exit(2);
  });
}
