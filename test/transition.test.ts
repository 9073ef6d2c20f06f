/**
 * Moving between stages and profiles (stagekit plan, deploy's safety check): the transition report, profile changes at the same stage, CloudFormation's create-only facts, the Kubernetes half of the check, and the runbooks.
 * Each block below was a test file of its own; they share one file so the modules they load are loaded once.
 */
import { STAGE_NAMES, StageName } from '../core/ladder';
import { awsStatefulRisks } from '../deploy/aws/safety';
import { CostEstimator } from '../deploy/cost-delta';
import { formatTransition } from '../deploy/report';
import { TransitionReport, awsChangeLines, planTransition } from '../deploy/transition';
import { isBlocking } from '../deploy/risk';
import { awsTemplate, k8sObjects, stagePlan } from './support/stages';
import { compareTemplates } from '../deploy/aws/changes';
import { profileEditRunbook } from '../deploy/profile-change';
import createOnly from '../data/aws/create-only-properties.json';
import { changedNestedCreateOnly, statefulRisks } from '../deploy/aws/upgrade-safety';
import { compareObjects, gibibytes, immutableFieldProblems } from '../deploy/k8s/changes';
import { KubeObject, applyPhase, objectsByPhase } from '../deploy/k8s/objects';
import { Runbook, neighbourLeg, runbookContext, transitionRunbook } from '../deploy/runbooks';

/**
 * `stagekit plan` on the stages globalSetup synthesized: every pair of stages on both targets,
 * the known risky moves flagged, the safe climbs not, and the three output formats.
 */
describe('plan-transition', () => {
  const profile = stagePlan('single-server').profile;
  const renderer = { awsTemplate: (plan: { stage: StageName }) => awsTemplate(plan.stage), k8sObjects: (plan: { stage: StageName }) => k8sObjects(plan.stage) };
  const unavailable: CostEstimator = () => ({ status: 'unavailable', reason: 'not wired in this test' });

  const reports = new Map<string, TransitionReport>();
  function plan(from: StageName, to: StageName, cost: CostEstimator = unavailable): TransitionReport {
    const key = `${from}>${to}`;
    if (cost === unavailable && reports.has(key)) return reports.get(key)!;
    const report = planTransition({ profile, from, to, targets: ['aws', 'k8s'], render: renderer, awsRiskCheck: awsStatefulRisks, cost });
    if (cost === unavailable) reports.set(key, report);
    return report;
  }

  const blocking = (r: TransitionReport, target: 'aws' | 'k8s') => r.targets.find((t) => t.target === target)!.risks.filter(isBlocking).map((k) => `${k.severity} ${k.resourceType} ${k.resource}`);
  const pairs = STAGE_NAMES.flatMap((from) => STAGE_NAMES.map((to) => [from, to] as const));

  test.each(pairs)('plan %s -> %s: both targets, a runbook with one leg per step, every format renders', (from, to) => {
    const report = plan(from, to);
    expect(report.targets.map((t) => t.target)).toEqual(['aws', 'k8s']);
    const steps = Math.abs(STAGE_NAMES.indexOf(to) - STAGE_NAMES.indexOf(from));
    for (const t of report.targets) {
      expect(t.runbook.legs).toHaveLength(steps);
      if (from === to) expect(t.added.length + t.changed.length + t.removed.length).toBe(0);
    }
    expect(JSON.parse(formatTransition(report, 'json')).to).toBe(to);
    expect(formatTransition(report, 'markdown')).toContain(`## stagekit plan: \`${profile.name}\` ${from} \u2192 ${to}`);
    expect(formatTransition(report, 'table')).toContain(`${from} \u2192 ${to}`);
  });

  test('every climb to the next stage keeps every stateful resource on both targets', () => {
    for (let i = 0; i + 1 < STAGE_NAMES.length; i++) {
      const report = plan(STAGE_NAMES[i], STAGE_NAMES[i + 1]);
      expect({ move: `${STAGE_NAMES[i]} -> ${STAGE_NAMES[i + 1]}`, aws: blocking(report, 'aws'), k8s: blocking(report, 'k8s') }).toEqual({
        move: `${STAGE_NAMES[i]} -> ${STAGE_NAMES[i + 1]}`,
        aws: [],
        k8s: [],
      });
      expect(report.risky).toBe(false);
    }
  });

  test('single-server -> split-tier hands the data volume to the runbook: retained, not destroyed', () => {
    const report = plan('single-server', 'split-tier');
    const aws = report.targets[0];
    expect(aws.risks.find((r) => r.resourceType === 'AWS::EC2::Volume')).toMatchObject({ severity: 'retained' });
    const k8s = report.targets[1];
    expect(k8s.risks.find((r) => r.resource.endsWith('/postgres') && r.resourceType.endsWith('StatefulSet'))).toMatchObject({ severity: 'retained' });
    expect(aws.runbook.legs[0].dataWork).toBe(true);
  });

  test('moving down from split-tier flags the database: RDS deleted (snapshot), CloudNativePG cluster deleted', () => {
    const report = plan('split-tier', 'single-server');
    expect(report.risky).toBe(true);
    expect(blocking(report, 'aws').some((r) => r.includes('AWS::RDS::DBInstance'))).toBe(true);
    expect(blocking(report, 'k8s').some((r) => r.includes('Cluster'))).toBe(true);
  });

  test('moving down from sharded flags the extra shards; from queue-pipeline, the queue (retained on AWS, Kafka deleted on Kubernetes)', () => {
    const sharded = plan('sharded', 'read-replicas');
    expect(blocking(sharded, 'aws').some((r) => /DBInstance .*Shard1/.test(r))).toBe(true);
    expect(blocking(sharded, 'k8s').some((r) => /Cluster .*shard-1/.test(r))).toBe(true);
    const queue = plan('queue-pipeline', 'sharded');
    // The stack retains its SQS queues (DeletionPolicy Retain): reported, not destroyed; the runbook drains them.
    expect(queue.targets[0].risks.filter((r) => r.resourceType === 'AWS::SQS::Queue').map((r) => r.severity)).toEqual(['retained', 'retained']);
    // Self-hosted, Kafka stands in for SQS: removing the cluster deletes its messages.
    expect(blocking(queue, 'k8s').some((r) => /kafka\.strimzi\.io\/v1 Kafka /.test(r))).toBe(true);
  });

  test('markdown for a pull request: caution block on a risky move, risks table, collapsed resources, runbook steps', () => {
    const md = formatTransition(plan('split-tier', 'single-server'), 'markdown');
    expect(md).toMatch(/> \[!CAUTION\]/);
    expect(md).toMatch(/\| :red_circle: \*\*DATA LOSS\*\* \| `DatabaseShard0Primary\w+` \| `AWS::RDS::DBInstance` \|/);
    expect(md).toMatch(/<details><summary>Resources<\/summary>/);
    expect(md).toMatch(/#### Runbook: split-tier \u2192 single-server \(data work\)/);
    expect(md).toMatch(/```sh\n {3}aws rds create-db-snapshot/);
    const safe = formatTransition(plan('split-tier', 'read-replicas'), 'markdown');
    expect(safe).toMatch(/> \[!NOTE\]\n> No stateful resource is replaced or destroyed/);
  });

  test('the cost delta comes from the estimator, per provider, and says when it is unavailable', () => {
    const priced: CostEstimator = ({ target }) => ({
      status: 'priced',
      currency: 'USD',
      catalogDate: '2026-05',
      providers: target === 'aws' ? [{ provider: 'aws', label: 'AWS us-east-1', fromMonthly: 120, toMonthly: 1450.5, deltaMonthly: 1330.5, notPriced: 0 }] : [{ provider: 'self-hosted', label: 'Hetzner', fromMonthly: 40, toMonthly: 95, deltaMonthly: 55, notPriced: 1 }],
    });
    const report = plan('single-server', 'split-tier', priced);
    const md = formatTransition(report, 'markdown');
    expect(md).toContain('| AWS us-east-1 | $120.00 | $1,450.50 | **+$1,330.50** |  |');
    expect(md).toContain('| Hetzner | $40.00 | $95.00 | **+$55.00** | 1 resource(s) not priced |');
    expect(formatTransition(plan('single-server', 'split-tier'), 'markdown')).toContain('Monthly cost: not available (not wired in this test).');
  });

  test('the real estimator prices both ends with the cost module: AWS for aws, EKS and self-hosted for k8s', () => {
    const { stageCostDelta } = require('../deploy/cost-delta') as typeof import('../deploy/cost-delta');
    const { priceArtifacts } = require('../cost') as typeof import('../cost');
    const fromPlan = stagePlan('single-server');
    const toPlan = stagePlan('split-tier');
    const aws = stageCostDelta({ target: 'aws', fromPlan, toPlan, fromTemplate: awsTemplate('single-server'), toTemplate: awsTemplate('split-tier') });
    if (aws.status !== 'priced') throw new Error(aws.reason);
    const expectedTo = priceArtifacts(toPlan, awsTemplate('split-tier'), []).providers.aws.totalMonthlyCost;
    const expectedFrom = priceArtifacts(fromPlan, awsTemplate('single-server'), []).providers.aws.totalMonthlyCost;
    expect(aws.providers).toEqual([expect.objectContaining({ provider: 'aws', fromMonthly: expectedFrom, toMonthly: expectedTo, deltaMonthly: expectedTo - expectedFrom })]);
    expect(aws.catalogDate).toMatch(/Prices published/);
    const k8s = stageCostDelta({ target: 'k8s', fromPlan, toPlan, fromObjects: k8sObjects('single-server'), toObjects: k8sObjects('split-tier') });
    expect(k8s.status === 'priced' && k8s.providers.map((p) => p.provider)).toEqual(['eks', 'self-hosted']);
    // Nothing deployed yet: the "from" side is $0 and the delta is the whole bill.
    const first = stageCostDelta({ target: 'k8s', fromPlan: toPlan, toPlan, toObjects: k8sObjects('split-tier') });
    expect(first.status === 'priced' && first.providers.every((p) => p.fromMonthly === 0 && p.deltaMonthly === p.toMonthly)).toBe(true);
  });
});

/**
 * `plan --from-profile` decisions in-process (the CLI's exit codes are in plan-cli.test.ts; the
 * growth matrix covers every stage): a refused edit, and the one-line summary of tag-only changes.
 */
describe('plan-profile-change', () => {
  test('a blocked change: the runbook says the edit is refused (exit 3), names each resource and its way out', () => {
    const plan = stagePlan('single-server');
    const risk = { target: 'k8s' as const, resource: 'StatefulSet growing-shop/postgres', resourceType: 'apps/v1 StatefulSet', severity: 'rejected' as const, change: 'spec.volumeClaimTemplates change rejected', reason: 'immutable', fix: 'kubectl delete statefulset postgres --cascade=orphan' };
    const runbook = profileEditRunbook('single-server', 'k8s', plan, plan, [risk]);
    expect(runbook.notes[0]).toBe('Refused (exit 3): 1 change(s) would replace, shrink or reject a stateful resource. Nothing is deployed until they are resolved:');
    expect(runbook.notes[1]).toBe('StatefulSet growing-shop/postgres: kubectl delete statefulset postgres --cascade=orphan');
    expect(profileEditRunbook('single-server', 'k8s', plan, plan, [{ ...risk, severity: 'retained' }]).notes[0]).toMatch(/^Same stage/);
  });

  test('a stage move: tag-only changes are one line ("N resources: tags only"); the dashboard is updated, not replaced', () => {
    const changes = compareTemplates(awsTemplate('split-tier'), awsTemplate('read-replicas'), awsStatefulRisks);
    const lines = awsChangeLines(changes.changed);
    expect(lines.tagsOnly.length).toBeGreaterThan(10);
    expect(lines.tagsOnly.length + lines.changed.length).toBe(changes.changed.length);
    for (const c of lines.changed) expect(c.detail).not.toMatch(/^updated in place: Tags$/);
    const dashboard = changes.changed.find((c) => c.resourceType === 'AWS::CloudWatch::Dashboard');
    expect(dashboard?.impact ?? 'unchanged').not.toBe('replace');
    const report = {
      product: 'growing-shop', from: 'split-tier', to: 'read-replicas', risky: false,
      targets: [{ target: 'aws', scope: 'stack', added: [], ...lines, removed: [], unchanged: 0, risks: [], cost: { status: 'unavailable', reason: 'n/a' }, runbook: { from: 'split-tier', to: 'read-replicas', target: 'aws', direction: 'up', legs: [], notes: ['n/a'] } }],
    } as any;
    const text = formatTransition(report, 'table');
    expect(text).toContain(`${lines.tagsOnly.length} resources: tags only`);
    expect(text.split('\n').filter((l) => /updated in place: Tags$/.test(l.trim()))).toEqual([]);
  });
});

/**
 * The safety check knows create-only properties, nested ones included (from
 * @aws-cdk/aws-service-spec), sizes a service cannot shrink, and the Kubernetes fields
 * the API server or an operator refuses to change.
 */
describe('safety-create-only', () => {
  const template = (type: string, properties: object) => ({ Resources: { Thing: { Type: type, Properties: properties, DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' } } });

  const msk = (subnets: string[], brokers = 4, volume = 100) => ({
    ClusterName: 'growing-shop-kafka',
    KafkaVersion: '3.8.x',
    NumberOfBrokerNodes: brokers,
    BrokerNodeGroupInfo: {
      InstanceType: 'kafka.m7g.large',
      ClientSubnets: subnets.map((s) => ({ Ref: s })),
      StorageInfo: { EBSStorageInfo: { VolumeSize: volume } },
    },
  });

  describe('AWS: create-only properties from the CloudFormation resource specification', () => {
    test('the extract carries the nested facts the issue names, with its source', () => {
      expect(createOnly.source).toMatch(/@aws-cdk\/aws-service-spec \d/);
      expect((createOnly.resourceTypes as any)['AWS::MSK::Cluster']['BrokerNodeGroupInfo.ClientSubnets']).toBe('yes');
      expect((createOnly.resourceTypes as any)['AWS::ElastiCache::ReplicationGroup']['PreferredCacheClusterAZs']).toBe('yes');
    });

    test('MSK BrokerNodeGroupInfo.ClientSubnets (nested, create-only): a third zone replaces the cluster', () => {
      const risks = statefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', msk(['A', 'B', 'C'], 6)));
      expect(risks).toEqual([expect.objectContaining({ kind: 'replaced', dataLoss: true, causes: expect.arrayContaining(['BrokerNodeGroupInfo.ClientSubnets']) })]);
      expect(awsStatefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', msk(['A', 'B', 'C'])))[0].severity).toBe('data-loss');
    });

    test('an in-place MSK change (instance type) is not a replacement', () => {
      const next = msk(['A', 'B']);
      next.BrokerNodeGroupInfo.InstanceType = 'kafka.m7g.xlarge';
      expect(statefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'])), template('AWS::MSK::Cluster', next))).toEqual([]);
      expect(changedNestedCreateOnly('AWS::MSK::Cluster', msk(['A', 'B']), next)).toEqual([]);
    });

    test('ElastiCache PreferredCacheClusterAZs changes: the fixed-name cache is replaced', () => {
      const cache = (azs: string[]) => ({ ReplicationGroupId: 'growing-shop-cache', ReplicationGroupDescription: 'cache', NumCacheClusters: azs.length, PreferredCacheClusterAZs: azs, Engine: 'valkey' });
      const risks = statefulRisks(template('AWS::ElastiCache::ReplicationGroup', cache(['a', 'b'])), template('AWS::ElastiCache::ReplicationGroup', cache(['a', 'b', 'c'])));
      expect(risks[0]).toEqual(expect.objectContaining({ kind: 'replaced', causes: expect.arrayContaining(['PreferredCacheClusterAZs']) }));
    });

    test('shrinks the service refuses: RDS storage, MSK broker storage and broker count', () => {
      const rds = (gib: string) => ({ DBInstanceIdentifier: 'db', Engine: 'postgres', DBInstanceClass: 'db.m7g.large', AllocatedStorage: gib });
      const shrink = awsStatefulRisks(template('AWS::RDS::DBInstance', rds('760')), template('AWS::RDS::DBInstance', rds('370')));
      expect(shrink).toEqual([expect.objectContaining({ severity: 'rejected', reason: expect.stringContaining('AllocatedStorage 760 -> 370') })]);
      expect(awsStatefulRisks(template('AWS::RDS::DBInstance', rds('370')), template('AWS::RDS::DBInstance', rds('760')))).toEqual([]);
      const kafka = awsStatefulRisks(template('AWS::MSK::Cluster', msk(['A', 'B'], 4, 200)), template('AWS::MSK::Cluster', msk(['A', 'B'], 2, 100)));
      expect(kafka.map((r) => r.reason).join('\n')).toMatch(/VolumeSize 200 -> 100[\s\S]*NumberOfBrokerNodes 4 -> 2|NumberOfBrokerNodes 4 -> 2[\s\S]*VolumeSize 200 -> 100/);
      expect(kafka.every((r) => r.severity === 'rejected')).toBe(true);
    });
  });

  describe('Kubernetes: fields the API server or the operator refuses', () => {
    const obj = (apiVersion: string, kind: string, spec: object) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'shop' }, spec });

    test('StatefulSet volumeClaimTemplates growth is rejected (grow the claims instead)', () => {
      const sts = (size: string) => obj('apps/v1', 'StatefulSet', { replicas: 1, selector: { matchLabels: { app: 'pg' } }, template: {}, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: size } } } }] });
      expect(immutableFieldProblems(sts('760Gi'), sts('1510Gi'))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.volumeClaimTemplates' })]);
    });

    test('a Deployment selector change is rejected', () => {
      const d = (app: string) => obj('apps/v1', 'Deployment', { selector: { matchLabels: { app } }, template: {} });
      expect(immutableFieldProblems(d('web'), d('web2'))[0]).toEqual(expect.objectContaining({ severity: 'rejected', field: 'spec.selector' }));
    });

    test('Strimzi: fewer brokers in a node pool is refused; CloudNativePG: storage cannot shrink', () => {
      const pool = (replicas: number) => obj('kafka.strimzi.io/v1', 'KafkaNodePool', { replicas, roles: ['broker'], storage: { type: 'persistent-claim', size: '100Gi' } });
      expect(immutableFieldProblems(pool(4), pool(3))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.replicas' })]);
      expect(immutableFieldProblems(pool(3), pool(4))).toEqual([]);
      const cluster = (size: string) => obj('postgresql.cnpg.io/v1', 'Cluster', { instances: 2, storage: { size } });
      expect(immutableFieldProblems(cluster('760Gi'), cluster('370Gi'))).toEqual([expect.objectContaining({ severity: 'rejected', field: 'spec.storage.size' })]);
    });
  });
});

/**
 * The Kubernetes half of the safety check: identity, immutable fields and removal of stateful
 * kinds, on small hand-written objects (each case names the API rule it encodes).
 */
describe('plan-k8s-changes', () => {
  const ns = 'shop';

  function statefulSet(spec: Record<string, any> = {}): KubeObject {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: ns },
      spec: {
        serviceName: 'postgres',
        replicas: 1,
        selector: { matchLabels: { app: 'postgres' } },
        template: { metadata: { labels: { app: 'postgres' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16.4' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        ...spec,
      },
    };
  }

  const cluster = (spec: Record<string, any> = {}): KubeObject => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'db', namespace: ns },
    spec: { instances: 2, storage: { size: '100Gi', storageClass: 'fast' }, bootstrap: { initdb: { database: 'app', owner: 'app' } }, ...spec },
  });

  const severities = (before: KubeObject, after: KubeObject) => immutableFieldProblems(before, after).map((p) => `${p.severity} ${p.field}`);

  describe('StatefulSet: only replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds may change', () => {
    test('allowed changes raise nothing', () => {
      const after = statefulSet({ replicas: 3, template: { metadata: { labels: { app: 'postgres' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16.6' }] } }, minReadySeconds: 10 });
      expect(severities(statefulSet(), after)).toEqual([]);
    });
    test('volumeClaimTemplates, selector and serviceName are rejected, with the orphan-cascade fix', () => {
      const after = statefulSet({
        serviceName: 'pg',
        selector: { matchLabels: { app: 'pg' } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } } }],
      });
      const problems = immutableFieldProblems(statefulSet(), after);
      expect(problems.map((p) => p.field).sort()).toEqual(['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates']);
      expect(problems.every((p) => p.severity === 'rejected')).toBe(true);
      expect(problems[0].fix).toMatch(/kubectl delete statefulset postgres -n shop --cascade=orphan/);
    });
  });

  test('Deployment selector is immutable; its template is not', () => {
    const d = (label: string, image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { selector: { matchLabels: { app: label } }, template: { spec: { containers: [{ name: 'web', image }] } } } });
    expect(severities(d('web', 'a'), d('web', 'b'))).toEqual([]);
    expect(severities(d('web', 'a'), d('frontend', 'a'))).toEqual(['rejected spec.selector']);
  });

  test('PersistentVolumeClaim: storage may grow, nothing else may change', () => {
    const pvc = (storage: string, storageClassName = 'standard'): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: ns }, spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
    expect(severities(pvc('10Gi'), pvc('20Gi'))).toEqual([]);
    expect(severities(pvc('20Gi'), pvc('10Gi'))).toEqual(['rejected spec.resources.requests.storage']);
    expect(severities(pvc('10Gi'), pvc('10Gi', 'fast'))).toEqual(['rejected spec.storageClassName']);
  });

  describe('CloudNativePG Cluster', () => {
    test('a new bootstrap section has no effect on an existing cluster', () => {
      expect(severities(cluster(), cluster({ bootstrap: { initdb: { import: { type: 'monolith', databases: ['app'], source: { externalCluster: 'old' } } } } }))).toEqual(['no-effect spec.bootstrap']);
    });
    test('a new storage class applies only to new instances; shrinking is rejected; growing is fine', () => {
      expect(severities(cluster(), cluster({ storage: { size: '100Gi', storageClass: 'faster' } }))).toEqual(['no-effect spec.storage.storageClass']);
      expect(severities(cluster(), cluster({ storage: { size: '50Gi', storageClass: 'fast' } }))).toEqual(['rejected spec.storage.size']);
      expect(severities(cluster(), cluster({ storage: { size: '200Gi', storageClass: 'fast' }, instances: 3 }))).toEqual([]);
    });
    test('removing a separate WAL volume is rejected', () => {
      expect(severities(cluster({ walStorage: { size: '10Gi' } }), cluster())).toEqual(['rejected spec.walStorage']);
    });
  });

  describe('Strimzi', () => {
    const pool = (storage: any): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'brokers', namespace: ns }, spec: { replicas: 3, roles: ['broker'], storage } });
    test('a node pool cannot change storage type or shrink; a new class has no effect', () => {
      expect(severities(pool({ type: 'persistent-claim', size: '100Gi' }), pool({ type: 'ephemeral' }))).toEqual(['rejected spec.storage.type']);
      expect(severities(pool({ type: 'persistent-claim', size: '100Gi' }), pool({ type: 'persistent-claim', size: '50Gi' }))).toEqual(['rejected spec.storage.size']);
      expect(severities(pool({ type: 'persistent-claim', size: '100Gi', class: 'a' }), pool({ type: 'persistent-claim', size: '200Gi', class: 'b' }))).toEqual(['no-effect spec.storage.class']);
    });
    test('JBOD volumes are compared by id', () => {
      const jbod = (size: string) => pool({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size }] });
      expect(severities(jbod('100Gi'), jbod('50Gi'))).toEqual(['rejected spec.storage.volumes[id=0].size']);
    });
    test('a topic cannot lose partitions or change name; replicas need Cruise Control', () => {
      const topic = (spec: any): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'jobs', namespace: ns }, spec });
      expect(severities(topic({ partitions: 12, replicas: 3 }), topic({ partitions: 6, replicas: 3 }))).toEqual(['rejected spec.partitions']);
      expect(severities(topic({ partitions: 12, replicas: 3 }), topic({ partitions: 24, replicas: 2 }))).toEqual(['no-effect spec.replicas']);
      expect(severities(topic({ topicName: 'jobs' }), topic({ topicName: 'work' }))).toEqual(['rejected spec.topicName']);
    });
  });

  describe('compareObjects', () => {
    test('identity is group, kind, namespace and name: a version bump is a change, a rename is a removal and an addition', () => {
      const hpa = (apiVersion: string, name = 'web'): KubeObject => ({ apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: ns }, spec: { maxReplicas: 4 } });
      const bumped = compareObjects([hpa('autoscaling/v1')], [hpa('autoscaling/v2')]);
      expect([bumped.added.length, bumped.changed.length, bumped.removed.length]).toEqual([0, 1, 0]);
      expect(bumped.changed[0].fields).toEqual(['apiVersion']);
      const renamed = compareObjects([hpa('autoscaling/v2')], [hpa('autoscaling/v2', 'frontend')]);
      expect([renamed.added.length, renamed.removed.length]).toEqual([1, 1]);
    });

    test('a removed StatefulSet keeps its claims (retained); with whenDeleted: Delete it loses them', () => {
      expect(compareObjects([statefulSet()], []).risks.map((r) => r.severity)).toEqual(['retained']);
      const deleting = statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
      const [risk] = compareObjects([deleting], []).risks;
      expect(risk.severity).toBe('data-loss');
      expect(risk.reason).toMatch(/data-postgres-N/);
    });

    test('removing a CloudNativePG cluster or a Kafka topic loses data; an unmanaged topic is not ours to lose', () => {
      const topic = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 'jobs', namespace: ns, annotations }, spec: { partitions: 3 } });
      expect(compareObjects([cluster(), topic()], []).risks.map((r) => `${r.severity} ${r.resource}`)).toEqual(['data-loss Cluster shop/db', 'data-loss KafkaTopic shop/jobs']);
      expect(compareObjects([topic({ 'strimzi.io/managed': 'false' })], []).risks).toEqual([]);
    });

    test('stateless removals carry no risk', () => {
      const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis', namespace: ns }, spec: { ports: [{ port: 6379 }] } };
      const changes = compareObjects([svc], []);
      expect(changes.removed).toHaveLength(1);
      expect(changes.risks).toEqual([]);
    });
  });

  test('apply phases: namespace, config, data, services, workloads, then autoscalers and monitors', () => {
    const o = (apiVersion: string, kind: string): KubeObject => ({ apiVersion, kind, metadata: { name: kind.toLowerCase(), namespace: ns } });
    const objects = [
      o('monitoring.coreos.com/v1', 'PodMonitor'),
      o('autoscaling/v2', 'HorizontalPodAutoscaler'),
      o('apps/v1', 'Deployment'),
      o('v1', 'Service'),
      o('postgresql.cnpg.io/v1', 'Cluster'),
      o('keda.sh/v1alpha1', 'ScaledObject'),
      o('networking.k8s.io/v1', 'NetworkPolicy'),
      o('v1', 'ConfigMap'),
      o('v1', 'Namespace'),
      o('policy/v1', 'PodDisruptionBudget'),
      o('kafka.strimzi.io/v1', 'KafkaTopic'),
      o('scheduling.k8s.io/v1', 'PriorityClass'),
      o('coordination.k8s.io/v1', 'Lease'),
    ];
    expect(objectsByPhase(objects).map((p) => `${p.phase}: ${p.objects.map((x) => x.kind).join(',')}`)).toEqual([
      'namespace: Namespace,PriorityClass',
      'config: NetworkPolicy,ConfigMap,Lease',
      'data: Cluster,KafkaTopic',
      'services: Service',
      'workloads: Deployment,PodDisruptionBudget',
      'scaling-and-monitoring: PodMonitor,HorizontalPodAutoscaler,ScaledObject',
    ]);
    expect(applyPhase(o('example.com/v1', 'Widget'))).toBe('data');
  });

  test('storage quantities', () => {
    expect(gibibytes('1Ti')).toBe(1024);
    expect(gibibytes('512Mi')).toBe(0.5);
    expect(gibibytes('10G')).toBeCloseTo(9.31, 2);
    expect(gibibytes('1Ei')).toBe(1024 ** 3);
    expect(gibibytes('2000000k')).toBeCloseTo(1.86, 2);
    expect(gibibytes('lots')).toBeUndefined();
  });
});

/**
 * The runbooks: composed from neighbour legs for any move, honest about moving down, and written
 * against the names the stages actually render (read from the synthesized templates and objects).
 */
describe('plan-runbooks', () => {
  const profile = stagePlan('single-server').profile;
  const rendered = runbookContext(profile, {
    awsTemplates: Object.fromEntries(STAGE_NAMES.map((s) => [s, awsTemplate(s)])),
    k8sObjects: Object.fromEntries(STAGE_NAMES.map((s) => [s, k8sObjects(s)])),
  });
  const bare = runbookContext(profile);
  const text = (r: Runbook) => JSON.stringify(r);

  test.each(['aws', 'k8s'] as const)('%s: every move has its legs in order, each with steps before, during and after the deploy, risks and rollback', (target) => {
    for (const from of STAGE_NAMES) {
      for (const to of STAGE_NAMES) {
        const runbook = transitionRunbook(from, to, target, rendered);
        const a = STAGE_NAMES.indexOf(from);
        const b = STAGE_NAMES.indexOf(to);
        expect(runbook.direction).toBe(a === b ? 'none' : b > a ? 'up' : 'down');
        expect(runbook.legs.map((l) => `${l.from}>${l.to}`)).toEqual(
          Array.from({ length: Math.abs(b - a) }, (_, i) => (b > a ? `${STAGE_NAMES[a + i]}>${STAGE_NAMES[a + i + 1]}` : `${STAGE_NAMES[a - i]}>${STAGE_NAMES[a - i - 1]}`)),
        );
        for (const leg of runbook.legs) {
          expect(leg.steps.some((s) => s.when === 'deploy' && s.commands?.some((c) => c.startsWith(`stagekit deploy --stage ${leg.to} --target ${target}`)))).toBe(true);
          expect(leg.risks.length).toBeGreaterThan(0);
          expect(leg.rollback.length).toBeGreaterThan(0);
        }
        if (Math.abs(b - a) > 1) expect(runbook.notes.join(' ')).toMatch(/one stage at a time/);
        if (b < a) expect(runbook.notes.join(' ')).toMatch(/Moving down the ladder/);
      }
    }
  });

  test('a composed move is exactly its neighbour legs', () => {
    const long = transitionRunbook('single-server', 'sharded', 'aws', rendered);
    expect(long.legs).toEqual([neighbourLeg('single-server', 'split-tier', 'aws', rendered), neighbourLeg('split-tier', 'read-replicas', 'aws', rendered), neighbourLeg('read-replicas', 'sharded', 'aws', rendered)]);
    expect(() => neighbourLeg('single-server', 'sharded', 'aws', rendered)).toThrow(/not neighbours/);
  });

  test('single-server -> split-tier on AWS: logical replication from the kept server into the RDS instance the stack names, in two deploys', () => {
    const leg = transitionRunbook('single-server', 'split-tier', 'aws', rendered).legs[0];
    const all = text({ ...transitionRunbook('single-server', 'split-tier', 'aws', rendered), legs: [leg] });
    const volumeId = Object.entries<any>(awsTemplate('single-server').Resources).find(([, r]) => r.Type === 'AWS::EC2::Volume')![0];
    const db = Object.values<any>(awsTemplate('split-tier').Resources).find((r) => r.Type === 'AWS::RDS::DBInstance' && !r.Properties.SourceDBInstanceIdentifier).Properties;
    expect(all).toContain(volumeId);
    expect(all).toContain(db.DBInstanceIdentifier);
    expect(all).toContain(`-U ${db.MasterUsername} -d ${db.DBName}`);
    expect(all).toContain('CREATE SUBSCRIPTION stagekit_move');
    const deploys = leg.steps.flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
    expect(deploys).toEqual(['stagekit deploy --stage split-tier --target aws --cdk-context keepSingleServer=true', 'stagekit deploy --stage split-tier --target aws']);
    expect(leg.dataWork).toBe(true);
    expect(leg.steps.map((s) => s.when)).toEqual(['before', 'before', 'before', 'deploy', 'after', 'after', 'after']);
    // Without the renderings, placeholders say what is missing instead of guessing a name.
    expect(text(transitionRunbook('single-server', 'split-tier', 'aws', bare))).toContain('<Volume logical ID>');
  });

  test('single-server -> split-tier on Kubernetes: data tier first (--until data), copy through kubectl exec, then the full deploy', () => {
    const leg = transitionRunbook('single-server', 'split-tier', 'k8s', rendered).legs[0];
    const [cluster] = k8sObjects('split-tier').filter((o) => o.kind === 'Cluster').map((o) => o.metadata.name);
    const deploys = leg.steps.filter((s) => s.when === 'deploy').flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
    expect(deploys).toEqual(['stagekit deploy --stage split-tier --target k8s --until data', 'stagekit deploy --stage split-tier --target k8s']);
    expect(text(transitionRunbook('single-server', 'split-tier', 'k8s', rendered))).toContain(`cluster.postgresql.cnpg.io/${cluster}`);
  });

  test('read-replicas -> sharded: backfill by filtered publication, the shard map named, routing held on shard 0 until the switch', () => {
    // AWS holds routing in the map itself (new shards published as backfilling); Kubernetes with an app-side flag.
    const awsDeploys = transitionRunbook('read-replicas', 'sharded', 'aws', rendered).legs[0].steps.flatMap((s) => s.commands ?? []).filter((c) => c.startsWith('stagekit deploy'));
    expect(awsDeploys.map((c) => c.split('   #')[0])).toEqual(['stagekit deploy --stage sharded --target aws --cdk-context activeShards=1', 'stagekit deploy --stage sharded --target aws']);
    for (const target of ['aws', 'k8s'] as const) {
      const runbook = transitionRunbook('read-replicas', 'sharded', target, rendered);
      const all = text(runbook);
      expect(all).toContain(`% ${stagePlan('sharded').database!.shards} = 1`);
      expect(all).toMatch(/CREATE PUBLICATION shard_1/);
      expect(all).toMatch(/CREATE SUBSCRIPTION shard_1/);
      expect(all).toMatch(target === 'aws' ? /SSM parameter \/growing-shop\/database\/shard-map/ : /ConfigMap growing-shop\/postgres-shard-map/);
      expect(runbook.legs[0].risks.join(' ')).toMatch(target === 'aws' ? /without activeShards=1 publishes every shard as active/ : /marks every shard active/);
    }
  });

  test('moving down is honest about what is lost and what must move first', () => {
    const down = transitionRunbook('queue-pipeline', 'sharded', 'aws', rendered).legs[0];
    expect(down.summary).toMatch(/drain them before the deploy/);
    // The stack retains its SQS queues, so this deploy needs no --allow-data-loss; the runbook deletes them after the drain.
    expect(down.steps.find((s) => s.when === 'deploy')!.commands).toEqual(['stagekit deploy --stage sharded --target aws']);
    const merge = transitionRunbook('sharded', 'read-replicas', 'k8s', rendered).legs[0];
    expect(merge.summary).toMatch(/Only possible when the whole dataset and write rate fit one primary again/);
    const toSingle = transitionRunbook('split-tier', 'single-server', 'aws', rendered).legs[0];
    expect(toSingle.steps.find((s) => s.when === 'deploy')!.commands![0]).toMatch(/--allow-data-loss$/);
  });

  test('the same stage has no legs', () => {
    const same = transitionRunbook('sharded', 'sharded', 'k8s', rendered);
    expect(same).toMatchObject({ direction: 'none', legs: [] });
  });

  test('the rough downtime estimate scales with the dataset and says it is rough', () => {
    const leg = neighbourLeg('single-server', 'split-tier', 'k8s', rendered);
    expect(leg.downtime).toMatch(new RegExp(`for ${Math.round(profile.data.datasetGiB)} GiB \\(rough`));
  });

  test('a stage name from outside the ladder is a usage error', () => {
    expect(() => transitionRunbook('single-server', 'mainframe' as StageName, 'aws', rendered)).toThrow(/Unknown stage "mainframe"/);
  });
});
