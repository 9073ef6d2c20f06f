/**
 * `stagekit deploy --target self-hosted --dry-run`: the exact provisioning, platform and stage actions,
 * from the same layout, program facts, platform phases and kubectl dry run the real deploy uses.
 * Needs neither Hetzner credentials, nor the pulumi CLI, nor a cluster.
 */
import type { Platform } from '../../platform/builder';
import { platformPhases } from '../../platform/builder';
import { DryRunCommon, k8sDryRun } from '../dry-run';
import { formatDuration } from '../io';
import { APPLY_ARGS } from '../k8s/deploy-k8s';
import { describeObject, KubeObject } from '../k8s/objects';
import { Kubectl, systemKubectl } from '../k8s/kubectl';
import { METADATA_ADDRESS, POD_CIDR } from './cloud-init';
import { kubeconfigPath, knownHostsPath, K3S_KUBECONFIG } from './kubeconfig';
import { HcloudLayout, INGRESS_NODE_PORTS, NETWORK, PULUMI_HCLOUD_PROJECT } from './layout';
import { loadBalancerTargets } from './lb-targets';
import { CLUSTER_SECRET_KEYS, CLUSTER_SECRET_PURPOSES } from './secrets';
import { gib, plural } from './explain';

export interface SelfHostedDryRunInput extends DryRunCommon {
  readonly layout: HcloudLayout;
  readonly platform: Platform;
  readonly stageObjects: KubeObject[];
}

export { kubeconfigPath };

export function selfHostedDryRun(opts: SelfHostedDryRunInput): string[] {
  const { plan, layout, platform } = opts;
  let stepNumber = 0;
  const step = (text: string, command?: string) => `  ${++stepNumber}. ${text}${command ? `\n       $ ${command}` : ''}`;
  const kubeconfig = kubeconfigPath(layout.product);
  const kubectl = systemKubectl({ kubeconfig });
  const api = layout.servers.find((s) => s.clusterInit)!;
  const lines: string[] = [
    `Dry run: deploy ${plan.stage} of ${plan.product} to Hetzner Cloud: provisioning (Pulumi, @pulumi/hcloud), then the platform, then the stage (kubectl server-side apply). Nothing is contacted; no token, pulumi CLI or cluster is needed.`,
    '',
    'Preflight',
    step('HCLOUD_TOKEN is set (a Hetzner Cloud API token, read & write); the Hetzner provider reads it from the environment, it is never written to the stack (exit 5 if missing).'),
    step('The pulumi CLI is on PATH or in ~/.pulumi/bin, logged in to a backend (exit 5 if missing).', 'pulumi version'),
    step('kubectl is installed (exit 5 if missing).', kubectl.commandLine(['version', '--client', '-o', 'json'])),
    step('An OpenSSH client is installed (exit 5 if missing): the kubeconfig is read over SSH.', 'ssh -V'),
    step(`The Kubernetes API and SSH are open to ${layout.firewallRules.find((r) => r.port === '6443')?.sourceIps.join(', ') ?? 'nobody (no --api-allow: exit 2)'} (--api-allow).`),
    step(`Lay out the fleet plan the self-hosted bill prices (${layout.fleet.providerName}, price list ${layout.fleet.priceList}); a pod no Hetzner Cloud server type holds stops here with exit 5.`),
    step(
      `Pulumi stack ${layout.product} of project ${PULUMI_HCLOUD_PROJECT} (created if absent); stack secrets generated at random if absent, stored encrypted: ${(Object.keys(CLUSTER_SECRET_KEYS) as (keyof typeof CLUSTER_SECRET_KEYS)[]).map((name) => `${CLUSTER_SECRET_KEYS[name]} (${CLUSTER_SECRET_PURPOSES[name]})`).join(', ')}.`,
    ),
    'Safety',
    step('The layout deployed last (the stack\u2019s outputs), compared server by server: a data-holding server deleted or moved to another location stops the deploy with exit 3' + (opts.allowDataLoss ? ' (--allow-data-loss given: it goes on, with a warning)' : ' unless --allow-data-loss') + '; a resize in place is a note.'),
    step('pulumi preview: a data-holding server (label stagekit.dev/holds-data=true) that Pulumi would delete or replace is added to the same check.'),
    step('Monthly cost delta from the cost module (EKS and self-hosted bills of both stages).'),
    step(opts.yes ? 'Confirmation: given by --yes.' : 'Confirmation on the terminal; without a terminal and without --yes, stop with exit 4.'),
    `Provision (pulumi up; timeout ${formatDuration(opts.timeoutMs)} for the whole deploy: exit 7, Pulumi is asked to cancel)`,
    ...provisioningSteps(layout).map((s) => step(s)),
    'Platform',
    step(
      `Read ${K3S_KUBECONFIG} from ${api.name} over SSH (root, the stack\u2019s key; host key trusted on first use and pinned in ${knownHostsPath(layout.product)}), retried every 10 s while cloud-init runs; point it at https://<${api.name} public IPv4>:6443 and write ${kubeconfig} (mode 0600).`,
      `ssh -i <stack key> -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHostsPath(layout.product)} root@<${api.name} public IPv4> cat ${K3S_KUBECONFIG}`,
    ),
  ];
  const platformLines = platformDryRun(platform, kubectl, { onlyMissing: false, firstStep: stepNumber + 1 });
  lines.push(...platformLines);
  lines.push(`Stage ${plan.stage} (the --target k8s deploy against ${kubeconfig}; confirmation already given)`);
  const stage = k8sDryRun({ ...opts, yes: true, objects: opts.stageObjects, kubectl });
  // The k8s dry run's own steps, indented under this section (its title line dropped).
  lines.push(...stage.slice(2).map((l) => (l ? `  ${l}` : l)));
  return lines;
}

/** The resources `pulumi up` creates, in the program's order, with the layout's names and sizes. */
export function provisioningSteps(layout: HcloudLayout): string[] {
  const open = layout.firewallRules.map((r) => `${r.port}/${r.protocol} from ${r.sourceIps.join(', ')}`).join('; ');
  const steps = [
    `hcloud.Network ${layout.product} ${NETWORK.ipRange} (delete-protected), subnets ${NETWORK.nodes} (nodes) and ${NETWORK.loadBalancers} (load balancers) in ${layout.networkZone}.`,
    `hcloud.PlacementGroup (spread) × ${layout.placementGroups.length}: ${layout.placementGroups.join(', ')}.`,
    `hcloud.Firewall ${layout.product}-nodes: inbound ${open}; nothing else.`,
    `hcloud.SshKey ${layout.product}-deploy: the public half of the stack\u2019s ${CLUSTER_SECRET_KEYS.sshPrivateKey}, on every server (password logins off).`,
  ];
  const targets = loadBalancerTargets(layout);
  const behind = (server: string) => layout.loadBalancers.filter((lb) => targets.get(lb.name)!.includes(server)).map((lb) => lb.name);
  for (const server of layout.servers) {
    steps.push(
      `hcloud.Server ${server.name}: ${server.serverType} in ${server.location}, ${server.privateIp}, ${server.role === 'control-plane' ? (server.clusterInit ? 'k3s server (initialises etcd)' : 'k3s server (joins etcd)') : 'k3s agent'}, pool ${server.pool}${server.holdsData ? ', holds data (delete- and rebuild-protected)' : ''}${behind(server.name).length ? `, behind ${behind(server.name).join(', ')}` : ''}; user data a Pulumi secret (${server.role === 'control-plane' ? 'server and agent tokens' : 'the agent token only'}; pods blocked from ${METADATA_ADDRESS} by a host rule on ${POD_CIDR}).`,
    );
  }
  for (const lb of layout.loadBalancers) {
    const share = targets.get(lb.name)!.length;
    steps.push(
      `hcloud.LoadBalancer ${lb.name}: ${lb.type} in ${lb.location} (${lb.fronts}), targets label ${lb.label}=true over the private network: ${plural(share, `${lb.pool} server`)} of ${lb.targetServers.length} (each server behind exactly one balancer, spread over locations; checked against the type\u2019s target limit), 80 -> ${INGRESS_NODE_PORTS.http} and 443 -> ${INGRESS_NODE_PORTS.https} (TCP health checks).`,
    );
  }
  steps.push(`Volumes: none by Pulumi; the Hetzner CSI driver creates ${plural(layout.volumes, 'volume')} (${gib(layout.volumeGiB)}) as the stage\u2019s claims bind.`);
  return steps;
}

/** Objects by kind, one line per kind with its names (long lists cut). */
function summarizeObjects(objects: readonly KubeObject[]): string[] {
  const byKind = new Map<string, KubeObject[]>();
  for (const kubeObject of objects) byKind.set(`${kubeObject.kind} (${kubeObject.apiVersion})`, [...(byKind.get(`${kubeObject.kind} (${kubeObject.apiVersion})`) ?? []), kubeObject]);
  return [...byKind].map(([kind, list]) => {
    const names = list.map((o) => describeObject(o).replace(/^\S+ /, ''));
    return `${list.length} × ${kind}: ${names.slice(0, 6).join(', ')}${names.length > 6 ? `, … ${names.length - 6} more` : ''}`;
  });
}

/**
 * The platform install's steps: which add-ons the cluster serves, then each apply phase with its objects,
 * the Secrets and the waits (platform-install.ts installPlatform). `onlyMissing`: --install-platform on an
 * existing cluster installs only the add-ons it does not serve, after asking.
 */
export function platformDryRun(platform: Platform, kubectl: Kubectl, options: { onlyMissing: boolean; firstStep?: number }): string[] {
  let stepNumber = (options.firstStep ?? 1) - 1;
  const step = (text: string, command?: string) => `  ${++stepNumber}. ${text}${command ? `\n       $ ${command}` : ''}`;
  const lines: string[] = [
    options.onlyMissing
      ? step(`--install-platform: which of the ${platform.addons.length} add-ons the cluster serves already (by their API; ${platform.addons.map((a) => `${a.addon.id} ${a.addon.detect.apiVersion} ${a.addon.detect.kind}`).join(', ')}); the missing ones are listed and, once confirmed (or --yes), installed as below; the others are left as they are.`, kubectl.commandLine(['api-resources']))
      : step('Which add-ons the cluster already serves (their API); all are applied again (server-side apply is idempotent).', kubectl.commandLine(['api-resources'])),
  ];
  for (const [index, { phase, title, objects, waits }] of platformPhases(platform).entries()) {
    if (index === 1) {
      for (const secret of platform.secrets) {
        const value = secret.namespace === 'kube-system' && secret.name === 'hcloud' ? 'HCLOUD_TOKEN and the network id' : secret.source === 'generated' ? 'a random value' : 'a value you provide (a warning if absent)';
        lines.push(step(`Secret ${secret.namespace}/${secret.name} (${secret.purpose}): created from ${value} if absent, never overwritten; sent on stdin.`, kubectl.commandLine(['create', '-f', '-'])));
      }
    }
    lines.push(step(`Phase "${phase}": ${title} (${objects.length} objects${options.onlyMissing ? ' when every add-on is missing' : ''})`, kubectl.commandLine([...APPLY_ARGS, '--force-conflicts', '-f', '-'])));
    lines.push(...summarizeObjects(objects).map((l) => `         ${l}`));
    for (const wait of waits) lines.push(step(`Wait until ${wait.what}.`, kubectl.commandLine([...wait.args, '--timeout=<remaining>s'])));
  }
  for (const warning of platform.warnings) lines.push(`  ! ${warning}`);
  return lines;
}
