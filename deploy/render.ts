import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Plan } from '../core/plan';
import { buildAwsApp, stackName } from '../blueprints/aws/app';
import { renderK8s } from '../blueprints/k8s/app';
import type { KubeObject } from './k8s/objects';

/** Renders a stage for comparison. Tests substitute the renderings globalSetup already made. */
export interface StageRenderer {
  awsTemplate(plan: Plan): any;
  k8sObjects(plan: Plan): KubeObject[];
}

/**
 * Renders in memory. The CloudFormation template is synthesized into a throw-away directory and
 * without cdk-nag: comparing two stages needs the template, not its review (deploy runs nag).
 */
export const synthRenderer: StageRenderer = synthRendererWith({});

/** The same, with CDK context (the AWS stage options) for the target stage's template. */
export function synthRendererWith(context: Record<string, string>): StageRenderer {
  return {
    awsTemplate(plan) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `stagekit-plan-${plan.stage}-`));
      try {
        const { app } = buildAwsApp(plan, { outdir, nag: false, context });
        return app.synth().getStackByName(stackName(plan)).template;
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    },
    k8sObjects(plan) {
      return renderK8s(plan).objects as KubeObject[];
    },
  };
}
