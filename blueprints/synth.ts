import * as fs from 'fs';
import * as path from 'path';
import { Plan } from '../core/plan';
import { StageName } from '../core/ladder';
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
  // Synthesize beside the target and swap it in on success: a failed synth leaves the last good
  // output in place, and beside it only the validation report its error message points to.
  const staging = `${assemblyDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const { app } = buildAwsApp(plan, { outdir: staging, context: options.context });
    const artifact = app.synth().getStackByName(stackName(plan));
    const template = artifact.template; // read now: the artifact points into the staging directory
    fs.rmSync(assemblyDir, { recursive: true, force: true });
    fs.renameSync(staging, assemblyDir);
    return { target: 'aws', stage: plan.stage, assemblyDir, templateFile: path.join(assemblyDir, path.basename(artifact.templateFile)), template, milliseconds: performance.now() - started };
  } catch (err) {
    for (const entry of fs.existsSync(staging) ? fs.readdirSync(staging) : []) {
      if (entry !== 'validation-report.json') fs.rmSync(path.join(staging, entry), { recursive: true, force: true });
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
