import { Tags } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { acknowledge } from '../../constructs/aws/nag';
import { AwsContext } from '../component';

/**
 * CloudFront in front of the web tier's load balancer. Caching follows the app: the managed
 * "UseOriginCacheControlHeaders-QueryStrings" policy keeps only what the app marks cacheable
 * (default TTL 0) and keys on host, cookies and query strings, so a personalised page is never
 * served to someone else; every viewer header but Host, every cookie and query string reach the
 * app. Viewers are redirected to HTTPS.
 */
export function cdnAws(ctx: AwsContext): void {
  const web = ctx.parts.web;
  // The single server has no load balancer to put CloudFront in front of.
  if (!web) return;
  const distribution = new cloudfront.Distribution(ctx.stack, 'Cdn', {
    comment: `${ctx.plan.product}: CloudFront in front of the web tier`,
    defaultBehavior: {
      origin: new origins.LoadBalancerV2Origin(web.loadBalancer, {
        // Over HTTPS only when the load balancer has a certificate (it must then cover the load balancer's name).
        protocolPolicy: web.https ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    },
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    enableLogging: false,
  });
  // How the cost module knows the distribution's role.
  Tags.of(distribution).add('stagekit:role', 'cdn');
  acknowledge(distribution, 'AwsSolutions-CFR1', 'No geo restriction: the product serves every country its load balancer does.');
  acknowledge(distribution, 'AwsSolutions-CFR2', 'No WAF by default (it is priced per rule and request); attach a web ACL through the escape hatch where the threat model needs one.');
  acknowledge(distribution, 'AwsSolutions-CFR3', 'Access logs are off unless asked for: the load balancer already logs every request that reaches the app.');
  acknowledge(
    distribution,
    'AwsSolutions-CFR4',
    'Served on the default *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a custom domain with an ACM certificate gets TLSv1.2_2021.',
  );
  if (!web.https) acknowledge(distribution, 'AwsSolutions-CFR5', 'The load balancer has no certificate yet, so CloudFront reaches it over HTTP inside AWS; give it one (certificateArn) to encrypt that leg.');
  ctx.dashboard.addOutput('cdn', 'CdnUrl', { description: 'Where the CDN answers', value: `https://${distribution.distributionDomainName}` });
  ctx.parts.extra.cdn = distribution;
}

