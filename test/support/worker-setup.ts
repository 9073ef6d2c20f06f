/**
 * Runs before each test file. aws-cdk-lib checks every template it synthesizes against CloudFormation's
 * rules with a WebAssembly engine that is loaded again in every process: a quarter to a third of a
 * synth's CPU. Test files skip it; the templates the suite holds to those checks are synthesized with
 * them on, once, in a process of their own (support/cfn-checks.ts, test/cloudformation-checks.test.ts).
 */
process.env.CDK_VALIDATION = 'false';
// No stack trace recorded with every CDK annotation: jest source-maps each one, and no test reads them.
process.env.CDK_DISABLE_STACK_TRACE = '1';
