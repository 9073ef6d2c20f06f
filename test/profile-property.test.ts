/**
 * Property: every profile gets an answer. Profiles are drawn from the schema's own ranges (with
 * their edges, and with values outside them); each one either plans (and renders) or is refused
 * with a UsageError (exit 2). Never another error, never a hang.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { UsageError } from '../core/errors';
import { computeLadder, computePlan, shardSizings } from '../core/plan';
import { parseProfile } from '../core/profile';
import { profileArbitrary } from '../scripts/support/profile-arbitrary';
import { STAGE_NAMES } from '../core/ladder';
import { ROOT, STAGEKIT_BIN } from './support/paths';

/** Strips the keys fast-check left undefined (the YAML a user writes has no such keys). */
const clean = (value: unknown) => JSON.parse(JSON.stringify(value));

const RUNS = 4000;

describe('every profile drawn from the schema gets an answer', () => {
  test(`${RUNS} profiles x a random stage: a plan or a UsageError, within 2 s each`, () => {
    const outcomes = { planned: 0, refusedBySchema: 0, refusedByLimits: 0 };
    let slowest = 0;
    fc.assert(
      fc.property(profileArbitrary, fc.constantFrom(...STAGE_NAMES), (input, stage) => {
        const t0 = performance.now();
        try {
          const plan = computePlan(parseProfile(clean(input)), stage);
          // What the renderers iterate over: must be bounded for any plan that passed.
          if (plan.database) expect(shardSizings(plan, computeLadder(plan.profile)).length).toBe(plan.database.shards);
          outcomes.planned++;
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          if (err.name === 'PlanLimitError') outcomes.refusedByLimits++;
          else outcomes.refusedBySchema++;
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(ms).toBeLessThan(2000);
      }),
      { numRuns: RUNS, seed: 1207 },
    );
    // The draw must exercise all three answers, or the property says little.
    expect(outcomes.planned).toBeGreaterThan(RUNS / 10);
    expect(outcomes.refusedByLimits).toBeGreaterThan(RUNS / 50);
    expect(outcomes.refusedBySchema).toBeGreaterThan(RUNS / 50);
    process.stdout.write(`property: ${JSON.stringify(outcomes)}, slowest case ${slowest.toFixed(1)} ms\n`);
  });

  test('through the CLI with a 384 MB heap: exit 0 or 2, no stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-prop-'));
    try {
      // One process (the CLI loads aws-cdk-lib: seconds each): the largest valid profile, every stage.
      const largest = clean(fc.sample(profileArbitrary, { numRuns: 1, seed: 7 })[0]);
      Object.assign(largest.traffic, { peakRequestsPerSecond: 10_000_000 });
      Object.assign(largest.data, { datasetGiB: 10_485_760, writesPerSecond: 10_000_000, monthlyGrowthPercent: 200 });
      for (const [i, input] of [largest].entries()) {
        const file = path.join(dir, `p${i}.yaml`);
        fs.writeFileSync(file, stringify(input));
        const r = spawnSync(process.execPath, ['--max-old-space-size=384', STAGEKIT_BIN, 'explain', '--all', '--profile', file], {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, NO_COLOR: '1' },
        });
        expect({ i, status: [0, 2].includes(r.status ?? -1) }).toEqual({ i, status: true });
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
