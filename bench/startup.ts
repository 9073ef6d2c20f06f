/**
 * Start-up speed of the compiled CLI as users run it (`node bin/stagekit.js` over dist/, no tsx): the
 * median wall time of N runs of `stagekit stages`, `stagekit --help` and `stagekit cost --all --from DIR`
 * (already-synthesized artifacts, the whole ladder, every provider), beside a bare `node -e 0` so the
 * figures can be read against the machine's load. Goals (issue 11): stages and --help under 0.4 s,
 * cost --from under 1 s. Prints figures; it is not a timed test.
 * Usage: npx tsx bench/startup.ts [--runs N] [--from DIR]   (build first: npm run build; without --from
 * it synthesizes the ladder once into a temporary folder)
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { arg, median } from './util';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'bin', 'stagekit.js');
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench/startup: no dist/ (run `npm run build` first)\n');
  process.exit(2);
}
const env = { ...process.env, STAGEKIT_FROM_DIST: '1', NO_COLOR: '1' };
const runs = Number(arg('runs', '7'));
let from = arg('from', undefined);
let scratch: string | undefined;
if (!from) {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-startup-'));
  from = path.join(scratch, 'out');
  process.stdout.write(`synthesizing the ladder once into ${from} ...\n`);
  execFileSync(process.execPath, [bin, 'synth', '--all', '--target', 'all', '--out', from], { env, stdio: 'ignore' });
}

function timed(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const cases: Array<{ name: string; args: string[]; goalMs?: number }> = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'stagekit stages', args: [bin, 'stages'], goalMs: 400 },
  { name: 'stagekit --help', args: [bin, '--help'], goalMs: 400 },
  { name: 'stagekit cost --all --from DIR', args: [bin, 'cost', '--all', '--summary', '--from', from], goalMs: 1000 },
];
process.stdout.write(`${runs} runs each, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
// A busy machine slows every process alike: beside each median, its excess over `node -e 0` measured in
// the same rounds (interleaved, so both see the same load), which is what stagekit itself costs.
try {
  const medians = new Map<string, number>();
  for (const benchCase of cases) timed(benchCase.args); // warm the file-system cache
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < runs; round++) for (const benchCase of cases) times.get(benchCase.name)!.push(timed(benchCase.args));
  for (const benchCase of cases) medians.set(benchCase.name, median(times.get(benchCase.name)!));
  const baseline = medians.get(cases[0].name)!;
  for (const benchCase of cases) {
    const med = medians.get(benchCase.name)!;
    const verdict = benchCase.goalMs === undefined ? '' : med <= benchCase.goalMs ? `  goal ${benchCase.goalMs} ms: met` : `  goal ${benchCase.goalMs} ms: MISSED`;
    const over = benchCase === cases[0] ? '' : `  (+${(med - baseline).toFixed(0)} ms over node)`;
    process.stdout.write(`${benchCase.name.padEnd(34)} median ${med.toFixed(0).padStart(5)} ms  min ${Math.min(...times.get(benchCase.name)!).toFixed(0).padStart(5)} ms${over}${verdict}\n`);
  }
  // The load at the end too: a figure is only as good as the quiet it was measured in.
  process.stdout.write(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
} finally {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}
