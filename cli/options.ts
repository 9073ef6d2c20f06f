import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { Profile } from '../core/profile';
import { DEFAULT_PROFILE_FILE } from '../core/profile-file';
import { UsageError } from '../core/errors';
import { parseStageOptions, stageOptionsHelp } from '../core/stage-options';
import { STAGE_NAMES, StageName, stageByName } from '../core/ladder';
import { Target, TARGETS } from '../core/rendering';
import { Plan, validateActiveShards } from '../core/plan';
import type { DeployedSizes } from '../core/floor';
// Deploy modules load on use: `stagekit stages` and `--help` must not pay for them.
const lockModule = () => require('../deploy/lock') as typeof import('../deploy/lock');

export const profileOption = () =>
  new Option('-p, --profile <file>', 'workload profile (YAML)').default(DEFAULT_PROFILE_FILE, 'profiles/growing-product.yaml');

export const stageOption = () => new Option('-s, --stage <name>', `one stage: ${STAGE_NAMES.join(', ')}`);
export const allStagesOption = () => new Option('-a, --all', 'every stage, in ladder order');

/** Hetzner Cloud servers provisioned by stagekit, the platform add-ons, then the stage's Kubernetes manifests. */
export const SELF_HOSTED = 'self-hosted';

export const targetOption = (allowAll: boolean, selfHosted = false) =>
  new Option(
    '-t, --target <target>',
    `aws (CloudFormation) or k8s (Kubernetes manifests)${selfHosted ? `, or ${SELF_HOSTED} (Hetzner Cloud fleet, platform add-ons and the stage)` : ''}${allowAll ? '; all: aws and k8s' : ''}`,
  ).choices([...TARGETS, ...(selfHosted ? [SELF_HOSTED] : []), ...(allowAll ? ['all'] : [])]);

/** `--api-allow CIDR...`: who may reach the self-hosted cluster's Kubernetes API and SSH (nobody by default). */
export const apiAllowOption = () =>
  new Option('--api-allow <cidr...>', `${SELF_HOSTED}: address blocks (CIDR, IPv4 or IPv6) allowed to reach the Kubernetes API (6443) and SSH (22, key only), e.g. 203.0.113.7/32 (required by deploy; nothing is open by default)`);

/** The validated allow-list (bad blocks and 0.0.0.0/0 exit 2). */
export function parseApiAllow(values: readonly string[] | undefined): string[] {
  try {
    return (require('../deploy/self-hosted/allow-list') as typeof import('../deploy/self-hosted/allow-list')).validateAllowList(values ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

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
 * `--cdk-context activeShards` checked against each plan by core's one rule (`validateActiveShards`),
 * before anything is written; undefined where it was not given.
 */
export function activeShardsOf(plans: readonly Plan[], context: Record<string, string>): Array<number | undefined> {
  return plans.map((plan) => (context.activeShards === undefined ? undefined : validateActiveShards(plan, context.activeShards, '--cdk-context activeShards')));
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

/** `--lock FILE` / `--no-lock`: the deployed sizes plans keep as a floor (stagekit.lock.json, written by deploy). */
export const lockOption = () =>
  new Option('--lock <file>', `what is deployed (written by deploy): sizes are never planned below it`).default(lockModule().LOCK_FILE);
export const noLockOption = () => new Option('--no-lock', 'plan from the profile alone, ignoring the lock file');

/** The floor of the lock file for this profile's product, or undefined (no lock file, or --no-lock). */
export function lockFloorOf(opts: { lock?: string | boolean }, profile: Profile): DeployedSizes | undefined {
  if (opts.lock === false) return undefined;
  const { LOCK_FILE, lockedFloor, readLock } = lockModule();
  const file = typeof opts.lock === 'string' ? opts.lock : LOCK_FILE;
  return lockedFloor(readLock(file), profile.name, file);
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
