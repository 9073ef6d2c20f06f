import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Parent of every run's synth output. */
export const SYNTH_ROOT = path.join(ROOT, '.test-out');
/** The environment variable through which globalSetup tells test workers where this run's output is. */
export const SYNTH_OUT_ENV = 'STAGEKIT_TEST_SYNTH_OUT';
/**
 * Where globalSetup wrote every stage's synthesized output for the test files to share:
 * one directory per run, so two jest runs in one checkout never delete each other's files.
 */
export const SYNTH_OUT = process.env[SYNTH_OUT_ENV] ?? path.join(SYNTH_ROOT, 'latest');
export const SYNTH_REPORT = path.join(SYNTH_OUT, 'synth-report.json');
/** The profile the shared synth uses: the growing product (two zones, SQS). */
export const TEST_PROFILE_FILE = path.join(ROOT, 'profiles', 'growing-product.yaml');

/**
 * The `stagekit` bin the tests start in a process of their own: the CLI compiled from this checkout by
 * globalSetup (support/cli-build.ts), as the installed package runs it; test/cli.test.ts keeps the
 * checkout's bin/stagekit.js (TypeScript through tsx), as `npm start` runs it.
 */
export const STAGEKIT_BIN = process.env.STAGEKIT_TEST_BIN ?? path.join(ROOT, 'bin', 'stagekit.js');
