/**
 * Climbing the ladder keeps every stateful resource: for each pair of consecutive stages,
 * `statefulRisks` on the two templates finds nothing replaced or destroyed. And the check
 * can fail: hand-made replacements and deletions are caught.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { buildAwsApp, cdkJsonContext, stackName } from '../blueprints/aws/app';
import { moveRenderings } from '../deploy/render';
import { stageRenderer } from '../blueprints/render';
import { dataLossRisks, formatRisks, statefulRisks } from '../deploy/aws/upgrade-safety';
import { TEST_PROFILE_FILE } from './support/paths';
import { awsTemplate } from './support/stages';

const clone = (t: any) => JSON.parse(JSON.stringify(t));
const idOf = (t: any, prefix: string, type?: string) => Object.keys(t.Resources).find((id) => id.startsWith(prefix) && (!type || t.Resources[id].Type === type))!;

describe('climbing the ladder replaces and destroys no stateful resource', () => {
  const pairs = STAGE_NAMES.slice(1).map((to, i) => [STAGE_NAMES[i], to] as [StageName, StageName]);

  test.each(pairs)('%s -> %s', (from, to) => {
    const risks = statefulRisks(awsTemplate(from), awsTemplate(to));
    expect(formatRisks(dataLossRisks(risks))).toBe(formatRisks([]));
    if (from !== 'single-server') expect(risks).toEqual([]);
  });

  test('single-server -> split-tier hands the data volume (and its key and backups) over to the runbook: retained, not destroyed', () => {
    const risks = statefulRisks(awsTemplate('single-server'), awsTemplate('split-tier'));
    expect(risks.map((r) => [r.resourceType, r.kind]).sort()).toEqual([
      ['AWS::Backup::BackupVault', 'retained'],
      ['AWS::EC2::Volume', 'retained'],
      ['AWS::KMS::Key', 'retained'],
    ]);
  });
});

describe('statefulRisks catches what would lose data', () => {
  const before = awsTemplate('read-replicas');
  const primary = idOf(before, 'DatabaseShard0Primary', 'AWS::RDS::DBInstance');

  test('a property change that replaces the database (its database name)', () => {
    const after = clone(before);
    after.Resources[primary].Properties.DBName = 'shop';
    const risks = statefulRisks(before, after);
    expect(risks).toEqual([expect.objectContaining({ logicalId: primary, kind: 'replaced', dataLoss: true, causes: ['DBName'], policy: 'Snapshot' })]);
    expect(formatRisks(risks)).toMatch(/^DATA LOSS +\[replaced\] .*REPLACED/);
  });

  test('a change that may replace the database (engine postgres -> mysql) counts as data loss too', () => {
    const after = clone(before);
    after.Resources[primary].Properties.Engine = 'mysql';
    expect(dataLossRisks(statefulRisks(before, after))).toEqual([expect.objectContaining({ logicalId: primary, kind: 'may-be-replaced', causes: ['Engine'] })]);
  });

  test('a renamed construct: the database moves to a new logical ID', () => {
    const after = clone(before);
    after.Resources.DatabaseShardZeroPrimary = after.Resources[primary];
    delete after.Resources[primary];
    const risks = dataLossRisks(statefulRisks(before, after));
    expect(risks).toEqual([expect.objectContaining({ logicalId: primary, kind: 'replaced', causes: ['logical ID'] })]);
  });

  test('removing a resource whose DeletionPolicy deletes it', () => {
    const queueStage = awsTemplate('queue-pipeline');
    const queue = idOf(queueStage, 'JobsQueue', 'AWS::SQS::Queue');
    const exposed = clone(queueStage);
    exposed.Resources[queue].DeletionPolicy = 'Delete';
    const removed = clone(exposed);
    delete removed.Resources[queue];
    expect(statefulRisks(exposed, removed)).toEqual([expect.objectContaining({ logicalId: queue, kind: 'destroyed', dataLoss: true })]);
    expect(statefulRisks(queueStage, exposed)).toEqual([expect.objectContaining({ logicalId: queue, kind: 'protection-weakened', dataLoss: false })]);
  });

  test('removals under Snapshot are snapshotted, read replicas are copies: neither is data loss', () => {
    const replica = idOf(before, 'DatabaseShard0Replica1', 'AWS::RDS::DBInstance');
    const after = clone(before);
    delete after.Resources[primary];
    delete after.Resources[replica];
    const risks = statefulRisks(before, after);
    expect(risks.map((r) => [r.logicalId, r.kind, r.dataLoss])).toEqual([
      [primary, 'snapshotted', false],
      [replica, 'replica-removed', false],
    ]);
  });

  test('ignores stateless resources and additions', () => {
    const after = clone(before);
    delete after.Resources[idOf(before, 'ObservabilityDashboard')];
    after.Resources.Extra = { Type: 'AWS::SQS::Queue', Properties: {} };
    expect(statefulRisks(before, after)).toEqual([]);
  });
});

/** Synthesizes a stage of the test profile with extra CDK context (with cdk-nag, like the shared synth). */
function synthWithContext(stage: StageName, context: Record<string, string>, outRoot: string) {
  const plan = computePlan(loadProfile(TEST_PROFILE_FILE), stage);
  const app = new App({ outdir: path.join(outRoot, `${stage}-${Object.keys(context).join('-')}`), context: { ...cdkJsonContext(), ...context } });
  buildAwsApp(plan, { app });
  const artifact = app.synth().getStackByName(stackName(plan));
  return { template: artifact.template, messages: artifact.messages };
}

describe('migration options', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-aws-upgrade-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const certificateArn = 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const kept = synthWithContext('split-tier', { keepSingleServer: 'true', certificateArn }, out);
  const routedToShard0 = synthWithContext('sharded', { activeShards: '1' }, out);

  test('keepSingleServer: split-tier beside the untouched single server, then without it; nothing lost on either step', () => {
    const single = awsTemplate('single-server');
    expect(statefulRisks(single, kept.template)).toEqual([]);
    const instance = idOf(single, 'SingleServerInstance', 'AWS::EC2::Instance');
    const { Tags: _a, ...before } = single.Resources[instance].Properties;
    const { Tags: _b, ...during } = kept.template.Resources[instance].Properties;
    expect(during).toEqual(before);
    // For the data move: the server reaches the database, and the database (a subscriber) reaches the server's Postgres.
    const rules = Object.values<any>(kept.template.Resources).filter((r) => /^AWS::EC2::SecurityGroup(In|E)gress$/.test(r.Type) && JSON.stringify(r).includes('SingleServer'));
    expect(rules.map((r) => [r.Type, r.Properties.FromPort]).sort()).toEqual([
      ['AWS::EC2::SecurityGroupEgress', 5432],
      ['AWS::EC2::SecurityGroupIngress', 5432],
      ['AWS::EC2::SecurityGroupIngress', 5432],
    ]);
    expect(dataLossRisks(statefulRisks(kept.template, awsTemplate('split-tier')))).toEqual([]);
  });

  test('certificateArn: HTTPS on 443 with the certificate, HTTP redirected, and no synth warning at all', () => {
    const template = Template.fromJSON(kept.template);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certificateArn }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    expect(kept.messages.filter((m) => m.level !== 'info')).toEqual([]);
  });

  test('activeShards=1: new shards provisioned as backfilling, shard 0 keeps its pre-sharding size; no data risk either way', () => {
    const map = JSON.parse(Object.values<any>(routedToShard0.template.Resources).find((r) => r.Type === 'AWS::SSM::Parameter').Properties.Value);
    expect(map.activeShards).toBe(1);
    expect(map.shards.map((s: any) => s.state)).toEqual(['active', ...Array(map.shards.length - 1).fill('backfilling')]);
    const shard0 = (t: any) => t.Resources[idOf(t, 'DatabaseShard0Primary', 'AWS::RDS::DBInstance')].Properties;
    expect(shard0(routedToShard0.template).DBInstanceClass).toBe(shard0(awsTemplate('read-replicas')).DBInstanceClass);
    expect(statefulRisks(awsTemplate('read-replicas'), routedToShard0.template)).toEqual([]);
    expect(dataLossRisks(statefulRisks(routedToShard0.template, awsTemplate('sharded')))).toEqual([]);
  });
});

describe('plan --cdk-context describes the stage moved to', () => {
  const profile = loadProfile(TEST_PROFILE_FILE);
  const renderer = moveRenderings(stageRenderer(), { activeShards: '2' }, 'sharded');

  test('the other stages of the move render without it', () => {
    expect(renderer.awsTemplate(computePlan(profile, 'read-replicas')).Resources).toBeDefined();
  });

  test('the stage moved to gets it (and a bad value is a usage error)', () => {
    expect(() => moveRenderings(stageRenderer(), { activeShards: '9' }, 'sharded').awsTemplate(computePlan(profile, 'sharded'))).toThrow(/activeShards: expected a whole number from 1 to 2/);
  });
});
