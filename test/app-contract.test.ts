/**
 * One contract with the app (core/contract.ts): the web tier sees the same environment names on
 * AWS and on Kubernetes, every name it sees is in the contract, and the shard map has the same
 * document shape on both targets.
 */
import { APP_ENV, TARGET_DETAIL_ENV } from '../core/contract';
import { STAGE_NAMES } from '../core/ladder';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';

const CONTRACT = new Set<string>(Object.values(APP_ENV));

/** Names passed to the app container in user data: `-e NAME=value` flags and lines of its Docker env file. */
function userDataEnvNames(userData: unknown): string[] {
  const text = JSON.stringify(userData);
  const flags = [...text.matchAll(/-e '?([A-Z][A-Z0-9_]*)=/g)].map((match) => match[1]);
  const envFile = [...text.matchAll(/echo \\"([A-Z][A-Z0-9_]*)=\$\(cat /g)].map((match) => match[1]);
  return [...flags, ...envFile];
}

/** Names passed to the app container in a launch template's user data. */
function awsEnvNames(template: any, launchTemplatePrefix: string): string[] {
  const [, resource] = Object.entries<any>(template.Resources).find(([id, r]) => id.startsWith(launchTemplatePrefix) && r.Type === 'AWS::EC2::LaunchTemplate')!;
  return userDataEnvNames(resource.Properties.LaunchTemplateData.UserData);
}

/** Names the web app gets on AWS: from the single server's instance, or from the web fleet. */
function awsWebEnvNames(stage: (typeof STAGE_NAMES)[number]): string[] {
  const template = awsTemplate(stage);
  if (!stagePlan(stage).server) return awsEnvNames(template, 'WebFleetLaunchTemplate');
  const [, instance] = Object.entries<any>(template.Resources).find(([id, r]) => id.startsWith('SingleServerInstance') && r.Type === 'AWS::EC2::Instance')!;
  return userDataEnvNames(instance.Properties.UserData);
}

function k8sEnvNames(objects: any[], name: string): string[] {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  return deployment.spec.template.spec.containers[0].env.map((e: any) => e.name);
}

/** What the app relies on, whatever the target. */
function expectedNames(stage: (typeof STAGE_NAMES)[number]): string[] {
  const plan = stagePlan(stage);
  const names = ['STAGEKIT_ROLE', 'PORT', 'DATABASE_HOST', 'DATABASE_READ_HOST', 'DATABASE_DIRECT_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_AUTH', 'DATABASE_SSLMODE'];
  if (plan.cache) names.push('CACHE_HOST', 'CACHE_READ_HOST', 'CACHE_PORT', 'CACHE_TLS', 'CACHE_AUTH');
  if (plan.database) names.push('DATABASE_SHARD_MAP', 'DATABASE_SHARD_COUNT');
  // The transport may differ (SQS on AWS, Kafka standing in on Kubernetes): JOBS_TRANSPORT says which.
  if (plan.queue) names.push('JOBS_TRANSPORT');
  return names;
}

/** The names a process gets that both targets must give alike (all but TARGET_DETAIL_ENV), sorted. */
const sharedNames = (names: string[]): string[] => [...new Set(names.filter((name) => !TARGET_DETAIL_ENV.has(name as never)))].sort();

describe.each(STAGE_NAMES)('%s: the app sees the same environment on both targets', (stage) => {
  test('the web app gets the same names on AWS as on Kubernetes', () => {
    const aws = awsWebEnvNames(stage);
    const k8s = k8sEnvNames(k8sObjects(stage), 'web');
    expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
    expect(sharedNames(aws)).toEqual(sharedNames(k8s));
    for (const name of expectedNames(stage)) expect(aws).toContain(name);
  });

  if (stage === 'queue-pipeline') {
    test('the workers get the same names on AWS as on Kubernetes', () => {
      expect(sharedNames(awsEnvNames(awsTemplate(stage), 'WorkersFleetLaunchTemplate'))).toEqual(sharedNames(k8sEnvNames(k8sObjects(stage), 'worker')));
    });
  }
});

test('on the single server the app gets exactly the Kubernetes names, the password included (plus the AWS region)', () => {
  const aws = awsWebEnvNames('single-server');
  expect(aws.filter((name) => name !== APP_ENV.awsRegion).sort()).toEqual(k8sEnvNames(k8sObjects('single-server'), 'web').sort());
  expect(aws).toContain(APP_ENV.databasePassword);
  const userData = JSON.stringify(awsTemplate('single-server'));
  // The password reaches the app through the env file, never a command line, and Postgres requires it on TCP.
  expect(userData).not.toMatch(/-e '?DATABASE_PASSWORD/);
  expect(userData).toContain('--auth-host=scram-sha-256');
  expect(userData).toContain("-e 'DATABASE_AUTH=password'");
});

describe.each(STAGE_NAMES.filter((stage) => stage !== 'single-server'))('%s', (stage) => {
  const aws = awsEnvNames(awsTemplate(stage), 'WebFleetLaunchTemplate');
  const k8s = k8sEnvNames(k8sObjects(stage), 'web');

  test('every name the web tier is given is in the contract, on both targets', () => {
    expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
    expect(k8s.filter((name) => !CONTRACT.has(name))).toEqual([]);
  });

  test('the names the app relies on are there on both targets', () => {
    for (const name of expectedNames(stage)) {
      expect(aws).toContain(name);
      expect(k8s).toContain(name);
    }
  });

  test('DATABASE_AUTH and CACHE_AUTH say how to authenticate on each target', () => {
    expect(JSON.stringify(awsTemplate(stage))).toContain("-e 'DATABASE_AUTH=iam'");
    const env = k8sObjects(stage).find((o) => o.kind === 'Deployment' && o.metadata.name === 'web').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'DATABASE_AUTH', value: 'password' });
    expect(env.find((e: any) => e.name === 'DATABASE_PASSWORD').valueFrom.secretKeyRef).toBeDefined();
  });
});

test('the shard map has the same document shape on both targets', () => {
  const template = awsTemplate('sharded');
  const [, parameter] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::SSM::Parameter')!;
  const onAws = JSON.parse(parameter.Properties.Value);
  const configMap = k8sObjects('sharded').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'postgres-shard-map');
  const onK8s = JSON.parse(configMap.data['shard-map.json']);
  expect(Object.keys(onK8s).sort()).toEqual(Object.keys(onAws).sort());
  expect(onK8s.shards.map((shard: object) => Object.keys(shard).sort())).toEqual(onAws.shards.map((shard: object) => Object.keys(shard).sort()));
  expect(onK8s.shards.length).toBe(onAws.shards.length);
});

test('workers get the job settings on both targets', () => {
  const aws = awsEnvNames(awsTemplate('queue-pipeline'), 'WorkersFleetLaunchTemplate');
  const k8s = k8sEnvNames(k8sObjects('queue-pipeline'), 'worker');
  for (const name of ['STAGEKIT_ROLE', 'JOBS_TRANSPORT', 'JOBS_MAX_DELIVERIES', 'JOBS_VISIBILITY_TIMEOUT_SECONDS', 'DATABASE_HOST']) {
    expect(aws).toContain(name);
    expect(k8s).toContain(name);
  }
  expect(aws.filter((name) => !CONTRACT.has(name))).toEqual([]);
  expect(k8s.filter((name) => !CONTRACT.has(name))).toEqual([]);
});
