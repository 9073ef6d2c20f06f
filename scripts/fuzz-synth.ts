/**
 * Renders profiles drawn like test/core.test.ts (profile-property block) for both targets (slow: seconds per
 * case, so not part of the suite): every accepted plan must synthesize, every other answer must
 * be a UsageError. `npx tsx scripts/fuzz-synth.ts [cases] [seed]` prints the counts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { UsageError } from '../core/errors';
import { computePlan } from '../core/plan';
import { parseProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { stageRenderer } from '../blueprints/render';
import { profileArbitrary } from './support/profile-arbitrary';

const cases = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? 1207);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-fuzz-'));
const counts = { synthesized: 0, refused: 0, failed: 0 };
let slowest = 0;
const draws = fc.sample(fc.tuple(profileArbitrary, fc.constantFrom(...STAGE_NAMES)), { numRuns: cases, seed });
for (const [input, stage] of draws) {
  const t0 = performance.now();
  try {
    const plan = computePlan(parseProfile(JSON.parse(JSON.stringify(input))), stage);
    const renderer = stageRenderer();
    renderer.writeAws(plan, out);
    renderer.writeK8s(plan, out);
    counts.synthesized++;
  } catch (err) {
    if (err instanceof UsageError) counts.refused++;
    else {
      counts.failed++;
      process.stderr.write(`FAILED ${stage}: ${(err as Error).stack}\n${JSON.stringify(input)}\n`);
    }
  }
  slowest = Math.max(slowest, performance.now() - t0);
}
fs.rmSync(out, { recursive: true, force: true });
process.stdout.write(`fuzz-synth: ${cases} cases (seed ${seed}): ${JSON.stringify(counts)}, slowest ${Math.round(slowest)} ms, peak RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB\n`);
process.exit(counts.failed ? 1 : 0);
