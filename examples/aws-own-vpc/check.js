// Asserts on what `app.js` synthesized: the user's alarms page the user's topic, the shard sits in the
// user's VPC, and only one aws-cdk-lib is installed (a second copy makes instanceof checks fail silently).
const assert = require('assert');
const fs = require('fs');
const { execFileSync } = require('child_process');

const template = JSON.parse(fs.readFileSync('cdk.out/Shop.template.json', 'utf8'));
const resources = Object.entries(template.Resources);
const ofType = (type) => resources.filter(([, r]) => r.Type === type);

const topics = ofType('AWS::SNS::Topic');
assert.strictEqual(topics.length, 1, `expected only the user's topic, got ${topics.map(([id]) => id)}`);
const [pagerId] = topics[0];
assert.match(pagerId, /^Pager/);

const alarms = ofType('AWS::CloudWatch::Alarm');
assert.ok(alarms.length >= 5, `expected the shard's and the queue's alarms, got ${alarms.length}`);
for (const [id, alarm] of alarms) {
  assert.deepStrictEqual(alarm.Properties.AlarmActions, [{ Ref: pagerId }], `${id} does not page the user's topic`);
  assert.deepStrictEqual(alarm.Properties.OKActions, [{ Ref: pagerId }], `${id} does not send its recovery to the user's topic`);
}
assert.ok(alarms.some(([, a]) => a.Properties.MetricName === 'ReplicaLag'), 'no replica lag alarm');
assert.ok(alarms.some(([, a]) => a.Properties.MetricName === 'ApproximateAgeOfOldestMessage'), 'no queue age alarm');

const instances = ofType('AWS::RDS::DBInstance');
assert.strictEqual(instances.length, 3, 'primary + 2 read replicas');
const subnetGroups = ofType('AWS::RDS::DBSubnetGroup');
assert.strictEqual(subnetGroups.length, 1);
for (const ref of subnetGroups[0][1].Properties.SubnetIds) assert.match(ref.Ref, /^VpcPrivateSubnet/, 'the shard must sit in the VPC\'s private subnets');
assert.strictEqual(ofType('AWS::EC2::VPC').length, 1, 'stagekit must not create a VPC of its own');
assert.strictEqual(ofType('AWS::SQS::Queue').length, 2, 'job queue + dead-letter queue');

const ls = execFileSync('npm', ['ls', 'aws-cdk-lib', '--all', '--parseable'], { encoding: 'utf8' }).trim().split('\n');
const copies = [...new Set(ls.filter(Boolean))];
assert.strictEqual(copies.length, 1, `expected one aws-cdk-lib, got:\n${copies.join('\n')}`);
const version = require('aws-cdk-lib/package.json').version;
console.log(`aws-own-vpc: ${alarms.length} alarms page the user's topic ${pagerId}; ${instances.length} DB instances in the user's VPC; one aws-cdk-lib (${version})`);
