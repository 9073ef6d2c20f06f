/**
 * Pricing stages: the plan of a stage, its AWS template and its Kubernetes objects → three bills (AWS managed
 * services, the Kubernetes rendering on EKS, and the same rendering self-hosted). `priceArtifacts` is pure
 * (no synthesis, no files) and is what the benchmark times; `priceStage` renders first (in memory, with the
 * renderer it is handed: pricing never imports the blueprints) or reads what `stagekit synth --out DIR` wrote.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../core/errors';
import { readK8sObjectsFile } from '../core/k8s-objects-file';
import { computePlan, Plan } from '../core/plan';
import type { DeployedSizes } from '../core/floor';
import type { Profile } from '../core/profile';
import type { StageRenderer } from '../core/rendering';
import { STAGE_NAMES, StageName } from '../core/ladder';
import { CommitmentTerm, loadCatalog, PriceCatalog, SupportPlan } from './catalog';
import type { FleetProvider, OwnedHardwareOptions } from './k8s/offers';
import { checkRegion, priceTemplate, withSupport } from './aws/engine';
import { readAssembly, readTemplateWithNested, CfnTemplate } from './aws/template';
import { flattenNestedStacks } from '../core/nested-stacks';
import { diffBills, BillDiff } from './diff';
import { priceEks } from './k8s/eks';
import { DEFAULT_OPS, opsLabour, OpsOptions } from './k8s/ops';
import { priceStageSelfHosted, PROVIDER_NAMES } from './k8s/self-hosted';
import { Bill, describeMissing, makeBill, MissingComponent, PROVIDERS, ProviderId, notPriced } from './model';
import { usageFromPlan } from './usage';

export interface PricingOptions {
  /** AWS region to price (and plan) in. @default the profile's region */
  readonly region?: string;
  /** Self-hosted provider: hetzner, hetzner-dedicated, ovh, scaleway or owned. @default 'hetzner' */
  readonly provider?: FleetProvider;
  /** Owned-hardware assumptions (with provider 'owned'). */
  readonly owned?: OwnedHardwareOptions;
  /** A specific self-hosted price list id, e.g. "hetzner-2026-01". */
  readonly priceList?: string;
  /** USD per EUR for self-hosted prices. @default the catalog's rate */
  readonly eurUsd?: number;
  /** Adds an AWS Support line to the AWS and EKS bills. */
  readonly support?: SupportPlan;
  /**
   * Prices the AWS managed bill at standard reserved rates (EC2, RDS, ElastiCache; no upfront) for this term; the
   * on-demand bill is kept next to it (`awsOnDemand`) for the ladder. @default on-demand
   */
  readonly commitment?: CommitmentTerm;
  readonly ops?: OpsOptions;
  /** Share of internet egress that goes through NAT gateways. @default 0.05 */
  readonly natShareOfEgress?: number;
  readonly catalog?: PriceCatalog;
  /** Read artifacts from this directory (as `stagekit synth --out DIR` writes them) instead of rendering. */
  readonly from?: string;
  /**
   * Renders the stages to price when `from` is not given: `stageRenderer()` from blueprints/render.ts.
   * @default none: give `from` or a renderer
   */
  readonly renderer?: StageRenderer;
  /** What is deployed (stagekit.lock.json): sizes are priced as max(planned, deployed). @default nothing deployed */
  readonly deployed?: DeployedSizes;
}

export interface StageBills {
  readonly stage: StageName;
  readonly plan: Plan;
  readonly providers: Record<ProviderId, Bill>;
  /** With a commitment: `providers.aws` is the committed bill and this is the same stage on-demand. */
  readonly awsOnDemand?: Bill;
  readonly commitment?: CommitmentTerm;
}

export interface StageDiff {
  readonly from: StageName;
  readonly to: StageName;
  readonly providers: Record<ProviderId, BillDiff>;
}

export interface LadderRow {
  readonly stage: StageName;
  /** The AWS managed total: at the commitment's reserved rates when `commitment` is set. */
  readonly aws: number;
  /** With a commitment: the same AWS bill on-demand (null when that bill is incomplete). */
  readonly awsOnDemand?: number | null;
  readonly commitment?: CommitmentTerm;
  readonly eks: number;
  readonly selfHosted: number;
  /** AWS managed ÷ self-hosted; null when either bill is incomplete (see `ratioWithheld`). */
  readonly ratio: number | null;
  /** Why no ratio is given: the bills it would divide left out a major component. */
  readonly ratioWithheld?: string;
  /** Per provider: false when a major component (database, cache, queue, app tier) could not be priced. */
  readonly complete: Record<ProviderId, boolean>;
  /** The major components each provider's bill left out, with the reason. */
  readonly missingMajor: Record<ProviderId, MissingComponent[]>;
  /** Providers whose bill has resources that could not be priced. */
  readonly incomplete: ProviderId[];
  /** What could not be priced, per provider: "Cluster/postgres", "AWS::S3::Bucket"... */
  readonly missing: Record<ProviderId, string[]>;
}

/** A profile re-targeted at another region (the plan and the AWS synth follow it). */
export function inRegion(profile: Profile, region: string | undefined): Profile {
  if (!region || region === profile.region) return profile;
  checkRegion(region);
  return { ...profile, region: region as Profile['region'] };
}

/** The three bills of a stage from already-synthesized artifacts. */
export function priceArtifacts(plan: Plan, template: CfnTemplate, objects: readonly any[], options: PricingOptions = {}): StageBills {
  const catalog = options.catalog ?? loadCatalog();
  const region = options.region ?? plan.region;
  const usage = usageFromPlan(plan);
  const ops = options.ops ?? DEFAULT_OPS;
  const awsBill = (commitment?: CommitmentTerm): Bill => {
    const bill = priceTemplate(template, { region, usage, catalog, natShareOfEgress: options.natShareOfEgress, stage: plan.stage, commitment });
    let labour: Bill['resources'][number];
    if (plan.server) {
      // The single server runs Postgres and Redis itself: someone operates them, as on the self-hosted bill.
      const own = opsLabour('server', [{ name: 'on the instance', kind: 'postgres' }, { name: 'on the instance', kind: 'redis' }], ops);
      labour = { ...own, note: `Postgres and Redis run on the instance, not as managed services: operated by you. ${own.note}` };
    } else {
      // Managed services still take some work: the same labour model at the managed rates.
      labour = managedLabour(template, ops);
    }
    const withLabour = makeBill({ ...bill, resources: [...bill.resources, labour] });
    return options.support ? withSupport(withLabour, options.support, catalog) : withLabour;
  };
  const aws = awsBill(options.commitment);
  const awsOnDemand = options.commitment ? awsBill() : undefined;
  let eks = priceEks(objects, { region, usage, ops, zones: plan.zones, catalog, natShareOfEgress: options.natShareOfEgress, stage: plan.stage });
  if (options.support) eks = withSupport(eks, options.support, catalog);
  // The fleet the self-hosted deploy provisions for this plan (planStageFleet), priced.
  const selfHosted = priceStageSelfHosted(plan, objects, { provider: options.provider, region, owned: options.owned, priceList: options.priceList, eurUsd: options.eurUsd, ops, catalog });
  return { stage: plan.stage, plan, providers: { aws, eks, 'self-hosted': selfHosted }, ...(awsOnDemand ? { awsOnDemand, commitment: options.commitment } : {}) };
}

/** Operations labour on the managed bill: per managed database, cache and Kafka cluster, per app instance, and an on-call rotation. */
export function managedLabour(template: CfnTemplate, ops: OpsOptions): ReturnType<typeof opsLabour> {
  const resources = Object.entries((template as any).Resources ?? {}) as [string, any][];
  const count = (re: RegExp, keep: (resource: any) => boolean = () => true) => resources.filter(([, r]) => re.test(String(r?.Type)) && keep(r));
  const postgres = [
    ...count(/^AWS::RDS::DBCluster$/),
    ...count(/^AWS::RDS::DBInstance$/, (r) => !r?.Properties?.SourceDBInstanceIdentifier && !r?.Properties?.DBClusterIdentifier),
  ];
  const caches = count(/^AWS::ElastiCache::(ReplicationGroup|CacheCluster|ServerlessCache)$/);
  const kafka = count(/^AWS::MSK::(Cluster|ServerlessCluster)$/);
  const instances =
    count(/^AWS::AutoScaling::AutoScalingGroup$/).reduce((n, [, r]) => n + (Number(r?.Properties?.MinSize) || 0), 0) + count(/^AWS::EC2::Instance$/).length;
  const labour = opsLabour('managed', [], ops, {
    managed: [
      { item: 'managed-postgres', name: `(${postgres.length} cluster(s))`, count: postgres.length },
      { item: 'managed-redis', name: `(${caches.length})`, count: caches.length },
      { item: 'managed-kafka', name: `(${kafka.length})`, count: kafka.length },
      { item: 'managed-instance', name: `(${instances} at the autoscaling minimum)`, count: instances },
    ],
    onCall: 'on-call-managed',
  });
  return { ...labour, note: `managed services at their lower rates: ${labour.note}` };
}

export interface StageArtifacts {
  readonly template: CfnTemplate;
  readonly objects: any[];
  /** Milliseconds spent rendering (0 when read from a directory). */
  readonly synthMilliseconds: number;
}

/**
 * The objects of a multi-document manifest: from the objects file `stagekit synth` wrote beside it when that
 * was written for this very text (core/k8s-objects-file.ts), else parsed from the YAML.
 */
export function readK8sObjects(file: string): any[] {
  const yaml = fs.readFileSync(file, 'utf8');
  return readK8sObjectsFile(file, yaml) ?? parseK8sYaml(yaml);
}

/** The objects of a multi-document YAML text (empty documents dropped). */
export function parseK8sYaml(yaml: string): any[] {
  // Loaded here only: the objects file spares most runs the YAML parser.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  return parseAllDocuments(yaml)
    .map((d) => d.toJS())
    .filter((o) => o !== null && o !== undefined);
}

/** The artifacts of a stage: read from `from` (stagekit synth's layout) or rendered in memory by `renderer`. */
export function stageArtifacts(plan: Plan, from: string | undefined, renderer: StageRenderer | undefined): StageArtifacts {
  if (from) {
    const awsDir = path.join(from, 'aws', plan.stage);
    const k8sFile = path.join(from, 'k8s', `${plan.stage}.k8s.yaml`);
    if (!fs.existsSync(awsDir) || !fs.existsSync(k8sFile)) {
      throw new UsageError(`--from ${from}: no ${plan.stage} artifacts (expected ${awsDir}/ and ${k8sFile}); run \`stagekit synth --all --out ${from}\` first`);
    }
    const stacks = readAssembly(awsDir);
    return { template: stacks[0].template, objects: readK8sObjects(k8sFile), synthMilliseconds: 0 };
  }
  if (!renderer) throw new Error(`pricing ${plan.stage} needs its renderings: give \`from\` (a directory \`stagekit synth\` wrote) or \`renderer\` (stageRenderer() from blueprints/render.ts)`);
  const aws = renderer.aws(plan);
  const k8s = renderer.k8s(plan);
  // Every resource is priced, the shard groups' nested stacks included.
  return { template: flattenNestedStacks(aws.template, aws.nestedTemplates), objects: k8s.objects, synthMilliseconds: aws.milliseconds + k8s.milliseconds };
}

/** Prices stages of a profile; `onStage` is told before each stage is rendered (for a spinner). */
export function priceStages(profile: Profile, stages: readonly StageName[], options: PricingOptions = {}, onStage?: (stage: StageName) => void): StageBills[] {
  const regional = inRegion(profile, options.region);
  return stages.map((stage) => {
    onStage?.(stage);
    const plan = computePlan(regional, stage, { deployed: options.deployed });
    const { template, objects } = stageArtifacts(plan, options.from, options.renderer);
    return priceArtifacts(plan, template, objects, options);
  });
}

/** The three bills of one stage: `priceStage(profile, 'sharded', { renderer: stageRenderer(), region: 'eu-central-1', provider: 'hetzner' })`. */
export function priceStage(profile: Profile, stage: StageName, options: PricingOptions = {}): StageBills {
  return priceStages(profile, [stage], options)[0];
}

/** Every stage of the ladder. */
export function priceLadder(profile: Profile, options: PricingOptions = {}, onStage?: (stage: StageName) => void): StageBills[] {
  return priceStages(profile, STAGE_NAMES, options, onStage);
}

/** The change from one stage's bills to another's, per provider. */
export function diffStages(from: StageBills, to: StageBills): StageDiff {
  const providers = Object.fromEntries(PROVIDERS.map((provider) => [provider, diffBills(from.providers[provider], to.providers[provider])])) as Record<ProviderId, BillDiff>;
  return { from: from.stage, to: to.stage, providers };
}

/** Stage × provider totals with the managed / self-hosted ratio. */
export function ladderSummary(stages: readonly StageBills[]): LadderRow[] {
  return stages.map((bills) => {
    const aws = bills.providers.aws.totalMonthlyCost;
    const selfHosted = bills.providers['self-hosted'].totalMonthlyCost;
    const complete = Object.fromEntries(PROVIDERS.map((p) => [p, bills.providers[p].complete])) as Record<ProviderId, boolean>;
    const holes = (['aws', 'self-hosted'] as ProviderId[]).filter((p) => !complete[p]);
    return {
      stage: bills.stage,
      aws,
      ...(bills.awsOnDemand ? { awsOnDemand: bills.awsOnDemand.complete ? bills.awsOnDemand.totalMonthlyCost : null, commitment: bills.commitment } : {}),
      eks: bills.providers.eks.totalMonthlyCost,
      selfHosted,
      ratio: selfHosted > 0 && !holes.length ? aws / selfHosted : null,
      ...(holes.length ? { ratioWithheld: holes.map((p) => `${p === 'aws' ? 'AWS' : 'self-hosted'} bill incomplete: ${describeMissing(bills.providers[p].missing)}`).join('; ') } : {}),
      complete,
      missingMajor: Object.fromEntries(PROVIDERS.map((p) => [p, bills.providers[p].missing])) as Record<ProviderId, MissingComponent[]>,
      incomplete: PROVIDERS.filter((provider) => notPriced(bills.providers[provider]).length > 0),
      // CloudFormation logical IDs say little out of context: name AWS resources by type, Kubernetes objects by kind/name.
      missing: Object.fromEntries(PROVIDERS.map((provider) => [provider, notPriced(bills.providers[provider]).map((resource) => (provider === 'aws' ? resource.resourceType : resource.name))])) as Record<ProviderId, string[]>,
    };
  });
}

/** Bills of a template file or a cloud assembly (one per stack). */
export function templateSources(options: { template?: string; assembly?: string }): { name: string; template: CfnTemplate; region?: string }[] {
  if (options.template) return [{ name: path.basename(options.template), template: readTemplateWithNested(options.template) }];
  if (options.assembly) return readAssembly(options.assembly).map((s) => ({ name: s.stackName, template: s.template, region: s.region }));
  throw new UsageError('give --template FILE or --assembly DIR');
}

export { PROVIDER_NAMES };
