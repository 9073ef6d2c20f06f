/**
 * Exit codes of `stagekit plan` and `stagekit deploy`, so CI can tell what happened without
 * parsing output. 0-2 are the CLI-wide codes (cli/main.ts); 3-7 are specific to moving stages.
 * Documented in docs/deploy.md and in the commands' --help.
 */
export const EXIT = {
  /** plan: no stateful resource at risk. deploy: deployed and ready, up to date, or dry run printed. */
  ok: 0,
  /** Unexpected failure (synth error, a bug): the message carries the stack trace. */
  failure: 1,
  /** Bad usage or input: unknown stage, malformed profile, unsupported option combination. */
  usage: 2,
  /**
   * plan: a stateful resource would be replaced or destroyed, or a change the API rejects.
   * deploy: refused for that reason (without --allow-data-loss, or always for a rejected change); nothing changed.
   */
  risky: 3,
  /** deploy: not confirmed (answered no, or no terminal to ask on and no --yes); nothing changed. */
  notConfirmed: 4,
  /** deploy: a prerequisite is missing (credentials, bootstrap, kubectl, cluster, operator, pulumi CLI); nothing changed. */
  preflight: 5,
  /** deploy: the deployment itself failed (CloudFormation rolled back, kubectl apply or Pulumi update failed). */
  deployFailed: 6,
  /** deploy: applied, but not ready (or CloudFormation not finished) within --timeout. */
  timeout: 7,
  /** deploy: refused because the stage cannot carry the profile (the capacity checks of `stagekit advise`), without --allow-over-capacity; nothing changed. */
  overCapacity: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code, for --help and docs. */
export const EXIT_CODE_HELP: readonly [ExitCode, string][] = [
  [EXIT.ok, 'success: plan found no stateful resource at risk; deploy finished (or was up to date, or a dry run)'],
  [EXIT.failure, 'unexpected failure (synth error or bug)'],
  [EXIT.usage, 'bad usage or input (unknown stage, malformed profile, unsupported option combination)'],
  [EXIT.risky, 'a stateful resource would be replaced or destroyed, or the API would reject a change (deploy: refused, nothing changed)'],
  [EXIT.notConfirmed, 'deploy not confirmed: answered no, or no terminal and no --yes (nothing changed)'],
  [EXIT.preflight, 'a prerequisite is missing: credentials, region, CDK bootstrap, kubectl, cluster, operators/CRDs, pulumi CLI (nothing changed)'],
  [EXIT.deployFailed, 'the deployment failed (CloudFormation rolled back, kubectl apply or Pulumi update failed)'],
  [EXIT.timeout, 'applied but not ready (or CloudFormation still running) when --timeout ran out'],
  [EXIT.overCapacity, 'deploy refused: the stage cannot carry the profile (see stagekit advise; override with --allow-over-capacity); nothing changed'],
];

export function exitCodeHelp(codes: readonly ExitCode[] = EXIT_CODE_HELP.map(([c]) => c)): string {
  return ['Exit codes:', ...EXIT_CODE_HELP.filter(([c]) => codes.includes(c)).map(([c, text]) => `  ${c}  ${text}`)].join('\n');
}

/**
 * An expected way for plan or deploy to stop: the CLI prints `message` (no stack trace) and
 * exits with `exitCode`. `hint` says how to fix it, on its own line.
 */
export class StopError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StopError';
  }
}
