/**
 * stagekit: growth-stage infrastructure for web products.
 *
 * The root entry point is the core (workload profile, sizing plan, stage ladder) and loads neither
 * aws-cdk-lib nor cdk8s. The constructs and blueprints are subpaths:
 *
 *   import { loadProfile, computePlan, STAGES } from 'stagekit';
 *   import { DatabaseShard, SqsWorkQueue } from 'stagekit/aws';       // aws-cdk-lib L3 constructs
 *   import { PostgresCluster, WebApp, QueueWorker } from 'stagekit/k8s'; // cdk8s constructs
 *   import { priceStage, priceTemplate } from 'stagekit/cost';
 */
export * from './core/index';
