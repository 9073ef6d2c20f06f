/**
 * `deploy --dry-run` for every stage and target (in process, on the shared synth), and the CLI
 * end to end where it matters: no credentials and no cluster needed, fast failure without them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STAGE_NAMES } from '../core/ladder';
import { awsDryRun, k8sDryRun } from '../deploy/dry-run';
import { systemKubectl } from '../deploy/k8s/kubectl';
import { objectsByPhase } from '../deploy/k8s/objects';
import { pulumiDryRun } from '../deploy/pulumi/dry-run';
import { awsAssemblyDir, awsTemplate, k8sObjects, stagePlan } from './support/stages';
import { ROOT, STAGEKIT_BIN } from './support/paths';
import { runCli } from './support/cli';

const common = (stage: (typeof STAGE_NAMES)[number]) => ({ plan: stagePlan(stage), profileFile: 'profiles/growing-product.yaml', timeoutMs: 20 * 60_000, allowDataLoss: false, yes: false });

test.each(STAGE_NAMES)('%s on AWS: every call in order, the change set, the template and its stateful resources', (stage) => {
  const text = awsDryRun({ ...common(stage), stackName: 'growing-shop', template: awsTemplate(stage), assemblyDir: awsAssemblyDir(stage), requiredBootstrapVersion: 6 }).join('\n');
  const order = ['sts:GetCallerIdentity', 'DescribeStacks CDKToolkit', 'BootstrapVersion >= 6', 'DescribeStacks growing-shop', 'GetTemplate growing-shop', 'statefulRisks', 'exit 4', 'change set', 'timeout 20 min'];
  const positions = order.map((s) => text.indexOf(s));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(text).toContain(`Template: ${Object.keys(awsTemplate(stage).Resources).length} resources`);
  if (stage === 'single-server') expect(text).toMatch(/SingleServerDataVolume\w+ \(AWS::EC2::Volume\): DeletionPolicy Retain/);
});

test.each(STAGE_NAMES)('%s on Kubernetes: exact kubectl commands, every object in its phase, what is waited for', (stage) => {
  const objects = k8sObjects(stage);
  const text = k8sDryRun({ ...common(stage), objects, kubectl: systemKubectl() }).join('\n');
  expect(text).toContain('$ kubectl version -o json --request-timeout=5s');
  expect(text).toContain('$ kubectl api-resources');
  expect(text).toContain('$ kubectl apply --server-side --field-manager=stagekit --dry-run=server -f -');
  const phases = objectsByPhase(objects);
  for (const p of phases) expect(text).toContain(`Phase "${p.phase}"`);
  for (const o of objects) expect(text).toContain(`${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} (${o.apiVersion})`);
  expect(text.includes('postgres-credentials')).toBe(stage === 'single-server');
  if (stage !== 'single-server') expect(text).toMatch(/Cluster growing-shop\/postgres: condition Ready=True/);
});

test('--until data and --context show up in the commands', () => {
  const text = k8sDryRun({ ...common('split-tier'), objects: k8sObjects('split-tier'), kubectl: systemKubectl({ context: 'prod' }), context: 'prod', until: 'data' }).join('\n');
  expect(text).toContain('$ kubectl --context prod api-resources');
  expect(text).not.toContain('Phase "workloads"');
  expect(text).toMatch(/Stops after phase "data"/);
});

test('Pulumi: one ConfigGroup per phase, the readiness Pulumi waits for, the stack config secret', () => {
  const text = pulumiDryRun({ ...common('single-server'), objects: k8sObjects('single-server') }).join('\n');
  expect(text).toContain('project stagekit-k8s, stack growing-shop');
  expect(text).toContain('Stack config postgresCredentials (secret)');
  for (const p of objectsByPhase(k8sObjects('single-server'))) expect(text).toContain(`kubernetes:yaml/v2:ConfigGroup growing-shop-${p.phase}`);
  expect(pulumiDryRun({ ...common('split-tier'), objects: k8sObjects('split-tier') }).join('\n')).toMatch(/Cluster growing-shop\/postgres \(postgresql\.cnpg\.io\/v1\), waits for condition=Ready/);
});

describe('the CLI', () => {
  // No credentials, no kubeconfig, no pulumi: an empty HOME and a PATH without kubectl or pulumi. What
  // looks for a program on PATH or for credentials runs the real bin in a process of its own (jest hands
  // a test file a copy of the environment, which neither child processes nor os.homedir() see); what
  // stops before those checks runs in-process.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-cli-'));
  const unset = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('AWS_') || k === 'KUBECONFIG').map((k) => [k, undefined]));
  const env = { ...unset, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', CI: '1', PATH: path.join(home, 'bin') };
  const inProcess = (...args: string[]) => runCli(args, env);
  const inOwnProcess = (...args: string[]) => {
    const started = Date.now();
    const childEnv = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const r = spawnSync(process.execPath, [STAGEKIT_BIN, ...args], { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  };
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  test('deploy --dry-run needs no cluster and exits 0', async () => {
    const r = await inProcess('deploy', '--stage', 'split-tier', '--target', 'k8s', '--dry-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Dry run: deploy split-tier of growing-shop to Kubernetes');
  });

  // The fresh startup's profile fits on one server; the growing product's (99.9% SLO) does not (see the capacity test below).
  const fits = ['--profile', path.join(ROOT, 'profiles', 'fresh-startup.yaml')];

  test('deploy without credentials fails in seconds with exit 5 and how to provide them', () => {
    const r = inOwnProcess('deploy', '--stage', 'single-server', '--target', 'aws', ...fits);
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('error: No AWS credentials found.');
    expect(r.stderr).toContain('aws sso login');
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
    expect(r.ms).toBeLessThan(15_000); // process start included; the check itself is milliseconds (see deploy-aws)
  });

  // Own processes: a child process started from a test file gets the real environment, not jest's copy of it.
  test('deploy to Kubernetes without kubectl, and Pulumi without its CLI: exit 5 naming what to install', () => {
    const k8s = inOwnProcess('deploy', '--stage', 'single-server', '--target', 'k8s', ...fits);
    expect([k8s.status, k8s.stderr]).toEqual([5, expect.stringContaining('kubectl is not installed')]);
    const pulumi = inOwnProcess('deploy', '--stage', 'single-server', '--target', 'k8s', '--engine', 'pulumi', ...fits);
    expect([pulumi.status, pulumi.stderr]).toEqual([5, expect.stringContaining('The pulumi CLI is not installed')]);
  });

  test('deploy refuses a stage that cannot carry the profile (exit 8, before any credential check) unless --allow-over-capacity', async () => {
    const refused = await inProcess('deploy', '--stage', 'single-server', '--target', 'aws');
    expect(refused.status).toBe(8);
    expect(refused.stderr).toContain('error: single-server cannot carry growing-shop:');
    expect(refused.stderr).toContain('SLO on one zone: needs 99.9%, the stage\'s limit is 99.5%');
    expect(refused.stderr).toContain('the lowest stage that carries it is split-tier');
    expect(refused.stderr).toContain('--allow-over-capacity');
    // Past the capacity check comes the credential check: a process of its own, with no credentials to find.
    const overridden = inOwnProcess('deploy', '--stage', 'single-server', '--target', 'aws', '--allow-over-capacity');
    expect([overridden.status, overridden.stderr]).toEqual([5, expect.stringContaining('No AWS credentials found')]);
  });
});
