/**
 * Everything the report shows, computed once: the advice, every stage synthesized (or read from a
 * `stagekit synth --out DIR` directory) and priced once for AWS, EKS and each self-hosted provider,
 * and the bills along the advised path.
 */
import { advise, AdvisorOptions } from '../core/advisor';
import { computePlan } from '../core/plan';
import type { Profile } from '../core/profile';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { MigrationAssumptions, pathCosts, pricedStage, PathPricingOptions } from '../cost/path';
import { inRegion, stageArtifacts } from '../cost/stage';
import { SELF_HOSTED_PROVIDERS } from '../cost/k8s/self-hosted';
import type { ReportInput } from './build';

export interface PrepareOptions {
  readonly advisor?: AdvisorOptions;
  readonly pricing?: PathPricingOptions;
  readonly migration?: Partial<MigrationAssumptions>;
  readonly profileFile?: string;
  readonly onStage?: (stage: StageName) => void;
}

export function prepareReport(profile: Profile, options: PrepareOptions = {}): ReportInput {
  const pricing = options.pricing ?? {};
  const regional = inRegion(profile, pricing.region);
  const advice = advise(regional, options.advisor);
  const templates = new Map<StageName, any>();
  const ladder = STAGE_NAMES.map((stage) => {
    options.onStage?.(stage);
    const plan = computePlan(regional, stage);
    const { template, objects } = stageArtifacts(plan, pricing.from, pricing.renderer);
    templates.set(stage, template);
    return pricedStage(plan, template, objects, pricing, pricing.selfHostedProviders ?? SELF_HOSTED_PROVIDERS);
  });
  const costs = pathCosts(advice, ladder, { migration: options.migration, opsRateUsd: pricing.ops?.rateUsd });
  return { profile: regional, profileFile: options.profileFile, advice, costs, ladder, templates };
}
