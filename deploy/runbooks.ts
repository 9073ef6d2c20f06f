/**
 * Runbooks for the data work a stage move needs and that neither CloudFormation nor
 * `kubectl apply` can do: moving Postgres off the single server, backfilling shards,
 * draining queues. One runbook per move between neighbouring stages and target; a longer
 * move is the neighbour runbooks in order, one deploy per stage.
 *
 * Every runbook is written against what stagekit renders (the single server's boot script,
 * the stack's logical IDs, the charts' object names), which is why the context carries the
 * rendered stages: names are read from them, never guessed. Where a name only exists after
 * deploy (an RDS endpoint, a pod), the runbook shows the command that finds it.
 */
import { computeLadder, Plan, shardSizings } from '../core/plan';
import type { Profile } from '../core/profile';
import { STAGE_NAMES, StageName, stageByName } from '../core/ladder';

export type RunbookTarget = 'aws' | 'k8s';

/** When a step runs, relative to `stagekit deploy --stage <to>`. */
export type StepTiming = 'before' | 'deploy' | 'after';

export interface RunbookStep {
  readonly when: StepTiming;
  readonly title: string;
  readonly detail?: string;
  /** Shell commands, in order; `$DB` is the application's database name. */
  readonly commands?: readonly string[];
}

export interface RunbookLeg {
  readonly from: StageName;
  readonly to: StageName;
  readonly target: RunbookTarget;
  readonly direction: 'up' | 'down';
  readonly summary: string;
  /** True when the move needs data work beyond the deploy (copying, backfilling, draining). */
  readonly dataWork: boolean;
  /** The write outage the move needs, in words. */
  readonly downtime: string;
  readonly steps: readonly RunbookStep[];
  readonly risks: readonly string[];
  readonly rollback: readonly string[];
}

export interface Runbook {
  readonly from: StageName;
  readonly to: StageName;
  readonly target: RunbookTarget;
  readonly direction: 'up' | 'down' | 'none';
  /** Neighbour moves in order: deploy each leg's stage and finish its runbook before the next. */
  readonly legs: readonly RunbookLeg[];
  readonly notes: readonly string[];
}

/** What the runbooks read names and sizes from. */
export interface RunbookContext {
  readonly product: string;
  readonly region: string;
  readonly profileFile?: string;
  /** The plan of every stage (cheap to compute; sizes and counts come from here). */
  readonly plans: Readonly<Record<StageName, Plan>>;
  /** Synthesized templates by stage, when known: logical IDs are read from them. */
  readonly awsTemplates?: Partial<Record<StageName, any>>;
  /** Rendered Kubernetes objects by stage, when known: object names are read from them. */
  readonly k8sObjects?: Partial<Record<StageName, readonly any[]>>;
}

export function runbookContext(
  profile: Profile,
  rendered: { profileFile?: string; awsTemplates?: RunbookContext['awsTemplates']; k8sObjects?: RunbookContext['k8sObjects'] } = {},
): RunbookContext {
  return { product: profile.name, region: profile.region, plans: computeLadder(profile), ...rendered };
}

/** The runbook for moving `target` from one stage to another (any two; the same stage gives no legs). */
export function transitionRunbook(from: StageName, to: StageName, target: RunbookTarget, ctx: RunbookContext): Runbook {
  stageByName(from);
  stageByName(to);
  const fromIndex = STAGE_NAMES.indexOf(from);
  const toIndex = STAGE_NAMES.indexOf(to);
  if (fromIndex === toIndex) return { from, to, target, direction: 'none', legs: [], notes: ['Same stage: no data work. A deploy applies profile changes in place.'] };
  const direction = toIndex > fromIndex ? 'up' : 'down';
  const legs: RunbookLeg[] = [];
  const step = direction === 'up' ? 1 : -1;
  for (let index = fromIndex; index !== toIndex; index += step) legs.push(neighbourLeg(STAGE_NAMES[index], STAGE_NAMES[index + step], target, ctx));
  const notes: string[] = [];
  if (legs.length > 1) {
    notes.push(
      `This move spans ${legs.length} stages. Climb one stage at a time: deploy ${legs.map((l) => l.to).join(', then ')}, finishing each runbook before the next deploy. ` +
        'A single deploy straight to the last stage creates everything at once and leaves every data move to be done together, with one rollback point instead of several.',
    );
  }
  if (direction === 'down') {
    notes.push(
      'Moving down the ladder is the same kind of data move in reverse, usually with less room: check that the lower stage still fits the load (`stagekit explain --stage ' +
        `${to}\` warnings) before starting, and keep the higher stage's backups until the move is verified.`,
    );
  }
  return { from, to, target, direction, legs, notes };
}

/** The runbook of one neighbour move (from and to one step apart). */
export function neighbourLeg(from: StageName, to: StageName, target: RunbookTarget, ctx: RunbookContext): RunbookLeg {
  const gap = STAGE_NAMES.indexOf(to) - STAGE_NAMES.indexOf(from);
  if (Math.abs(gap) !== 1) throw new Error(`neighbourLeg: ${from} and ${to} are not neighbours`);
  const key = gap > 0 ? `${from}>${to}` : `${to}<${from}`;
  const build = LEGS[key]?.[target];
  if (!build) throw new Error(`no runbook for ${from} -> ${to} (${target})`);
  return { from, to, target, direction: gap > 0 ? 'up' : 'down', ...build(new Names(ctx, from, to)) };
}

type LegBody = Omit<RunbookLeg, 'from' | 'to' | 'target' | 'direction'>;

// ---------------------------------------------------------------------------------------------
// Names read from the rendered stages

class Names {
  constructor(
    readonly ctx: RunbookContext,
    readonly from: StageName,
    readonly to: StageName,
  ) {}

  get stack(): string {
    return this.ctx.product;
  }
  get ns(): string {
    return this.ctx.product;
  }
  get region(): string {
    return this.ctx.region;
  }
  plan(stage: StageName): Plan {
    return this.ctx.plans[stage];
  }
  get datasetGiB(): number {
    return this.plan(this.from).profile.data.datasetGiB;
  }
  /** `deploy` as the user types it. */
  deploy(stage: StageName, target: RunbookTarget, extra = ''): string {
    const profile = this.ctx.profileFile ? ` --profile ${this.ctx.profileFile}` : '';
    return `stagekit deploy --stage ${stage} --target ${target}${profile}${extra}`;
  }
  /** Logical IDs of a resource type in a stage's template, or a placeholder naming the type. */
  awsIds(stage: StageName, type: string): string[] {
    const template = this.ctx.awsTemplates?.[stage];
    const ids = Object.entries(template?.Resources ?? {})
      .filter(([, r]: [string, any]) => r.Type === type)
      .map(([id]) => id);
    return ids.length > 0 ? ids : [`<${type.split('::').pop()} logical ID>`];
  }
  /** Properties of the resources of a type in a stage's template (empty when the template is not known). */
  awsResources(stage: StageName, type: string): { id: string; props: Record<string, any> }[] {
    return Object.entries<any>(this.ctx.awsTemplates?.[stage]?.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ id, props: r.Properties ?? {} }));
  }
  deletionPolicy(stage: StageName, logicalId: string): string {
    return this.ctx.awsTemplates?.[stage]?.Resources?.[logicalId]?.DeletionPolicy ?? 'Delete';
  }
  /** The primary (not a read replica) of shard 0 in a stage's template: identifier, database, user. */
  awsPrimary(stage: StageName): { identifier: string; database: string; user: string } {
    const primary = this.awsResources(stage, 'AWS::RDS::DBInstance').find((r) => r.props.SourceDBInstanceIdentifier === undefined);
    const literal = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return {
      identifier: literal(primary?.props.DBInstanceIdentifier, '<db instance identifier>'),
      database: literal(primary?.props.DBName, '$DB'),
      user: literal(primary?.props.MasterUsername, '<master user>'),
    };
  }
  /** The published shard map (SSM parameter on AWS, ConfigMap on Kubernetes) of a stage, when rendered. */
  shardMap(stage: StageName, target: RunbookTarget): { where: string; shards: { id: number; writer: string; cluster?: string }[] } | undefined {
    try {
      if (target === 'aws') {
        const param = this.awsResources(stage, 'AWS::SSM::Parameter').find((r) => typeof r.props.Value === 'string' && r.props.Value.includes('"shards"'));
        if (!param) return undefined;
        return { where: `SSM parameter ${param.props.Name ?? param.id}`, shards: JSON.parse(param.props.Value).shards };
      }
      const map = (this.ctx.k8sObjects?.[stage] ?? []).find((o: any) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).some((k) => k.startsWith('shard-map')));
      if (!map) return undefined;
      const [key, value] = Object.entries<string>(map.data).find(([k]) => k.startsWith('shard-map'))!;
      return { where: `ConfigMap ${this.ns}/${map.metadata.name} (${key})`, shards: JSON.parse(value).shards };
    } catch {
      return undefined;
    }
  }
  /** Names of objects of a kind in a stage's rendering, or a placeholder. */
  k8sNames(stage: StageName, kind: string, group?: string): string[] {
    const names = (this.ctx.k8sObjects?.[stage] ?? [])
      .filter((o: any) => o.kind === kind && (group === undefined || String(o.apiVersion).startsWith(`${group}/`)))
      .map((o: any) => String(o.metadata?.name));
    return names.length > 0 ? names : [`<${kind.toLowerCase()}>`];
  }
  /** CloudNativePG clusters of a stage: shard 0 first (the one that existed before sharding). */
  cnpgClusters(stage: StageName): string[] {
    return this.k8sNames(stage, 'Cluster', 'postgresql.cnpg.io');
  }
  /** How to find the pod of a CNPG cluster's current primary. */
  primaryPod(cluster: string): string {
    return `$(kubectl get cluster.postgresql.cnpg.io/${cluster} -n ${this.ns} -o jsonpath='{.status.currentPrimary}')`;
  }
  /** Physical ID of a resource while it is in the stack (a retained resource leaves the stack with the deploy). */
  physicalId(logicalId: string): string {
    return `aws cloudformation describe-stack-resource --region ${this.region} --stack-name ${this.stack} --logical-resource-id ${logicalId} --query StackResourceDetail.PhysicalResourceId --output text`;
  }
  /** An EBS volume by the tags CloudFormation put on it, which it keeps after the stack retains it. */
  volumeByTags(logicalId: string): string {
    return `aws ec2 describe-volumes --region ${this.region} --filters Name=tag:aws:cloudformation:stack-name,Values=${this.stack} Name=tag:aws:cloudformation:logical-id,Values=${logicalId} --query 'Volumes[0].VolumeId' --output text`;
  }
  dumpHours(): string {
    const gib = this.datasetGiB;
    // pg_dump/pg_restore with 4 jobs typically move 50-150 GiB an hour on gp3; rehearsal replaces this guess.
    const low = gib / 150;
    const high = gib / 50;
    const fmt = (h: number) => (h < 1 ? `${Math.max(5, Math.round(h * 60 / 5) * 5)} min` : `${h.toFixed(1)} h`);
    return `${fmt(low)}-${fmt(high)} for ${Math.round(gib)} GiB (rough: 50-150 GiB/h with 4 jobs; the rehearsal gives your number)`;
  }
}

// ---------------------------------------------------------------------------------------------
// The neighbour legs. Keys: "lower>higher" for climbing, "lower<higher" for moving down.

const LEGS: Record<string, Partial<Record<RunbookTarget, (n: Names) => LegBody>>> = {
  'single-server>split-tier': { aws: singleToSplitAws, k8s: singleToSplitK8s },
  'split-tier>read-replicas': { aws: splitToReplicasAws, k8s: splitToReplicasK8s },
  'read-replicas>sharded': { aws: (n) => replicasToSharded(n, 'aws'), k8s: (n) => replicasToSharded(n, 'k8s') },
  'sharded>queue-pipeline': { aws: (n) => shardedToQueue(n, 'aws'), k8s: (n) => shardedToQueue(n, 'k8s') },
  'single-server<split-tier': { aws: splitToSingleAws, k8s: splitToSingleK8s },
  'split-tier<read-replicas': { aws: (n) => replicasToSplit(n, 'aws'), k8s: (n) => replicasToSplit(n, 'k8s') },
  'read-replicas<sharded': { aws: (n) => shardedToReplicas(n, 'aws'), k8s: (n) => shardedToReplicas(n, 'k8s') },
  'sharded<queue-pipeline': { aws: (n) => queueToSharded(n, 'aws'), k8s: (n) => queueToSharded(n, 'k8s') },
};

function singleToSplitAws(names: Names): LegBody {
  const [volume] = names.awsIds('single-server', 'AWS::EC2::Volume');
  const [server] = names.awsIds('single-server', 'AWS::EC2::Instance');
  const db = names.awsPrimary('split-tier');
  const writer = names.shardMap('split-tier', 'aws')?.shards[0]?.writer ?? `$(aws rds describe-db-instances --region ${names.region} --db-instance-identifier ${db.identifier} --query 'DBInstances[0].Endpoint.Address' --output text)`;
  const onServer = `aws ssm start-session --region ${names.region} --target $(${names.physicalId(server)})`;
  return {
    summary:
      'Postgres moves from the single server\u2019s data volume to RDS (Multi-AZ) by logical replication, in two deploys: split-tier with ' +
      '`keepSingleServer=true` builds the new tier beside the running server (and opens 5432 between them), the data streams across while the ' +
      'server keeps serving, and a second deploy without the option removes the server once traffic has moved. Its data volume is retained.',
    dataWork: true,
    downtime: 'a write pause of about a minute at the cut-over (replication catches up, sequences are set, DNS moves to the load balancer)',
    steps: [
      {
        when: 'before',
        title: 'Rehearse',
        detail: `Restore a snapshot of the data volume into a test Postgres 16 and time an initial table copy; check the app runs without Redis (split-tier has none: the cache returns with read-replicas). Without replication the fallback is dump and restore in a window of about ${names.dumpHours()}.`,
      },
      { when: 'before', title: 'Lower the DNS TTL', detail: 'Set the TTL of the record pointing at the Elastic IP to 60 s a day ahead, so clients follow the switch to the load balancer quickly.' },
      {
        when: 'before',
        title: 'Turn on logical decoding on the server (one Postgres restart)',
        detail: 'wal_level = logical needs a restart: do it in a quiet minute. The publication covers every table; tables without a primary key need REPLICA IDENTITY FULL.',
        commands: [
          onServer,
          "sudo -u postgres psql -c \"ALTER SYSTEM SET wal_level = 'logical'\" && sudo systemctl restart postgresql",
          'sudo -u postgres psql -d $DB -c "CREATE PUBLICATION stagekit_move FOR ALL TABLES"',
          "sudo -u postgres psql -c \"CREATE ROLE stagekit_replicator WITH LOGIN REPLICATION PASSWORD '<strong password>'\"   # and GRANT SELECT ON ALL TABLES IN SCHEMA public TO it; allow 10.0.0.0/16 for it in pg_hba.conf",
        ],
      },
      {
        when: 'deploy',
        title: 'Deploy split-tier beside the running server',
        detail: `Creates the VPC tiers, load balancer, app servers and RDS ${db.identifier} (${names.plan('split-tier').database?.instance.name ?? 'see plan'}, Multi-AZ); the server, its volume and Elastic IP stay as they are, and 5432 opens between the server and the database. DNS still points at the server, so users see no change.`,
        commands: [names.deploy('split-tier', 'aws', ' --cdk-context keepSingleServer=true')],
      },
      {
        when: 'after',
        title: 'Copy the schema, then subscribe RDS to the server',
        detail: `Run from an app server (inside the VPC). RDS manages the password of ${db.user} in Secrets Manager. The initial copy runs while the server keeps serving; watch pg_stat_subscription until every table is in state r (ready).`,
        commands: [
          `aws secretsmanager get-secret-value --region ${names.region} --secret-id $(aws rds describe-db-instances --region ${names.region} --db-instance-identifier ${db.identifier} --query 'DBInstances[0].MasterUserSecret.SecretArn' --output text) --query SecretString --output text`,
          `pg_dump -h <server private IP> -U stagekit_replicator --schema-only --no-owner $DB | psql -h ${writer} -U ${db.user} -d ${db.database}`,
          `psql -h ${writer} -U ${db.user} -d ${db.database} -c "CREATE SUBSCRIPTION stagekit_move CONNECTION 'host=<server private IP> dbname=$DB user=stagekit_replicator password=...' PUBLICATION stagekit_move"`,
          `psql -h ${writer} -U ${db.user} -d ${db.database} -c "SELECT srrelid::regclass, srsubstate FROM pg_subscription_rel WHERE srsubstate <> 'r'"   # empty when the copy is done`,
        ],
      },
      {
        when: 'after',
        title: 'Cut over: stop writes on the server, let replication catch up, set sequences, move DNS',
        commands: [
          'sudo docker stop app   # on the server: no more writes',
          `psql -h ${writer} -U ${db.user} -d ${db.database} -c "SELECT subname, latest_end_lsn, latest_end_time FROM pg_stat_subscription"   # until it matches pg_current_wal_lsn() on the server`,
          '-- on RDS: SELECT setval(seq, <last value on the server> + safety gap) for each sequence (logical replication does not copy sequences)',
          `psql -h ${writer} -U ${db.user} -d ${db.database} -c "DROP SUBSCRIPTION stagekit_move"`,
          '# point the DNS record at the load balancer; run the smoke tests',
        ],
      },
      {
        when: 'after',
        title: 'Deploy split-tier again, without the option: the server goes, its data volume stays',
        detail: `Removes the server and its Elastic IP. The data volume (${volume}), its KMS key and the backup vault are retained, not deleted: keep them until the rollback window closes.`,
        commands: [names.deploy('split-tier', 'aws'), `aws ec2 create-snapshot --region ${names.region} --volume-id $(${names.volumeByTags(volume)}) --description "${names.stack} after split-tier"`],
      },
    ],
    risks: [
      'Logical replication copies tables, not sequences, DDL or large objects: freeze schema changes from the subscription until the cut-over, and set sequences at the switch.',
      'The server needs disk for the WAL its replication slot holds while RDS copies: watch the data disk alarm.',
      'Redis data (sessions, rate limits, anything queued in Redis) does not move: split-tier has no Redis.',
      'RDS rejects superuser-only objects (extensions outside the RDS allow-list, untrusted languages); the rehearsal shows them.',
      `The old volume keeps costing gp3 storage (${names.plan('single-server').server?.dataVolumeGiB ?? '?'} GiB) until you delete it.`,
    ],
    rollback: [
      'Before the cut-over: drop the subscription and deploy single-server again; nothing has moved.',
      'After the cut-over, before the second deploy: point DNS back at the Elastic IP and start the app on the server; writes made on RDS since the switch must be copied back (pg_dump from RDS, restore on the server) or are lost.',
      `After the second deploy: adopt the retained volume back into the stack: \`npx cdk import -c stage=single-server --resource-mapping mapping.json\` with {"${volume}": {"VolumeId": "$VOL"}}, then \`${names.deploy('single-server', 'aws', ' --allow-data-loss')}\` (it removes RDS, which keeps a final snapshot; deletion protection makes CloudFormation leave it in place until you disable it). Rehearse this in a test account.`,
    ],
  };
}

function singleToSplitK8s(names: Names): LegBody {
  const [cluster] = names.cnpgClusters('split-tier');
  const primary = names.primaryPod(cluster);
  return {
    summary:
      `Postgres moves from the single-node StatefulSet \`postgres\` to the CloudNativePG cluster \`${cluster}\`. stagekit's kubectl deploy does not prune, ` +
      'so the old StatefulSet keeps running beside the new cluster: deploy the data tier first, copy the data, then deploy the rest to switch the app.',
    dataWork: true,
    downtime: `writes stop from the final dump until the restore is verified: about ${names.dumpHours()} (logical replication can shrink this to a minute, see risks)`,
    steps: [
      {
        when: 'before',
        title: 'Rehearse the dump and restore',
        detail: 'Stream a dump to your machine and time a restore into any Postgres 16. Check the app runs without Redis: split-tier has none (the cache returns with read-replicas).',
        commands: [`time kubectl exec -n ${names.ns} statefulset/postgres -- pg_dump -U postgres -Fc $DB > rehearsal.dump`],
      },
      {
        when: 'deploy',
        title: 'Deploy the data tier only',
        detail: `Creates the namespace configuration and the CloudNativePG cluster ${cluster} (waits for it to be Ready); the app keeps using the old postgres.`,
        commands: [names.deploy('split-tier', 'k8s', ' --until data')],
      },
      {
        when: 'deploy',
        title: 'Stop writes and copy the data through kubectl exec',
        detail: 'Streaming through the API server avoids opening a network path between the two databases (the namespace denies traffic by default).',
        commands: [
          `kubectl scale deployment/web -n ${names.ns} --replicas=0`,
          `kubectl exec -n ${names.ns} statefulset/postgres -- pg_dump -U postgres -Fc $DB > cutover.dump`,
          `kubectl exec -i -n ${names.ns} ${primary} -c postgres -- pg_restore -d app --no-owner --role=app --exit-on-error < cutover.dump`,
        ],
      },
      {
        when: 'deploy',
        title: 'Verify the copy',
        commands: [
          `kubectl exec -n ${names.ns} statefulset/postgres -- psql -U postgres -d $DB -Atc "SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY 1"`,
          `kubectl exec -n ${names.ns} ${primary} -c postgres -- psql -d app -Atc "ANALYZE; SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY 1"`,
        ],
      },
      {
        when: 'deploy',
        title: 'Deploy split-tier in full',
        detail: 'Switches the app to the cluster\u2019s read-write service and scales it back up with its autoscaler.',
        commands: [names.deploy('split-tier', 'k8s')],
      },
      {
        when: 'after',
        title: 'Keep the old database stopped but intact until the rollback window closes',
        detail: 'Its claim data-postgres-0 is retained (persistentVolumeClaimRetentionPolicy Retain). Delete the objects the new stage no longer has (listed by `stagekit plan` as removed) once you are sure.',
        commands: [
          `kubectl scale statefulset/postgres statefulset/redis -n ${names.ns} --replicas=0`,
          `# later: kubectl delete statefulset postgres redis -n ${names.ns} && kubectl delete pvc data-postgres-0 data-redis-0 -n ${names.ns}`,
        ],
      },
    ],
    risks: [
      'Writes made after the final dump are lost: keep the app at zero replicas from the dump until the full deploy.',
      'For a shorter window, use logical replication: set wal_level=logical on the old postgres (a restart), CREATE PUBLICATION there, CREATE SUBSCRIPTION on the new primary, and allow that traffic with a temporary NetworkPolicy (the namespace is default-deny); sequences are not replicated, so setval them at cut-over.',
      'Redis data (sessions, rate limits, anything queued in Redis) does not move: split-tier has no Redis.',
      'The CNPG cluster bootstraps once: changing its bootstrap section later does not re-import anything.',
    ],
    rollback: [
      `Before deleting the old StatefulSet: \`${names.deploy('single-server', 'k8s')}\` points the app back at postgres and scales it to 1; writes made on ${cluster} since the switch must be copied back the same way (pg_dump from the cluster, pg_restore into postgres) or are lost.`,
      'After the old claim is deleted, rollback means restoring a backup of the cluster into a new single-server deployment.',
    ],
  };
}

function splitToReplicasAws(names: Names): LegBody {
  const plan = names.plan('read-replicas');
  return {
    summary: `Adds ${plan.database?.readReplicas ?? 'N'} read replica(s) behind one reader hostname and a ${plan.cache?.nodes ?? 'N'}-node Valkey cache. No data moves: RDS builds each replica from a snapshot of the primary.`,
    dataWork: false,
    downtime: 'none (RDS takes the replica snapshot from the Multi-AZ standby)',
    steps: [
      { when: 'before', title: 'Decide which reads may be stale', detail: `Replica lag is alarmed at ${plan.database?.replicaLagAlarmSeconds ?? '?'} s. Reads that must see the user\u2019s own write (right after a checkout, a settings change) stay on the writer.` },
      { when: 'deploy', title: 'Deploy read-replicas', commands: [names.deploy('read-replicas', 'aws')] },
      {
        when: 'after',
        title: 'Move read traffic over gradually',
        detail: 'Send a share of eligible reads to the reader hostname behind a flag, watch ReplicaLag and the writer\u2019s CPU, then raise it.',
      },
      { when: 'after', title: 'Warm the cache before relying on it', detail: 'A cold cache sends every read to the database; enable caching per feature, busiest first, outside the peak.' },
    ],
    risks: ['Replicas serve data up to the lag behind the writer; a long-running query on a replica can delay replay and raise the lag.', 'A cache without invalidation on write serves stale data: set TTLs and delete keys on update.'],
    rollback: [`\`${names.deploy('split-tier', 'aws')}\` removes the replicas and the cache; point reads back at the writer first.`],
  };
}

function splitToReplicasK8s(names: Names): LegBody {
  const [cluster] = names.cnpgClusters('read-replicas');
  const plan = names.plan('read-replicas');
  return {
    summary: `Raises ${cluster} to ${1 + (plan.database?.readReplicas ?? 0) + 1} instances (primary, standby, replicas) read through the -ro service and a PgBouncer pooler, and adds a replicated Redis. CloudNativePG clones each new instance from the primary.`,
    dataWork: false,
    downtime: 'none; each new replica copies the whole database from the primary (pg_basebackup), which loads its disk and network',
    steps: [
      { when: 'before', title: 'Schedule the deploy off-peak', detail: `Cloning ${Math.round(names.datasetGiB)} GiB per new replica reads the primary\u2019s disk at full speed.` },
      { when: 'deploy', title: 'Deploy read-replicas', commands: [names.deploy('read-replicas', 'k8s')] },
      { when: 'after', title: 'Move eligible reads to the read-only service gradually and warm the cache', detail: `Watch the replica-lag alert (threshold ${plan.database?.replicaLagAlarmSeconds ?? '?'} s).` },
    ],
    risks: ['Reads from replicas may be stale up to the lag; keep read-your-write paths on the primary.', 'A cold cache sends every read to Postgres; enable it gradually.'],
    rollback: [`\`${names.deploy('split-tier', 'k8s')}\` lowers the instance count (CloudNativePG removes the extra replicas and their volumes, which hold only copies); delete the Redis objects by hand (no prune).`],
  };
}

function replicasToSharded(names: Names, target: RunbookTarget): LegBody {
  const plan = names.plan('sharded');
  const shards = plan.database?.shards ?? 2;
  const rule = plan.database?.shardKey ?? 'shard = hash(key) mod shards';
  const aws = target === 'aws';
  const map = names.shardMap('sharded', target);
  const db = aws ? names.awsPrimary('sharded') : { identifier: '', database: 'app', user: 'postgres' };
  const clusters = aws ? [] : names.cnpgClusters('sharded');
  const shardName = (i: number) => (aws ? `shard ${i}` : (clusters[i] ?? `<shard ${i} cluster>`));
  // Where psql runs: an app server inside the VPC (private hostnames), or the shard's primary pod.
  const psql = (shard: number) => {
    if (!aws) return `kubectl exec -n ${names.ns} ${names.primaryPod(shardName(shard))} -c postgres -- psql -d ${db.database}`;
    const host = map?.shards.find((s) => s.id === shard)?.writer ?? `<shard ${shard} writer>`;
    return `psql -h ${host} -U ${db.user} -d ${db.database}`;
  };
  const logical = aws
    ? names.awsResources('sharded', 'AWS::RDS::DBParameterGroup').some((g) => String(g.props.Parameters?.['rds.logical_replication']) === '1')
      ? 'The stack\u2019s parameter groups already set rds.logical_replication = 1; confirm with SHOW wal_level (expect logical). If shard 0 predates that setting, reboot its writer once (Multi-AZ fails over in about a minute).'
      : 'Set rds.logical_replication = 1 in shard 0\u2019s parameter group and reboot the writer in a quiet hour (a static parameter; Multi-AZ fails over in about a minute).'
    : `Confirm SHOW wal_level is logical on ${shardName(0)} (CloudNativePG\u2019s default); if not, set spec.postgresql.parameters.wal_level: logical (a rolling restart).`;
  const where = map ? ` (${map.where})` : '';
  // The sizes the plan renders (core's shardSizings), so the runbook and the plan say the same.
  const sizes = shardSizings(names.plan('sharded'), names.ctx.plans);
  const sized = `${shardName(0)} (shard 0, the existing database, ${sizes[0].storageGiB} GiB) keeps every row; shards 1..${shards - 1} (${sizes[1]?.storageGiB ?? '?'} GiB each) are created empty. `;
  return {
    summary:
      `Splits the data across ${shards} shards by the key rule "${rule}". ${sized}` +
      'Rows are backfilled into their new shard with logical replication (one filtered publication per shard), then applications switch to the shard map and the moved rows are deleted from shard 0.',
    dataWork: true,
    downtime: 'a write pause of about a minute at the switch (replication catches up, sequences are set, the routing flag flips)',
    steps: [
      {
        when: 'before',
        title: aws ? 'Make every query carry the shard key, and route by the shard map' : 'Make every query carry the shard key, and keep routing to shard 0',
        detail: aws
          ? `Ship a routing layer that reads the shard map${where} and sends a key to its shard only when that shard is \`active\`; keys of a \`backfilling\` shard stay on shard 0. ` +
            'Verify it in production first. Tables without the key (global reference data) stay on shard 0 or are copied to every shard.'
          : `The deploy publishes the shard map${where} with every shard marked active at once. Ship a routing layer that reads the map but keeps sending everything to shard 0 until a flag flips (step "Switch"), ` +
            'and verify it in production first. Tables without the key (global reference data) stay on shard 0 or are copied to every shard.',
      },
      { when: 'before', title: 'Enable logical decoding on shard 0', detail: logical },
      {
        when: 'deploy',
        title: 'Deploy sharded',
        detail: aws
          ? `With activeShards=1, creates shards 1..${shards - 1} (each a primary with the read-replicas tier\u2019s replicas) and publishes the shard map with them as \`backfilling\`; shard 0 keeps its size, so nothing about it changes. Applications keep routing to shard 0.`
          : `Creates shards 1..${shards - 1} (each a primary with the read-replicas tier\u2019s replicas) and publishes the shard map. Applications keep routing to shard 0 because of the flag.`,
        commands: [aws ? names.deploy('sharded', target, ' --cdk-context activeShards=1') : names.deploy('sharded', target)],
      },
      {
        when: 'after',
        title: 'Copy the schema to every new shard',
        commands: aws
          ? [`pg_dump -h ${map?.shards[0]?.writer ?? '<shard 0 writer>'} -U ${db.user} --schema-only ${db.database} | ${psql(1)}   # from an app server; repeat per new shard`]
          : [`kubectl exec -n ${names.ns} ${names.primaryPod(shardName(0))} -c postgres -- pg_dump --schema-only ${db.database} | kubectl exec -i -n ${names.ns} ${names.primaryPod(shardName(1))} -c postgres -- psql -d ${db.database}   # repeat per new shard`],
      },
      {
        when: 'after',
        title: 'Backfill with one filtered publication per new shard',
        detail: `On shard 0, publish each sharded table with a row filter matching the key rule; subscribe from shard N. The initial copy backfills, then changes stream until the switch.${aws ? '' : ' Allow shard N\u2019s pods to reach shard 0 on 5432 with a temporary NetworkPolicy (the namespace is default-deny).'}`,
        commands: [
          `${psql(0)} -c "CREATE PUBLICATION shard_1 FOR TABLE orders, order_items WHERE (abs(hashtext(shop_id::text)) % ${shards} = 1)"   # your sharded tables; one publication per new shard`,
          `${psql(1)} -c "CREATE SUBSCRIPTION shard_1 CONNECTION 'host=${aws ? (map?.shards[0]?.writer ?? '<shard 0 writer>') : `${shardName(0)}-rw`} dbname=${db.database} user=<replication user> password=...' PUBLICATION shard_1"`,
        ],
      },
      {
        when: 'after',
        title: aws ? 'Switch: pause writes, let replication catch up, set sequences, mark every shard active' : 'Switch: pause writes, let replication catch up, set sequences, flip the routing flag',
        commands: [
          `${psql(1)} -c "SELECT subname, received_lsn, latest_end_lsn, latest_end_time FROM pg_stat_subscription"`,
          '-- on every new shard: SELECT setval(seq, <max from shard 0> + safety gap) for each sequence (logical replication does not copy sequences)',
          ...(aws ? [`${names.deploy('sharded', target)}   # every shard active in the map; shard 0 may now shrink its plan, never its storage`] : []),
        ],
      },
      {
        when: 'after',
        title: 'Drop the subscriptions, then delete moved rows from shard 0 in batches',
        detail: 'Wait out your rollback window first: until these rows are deleted, shard 0 is a full copy as of the switch.',
      },
    ],
    risks: [
      'Publication row filters need PostgreSQL 15+ and may only use columns of the replica identity; the shard key must never change for a row.',
      'Queries that join across shards or need a global order stop working at the switch: find them before (pg_stat_statements).',
      'Writes during the pause must be held or rejected by the app; anything written to shard 0 for a moved key after the flip is orphaned.',
      'Shard 0 needs disk for the replication slots\u2019 retained WAL while new shards copy; watch its free space.',
      aws
        ? 'Deploying sharded without activeShards=1 publishes every shard as active at once: an application that follows the map then writes to empty shards.'
        : 'The published map marks every shard active from the deploy on: an application that follows it without the flag writes to empty shards.',
    ],
    rollback: [
      'Before the flip: drop the subscriptions and publications; nothing changed for applications.',
      'After the flip: writes to shards 1..N exist only there. A cheap rollback needs reverse subscriptions (shards 1..N back to shard 0) set up at the switch; otherwise copy them back by hand.',
      `\`${names.deploy('read-replicas', target, aws ? ' --allow-data-loss' : '')}\` removes shards 1..${shards - 1}${aws ? '' : ' (kubectl leaves them: delete their clusters by hand)'}: only after their data is back on shard 0.`,
    ],
  };
}

function shardedToQueue(names: Names, target: RunbookTarget): LegBody {
  const plan = names.plan('queue-pipeline');
  const queue = plan.queue;
  const tech = queue?.technology === 'kafka' ? `Kafka (${queue.kafka?.brokers ?? '?'} brokers, topic ${queue.kafka?.topic ?? '?'}, ${queue.kafka?.partitions ?? '?'} partitions)` : 'SQS with a dead-letter queue';
  return {
    summary: `Adds ${tech} and a worker fleet scaled on backlog (${queue?.minWorkers ?? '?'}-${queue?.maxWorkers ?? '?'} workers). No stored data moves; the work is moving slow request-path jobs onto the queue.`,
    dataWork: false,
    downtime: 'none',
    steps: [
      { when: 'before', title: 'Make jobs idempotent', detail: `Delivery is at-least-once: a job may run twice (redelivery after ${queue?.visibilityTimeoutSeconds ?? '?'} s, retries, rebalances). Key side effects (emails, charges) by job ID.` },
      { when: 'deploy', title: 'Deploy queue-pipeline', commands: [names.deploy('queue-pipeline', target)] },
      { when: 'after', title: 'Move jobs onto the queue one type at a time behind a flag', detail: `Watch ${queue?.technology === 'kafka' ? 'consumer lag' : 'the age of the oldest message and the dead-letter queue'}; every message in the dead-letter queue is a job that failed ${queue?.maxReceiveCount ?? 5} times and needs a look.` },
    ],
    risks: ['Jobs that assumed they ran inside the request (same transaction, user waiting) need an outbox or a status the user can poll.', 'A poison message retried forever blocks a Kafka partition: send failures to a dead-letter topic.'],
    rollback: ['Flip the flags back to run jobs inline; drain the queue before removing it (see the move down).'],
  };
}

function splitToSingleAws(names: Names): LegBody {
  const db = names.awsPrimary('split-tier');
  const writer = names.shardMap('split-tier', 'aws')?.shards[0]?.writer ?? '<RDS endpoint>';
  return {
    summary: 'Moves Postgres from RDS back onto one server. The deploy creates a new server with a new, empty data volume and removes RDS from the stack.',
    dataWork: true,
    downtime: `writes stop from the final dump until the restore on the server is verified: about ${names.dumpHours()}`,
    steps: [
      { when: 'before', title: 'Check the data and load fit one server', detail: `The server\u2019s volume is ${names.plan('single-server').server?.dataVolumeGiB ?? '?'} GiB; see \`stagekit explain --stage single-server\` for warnings.` },
      {
        when: 'before',
        title: 'Snapshot RDS and take a dump to your workstation through Session Manager',
        commands: [
          `aws rds create-db-snapshot --region ${names.region} --db-instance-identifier ${db.identifier} --db-snapshot-identifier ${names.stack}-before-single-server`,
          `aws ssm start-session --region ${names.region} --target <an app instance> --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${writer},portNumber=5432,localPortNumber=15432`,
          `pg_dump -h 127.0.0.1 -p 15432 -U ${db.user} -Fd -j 4 -f cutover ${db.database}   # after stopping writes (scale the app group to 0)`,
        ],
      },
      {
        when: 'before',
        title: 'Turn off the load balancer\u2019s deletion protection once DNS points at the server',
        detail: 'The load balancer has deletion protection (its DNS name is what customers reach); CloudFormation cannot remove it while it is on.',
        commands: [`aws elbv2 modify-load-balancer-attributes --region ${names.region} --load-balancer-arn <the stack's load balancer ARN> --attributes Key=deletion_protection.enabled,Value=false`],
      },
      { when: 'deploy', title: 'Deploy single-server', detail: 'RDS has deletion protection: CloudFormation cannot delete it and leaves it outside the stack (still billed) until you remove it.', commands: [names.deploy('single-server', 'aws', ' --allow-data-loss')] },
      {
        when: 'after',
        title: 'Restore on the server',
        commands: [
          'aws ssm start-session --target <new server> --document-name AWS-StartPortForwardingSession --parameters portNumber=5432,localPortNumber=15433',
          'pg_restore -h 127.0.0.1 -p 15433 -U postgres -d $DB --no-owner -j 4 cutover   # set a postgres password and a host rule in pg_hba.conf for 127.0.0.1 first',
        ],
      },
      { when: 'after', title: 'Delete RDS once verified', detail: 'Disable deletion protection and delete the instance, keeping a final snapshot.' },
    ],
    risks: ['The server has one disk in one zone: availability drops to what one machine gives.', 'Writes after the dump are lost unless the app stays stopped until the restore.'],
    rollback: ['RDS and its snapshot still exist until you delete them: redeploy split-tier and restore writes made on the server since the move.'],
  };
}

function splitToSingleK8s(names: Names): LegBody {
  const [cluster] = names.cnpgClusters('split-tier');
  return {
    summary: `Moves Postgres from the CloudNativePG cluster ${cluster} back to the single-node StatefulSet postgres. The old cluster stays (no prune) until you delete it.`,
    dataWork: true,
    downtime: `writes stop from the final dump until the restore is verified: about ${names.dumpHours()}`,
    steps: [
      { when: 'before', title: 'Take a backup of the cluster', commands: [`kubectl cnpg backup ${cluster} -n ${names.ns}   # or a Backup object; needs the kubectl cnpg plugin`] },
      {
        when: 'deploy',
        title: 'Stop writes, deploy single-server, restore into postgres',
        commands: [
          `kubectl scale deployment/web -n ${names.ns} --replicas=0 && kubectl exec -n ${names.ns} ${names.primaryPod(cluster)} -c postgres -- pg_dump -Fc app > cutover.dump`,
          names.deploy('single-server', 'k8s'),
          `kubectl scale deployment/web -n ${names.ns} --replicas=0 && kubectl exec -i -n ${names.ns} statefulset/postgres -- pg_restore -U postgres -d $DB --no-owner < cutover.dump && kubectl scale deployment/web -n ${names.ns} --replicas=1`,
        ],
      },
      { when: 'after', title: 'Delete the CloudNativePG cluster once verified', commands: [`kubectl delete cluster.postgresql.cnpg.io/${cluster} -n ${names.ns}   # deletes its volumes`] },
    ],
    risks: ['If the StatefulSet postgres still has its old claim data-postgres-0 (kept from the climb), the restore lands on top of old data: restore into an empty database or delete the old claim first.', 'One pod on one node: availability drops accordingly.'],
    rollback: [`Until ${cluster} is deleted, \`${names.deploy('split-tier', 'k8s')}\` switches back; copy writes made on postgres since the move.`],
  };
}

function replicasToSplit(names: Names, target: RunbookTarget): LegBody {
  return {
    summary: 'Removes the read replicas and the cache. No data is lost (replicas and cache hold copies), but every read returns to the primary.',
    dataWork: false,
    downtime: 'none, if the primary can take the reads',
    steps: [
      { when: 'before', title: 'Check the primary can take the whole read load without the cache', detail: `split-tier sizes the primary at ${names.plan('split-tier').database?.instance.name ?? '?'}; compare with today\u2019s reads (replica and cache hit metrics).` },
      { when: 'before', title: 'Point reads back at the writer and turn caching off in the app' },
      { when: 'deploy', title: 'Deploy split-tier', commands: [names.deploy('split-tier', target, target === 'aws' ? ' --allow-data-loss' : '')], detail: target === 'aws' ? 'Replicas and the cache are destroyed (they only hold copies): the deploy flags them.' : 'Lowers the CNPG instance count; delete the Redis objects by hand afterwards (no prune).' },
    ],
    risks: ['Read load on the primary rises by the replica share plus the cache hit share.'],
    rollback: [`Deploy read-replicas again: replicas are rebuilt from the primary, the cache starts cold.`],
  };
}

function shardedToReplicas(names: Names, target: RunbookTarget): LegBody {
  const shards = names.plan('sharded').database?.shards ?? 2;
  return {
    summary: `Merges shards 1..${shards - 1} back into shard 0 and removes them. Only possible when the whole dataset and write rate fit one primary again, the reason sharding was needed.`,
    dataWork: true,
    downtime: 'a write pause of about a minute at the switch, as for the move up',
    steps: [
      { when: 'before', title: 'Check shard 0 can hold everything', detail: `Disk, memory for the hot set and write rate of all ${shards} shards together against shard 0\u2019s size.` },
      { when: 'before', title: 'Replicate every shard\u2019s rows into shard 0', detail: 'Logical replication from each shard (publication of its tables) into shard 0, which has the schema already; then pause writes, catch up, set sequences, switch routing to shard 0.' },
      { when: 'deploy', title: 'Deploy read-replicas once shard 0 serves all traffic', commands: [names.deploy('read-replicas', target, target === 'aws' ? ' --allow-data-loss' : '')], detail: target === 'aws' ? 'Shards 1..N are destroyed (DeletionPolicy snapshot keeps a final snapshot where deletion protection allows the delete).' : `kubectl does not prune: delete the other shards\u2019 clusters by hand after a final backup.` },
    ],
    risks: ['Unique constraints and sequences collide when rows from different shards meet in one table: check before merging.', 'This undoes the write scaling; expect the limits that led to sharding.'],
    rollback: ['Until the shards are deleted, routing can switch back to the shard map; writes made on shard 0 since then must be replicated back.'],
  };
}

function queueToSharded(names: Names, target: RunbookTarget): LegBody {
  const queue = names.plan('queue-pipeline').queue;
  const kafka = target === 'aws' ? queue?.technology === 'kafka' : names.k8sNames('queue-pipeline', 'Kafka', 'kafka.strimzi.io')[0] !== '<kafka>' || queue?.technology === 'kafka';
  // A queue the stack retains survives the deploy (drain it, then delete it by hand); one it deletes needs --allow-data-loss.
  const queues = [...names.awsResources('queue-pipeline', 'AWS::SQS::Queue'), ...names.awsResources('queue-pipeline', 'AWS::MSK::Cluster')];
  const retainedByStack = target === 'aws' && queues.length > 0 && queues.every((r) => names.deletionPolicy('queue-pipeline', r.id) === 'Retain');
  return {
    summary: `Removes the ${kafka ? 'Kafka cluster' : 'SQS queues'} and the workers. Queued jobs are data: drain them before the deploy.`,
    dataWork: true,
    downtime: 'none for requests; background work runs inline again',
    steps: [
      { when: 'before', title: 'Stop producers', detail: 'Flip every job type back to running inline (the flags from the climb).' },
      {
        when: 'before',
        title: 'Drain the backlog and the dead-letter path',
        detail: kafka ? 'Wait for consumer lag 0 on every partition; export anything a replay might need (retained messages are deleted with the cluster).' : 'Wait for ApproximateNumberOfMessagesVisible and NotVisible to reach 0; export or redrive the dead-letter queue.',
        commands: kafka
          ? [target === 'k8s' ? `kubectl exec -n ${names.ns} <broker pod> -- bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group ${queue?.kafka?.consumerGroup ?? 'workers'}` : `aws kafka describe-cluster-v2 ... ; kafka-consumer-groups.sh --describe --group ${queue?.kafka?.consumerGroup ?? 'workers'}`]
          : [
              ...queues.map((r) => `QUEUE_URL=$(${names.physicalId(r.id)})   # ${r.id}; note it: the deploy takes the queue out of the stack`),
              `aws sqs get-queue-attributes --region ${names.region} --queue-url $QUEUE_URL --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible`,
            ],
      },
      {
        when: 'deploy',
        title: 'Deploy sharded',
        commands: [names.deploy('sharded', target, retainedByStack ? '' : ' --allow-data-loss')],
        detail:
          target === 'k8s'
            ? 'kubectl does not prune: delete the Kafka objects and workers by hand after the drain.'
            : retainedByStack
              ? `The stack retains ${queues.map((r) => r.id).join(', ')} (DeletionPolicy Retain): they stay, outside the stack, until you delete them.`
              : undefined,
      },
      ...(retainedByStack
        ? [{ when: 'after' as const, title: 'Delete the retained queues once empty', detail: 'Use the queue URLs noted before the deploy (the queues are no longer in the stack).', commands: ['aws sqs delete-queue --region ' + names.region + ' --queue-url $QUEUE_URL   # for each'] }]
        : []),
    ],
    risks: ['Messages still queued when the queue or cluster is deleted are lost.', 'Request latency rises again by the work that moves back inline.'],
    rollback: ['Deploy queue-pipeline again; queues start empty.'],
  };
}
