/**
 * The self-hosted cluster's secrets outside the Pulumi program (test/self-hosted-fleet.test.ts covers the
 * program): the SSH key the deploy generates is one OpenSSH reads, the kubeconfig is read over SSH with it
 * (the key on disk only while ssh runs), each node's user data holds only the token its role needs, the
 * metadata rule is installed before k3s, and the platform pods that need the metadata service run on the
 * host network. Also the output polish of explain and the dry run (singular counts, rounded GiB).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import type { StageName } from '../core/ladder';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { renderK8s } from '../blueprints/k8s/app';
import type { KubeObject } from '../deploy/k8s/objects';
import { cloudInit, METADATA_BLOCK, metadataBlockUnit } from '../deploy/self-hosted/cloud-init';
import { selfHostedDryRun } from '../deploy/self-hosted/dry-run';
import { fleetExplanation, gib, plural, selfHostedBillCommand } from '../deploy/self-hosted/explain';
import { fetchKubeconfigOverSsh, knownHostsPath, remoteKubeconfig, sshKubeconfigArgs } from '../deploy/self-hosted/kubeconfig';
import { layoutFleet, stageFleet } from '../deploy/self-hosted/layout';
import { newSshKeyPair, sshPublicKeyOf } from '../deploy/self-hosted/secrets';
import { podSpecOf } from '../platform/vendored';
import { renderPlatform } from '../platform/builder';
import { k8sObjects, stagePlan } from './support/stages';

const ALLOW = ['203.0.113.7/32'];
const layoutOf = (stage: StageName, profile?: string) => {
  const plan = profile ? computePlan(loadProfile(path.join(__dirname, '..', 'profiles', profile)), stage) : stagePlan(stage);
  const objects = (profile ? renderK8s(plan).objects : k8sObjects(stage)) as KubeObject[];
  return { plan, objects, layout: layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: ALLOW }) };
};

describe('generated secrets', () => {
  const hasSshKeygen = !spawnSync('ssh-keygen', ['-?']).error;

  (hasSshKeygen ? test : test.skip)('the SSH key is an ed25519 key OpenSSH reads, with the public key stagekit registers', () => {
    const key = newSshKeyPair('stagekit-test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-key-'));
    try {
      const file = path.join(dir, 'id');
      fs.writeFileSync(file, key.privateKey, { mode: 0o600 });
      const derived = spawnSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' });
      expect(derived.stderr).toBe('');
      expect(derived.stdout.trim()).toBe(key.publicKey);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the public key is derived from the private key (the program registers only that half); a new key each time', () => {
    const [first, second] = [newSshKeyPair(), newSshKeyPair()];
    expect(sshPublicKeyOf(first.privateKey)).toBe(first.publicKey.replace(/ stagekit$/, ''));
    expect(first.privateKey).not.toBe(second.privateKey);
    expect(() => sshPublicKeyOf('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n')).toThrow(/expected an OpenSSH private key/);
  });
});

describe('user data', () => {
  const { layout } = layoutOf('read-replicas');
  const first = layout.servers.find((s) => s.clusterInit)!;
  const worker = layout.servers.find((s) => s.role === 'worker')!;

  test('a worker is given the agent token only; a control-plane node cannot be rendered without the server token', () => {
    const userData = cloudInit(worker, first.privateIp, true, layout.networkZone, layout.k3sVersion, { agentToken: 'agent-secret', serverToken: 'server-secret' });
    expect(userData).not.toContain('server-secret');
    expect(userData).toContain('agent-secret');
    expect(() => cloudInit(first, first.privateIp, true, layout.networkZone, layout.k3sVersion, { agentToken: 'agent-secret' })).toThrow(`cloud-init of ${first.name}: a control-plane node needs the k3s server token`);
  });

  test('the metadata rule is added once per boot (checked before it is inserted) and ordered before k3s', () => {
    const unit = metadataBlockUnit();
    expect(unit).toContain('Before=k3s.service k3s-agent.service');
    expect(unit).toContain(`iptables ${METADATA_BLOCK.replace('-I FORWARD 1', '-C FORWARD')} 2>/dev/null || iptables ${METADATA_BLOCK}`);
    expect(METADATA_BLOCK).toBe('-t mangle -I FORWARD 1 -s 10.42.0.0/16 -d 169.254.169.254/32 -j DROP');
  });
});

describe('kubeconfig over SSH', () => {
  const K3S_YAML = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    '    certificate-authority-data: Q0E=',
    '    server: https://127.0.0.1:6443',
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: default',
    '  user:',
    '    client-certificate-data: Q0VSVA==',
    '    client-key-data: S0VZ',
    '',
  ].join('\n');

  test('k3s.yaml is pointed at the public address and named after the product', () => {
    const config = parse(remoteKubeconfig(K3S_YAML, 'shop', '198.51.100.10'));
    expect(config.clusters).toEqual([{ name: 'shop', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://198.51.100.10:6443' } }]);
    expect(config.contexts).toEqual([{ name: 'shop', context: { cluster: 'shop', user: 'shop-admin' } }]);
    expect(config.users[0]).toEqual({ name: 'shop-admin', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } });
    expect(config['current-context']).toBe('shop');
    expect(() => remoteKubeconfig('cat: /etc/rancher/k3s/k3s.yaml: No such file or directory', 'shop', '198.51.100.10')).toThrow(/is not a kubeconfig/);
  });

  test('ssh runs non-interactively, pins the host key on first use, and reads only the kubeconfig', () => {
    const args = sshKubeconfigArgs('/k/id', '/h/shop.known_hosts', '198.51.100.10');
    expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=accept-new', 'UserKnownHostsFile=/h/shop.known_hosts', 'IdentitiesOnly=yes']));
    expect(args.slice(-2)).toEqual(['root@198.51.100.10', 'cat /etc/rancher/k3s/k3s.yaml']);
  });

  test('the key exists (mode 0600) only while ssh runs; the kubeconfig is written mode 0600', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-home-'));
    try {
      // A stand-in for ssh: records the key file it was given and its mode, prints k3s.yaml.
      const fakeSsh = path.join(home, 'fake-ssh');
      const seen = path.join(home, 'seen');
      fs.writeFileSync(fakeSsh, `#!/bin/sh\nkey="$2"\nprintf '%s %s\\n' "$key" "$(stat -c %a "$key")" > ${JSON.stringify(seen)}\ncat "$key" >> ${JSON.stringify(seen)}\ncat <<'EOF'\n${K3S_YAML}EOF\n`, { mode: 0o755 });
      const key = newSshKeyPair();
      const file = await fetchKubeconfigOverSsh('shop', '198.51.100.10', key.privateKey, home, fakeSsh);
      const [keyFile, mode] = fs.readFileSync(seen, 'utf8').split('\n')[0].split(' ');
      expect(mode).toBe('600');
      expect(fs.readFileSync(seen, 'utf8')).toContain(key.privateKey.split('\n')[1]);
      expect(fs.existsSync(keyFile)).toBe(false);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(parse(fs.readFileSync(file, 'utf8')).clusters[0].cluster.server).toBe('https://198.51.100.10:6443');
      expect(knownHostsPath('shop', home)).toBe(path.join(home, '.stagekit', 'shop.known_hosts'));
      expect(fs.readdirSync(path.join(home, '.stagekit')).sort()).toEqual(['shop.kubeconfig']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

test('the pods that read the metadata service run on the host network (the host rule drops pod traffic to it)', () => {
  const platform = renderPlatform(stagePlan('read-replicas'), { cluster: 'hcloud' });
  const spec = (kind: string, name: string) => podSpecOf(platform.objects.find((o) => o.kind === kind && o.metadata.name === name)!);
  expect(spec('DaemonSet', 'hcloud-csi-node')).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
  expect(spec('Deployment', 'hcloud-cloud-controller-manager').hostNetwork).toBe(true);
  // The CSI controller finds its location through the API by node name (KUBE_NODE_NAME), not the metadata service.
  const controller = spec('Deployment', 'hcloud-csi-controller').containers.find((c: any) => c.name === 'hcloud-csi-driver');
  expect(controller.env.map((e: any) => e.name)).toContain('KUBE_NODE_NAME');
});

describe('explain and dry-run wording', () => {
  test('counts agree in number; sizes in GiB are rounded', () => {
    expect([plural(1, 'server'), plural(2, 'server'), plural(1200, 'volume')]).toEqual(['1 server', '2 servers', '1,200 volumes']);
    expect([gib(854.57265135616), gib(30.857550452053335), gib(2.25), gib(0.5)]).toEqual(['855 GiB', '31 GiB', '2.3 GiB', '0.5 GiB']);
  });

  test.each([
    ['single-server', 'fresh-startup.yaml'],
    ['read-replicas', undefined],
  ] as [StageName, string | undefined][])('%s (%s): no "1 servers", no GiB with more than one decimal, the real cost command', (stage, profile) => {
    const { plan, objects, layout } = layoutOf(stage, profile);
    const explained = fleetExplanation(layout).join('\n');
    const dryRun = selfHostedDryRun({ plan, profileFile: 'profiles/growing-product.yaml', timeoutMs: 3_600_000, allowDataLoss: false, yes: true, layout, platform: renderPlatform(plan, { cluster: 'hcloud' }), stageObjects: objects }).join('\n');
    for (const text of [explained, dryRun]) {
      expect(text).not.toMatch(/\b1 (servers|volumes|load balancers)\b/);
      expect(text).not.toMatch(/\d\.\d{2,} GiB/);
    }
    expect(explained).toContain(`${plural(layout.servers.length, 'server')}, k3s`);
    // The singular: the single-server fleet now packs the platform too (3 servers); its first server alone reads "1 server".
    if (profile === 'fresh-startup.yaml') expect(fleetExplanation({ ...layout, servers: layout.servers.slice(0, 1) }).join('\n')).toContain(': 1 server, k3s');
    expect(explained).toContain(`\`${selfHostedBillCommand(stage)}\``);
    expect(explained).not.toContain('--target k8s');
  });
});
