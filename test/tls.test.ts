/**
 * TLS where it was missing: the Kubernetes Ingress (a cert-manager Certificate or your Secret, from
 * the profile), in-cluster Redis, and deletion protection on the AWS load balancer. Plain HTTP only
 * when acknowledged.
 */
import { computePlan } from '../core/plan';
import { parseProfile, Profile } from '../core/profile';
import { UsageError } from '../core/errors';
import { stageRenderer } from '../blueprints/render';
import { awsTemplate, stagePlan } from './support/stages';

const base = stagePlan('read-replicas').profile;
const withTls = (tls: Record<string, unknown>): Profile => parseProfile({ ...JSON.parse(JSON.stringify(base)), tls }, 'p.yaml');

test('the profile\u2019s tls section: a certificate needs a host, one source, and Redis TLS needs cert-manager', () => {
  expect(() => withTls({ issuer: 'letsencrypt' })).toThrow(/tls\.host: expected a host name/);
  expect(() => withTls({ host: 'shop.example.com', issuer: 'letsencrypt', secretName: 'shop-tls' })).toThrow(/tls\.secretName: expected either issuer/);
  expect(() => withTls({ host: 'shop.example.com', secretName: 'shop-tls', redis: true })).toThrow(/tls\.redis: expected issuer as well/);
  for (const hostile of ['$(reboot)', 'Le-Issuer', 'a b', 'x\ny', 'a'.repeat(64)]) {
    expect(() => withTls({ host: 'shop.example.com', issuer: hostile })).toThrow(UsageError);
    expect(() => withTls({ host: 'shop.example.com', secretName: hostile })).toThrow(/tls\.secretName: expected a Kubernetes name/);
  }
});

describe('Kubernetes with tls from cert-manager (Ingress and Redis)', () => {
  const warnings: string[] = [];
  let objects: any[];
  beforeAll(() => {
    const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
    objects = stageRenderer().k8s(computePlan(withTls({ host: 'shop.example.com', issuer: 'letsencrypt', redis: true }), 'read-replicas')).objects as any[];
    spy.mockRestore();
  });
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('the Ingress serves the host over TLS from the Secret cert-manager issues, and redirects HTTP', () => {
    const ingress = find('Ingress', 'web');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'web-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('shop.example.com');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
    expect(find('Certificate', 'web-tls').spec).toMatchObject({ secretName: 'web-tls', dnsNames: ['shop.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } });
    expect(warnings.filter((w) => /plain HTTP/.test(w))).toEqual([]);
  });

  test('Redis and Sentinel use TLS from a certificate for every name clients use; the app is told', () => {
    const cert = find('Certificate', 'cache-tls');
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(['cache-master', 'cache-sentinel', `cache-master.${base.name}.svc`]));
    // The redis-operator's CRDs spell the field TLS.
    for (const kind of ['RedisReplication', 'RedisSentinel']) {
      const o = objects.find((x) => x.kind === kind);
      expect(o.spec.TLS).toEqual({ ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key', secret: { secretName: 'cache-tls' } });
    }
    const env = find('Deployment', 'web').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'CACHE_TLS').value).toBe('true');
    // Certificates come before what mounts their Secrets (same apply phase, manifest order).
    expect(objects.indexOf(cert)).toBeLessThan(objects.indexOf(objects.find((x) => x.kind === 'RedisReplication')));
  });
});

test('your own Secret, or plain HTTP acknowledged: no warning; not acknowledged: a warning naming the fix', () => {
  const render = (tls: Record<string, unknown>) => {
    const warnings: string[] = [];
    const spy = jest.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
    try {
      return { objects: stageRenderer().k8s(computePlan(withTls(tls), 'single-server')).objects as any[], warnings };
    } finally {
      spy.mockRestore();
    }
  };
  const own = render({ host: 'shop.example.com', secretName: 'shop-tls' });
  expect(own.objects.find((o) => o.kind === 'Ingress').spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  expect(own.objects.some((o) => o.kind === 'Certificate')).toBe(false);
  const acknowledged = render({ allowHttp: true });
  expect(acknowledged.objects.find((o) => o.kind === 'Ingress').metadata.annotations['stagekit.dev/plain-http']).toBe('acknowledged');
  expect(acknowledged.warnings).toEqual([]);
  expect(render({}).warnings.join('\n')).toMatch(/serves plain HTTP .*tls\.allowHttp: true/);
});

test('AWS: the load balancer has deletion protection', () => {
  const [lb] = Object.values<any>(awsTemplate('split-tier').Resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'deletion_protection.enabled', Value: 'true' }]));
});
