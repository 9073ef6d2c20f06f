/**
 * How the deploy gets the new cluster's admin kubeconfig without any admin credential in user data: it
 * reads the one k3s writes on the first control plane (/etc/rancher/k3s/k3s.yaml, mode 0600, a client
 * certificate of system:admin) over SSH, as root, with the ed25519 key the Pulumi stack keeps as a secret
 * (secrets.ts). The firewall opens 22 to the --api-allow blocks only; password logins are off (Hetzner
 * disables them when a server is created with an SSH key). The host key is trusted on first use and
 * pinned in ~/.stagekit/<product>.known_hosts, so a later deploy refuses a server that changed its key.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';

/** Where k3s writes the admin kubeconfig on a server. */
export const K3S_KUBECONFIG = '/etc/rancher/k3s/k3s.yaml';

export function stagekitDir(home = os.homedir()): string {
  return path.join(home, '.stagekit');
}

/** Where the deploy writes the new cluster's kubeconfig. */
export function kubeconfigPath(product: string, home = os.homedir()): string {
  return path.join(stagekitDir(home), `${product}.kubeconfig`);
}

/** The host keys the deploy has seen for this product's servers (trust on first use). */
export function knownHostsPath(product: string, home = os.homedir()): string {
  return path.join(stagekitDir(home), `${product}.known_hosts`);
}

/** The ssh command line that prints the kubeconfig (no pseudo-terminal, no agent, no password prompts). */
export function sshKubeconfigArgs(keyFile: string, knownHosts: string, host: string): string[] {
  return [
    '-i', keyFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'ConnectTimeout=15',
    '-T',
    `root@${host}`,
    `cat ${K3S_KUBECONFIG}`,
  ];
}

/**
 * The kubeconfig k3s wrote, pointed at the server's public address (k3s writes https://127.0.0.1:6443;
 * the public IPv4 is in the API certificate's SANs, cloud-init.ts) and named after the product instead of
 * `default`, so it can sit beside other clusters' kubeconfigs.
 */
export function remoteKubeconfig(k3sYaml: string, product: string, apiServerIpv4: string): string {
  let parsed: unknown;
  try {
    parsed = parse(k3sYaml);
  } catch (err) {
    throw new Error(`${K3S_KUBECONFIG} is not a kubeconfig (${(err as Error).message.split('\n')[0]})`);
  }
  const config = parsed as { clusters?: { name: string; cluster: { server: string } }[]; users?: { name: string }[]; contexts?: { name: string; context: { cluster: string; user: string } }[]; 'current-context'?: string };
  if (!config?.clusters?.length || !config.users?.length || !config.contexts?.length) throw new Error(`${K3S_KUBECONFIG} is not a kubeconfig (no cluster, user or context)`);
  for (const cluster of config.clusters) {
    cluster.cluster.server = `https://${apiServerIpv4}:6443`;
    cluster.name = product;
  }
  for (const user of config.users) user.name = `${product}-admin`;
  for (const context of config.contexts) {
    context.name = product;
    context.context = { ...context.context, cluster: product, user: `${product}-admin` };
  }
  config['current-context'] = product;
  return stringify(config);
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(`${stderr.trim() || error.message}`)) : resolve(stdout))),
  );
}

/**
 * Reads the kubeconfig over SSH and writes it (mode 0600). The private key is written to a 0600 file
 * in a fresh 0700 directory only for the ssh call, and removed afterwards.
 */
export async function fetchKubeconfigOverSsh(product: string, apiServerIpv4: string, sshPrivateKey: string, home = os.homedir(), ssh = 'ssh'): Promise<string> {
  fs.mkdirSync(stagekitDir(home), { recursive: true, mode: 0o700 });
  const keyDir = fs.mkdtempSync(path.join(stagekitDir(home), 'ssh-'));
  try {
    const keyFile = path.join(keyDir, 'id_ed25519');
    fs.writeFileSync(keyFile, sshPrivateKey, { mode: 0o600 });
    const k3sYaml = await run(ssh, sshKubeconfigArgs(keyFile, knownHostsPath(product, home), apiServerIpv4), 60_000);
    const file = kubeconfigPath(product, home);
    fs.writeFileSync(file, remoteKubeconfig(k3sYaml, product, apiServerIpv4), { mode: 0o600 });
    return file;
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
}

/** True when an OpenSSH client runs here (`ssh -V` exits 0). */
export function sshClientAvailable(ssh = 'ssh'): Promise<boolean> {
  return new Promise((resolve) => execFile(ssh, ['-V'], { timeout: 10_000 }, (error) => resolve(!error)));
}
