/**
 * Your stack, your network, your pager: a plain `new ec2.Vpc()` (public + private-with-egress
 * subnets, no isolated ones) and your own SNS topic. stagekit adds a Postgres shard with two read
 * replicas and a job queue to it; every alarm they create pages your topic.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { DatabaseShard, SqsWorkQueue } from 'stagekit/aws';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Shop', { env: { region: 'eu-central-1' } });

const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
const pager = new sns.Topic(stack, 'Pager', { displayName: 'shop on-call' });
pager.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));

const orders = new DatabaseShard(stack, 'Orders', {
  vpc,
  alarms: pager,
  readReplicas: 2,
  identifierPrefix: 'shop',
  deletionProtection: false,
});
const jobs = new SqsWorkQueue(stack, 'Jobs', { alarms: pager });

// Your own app tier would connect like this:
const appServers = new ec2.SecurityGroup(stack, 'AppServers', { vpc });
orders.allowFrom(appServers, 'app servers');

console.log(`${stack.stackName}: ${orders.alarms.length + jobs.alarms.length} alarms, replicas: ${orders.replicas.length}`);
app.synth();
