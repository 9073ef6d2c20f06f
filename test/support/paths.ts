import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Where globalSetup writes every stage's synthesized output for the test files to share. */
export const SYNTH_OUT = path.join(ROOT, '.test-out');
export const SYNTH_REPORT = path.join(SYNTH_OUT, 'synth-report.json');
/** The profile the shared synth uses: the growing product (two zones, SQS). */
export const TEST_PROFILE_FILE = path.join(ROOT, 'profiles', 'growing-product.yaml');
