/**
 * aws-cdk-lib's own CloudFormation checks ("CloudFormation Validate") pass on every template the suite
 * renders: each stage of the shared profile, Kafka at the largest profile's scale (MSK, three zones,
 * 13 shards), and the CDN in front of the web tier. cdk.json's context makes an error fail the synth, as
 * it does for `stagekit synth` and `cdk synth`; a warning is a defect here too (read from the validation report). The checks run in one process beside the test files
 * (./support/cfn-checks.ts); this file waits for their results.
 */
import { CFN_CHECK_JOBS, cfnCheckResult, cfnChecksStarted, startCfnChecks, templateSha256 } from './support/cfn-checks';
import { awsTemplate } from './support/stages';
import { SYNTH_OUT } from './support/paths';

beforeAll(() => {
  // Started by globalSetup unless the command line named other files only; then this file starts it.
  if (!cfnChecksStarted(SYNTH_OUT)) startCfnChecks(SYNTH_OUT);
});

test.each(CFN_CHECK_JOBS.map((job) => [job.id, job] as const))('%s synthesizes with no CloudFormation finding', async (_id, job) => {
  const result = await cfnCheckResult(SYNTH_OUT, job.id);
  expect(result.error ?? '').toBe('');
  expect(result.ok).toBe(true);
  expect(result.findings).toEqual([]);
  expect(result.resources).toBeGreaterThan(0);
  // The checked template is the very one the other files test (globalSetup renders it without the checks).
  if (job.id.startsWith('growing-product.')) expect(result.templateSha256).toBe(templateSha256(awsTemplate(job.stage)));
}, 10 * 60_000);
