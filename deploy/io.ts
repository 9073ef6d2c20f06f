/**
 * The boundaries of a deploy that are not a cloud API: the person at the terminal, the clock and
 * the output. Tests drive them with scripted answers, a fake clock and a recording log.
 */
import * as readline from 'readline';
import { EXIT, StopError } from './exit-codes';

export interface Prompter {
  /** True when there is a terminal to ask on (stdin and stderr are TTYs). */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What a deploy reports while it runs. The CLI renders it with a spinner on a TTY, as lines otherwise. */
export interface DeployLog {
  /** A new section: Preflight, Safety, Apply... */
  section(title: string): void;
  info(line: string): void;
  /** Something the user should read before confirming. */
  warn(line: string): void;
  /** A check that passed. */
  ok(line: string): void;
  /** Transient progress of a long wait (replaced by the next one on a terminal). */
  progress(text: string): void;
  /** Ends a progress display. */
  progressDone(line?: string): void;
  /** Multi-line text printed as is (tables, runbook steps). */
  block(text: string): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref?.()),
};

/** Asks on stderr so stdout stays clean for piping; yes/y (any case) confirms, anything else declines. */
export function terminalPrompter(): Prompter {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    confirm: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        rl.question(`${question} [y/N] `, (answer) => {
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
  };
}

/**
 * The confirmation rule: --yes confirms; otherwise a terminal is required to ask on. Without one
 * (CI, a pipe) the deploy stops rather than guess, so an unattended deploy is always explicit.
 */
export async function confirmOrStop(prompt: Prompter, yes: boolean, question: string, log: DeployLog): Promise<void> {
  if (yes) {
    log.info('confirmed by --yes');
    return;
  }
  if (!prompt.interactive) {
    throw new StopError(EXIT.notConfirmed, 'Not confirmed: there is no terminal to ask on and --yes was not given. Nothing was changed.', 'Review the plan (stagekit plan, or deploy --dry-run), then re-run with --yes to deploy unattended (CI).');
  }
  if (!(await prompt.confirm(question))) throw new StopError(EXIT.notConfirmed, 'Not confirmed. Nothing was changed.');
}

/** Resolves with the work's result, or rejects with `onTimeout()` when `ms` pass first (the work keeps running). */
export async function withTimeout<T>(work: Promise<T>, ms: number, clock: Clock, onTimeout: () => Error): Promise<T> {
  let timedOut = false;
  const timer = clock.sleep(ms).then(() => {
    timedOut = true;
  });
  const result = await Promise.race([work.then((value) => ({ value })), timer.then(() => undefined)]);
  if (result === undefined || timedOut) throw onTimeout();
  return result.value;
}

/** `90 s`, `12 min`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** Parses --timeout: `30s`, `10m`, `1h`, or a number of minutes. */
export function parseTimeout(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/i.exec(text.trim());
  if (!match) throw new StopError(EXIT.usage, `--timeout ${JSON.stringify(text)}: expected a duration such as 90s, 15m or 1h.`);
  const unit = (match[2] ?? 'm').toLowerCase();
  return Number(match[1]) * (unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}
