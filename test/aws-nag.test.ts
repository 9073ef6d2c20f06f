/**
 * cdk-nag's AwsSolutions pack on the AWS ladder: the shared synth already fails on any
 * unacknowledged finding; this file checks the other half: every acknowledgement answers a
 * real finding (none is stale or speculative) and carries a reason, and the plugin really
 * runs (an unacknowledged finding fails synth).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { StageName } from '../core/ladder';
import { buildAwsApp } from '../blueprints/aws/app';
import { TEST_PROFILE_FILE } from './support/paths';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-aws-nag-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const profile = loadProfile(TEST_PROFILE_FILE);

interface Acknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** Removes every AwsSolutions acknowledgement from the tree and returns them. */
function stripAcknowledgements(root: IConstruct): Acknowledgement[] {
  const acks: Acknowledgement[] = [];
  for (const c of root.node.findAll()) {
    const metadata: Array<{ type: string; data: any }> = (c.node as any)._metadata ?? [];
    for (let i = metadata.length - 1; i >= 0; i--) {
      if (metadata[i].type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const rules = Object.entries<string>(metadata[i].data).filter(([id]) => id.includes('AwsSolutions-'));
      if (!rules.length) continue;
      for (const [id, reason] of rules) acks.push({ path: c.node.path, rule: id.replace(/^annotation::/i, ''), reason });
      metadata.splice(i, 1);
    }
  }
  return acks;
}

describe.each(['single-server', 'queue-pipeline'] as StageName[])('cdk-nag on %s', (stage) => {
  const { app } = buildAwsApp(computePlan(profile, stage), { nag: false, outdir: path.join(out, stage) });
  app.synth();

  test('no finding is left unacknowledged', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  test('every acknowledgement answers a finding and gives a specific reason', () => {
    const acks = stripAcknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    const findings = new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
    for (const ack of acks) {
      expect({ ack: `${ack.rule} @ ${ack.path}`, answers: findings.some((f) => f === `${ack.rule} @ ${ack.path}` || f.startsWith(`${ack.rule} @ ${ack.path}/`)) }).toEqual({ ack: `${ack.rule} @ ${ack.path}`, answers: true });
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });
});

test('the AwsSolutions pack runs at synth: an unacknowledged finding fails it', () => {
  const { app, stack } = buildAwsApp(computePlan(profile, 'split-tier'), { outdir: path.join(out, 'failing') });
  new s3.Bucket(stack, 'UnloggedBucket');
  expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
});
