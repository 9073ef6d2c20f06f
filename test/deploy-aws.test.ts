/**
 * `deploy --target aws` decisions, up to the boundaries: recorded AWS answers (identity, the
 * bootstrap stack, the deployed stack and its template), a recording CDK deployer, scripted
 * prompts and a fake clock. Plus the real SDK credential chain failing fast with no credentials.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan } from '../core/plan';
import type { StageName } from '../core/ladder';
import { AwsApi, CallerIdentity, credentialsError, sdkAwsApi, StackSummary } from '../deploy/aws/aws-api';
import { AwsDeployDeps, AwsDeployRequest, deployAws } from '../deploy/aws/deploy-aws';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { CdkDeployer, CdkDeployHandlers, CdkDeployResult, DestructiveChangeSummary, stagekitIoHost } from '../deploy/aws/toolkit';
import { stageCostDelta } from '../deploy/cost-delta';
import { EXIT } from '../deploy/exit-codes';
import { FakeClock, FrozenClock, RecordingLog, ScriptedPrompt, stopOf } from './support/fakes';
import { awsAssemblyDir, awsTemplate, stagePlan } from './support/stages';

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
