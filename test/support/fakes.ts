/**
 * Test doubles for the deploy boundaries: recorded kubectl answers, a clock that only moves when
 * slept on, scripted answers at the prompt, and a log that keeps what it was told.
 */
import { StopError } from '../../deploy/exit-codes';
import type { Clock, DeployLog, Prompter } from '../../deploy/io';
import type { Kubectl, KubectlResult } from '../../deploy/k8s/kubectl';

export interface KubectlCall {
  readonly args: readonly string[];
  readonly stdin?: string;
}

type Responder = KubectlResult | ((call: KubectlCall) => KubectlResult);

/**
 * Answers kubectl calls from rules matched against the joined arguments (first match wins, a rule
 * can be limited to its first N uses). Unmatched calls fail the test with the command line.
 */
export class RecordedKubectl implements Kubectl {
  readonly calls: KubectlCall[] = [];
  private readonly rules: { match: RegExp | string; respond: Responder; times?: number }[] = [];

  on(match: RegExp | string, respond: Responder, times?: number): this {
    this.rules.push({ match, respond, times });
    return this;
  }

  /** Like `on`, but checked before every earlier rule: a test's special case over a fixture's defaults. */
  override(match: RegExp | string, respond: Responder, times?: number): this {
    this.rules.unshift({ match, respond, times });
    return this;
  }

  commandLine(args: readonly string[]): string {
    return ['kubectl', ...args].join(' ');
  }

  async run(args: readonly string[], options: { stdin?: string } = {}): Promise<KubectlResult> {
    const call = { args, stdin: options.stdin };
    this.calls.push(call);
    const line = args.join(' ');
    const rule = this.rules.find((r) => (r.times === undefined || r.times > 0) && (typeof r.match === 'string' ? line.startsWith(r.match) : r.match.test(line)));
    if (!rule) throw new Error(`unexpected kubectl call: kubectl ${line}`);
    if (rule.times !== undefined) rule.times--;
    return typeof rule.respond === 'function' ? rule.respond(call) : rule.respond;
  }

  /** The joined arguments of every call, in order. */
  get lines(): string[] {
    return this.calls.map((c) => c.args.join(' '));
  }
}

export const ok = (stdout = ''): KubectlResult => ({ code: 0, stdout, stderr: '' });
export const fail = (stderr: string, code = 1): KubectlResult => ({ code, stdout: '', stderr });

/** Time stands still until someone sleeps; then it jumps by the sleep. */
export class FakeClock implements Clock {
  constructor(public time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

/** A clock whose sleeps never end: a race against it is always won by the other side. */
export class FrozenClock implements Clock {
  constructor(public time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return new Promise(() => undefined);
  }
}

export class ScriptedPrompt implements Prompter {
  readonly questions: string[] = [];
  constructor(
    readonly interactive: boolean,
    private readonly answers: boolean[] = [],
  ) {}
  async confirm(question: string): Promise<boolean> {
    this.questions.push(question);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${question}`);
    return answer;
  }
}

export class RecordingLog implements DeployLog {
  readonly lines: string[] = [];
  section(title: string): void {
    this.lines.push(`## ${title}`);
  }
  info(line: string): void {
    this.lines.push(line);
  }
  warn(line: string): void {
    this.lines.push(`WARN ${line}`);
  }
  ok(line: string): void {
    this.lines.push(`OK ${line}`);
  }
  progress(text: string): void {
    this.lines.push(`... ${text}`);
  }
  progressDone(line?: string): void {
    if (line) this.lines.push(`DONE ${line}`);
  }
  block(text: string): void {
    this.lines.push(text);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** The StopError a deploy ended with; fails the test when it finished or threw anything else. */
export async function stopOf(work: Promise<unknown>): Promise<StopError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof StopError) return err;
    throw err;
  }
  throw new Error('expected the deploy to stop');
}
