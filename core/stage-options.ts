import { describeValue, UsageError } from './errors';

/**
 * Options of a stage that are not in the profile: how a deployment moves through a stage rather than
 * what it is sized for. The CLI takes them as `--cdk-context key=value` for both targets, `cdk synth`
 * as `-c key=value`, `cdk8s synth` as STAGEKIT_<KEY> environment variables (STAGEKIT_ACTIVE_SHARDS).
 */
export interface StageOptionSpec {
  /** The values it takes, for error messages and help. */
  readonly values: string;
  /** Which renderings read it. */
  readonly targets: readonly ('aws' | 'k8s')[];
  readonly description: string;
  /**
   * Whether `value` is well-formed. Absent where the rule needs the plan: `activeShards` has one rule,
   * core/plan.ts `validateActiveShards`, applied by whoever holds the plan (the CLI before it writes
   * anything, the blueprints when they render).
   */
  readonly valid?: (value: string) => boolean;
}

const BOOLEAN = /^(true|false)$/;

export const STAGE_OPTIONS: Readonly<Record<string, StageOptionSpec>> = {
  activeShards: {
    values: 'a whole number from 1 to the planned shards',
    targets: ['aws', 'k8s'],
    description: 'shards the shard map routes keys to while new shards are backfilled',
  },
  keepSingleServer: {
    values: 'true or false',
    targets: ['aws'],
    description: 'keep the single-server instance running beside the split tier while data moves',
    valid: (v) => BOOLEAN.test(v),
  },
  certificateArn: {
    values: 'an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)',
    targets: ['aws'],
    description: 'serve HTTPS on the load balancer with this certificate',
    valid: (v) => /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(v),
  },
  natStrategy: {
    values: 'one-per-zone or single',
    targets: ['aws'],
    description: 'NAT gateways: one per zone, or a single one to save cost',
    valid: (v) => v === 'one-per-zone' || v === 'single',
  },
  shardsInParentStack: {
    values: 'a whole number from 1 to 64',
    targets: ['aws'],
    description: 'shards kept in the product stack, the rest going into nested stacks of 8 (default 16): a stack deployed with more shards than that before shard groups existed gives its shard count, so no shard moves',
    valid: (v) => /^[1-9]\d*$/.test(v) && Number(v) <= 64,
  },
  allowHttp: {
    values: 'true or false',
    targets: ['aws'],
    description: 'acknowledge serving plain HTTP (no certificate) so synth does not warn',
    valid: (v) => BOOLEAN.test(v),
  },
};

/** "activeShards=N (a whole number ...), keepSingleServer=true|false ..." for help and errors. */
export function stageOptionsHelp(): string {
  return Object.entries(STAGE_OPTIONS)
    .map(([key, spec]) => `${key} (${spec.values})`)
    .join(', ');
}

/**
 * Validates `key=value` stage options: unknown keys and malformed values are usage errors that list
 * the valid keys and values (values whose rule needs the plan are checked against it: `STAGE_OPTIONS`). `source` names where they came from (e.g. `--cdk-context`).
 */
export function parseStageOptions(pairs: readonly string[], source: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${source}: expected key=value, got ${describeValue(pair)}; keys: ${stageOptionsHelp()}`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const spec = STAGE_OPTIONS[key];
    if (!spec) throw new UsageError(`${source}: unknown key ${describeValue(key)}; valid keys: ${stageOptionsHelp()}`);
    if (spec.valid && !spec.valid(value)) throw new UsageError(`${source}: ${key} expects ${spec.values}, got ${describeValue(value)}`);
    options[key] = value;
  }
  return options;
}
