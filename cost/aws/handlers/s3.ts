/**
 * S3: buckets at S3 Standard rates. The load balancer's access-log bucket (`stagekit:role=access-logs`) is sized
 * from the profile's requests: one log line per request, kept as long as the bucket's lifecycle rule keeps it,
 * and one PUT per load balancer node every five minutes. A bucket with no role is listed as pay-per-use: the
 * template does not say how much it holds.
 */
import { RESOURCE_ROLES } from '../../../core/roles';
import { HOURS_PER_MONTH, payPerUseResource, resource } from '../../model';
import { gib } from '../../usage';
import { lookup, tieredLines, usageLine } from '../context';
import { num, roleOf, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

/**
 * Bytes of one Application Load Balancer access-log line: AWS's own example HTTPS entry
 * (docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html, "Example log
 * entries"), measured with its newline. Its URL and user agent are short, so real lines run longer; ELB writes
 * the files gzip-compressed, so the stored bytes are fewer. The bill prices the uncompressed size.
 */
export const ALB_ACCESS_LOG_LINE_BYTES = 556;
/** "Elastic Load Balancing publishes a log file for each load balancer node every 5 minutes" (same page). */
export const ALB_LOG_FILES_PER_NODE_HOUR = 12;

/** Days the bucket's enabled lifecycle rules keep an object (the shortest expiration), or undefined if none expires. */
export function expirationDays(rules: unknown, read: (value: unknown) => number | undefined, status: (value: unknown) => string | undefined): number | undefined {
  if (!Array.isArray(rules)) return undefined;
  const days = rules.filter((rule) => (status(rule?.Status) ?? 'Enabled') === 'Enabled').map((rule) => read(rule?.ExpirationInDays)).filter((d): d is number => d !== undefined);
  return days.length ? Math.min(...days) : undefined;
}

export const s3Bucket = handler({
  types: ['AWS::S3::Bucket'],
  read(template, _id, cfnResource) {
    return {
      role: roleOf(template, cfnResource),
      retentionDays: expirationDays(props(cfnResource).LifecycleConfiguration?.Rules, (v) => num(template, v), (v) => str(template, v)),
    };
  },
  price(ctx, id, type, { role, retentionDays }) {
    if (role !== RESOURCE_ROLES.accessLogs) return payPerUseResource(id, type, 'billed per GB stored and per request; the template does not say how much this bucket holds');
    const usage = ctx.usage;
    const monthsStored = retentionDays === undefined ? 12 : retentionDays / 30;
    const keptNote = retentionDays === undefined ? 'no expiration: 12 months of logs accumulated' : `kept ${retentionDays} days (lifecycle rule)`;
    const writtenGiB = usage ? (usage.requestsPerMonth * ALB_ACCESS_LOG_LINE_BYTES) / 2 ** 30 : undefined;
    const storedGiB = writtenGiB === undefined ? undefined : writtenGiB * monthsStored;
    const nodes = usage?.zones;
    const puts = nodes === undefined ? undefined : nodes * ALB_LOG_FILES_PER_NODE_HOUR * HOURS_PER_MONTH;
    const lines = lookup('Access-log storage and requests', 'GB-months', () => {
      const s3 = ctx.catalog.s3Standard(ctx.region);
      const storageAssumption = `${gib(writtenGiB ?? 0)} of access logs a month (${ALB_ACCESS_LOG_LINE_BYTES} B per request, AWS's example log line), ${keptNote}; priced uncompressed (ELB gzips the files): an upper bound`;
      return [
        ...(storedGiB === undefined ? [usageLine('S3 Standard storage', 'GB-months', undefined, s3.storage[0]!, '')] : tieredLines('S3 Standard storage', 'GB-months', storedGiB, s3.storage, storageAssumption)),
        usageLine('PUT requests (log files)', 'requests', puts, s3.putCopyPostListRequest, `one log file per load balancer node every 5 minutes, one node per zone (${nodes ?? 0}); ALB adds nodes under load`),
      ];
    }, true);
    return resource(id, type, lines, 'reads of the logs (GET, Athena) are not modelled; S3 free tier not applied');
  },
});

export const s3Service: ServiceHandlers = {
  service: 'S3',
  handlers: [s3Bucket],
  free: { 'AWS::S3::BucketPolicy': 'no charge' },
};
