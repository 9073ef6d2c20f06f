/**
 * Deployed sizes are a floor: the lock file deploy writes, the floor read back from a deployed
 * template or the objects a namespace runs, and Kubernetes volume growth through PVC expansion.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan, shardSizings, computeLadder } from '../core/plan';
import { deployedSizesOf } from '../core/floor';
import { UsageError } from '../core/errors';
import type { Profile } from '../core/profile';
import { sizesFromObjects, sizesFromTemplate } from '../deploy/floor-sources';
import { lockedFloor, readLock, recordDeploy } from '../deploy/lock';
import { compareObjects } from '../deploy/k8s/changes';
import { stageRenderer } from '../blueprints/render';
import { AwsApi, StackSummary } from '../deploy/aws/aws-api';
import { deployAws } from '../deploy/aws/deploy-aws';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { stageCostDelta } from '../deploy/cost-delta';
import { FrozenClock, RecordingLog, ScriptedPrompt } from './support/fakes';
import { awsAssemblyDir, awsTemplate, k8sObjects, stagePlan } from './support/stages';

const profile = stagePlan('single-server').profile;
const scaled = (p: Profile, data: number, traffic = 1): Profile => ({
  ...p,
  data: { ...p.data, datasetGiB: p.data.datasetGiB * data, writesPerSecond: p.data.writesPerSecond * traffic },
  traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond * traffic },
});
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-lock-'));

describe('the floor read back from what is deployed', () => {
  test('a deployed template: storage per shard, cache node layout, zones', () => {
    const sizes = sizesFromTemplate(awsTemplate('sharded'), profile.name, 'sharded');
    const plan = stagePlan('sharded');
    const shards = shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB);
    expect(sizes.databaseStorageGiB).toEqual(shards);
    expect(sizes).toMatchObject({ zones: plan.zones, cacheNodeType: plan.cache!.node.name, cacheNodes: plan.cache!.nodes });
    expect(sizesFromTemplate(awsTemplate('single-server'), profile.name, 'single-server')).toMatchObject({ zones: 1, serverDataVolumeGiB: stagePlan('single-server').server!.dataVolumeGiB });
  });

  test('a namespace\u2019s objects: claims, CNPG storage, brokers and partitions', () => {
    const plan = stagePlan('queue-pipeline');
    const sizes = sizesFromObjects(k8sObjects('queue-pipeline'), profile.name, 'queue-pipeline');
    const kafka = plan.queue!.selfHostedKafka;
    expect(sizes).toMatchObject({ zones: plan.zones, kafkaBrokers: kafka.brokers, kafkaStorageGiBPerBroker: kafka.storageGiBPerBroker, kafkaPartitions: kafka.partitions, cacheNodes: plan.cache!.nodes });
    expect(sizes.databaseStorageGiB).toEqual(shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB));
    expect(sizes.cacheClaimTemplateGiB).toBeGreaterThan(0);
  });
});

describe('computePlan with a deployed floor', () => {
  test('shrinking the profile keeps every deployed size; the reasoning says so', () => {
    const old = stagePlan('queue-pipeline');
    const deployed = sizesFromTemplate(awsTemplate('queue-pipeline'), profile.name, 'queue-pipeline');
    const small = computePlan(scaled(profile, 0.5, 0.5), 'queue-pipeline', { deployed: { ...deployed, ...deployedSizesOf(old, deployed.databaseStorageGiB) } });
    const sizes = shardSizings(small, computeLadder(small.profile)).map((s) => s.storageGiB);
    expect(sizes).toEqual(deployed.databaseStorageGiB);
    expect(small.queue!.selfHostedKafka.brokers).toBeGreaterThanOrEqual(old.queue!.selfHostedKafka.brokers);
    expect(small.cache!.node.memoryGiB).toBeGreaterThanOrEqual(old.cache!.node.memoryGiB);
    expect(small.reasoning.some((r) => r.startsWith('floor:'))).toBe(true);
  });

  test('a higher SLO keeps the deployed zones (cache AZs and MSK subnets are create-only) and warns', () => {
    const deployed = deployedSizesOf(stagePlan('queue-pipeline'));
    const strict = { ...profile, objectives: { ...profile.objectives, availabilityPercent: 99.99 } };
    expect(computePlan(strict, 'queue-pipeline').zones).toBe(3);
    const kept = computePlan(strict, 'queue-pipeline', { deployed });
    expect(kept.zones).toBe(deployed.zones);
    expect(kept.warnings.join('\n')).toMatch(/keeps 2.*migration/);
  });
});

describe('stagekit.lock.json', () => {
  test('deploy records, later deploys never lower it, plans read the merge of both targets', () => {
    const dir = tmp();
    const file = path.join(dir, 'stagekit.lock.json');
    try {
      const big = deployedSizesOf(stagePlan('sharded'), [800, 400]);
      recordDeploy(file, 'aws', { stage: 'sharded', deployedAt: '2030-01-01T00:00:00Z', profile: 'p.yaml', sizes: big });
      recordDeploy(file, 'aws', { stage: 'sharded', deployedAt: '2030-02-01T00:00:00Z', profile: 'p.yaml', sizes: { ...big, databaseStorageGiB: [500, 500] } });
      recordDeploy(file, 'k8s', { stage: 'sharded', deployedAt: '2030-02-01T00:00:00Z', profile: 'p.yaml', sizes: { ...big, databaseStorageGiB: [700, 450, 450] } });
      const lock = readLock(file)!;
      expect(lock.targets.aws!.sizes.databaseStorageGiB).toEqual([800, 500]);
      expect(lockedFloor(lock, profile.name)!.databaseStorageGiB).toEqual([800, 500, 450]);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).targets.aws.sizes).not.toHaveProperty('product');
      expect(fs.readdirSync(dir)).toEqual(['stagekit.lock.json']);
      expect(() => lockedFloor(lock, 'another-shop', file)).toThrow(/product: expected another-shop.*got "growing-shop"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no lock file is no floor; a bad one is a usage error naming the field; devices are refused', () => {
    const dir = tmp();
    try {
      expect(readLock(path.join(dir, 'missing.json'))).toBeUndefined();
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ lockfileVersion: 1, product: 'x', targets: { aws: { stage: 'sharded', sizes: { databaseStorageGiB: [100, -5] } } } }));
      expect(() => readLock(bad)).toThrow(UsageError);
      expect(() => readLock(bad)).toThrow(/targets\.aws\.sizes\.databaseStorageGiB: expected a list of whole GiB per shard/);
      fs.writeFileSync(bad, '{');
      expect(() => readLock(bad)).toThrow(/not valid JSON/);
      expect(() => readLock('/dev/zero')).toThrow(/expected a regular lock file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('Kubernetes growth at the same stage: the claim template stays, the claim is expanded', () => {
  const before = k8sObjects('single-server');
  const deployed = sizesFromObjects(before, profile.name, 'single-server');
  const grown = computePlan(scaled(profile, 2), 'single-server', { deployed });
  expect(grown.server!.dataVolumeGiB).toBeGreaterThan(deployed.serverClaimTemplateGiB!);
  const after = stageRenderer().k8s(grown).objects as any[];
  const template = after.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres').spec.volumeClaimTemplates[0].spec.resources.requests.storage;
  expect(template).toBe(`${deployed.serverClaimTemplateGiB}Gi`);
  const claim = after.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'data-postgres-0');
  expect(claim.spec.resources.requests.storage).toBe(`${grown.server!.dataVolumeGiB}Gi`);
  const changes = compareObjects(before, after);
  expect(changes.risks.filter((r) => r.severity === 'rejected' || r.severity === 'data-loss')).toEqual([]);
  // Read back, the expanded claim is the floor of the next plan; the template is still the template.
  const next = sizesFromObjects(after, profile.name, 'single-server');
  expect(next).toMatchObject({ serverClaimTemplateGiB: deployed.serverClaimTemplateGiB, serverDataVolumeGiB: grown.server!.dataVolumeGiB });
});

test('deploy --target aws: replans over the deployed template and records what it deployed', async () => {
  const calls: string[] = [];
  const aws: AwsApi = {
    callerIdentity: async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ci' }),
    describeStack: async (name): Promise<StackSummary> =>
      name === 'CDKToolkit'
        ? { name, arn: 'arn:cdktoolkit', status: 'UPDATE_COMPLETE', tags: {}, outputs: { BootstrapVersion: '30' } }
        : { name, arn: 'arn:stack', status: 'UPDATE_COMPLETE', tags: { 'stagekit:stage': 'sharded' }, outputs: {} },
    deployedTemplate: async () => awsTemplate('sharded'),
  };
  const recorded: any[] = [];
  const log = new RecordingLog();
  const shrunk = scaled(profile, 0.5);
  await deployAws(
    { plan: computePlan(shrunk, 'sharded'), stackName: profile.name, profileFile: 'p.yaml', allowDataLoss: false, yes: true, timeoutMs: 60_000 },
    {
      aws,
      deployer: { deploy: async () => ({ stackArn: 'arn:stack', outputs: {}, deleteFailures: [] }) },
      prompt: new ScriptedPrompt(false),
      clock: new FrozenClock(),
      log,
      cost: stageCostDelta,
      riskCheck: awsStatefulRisks,
      // The floored plan renders what is deployed: the shared synth of the unshrunk profile stands in for it.
      synth: (plan) => {
        calls.push(`synth ${shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB).join('/')}`);
        return { assemblyDir: awsAssemblyDir('sharded'), template: awsTemplate('sharded'), requiredBootstrapVersion: 6 };
      },
      planOf: (s) => computePlan(shrunk, s),
      deployedState: {
        replan: (deployed) => computePlan(shrunk, 'sharded', { deployed }),
        record: (sizes) => recorded.push(sizes),
      },
    },
  );
  const deployedShards = sizesFromTemplate(awsTemplate('sharded'), profile.name, 'sharded').databaseStorageGiB!;
  expect(calls).toEqual([`synth ${deployedShards.join('/')}`]);
  expect(log.text).toMatch(/floor: .*kept at the deployed/);
  expect(recorded).toEqual([expect.objectContaining({ stage: 'sharded', databaseStorageGiB: deployedShards })]);
});
