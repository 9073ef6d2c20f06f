/**
 * Synth time and memory of the sharded stage as the shard count grows: 2, 8, 32 and 64 shards, each
 * run in a fresh process (so memory is that size's own), AWS (cdk-nag off unless --nag) and Kubernetes.
 * Prints the median of `--runs` runs per size: module loading apart, then wall time and CPU time (the machine may be shared: CPU
 * time is what the synth itself costs), peak memory, and the AWS stacks against CloudFormation's 500
 * resources per stack (the product stack, and its shard groups' nested stacks past 16 shards).
 * Aim (issue 12): linear, and 64 shards under 30 s.
 * Usage: npx tsx bench/shards.ts [--shards 2,8,32,64] [--runs 3] [--nag]
 */
import { spawnSync } from 'child_process';
import { computeLadder } from '../core/plan';
import { loadProfile, Profile } from '../core/profile';
import * as path from 'path';
import { arg, median, profileWithShards as profileWithShardsOf } from './util';

const PROFILE = path.join(__dirname, '..', 'profiles', 'growing-product.yaml');

/** The growing-product profile with a dataset that plans exactly `shards` shards. */
function profileWithShards(shards: number): Profile {
  return profileWithShardsOf(loadProfile(PROFILE), shards);
}

interface Run {
  shards: number;
  datasetGiB: number;
  /** Loading aws-cdk-lib, cdk8s and the blueprints (the same for every size). */
  loadMs: number;
  awsMs: number;
  awsCpuMs: number;
  k8sMs: number;
  k8sCpuMs: number;
  peakRssMiB: number;
  /** Resources of the product stack, of its nested stacks (each), or the refusal. */
  resources?: number;
  nestedResources?: number[];
  error?: string;
  k8sObjects: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function one(shards: number, nag: boolean): void {
  // Loaded here so that module loading is measured apart from synthesis.
  const { stageRenderer } = require('../blueprints/render') as typeof import('../blueprints/render');
  const { captureConsole } = require('../terminal/output') as typeof import('../terminal/output');
  // The renderer loads aws-cdk-lib and cdk8s on first use: load them now, timed on their own.
  const loadStarted = performance.now();
  require('../blueprints/aws/app');
  require('../blueprints/k8s/app');
  const loadMs = performance.now() - loadStarted;
  const profile = profileWithShards(shards);
  const plan = computeLadder(profile).sharded;
  const renderer = stageRenderer();
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let aws: Pick<Run, 'resources' | 'nestedResources' | 'error'> = {};
  try {
    const rendering = captureConsole(() => renderer.aws(plan, { nag })).result;
    aws = { resources: Object.keys(rendering.template.Resources).length, nestedResources: Object.values(rendering.nestedTemplates).map((t: any) => Object.keys(t.Resources).length) };
  } catch (err) {
    // CloudFormation's own check lists every type after the count: keep the count.
    aws = { error: (err as Error).message.split('\n')[0].replace(/(allows \d+ per stack|is greater than allowed maximum of \d+).*/, '$1') };
  }
  const awsMs = performance.now() - t0;
  const awsCpuMs = cpuMs(cpu0);
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const objects = captureConsole(() => renderer.k8s(plan)).result.objects.length;
  const k8sMs = performance.now() - t1;
  const k8sCpuMs = cpuMs(cpu1);
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  const run: Run = { shards, datasetGiB: profile.data.datasetGiB, loadMs, awsMs, awsCpuMs, k8sMs, k8sCpuMs, peakRssMiB: peak / 2 ** 20, ...aws, k8sObjects: objects };
  process.stdout.write(JSON.stringify(run) + '\n');
}

function stacksText(run: Run): string {
  if (run.resources === undefined) return `refused: ${run.error}`;
  const nested = run.nestedResources ?? [];
  return nested.length ? `${run.resources} + ${nested.length} nested (max ${Math.max(...nested)})` : String(run.resources);
}

if (process.argv.includes('--one')) {
  one(Number(arg('one', '2')), process.argv.includes('--nag'));
} else {
  const counts = arg('shards', '2,8,32,64').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const nag = process.argv.includes('--nag');
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  process.stdout.write(`sharded stage, AWS${nag ? ' with cdk-nag' : ' (no cdk-nag)'} and Kubernetes, median of ${runs} fresh processes per size (${new Date().toISOString()})\n`);
  process.stdout.write('shards  dataset GiB  load s  AWS wall s  AWS CPU s  AWS resources per stack (limit 500)  K8s wall s  K8s CPU s  K8s objects  peak RSS MiB\n');
  for (const shardCount of counts) {
    const results: Run[] = [];
    for (let run = 0; run < runs; run++) {
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--one', String(shardCount), ...(nag ? ['--nag'] : [])], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      try {
        results.push(JSON.parse(line));
      } catch {
        process.stdout.write(`${String(shardCount).padStart(6)}  failed: ${(child.stderr || line).split('\n').slice(0, 3).join(' ')}\n`);
      }
    }
    if (!results.length) continue;
    const mid = (pick: (r: Run) => number) => median(results.map(pick));
    const first = results[0];
    process.stdout.write(
      `${String(shardCount).padStart(6)}  ${String(first.datasetGiB).padStart(11)}  ${seconds(mid((x) => x.loadMs)).padStart(6)}  ${seconds(mid((x) => x.awsMs)).padStart(10)}  ${seconds(mid((x) => x.awsCpuMs)).padStart(9)}  ${stacksText(first).padEnd(35)}  ${seconds(mid((x) => x.k8sMs)).padStart(10)}  ${seconds(mid((x) => x.k8sCpuMs)).padStart(9)}  ${String(first.k8sObjects).padStart(11)}  ${String(Math.round(mid((x) => x.peakRssMiB))).padStart(12)}\n`,
    );
  }
}
