/** `deploy --engine pulumi --dry-run`: the Automation API steps and the resources the program declares, without Pulumi or a cluster. */
import { DryRunCommon } from '../dry-run';
import { formatDuration } from '../io';
import { apiGroup, APPLY_PHASE_TITLES, describeObject, KubeObject, objectsByPhase } from '../k8s/objects';
import { secretsToGenerate } from '../k8s/secrets';
import { PULUMI_PROJECT } from './engine';
import { secretConfigKey, WAIT_FOR } from './stage-input';

export function pulumiDryRun(opts: DryRunCommon & { objects: KubeObject[]; context?: string }): string[] {
  const { plan } = opts;
  const secrets = secretsToGenerate(opts.objects);
  let stepNumber = 0;
  const step = (text: string) => `  ${++stepNumber}. ${text}`;
  const lines = [
    `Dry run: deploy ${plan.stage} of ${plan.product} to Kubernetes with Pulumi (Automation API, inline program deploy/pulumi/program.ts). Nothing is contacted.`,
    '',
    'Preflight',
    step('Find the pulumi CLI on PATH or in ~/.pulumi/bin (exit 5 if missing, with install instructions).'),
    step('With kubectl available: the same cluster and operator checks as the kubectl engine (exit 5 naming what is missing).'),
    step(`LocalWorkspace.createOrSelectStack: project ${PULUMI_PROJECT}, stack ${plan.product}, on the backend pulumi is logged in to (PULUMI_BACKEND_URL).`),
    ...secrets.map((s) => step(`Stack config ${secretConfigKey(s.name)} (secret): set once to a random value if absent (${s.purpose}).`)),
    'Safety',
    step(`pulumi preview: a stateful object deleted or replaced stops the deploy with exit 3${opts.allowDataLoss ? ' (allowed by --allow-data-loss)' : ' unless --allow-data-loss'}. Pulumi deletes objects that leave the rendering (kubectl deploy leaves them).`),
    step(opts.yes ? 'Confirmation: given by --yes.' : 'Confirmation on the terminal; without a terminal and without --yes, stop with exit 4.'),
    'Deploy',
    step(`pulumi up (timeout ${formatDuration(opts.timeoutMs)}: cancel and exit 7), failure exit 6. Resources, each depending on the one before:`),
    `       kubernetes:Provider cluster (context ${opts.context ?? 'current'}, server-side apply)`,
  ];
  let secretsListed = false;
  for (const { phase, objects } of objectsByPhase(opts.objects)) {
    if (phase !== 'namespace' && !secretsListed) {
      for (const secret of secrets) lines.push(`       kubernetes:core/v1:Secret ${plan.product}-${secret.name} (from stack config, retained on delete)`);
      secretsListed = true;
    }
    lines.push(`       kubernetes:yaml/v2:ConfigGroup ${plan.product}-${phase}: ${APPLY_PHASE_TITLES[phase]}`);
    for (const kubeObject of objects) {
      const waitFor = WAIT_FOR[`${apiGroup(kubeObject.apiVersion)}/${kubeObject.kind}`];
      lines.push(`         ${describeObject(kubeObject)} (${kubeObject.apiVersion})${waitFor ? `, waits for ${waitFor}` : ''}`);
    }
  }
  return lines;
}
