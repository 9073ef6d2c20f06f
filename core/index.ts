/**
 * The core of stagekit, the package's root entry point (`stagekit`, also `stagekit/plan`): the workload
 * profile, the growth ladder, and the sizing plan both targets render. Loads neither aws-cdk-lib nor cdk8s.
 * The constructs and blueprints are subpaths:
 *
 *   import { loadProfile, computePlan, STAGES } from 'stagekit';
 *   import { DatabaseShard, SqsWorkQueue } from 'stagekit/aws';          // aws-cdk-lib L3 constructs
 *   import { PostgresCluster, WebApp, QueueWorker } from 'stagekit/k8s'; // cdk8s constructs
 *   import { priceStage, priceTemplate } from 'stagekit/cost';
 */
export { loadProfile, parseProfile, profileSchema, profileJsonSchema, DEFAULT_PROFILE_FILE, DEFAULT_APP_IMAGE, SUPPORTED_REGIONS, QUEUE_TECHNOLOGIES } from './profile';
export type { Profile, ProfileInput, SizingAssumptions, Region, QueueTechnology } from './profile';
export { computePlan, shardSizings } from './plan';
export type * from './plan';
export { STAGES, STAGE_NAMES, stageByName, reaches } from './ladder';
export type { Stage, StageName } from './ladder';
export { UsageError } from './errors';
