import * as fs from 'fs';
import * as path from 'path';
import { computePlan, Plan } from '../core/plan';
import { Profile } from '../core/profile';
import { StageName } from '../stages/ladder';
import { buildAwsApp, stackName } from './aws/app';
import { renderK8s } from './k8s/app';

export const TARGETS = ['aws', 'k8s'] as const;
export type Target = (typeof TARGETS)[number];

export interface AwsSynthResult {
  readonly target: 'aws';
  readonly stage: StageName;
  /** The cloud assembly directory (usable with `cdk deploy --app DIR` and `stagekit cost --assembly`). */
  readonly assemblyDir: string;
  readonly templateFile: string;
  readonly template: any;
  readonly milliseconds: number;
}

export interface K8sSynthResult {
  readonly target: 'k8s';
  readonly stage: StageName;
  readonly manifestFile: string;
  readonly objects: any[];
  readonly milliseconds: number;
}

export type SynthResult = AwsSynthResult | K8sSynthResult;

/**
 * Synthesizes the AWS rendering of a plan into `outDir/aws/<stage>/` (a cloud assembly).
 * cdk-nag runs as a validation plugin: an unacknowledged finding throws here.
 */
export function synthAws(plan: Plan, outDir: string, options: { context?: Record<string, string> } = {}): AwsSynthResult {
  const started = performance.now();
  const assemblyDir = path.join(outDir, 'aws', plan.stage);
  fs.rmSync(assemblyDir, { recursive: true, force: true });
  try {
    const { app } = buildAwsApp(plan, { outdir: assemblyDir, context: options.context });
    const artifact = app.synth().getStackByName(stackName(plan));
    return { target: 'aws', stage: plan.stage, assemblyDir, templateFile: path.join(assemblyDir, artifact.templateFile), template: artifact.template, milliseconds: performance.now() - started };
  } catch (err) {
    // Leave no half-written assembly; keep only the validation report the error message points to.
    for (const entry of fs.existsSync(assemblyDir) ? fs.readdirSync(assemblyDir) : []) {
      if (entry !== 'validation-report.json') fs.rmSync(path.join(assemblyDir, entry), { recursive: true, force: true });
    }
    throw err;
  }
}

/** Synthesizes the Kubernetes rendering of a plan into `outDir/k8s/<stage>.k8s.yaml`. */
export function synthK8s(plan: Plan, outDir: string): K8sSynthResult {
  const started = performance.now();
  const { yaml, objects } = renderK8s(plan);
  const manifestFile = path.join(outDir, 'k8s', `${plan.stage}.k8s.yaml`);
  fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
  fs.writeFileSync(`${manifestFile}.partial`, yaml);
  fs.renameSync(`${manifestFile}.partial`, manifestFile);
  return { target: 'k8s', stage: plan.stage, manifestFile, objects, milliseconds: performance.now() - started };
}

export function synthStage(profile: Profile, stage: StageName, target: Target, outDir: string): SynthResult {
  const plan = computePlan(profile, stage);
  return target === 'aws' ? synthAws(plan, outDir) : synthK8s(plan, outDir);
}
