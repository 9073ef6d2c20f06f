/**
 * aws-cdk-lib's CloudFormation checks ("CloudFormation Validate": a WebAssembly rule engine that every
 * process loads afresh, most of a synth's CPU) over every template the suite holds to them, in ONE
 * process of its own that runs beside the test files instead of in globalSetup and in each file that
 * owns a template. Each job synthesizes its stage the way `stagekit synth` does (cdk.json's context: a
 * finding fails the synth) and records the outcome; test/cloudformation-checks.test.ts asserts them.
 *
 * Run as a script (`node --require tsx/cjs test/support/cfn-checks.ts DIR`) it works through the jobs,
 * writing DIR/<job>.json as each finishes and DIR/done.json at the end.
 */
import { ChildProcess, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { StageName } from '../../core/ladder';
import { ROOT, TEST_PROFILE_FILE } from './paths';

export interface CfnCheckJob {
  /** File-name-safe id: `<profile>/<stage>` with `+cdn` when the CDN is turned on. */
  readonly id: string;
  readonly profileFile: string;
  readonly stage: StageName;
  readonly cdn?: boolean;
}

export interface CfnCheckResult {
  readonly id: string;
  readonly ok: boolean;
  /** The synth error (the validation report's text) when a check failed. */
  readonly error?: string;
  readonly milliseconds: number;
  /** Resources in the template that passed. */
  readonly resources?: number;
  /** What the CloudFormation checks reported, any severity: warnings are defects too. */
  readonly findings?: string[];
  /** sha256 of the template as JSON (so a test can tell it checked the very template the other files test). */
  readonly templateSha256?: string;
}

const MILLION_MERCHANTS = path.join(ROOT, 'profiles', 'million-merchants.yaml');

/**
 * Largest first: the engine loads its rules for the resource types it meets, and the files that wait
 * longest for a result (the Kafka and CDN files) are scheduled first by jest.
 */
export const CFN_CHECK_JOBS: readonly CfnCheckJob[] = [
  // MSK, three zones and 13 shards: only test/aws-kafka.test.ts renders it.
  { id: 'million-merchants.queue-pipeline', profileFile: MILLION_MERCHANTS, stage: 'queue-pipeline' },
  // CloudFront: only test/cdn.test.ts renders it.
  { id: 'growing-product+cdn.split-tier', profileFile: TEST_PROFILE_FILE, stage: 'split-tier', cdn: true },
  // The shared synth (globalSetup renders the same plans without the checks).
  ...(['single-server', 'split-tier', 'read-replicas', 'sharded', 'queue-pipeline'] as const).map((stage) => ({ id: `growing-product.${stage}`, profileFile: TEST_PROFILE_FILE, stage })),
];

/** Where globalSetup keeps the checker's process for globalTeardown (both run in jest's main process). */
export const CFN_CHECKS_PROCESS = Symbol.for('stagekit.test.cfnChecksProcess');

export const cfnChecksDir = (synthOut: string) => path.join(synthOut, 'cfn-checks');
const DONE = 'done.json';
const LOG = 'checks.log';

/** Starts the checks in a process of their own (stdout and stderr to DIR/checks.log). */
export function startCfnChecks(synthOut: string): ChildProcess {
  const dir = cfnChecksDir(synthOut);
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(path.join(dir, LOG), 'a');
  // --liftoff-only: the checks' engine is WebAssembly run for seconds; optimizing it again costs more CPU than it
  // saves (3 to 4 s of the child's 19 s on 2026-12-02), and the suite is CPU-bound.
  const child = spawn(process.execPath, ['--liftoff-only', '--require', 'tsx/cjs', path.join(__dirname, 'cfn-checks.ts'), dir], { cwd: ROOT, stdio: ['ignore', log, log], env: { ...process.env, CDK_VALIDATION: undefined } });
  fs.closeSync(log);
  return child;
}

export function cfnChecksStarted(synthOut: string): boolean {
  return fs.existsSync(path.join(cfnChecksDir(synthOut), LOG));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a job's result; fails with the checker's log when it ended without one or took too long. */
export async function cfnCheckResult(synthOut: string, id: string, timeoutMs = 10 * 60_000): Promise<CfnCheckResult> {
  const dir = cfnChecksDir(synthOut);
  const file = path.join(dir, `${id}.json`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as CfnCheckResult;
    const logFile = path.join(dir, LOG);
    const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '(no log)');
    if (fs.existsSync(path.join(dir, DONE))) throw new Error(`the CloudFormation checks ended without a result for ${id}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`no CloudFormation check result for ${id} after ${timeoutMs / 1000} s:\n${log()}`);
    await sleep(250);
  }
}

export function templateSha256(template: unknown): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex');
}

/**
 * The CloudFormation checks' findings of any severity, from the validation report aws-cdk-lib writes into
 * the assembly (only errors fail a synth; a warning would pass it unseen). Missing report: the checks did not run.
 */
export function cfnFindings(reportFile: string): string[] {
  if (!fs.existsSync(reportFile)) return ['no validation report: the CloudFormation checks did not run'];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; description: string }[] }[] };
  const checks = report.pluginReports.filter((plugin) => plugin.pluginName === 'CloudFormation Validate');
  if (checks.length === 0) return ['the validation report has no CloudFormation Validate section: the checks did not run'];
  return checks.flatMap((plugin) => plugin.violations.map((violation) => `${violation.ruleName} (${violation.severity}): ${violation.description}`));
}

function writeAtomically(file: string, value: unknown): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/** The checker process: every job in order, each result written as soon as it is known. */
function runChecks(dir: string): void {
  // Loaded here, not at the top: test files import this module for its jobs and waiting only.
  const { computePlan } = require('../../core/plan') as typeof import('../../core/plan');
  const { loadProfile, parseProfile } = require('../../core/profile') as typeof import('../../core/profile');
  const { stageRenderer } = require('../../blueprints/render') as typeof import('../../blueprints/render');
  delete process.env.CDK_VALIDATION;
  const renderer = stageRenderer();
  try {
    for (const job of CFN_CHECK_JOBS) {
      const started = performance.now();
      let result: CfnCheckResult;
      try {
        const profile = loadProfile(job.profileFile);
        const plan = computePlan(job.cdn ? parseProfile({ ...profile, cdn: { enabled: true } }) : profile, job.stage);
        // No cdk-nag: globalSetup and the files that own these stacks run it in-process.
        const rendering = renderer.writeAws(plan, path.join(dir, 'assemblies', job.id), { nag: false });
        result = {
          id: job.id,
          ok: true,
          milliseconds: performance.now() - started,
          resources: Object.keys(rendering.template.Resources).length,
          findings: cfnFindings(path.join(rendering.assemblyDir, 'validation-report.json')),
          templateSha256: templateSha256(rendering.template),
        };
      } catch (err) {
        result = { id: job.id, ok: false, error: err instanceof Error ? err.message : String(err), milliseconds: performance.now() - started };
      }
      writeAtomically(path.join(dir, `${job.id}.json`), result);
      console.log(`${job.id}: ${result.ok ? 'ok' : 'FAILED'} in ${Math.round(result.milliseconds)} ms`);
    }
  } finally {
    writeAtomically(path.join(dir, DONE), { at: new Date().toISOString() });
  }
}

if (require.main === module) runChecks(process.argv[2]);
