/**
 * Scale past one stack: a 64-shard product keeps shards 0-15 in the product stack, as every smaller
 * product has them, and puts the others into nested stacks of 8 (ShardGroup0..5), so no stack passes
 * CloudFormation's 500 resources. Synthesized once for the file, without cdk-nag at synth (the pack is
 * run on the tree below, as test/aws.test.ts (aws-nag block) does), then read as cost, deploy and the floor read it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { computeLadder, Plan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { SERVICE_LIMITS, stackResourceLimitError, checkStackResourceCount } from '../core/limits';
import { UsageError } from '../core/errors';
import { flattenNestedStacks, nestedStackIds, readNestedTemplates, stackTemplates, NESTED_STACK_TYPE } from '../core/nested-stacks';
import { buildAwsApp } from '../blueprints/aws/app';
import { stageRenderer } from '../blueprints/render';
import { shardGroupOf, ShardedPostgres, ShardedPostgresProps, SHARDS_IN_PARENT_STACK, SHARDS_PER_GROUP } from '../constructs/aws/sharded-postgres';
import { priceTemplate } from '../cost/aws/engine';
import { readAssembly } from '../cost/aws/template';
import { dataLossRisks, formatRisks, statefulRisks } from '../deploy/aws/upgrade-safety';
import { sizesFromTemplate } from '../deploy/floor-sources';
import { sdkAwsApi } from '../deploy/aws/aws-api';
import { CloudFormationClient, DescribeStackResourceCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { profileWithShards } from '../bench/util';
import { TEST_PROFILE_FILE } from './support/paths';
import { awsTemplate, stagePlan } from './support/stages';

const SHARDS = 64;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-shard-split-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const plan: Plan = computeLadder(profileWithShards(loadProfile(TEST_PROFILE_FILE), SHARDS)).sharded;
const { app, stack } = buildAwsApp(plan, { nag: false, outdir: out });
const parent = app.synth().getStackByName(stack.stackName).template;
const nested = readNestedTemplates(parent, out);
const flat = flattenNestedStacks(parent, nested);
const resourceCount = (template: any) => Object.keys(template.Resources ?? {}).length;
/** A shard's primary instance in the flattened template: `DatabaseShard<i>Primary…` or `<group stack>/Shard<i>Primary…`. */
const primaryOf = (template: any, shard: number) =>
  Object.keys(template.Resources).find((id) => new RegExp(`(^Database|/)Shard${shard}Primary[0-9A-F]{8}$`).test(id) && template.Resources[id].Type === 'AWS::RDS::DBInstance');

describe(`a ${SHARDS}-shard product`, () => {
  test('plans 64 shards (the largest layout stagekit builds)', () => {
    expect(plan.database!.shards).toBe(SHARDS);
    expect(SHARDS).toBe(SERVICE_LIMITS.stagekitShards.value);
  });

  test('every stack, the parent and each nested one, is under 500 resources and 200 outputs', () => {
    const stacks = stackTemplates(parent, nested);
    for (const { path: at, template } of stacks) {
      expect({ at, resources: resourceCount(template) < SERVICE_LIMITS.cloudFormationResourcesPerStack.value }).toEqual({ at, resources: true });
      expect({ at, outputs: Object.keys(template.Outputs ?? {}).length <= SERVICE_LIMITS.cloudFormationOutputsPerStack.value }).toEqual({ at, outputs: true });
    }
    // All of it in one stack would not deploy: the split is what makes it deployable.
    expect(resourceCount(flat) - stacks.length + 1).toBeGreaterThan(SERVICE_LIMITS.cloudFormationResourcesPerStack.value);
  });

  test(`shards ${SHARDS_IN_PARENT_STACK} and up go into nested stacks of ${SHARDS_PER_GROUP}: ${Math.ceil((SHARDS - SHARDS_IN_PARENT_STACK) / SHARDS_PER_GROUP)} of them`, () => {
    const groups = Math.ceil((SHARDS - SHARDS_IN_PARENT_STACK) / SHARDS_PER_GROUP);
    expect(Object.values(parent.Resources).filter((r: any) => r.Type === NESTED_STACK_TYPE)).toHaveLength(groups);
    expect(Object.keys(nested)).toHaveLength(groups);
    for (let shard = 0; shard < SHARDS; shard++) {
      const id = primaryOf(flat, shard);
      const group = shardGroupOf(shard);
      expect({ shard, id: id !== undefined, nested: id?.includes('/') }).toEqual({ shard, id: true, nested: group !== undefined });
      if (group !== undefined) expect(id!.startsWith(`DatabaseShardGroup${group}NestedStack`)).toBe(true);
    }
  });

  test("shards 0-15 keep the logical IDs a small product's synth gave them (the shipped profile's sharded stage)", () => {
    const small = awsTemplate('sharded');
    expect(stagePlan('sharded').database!.shards).toBeLessThan(SHARDS_IN_PARENT_STACK);
    const smallDatabase = Object.entries<any>(small.Resources).filter(([id]) => id.startsWith('Database'));
    expect(smallDatabase.length).toBeGreaterThan(10);
    for (const [id, resource] of smallDatabase) expect({ id, type: parent.Resources[id]?.Type }).toEqual({ id, type: resource.Type });
  });

  test('growing from the small product to 64 shards replaces and destroys no database resource', () => {
    // The database tier only (the cache's own growth into cluster mode is test/cache-sharding.test.ts's). Added
    // resources risk nothing, so the new side is cut to the IDs the small product has: same verdict, a fast diff.
    const small = awsTemplate('sharded');
    const ids = Object.keys(small.Resources).filter((id) => id.startsWith('Database'));
    const only = (t: any) => ({ ...t, Resources: Object.fromEntries(ids.filter((id) => id in t.Resources).map((id) => [id, t.Resources[id]])) });
    const risks = statefulRisks(only(small), only(flat));
    expect(formatRisks(dataLossRisks(risks))).toBe(formatRisks([]));
  });

  test('moving a shard from the parent into a nested stack is caught as data loss by the safety check', () => {
    const moved = JSON.parse(JSON.stringify(flat));
    const id = primaryOf(moved, 3)!;
    moved.Resources[`DatabaseShardGroup9NestedStackX/${id}`] = moved.Resources[id];
    delete moved.Resources[id];
    expect(dataLossRisks(statefulRisks(flat, moved)).map((r) => r.logicalId)).toContain(id);
  });

  test('cdk-nag (AwsSolutions) finds nothing unacknowledged, nested stacks included (and does look inside them)', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    // A finding planted in a shard group is found: the pack reads the nested stacks' resources.
    new s3.Bucket(stack.database!.shardGroups[0], 'PlantedBucket');
    const found = new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
    expect(found.some((f) => f.includes('/Database/ShardGroup0/PlantedBucket'))).toBe(true);
  });

  test('the AWS bill prices every RDS instance of every shard and is complete', () => {
    const [assembly] = readAssembly(out);
    expect(assembly.nestedStacks).toBe(Object.keys(nested).length);
    expect(resourceCount(assembly.template)).toBe(resourceCount(flat));
    const bill = priceTemplate(assembly.template, { region: plan.region });
    expect(bill.complete).toBe(true);
    const instances = bill.resources.filter((r) => r.resourceType === 'AWS::RDS::DBInstance');
    expect(instances).toHaveLength(SHARDS * (1 + plan.database!.readReplicas));
    for (const instance of instances) expect({ name: instance.name, status: instance.status, costs: (instance.monthlyCost ?? 0) > 0 }).toEqual({ name: instance.name, status: 'priced', costs: true });
    for (let shard = 0; shard < SHARDS; shard++) expect(instances.map((r) => r.name)).toContain(primaryOf(flat, shard));
    // The nested stacks themselves cost nothing; their resources are on the bill.
    for (const r of bill.resources.filter((r) => r.resourceType === NESTED_STACK_TYPE)) expect([r.name, r.status]).toEqual([r.name, 'free']);
  });

  test('the deployed-size floor reads all 64 shards', () => {
    const sizes = sizesFromTemplate(flat, plan.product, 'sharded');
    expect(sizes.databaseStorageGiB).toHaveLength(SHARDS);
    expect(sizes.databaseStorageGiB!.every((gib) => gib > 0)).toBe(true);
  });

  test('Kubernetes renders all 64 shards (no per-object limit, no split)', () => {
    const objects = stageRenderer().k8s(plan).objects;
    const clusters = objects.filter((o: any) => o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io'));
    expect(clusters).toHaveLength(SHARDS);
  });
});

describe('ShardedPostgres: the fixed rule of where a shard lives', () => {
  /** The construct alone in a stack of its own, synthesized: the parent template and the nested ones. */
  function synthShards(count: number, props: Partial<ShardedPostgresProps> = {}) {
    const construct = new App({ outdir: fs.mkdtempSync(path.join(out, 'construct-')) });
    const own = new Stack(construct, 'Shop', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(own, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const shards = Array.from({ length: count }, () => ({ instanceClass: 'db.r7g.large', allocatedStorageGiB: 100 }));
    const database = new ShardedPostgres(own, 'Database', { vpc, identifierPrefix: 'shop', engineVersion: '16', shardKey: 'tenant_id', shards, ...props });
    const template = construct.synth().getStackByName('Shop').template;
    return { database, template, nested: readNestedTemplates(template, construct.outdir) };
  }
  const shardResources = (template: any, shard: number) =>
    Object.fromEntries(Object.entries<any>(template.Resources).filter(([id]) => new RegExp(`^DatabaseShard${shard}[A-Z]`).test(id)));

  // Small groups keep these syntheses quick; the 64-shard product above has the default sizes (16, then 8 a group).
  const rule = { shardsInParentStack: 4, shardsPerGroup: 3 };

  test('a growing product keeps every shard where it was: 3 shards, then 6 (shards 0-2 byte for byte), then 7 (ShardGroup0 grows, its shards unchanged)', () => {
    const three = synthShards(3, rule);
    const six = synthShards(6, rule);
    const seven = synthShards(7, rule);
    expect(three.database.shardGroups).toHaveLength(0);
    for (const shard of [0, 1, 2]) {
      expect(Object.keys(shardResources(three.template, shard)).length).toBeGreaterThan(3);
      expect(shardResources(six.template, shard)).toEqual(shardResources(three.template, shard));
    }
    expect(six.database.shardGroups).toHaveLength(1);
    const [groupId] = nestedStackIds(six.template);
    expect(nestedStackIds(seven.template)).toEqual([groupId]);
    // Shards 4 and 5 keep their logical IDs and properties inside ShardGroup0 when shard 6 joins them.
    for (const [id, resource] of Object.entries<any>(six.nested[groupId].Resources)) {
      expect({ id, resource: seven.nested[groupId].Resources[id] }).toEqual({ id, resource });
    }
  });

  test('shardsInParentStack keeps a stack deployed before shard groups existed as it is', () => {
    const six = synthShards(6, { ...rule, shardsInParentStack: 6 });
    expect(six.database.shardGroups).toHaveLength(0);
    expect(nestedStackIds(six.template)).toEqual([]);
    expect(Object.keys(shardResources(six.template, 5)).length).toBeGreaterThan(3);
  });

  test('the group sizes are checked', () => {
    expect(() => synthShards(2, { shardsPerGroup: 0 })).toThrow('ShardedPostgres: shardsPerGroup expects a whole number of 1 or more, got 0');
    expect(() => synthShards(2, { shardsInParentStack: 1.5 })).toThrow('ShardedPostgres: shardsInParentStack expects a whole number of 1 or more, got 1.5');
  });
});

describe('nested stacks as one view', () => {
  const parentTemplate = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key' },
      Group: { Type: NESTED_STACK_TYPE, Properties: { Parameters: { KeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } } },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Value: { 'Fn::GetAtt': ['Group', 'Outputs.DbRef'] } }] } },
    },
  };
  const child = {
    Parameters: { KeyArn: { Type: 'String' }, Size: { Type: 'Number', Default: 100 } },
    Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', DependsOn: 'Params', Properties: { KmsKeyId: { Ref: 'KeyArn' }, AllocatedStorage: { Ref: 'Size' }, DBParameterGroupName: { Ref: 'Params' }, Name: { 'Fn::Sub': '${Params}-${KeyArn}-${AWS::Region}' } } },
      Params: { Type: 'AWS::RDS::DBParameterGroup' },
    },
    Outputs: { DbRef: { Value: { Ref: 'Db' } } },
  };
  const flattened = flattenNestedStacks(parentTemplate, { Group: child });

  test('nested resources appear as <stack>/<id>, their references moved with them', () => {
    expect(Object.keys(flattened.Resources)).toEqual(['Key', 'Group', 'Group/Db', 'Group/Params', 'Alarm']);
    const db = flattened.Resources['Group/Db'];
    expect(db.DependsOn).toEqual(['Group/Params']);
    expect(db.Properties.DBParameterGroupName).toEqual({ Ref: 'Group/Params' });
  });

  test("parameters become what the parent passes (or their default); the parent's Outputs.X reads become the nested value", () => {
    const db = flattened.Resources['Group/Db'];
    expect(db.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': ['Key', 'Arn'] });
    expect(db.Properties.AllocatedStorage).toBe(100);
    expect(db.Properties.Name).toEqual({ 'Fn::Sub': ['${Group/Params}-${KeyArn}-${AWS::Region}', { KeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } }] });
    expect(flattened.Resources.Alarm.Properties.Dimensions[0].Value).toEqual({ Ref: 'Group/Db' });
  });

  test("deploy reads the deployed stack with its nested stacks' templates (found through the parent's resource)", async () => {
    const calls: string[] = [];
    const send = jest.spyOn(CloudFormationClient.prototype, 'send').mockImplementation((async (command: any) => {
      calls.push(`${command.constructor.name} ${command.input.StackName}${command.input.LogicalResourceId ? ` ${command.input.LogicalResourceId}` : ''}`);
      if (command instanceof GetTemplateCommand) return { TemplateBody: JSON.stringify(command.input.StackName === 'shop' ? parentTemplate : child) };
      if (command instanceof DescribeStackResourceCommand) return { StackResourceDetail: { PhysicalResourceId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/shop-Group-1/abc' } };
      throw new Error(`unexpected ${command.constructor.name}`);
    }) as any);
    try {
      const deployed = await sdkAwsApi('us-east-1').deployedTemplate('shop');
      expect(deployed).toEqual(flattened);
      expect(calls).toEqual(['GetTemplateCommand shop', 'DescribeStackResourceCommand shop Group', 'GetTemplateCommand arn:aws:cloudformation:us-east-1:123456789012:stack/shop-Group-1/abc']);
    } finally {
      send.mockRestore();
    }
  });

  test('a template without nested templates is returned as it is', () => {
    expect(flattenNestedStacks(parentTemplate, {})).toBe(parentTemplate);
  });
});

describe('the resource limit counts per stack', () => {
  test("CDK's refusal of a stack over 500 resources becomes a usage error naming the stack (exit 2)", () => {
    const cdkError = new Error("Number of resources in stack 'shop/Database/ShardGroup0': 512 is greater than allowed maximum of 500: AWS::RDS::DBInstance (128)");
    const usage = stackResourceLimitError(cdkError);
    expect(usage).toBeInstanceOf(UsageError);
    expect(usage!.message).toMatch(/^shop\/Database\/ShardGroup0: synthesizes 512 resources; CloudFormation allows 500 per stack/);
    expect(stackResourceLimitError(new Error('something else'))).toBeUndefined();
  });

  test('outputs over 200 in one stack are refused too', () => {
    expect(() => checkStackResourceCount('shop/ShardGroup0', 400, 201)).toThrow(/shop\/ShardGroup0: synthesizes 201 outputs; CloudFormation allows 200 per stack/);
    expect(() => checkStackResourceCount('shop/ShardGroup0', 499, 200)).not.toThrow();
  });
});
