import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { APP_ENV } from '../../core/contract';
import { SingleServer } from '../../constructs/aws/single-server';
import { StageObservability } from '../../constructs/aws/stage-observability';
import { AwsContext } from '../component';
import { singleServerCacheEnv, singleServerDatabaseEnv } from './env';
import { drawPanels, SINGLE_SERVER_ALARMS_PANEL, SINGLE_SERVER_PANELS, SingleServerPanel } from '../../core/dashboard';

/** Postgres and Redis run on the same host; the app shares its network (`--network host`). */
const LOCALHOST = '127.0.0.1';

/** The single server: the whole first stage, or kept beside split-tier while its data moves (`keepSingleServer`). */
export function singleServerAws(ctx: AwsContext): void {
  const { plan } = ctx;
  const server = plan.server ?? (ctx.options.keepSingleServer ? ctx.ladder['single-server'].server : undefined);
  if (!server) return;
  const single = new SingleServer(ctx.stack, 'SingleServer', {
    vpc: ctx.network.vpc,
    alarms: ctx.alarms,
    instanceType: server.instance.name,
    dataVolumeGiB: server.dataVolumeGiB,
    snapshotRetentionDays: server.snapshotRetentionDays,
    appImage: plan.app.image,
    appPort: plan.app.port,
    // The same contract as the fleets and the Kubernetes web pod (core/contract.ts).
    appEnvironment: {
      [APP_ENV.role]: 'web',
      [APP_ENV.awsRegion]: ctx.stack.region,
      ...singleServerDatabaseEnv(LOCALHOST),
      ...singleServerCacheEnv(LOCALHOST),
    },
    appPostgresPasswordVariable: APP_ENV.databasePassword,
    postgresMemoryGiB: server.postgresShape.memoryGiB,
    redisMemoryGiB: server.redisShape.memoryGiB,
    cpuAlarmPercent: plan.observability.cpuAlarmPercent,
    diskUsedAlarmPercent: plan.observability.diskUsedAlarmPercent,
  });
  ctx.parts.singleServer = single;
  const instanceId = single.instance.instanceId;
  // Straight onto the dashboard: the server's rows come first.
  ctx.observability.addRow(
    plan.server ? 'Single server' : 'Single server (kept for the data move; deploy without keepSingleServer after cut-over)',
    ...drawPanels<SingleServerPanel, cloudwatch.IWidget>(SINGLE_SERVER_PANELS, {
      cpu: ({ title, width }) => new cloudwatch.GraphWidget({ title, left: [new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: instanceId } })], width }),
      dataDisk: ({ title, width }) =>
        new cloudwatch.GraphWidget({ title, left: [new cloudwatch.Metric({ namespace: 'CWAgent', metricName: 'disk_used_percent', dimensionsMap: { InstanceId: instanceId, path: '/data' } })], width }),
    }),
  );
  if (plan.server) ctx.observability.addRow('Alarms', StageObservability.alarmStatus(SINGLE_SERVER_ALARMS_PANEL.title, single.alarms));
  else ctx.dashboard.watch('single-server', single.alarms);
}
