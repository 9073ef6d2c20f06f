/** Small helpers shared by the benchmarks (and the shard-split test). */
import { computeLadder } from '../core/plan';
import { Profile } from '../core/profile';

/** The value after `--name` on the command line, or the fallback. */
export function arg(name: string, fallback: string): string;
export function arg(name: string, fallback: undefined): string | undefined;
export function arg(name: string, fallback: string | undefined): string | undefined {
  const flagIndex = process.argv.indexOf(`--${name}`);
  return flagIndex > 0 ? process.argv[flagIndex + 1] : fallback;
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}


/** `base` with a dataset that plans exactly `shards` shards at the sharded stage (found by bisection). */
export function profileWithShards(base: Profile, shards: number): Profile {
  const planned = (gib: number) => computeLadder({ ...base, data: { ...base.data, datasetGiB: gib } }).sharded.database!.shards;
  let lo = 1;
  let hi = 10_000_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (planned(mid) >= shards) hi = mid;
    else lo = mid;
  }
  if (planned(hi) !== shards) throw new Error(`no dataset plans exactly ${shards} shards`);
  return { ...base, data: { ...base.data, datasetGiB: hi } };
}
