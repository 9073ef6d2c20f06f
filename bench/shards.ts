/**
 * Synth time and memory of the sharded stage as the shard count grows: 2, 8, 32 and 64 shards, each
 * in a fresh process (so memory is that size's own), AWS (without cdk-nag, then with it) and Kubernetes.
 * Prints the resources of the AWS stack against CloudFormation's 500 per stack, so growth of cost with
 * size is visible. Aim (issue 12): linear, and 64 shards under 30 s.
 * Usage: npx tsx bench/shards.ts [--shards 2,8,32,64] [--nag]
 */
import { spawnSync } from 'child_process';
import { computeLadder } from '../core/plan';
import { loadProfile, Profile } from '../core/profile';
import * as path from 'path';
import { arg, profileWithShards as profileWithShardsOf } from './util';

const PROFILE = path.join(__dirname, '..', 'profiles', 'growing-product.yaml');

/** The growing-product profile with a dataset that plans exactly `shards` shards. */
function profileWithShards(shards: number): Profile {
  return profileWithShardsOf(loadProfile(PROFILE), shards);
}

function one(shards: number, nag: boolean): void {
  // Loaded here so that module loading is measured apart from synthesis.
  const { stageRenderer } = require('../blueprints/render') as typeof import('../blueprints/render');
  const { captureConsole } = require('../terminal/output') as typeof import('../terminal/output');
  const profile = profileWithShards(shards);
  const plan = computeLadder(profile).sharded;
  const renderer = stageRenderer();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  let aws: { resources?: number; error?: string } = {};
  try {
    const rendering = captureConsole(() => renderer.aws(plan, { nag })).result;
    aws = { resources: Object.keys(rendering.template.Resources).length };
  } catch (err) {
    // CloudFormation's own check lists every type after the count: keep the count.
    aws = { error: (err as Error).message.split('\n')[0].replace(/(is greater than allowed maximum of \d+).*/, '$1') };
  }
  const awsMs = performance.now() - t0;
  const t1 = performance.now();
  const objects = captureConsole(() => renderer.k8s(plan)).result.objects.length;
  const k8sMs = performance.now() - t1;
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(
    JSON.stringify({ shards, datasetGiB: profile.data.datasetGiB, awsMs: Math.round(awsMs), k8sMs: Math.round(k8sMs), peakRssMiB: Math.round(peak / 2 ** 20), ...aws, k8sObjects: objects }) + '\n',
  );
}

if (process.argv.includes('--one')) {
  one(Number(arg('one', '2')), process.argv.includes('--nag'));
} else {
  const counts = arg('shards', '2,8,32,64').split(',').map(Number);
  const nag = process.argv.includes('--nag');
  process.stdout.write(`sharded stage, AWS${nag ? ' with cdk-nag' : ' (no cdk-nag)'} and Kubernetes, one fresh process per size (${new Date().toISOString()})\n`);
  process.stdout.write('shards  dataset GiB  AWS synth s  AWS resources (limit 500)  K8s render s  K8s objects  peak RSS MiB\n');
  for (const n of counts) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--one', String(n), ...(nag ? ['--nag'] : [])], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let r: any;
    try {
      r = JSON.parse(line);
    } catch {
      process.stdout.write(`${String(n).padStart(6)}  failed: ${(child.stderr || line).split('\n').slice(0, 3).join(' ')}\n`);
      continue;
    }
    const resources = r.resources !== undefined ? String(r.resources) : `refused: ${r.error}`;
    process.stdout.write(
      `${String(n).padStart(6)}  ${String(r.datasetGiB).padStart(11)}  ${(r.awsMs / 1000).toFixed(1).padStart(11)}  ${resources.padEnd(25)}  ${(r.k8sMs / 1000).toFixed(1).padStart(12)}  ${String(r.k8sObjects).padStart(11)}  ${String(r.peakRssMiB).padStart(12)}\n`,
    );
  }
}
