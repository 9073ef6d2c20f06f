/**
 * CloudWatch: log groups (ingestion and storage, the volume from the group's role), alarms (per metric,
 * high-resolution and anomaly bands counted), composite alarms and dashboards.
 */
import { resource } from '../../model';
import { count, gib } from '../../usage';
import { priced, usageLine } from '../context';
import { CfnTemplate, num } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const logGroup = handler({
  types: ['AWS::Logs::LogGroup'],
  read: (t, _id, r) => ({ retentionDays: num(t, props(r).RetentionInDays) }),
  price(ctx, id, type, { retentionDays }) {
    const cw = ctx.catalog.cloudwatch(ctx.region);
    const usage = ctx.usage;
    const monthsStored = retentionDays === undefined ? 12 : retentionDays / 30;
    const storedNote = retentionDays === undefined ? 'never expires: 12 months of logs accumulated' : `${retentionDays} days kept`;
    const flow = ctx.roles.flowLogGroups.get(id);
    let gb: number | undefined;
    let assumption: string;
    if (flow !== undefined) {
      gb = usage ? (flow === 'REJECT' ? 1 : 0.01 * (usage.egressGiBPerMonth + usage.databaseTrafficGiBPerMonth)) : undefined;
      assumption = flow === 'REJECT' ? 'VPC flow logs of rejected traffic only: about 1 GiB/month (scanners, misconfigured clients)' : 'VPC flow logs: about 1% of the traffic volume they record';
    } else if (ctx.roles.appLogGroups.includes(id)) {
      const appLogGroupCount = ctx.roles.appLogGroups.length;
      gb = usage ? usage.logGiBPerMonth / appLogGroupCount : undefined;
      assumption = usage ? `${gib(usage.logGiBPerMonth)} of request logs (1 KiB per request)${appLogGroupCount > 1 ? `, split over ${appLogGroupCount} log groups` : ''}` : '';
    } else if (ctx.roles.workerLogGroups.includes(id)) {
      const workerLogGroupCount = ctx.roles.workerLogGroups.length;
      gb = usage ? (usage.jobsPerMonth * 1024) / 2 ** 30 / workerLogGroupCount : undefined;
      assumption = usage ? `${count(usage.jobsPerMonth)} jobs × 1 KiB of logs each${workerLogGroupCount > 1 ? `, split over ${workerLogGroupCount} log groups` : ''}` : '';
    } else {
      gb = usage ? 1 : undefined;
      assumption = 'an AWS service\'s own logs (Postgres errors and slow queries, cache slow log...): about 1 GiB/month';
    }
    return resource(id, type, [
      usageLine('Log ingestion', 'GB', gb, cw.logsIngestionPerGb, assumption),
      usageLine('Log storage', 'GB-months', gb === undefined ? undefined : gb * monthsStored, cw.logsStoragePerGbMonth, `${storedNote}; billed on compressed size, priced uncompressed (an upper bound)`),
    ]);
  },
});

/** Metrics an alarm evaluates: one, or each MetricStat of a metric-math alarm; anomaly bands count three. */
export function alarmMetrics(template: CfnTemplate, properties: Record<string, any>): { metrics: number; highResolution: boolean } {
  const periods: number[] = [];
  let metrics = 0;
  if (Array.isArray(properties.Metrics)) {
    for (const metric of properties.Metrics) {
      if (metric?.MetricStat) {
        metrics += 1;
        periods.push(num(template, metric.MetricStat.Period) ?? 60);
      }
      if (typeof metric?.Expression === 'string' && metric.Expression.includes('ANOMALY_DETECTION_BAND')) metrics += 2;
    }
  } else {
    metrics = 1;
    periods.push(num(template, properties.Period) ?? 60);
  }
  return { metrics: Math.max(1, metrics), highResolution: periods.some((s) => s < 60) };
}

export const cloudwatchAlarm = handler({
  types: ['AWS::CloudWatch::Alarm'],
  read: (t, _id, r) => alarmMetrics(t, props(r)),
  price(ctx, id, type, { metrics, highResolution }) {
    const cw = ctx.catalog.cloudwatch(ctx.region);
    const price = highResolution ? cw.highResolutionAlarmMonthly : cw.standardAlarmMonthly;
    return resource(id, type, [priced(`${highResolution ? 'High-resolution' : 'Standard'} alarm metrics`, 'alarm metrics', metrics, price)]);
  },
});

export const compositeAlarm = handler({
  types: ['AWS::CloudWatch::CompositeAlarm'],
  read: () => ({}),
  price: (ctx, id, type) => resource(id, type, [priced('Composite alarm', 'alarms', 1, ctx.catalog.cloudwatch(ctx.region).compositeAlarmMonthly)]),
});

export const dashboard = handler({
  types: ['AWS::CloudWatch::Dashboard'],
  read: () => ({}),
  price: (ctx, id, type) => resource(id, type, [priced('Dashboard', 'months', 1, ctx.catalog.cloudwatch(ctx.region).dashboardMonthly)], 'the 3 free dashboards per account are not applied'),
});

export const cloudwatchService: ServiceHandlers = {
  service: 'CloudWatch',
  handlers: [logGroup, cloudwatchAlarm, compositeAlarm, dashboard],
  free: Object.fromEntries(['MetricFilter', 'SubscriptionFilter', 'ResourcePolicy', 'LogStream'].map((t) => [`AWS::Logs::${t}`, 'no charge'])),
};
