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

