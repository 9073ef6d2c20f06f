/**
 * The CDN component (components/cdn/): off by default; with `cdn: { enabled: true }` CloudFront
 * fronts the AWS web tier with secure defaults (cdk-nag clean, no new aws-cdk-lib warning; its
 * CloudFormation checks run with the others' in test/cloudformation-checks.test.ts) and the Kubernetes
 * Ingress carries the cache-policy annotation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { computePlan } from '../core/plan';
import { loadProfile, parseProfile } from '../core/profile';
import { buildAwsApp } from '../blueprints/aws/app';
import { renderK8s } from '../blueprints/k8s/app';
import { CDN_CACHE_POLICY, CDN_CACHE_POLICY_ANNOTATION } from '../components/cdn/k8s';
import { awsTemplate, k8sObjects } from './support/stages';
import { TEST_PROFILE_FILE } from './support/paths';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-cdn-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const profile = loadProfile(TEST_PROFILE_FILE);
const withCdn = parseProfile({ ...profile, cdn: { enabled: true } });

/** CloudFront's managed policies (ids from the CloudFront developer guide, as aws-cdk-lib names them). */
const USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS = '4cc15a8a-d715-48a4-82b8-cc0b614638fe';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** One synthesis of a stack: its template and the warnings aws-cdk-lib printed for it. */
function synthesized(app: { synth(): any }, stack: { artifactId: string }) {
  const artifact = app.synth().getStackArtifact(stack.artifactId);
  const warnings: string[] = artifact.messages.filter((message: any) => message.level === 'warning').map((message: any) => String(message.entry.data));
  return { template: Template.fromJSON(artifact.template), warnings: warnings.sort() };
}

test('off by default: no distribution, no annotation', () => {
  expect(profile.cdn.enabled).toBe(false);
  expect(Object.values<any>(awsTemplate('split-tier').Resources).filter((r) => r.Type.startsWith('AWS::CloudFront::'))).toEqual([]);
  const ingress = k8sObjects('split-tier').find((o) => o.kind === 'Ingress');
  expect(ingress.metadata.annotations?.[CDN_CACHE_POLICY_ANNOTATION]).toBeUndefined();
});

test('a profile outside the schema is refused with the field named', () => {
  expect(() => parseProfile({ ...profile, cdn: { enabled: 'yes' } })).toThrow(/cdn\.enabled/);
});

describe('enabled on AWS (split-tier)', () => {
  // The plain stack is globalSetup's split-tier, synthesized again for its warnings.
  const { app, stack } = buildAwsApp(computePlan(withCdn, 'split-tier'), { nag: false, outdir: path.join(out, 'on') });
  const withDistribution = synthesized(app, stack);
  const template = withDistribution.template;
  const plain = buildAwsApp(computePlan(profile, 'split-tier'), { nag: false, outdir: path.join(out, 'off') });
  const withoutDistribution = synthesized(plain.app, plain.stack);

  test('CloudFront fronts the load balancer: HTTPS for viewers, caching by the app\'s Cache-Control, no logging', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [distribution] = Object.values<any>(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      Compress: true,
    });
    expect(config.Origins).toHaveLength(1);
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain('WebLoadBalancer');
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'http-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.Logging).toBeUndefined();
    expect(distribution.Properties.Tags).toContainEqual({ Key: 'stagekit:role', Value: 'cdn' });
    template.hasOutput('CdnUrl', {});
  });

  test('cdk-nag stays clean and aws-cdk-lib prints no new warning', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    expect(withDistribution.warnings).toEqual(withoutDistribution.warnings);
  });

  test('everything else is unchanged: the same resources as without the CDN, plus the distribution', () => {
    const plainResources = withoutDistribution.template.toJSON().Resources;
    const added = Object.keys(template.toJSON().Resources).filter((id) => !(id in plainResources));
    expect(added.map((id) => template.toJSON().Resources[id].Type)).toEqual(['AWS::CloudFront::Distribution']);
  });
});

test('single-server on AWS has no load balancer to front: nothing is added', () => {
  const { stack } = buildAwsApp(computePlan(withCdn, 'single-server'), { nag: false });
  Template.fromStack(stack).resourceCountIs('AWS::CloudFront::Distribution', 0);
});

test.each(['single-server', 'queue-pipeline'] as const)('enabled on Kubernetes (%s): the Ingress carries the cache policy, nothing else changes', (stage) => {
  const objects = renderK8s(computePlan(withCdn, stage)).objects;
  const ingress = objects.find((o) => o.kind === 'Ingress');
  expect(ingress.metadata.annotations).toMatchObject({ [CDN_CACHE_POLICY_ANNOTATION]: CDN_CACHE_POLICY });
  const plain = renderK8s(computePlan(profile, stage)).objects;
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(plain.map((o) => `${o.kind}/${o.metadata.name}`));
});
