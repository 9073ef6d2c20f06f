/** Route 53: hosted zones and health checks (DNS queries not modelled; alias queries to AWS resources are free). */
import { resource } from '../../model';
import { lookup, priced } from '../context';
import { bool, num, referencedIds, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const hostedZone = handler({
  types: ['AWS::Route53::HostedZone'],
  read: () => ({}),
  price: (ctx, id, type) => resource(id, type, [priced('Hosted zone', 'months', 1, ctx.catalog.route53PrivateHostedZoneMonthly()[0])], 'DNS queries are not modelled; alias queries to AWS resources are free'),
});

/** Health-check types that watch no endpoint of their own: billed as basic checks on AWS endpoints. */
const WATCHES_NO_ENDPOINT = ['CLOUDWATCH_METRIC', 'CALCULATED', 'RECOVERY_CONTROL'];

/**
 * Which price a health check takes, and its optional features (HTTPS, string matching, 10-second interval,
 * latency measurement), as infracost's route53_health_check reads them. An endpoint given as a reference to a
 * resource of the template is an AWS endpoint; a literal IP address or domain may be anywhere, so it takes the
 * non-AWS rate (an upper bound).
 */
export function readHealthCheck(checkType: string, config: Record<string, unknown>, interval: number | undefined, measureLatency: boolean): { awsEndpoint: boolean; features: string[] } {
  const features: string[] = [];
  if (checkType.startsWith('HTTPS')) features.push('HTTPS');
  if (checkType.endsWith('STR_MATCH')) features.push('string matching');
  if (interval === 10) features.push('10-second interval');
  if (measureLatency) features.push('latency measurement');
  const awsEndpoint = WATCHES_NO_ENDPOINT.includes(checkType) || referencedIds([config.IPAddress, config.FullyQualifiedDomainName]).length > 0;
  return { awsEndpoint, features };
}

export const healthCheck = handler({
  types: ['AWS::Route53::HealthCheck'],
  read(template, _id, cfnResource) {
    const config: Record<string, unknown> = props(cfnResource).HealthCheckConfig ?? {};
    const checkType = str(template, config.Type) ?? 'HTTP';
    return { checkType, ...readHealthCheck(checkType, config, num(template, config.RequestInterval), bool(template, config.MeasureLatency) ?? false) };
  },
  price(ctx, id, type, { checkType, awsEndpoint, features }) {
    const lines = lookup('Health check', 'months', () => {
      const prices = ctx.catalog.route53HealthChecks();
      const out = [
        priced(`Health check (${checkType}, ${awsEndpoint ? 'AWS endpoint' : 'non-AWS endpoint'})`, 'months', 1, awsEndpoint ? prices.basicAwsMonthly : prices.basicNonAwsMonthly, awsEndpoint ? `the first ${prices.freeAwsChecks} AWS-endpoint checks of an account are free: not applied` : 'the endpoint is not a resource of this template'),
      ];
      if (features.length) out.push(priced(`Optional features (${features.join(', ')})`, 'features', features.length, awsEndpoint ? prices.optionalFeatureAwsMonthly : prices.optionalFeatureNonAwsMonthly));
      return out;
    });
    return resource(id, type, lines);
  },
});

export const route53Service: ServiceHandlers = {
  service: 'Route 53',
  handlers: [hostedZone, healthCheck],
  free: { 'AWS::Route53::RecordSet': 'no charge', 'AWS::Route53::RecordSetGroup': 'no charge' },
};
