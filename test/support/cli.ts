/**
 * The CLI run in the test's own process: the same commander program `bin/stagekit.js` runs
 * (cli/main.ts `buildProgram`), with stdout, stderr and the exit status captured as a child
 * process would report them. Starting node, loading tsx and compiling the CLI costs one to two
 * CPU seconds a run, so tests of what a command does use this; test/cli.test.ts and a few others
 * still run the real bin in a process of its own (exit codes, pipes, no spinner when piped).
 */
import { format } from 'util';
import { UsageError } from '../../core/errors';
import { buildProgram } from '../../cli/main';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/**
 * Runs `stagekit ...args` in this process; runs one at a time (stdout, stderr and process.exit are patched
 * while it runs). `env` is set for the run and restored after it; a variable given as undefined is unset.
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const saved = {
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    exit: process.exit,
    exitCode: process.exitCode,
    console: { log: console.log, info: console.info, warn: console.warn, error: console.error },
    env: Object.fromEntries(Object.keys({ NO_COLOR: '', CI: '', ...env }).map((key) => [key, process.env[key]])),
  };
  const capture = (append: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  console.log = console.info = (...values: unknown[]) => void (stdout += `${format(...values)}\n`);
  console.warn = console.error = (...values: unknown[]) => void (stderr += `${format(...values)}\n`);
  process.exit = ((code?: number) => {
    throw new ExitCalled(code ?? 0);
  }) as typeof process.exit;
  for (const [key, value] of Object.entries({ NO_COLOR: '1', CI: '1', ...env })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.exitCode = undefined;
  let status: number;
  try {
    await buildProgram().parseAsync(['node', 'stagekit', ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (err) {
    // As terminal/exit.ts runOrExit reports what a command throws.
    if (err instanceof ExitCalled) status = err.code;
    else if (err instanceof UsageError) {
      stderr += `error: ${err.message}\n`;
      status = err.exitCode;
    } else {
      stderr += `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
      status = 1;
    }
  } finally {
    process.stdout.write = saved.stdoutWrite;
    process.stderr.write = saved.stderrWrite;
    Object.assign(console, saved.console);
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    for (const [key, value] of Object.entries(saved.env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return { status, stdout, stderr };
}
