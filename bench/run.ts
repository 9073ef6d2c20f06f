/**
 * Speed figures (not assertions): median synth time per stage and target over several
 * in-process runs, plus the cold start of the `cdk synth` app command.
 * Usage: npm run bench [-- --runs N] [--profile FILE]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan } from '../core/plan';
import { DEFAULT_PROFILE_FILE, loadProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { captureConsole, withoutReportPath } from '../terminal/output';
import { arg, median } from './util';
import { stageRenderer } from '../blueprints/render';
import { TARGETS } from '../core/rendering';



const runs = Number(arg('runs', '5'));
const profile = loadProfile(arg('profile', DEFAULT_PROFILE_FILE));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-bench-'));
process.stdout.write(`synth, median of ${runs} in-process runs (profile ${profile.name}; first run warms the module cache and is discarded)\n`);
process.stdout.write(`${'stage'.padEnd(16)}${'target'.padEnd(8)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}\n`);
const messages = new Set<string>();
const renderer = stageRenderer();
for (const stage of STAGE_NAMES) {
  const plan = computePlan(profile, stage);
  for (const target of TARGETS) {
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const { result: synthResult, printed } = captureConsole(() => (target === 'aws' ? renderer.writeAws(plan, out) : renderer.writeK8s(plan, out)));
      printed.forEach((m) => messages.add(withoutReportPath(m)));
      if (run > 0) times.push(synthResult.milliseconds);
    }
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(10);
    process.stdout.write(`${stage.padEnd(16)}${target.padEnd(8)}${seconds(median(times))}${seconds(Math.min(...times))}${seconds(Math.max(...times))}\n`);
  }
}

if (messages.size) process.stdout.write(`\nsynth printed (each message once):\n${[...messages].join('\n')}\n`);

// The command users run: a fresh process each time, as `npx cdk synth` does.
const cold: number[] = [];
for (let run = 0; run < Math.min(runs, 3); run++) {
  const t0 = performance.now();
  execFileSync('npx', ['cdk', 'synth', '-q', '-c', 'stage=queue-pipeline', '-o', path.join(out, 'cdk.out')], { stdio: 'ignore' });
  cold.push(performance.now() - t0);
}
process.stdout.write(`\nnpx cdk synth -c stage=queue-pipeline (fresh process): median ${(median(cold) / 1000).toFixed(2)} s over ${cold.length} runs\n`);
fs.rmSync(out, { recursive: true, force: true });
