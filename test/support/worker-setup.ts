/**
 * Runs before each test file. aws-cdk-lib checks every template it synthesizes against CloudFormation's
 * rules with a WebAssembly engine that is loaded again in every test file: a quarter to a third of a
 * synth's CPU. globalSetup synthesizes every stage of the shared profile with the check on (cdk.json makes
 * a finding fail synth), and the files that own a template no other file makes (aws-kafka: MSK on
 * million-merchants; cdn: CloudFront) turn it back on for that synth (withTemplateChecks); the other
 * files render variants of those stacks to compare or inspect them, so they skip it.
 */
process.env.CDK_VALIDATION = 'false';
// No stack trace recorded with every CDK annotation: jest source-maps each one, and no test reads them.
process.env.CDK_DISABLE_STACK_TRACE = '1';

/** Runs `synth` with aws-cdk-lib's CloudFormation checks on (validated = true) or off, then restores the file's setting. */
export function withTemplateChecks<T>(validated: boolean, synth: () => T): T {
  const saved = process.env.CDK_VALIDATION;
  if (validated) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = 'false';
  try {
    return synth();
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
}
