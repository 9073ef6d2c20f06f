/**
 * Speed of `stagekit advise` on the largest shipped profile: the month-by-month advice (arithmetic: every
 * stage's capacity checks for each month), pricing every stage once for AWS, EKS and each self-hosted
 * provider from its synthesized artifacts, and the path's bills and break-even. Synthesis is timed once
 * on its own (`advise --from DIR` skips it), rendered as advise renders for pricing (no cdk-nag, no
 * CloudFormation validation). Then what a user waits for: `stagekit advise` end to end in a fresh process
 * (module loading and synthesis included), timed from outside. The issue's target is 3 s.
 * Usage: npx tsx bench/advise.ts [--runs N] [--months 36] [--profile FILE] [--from DIR] [--cli-runs N]
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { stageRenderer } from '../blueprints/render';
import { advise } from '../core/advisor';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { captureConsole } from '../terminal/output';
import { pathCosts, pricedStage, pricingRenderer } from '../cost/path';
import { stageArtifacts } from '../cost/stage';
import { arg, median } from './util';

const runs = Number(arg('runs', '7'));
const months = Number(arg('months', '36'));
const from = arg('from', undefined);
const profileFile = arg('profile', path.join(__dirname, '..', 'profiles', 'million-merchants.yaml'));
const cliRuns = Number(arg('cli-runs', '3'));
const profile = loadProfile(profileFile);
const start = '2027-01';

const renderer = from ? undefined : pricingRenderer(stageRenderer());
const t0 = performance.now();
const artifacts = STAGE_NAMES.map((stage) => {
  const plan = computePlan(profile, stage);
  return { plan, ...captureConsole(() => stageArtifacts(plan, from, renderer)).result };
});
const synthMs = performance.now() - t0;

const adviceTimes: number[] = [];
const pricingTimes: number[] = [];
const totalTimes: number[] = [];
let summary = '';
for (let run = 0; run <= runs; run++) {
  const a0 = performance.now();
  const advice = advise(profile, { months, start });
  const a1 = performance.now();
  const priced = artifacts.map((s) => pricedStage(s.plan, s.template, s.objects, {}));
  const costs = pathCosts(advice, priced);
  const a2 = performance.now();
  if (run === 0) {
    summary = `${advice.months.length} months, fits today: ${advice.fitsToday ?? 'none'}, moves: ${advice.moves.map((m) => `${m.label} ${m.to ?? 'none'}`).join(', ')}; ${priced.length} stages × ${Object.keys(priced[0].bills).length} bills; break-even: ${costs.breakEven.map((b) => `${b.label} ${b.month ?? b.reason?.slice(0, 40)}`).join('; ')}`;
    continue; // the first run warms the module cache and the catalog
  }
  adviceTimes.push(a1 - a0);
  pricingTimes.push(a2 - a1);
  totalTimes.push(a2 - a0);
}

const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(11);
process.stdout.write(`advise: ${profile.name}, ${months} months, median of ${runs} runs (first run discarded)\n`);
process.stdout.write(`  ${summary}\n`);
process.stdout.write(`  ${'advice (arithmetic, 5 stages × every month)'.padEnd(52)}${ms(median(adviceTimes))}  min ${ms(Math.min(...adviceTimes))}  max ${ms(Math.max(...adviceTimes))}\n`);
process.stdout.write(`  ${'pricing each stage once + the path\'s bills'.padEnd(52)}${ms(median(pricingTimes))}  min ${ms(Math.min(...pricingTimes))}  max ${ms(Math.max(...pricingTimes))}\n`);
process.stdout.write(`  ${'advice + pricing (target < 3 s)'.padEnd(52)}${ms(median(totalTimes))}  min ${ms(Math.min(...totalTimes))}  max ${ms(Math.max(...totalTimes))}\n`);
process.stdout.write(`  synthesis of the 5 stages, once (${from ? `read from ${from}` : 'in-process, as advise renders for pricing'}): ${(synthMs / 1000).toFixed(1)} s\n`);

// End to end, as a user runs it: a fresh process each time (tsx, aws-cdk-lib and cdk8s load, the stages on
// the path are synthesized and priced). The machine is shared: the load average is printed beside it.
const cliTimes: number[] = [];
const cliCpu: number[] = [];
const bin = path.join(__dirname, '..', 'bin', 'stagekit.js');
const cliArgs = [bin, 'advise', '--profile', profileFile, '--months', String(months), '--start', start, '--format', 'json', ...(from ? ['--from', from] : [])];
for (let run = 0; run < cliRuns; run++) {
  const started = performance.now();
  // bash's `time` reports the child's CPU (user + sys): on a shared machine the wall time includes waiting for a core.
  const timing = execFileSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; { time "$0" "$@" >/dev/null 2>/dev/null; } 2>&1', process.execPath, ...cliArgs], { encoding: 'utf8' });
  cliTimes.push(performance.now() - started);
  const [user, sys] = timing.trim().split(/\s+/).map(Number);
  cliCpu.push((user + sys) * 1000);
}
const load = os.loadavg()[0];
process.stdout.write(`  ${'stagekit advise end to end, fresh process, wall'.padEnd(52)}${ms(median(cliTimes))}  min ${ms(Math.min(...cliTimes))}  max ${ms(Math.max(...cliTimes))}  (${cliRuns} runs, load average ${load.toFixed(1)} on ${os.cpus().length} cores)\n`);
process.stdout.write(`  ${'  the same, CPU time (user + sys; target < 3 s)'.padEnd(52)}${ms(median(cliCpu))}  min ${ms(Math.min(...cliCpu))}  max ${ms(Math.max(...cliCpu))}\n`);
