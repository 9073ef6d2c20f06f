/**
 * The Automation API behind HcloudStackDriver: a LocalWorkspace stack (project stagekit-hcloud, one
 * stack per product) running the inline Hetzner Cloud program, and the connection to the cluster it
 * made. Loaded only by a real deploy: the Pulumi SDK takes most of a second to load.
 */
import { systemKubectl } from '../k8s/kubectl';
import type { Kubectl } from '../k8s/kubectl';
import type { HcloudStackDriver } from './engine';
import { commonStackOperations, openLocalStack, stepOfEvent } from '../pulumi/engine';
import { fetchKubeconfigOverSsh } from './kubeconfig';
import { HcloudLayout, PULUMI_HCLOUD_PROJECT } from './layout';

/** The @pulumi/hcloud plugin version the program is written for (the installed package's). */
function hcloudPluginVersion(): string {
  return (require('@pulumi/hcloud/package.json') as { version: string }).version;
}

export async function openHcloudStack(layout: HcloudLayout, cli: string): Promise<HcloudStackDriver> {
  const { hcloudProgram } = require('./program') as typeof import('./program');
  const stack = await openLocalStack({ name: PULUMI_HCLOUD_PROJECT, description: 'stagekit: the Hetzner Cloud fleet of a stage' }, layout.product, hcloudProgram(layout), cli);
  await stack.workspace.installPlugin('hcloud', `v${hcloudPluginVersion()}`);
  return {
    stackName: layout.product,
    deployedLayout: async () => {
      const outputs = await stack.outputs().catch(() => ({}) as Record<string, { value: unknown }>);
      const value = outputs.layout?.value;
      return typeof value === 'string' ? (JSON.parse(value) as HcloudLayout) : undefined;
    },
    ...commonStackOperations(stack),
    up: async (onStep) => {
      const result = await stack.up({ color: 'never', onEvent: (event) => { const step = stepOfEvent(event); if (step) onStep(step); } });
      return {
        summary: (result.summary.resourceChanges ?? {}) as Record<string, number>,
        outputs: { apiServerIpv4: String(result.outputs.apiServerIpv4?.value ?? ''), networkId: String(result.outputs.networkId?.value ?? '') },
      };
    },
  };
}

/**
 * Reads the new cluster's kubeconfig over SSH (kubeconfig.ts), writes ~/.stagekit/<product>.kubeconfig and
 * binds kubectl to it. A server that was just created is still running cloud-init: sshd answers within a
 * minute, k3s writes its kubeconfig a few minutes later, so it is asked for every 10 s until `waitMs` has passed.
 */
export async function connectHcloudCluster(layout: HcloudLayout, apiServerIpv4: string, sshPrivateKey: string, waitMs = 15 * 60_000): Promise<{ kubectl: Kubectl; kubeconfig: string }> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const kubeconfig = await fetchKubeconfigOverSsh(layout.product, apiServerIpv4, sshPrivateKey);
      return { kubectl: systemKubectl({ kubeconfig }), kubeconfig };
    } catch (err) {
      if (Date.now() > until) throw new Error(`the kubeconfig of k3s on ${apiServerIpv4} could not be read over SSH within ${Math.round(waitMs / 60_000)} min (${(err as Error).message}); see the server's /var/log/cloud-init-output.log`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
  }
}
