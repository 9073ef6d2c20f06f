import { spawn } from 'child_process';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The only way stagekit talks to a cluster: kubectl, one process per call. Tests replace it with
 * recorded responses; the dry run prints `commandLine` instead of running.
 */
export interface Kubectl {
  run(args: readonly string[], options?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** The command as a user would type it (global flags included). */
  commandLine(args: readonly string[]): string;
}

/** Exit code standing for "kubectl is not installed" (as a shell reports a missing command). */
export const KUBECTL_NOT_FOUND = 127;

export interface SystemKubectlOptions {
  /** kubeconfig context; default: the current context. */
  readonly context?: string;
  /** kubeconfig file; default: KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** @default 'kubectl' (from PATH) */
  readonly binary?: string;
  /** Per-call limit, a backstop for a hung connection. @default 120 s */
  readonly defaultTimeoutMs?: number;
}

export function systemKubectl(options: SystemKubectlOptions = {}): Kubectl {
  const binary = options.binary ?? 'kubectl';
  const global = [...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : [])];
  return {
    commandLine: (args) => [binary, ...global, ...args].map(shellQuote).join(' '),
    run: (args, runOptions = {}) =>
      new Promise((resolve) => {
        const child = spawn(binary, [...global, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let settled = false;
        const finish = (result: KubectlResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const timeoutMs = runOptions.timeoutMs ?? options.defaultTimeoutMs ?? 120_000;
        const timer = setTimeout(() => {
          child.kill('SIGTERM');
          finish({ code: 124, stdout, stderr: `${stderr}kubectl did not answer within ${Math.round(timeoutMs / 1000)} s` });
        }, timeoutMs);
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', (err: NodeJS.ErrnoException) => {
          finish(err.code === 'ENOENT' ? { code: KUBECTL_NOT_FOUND, stdout: '', stderr: `${binary}: command not found` } : { code: 1, stdout, stderr: String(err.message) });
        });
        child.on('close', (code) => finish({ code: code ?? 1, stdout, stderr }));
        child.stdin.on('error', () => undefined); // the process may exit before reading stdin
        child.stdin.end(runOptions.stdin ?? '');
      }),
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The first meaningful line of kubectl's stderr, for one-line error messages. */
export function firstErrorLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('W0') && !l.startsWith('I0'));
  return (line ?? 'no output').replace(/^error: /, '');
}
