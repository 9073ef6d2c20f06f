/**
 * The one renderer of a stage: a plan becomes the AWS cloud assembly (template) and the Kubernetes
 * objects (YAML), in memory or into a folder. The CLI builds it and hands it to cost and deploy
 * (they know only core's StageRenderer interface).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Plan } from '../core/plan';
import { k8sObjectsFileOf, k8sObjectsFileText } from '../core/k8s-objects-file';
import { checkStackResourceCount, stackResourceLimitError } from '../core/limits';
import { NestedTemplates, readNestedTemplates, stackTemplates } from '../core/nested-stacks';
import type { AwsAssembly, AwsRenderOptions, AwsRendering, K8sManifest, K8sRenderOptions, K8sRendering, StageRenderer } from '../core/rendering';

// Loaded on first use: aws-cdk-lib and cdk8s take seconds to load, and many commands never render.
const awsApp = () => require('./aws/app') as typeof import('./aws/app');
const k8sApp = () => require('./k8s/app') as typeof import('./k8s/app');

/**
 * Synthesizes the AWS app of a plan into `outdir` and returns the stack's artifact with its nested
 * stacks' templates. Every stack, nested ones too, must be under CloudFormation's limits: over them
 * is a usage error (exit 2) naming the stack.
 */
function synthesizeStack(plan: Plan, outdir: string, options: AwsRenderOptions) {
  const { buildAwsApp, stackName } = awsApp();
  const { app } = buildAwsApp(plan, { outdir, nag: options.nag, validate: options.validate, context: options.context });
  let artifact;
  // validate: false also through CDK_VALIDATION for the synth: aws-cdk-lib 2.270 (the lowest of the peer range)
  // has no builtinCloudFormationValidation App prop and runs its checks unless that variable says false.
  const savedValidation = process.env.CDK_VALIDATION;
  if (options.validate === false) process.env.CDK_VALIDATION = 'false';
  try {
    artifact = app.synth().getStackByName(stackName(plan));
  } catch (err) {
    throw stackResourceLimitError(err) ?? err;
  } finally {
    if (savedValidation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = savedValidation;
  }
  const template = artifact.template;
  const nestedTemplates: NestedTemplates = readNestedTemplates(template, outdir);
  for (const stack of stackTemplates(template, nestedTemplates)) {
    checkStackResourceCount(stack.path ? `${artifact.stackName}/${stack.path}` : artifact.stackName, Object.keys(stack.template.Resources ?? {}).length, Object.keys(stack.template.Outputs ?? {}).length);
  }
  return { artifact, template, nestedTemplates };
}

function renderAws(plan: Plan, options: AwsRenderOptions = {}): AwsRendering {
  const started = performance.now();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `stagekit-${plan.stage}-`));
  try {
    const { template, nestedTemplates } = synthesizeStack(plan, outdir, options);
    return { target: 'aws', stage: plan.stage, template, nestedTemplates, milliseconds: performance.now() - started };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function writeAws(plan: Plan, outDir: string, options: AwsRenderOptions = {}): AwsAssembly {
  const started = performance.now();
  const assemblyDir = path.join(outDir, 'aws', plan.stage);
  // Synthesize beside the target and swap it in on success: a failed synth leaves the last good
  // output in place, and beside it only the validation report its error message points to.
  const staging = `${assemblyDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    // Read now: the artifact points into the staging directory.
    const { artifact, template, nestedTemplates } = synthesizeStack(plan, staging, options);
    fs.rmSync(assemblyDir, { recursive: true, force: true });
    fs.renameSync(staging, assemblyDir);
    return {
      target: 'aws',
      stage: plan.stage,
      assemblyDir,
      templateFile: path.join(assemblyDir, path.basename(artifact.templateFile)),
      template,
      nestedTemplates,
      requiredBootstrapVersion: requiredBootstrapVersion(assemblyDir),
      milliseconds: performance.now() - started,
    };
  } catch (err) {
    for (const entry of fs.existsSync(staging) ? fs.readdirSync(staging) : []) {
      if (entry !== 'validation-report.json') fs.rmSync(path.join(staging, entry), { recursive: true, force: true });
    }
    throw err;
  }
}

/** The bootstrap stack version the assembly's stack asks for (deploy checks the account has it). */
function requiredBootstrapVersion(assemblyDir: string): number | undefined {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const artifact = Object.values<any>(manifest.artifacts ?? {}).find((candidate) => candidate.type === 'aws:cloudformation:stack');
  const required = artifact?.properties?.requiresBootstrapStackVersion;
  return typeof required === 'number' ? required : undefined;
}

function renderK8s(plan: Plan, options: K8sRenderOptions = {}): K8sRendering {
  const started = performance.now();
  // Stage options reach the Kubernetes rendering as they reach the AWS one (activeShards only matters with shards).
  const activeShards = plan.database && plan.database.shards > 1 ? options.activeShards : undefined;
  const rendered = k8sApp().renderK8s(plan, { activeShards });
  const milliseconds = performance.now() - started;
  // The YAML stays unwritten until someone reads it (see renderK8s).
  return {
    target: 'k8s',
    stage: plan.stage,
    objects: rendered.objects,
    get yaml() {
      return rendered.yaml;
    },
    milliseconds,
  };
}

function writeK8s(plan: Plan, outDir: string, options: K8sRenderOptions = {}): K8sManifest {
  const started = performance.now();
  const rendering = renderK8s(plan, options);
  const manifestFile = path.join(outDir, 'k8s', `${plan.stage}.k8s.yaml`);
  fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
  // The objects as JSON beside the manifest (core/k8s-objects-file.ts): pricing reads them without parsing YAML.
  const objectsFile = k8sObjectsFileOf(manifestFile);
  fs.writeFileSync(`${objectsFile}.partial`, k8sObjectsFileText(rendering.yaml, rendering.objects));
  fs.writeFileSync(`${manifestFile}.partial`, rendering.yaml);
  fs.renameSync(`${objectsFile}.partial`, objectsFile);
  fs.renameSync(`${manifestFile}.partial`, manifestFile);
  return { target: 'k8s', stage: plan.stage, yaml: rendering.yaml, objects: rendering.objects, manifestFile, objectsFile, milliseconds: performance.now() - started };
}

/** The renderer of stagekit's blueprints (cdk-nag on unless an AWS rendering asks otherwise). */
export function stageRenderer(): StageRenderer {
  return { aws: renderAws, k8s: renderK8s, writeAws, writeK8s };
}
