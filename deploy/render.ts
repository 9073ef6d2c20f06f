import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Plan } from '../core/plan';
import type { StageName } from '../core/ladder';
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
 * `context` (the AWS stage options) applies to `forStage` only (every stage when omitted): the
 * options describe how that stage is deployed, so the other stages of a move render without them.
 */
export function synthRendererWith(context: Record<string, string>, forStage?: StageName): StageRenderer {
  return {
    awsTemplate(plan) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `stagekit-plan-${plan.stage}-`));
      try {
        const { app } = buildAwsApp(plan, { outdir, nag: false, context: forStage === undefined || plan.stage === forStage ? context : {} });
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
