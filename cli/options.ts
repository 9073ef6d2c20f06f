import { Command, Option } from 'commander';
import { DEFAULT_PROFILE_FILE, loadProfile, Profile } from '../core/profile';
import { UsageError } from '../core/errors';
import { STAGE_NAMES, StageName, stageByName } from '../core/ladder';
import { Target, TARGETS } from '../core/rendering';

export const profileOption = () =>
  new Option('-p, --profile <file>', 'workload profile (YAML)').default(DEFAULT_PROFILE_FILE, 'profiles/growing-product.yaml');

export const stageOption = () => new Option('-s, --stage <name>', `one stage: ${STAGE_NAMES.join(', ')}`);
export const allStagesOption = () => new Option('-a, --all', 'every stage, in ladder order');

export const targetOption = (allowAll: boolean) =>
  new Option('-t, --target <target>', 'aws (CloudFormation) or k8s (Kubernetes manifests)').choices(allowAll ? [...TARGETS, 'all'] : [...TARGETS]);

/** `--cdk-context key=value` (repeatable): the AWS stage options `npx cdk synth -c key=value` takes. */
export const cdkContextOption = () =>
  new Option('--cdk-context <key=value...>', 'aws: CDK context for the stage (with plan: the stage moved to), as `cdk synth -c` takes it (keepSingleServer=true, activeShards=N, certificateArn=ARN, natStrategy=single)');

export function parseCdkContext(values: string[] | undefined): Record<string, string> {
  const context: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--cdk-context: expected key=value, got ${JSON.stringify(value)}`);
    context[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return context;
}

export function readProfile(opts: { profile: string }): Profile {
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
