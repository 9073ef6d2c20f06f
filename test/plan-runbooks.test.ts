/**
 * The runbooks: composed from neighbour legs for any move, honest about moving down, and written
 * against the names the stages actually render (read from the synthesized templates and objects).
 */
import { STAGE_NAMES, StageName } from '../core/ladder';
import { neighbourLeg, Runbook, runbookContext, transitionRunbook } from '../deploy/runbooks';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

const profile = stagePlan('single-server').profile;
const rendered = runbookContext(profile, {
  awsTemplates: Object.fromEntries(STAGE_NAMES.map((s) => [s, awsTemplate(s)])),
  k8sObjects: Object.fromEntries(STAGE_NAMES.map((s) => [s, k8sObjects(s)])),
});
const bare = runbookContext(profile);
const text = (r: Runbook) => JSON.stringify(r);

test.each(['aws', 'k8s'] as const)('%s: every move has its legs in order, each with steps before, during and after the deploy, risks and rollback', (target) => {
  for (const from of STAGE_NAMES) {
    for (const to of STAGE_NAMES) {
      const runbook = transitionRunbook(from, to, target, rendered);
      const a = STAGE_NAMES.indexOf(from);
      const b = STAGE_NAMES.indexOf(to);
      expect(runbook.direction).toBe(a === b ? 'none' : b > a ? 'up' : 'down');
      expect(runbook.legs.map((l) => `${l.from}>${l.to}`)).toEqual(
        Array.from({ length: Math.abs(b - a) }, (_, i) => (b > a ? `${STAGE_NAMES[a + i]}>${STAGE_NAMES[a + i + 1]}` : `${STAGE_NAMES[a - i]}>${STAGE_NAMES[a - i - 1]}`)),
      );
      for (const leg of runbook.legs) {
        expect(leg.steps.some((s) => s.when === 'deploy' && s.commands?.some((c) => c.startsWith(`stagekit deploy --stage ${leg.to} --target ${target}`)))).toBe(true);
        expect(leg.risks.length).toBeGreaterThan(0);
        expect(leg.rollback.length).toBeGreaterThan(0);
      }
      if (Math.abs(b - a) > 1) expect(runbook.notes.join(' ')).toMatch(/one stage at a time/);
      if (b < a) expect(runbook.notes.join(' ')).toMatch(/Moving down the ladder/);
    }
  }
});

test('a composed move is exactly its neighbour legs', () => {
  const long = transitionRunbook('single-server', 'sharded', 'aws', rendered);
  expect(long.legs).toEqual([neighbourLeg('single-server', 'split-tier', 'aws', rendered), neighbourLeg('split-tier', 'read-replicas', 'aws', rendered), neighbourLeg('read-replicas', 'sharded', 'aws', rendered)]);
  expect(() => neighbourLeg('single-server', 'sharded', 'aws', rendered)).toThrow(/not neighbours/);
});

test('single-server -> split-tier on AWS: logical replication from the kept server into the RDS instance the stack names, in two deploys', () => {
  const leg = transitionRunbook('single-server', 'split-tier', 'aws', rendered).legs[0];
  const all = text({ ...transitionRunbook('single-server', 'split-tier', 'aws', rendered), legs: [leg] });
  const volumeId = Object.entries<any>(awsTemplate('single-server').Resources).find(([, r]) => r.Type === 'AWS::EC2::Volume')![0];
  const db = Object.values<any>(awsTemplate('split-tier').Resources).find((r) => r.Type === 'AWS::RDS::DBInstance' && !r.Properties.SourceDBInstanceIdentifier).Properties;
  expect(all).toContain(volumeId);
  expect(all).toContain(db.DBInstanceIdentifier);
  expect(all).toContain(`-U ${db.MasterUsername} -d ${db.DBName}`);
  expect(all).toContain('CREATE SUBSCRIPTION stagekit_move');
  const deploys = leg.steps.flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
  expect(deploys).toEqual(['stagekit deploy --stage split-tier --target aws --cdk-context keepSingleServer=true', 'stagekit deploy --stage split-tier --target aws']);
  expect(leg.dataWork).toBe(true);
  expect(leg.steps.map((s) => s.when)).toEqual(['before', 'before', 'before', 'deploy', 'after', 'after', 'after']);
  // Without the renderings, placeholders say what is missing instead of guessing a name.
  expect(text(transitionRunbook('single-server', 'split-tier', 'aws', bare))).toContain('<Volume logical ID>');
});

test('single-server -> split-tier on Kubernetes: data tier first (--until data), copy through kubectl exec, then the full deploy', () => {
  const leg = transitionRunbook('single-server', 'split-tier', 'k8s', rendered).legs[0];
  const [cluster] = k8sObjects('split-tier').filter((o) => o.kind === 'Cluster').map((o) => o.metadata.name);
  const deploys = leg.steps.filter((s) => s.when === 'deploy').flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
  expect(deploys).toEqual(['stagekit deploy --stage split-tier --target k8s --until data', 'stagekit deploy --stage split-tier --target k8s']);
  expect(text(transitionRunbook('single-server', 'split-tier', 'k8s', rendered))).toContain(`cluster.postgresql.cnpg.io/${cluster}`);
});

test('read-replicas -> sharded: backfill by filtered publication, the shard map named, routing held on shard 0 until the switch', () => {
  // AWS holds routing in the map itself (new shards published as backfilling); Kubernetes with an app-side flag.
  const awsDeploys = transitionRunbook('read-replicas', 'sharded', 'aws', rendered).legs[0].steps.flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
  expect(awsDeploys.map((c) => c.split('   #')[0])).toEqual(['stagekit deploy --stage sharded --target aws --cdk-context activeShards=1', 'stagekit deploy --stage sharded --target aws']);
  for (const target of ['aws', 'k8s'] as const) {
    const runbook = transitionRunbook('read-replicas', 'sharded', target, rendered);
    const all = text(runbook);
    expect(all).toContain(`% ${stagePlan('sharded').database!.shards} = 1`);
    expect(all).toMatch(/CREATE PUBLICATION shard_1/);
    expect(all).toMatch(/CREATE SUBSCRIPTION shard_1/);
    expect(all).toMatch(target === 'aws' ? /SSM parameter \/growing-shop\/database\/shard-map/ : /ConfigMap growing-shop\/postgres-shard-map/);
    expect(runbook.legs[0].risks.join(' ')).toMatch(target === 'aws' ? /without activeShards=1 publishes every shard as active/ : /marks every shard active/);
  }
});

test('moving down is honest about what is lost and what must move first', () => {
  const down = transitionRunbook('queue-pipeline', 'sharded', 'aws', rendered).legs[0];
  expect(down.summary).toMatch(/drain them before the deploy/);
  // The stack retains its SQS queues, so this deploy needs no --allow-data-loss; the runbook deletes them after the drain.
  expect(down.steps.find((s) => s.when === 'deploy')!.commands).toEqual(['stagekit deploy --stage sharded --target aws']);
  const merge = transitionRunbook('sharded', 'read-replicas', 'k8s', rendered).legs[0];
  expect(merge.summary).toMatch(/Only possible when the whole dataset and write rate fit one primary again/);
  const toSingle = transitionRunbook('split-tier', 'single-server', 'aws', rendered).legs[0];
  expect(toSingle.steps.find((s) => s.when === 'deploy')!.commands![0]).toMatch(/--allow-data-loss$/);
});

test('the same stage has no legs', () => {
  const same = transitionRunbook('sharded', 'sharded', 'k8s', rendered);
  expect(same).toMatchObject({ direction: 'none', legs: [] });
});

test('the rough downtime estimate scales with the dataset and says it is rough', () => {
  const leg = neighbourLeg('single-server', 'split-tier', 'k8s', rendered);
  expect(leg.downtime).toMatch(new RegExp(`for ${Math.round(profile.data.datasetGiB)} GiB \\(rough`));
});

test('a stage name from outside the ladder is a usage error', () => {
  expect(() => transitionRunbook('single-server', 'mainframe' as StageName, 'aws', rendered)).toThrow(/Unknown stage "mainframe"/);
});
