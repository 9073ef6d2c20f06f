/**
 * Synthesizes every stage for both targets once per test run and writes the results to
 * a directory of its own under .test-out (removed by globalTeardown), where test files read them (see ./stages.ts). A stage that fails to synth
 * is recorded, not thrown, so only the tests of that stage fail, with the synth error.
 *
 * aws-cdk-lib's CloudFormation checks are not run here: they run in a process of their own beside the
 * test files (./cfn-checks.ts, asserted by test/cloudformation-checks.test.ts), started first thing.
 * cdk-nag runs here, on every stage (a finding fails that stage's synth).
 */
import * as fs from 'fs';
import * as path from 'path';
import { computePlan } from '../../core/plan';
import { loadProfile } from '../../core/profile';
import { STAGE_NAMES } from '../../core/ladder';
import { stageRenderer } from '../../blueprints/render';
import { TARGETS } from '../../core/rendering';
import { SYNTH_OUT_ENV, SYNTH_ROOT, TEST_PROFILE_FILE } from './paths';
import { CFN_CHECKS_PROCESS, startCfnChecks } from './cfn-checks';
import { buildCliForTests } from './cli-build';
import { validateManifests } from './k8s-schema';
import { renderPlatform } from '../../platform/builder';
import type { Plan } from '../../core/plan';

/** False when the command line names test files and none of them is the checks' file (a quick run of a few files). */
function runsCfnChecks(globalConfig: { nonFlagArgs?: string[] }): boolean {
  const patterns = globalConfig.nonFlagArgs ?? [];
  return patterns.length === 0 || patterns.some((pattern) => 'test/cloudformation-checks.test.ts'.includes(pattern) || /cloudformation-checks/.test(pattern));
}

export default async function globalSetup(globalConfig: { nonFlagArgs?: string[] } = {}): Promise<void> {
  const started = performance.now();
  // A directory of this run's own; workers inherit the variable (they start after globalSetup).
  const SYNTH_OUT = path.join(SYNTH_ROOT, `run-${process.pid}-${Date.now()}`);
  const SYNTH_REPORT = path.join(SYNTH_OUT, 'synth-report.json');
  process.env[SYNTH_OUT_ENV] = SYNTH_OUT;
  fs.mkdirSync(SYNTH_OUT, { recursive: true });
  // globalTeardown (same process) stops it if the run ends first.
  if (runsCfnChecks(globalConfig)) (globalThis as any)[CFN_CHECKS_PROCESS] = startCfnChecks(SYNTH_OUT);
  // Workers inherit it: the compiled CLI the tests start as a process (see support/cli-build.ts).
  process.env.STAGEKIT_TEST_BIN = buildCliForTests(path.join(SYNTH_OUT, 'cli'));
  const savedValidation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  const profile = loadProfile(TEST_PROFILE_FILE);
  const renderer = stageRenderer();
  const report: Record<string, { ok: boolean; error?: string; milliseconds: number; file?: string }> = {};
  const k8sObjects: unknown[] = [];
  let topPlan: Plan | undefined;
  for (const stage of STAGE_NAMES) {
    const plan = computePlan(profile, stage);
    topPlan = plan;
    fs.writeFileSync(path.join(SYNTH_OUT, `${stage}.plan.json`), JSON.stringify(plan, null, 2));
    for (const target of TARGETS) {
      const t0 = performance.now();
      try {
        const result = target === 'aws' ? renderer.writeAws(plan, SYNTH_OUT) : renderer.writeK8s(plan, SYNTH_OUT);
        if (result.target === 'k8s') k8sObjects.push(...result.objects);
        report[`${target}/${stage}`] = { ok: true, milliseconds: performance.now() - t0, file: result.target === 'aws' ? result.templateFile : result.manifestFile };
      } catch (err) {
        report[`${target}/${stage}`] = { ok: false, error: err instanceof Error ? `${err.message}` : String(err), milliseconds: performance.now() - t0 };
      }
    }
  }
  const warmed = warmCaches(k8sObjects, topPlan!);
  if (savedValidation === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = savedValidation;
  fs.writeFileSync(SYNTH_REPORT, JSON.stringify({ totalMilliseconds: performance.now() - started, warmCachesMilliseconds: warmed, results: report }, null, 2));
}

/**
 * Fills the disk caches test files read, once, before the workers start: the parsed vendored platform
 * manifests (platform/vendored.ts) and the compiled schema validators (./k8s-schema.ts). On a fresh
 * checkout (as in CI) every worker otherwise parsed and compiled them itself, at the same time: 2-4 s of CPU
 * in each of the dozen files that render the platform or validate manifests. Results are not looked at here:
 * the test files assert them.
 */
function warmCaches(stageObjects: readonly unknown[], plan: Plan): number {
  const started = performance.now();
  const platformObjects = (['hcloud', 'existing'] as const).flatMap((cluster) => renderPlatform(plan, { cluster }).objects);
  validateManifests([...stageObjects, ...platformObjects]);
  return performance.now() - started;
}
