import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding with the reason a reviewer needs. cdk-nag v3 reports
 * some rules once per finding (`AwsSolutions-IAM4[Policy::...]`); name those findings
 * so that an acknowledgement never hides a finding nobody looked at.
 */
export function acknowledge(construct: IConstruct, rule: string, reason: string, findings: string[] = []): void {
  const ids = findings.length ? findings.map((f) => `${rule}[${f}]`) : [rule];
  for (const id of ids) Validations.of(construct).acknowledge({ id, reason });
}

/** The finding name cdk-nag gives an AWS managed policy attached to a role. */
export const managedPolicyFinding = (name: string) => `Policy::arn:<AWS::Partition>:iam::aws:policy/${name}`;
