/**
 * `deploy --dry-run`: the exact actions a deploy would take, printed without credentials or a
 * cluster. The commands come from the same constants and functions the real deploy runs.
 */
import type { Plan } from '../core/plan';
import { BOOTSTRAP_STACK } from './aws/deploy-aws';
import { isStatefulResourceType } from './aws/safety';
import { APPLY_ARGS } from './k8s/deploy-k8s';
import { operatorCatalog, requiredApis } from './k8s/discovery';
import { Kubectl } from './k8s/kubectl';
import { APPLY_PHASE_TITLES, APPLY_PHASES, ApplyPhase, apiGroup, describeObject, KubeObject, objectsByPhase } from './k8s/objects';
import { hasReadinessRule, readinessCriterion } from './k8s/readiness';
import { RECORD_NAME } from './k8s/record';
import { secretsToGenerate } from './k8s/secrets';
import { formatDuration } from './io';

export interface DryRunCommon {
  readonly plan: Plan;
  readonly profileFile: string;
  readonly timeoutMs: number;
  readonly allowDataLoss: boolean;
  readonly yes: boolean;
}



export function awsDryRun(opts: DryRunCommon & { stackName: string; template: any; assemblyDir: string; requiredBootstrapVersion?: number }): string[] {
  const { plan } = opts;
  const resources = Object.entries<any>(opts.template.Resources ?? {});
  const byType = new Map<string, number>();
  for (const [, resource] of resources) byType.set(resource.Type, (byType.get(resource.Type) ?? 0) + 1);
  const stateful = resources.filter(([, r]) => isStatefulResourceType(r.Type));
  let stepNumber = 0;
  const step = (text: string) => `  ${++stepNumber}. ${text}`;
  return [
    `Dry run: deploy ${plan.stage} of ${plan.product} to AWS with the CDK toolkit (engine cdk). Nothing is contacted; no credentials are needed.`,
    '',
    'Preflight',
    step('Resolve AWS credentials through the SDK default chain (environment, AWS_PROFILE and ~/.aws, IAM Identity Center, instance/task/web-identity role) and call sts:GetCallerIdentity; stop with exit 5 if missing or rejected.'),
    step(`Region ${plan.region}, from the profile ${opts.profileFile}.`),
    step(`cloudformation:DescribeStacks ${BOOTSTRAP_STACK} in ${plan.region}: it must exist with BootstrapVersion >= ${opts.requiredBootstrapVersion ?? 'the version the assembly requires'} (else exit 5: npx cdk bootstrap aws://ACCOUNT/${plan.region}).`),
    'Safety',
    step(`cloudformation:DescribeStacks ${opts.stackName}: not busy, not ROLLBACK_COMPLETE; the deployed stage from its stagekit:stage tag.`),
    step(`cloudformation:GetTemplate ${opts.stackName} (Original), compared with the new template by statefulRisks: a stateful resource replaced or destroyed stops the deploy with exit 3${opts.allowDataLoss ? ' (--allow-data-loss given: it goes on, with a warning)' : ' unless --allow-data-loss'}. Identical templates: "up to date", exit 0.`),
    step('Monthly cost delta from the cost module; the runbook\u2019s "before" steps when the stage changes.'),
    step(opts.yes ? 'Confirmation: given by --yes.' : 'Confirmation on the terminal; without a terminal and without --yes, stop with exit 4.'),
    'Deploy',
    step(
      `CDK toolkit (toolkit-lib): create a change set for stack ${opts.stackName} from the cloud assembly ${opts.assemblyDir}; if it would replace or delete a stateful resource not accepted above, discard it and stop with exit 3; else execute it and follow the stack events (timeout ${formatDuration(opts.timeoutMs)}: exit 7, CloudFormation goes on).`,
    ),
    step('Report outputs, resources CloudFormation could not delete, and the runbook\u2019s "after" steps.'),
    '',
    `Template: ${resources.length} resources`,
    ...[...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, count]) => `  ${String(count).padStart(3)}  ${type}`),
    '',
    'Stateful resources and what CloudFormation does with them on removal / replacement:',
    ...(stateful.length
      ? stateful.map(([id, r]) => `  ${id} (${r.Type}): DeletionPolicy ${r.DeletionPolicy ?? 'Delete'}, UpdateReplacePolicy ${r.UpdateReplacePolicy ?? 'Delete'}`)
      : ['  none']),
  ];
}

export function k8sDryRun(opts: DryRunCommon & { objects: KubeObject[]; kubectl: Kubectl; context?: string; until?: ApplyPhase }): string[] {
  const { plan, kubectl } = opts;
  const ns = plan.product;
  const cmd = (args: readonly string[]) => kubectl.commandLine(args);
  const phases = objectsByPhase(opts.objects).filter((p) => !opts.until || APPLY_PHASES.indexOf(p.phase) <= APPLY_PHASES.indexOf(opts.until));
  const applied = phases.flatMap((p) => p.objects);
  const apis = requiredApis(opts.objects);
  const operators = [...new Set(apis.map((a) => operatorCatalog().get(apiGroup(a.apiVersion))).filter((o) => o !== undefined).map((o) => `${o!.title} ${o!.version}`))];
  const secrets = secretsToGenerate(opts.objects);
  let stepNumber = 0;
  const step = (text: string, command?: readonly string[]) => `  ${++stepNumber}. ${text}${command ? `\n       $ ${cmd(command)}` : ''}`;
  const lines = [
    `Dry run: deploy ${plan.stage} of ${plan.product} to Kubernetes with kubectl server-side apply (engine cdk). Nothing is contacted; no cluster is needed.`,
    '',
    'Preflight',
    step('kubectl is installed (exit 5 if not).', ['version', '--client', '-o', 'json']),
    opts.context ? step(`Context ${opts.context} (from --context).`) : step('A context is selected (exit 5 if not).', ['config', 'current-context']),
    step('The API server answers within 5 s, with credentials it accepts (exit 5 if not).', ['version', '-o', 'json', '--request-timeout=5s']),
    step(
      `The cluster serves every kind the manifest uses (${apis.length}): ${apis.map((a) => `${a.apiVersion} ${a.kind}`).join(', ')}${operators.length ? `; operators: ${operators.join(', ')}` : ''} (exit 5 naming the operator to install if not).`,
      ['api-resources'],
    ),
    'Safety',
    step(`Namespace ${ns} exists?`, ['get', 'namespace', ns, '-o', 'name', '--ignore-not-found']),
    step(`The last deploy\u2019s record (stage and manifest), compared object by object: stateful objects removed or changed in immutable fields stop the deploy with exit 3${opts.allowDataLoss ? ' (data loss allowed by --allow-data-loss; rejected changes still stop it)' : ''}.`, ['get', 'configmap', RECORD_NAME, '-n', ns, '-o', 'json', '--ignore-not-found']),
    step(`When the namespace exists: a server-side dry run of the ${applied.length} objects; a change the API server rejects stops the deploy with exit 3.`, [...APPLY_ARGS, '--dry-run=server', '-f', '-']),
    step('Monthly cost delta from the cost module; the runbook\u2019s "before" steps when the stage changes.'),
    step(opts.yes ? 'Confirmation: given by --yes.' : 'Confirmation on the terminal; without a terminal and without --yes, stop with exit 4.'),
    'Apply (in dependency order; a failed phase stops with exit 6)',
    step('Live versions before, to report created / updated / unchanged.', ['get', '-f', '-', '-o', 'json', '--ignore-not-found']),
  ];
  let secretsListed = false;
  for (const { phase, objects } of phases) {
    if (phase !== 'namespace' && !secretsListed) {
      for (const secret of secrets) lines.push(step(`Secret ${ns}/${secret.name} (${secret.purpose}): created with a random value if absent, never overwritten.`, ['create', '-f', '-']));
      secretsListed = true;
    }
    lines.push(step(`Phase "${phase}": ${APPLY_PHASE_TITLES[phase]}`, [...APPLY_ARGS, '-o', 'json', '-f', '-']));
    for (const kubeObject of objects) lines.push(`         ${describeObject(kubeObject)} (${kubeObject.apiVersion})`);
    if (phase === 'data' && objects.some(hasReadinessRule)) lines.push(step('Wait until the data services are ready before applying what connects to them (see Readiness).'));
  }
  if (!opts.until) lines.push(step(`Record this deploy: ConfigMap ${ns}/${RECORD_NAME} (stage, profile, gzipped manifest).`, [...APPLY_ARGS, '-f', '-']));
  const waited = applied.filter(hasReadinessRule);
  lines.push(`Readiness (timeout ${formatDuration(opts.timeoutMs)} for the whole deploy: exit 7 when it runs out)`);
  if (waited.length) {
    lines.push(step('Poll every 5 s until ready:', ['get', '-f', '-', '-o', 'json']));
    for (const kubeObject of waited) lines.push(`         ${describeObject(kubeObject)}: ${readinessCriterion(kubeObject)}`);
  } else {
    lines.push('  nothing to wait for');
  }
  lines.push('Result', '  Created / updated / unchanged objects; objects of the previous stage no longer rendered are listed and left in place (no prune).');
  if (opts.until) lines.push(`  Stops after phase "${opts.until}" (--until): no record is written; deploy again without --until to finish.`);
  return lines;
}
