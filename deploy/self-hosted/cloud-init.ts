/**
 * Cloud-init user data that turns a fresh Ubuntu server into a k3s node: the k3s config file, the
 * join token in a root-only file, the pinned installer (from the k3s release tag, not a moving URL),
 * and the node's labels: `topology.kubernetes.io/zone` = its Hetzner location, the region
 * `eu-central`, and `stagekit.dev/pool`.
 *
 * Why k3s (not Talos): one binary with embedded etcd (three servers form the HA control plane),
 * flannel plus kube-router NetworkPolicy enforcement built in (the stages' default-deny policies
 * are enforced without a separate CNI), a Helm controller (cert-manager's chart), and it runs on the
 * stock Ubuntu image Hetzner offers, so no custom image has to be uploaded as a snapshot first
 * (Talos on Hetzner Cloud needs that). Talos' immutable OS is the stronger security posture; the
 * cost here is an image pipeline this kit cannot exercise without an account.
 *
 * Secrets: the join token and the admin API token reach the server only through this user data
 * (the Pulumi input is a secret, so the state holds it encrypted). The Hetzner API token is not in
 * it: the CCM and CSI read it from a Kubernetes Secret stagekit creates after the cluster is up.
 */
import { NETWORK, ServerSpec } from './layout';

export interface ClusterSecrets {
  /** k3s shared secret servers and agents join with. */
  readonly joinToken: string;
  /** Bearer token of the `stagekit-admin` user (system:masters), for the kubeconfig stagekit writes. */
  readonly adminToken: string;
}

function yamlList(items: readonly string[], indent = '  '): string {
  return items.map((i) => `${indent}- ${JSON.stringify(i)}`).join('\n');
}

/** The k3s configuration of one server (/etc/rancher/k3s/config.yaml), without secrets. */
export function k3sConfig(server: ServerSpec, firstServerIp: string, multiNode: boolean): string {
  const labels = [`topology.kubernetes.io/zone=${server.location}`, `topology.kubernetes.io/region=${NETWORK.zone}`, `stagekit.dev/pool=${server.pool}`];
  const lines = [
    `node-ip: ${JSON.stringify(server.privateIp)}`,
    'token-file: "/etc/rancher/k3s/join-token"',
    'kubelet-arg:',
    yamlList(['cloud-provider=external']),
    'node-label:',
    yamlList(labels),
  ];
  if (server.taints.length) lines.push('node-taint:', yamlList(server.taints));
  if (server.role === 'control-plane') {
    lines.push(
      server.clusterInit ? 'cluster-init: true' : `server: "https://${firstServerIp}:6443"`,
      'disable-cloud-controller: true',
      // Traefik: ingress-nginx is the platform's controller; servicelb only binds 80/443 on a single node; local-path: the CSI driver's class is the default.
      'disable:',
      yamlList(['traefik', 'local-storage', ...(multiNode ? ['servicelb'] : [])]),
      'secrets-encryption: true',
      'write-kubeconfig-mode: "0600"',
      'kube-apiserver-arg:',
      yamlList(['token-auth-file=/etc/rancher/k3s/admin-tokens.csv', 'anonymous-auth=false']),
      'etcd-snapshot-schedule-cron: "0 */6 * * *"',
      'etcd-snapshot-retention: 28',
    );
  } else {
    lines.push(`server: "https://${firstServerIp}:6443"`);
  }
  return `${lines.join('\n')}\n`;
}

/** The cloud-config document for a server, with the secrets in root-only files. */
export function cloudInit(server: ServerSpec, firstServerIp: string, multiNode: boolean, k3sVersion: string, secrets: ClusterSecrets): string {
  const role = server.role === 'control-plane' ? 'server' : 'agent';
  const files = [
    { path: '/etc/rancher/k3s/config.yaml', permissions: '0600', content: k3sConfig(server, firstServerIp, multiNode) },
    { path: '/etc/rancher/k3s/join-token', permissions: '0600', content: `${secrets.joinToken}\n` },
    ...(server.role === 'control-plane' ? [{ path: '/etc/rancher/k3s/admin-tokens.csv', permissions: '0600', content: `${secrets.adminToken},stagekit-admin,stagekit-admin,"system:masters"\n` }] : []),
  ];
  const installer = `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(k3sVersion)}/install.sh`;
  const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `      ${l}`).join('\n');
  return [
    '#cloud-config',
    'package_update: true',
    'packages: [curl, open-iscsi, nfs-common]',
    'write_files:',
    ...files.map((f) => [`  - path: ${f.path}`, `    permissions: "${f.permissions}"`, '    owner: root:root', '    content: |', indent(f.content)].join('\n')),
    'runcmd:',
    // The private interface carries flannel; the public IPv4 goes into the API certificate (the kubeconfig uses it).
    `  - [sh, -c, 'iface=$(ip -o -4 addr show | awk "/ ${server.privateIp.replace(/\./g, '\\.')}\\\\//{print \\$2}"); echo "flannel-iface: $iface" >> /etc/rancher/k3s/config.yaml']`,
    ...(server.role === 'control-plane' ? [`  - [sh, -c, 'echo "tls-san: [\\"$(curl -fsS http://169.254.169.254/hetzner/v1/metadata/public-ipv4)\\"]" >> /etc/rancher/k3s/config.yaml']`] : []),
    `  - [sh, -c, 'curl -fsSL ${installer} -o /root/k3s-install.sh && INSTALL_K3S_VERSION="${k3sVersion}" INSTALL_K3S_EXEC="${role}" sh /root/k3s-install.sh']`,
    '',
  ].join('\n');
}
