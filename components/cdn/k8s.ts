import { ApiObject } from 'cdk8s';
import { K8sContext } from '../component';

/**
 * The cache policy the CDN in front of the Ingress must apply, as an annotation on the Ingress:
 * the same one CloudFront applies on AWS (cache only what the app's Cache-Control allows, default
 * TTL 0, cache key with host, cookies and query strings). stagekit does not run the CDN on
 * Kubernetes; the operator's CDN (or its IaC) reads this annotation.
 */
export const CDN_CACHE_POLICY_ANNOTATION = 'stagekit.dev/cdn-cache-policy';
export const CDN_CACHE_POLICY = 'use-origin-cache-control; default-ttl=0; key=host,cookies,query-strings';

export function cdnK8s(ctx: K8sContext): void {
  const web = ctx.parts.web;
  if (!web) return;
  ApiObject.of(web.ingress).metadata.addAnnotation(CDN_CACHE_POLICY_ANNOTATION, CDN_CACHE_POLICY);
}
