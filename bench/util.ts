/** Small helpers shared by the benchmarks. */

/** The value after `--name` on the command line, or the fallback. */
export function arg(name: string, fallback: string): string;
export function arg(name: string, fallback: undefined): string | undefined;
export function arg(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Runs `fn` with console output held back (the CDK prints the same synth warning on every
 * run); returns what it would have printed so the benchmark can show each message once.
 */
export function quietly<T>(fn: () => T): { result: T; printed: string[] } {
  const printed: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = (...args: unknown[]) => printed.push(args.map(String).join(' '));
  try {
    return { result: fn(), printed };
  } finally {
    Object.assign(console, saved);
  }
}
