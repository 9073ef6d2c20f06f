/**
 * The core of stagekit (`stagekit/plan`, also the root `stagekit` entry point): the workload profile,
 * the growth ladder, and the sizing plan both targets render. Loads neither aws-cdk-lib nor cdk8s.
 */
export { loadProfile, parseProfile, profileSchema, profileJsonSchema, DEFAULT_PROFILE_FILE, DEFAULT_APP_IMAGE, SUPPORTED_REGIONS, QUEUE_TECHNOLOGIES } from './profile';
export type { Profile, ProfileInput, SizingAssumptions, Region, QueueTechnology } from './profile';
export { computePlan, shardSizings } from './plan';
export type * from './plan';
export { STAGES, STAGE_NAMES, stageByName, reaches } from './ladder';
export type { Stage, StageName } from './ladder';
export { UsageError } from './errors';
