/**
 * stagekit's pricing engine: what a stage (or any CloudFormation template) costs a month on AWS managed
 * services, on EKS, and self-hosted on rented servers, from the committed price catalog, offline.
 *
 *   import { priceStage, diffStages, priceTemplate, diffBills } from './cost';
 *   import { stageRenderer } from './blueprints/render';
 *   const renderer = stageRenderer();
 *   const from = priceStage(profile, 'read-replicas', { renderer });
 *   const to = priceStage(profile, 'sharded', { renderer, provider: 'hetzner' });
 *   diffStages(from, to).providers.aws.diffTotalMonthlyCost;   // USD per month
 */
export { HOURS_PER_MONTH, PROVIDERS, notPriced } from './model';
export type { Bill, CostComponent, PricedResource, ProviderId, ResourceStatus } from './model';
export { diffBills } from './diff';
export type { BillDiff, ResourceDiff, ComponentDiff, Change } from './diff';
export { priceTemplate, withSupport, DEFAULT_NAT_SHARE } from './aws/engine';
export type { AwsPricingOptions } from './aws/engine';
export { readTemplateFile, readAssembly } from './aws/template';
export type { CfnTemplate, AssemblyStack } from './aws/template';
export { priceSelfHosted, SELF_HOSTED_PROVIDERS, PROVIDER_NAMES } from './k8s/self-hosted';
export type { SelfHostedPricingOptions } from './k8s/self-hosted';
export { priceEks } from './k8s/eks';
export type { EksPricingOptions } from './k8s/eks';
export { inventory } from './k8s/inventory';
export { planFleet } from './k8s/fleet';
export type { FleetPlan, FleetPool, FleetServerType, FleetLoadBalancer, FleetVolume, FleetObjectStorage, FleetControlPlane, FleetOptions } from './k8s/fleet';
export { DEFAULT_OPS, parseOpsHours } from './k8s/ops';
export type { OpsOptions } from './k8s/ops';
export { usageFromPlan } from './usage';
export type { UsageModel } from './usage';
export { priceArtifacts, priceStage, priceStages, priceLadder, diffStages, ladderSummary, inRegion } from './stage';
export type { PricingOptions, StageBills, StageDiff, LadderRow } from './stage';
export { billJson, stageJson, diffJson, stageDiffJson, ladderJson } from './render';
