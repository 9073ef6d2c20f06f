/**
 * CloudFront: the distribution stagekit's CDN component tags `stagekit:role=cdn` carries the responses to
 * users, so the profile's internet egress is billed at CloudFront's tiers for viewers near the region (origin
 * fetches from AWS origins are free). Every viewer request is billed, cache hit or miss, at the HTTPS rate of the
 * same geography (viewers are redirected to HTTPS). A distribution without the tag is listed as pay-per-use (its
 * traffic is unknown).
 */
import { CostComponent, payPerUseResource, resource, unpricedComponent } from '../../model';
import { count, gib } from '../../usage';
import { lookup, tieredLines, usageLine } from '../context';
import { handler, ServiceHandlers } from './types';

export const cloudfrontDistribution = handler({
  types: ['AWS::CloudFront::Distribution'],
  read: () => ({}),
  price(ctx, id, type) {
    if (!ctx.roles.cdnDistributions.includes(id)) return payPerUseResource(id, type, 'billed per request and GB delivered; the template does not say which traffic it carries (no stagekit:role=cdn tag)');
    const usage = ctx.usage;
    const share = 1 / ctx.roles.cdnDistributions.length;
    const lines: CostComponent[] = [];
    if (usage) {
      lines.push(
        ...lookup('Data transfer out to the internet', 'GB', () => {
          const { geography, tiers } = ctx.catalog.cloudfrontDataTransferOutTiers(ctx.region);
          return tieredLines('Data transfer out to the internet', 'GB', usage.egressGiBPerMonth * share, tiers, `${gib(usage.egressGiBPerMonth * share)} of responses to users, priced for viewers in ${geography.replace(/-/g, ' ')}; the 1 TB always-free tier is not applied`);
        }, true),
      );
      const requests = usage.requestsPerMonth * share;
      lines.push(
        ...lookup('HTTPS requests', 'requests', () => {
          const { geography, https } = ctx.catalog.cloudfrontRequests(ctx.region);
          return usageLine('HTTPS requests', 'requests', requests, https, `${count(requests)} requests a month from the profile, every one billed (hits and misses alike), priced for viewers in ${geography.replace(/-/g, ' ')}; the 10 million always-free requests are not applied`);
        }, true),
      );
    } else {
      lines.push(unpricedComponent('Data transfer out and requests', 'GB', 'usage not included: give a workload profile (--profile) to price it', true));
    }
    return resource(id, type, lines, 'origin fetches from the load balancer are free; internet egress is billed here instead of on the region');
  },
});

export const cloudfrontService: ServiceHandlers = {
  service: 'CloudFront',
  handlers: [cloudfrontDistribution],
  free: Object.fromEntries(
    ['OriginAccessControl', 'CloudFrontOriginAccessIdentity', 'CachePolicy', 'OriginRequestPolicy', 'ResponseHeadersPolicy', 'KeyGroup', 'PublicKey'].map((t) => [`AWS::CloudFront::${t}`, 'no charge']),
  ),
  payPerUse: { 'AWS::CloudFront::Function': 'billed per invocation; not modelled' },
};
