import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { APP_DATABASE_NAME, APP_DATABASE_USER, APP_ENV, shardMapFromParameter } from '../../core/contract';
import { shardSizings } from '../../core/plan';
import { ShardedPostgres, ShardShape } from '../../constructs/aws/sharded-postgres';
import { AwsContext } from '../component';

/** RDS PostgreSQL as shard groups behind stable names in a private zone, and the shard map in SSM. */
export function databaseAws(ctx: AwsContext): void {
  const { plan, stack, parts } = ctx;
  const db = plan.database!;
  const vpc = ctx.network.vpc;
  const zone = (parts.zone = new route53.PrivateHostedZone(stack, 'InternalDns', { zoneName: `${plan.product}.internal`, vpc, comment: 'Stable names for the data tier' }));
  // RDS takes a shard as an instance class and storage (the sizing rules are core's `shardSizings`).
  const shards: ShardShape[] = shardSizings(plan, ctx.ladder, ctx.options.activeShards).map((sizing) => ({
    instanceClass: sizing.instance.name,
    allocatedStorageGiB: sizing.storageGiB,
    iops: sizing.iops,
    readReplicas: sizing.readReplicas,
    maxConnections: sizing.maxConnections,
  }));
  const database = (parts.database = new ShardedPostgres(stack, 'Database', {
    vpc,
    alarms: ctx.alarms,
    identifierPrefix: plan.product,
    engineVersion: db.engineVersion,
    shards,
    zone,
    shardKey: db.shardKey,
    activeShards: ctx.options.activeShards,
    shardsInParentStack: ctx.options.shardsInParentStack,
    multiAz: db.standby,
    backupRetentionDays: db.backupRetentionDays,
    replicaLagAlarm: Duration.seconds(db.replicaLagAlarmSeconds),
    cpuAlarmPercent: plan.observability.cpuAlarmPercent,
    freeStorageAlarmPercent: 100 - plan.observability.diskUsedAlarmPercent,
    logRetention: ctx.logRetention,
  }));

  if (parts.singleServer) {
    // The data move (keepSingleServer): the server may reach the new database (pg_dump | pg_restore, psql),
    // and the database may reach the server's Postgres (a logical-replication subscription).
    const server = parts.singleServer.securityGroup;
    database.allowFrom(server, 'PostgreSQL from the single server during the data move');
    database.securityGroup.addEgressRule(server, ec2.Port.tcp(5432), 'Logical replication from the single server during the data move');
    server.addIngressRule(database.securityGroup, ec2.Port.tcp(5432), 'Logical replication subscription from RDS during the data move');
  }

  const shard0 = database.shards[0];
  Object.assign(ctx.connections.env, {
    [APP_ENV.databaseHost]: shard0.writerHostname,
    [APP_ENV.databaseReadHost]: shard0.readerHostname,
    [APP_ENV.databaseDirectHost]: shard0.writerHostname,
    [APP_ENV.databasePort]: '5432',
    [APP_ENV.databaseName]: APP_DATABASE_NAME,
    [APP_ENV.databaseUser]: APP_DATABASE_USER,
    [APP_ENV.databaseAuth]: 'iam',
    [APP_ENV.databaseSslMode]: 'require',
    [APP_ENV.databaseShardMap]: shardMapFromParameter(database.shardMap.parameterName),
    [APP_ENV.databaseShardCount]: String(db.shards),
  });
  ctx.connections.reach.push((client) => {
    database.allowFrom(client.peer, `PostgreSQL from the ${client.description}`);
    database.grantClient(client.grantee, APP_DATABASE_USER);
  });

  for (const shard of database.shards) ctx.dashboard.addRow('database', `Database shard ${shard.shardId}: ${shard.writerHostname}`, ...shard.widgets());
  ctx.dashboard.watch('database', database.alarms);
  ctx.dashboard.addOutput('database', 'ShardMapParameter', { description: 'SSM parameter holding the shard map', value: database.shardMap.parameterName });
}
