/**
 * stagekit's AWS constructs (`stagekit/aws`): L3 constructs for aws-cdk-lib apps. Each one works in
 * your own stack with your own VPC, alarm topic and security groups, or creates them with secure
 * defaults. See docs/constructs.md for an example, the defaults and what each creates.
 */
export * from './alarm-topic';
export * from './cache-cluster';
export * from './database-shard';
export * from './instance-fleet';
export * from './kafka-pipeline';
export * from './network';
export * from './reader-endpoint';
export * from './sharded-postgres';
export * from './single-server';
export * from './slo-alarms';
export * from './sqs-work-queue';
export * from './stage-observability';
export * from './web-tier';
export * from './worker-fleet';
export { acknowledge } from './nag';
