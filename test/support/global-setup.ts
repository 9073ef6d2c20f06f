/**
 * Synthesizes every stage for both targets once per test run and writes the results to
 * a directory of its own under .test-out (removed by globalTeardown), where test files read them (see ./stages.ts). A stage that fails to synth
 * is recorded, not thrown, so only the tests of that stage fail, with the synth error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { computePlan } from '../../core/plan';
import { loadProfile } from '../../core/profile';
import { STAGE_NAMES } from '../../core/ladder';
import { stageRenderer } from '../../blueprints/render';
import { TARGETS } from '../../core/rendering';
import { SYNTH_OUT_ENV, SYNTH_ROOT, TEST_PROFILE_FILE } from './paths';

export default async function globalSetup(): Promise<void> {
  const started = performance.now();
  // A directory of this run's own; workers inherit the variable (they start after globalSetup).
  const SYNTH_OUT = path.join(SYNTH_ROOT, `run-${process.pid}-${Date.now()}`);
  const SYNTH_REPORT = path.join(SYNTH_OUT, 'synth-report.json');
  process.env[SYNTH_OUT_ENV] = SYNTH_OUT;
  fs.mkdirSync(SYNTH_OUT, { recursive: true });
  const profile = loadProfile(TEST_PROFILE_FILE);
  const renderer = stageRenderer();
  const report: Record<string, { ok: boolean; error?: string; milliseconds: number; file?: string }> = {};
  for (const stage of STAGE_NAMES) {
    const plan = computePlan(profile, stage);
    fs.writeFileSync(path.join(SYNTH_OUT, `${stage}.plan.json`), JSON.stringify(plan, null, 2));
    for (const target of TARGETS) {
      const t0 = performance.now();
      try {
        const result = target === 'aws' ? renderer.writeAws(plan, SYNTH_OUT) : renderer.writeK8s(plan, SYNTH_OUT);
        report[`${target}/${stage}`] = { ok: true, milliseconds: performance.now() - t0, file: result.target === 'aws' ? result.templateFile : result.manifestFile };
      } catch (err) {
        report[`${target}/${stage}`] = { ok: false, error: err instanceof Error ? `${err.message}` : String(err), milliseconds: performance.now() - t0 };
      }
    }
  }
  fs.writeFileSync(SYNTH_REPORT, JSON.stringify({ totalMilliseconds: performance.now() - started, results: report }, null, 2));
}
