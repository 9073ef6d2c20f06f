/**
 * Cloud-init user data that turns a fresh Ubuntu server into a k3s node: the k3s config file, the
 * node's join token in a root-only file, the pinned installer (from the k3s release tag, not a moving URL),
 * the node's labels (`topology.kubernetes.io/zone` = its failure domain, the region = the network zone,
 * `stagekit.dev/pool`), and a host firewall rule that keeps pods away from the metadata service.
 *
 * Why k3s (not Talos): one binary with embedded etcd (three servers form the HA control plane),
 * flannel plus kube-router NetworkPolicy enforcement built in (the stages' default-deny policies
 * are enforced without a separate CNI), and it runs on the
 * stock Ubuntu image Hetzner offers, so no custom image has to be uploaded as a snapshot first
 * (Talos on Hetzner Cloud needs that). Talos' immutable OS is the stronger security posture; the
 * cost here is an image pipeline this kit cannot exercise without an account.
 *
 * Secrets. Hetzner serves a server's user data, for its whole life, at
 * http://169.254.169.254/hetzner/v1/userdata to anything that can reach that address from the server.
 * So user data holds as little as possible:
 * - a worker gets the k3s agent token only (k3s `agent-token`: joins agents, never servers);
 * - only control-plane nodes get the server token (k3s needs it to join etcd; it unlocks the cluster's
 *   bootstrap data, so it must not be on the nodes that run the workloads);
 * - no cluster-admin credential at all: the deploy reads the kubeconfig k3s writes on the first control
 *   plane over SSH (secrets.ts), with the key Pulumi keeps as a secret;
 * - pods cannot reach 169.254.169.254 (METADATA_BLOCK below), so a compromised pod, say behind the
 *   internet-facing ingress controller, cannot read the token of the node it runs on. Processes on the
 *   host network still can: that is root-equivalent access to the node anyway, and the stages' namespaces
 *   enforce Pod Security levels that forbid hostNetwork.
 * The Hetzner API token is not in user data: the CCM and CSI read it from a Kubernetes Secret stagekit
 * creates after the cluster is up.
 */
import { ServerSpec } from './layout';

export interface ClusterSecrets {
  /** k3s server token: joins control-plane nodes (and decrypts the cluster's bootstrap data). Given for control-plane nodes only. */
  readonly serverToken?: string;
  /** k3s agent token: joins workers only. */
  readonly agentToken: string;
}

/** Pod addresses (k3s `cluster-cidr`, set explicitly so the metadata rule and k3s agree by construction). */
export const POD_CIDR = '10.42.0.0/16';
/** Hetzner Cloud's metadata service (serves the server's user data). */
export const METADATA_ADDRESS = '169.254.169.254';
/**
 * The host rule that drops pod traffic to the metadata service. In the mangle table's FORWARD chain: pod
 * traffic is forwarded (host processes use OUTPUT and are not affected), it runs after a Service's DNAT
 * (a Service or endpoint pointing at the address is caught too) and before flannel's masquerade (the
 * source is still the pod address), and neither kube-proxy, flannel nor kube-router put an ACCEPT
 * there (kube-router's policy chains ACCEPT early in the filter table's FORWARD, which would bypass a
 * filter rule). The CCM and the CSI node plugin run on the host network (platform/addons/operators.ts).
 */
export const METADATA_BLOCK = `-t mangle -I FORWARD 1 -s ${POD_CIDR} -d ${METADATA_ADDRESS}/32 -j DROP`;

/** The systemd unit that installs METADATA_BLOCK at every boot, before k3s starts its pods. */
export function metadataBlockUnit(): string {
  const check = METADATA_BLOCK.replace('-I FORWARD 1', '-C FORWARD');
  return [
    '[Unit]',
    'Description=stagekit: pods may not reach the Hetzner metadata service (it serves the user data)',
    'Before=k3s.service k3s-agent.service',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=/bin/sh -c 'iptables ${check} 2>/dev/null || iptables ${METADATA_BLOCK}'`,
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function yamlList(items: readonly string[], indent = '  '): string {
  return items.map((i) => `${indent}- ${JSON.stringify(i)}`).join('\n');
}

/** The k3s configuration of one server (/etc/rancher/k3s/config.yaml), without secrets. */
export function k3sConfig(server: ServerSpec, firstServerIp: string, multiNode: boolean, networkZone: string): string {
  // The zone label is the failure domain (`fsn1`, or `ash-spread-2` for separate hosts of one location), so
  // topology spread constraints spread pods over the domains the fleet plan priced; the region is the network zone.
  const labels = [`topology.kubernetes.io/zone=${server.zone}`, `topology.kubernetes.io/region=${networkZone}`, `stagekit.dev/pool=${server.pool}`];
  const lines = [
    `node-ip: ${JSON.stringify(server.privateIp)}`,
    // A server's token file holds the server token; an agent's holds the agent token (cloudInit).
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
      'agent-token-file: "/etc/rancher/k3s/agent-token"',
      `cluster-cidr: ${JSON.stringify(POD_CIDR)}`,
      'disable-cloud-controller: true',
      // Traefik: ingress-nginx is the platform's controller; servicelb only binds 80/443 on a single node; local-path: the CSI driver's class is the default.
      'disable:',
      yamlList(['traefik', 'local-storage', ...(multiNode ? ['servicelb'] : [])]),
      'secrets-encryption: true',
      'write-kubeconfig-mode: "0600"',
      'kube-apiserver-arg:',
      yamlList(['anonymous-auth=false']),
      'etcd-snapshot-schedule-cron: "0 */6 * * *"',
      'etcd-snapshot-retention: 28',
    );
  } else {
    lines.push(`server: "https://${firstServerIp}:6443"`);
  }
  return `${lines.join('\n')}\n`;
}

/** The cloud-config document for a server, with the secrets in root-only files. */
export function cloudInit(server: ServerSpec, firstServerIp: string, multiNode: boolean, networkZone: string, k3sVersion: string, secrets: ClusterSecrets): string {
  const role = server.role === 'control-plane' ? 'server' : 'agent';
  const controlPlane = server.role === 'control-plane';
  if (controlPlane && !secrets.serverToken) throw new Error(`cloud-init of ${server.name}: a control-plane node needs the k3s server token`);
  const files = [
    { path: '/etc/rancher/k3s/config.yaml', permissions: '0600', content: k3sConfig(server, firstServerIp, multiNode, networkZone) },
    // Workers never see the server token: it would unlock the cluster's CA keys (cloud-init.ts header).
    { path: '/etc/rancher/k3s/join-token', permissions: '0600', content: `${controlPlane ? secrets.serverToken : secrets.agentToken}\n` },
    ...(controlPlane ? [{ path: '/etc/rancher/k3s/agent-token', permissions: '0600', content: `${secrets.agentToken}\n` }] : []),
    { path: '/etc/systemd/system/stagekit-metadata-block.service', permissions: '0644', content: metadataBlockUnit() },
  ];
  const installer = `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(k3sVersion)}/install.sh`;
  const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `      ${l}`).join('\n');
  return [
    '#cloud-config',
    'package_update: true',
    'packages: [curl, iptables, open-iscsi, nfs-common]',
    'write_files:',
    ...files.map((f) => [`  - path: ${f.path}`, `    permissions: "${f.permissions}"`, '    owner: root:root', '    content: |', indent(f.content)].join('\n')),
    'runcmd:',
    // Before k3s is installed, so no pod ever runs without the rule.
    "  - [sh, -c, 'systemctl daemon-reload && systemctl enable --now stagekit-metadata-block.service']",
    // The private interface carries flannel; the public IPv4 goes into the API certificate (the kubeconfig uses it).
    `  - [sh, -c, 'iface=$(ip -o -4 addr show | awk "/ ${server.privateIp.replace(/\./g, '\\.')}\\\\//{print \\$2}"); echo "flannel-iface: $iface" >> /etc/rancher/k3s/config.yaml']`,
    ...(server.role === 'control-plane' ? [`  - [sh, -c, 'echo "tls-san: [\\"$(curl -fsS http://169.254.169.254/hetzner/v1/metadata/public-ipv4)\\"]" >> /etc/rancher/k3s/config.yaml']`] : []),
    `  - [sh, -c, 'curl -fsSL ${installer} -o /root/k3s-install.sh && INSTALL_K3S_VERSION="${k3sVersion}" INSTALL_K3S_EXEC="${role}" sh /root/k3s-install.sh']`,
    '',
  ].join('\n');
}
