/**
 * Deploying: the AWS and Kubernetes deploy paths up to the account or cluster they need, and deployed sizes as a floor.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeLadder, computePlan, shardSizings } from '../core/plan';
import type { StageName } from '../core/ladder';
import { AwsApi, CallerIdentity, StackSummary, credentialsError, sdkAwsApi } from '../deploy/aws/aws-api';
import { AwsDeployDeps, AwsDeployRequest, deployAws } from '../deploy/aws/deploy-aws';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { CdkDeployHandlers, CdkDeployResult, CdkDeployer, DestructiveChangeSummary, stagekitIoHost } from '../deploy/aws/toolkit';
import { stageCostDelta } from '../deploy/cost-delta';
import { EXIT } from '../deploy/exit-codes';
import { FakeClock, FrozenClock, RecordedKubectl, RecordingLog, ScriptedPrompt, fail, ok, stopOf } from './support/fakes';
import { awsAssemblyDir, awsTemplate, k8sObjects, stagePlan } from './support/stages';
import { K8sDeployDeps, K8sDeployRequest, deployK8s } from '../deploy/k8s/deploy-k8s';
import { KubeObject, objectKey, objectsByPhase } from '../deploy/k8s/objects';
import { KUBECTL_NOT_FOUND } from '../deploy/k8s/kubectl';
import { recordConfigMap } from '../deploy/k8s/record';
import { deployedSizesOf } from '../core/floor';
import { UsageError } from '../core/errors';
import type { Profile } from '../core/profile';
import { sizesFromObjects, sizesFromTemplate } from '../deploy/floor-sources';
import { lockedFloor, readLock, recordDeploy } from '../deploy/lock';
import { compareObjects } from '../deploy/k8s/changes';
import { stageRenderer } from '../blueprints/render';

/**
 * `deploy --target aws` decisions, up to the boundaries: recorded AWS answers (identity, the
 * bootstrap stack, the deployed stack and its template), a recording CDK deployer, scripted
 * prompts and a fake clock. Plus the real SDK credential chain failing fast with no credentials.
 */
describe('deploy-aws', () => {
  const profile = stagePlan('single-server').profile;
  const STACK = profile.name;
  const ACCOUNT = '123456789012';

  class RecordedAws implements AwsApi {
    readonly calls: string[] = [];
    constructor(
      private readonly stacks: Record<string, StackSummary | undefined>,
      private readonly templates: Record<string, any> = {},
      private readonly identity: () => Promise<CallerIdentity> = async () => ({ account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci` }),
    ) {}
    callerIdentity() {
      this.calls.push('sts:GetCallerIdentity');
      return this.identity();
    }
    async describeStack(name: string) {
      this.calls.push(`cloudformation:DescribeStacks ${name}`);
      return this.stacks[name];
    }
    async deployedTemplate(name: string) {
      this.calls.push(`cloudformation:GetTemplate ${name}`);
      return this.templates[name];
    }
  }

  const bootstrap = (version = '30', status = 'UPDATE_COMPLETE'): StackSummary => ({ name: 'CDKToolkit', arn: 'arn:cdktoolkit', status, tags: {}, outputs: { BootstrapVersion: version } });
  const deployedAt = (stage: StageName, status = 'UPDATE_COMPLETE'): StackSummary => ({ name: STACK, arn: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${STACK}/1`, status, tags: { 'stagekit:stage': stage }, outputs: {} });

  class RecordingDeployer implements CdkDeployer {
    readonly deployed: string[] = [];
    approved?: boolean;
    constructor(
      private readonly changeSet: DestructiveChangeSummary[] = [],
      private readonly outcome: () => Promise<CdkDeployResult> = async () => ({ stackArn: 'arn:new', outputs: { LoadBalancerDns: 'lb.example' }, deleteFailures: [] }),
    ) {}
    async deploy(assemblyDir: string, stackName: string, handlers: CdkDeployHandlers): Promise<CdkDeployResult> {
      this.deployed.push(`${stackName} from ${path.basename(assemblyDir)}`);
      handlers.onProgress('[1/3] UPDATE_IN_PROGRESS AWS::CloudFormation::Stack growing-shop');
      this.approved = await handlers.approveChangeSet(this.changeSet);
      if (!this.approved) throw new Error('Deployment cancelled');
      return this.outcome();
    }
  }

  function request(stage: StageName, over: Partial<AwsDeployRequest> = {}): AwsDeployRequest {
    return { plan: computePlan(profile, stage), stackName: STACK, profileFile: 'profiles/growing-product.yaml', allowDataLoss: false, yes: true, timeoutMs: 60 * 60_000, ...over };
  }

  function deps(aws: AwsApi, deployer: CdkDeployer, over: Partial<AwsDeployDeps> = {}): AwsDeployDeps & { log: RecordingLog } {
    return {
      aws,
      deployer,
      prompt: new ScriptedPrompt(false),
      // Sleeps never end, so a deploy always beats the timeout unless a test brings a FakeClock.
      clock: new FrozenClock(),
      log: new RecordingLog(),
      cost: stageCostDelta,
      riskCheck: awsStatefulRisks,
      synth: (plan) => ({ assemblyDir: awsAssemblyDir(plan.stage), template: awsTemplate(plan.stage), requiredBootstrapVersion: 6 }),
      planOf: (s) => computePlan(profile, s),
      ...over,
    } as AwsDeployDeps & { log: RecordingLog };
  }

  describe('preflight', () => {
    test('no credentials: the real SDK chain fails in well under a few seconds, naming every way to provide them', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-nocreds-'));
      const saved = { ...process.env };
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      Object.assign(process.env, { HOME: home, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials') });
      try {
        const started = Date.now();
        const stop = await stopOf(sdkAwsApi('us-east-1').callerIdentity());
        expect(Date.now() - started).toBeLessThan(3000);
        expect(stop.exitCode).toBe(EXIT.preflight);
        expect(stop.message).toBe('No AWS credentials found.');
        expect(stop.hint).toMatch(/AWS_ACCESS_KEY_ID.*\n.*AWS_PROFILE.*\n.*aws sso login/s);
      } finally {
        process.env = saved;
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    test('SDK failures become messages that say what to do', () => {
      expect(credentialsError(Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), { name: 'CredentialsProviderError' }), 'us-east-1').hint).toMatch(/aws sso login/);
      expect(credentialsError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }), 'us-east-1').message).toMatch(/have expired/);
      expect(credentialsError(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }), 'us-east-1').message).toMatch(/AWS rejects the credentials \(InvalidClientTokenId\)/);
      expect(credentialsError(Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'), { name: 'Error', code: 'ENOTFOUND' }), 'us-east-1').message).toMatch(/Cannot reach AWS/);
    });

    test('no CDK bootstrap: exit 5 with the bootstrap command, before synth', async () => {
      let synthesized = false;
      const stop = await stopOf(deployAws(request('single-server'), deps(new RecordedAws({}), new RecordingDeployer(), { synth: () => ((synthesized = true), undefined as any) })));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.hint).toBe(`Bootstrap it once per account and region: npx cdk bootstrap aws://${ACCOUNT}/us-east-1`);
      expect(synthesized).toBe(false);
    });

    test('a bootstrap older than the stack needs: exit 5, upgrade it', async () => {
      const stop = await stopOf(deployAws(request('single-server'), deps(new RecordedAws({ CDKToolkit: bootstrap('5') }), new RecordingDeployer())));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message).toMatch(/bootstrap version 5; this stack needs 6 or later/);
    });

    test('a busy or failed stack: exit 5 with the way out', async () => {
      const busy = await stopOf(deployAws(request('split-tier'), deps(new RecordedAws({ CDKToolkit: bootstrap(), [STACK]: deployedAt('single-server', 'UPDATE_IN_PROGRESS') }), new RecordingDeployer())));
      expect([busy.exitCode, busy.message]).toEqual([EXIT.preflight, `Stack ${STACK} is busy (UPDATE_IN_PROGRESS).`]);
      const failed = await stopOf(deployAws(request('single-server'), deps(new RecordedAws({ CDKToolkit: bootstrap(), [STACK]: deployedAt('single-server', 'ROLLBACK_COMPLETE') }), new RecordingDeployer())));
      expect(failed.hint).toMatch(/delete-stack/);
    });
  });

  test('first deploy: checks in order, deploys the assembly, reports outputs', async () => {
    const aws = new RecordedAws({ CDKToolkit: bootstrap() });
    const deployer = new RecordingDeployer();
    const d = deps(aws, deployer);
    const result = await deployAws(request('single-server'), d);
    expect(aws.calls).toEqual(['sts:GetCallerIdentity', 'cloudformation:DescribeStacks CDKToolkit', `cloudformation:DescribeStacks ${STACK}`]);
    expect(deployer.deployed).toEqual([`${STACK} from single-server`]);
    expect(result.outputs).toEqual({ LoadBalancerDns: 'lb.example' });
    expect(d.log.text).toMatch(/a first deploy/);
    expect(d.log.text).toMatch(/LoadBalancerDns = lb\.example/);
  });

  test('the same template as deployed: up to date, no question, no deploy', async () => {
    const deployer = new RecordingDeployer();
    const result = await deployAws(request('split-tier', { yes: false }), deps(new RecordedAws({ CDKToolkit: bootstrap(), [STACK]: deployedAt('split-tier') }, { [STACK]: awsTemplate('split-tier') }), deployer));
    expect(result.upToDate).toBe(true);
    expect(deployer.deployed).toEqual([]);
  });

  test('climbing single-server -> split-tier: the data volume is retained (allowed), the runbook is shown, the question asked', async () => {
    const prompt = new ScriptedPrompt(true, [true]);
    const deployer = new RecordingDeployer([{ logicalId: Object.keys(awsTemplate('single-server').Resources).find((id) => id.includes('DataVolume') && !id.includes('Attachment'))!, resourceType: 'AWS::EC2::Volume', impact: 'WILL_ORPHAN' }]);
    const d = deps(new RecordedAws({ CDKToolkit: bootstrap(), [STACK]: deployedAt('single-server') }, { [STACK]: awsTemplate('single-server') }), deployer, { prompt });
    await deployAws(request('split-tier', { yes: false }), d);
    expect(prompt.questions).toEqual([`Deploy split-tier to stack ${STACK} in account ${ACCOUNT} (us-east-1), with the runbook\u2019s "before" steps done?`]);
    expect(d.log.text).toMatch(/retained\s+SingleServerDataVolume/);
    expect(d.log.text).toMatch(/Turn on logical decoding on the server/);
    expect(d.log.text).toMatch(/Cut over: stop writes on the server/);
    expect(deployer.approved).toBe(true);
  });

  describe('refusals', () => {
    const fromSplit = () => new RecordedAws({ CDKToolkit: bootstrap(), [STACK]: deployedAt('split-tier') }, { [STACK]: awsTemplate('split-tier') });

    test('moving down deletes the database: exit 3, nothing deployed', async () => {
      const deployer = new RecordingDeployer();
      const stop = await stopOf(deployAws(request('single-server'), deps(fromSplit(), deployer)));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stop.message).toMatch(/stateful resource\(s\) would be replaced or destroyed/);
      expect(deployer.deployed).toEqual([]);
    });

    test('with --allow-data-loss it deploys, after a loud warning', async () => {
      const deployer = new RecordingDeployer();
      const d = deps(fromSplit(), deployer);
      await deployAws(request('single-server', { allowDataLoss: true }), d);
      expect(d.log.text).toMatch(/--allow-data-loss: proceeding/);
      expect(deployer.deployed).toHaveLength(1);
    });

    test('a change set that replaces a stateful resource the templates did not predict is discarded: exit 3', async () => {
      const deployer = new RecordingDeployer([{ logicalId: 'DatabaseShard0Primary1812AA6C', resourceType: 'AWS::RDS::DBInstance', impact: 'WILL_REPLACE' }]);
      const stop = await stopOf(deployAws(request('read-replicas'), deps(fromSplit(), deployer)));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stop.message).toMatch(/change set would also replace DatabaseShard0Primary1812AA6C \(AWS::RDS::DBInstance\)/);
      expect(deployer.approved).toBe(false);
    });

    test('stateless replacements in the change set are fine', async () => {
      const deployer = new RecordingDeployer([{ logicalId: 'ObservabilityDashboard9A1D08B3', resourceType: 'AWS::CloudWatch::Dashboard', impact: 'WILL_REPLACE' }]);
      await deployAws(request('read-replicas'), deps(fromSplit(), deployer));
      expect(deployer.approved).toBe(true);
    });

    test('no terminal and no --yes: exit 4', async () => {
      const deployer = new RecordingDeployer();
      const stop = await stopOf(deployAws(request('read-replicas', { yes: false }), deps(fromSplit(), deployer)));
      expect(stop.exitCode).toBe(EXIT.notConfirmed);
      expect(deployer.deployed).toEqual([]);
    });
  });

  test('CloudFormation still running at --timeout: exit 7, and the deployment is said to go on', async () => {
    const deployer = new RecordingDeployer([], () => new Promise(() => undefined));
    const stop = await stopOf(deployAws(request('single-server', { timeoutMs: 30 * 60_000 }), deps(new RecordedAws({ CDKToolkit: bootstrap() }), deployer, { clock: new FakeClock() })));
    expect(stop.exitCode).toBe(EXIT.timeout);
    expect(stop.message).toMatch(/still deploying stack growing-shop after 30 min; stagekit stopped waiting, the deployment goes on/);
    expect(stop.hint).toMatch(/describe-stack-events/);
  });

  test('a failed deployment: exit 6 with where to look; resources CloudFormation could not delete are reported', async () => {
    const failing = new RecordingDeployer([], async () => {
      throw new Error('The stack named growing-shop failed to deploy: UPDATE_ROLLBACK_COMPLETE');
    });
    const stop = await stopOf(deployAws(request('single-server'), deps(new RecordedAws({ CDKToolkit: bootstrap() }), failing)));
    expect([stop.exitCode, stop.hint]).toEqual([EXIT.deployFailed, expect.stringMatching(/describe-stack-events --region us-east-1 --stack-name growing-shop/)]);

    const leaky = new RecordingDeployer([], async () => ({ stackArn: 'arn', outputs: {}, deleteFailures: [{ logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', physicalId: 'growing-shop-shard0' }] }));
    const d = deps(new RecordedAws({ CDKToolkit: bootstrap() }), leaky);
    await deployAws(request('single-server'), d);
    expect(d.log.text).toMatch(/could not delete Db \(AWS::RDS::DBInstance growing-shop-shard0\): it is out of the stack but still exists and is billed/);
  });

  test('the IoHost turns stack events into progress and answers the toolkit\u2019s approval from the change set', async () => {
    const progress: string[] = [];
    const seen: (readonly DestructiveChangeSummary[])[] = [];
    const host = stagekitIoHost({ onProgress: (t) => progress.push(t), approveChangeSet: async (d) => (seen.push(d), false) }, []);
    await host.notify({ time: new Date(), level: 'info', action: 'deploy', code: 'CDK_TOOLKIT_I5502', message: '', data: { deployment: 'x', event: { ResourceStatus: 'CREATE_FAILED', ResourceType: 'AWS::RDS::DBInstance', LogicalResourceId: 'Db', ResourceStatusReason: 'quota' }, progress: { completed: 2, total: 9, formatted: '[2/9]' } } } as any);
    expect(progress).toEqual(['[2/9] CREATE_FAILED AWS::RDS::DBInstance Db: quota']);
    const answer = await host.requestResponse({ time: new Date(), level: 'info', action: 'deploy', code: 'CDK_TOOLKIT_I5060', message: 'approve?', defaultResponse: true, data: { destructiveChanges: [{ stackName: STACK, logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', impact: 'WILL_REPLACE' }] } } as any);
    expect(answer).toBe(false);
    expect(seen[0]).toEqual([{ logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', impact: 'WILL_REPLACE' }]);
    // Other requests get the toolkit's own default.
    expect(await host.requestResponse({ time: new Date(), level: 'info', action: 'deploy', code: 'CDK_TOOLKIT_I5050', message: '', defaultResponse: true, data: {} } as any)).toBe(true);
  });
});

/**
 * `deploy --target k8s` decisions, up to the kubectl boundary: a recorded cluster answers every
 * kubectl call (API discovery, the last deploy's record, server-side apply, status), a fake clock
 * drives the waits. Nothing reaches a cluster.
 */
describe('deploy-k8s', () => {
  const profile = stagePlan('single-server').profile;
  const NS = profile.name;

  /** `kubectl api-resources` as kubectl prints it: fixed-width columns under a header, SHORTNAMES often empty. */
  function apiResourcesTable(kinds: { apiVersion: string; kind: string }[]): string {
    const rows = [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ...kinds.map((k) => [`${k.kind.toLowerCase()}s`, '', k.apiVersion, 'true', k.kind])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 3);
    return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('').trimEnd()).join('\n');
  }

  const BUILT_IN = [
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'v1', kind: 'ServiceAccount' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
    { apiVersion: 'v1', kind: 'Secret' },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' },
  ];

  /** Every kind the ladder uses, as a cluster with all operators installed serves them. */
  function allKinds(): { apiVersion: string; kind: string }[] {
    const seen = new Map<string, { apiVersion: string; kind: string }>();
    for (const k of BUILT_IN) seen.set(`${k.apiVersion} ${k.kind}`, k);
    for (const stage of ['single-server', 'split-tier', 'read-replicas', 'sharded', 'queue-pipeline'] as StageName[]) {
      for (const o of k8sObjects(stage)) seen.set(`${o.apiVersion} ${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
    }
    return [...seen.values()];
  }

  const READY_STATUS: Record<string, (o: KubeObject) => any> = {
    Deployment: (o) => ({ observedGeneration: 1, replicas: o.spec?.replicas ?? 1, updatedReplicas: o.spec?.replicas ?? 1, availableReplicas: o.spec?.replicas ?? 1 }),
    StatefulSet: (o) => ({ observedGeneration: 1, readyReplicas: o.spec?.replicas ?? 1, currentRevision: 'r1', updateRevision: 'r1' }),
    Cluster: () => ({ phase: 'Cluster in healthy state', conditions: [{ type: 'Ready', status: 'True' }] }),
    Kafka: () => ({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }),
    KafkaTopic: () => ({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }),
    ScaledObject: () => ({ conditions: [{ type: 'Ready', status: 'True' }] }),
    RedisReplication: () => ({ masterNode: 'cache-0' }),
  };

  /**
   * A recorded cluster: kubectl calls answered from an in-memory object store, so apply, get and the
   * readiness polls see each other's effects. `status` decides what a live object reports.
   */
  class FakeCluster {
    readonly live = new Map<string, KubeObject>();
    readonly kubectl = new RecordedKubectl();
    private version = 100;
    status: (o: KubeObject) => any = (o) => READY_STATUS[o.kind]?.(o);

    constructor(served = allKinds()) {
      const items = (stdin?: string): KubeObject[] => JSON.parse(stdin ?? '{"items":[]}').items;
      const list = (objects: KubeObject[]) => ok(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
      this.kubectl
        .on('version --client', ok('{"clientVersion":{"gitVersion":"v1.30.1"}}'))
        .on('config current-context', ok('kind-stagekit\n'))
        .on('version -o json', ok('{"clientVersion":{"gitVersion":"v1.30.1"},"serverVersion":{"major":"1","minor":"29","gitVersion":"v1.29.4"}}'))
        .on('api-resources', ok(apiResourcesTable(served)))
        .on(`get namespace ${NS}`, () => ok(this.live.has(`/Namespace//${NS}`) ? `namespace/${NS}\n` : ''))
        .on(`get configmap stagekit-deployment -n ${NS}`, () => {
          const record = this.live.get(`/ConfigMap/${NS}/stagekit-deployment`);
          return ok(record ? JSON.stringify(record) : '');
        })
        .on(`get secret postgres-credentials -n ${NS}`, () => ok(this.live.has(`/Secret/${NS}/postgres-credentials`) ? 'secret/postgres-credentials\n' : ''))
        .on('create -f -', ({ stdin }) => {
          this.store(JSON.parse(stdin!));
          return ok();
        })
        .on('apply --server-side --field-manager=stagekit --dry-run=server', ok())
        .on('apply --server-side --field-manager=stagekit -o json -f -', ({ stdin }) => list(items(stdin).map((o) => this.store(o))))
        .on('apply --server-side --field-manager=stagekit -f -', ({ stdin }) => {
          this.store(JSON.parse(stdin!));
          return ok();
        })
        .on('get -f - -o json --ignore-not-found', ({ stdin }) => list(items(stdin).flatMap((o) => this.live.get(objectKey(o)) ?? [])))
        .on('get -f - -o json', ({ stdin }) => list(items(stdin).map((o) => this.live.get(objectKey(o))!).map((o) => ({ ...o, status: this.status(o) }))));
    }

    /** Stores an object; its resourceVersion changes only when its content does (as server-side apply behaves). */
    store(o: KubeObject): KubeObject {
      const key = objectKey(o);
      const previous = this.live.get(key);
      const { resourceVersion: _rv, ...meta } = (previous?.metadata ?? {}) as any;
      const same = previous && JSON.stringify({ ...previous, metadata: meta }) === JSON.stringify(o);
      const stored = same ? previous! : { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.version) } };
      this.live.set(key, stored);
      return stored;
    }

    /** The cluster as a previous deploy of `stage` left it (objects and stagekit's record). */
    deployed(stage: StageName, objects = k8sObjects(stage)): this {
      for (const o of objects) this.store(o);
      this.store(recordConfigMap(NS, { stage, profile: 'profiles/growing-product.yaml', deployedAt: '2030-01-01T00:00:00.000Z', objects }));
      return this;
    }

    applies(): string[] {
      return this.kubectl.calls.filter((c) => c.args.join(' ').startsWith('apply --server-side --field-manager=stagekit -o json')).map((c) => JSON.parse(c.stdin!).items.map((o: KubeObject) => o.kind).join(','));
    }
  }

  function request(stage: StageName, over: Partial<K8sDeployRequest> = {}): K8sDeployRequest {
    return { plan: computePlan(profile, stage), renderObjects: () => k8sObjects(stage), profileFile: 'profiles/growing-product.yaml', allowDataLoss: false, yes: true, timeoutMs: 10 * 60_000, ...over };
  }

  function deps(cluster: FakeCluster, over: Partial<K8sDeployDeps> = {}): K8sDeployDeps & { log: RecordingLog; clock: FakeClock } {
    return {
      kubectl: cluster.kubectl,
      prompt: new ScriptedPrompt(false),
      clock: new FakeClock(),
      log: new RecordingLog(),
      cost: stageCostDelta,
      password: () => 'generated-password',
      planOf: (s) => computePlan(profile, s),
      ...over,
    } as K8sDeployDeps & { log: RecordingLog; clock: FakeClock };
  }

  describe('preflight fails fast, saying what is missing and how to fix it', () => {
    test('kubectl not installed: exit 5, before anything is rendered', async () => {
      const kubectl = new RecordedKubectl().on('version --client', fail('kubectl: command not found', KUBECTL_NOT_FOUND));
      let rendered = false;
      const stop = await stopOf(deployK8s(request('single-server', { renderObjects: () => ((rendered = true), []) }), deps(new FakeCluster(), { kubectl })));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message).toMatch(/kubectl is not installed/);
      expect(stop.hint).toMatch(/kubernetes\.io\/docs\/tasks\/tools/);
      expect(rendered).toBe(false);
    });

    test('no context selected', async () => {
      const kubectl = new RecordedKubectl().on('version --client', ok('{}')).on('config current-context', fail('error: current-context is not set'));
      const stop = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl })));
      expect(stop.exitCode).toBe(EXIT.preflight);
      expect(stop.message).toBe('No Kubernetes context is selected (kubectl: current-context is not set).');
      expect(stop.hint).toMatch(/KUBECONFIG.*use-context.*--context/);
    });

    test('cluster unreachable, or credentials rejected', async () => {
      const base = () => new RecordedKubectl().on('version --client', ok('{}')).on('config current-context', ok('prod\n'));
      const refused = base().on('version -o json', fail('The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?'));
      const stop = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl: refused })));
      expect([stop.exitCode, stop.message]).toEqual([EXIT.preflight, 'The cluster of context prod is not reachable: The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?']);
      const unauthorized = base().on('version -o json', fail('error: You must be logged in to the server (Unauthorized)'));
      const denied = await stopOf(deployK8s(request('single-server'), deps(new FakeCluster(), { kubectl: unauthorized })));
      expect(denied.message).toMatch(/rejects the credentials/);
      expect(denied.hint).toMatch(/update-kubeconfig/);
    });

    test('missing operators are derived from the manifest and named with the version to install', async () => {
      const cluster = new FakeCluster(BUILT_IN); // no operator installed
      const stop = await stopOf(deployK8s(request('queue-pipeline'), deps(cluster)));
      expect(stop.exitCode).toBe(EXIT.preflight);
      const needed = new Set(k8sObjects('queue-pipeline').map((o) => o.apiVersion).filter((v) => v.includes('.') && !v.includes('k8s.io')));
      for (const apiVersion of needed) expect(stop.message).toContain(apiVersion);
      expect(stop.message).toMatch(/CloudNativePG 1\.30\.0: the cluster does not serve postgresql\.cnpg\.io\/v1 Cluster/);
      expect(stop.message).toMatch(/releases\/cnpg-1\.30\.0\.yaml/);
      expect(cluster.applies()).toEqual([]);
    });

    test('an operator too old to serve the version the stage renders is told to upgrade', async () => {
      const old = allKinds().map((k) => (k.apiVersion === 'kafka.strimzi.io/v1' ? { ...k, apiVersion: 'kafka.strimzi.io/v1beta2' } : k));
      const stop = await stopOf(deployK8s(request('queue-pipeline'), deps(new FakeCluster(old))));
      expect(stop.message).toMatch(/Strimzi 0\.51\.0: the cluster does not serve kafka\.strimzi\.io\/v1 Kafka \(the cluster serves only kafka\.strimzi\.io\/v1beta2\)/);
      expect(stop.message).toMatch(/To upgrade/);
    });
  });

  test('first deploy of single-server: phases in dependency order, the password secret once, a record, readiness, a report', async () => {
    const cluster = new FakeCluster();
    const d = deps(cluster);
    const result = await deployK8s(request('single-server'), d);
    const phases = objectsByPhase(k8sObjects('single-server'));
    expect(cluster.applies()).toEqual(phases.map((p) => p.objects.map((o) => o.kind).join(',')));
    expect(result.phases).toEqual(phases.map((p) => p.phase));
    // The secret is created after the namespace exists and before anything that mounts it.
    const lines = cluster.kubectl.lines;
    const createAt = lines.indexOf('create -f -');
    expect(createAt).toBeGreaterThan(lines.findIndex((l) => l.startsWith('apply --server-side --field-manager=stagekit -o json')));
    expect(createAt).toBeLessThan(lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('apply --server-side --field-manager=stagekit -o json'))[1][1]);
    expect(cluster.live.get(`/Secret/${NS}/postgres-credentials`)?.stringData).toEqual({ password: 'generated-password' });
    // No dry run on a first deploy: the namespace did not exist.
    expect(lines.some((l) => l.includes('--dry-run=server'))).toBe(false);
    expect(cluster.live.get(`/ConfigMap/${NS}/stagekit-deployment`)?.metadata.annotations['stagekit.dev/stage']).toBe('single-server');
    expect(result.created).toHaveLength(k8sObjects('single-server').length);
    expect(d.log.text).toMatch(/workloads ready/);
    // Every kubectl apply used server-side apply with stagekit as the field manager.
    expect(lines.filter((l) => l.startsWith('apply')).every((l) => l.startsWith('apply --server-side --field-manager=stagekit'))).toBe(true);
  });

  test('deploying the same stage again: no question, everything unchanged, the password kept', async () => {
    const cluster = new FakeCluster().deployed('single-server');
    cluster.store({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgres-credentials', namespace: NS }, stringData: { password: 'original' } });
    const result = await deployK8s(request('single-server', { yes: false }), deps(cluster));
    expect(result.created).toEqual([]);
    expect(result.updated).toEqual([]);
    expect(cluster.kubectl.lines).not.toContain('create -f -');
    expect(cluster.live.get(`/Secret/${NS}/postgres-credentials`)?.stringData).toEqual({ password: 'original' });
  });

  test('climbing to split-tier: asks, applies, waits for the CloudNativePG cluster before the workloads, leaves the old StatefulSets in place', async () => {
    const cluster = new FakeCluster().deployed('single-server');
    const prompt = new ScriptedPrompt(true, [true]);
    const d = deps(cluster, { prompt });
    const result = await deployK8s(request('split-tier', { yes: false }), d);
    expect(prompt.questions[0]).toMatch(/Deploy split-tier .* to namespace growing-shop, with the runbook\u2019s "before" steps done\?/);
    expect(d.log.text).toMatch(/Runbook single-server \u2192 split-tier/);
    // The recorded cluster has no Barman Cloud plugin: the deploy goes on, and says backups are not running.
    expect(d.log.text).toMatch(/WARN The Barman Cloud plugin \(barmancloud\.cnpg\.io\/v1 ObjectStore\) is not installed; clusters postgres archive through it/);
    expect(result.leftInPlace).toEqual(expect.arrayContaining([`StatefulSet ${NS}/postgres`, `StatefulSet ${NS}/redis`]));
    expect(result.updated).toContain(`Deployment ${NS}/web`);
    const log = d.log.lines;
    expect(log.findIndex((l) => l.startsWith('DONE data services ready'))).toBeLessThan(log.findIndex((l) => l.startsWith('OK services:')));
    // The dry run ran first, since the namespace existed.
    expect(cluster.kubectl.lines.findIndex((l) => l.includes('--dry-run=server'))).toBeLessThan(cluster.kubectl.lines.findIndex((l) => l.startsWith('apply --server-side --field-manager=stagekit -o json')));
  });

  test('--until data: only the phases up to data, no record (the next deploy still compares with single-server)', async () => {
    const cluster = new FakeCluster().deployed('single-server');
    const result = await deployK8s(request('split-tier', { until: 'data' }), deps(cluster));
    expect(result.phases).toEqual(['namespace', 'config', 'data']);
    expect(cluster.live.get(`/ConfigMap/${NS}/stagekit-deployment`)?.metadata.annotations['stagekit.dev/stage']).toBe('single-server');
  });

  describe('refusals: nothing is applied', () => {
    test('moving down deletes data (the CloudNativePG cluster): exit 3 unless --allow-data-loss', async () => {
      const cluster = new FakeCluster().deployed('split-tier');
      const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stop.message).toMatch(/would lose data/);
      expect(cluster.applies()).toEqual([]);

      const allowed = new FakeCluster().deployed('split-tier');
      const d = deps(allowed);
      await deployK8s(request('single-server', { allowDataLoss: true }), d);
      expect(d.log.text).toMatch(/--allow-data-loss: proceeding/);
      expect(allowed.applies().length).toBeGreaterThan(0);
    });

    test('an immutable field change is refused even with --allow-data-loss, with the fix', async () => {
      const previous = k8sObjects('single-server').map((o) =>
        o.kind === 'StatefulSet' && o.metadata.name === 'postgres' ? { ...o, spec: { ...o.spec, volumeClaimTemplates: [{ ...o.spec.volumeClaimTemplates[0], spec: { ...o.spec.volumeClaimTemplates[0].spec, storageClassName: 'slow' } }] } } : o,
      );
      const cluster = new FakeCluster().deployed('single-server', previous);
      const stop = await stopOf(deployK8s(request('single-server', { allowDataLoss: true }), deps(cluster)));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stop.message).toMatch(/would reject 1 change/);
      expect(stop.hint).toMatch(/--cascade=orphan/);
    });

    test('the API server rejecting the dry run is a rejected change (exit 3)', async () => {
      const cluster = new FakeCluster().deployed('single-server');
      cluster.kubectl.override('apply --server-side --field-manager=stagekit --dry-run=server', fail('The StatefulSet "redis" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\' are forbidden'));
      const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
      expect(stop.exitCode).toBe(EXIT.risky);
      expect(stop.hint).toMatch(/StatefulSet redis/);
    });

    test('no terminal and no --yes: exit 4', async () => {
      const cluster = new FakeCluster();
      const stop = await stopOf(deployK8s(request('single-server', { yes: false }), deps(cluster)));
      expect(stop.exitCode).toBe(EXIT.notConfirmed);
      expect(stop.hint).toMatch(/--yes/);
      expect(cluster.applies()).toEqual([]);
    });

    test('answering no: exit 4', async () => {
      const cluster = new FakeCluster();
      const stop = await stopOf(deployK8s(request('single-server', { yes: false }), deps(cluster, { prompt: new ScriptedPrompt(true, [false]) })));
      expect([stop.exitCode, stop.message]).toEqual([EXIT.notConfirmed, 'Not confirmed. Nothing was changed.']);
    });
  });

  test('a cluster that never gets Ready: exit 7 after --timeout, naming it and hinting at the operator', async () => {
    const cluster = new FakeCluster().deployed('single-server');
    cluster.status = (o) => (o.kind === 'Cluster' ? undefined : READY_STATUS[o.kind]?.(o));
    const d = deps(cluster);
    const stop = await stopOf(deployK8s(request('split-tier', { timeoutMs: 5 * 60_000 }), d));
    expect(stop.exitCode).toBe(EXIT.timeout);
    expect(stop.message).toMatch(/not ready after 5 min:\n {2}Cluster growing-shop\/postgres: no status yet \(is the CloudNativePG operator running/);
    expect(d.clock.time - Date.UTC(2030, 0, 1)).toBe(5 * 60_000);
    // It stopped at the data services: the workloads were not applied against a database that is not there.
    expect(cluster.applies().some((kinds) => kinds.includes('Deployment'))).toBe(false);
  });

  test('a rollout past its progress deadline fails at once (exit 6)', async () => {
    const cluster = new FakeCluster();
    cluster.status = (o) => (o.kind === 'Deployment' ? { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5d9" has timed out progressing.' }] } : READY_STATUS[o.kind]?.(o));
    const d = deps(cluster);
    const stop = await stopOf(deployK8s(request('single-server'), d));
    expect(stop.exitCode).toBe(EXIT.deployFailed);
    expect(stop.message).toMatch(/Deployment growing-shop\/web: rollout exceeded its progress deadline/);
    expect(d.clock.time).toBe(Date.UTC(2030, 0, 1));
  });

  test('kubectl apply failing in a phase: exit 6, saying which phases were applied', async () => {
    const cluster = new FakeCluster();
    let phase = 0;
    cluster.kubectl.override('apply --server-side --field-manager=stagekit -o json', ({ stdin }) => (++phase === 3 ? fail('Error from server (Conflict): Apply failed with 1 conflict: conflict with "helm" using apps/v1: .spec.replicas') : ok(stdin)));
    const stop = await stopOf(deployK8s(request('single-server'), deps(cluster)));
    expect(stop.exitCode).toBe(EXIT.deployFailed);
    expect(stop.message).toMatch(/kubectl apply failed in phase "services".*\nAlready applied: namespace, config\./s);
    expect(stop.hint).toMatch(/--force-conflicts/);
  });
});

/**
 * Deployed sizes are a floor: the lock file deploy writes, the floor read back from a deployed
 * template or the objects a namespace runs, and Kubernetes volume growth through PVC expansion.
 */
describe('deployed-floor', () => {
  const profile = stagePlan('single-server').profile;
  const scaled = (p: Profile, data: number, traffic = 1): Profile => ({
    ...p,
    data: { ...p.data, datasetGiB: p.data.datasetGiB * data, writesPerSecond: p.data.writesPerSecond * traffic },
    traffic: { ...p.traffic, peakRequestsPerSecond: p.traffic.peakRequestsPerSecond * traffic },
  });
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-lock-'));

  describe('the floor read back from what is deployed', () => {
    test('a deployed template: storage per shard, cache node layout, zones', () => {
      const sizes = sizesFromTemplate(awsTemplate('sharded'), profile.name, 'sharded');
      const plan = stagePlan('sharded');
      const shards = shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB);
      expect(sizes.databaseStorageGiB).toEqual(shards);
      expect(sizes).toMatchObject({ zones: plan.zones, cacheNodeType: plan.cache!.node.name, cacheNodes: plan.cache!.nodes });
      expect(sizesFromTemplate(awsTemplate('single-server'), profile.name, 'single-server')).toMatchObject({ zones: 1, serverDataVolumeGiB: stagePlan('single-server').server!.dataVolumeGiB });
    });

    test('a namespace\u2019s objects: claims, CNPG storage, brokers and partitions', () => {
      const plan = stagePlan('queue-pipeline');
      const sizes = sizesFromObjects(k8sObjects('queue-pipeline'), profile.name, 'queue-pipeline');
      const kafka = plan.queue!.selfHostedKafka;
      expect(sizes).toMatchObject({ zones: plan.zones, kafkaBrokers: kafka.brokers, kafkaStorageGiBPerBroker: kafka.storageGiBPerBroker, kafkaPartitions: kafka.partitions, cacheNodes: plan.cache!.nodes });
      expect(sizes.databaseStorageGiB).toEqual(shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB));
      expect(sizes.cacheClaimTemplateGiB).toBeGreaterThan(0);
    });
  });

  describe('computePlan with a deployed floor', () => {
    test('shrinking the profile keeps every deployed size; the reasoning says so', () => {
      const old = stagePlan('queue-pipeline');
      const deployed = sizesFromTemplate(awsTemplate('queue-pipeline'), profile.name, 'queue-pipeline');
      const small = computePlan(scaled(profile, 0.5, 0.5), 'queue-pipeline', { deployed: { ...deployed, ...deployedSizesOf(old, deployed.databaseStorageGiB) } });
      const sizes = shardSizings(small, computeLadder(small.profile)).map((s) => s.storageGiB);
      expect(sizes).toEqual(deployed.databaseStorageGiB);
      expect(small.queue!.selfHostedKafka.brokers).toBeGreaterThanOrEqual(old.queue!.selfHostedKafka.brokers);
      expect(small.cache!.node.memoryGiB).toBeGreaterThanOrEqual(old.cache!.node.memoryGiB);
      expect(small.reasoning.some((r) => r.startsWith('floor:'))).toBe(true);
    });

    test('a higher SLO keeps the deployed zones (cache AZs and MSK subnets are create-only) and warns', () => {
      const deployed = deployedSizesOf(stagePlan('queue-pipeline'));
      const strict = { ...profile, objectives: { ...profile.objectives, availabilityPercent: 99.99 } };
      expect(computePlan(strict, 'queue-pipeline').zones).toBe(3);
      const kept = computePlan(strict, 'queue-pipeline', { deployed });
      expect(kept.zones).toBe(deployed.zones);
      expect(kept.warnings.join('\n')).toMatch(/keeps 2.*migration/);
    });
  });

  describe('stagekit.lock.json', () => {
    test('deploy records, later deploys never lower it, plans read the merge of both targets', () => {
      const dir = tmp();
      const file = path.join(dir, 'stagekit.lock.json');
      try {
        const big = deployedSizesOf(stagePlan('sharded'), [800, 400]);
        recordDeploy(file, 'aws', { stage: 'sharded', deployedAt: '2030-01-01T00:00:00Z', profile: 'p.yaml', sizes: big });
        recordDeploy(file, 'aws', { stage: 'sharded', deployedAt: '2030-02-01T00:00:00Z', profile: 'p.yaml', sizes: { ...big, databaseStorageGiB: [500, 500] } });
        recordDeploy(file, 'k8s', { stage: 'sharded', deployedAt: '2030-02-01T00:00:00Z', profile: 'p.yaml', sizes: { ...big, databaseStorageGiB: [700, 450, 450] } });
        const lock = readLock(file)!;
        expect(lock.targets.aws!.sizes.databaseStorageGiB).toEqual([800, 500]);
        expect(lockedFloor(lock, profile.name)!.databaseStorageGiB).toEqual([800, 500, 450]);
        expect(JSON.parse(fs.readFileSync(file, 'utf8')).targets.aws.sizes).not.toHaveProperty('product');
        expect(fs.readdirSync(dir)).toEqual(['stagekit.lock.json']);
        expect(() => lockedFloor(lock, 'another-shop', file)).toThrow(/product: expected another-shop.*got "growing-shop"/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('no lock file is no floor; a bad one is a usage error naming the field; devices are refused', () => {
      const dir = tmp();
      try {
        expect(readLock(path.join(dir, 'missing.json'))).toBeUndefined();
        const bad = path.join(dir, 'bad.json');
        fs.writeFileSync(bad, JSON.stringify({ lockfileVersion: 1, product: 'x', targets: { aws: { stage: 'sharded', sizes: { databaseStorageGiB: [100, -5] } } } }));
        expect(() => readLock(bad)).toThrow(UsageError);
        expect(() => readLock(bad)).toThrow(/targets\.aws\.sizes\.databaseStorageGiB: expected a list of whole GiB per shard/);
        fs.writeFileSync(bad, '{');
        expect(() => readLock(bad)).toThrow(/not valid JSON/);
        expect(() => readLock('/dev/zero')).toThrow(/expected a regular lock file/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  test('Kubernetes growth at the same stage: the claim template stays, the claim is expanded', () => {
    const before = k8sObjects('single-server');
    const deployed = sizesFromObjects(before, profile.name, 'single-server');
    const grown = computePlan(scaled(profile, 2), 'single-server', { deployed });
    expect(grown.server!.dataVolumeGiB).toBeGreaterThan(deployed.serverClaimTemplateGiB!);
    const after = stageRenderer().k8s(grown).objects as any[];
    const template = after.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres').spec.volumeClaimTemplates[0].spec.resources.requests.storage;
    expect(template).toBe(`${deployed.serverClaimTemplateGiB}Gi`);
    const claim = after.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'data-postgres-0');
    expect(claim.spec.resources.requests.storage).toBe(`${grown.server!.dataVolumeGiB}Gi`);
    const changes = compareObjects(before, after);
    expect(changes.risks.filter((r) => r.severity === 'rejected' || r.severity === 'data-loss')).toEqual([]);
    // Read back, the expanded claim is the floor of the next plan; the template is still the template.
    const next = sizesFromObjects(after, profile.name, 'single-server');
    expect(next).toMatchObject({ serverClaimTemplateGiB: deployed.serverClaimTemplateGiB, serverDataVolumeGiB: grown.server!.dataVolumeGiB });
  });

  test('deploy --target aws: replans over the deployed template and records what it deployed', async () => {
    const calls: string[] = [];
    const aws: AwsApi = {
      callerIdentity: async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ci' }),
      describeStack: async (name): Promise<StackSummary> =>
        name === 'CDKToolkit'
          ? { name, arn: 'arn:cdktoolkit', status: 'UPDATE_COMPLETE', tags: {}, outputs: { BootstrapVersion: '30' } }
          : { name, arn: 'arn:stack', status: 'UPDATE_COMPLETE', tags: { 'stagekit:stage': 'sharded' }, outputs: {} },
      deployedTemplate: async () => awsTemplate('sharded'),
    };
    const recorded: any[] = [];
    const log = new RecordingLog();
    const shrunk = scaled(profile, 0.5);
    await deployAws(
      { plan: computePlan(shrunk, 'sharded'), stackName: profile.name, profileFile: 'p.yaml', allowDataLoss: false, yes: true, timeoutMs: 60_000 },
      {
        aws,
        deployer: { deploy: async () => ({ stackArn: 'arn:stack', outputs: {}, deleteFailures: [] }) },
        prompt: new ScriptedPrompt(false),
        clock: new FrozenClock(),
        log,
        cost: stageCostDelta,
        riskCheck: awsStatefulRisks,
        // The floored plan renders what is deployed: the shared synth of the unshrunk profile stands in for it.
        synth: (plan) => {
          calls.push(`synth ${shardSizings(plan, computeLadder(plan.profile)).map((s) => s.storageGiB).join('/')}`);
          return { assemblyDir: awsAssemblyDir('sharded'), template: awsTemplate('sharded'), requiredBootstrapVersion: 6 };
        },
        planOf: (s) => computePlan(shrunk, s),
        deployedState: {
          replan: (deployed) => computePlan(shrunk, 'sharded', { deployed }),
          record: (sizes) => recorded.push(sizes),
        },
      },
    );
    const deployedShards = sizesFromTemplate(awsTemplate('sharded'), profile.name, 'sharded').databaseStorageGiB!;
    expect(calls).toEqual([`synth ${deployedShards.join('/')}`]);
    expect(log.text).toMatch(/floor: .*kept at the deployed/);
    expect(recorded).toEqual([expect.objectContaining({ stage: 'sharded', databaseStorageGiB: deployedShards })]);
  });
});
