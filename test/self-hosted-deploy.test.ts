/**
 * `--target self-hosted` up to the credential and cluster boundary: what synth writes, what the dry run
 * prints (the same layout, platform phases and stage actions the deploy runs), the preflight naming what
 * is missing before anything is laid out or contacted, and the engine's order (provision, platform,
 * stage), safety refusal and confirmation with a recorded Pulumi stack and kubectl.
 */
import type { StageName } from '../core/ladder';
import type { KubeObject } from '../deploy/k8s/objects';
import { EXIT } from '../deploy/exit-codes';
import { selfHostedArtifacts, SECRET_PLACEHOLDERS } from '../deploy/self-hosted/artifacts';
import { selfHostedDryRun } from '../deploy/self-hosted/dry-run';
import { deploySelfHosted, HcloudStackDriver, HcloudStep, SelfHostedDeployDeps } from '../deploy/self-hosted/engine';
import { fleetExplanation } from '../deploy/self-hosted/explain';
import { HcloudLayout, layoutFleet, stageFleet } from '../deploy/self-hosted/layout';
import { platformPhases, renderPlatform } from '../platform/builder';
import { parseApiAllow } from '../cli/options';
import { UsageError } from '../core/errors';
import { runCli } from './support/cli';
import { FrozenClock, ok, RecordedKubectl, RecordingLog, ScriptedPrompt, stopOf } from './support/fakes';
import { k8sObjects, stagePlan } from './support/stages';

const ALLOW = ['203.0.113.7/32'];
const STAGE: StageName = 'read-replicas';
const plan = stagePlan(STAGE);
const objects = k8sObjects(STAGE) as KubeObject[];
const platform = renderPlatform(plan, { cluster: 'hcloud' });
const layout = layoutFleet(plan, stageFleet(plan, objects), { apiAllowList: ALLOW });

describe('synth --target self-hosted', () => {
  const artifacts = selfHostedArtifacts(plan, objects, platform, ALLOW);

  test('fleet.json is the layout the program declares, with the fleet plan the bill prices', () => {
    expect(JSON.parse(artifacts.files['fleet.json'])).toEqual(JSON.parse(JSON.stringify(layout)));
  });

  test('one cloud-init per server, secrets only as placeholders; workers get the agent token only', () => {
    const cloudInits = Object.keys(artifacts.files).filter((f) => f.startsWith('cloud-init/'));
    expect(cloudInits.sort()).toEqual(layout.servers.map((s) => `cloud-init/${s.name}.yaml`).sort());
    for (const server of layout.servers) {
      const file = artifacts.files[`cloud-init/${server.name}.yaml`];
      expect(file).toMatch(/^#cloud-config\n/);
      expect(file).toContain(SECRET_PLACEHOLDERS.agentToken);
      if (server.role === 'control-plane') expect(file).toContain(SECRET_PLACEHOLDERS.serverToken);
      else expect(file).not.toContain(SECRET_PLACEHOLDERS.serverToken);
      expect(file).not.toMatch(/token-auth-file|system:masters|admin-tokens/);
    }
    const cp = artifacts.files[`cloud-init/${layout.servers.find((s) => s.clusterInit)!.name}.yaml`];
    expect(cp).toContain('cluster-init: true');
  });

  test('the platform manifest holds every platform object in apply order; the stage manifest every stage object', () => {
    const docs = (text: string) => text.split(/^---\n/m).filter(Boolean).map((d) => JSON.parse(d));
    const platformDocs = docs(artifacts.files['platform.k8s.yaml']);
    expect(platformDocs).toHaveLength(platform.objects.length);
    const firstOperator = platformDocs.findIndex((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition');
    expect(platformDocs.slice(firstOperator).some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
    expect(docs(artifacts.files['stage.k8s.yaml'])).toHaveLength(objects.length);
  });
});

describe('deploy --target self-hosted --dry-run', () => {
  const lines = selfHostedDryRun({ plan, profileFile: 'profiles/growing-product.yaml', timeoutMs: 3_600_000, allowDataLoss: false, yes: false, layout, platform, stageObjects: objects });
  const text = lines.join('\n');
  const section = (title: string) => lines.indexOf(title);

  test('provisioning, then platform, then the stage', () => {
    expect(section('Preflight')).toBeGreaterThanOrEqual(0);
    expect(section('Safety')).toBeGreaterThan(section('Preflight'));
    expect(lines.findIndex((l) => l.startsWith('Provision'))).toBeGreaterThan(section('Safety'));
    expect(section('Platform')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Provision')));
    expect(lines.findIndex((l) => l.startsWith(`Stage ${STAGE}`))).toBeGreaterThan(section('Platform'));
  });

  test('every server, placement group and load balancer of the layout, and the firewall exactly', () => {
    for (const s of layout.servers) expect(text).toContain(`hcloud.Server ${s.name}: ${s.serverType} in ${s.location}, ${s.privateIp}`);
    expect(lines.filter((l) => /hcloud\.Server /.test(l))).toHaveLength(layout.servers.length);
    for (const g of layout.placementGroups) expect(text).toContain(g);
    for (const lb of layout.loadBalancers) expect(text).toContain(`hcloud.LoadBalancer ${lb.name}: ${lb.type}`);
    expect(text).toContain('inbound 80/tcp from 0.0.0.0/0, ::/0; 443/tcp from 0.0.0.0/0, ::/0; 6443/tcp from 203.0.113.7/32; 22/tcp from 203.0.113.7/32; nothing else');
  });

  test('every platform phase with its object count, and every stage apply phase', () => {
    for (const { phase, objects: o } of platformPhases(platform)) expect(text).toMatch(new RegExp(`Phase "${phase}": .*\\(${o.length} objects\\)`));
    for (const s of platform.secrets) expect(text).toContain(`Secret ${s.namespace}/${s.name}`);
    expect(text).toMatch(/Phase "data": /);
    expect(text).toContain('--kubeconfig');
  });

  test('it names what a real deploy needs and the exit codes', () => {
    expect(text).toContain('HCLOUD_TOKEN');
    expect(text).toContain('pulumi');
    expect(text).toMatch(/exit 3 unless --allow-data-loss/);
    expect(text).toMatch(/exit 4/);
  });

  test('fleetExplanation lists each pool with its count, type and locations', () => {
    const explained = fleetExplanation(layout).join('\n');
    for (const pool of layout.fleet.pools) expect(explained).toContain(`pool ${pool.name}: ${pool.count} × ${pool.server.id}`);
    expect(explained).toContain(`${layout.servers.length} servers`);
  });
});

test('--api-allow: address blocks only, never the whole internet (exit 2)', () => {
  expect(parseApiAllow(['203.0.113.0/24', '2001:db8::/48', '198.51.100.7/32', '::ffff:192.0.2.0/120'])).toEqual(['203.0.113.0/24', '2001:db8::/48', '198.51.100.7/32', '::ffff:192.0.2.0/120']);
  expect(() => parseApiAllow(['0.0.0.0/0'])).toThrow(/open the Kubernetes API and SSH to the internet/);
  expect(() => parseApiAllow(['::/0'])).toThrow(UsageError);
  const refusal = (block: string) => {
    try {
      parseApiAllow([block]);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error(`${block} was accepted`);
  };
  // Each refusal names the flag, the expected form and the value given, with what is wrong with it.
  for (const [block, why] of [
    ['999.1.1.1/77', '999.1.1.1 is not an IPv4 or IPv6 address'],
    ['203.0.113.7/33', 'prefix /33 is longer than the 32 bits of an IPv4 address'],
    ['203.0.113.7/24', 'host bits are set below /24 (the block is 203.0.113.0/24)'],
    ['203.0.113.7', 'no /prefix'],
    ['203.0.113.07/32', 'is not an IPv4 or IPv6 address'],
    ['2001:db8::/129', 'prefix /129 is longer than the 128 bits of an IPv6 address'],
    ['2001:db8::1/48', 'host bits are set below /48'],
    ['2001:db8:::1/128', 'is not an IPv4 or IPv6 address'],
    ['my-office', 'no /prefix'],
  ]) {
    const message = refusal(block);
    expect(message).toMatch(/^--api-allow: expected an IPv4 or IPv6 address block in CIDR form, e\.g\. 203\.0\.113\.7\/32/);
    expect(message).toContain(`got ${JSON.stringify(block)} (`);
    expect(message).toContain(why);
  }
});

test('stagekit deploy --target self-hosted --api-allow 999.1.1.1/77 exits 2 with that message', async () => {
  const run = await runCli(['deploy', '--target', 'self-hosted', '--stage', STAGE, '--api-allow', '999.1.1.1/77', '--dry-run']);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--api-allow: expected an IPv4 or IPv6 address block in CIDR form');
  expect(run.stderr).toContain('"999.1.1.1/77"');
  expect(run.stdout).toBe('');
});

// ---------------------------------------------------------------------------------------------
// The engine with a recorded stack and cluster.

class RecordedStack implements HcloudStackDriver {
  readonly stackName = plan.product;
  readonly config = new Map<string, { value: string; secret: boolean }>();
  readonly events: string[] = [];
  constructor(
    private readonly deployed?: HcloudLayout,
    private readonly previewSteps: HcloudStep[] = [],
  ) {}
  async deployedLayout() {
    return this.deployed;
  }
  async getConfig(key: string) {
    return this.config.get(key)?.value;
  }
  async setSecretConfig(key: string, value: string) {
    this.config.set(key, { value, secret: true });
  }
  async preview(onStep: (s: HcloudStep) => void) {
    this.events.push('preview');
    for (const s of this.previewSteps) onStep(s);
    return { create: layout.servers.length };
  }
  async up(onStep: (s: HcloudStep) => void) {
    this.events.push('up');
    onStep({ op: 'create', urn: 'urn:pulumi:x::stagekit-hcloud::hcloud:index/server:Server::a', type: 'hcloud:index/server:Server' });
    return { summary: { create: layout.servers.length }, outputs: { apiServerIpv4: '198.51.100.10', networkId: '4711' } };
  }
  async cancel() {
    this.events.push('cancel');
  }
}

const API_RESOURCES = 'NAME SHORTNAMES APIVERSION NAMESPACED KIND\npods po v1 true Pod\n';

function deps(over: Partial<SelfHostedDeployDeps> & { stack?: RecordedStack; kubectl?: RecordedKubectl } = {}) {
  const order: string[] = [];
  const connectedWith: unknown[] = [];
  const stack = over.stack ?? new RecordedStack();
  const kubectl =
    over.kubectl ??
    new RecordedKubectl()
      .on('api-resources', ok(API_RESOURCES))
      .on('get secret', ok(''))
      .on('create -f -', (call) => {
        order.push(`secret ${JSON.parse(call.stdin!).metadata.name}`);
        return ok();
      })
      .on(/^apply /, () => {
        order.push('apply');
        return ok();
      })
      .on(/^wait /, ok());
  const log = new RecordingLog();
  let n = 0;
  const d: SelfHostedDeployDeps = {
    env: { HCLOUD_TOKEN: 'hcloud-token-under-test' },
    findPulumiCli: () => '/opt/pulumi/bin/pulumi',
    hasKubectl: async () => true,
    hasSsh: async () => true,
    openStack: async () => {
      order.push('open stack');
      return stack;
    },
    connect: async (...args) => {
      order.push('connect');
      connectedWith.push(...args);
      return { kubectl, kubeconfig: '/home/u/.stagekit/x.kubeconfig' };
    },
    deployStage: async (_k, kubeconfig, yes) => {
      order.push(`stage ${kubeconfig} yes=${yes}`);
    },
    prompt: new ScriptedPrompt(false),
    clock: new FrozenClock(),
    log,
    cost: () => ({ status: 'unavailable', reason: 'not priced in this test' }),
    planOf: () => plan,
    password: () => `generated-${++n}`,
    ...over,
  };
  return { deps: d, order, stack, kubectl, log, connectedWith };
}

const request = (over: Partial<Parameters<typeof deploySelfHosted>[0]> = {}) => ({
  plan,
  profileFile: 'profiles/growing-product.yaml',
  layout: () => layout,
  platform: () => platform,
  allowDataLoss: false,
  yes: true,
  timeoutMs: 3_600_000,
  ...over,
});

describe('deploySelfHosted', () => {
  test('without a token, the pulumi CLI or kubectl: exit 5 naming each, before laying out or opening a stack', async () => {
    const { deps: d, order } = deps({ env: {}, findPulumiCli: () => undefined, hasKubectl: async () => false, hasSsh: async () => false });
    let laidOut = false;
    const stop = await stopOf(deploySelfHosted(request({ layout: () => ((laidOut = true), layout) }), d));
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message).toMatch(/HCLOUD_TOKEN/);
    expect(stop.message).toMatch(/the pulumi CLI/);
    expect(stop.message).toMatch(/kubectl/);
    expect(stop.message).toMatch(/OpenSSH client/);
    expect(laidOut).toBe(false);
    expect(order).toEqual([]);
  });

  test('only the token missing: exit 5 naming only it', async () => {
    const stop = await stopOf(deploySelfHosted(request(), deps({ env: {} }).deps));
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(1);
    expect(stop.message).toMatch(/HCLOUD_TOKEN/);
  });

  test('provisions, then installs the platform, then deploys the stage; generated secrets go to the stack as secrets', async () => {
    const { deps: d, order, stack, kubectl, connectedWith } = deps();
    await deploySelfHosted(request(), d);
    expect(stack.events).toEqual(['preview', 'up']);
    expect([...stack.config.values()].every((c) => c.secret)).toBe(true);
    expect([...stack.config.keys()].sort()).toEqual(['k3sAgentToken', 'k3sServerToken', 'sshPrivateKey']);
    expect(stack.config.get('k3sServerToken')!.value).not.toBe(stack.config.get('k3sAgentToken')!.value);
    expect(stack.config.get('sshPrivateKey')!.value).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    // The kubeconfig is read with the stack's SSH key (no admin token exists any more).
    expect(connectedWith).toEqual([layout, '198.51.100.10', stack.config.get('sshPrivateKey')!.value]);
    expect(order[0]).toBe('open stack');
    expect(order[1]).toBe('connect');
    expect(order.filter((o) => o === 'apply')).toHaveLength(platformPhases(platform).length);
    expect(order[order.length - 1]).toBe('stage /home/u/.stagekit/x.kubeconfig yes=true');
    // The Hetzner token reaches the cluster only as the CCM/CSI Secret, sent on stdin.
    const hcloudSecret = kubectl.calls.find((c) => c.args.join(' ') === 'create -f -' && JSON.parse(c.stdin!).metadata.name === 'hcloud');
    expect(JSON.parse(hcloudSecret!.stdin!).stringData).toEqual({ token: 'hcloud-token-under-test', network: '4711' });
    expect(kubectl.lines.some((l) => l.includes('hcloud-token-under-test'))).toBe(false);
  });

  test('a data server the new layout removes stops the deploy (exit 3) before pulumi up', async () => {
    const bigger: HcloudLayout = { ...layout, servers: [...layout.servers, { ...layout.servers.find((s) => s.holdsData)!, name: `${plan.product}-data-99` }] };
    const { deps: d, stack } = deps({ stack: new RecordedStack(bigger) });
    const stop = await stopOf(deploySelfHosted(request(), d));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stack.events).toEqual(['preview']);
  });

  test('a data server Pulumi would replace (drift the layout cannot see) stops it too', async () => {
    const steps: HcloudStep[] = [{ op: 'replace', urn: 'urn:pulumi:s::stagekit-hcloud::hcloud:index/server:Server::x-data-1', type: 'hcloud:index/server:Server', old: { outputs: { name: 'x-data-1', labels: { 'stagekit.dev/holds-data': 'true' } } } }];
    const { deps: d, stack } = deps({ stack: new RecordedStack(undefined, steps) });
    const stop = await stopOf(deploySelfHosted(request(), d));
    expect(stop.exitCode).toBe(EXIT.risky);
    expect(stack.events).toEqual(['preview']);
  });

  test('without --yes and without a terminal: exit 4, nothing provisioned', async () => {
    const { deps: d, stack } = deps();
    const stop = await stopOf(deploySelfHosted(request({ yes: false }), d));
    expect(stop.exitCode).toBe(EXIT.notConfirmed);
    expect(stack.events).toEqual(['preview']);
  });

  test('a fleet that cannot be laid out stops in the preflight (exit 5), nothing opened', async () => {
    const { deps: d, order } = deps();
    const stop = await stopOf(
      deploySelfHosted(
        request({
          layout: () => {
            throw new Error('the fleet plan is incomplete: no Hetzner server type holds Cluster/postgres');
          },
        }),
        d,
      ),
    );
    expect(stop.exitCode).toBe(EXIT.preflight);
    expect(stop.message).toMatch(/no Hetzner server type holds/);
    expect(order).toEqual([]);
  });
});

describe('deploy --target k8s --install-platform (ensurePlatform)', () => {
  const existing = renderPlatform(plan, { cluster: 'existing' });
  const cnpg = existing.addons.find((a) => a.addon.id === 'cnpg')!.addon.detect;
  const row = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd([12, 12, 28, 12][i]) : c)).join('');
  const served = `${row(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'])}\n${row(['clusters', 'cluster', cnpg.apiVersion, 'true', cnpg.kind])}\n`;
  const cluster = () => {
    const applied: any[] = [];
    const kubectl = new RecordedKubectl()
      .on('api-resources', ok(served))
      .on('get secret', ok(''))
      .on('create -f -', ok())
      .on(/^apply /, (call) => {
        applied.push(...JSON.parse(call.stdin!).items);
        return ok();
      })
      .on(/^wait /, ok());
    return { kubectl, applied };
  };

  test('installs only the add-ons the cluster does not serve, after --yes', async () => {
    const { ensurePlatform } = await import('../deploy/self-hosted/platform-install');
    const { kubectl, applied } = cluster();
    const log = new RecordingLog();
    const installed = await ensurePlatform(kubectl, existing, log, { yes: true, prompt: new ScriptedPrompt(false), timeoutSeconds: 60, secretData: (s) => ({ [s.key]: 'generated' }) });
    expect(installed.map((a) => a.addon.id)).not.toContain('cnpg');
    expect(installed.length).toBe(existing.addons.length - 1);
    expect(applied.some((o) => o.metadata?.labels?.['stagekit.dev/addon'] === 'cnpg')).toBe(false);
    expect(applied.some((o) => o.metadata?.labels?.['stagekit.dev/addon'] === 'strimzi')).toBe(true);
    expect(log.text).toContain(`platform add-ons found: cnpg`);
  });

  test('without --yes and without a terminal: exit 4 before anything is applied', async () => {
    const { ensurePlatform } = await import('../deploy/self-hosted/platform-install');
    const { kubectl, applied } = cluster();
    const stop = await stopOf(ensurePlatform(kubectl, existing, new RecordingLog(), { yes: false, prompt: new ScriptedPrompt(false), timeoutSeconds: 60, secretData: () => undefined }));
    expect(stop.exitCode).toBe(EXIT.notConfirmed);
    expect(applied).toEqual([]);
  });
});
