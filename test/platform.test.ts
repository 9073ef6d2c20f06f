/**
 * The platform add-ons: every object schema-validated (built-in kinds against Kubernetes 1.27, custom
 * resources against the vendored CRDs, the add-ons' own included), every pod meeting the Pod Security
 * level its namespace enforces, each exception stated and needed, and the monitoring and log stacks
 * wired to the stage and the profile.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { PLATFORM_PHASES, platformPhases, renderPlatform } from '../platform/builder';
import { podSecurityViolations, strictestLevel } from '../platform/pod-security';
import { logSizing } from '../platform/addons/logs';
import { alertmanagerConfig, panelQuery, stageDashboard } from '../platform/addons/monitoring';
import { stageRuleGroups } from '../components';
import { formatSchemaErrors, validateManifests } from './support/k8s-schema';

const profile = loadProfile(path.join(__dirname, '..', 'profiles', 'growing-product.yaml'));
const plan = computePlan(profile, 'queue-pipeline');
const hcloud = renderPlatform(plan, { cluster: 'hcloud', smtp: { smarthost: 'smtp.example.net:587', from: 'alerts@example.net', username: 'alerts' } });
const existing = renderPlatform(plan, { cluster: 'existing' });

/**
 * CRD fields newer than the 1.27 schemas the validator holds: `selectableFields` (Kubernetes 1.30) and the
 * `fieldPath`/`reason` of CEL rules (1.28). The platform needs Kubernetes 1.30+ anyway (Strimzi 0.51); these
 * and only these are accepted.
 */
const NEWER_THAN_1_27 = /^spec\.versions\[\d+\]\.(selectableFields|schema\.openAPIV3Schema\..*\.x-kubernetes-validations\[\d+\]\.(fieldPath|reason))$/;

test('every platform object is schema-valid (hcloud and existing clusters)', () => {
  for (const objects of [hcloud.objects, existing.objects]) {
    const errors = validateManifests(objects);
    const newer = errors.filter((e) => e.object.startsWith('CustomResourceDefinition ') && NEWER_THAN_1_27.test(e.path) && /unknown field/.test(e.message));
    expect(formatSchemaErrors(errors.filter((e) => !newer.includes(e)))).toBe('');
    expect([...new Set(newer.map((e) => e.object))].sort()).toEqual([
      'CustomResourceDefinition certificaterequests.cert-manager.io',
      'CustomResourceDefinition certificates.cert-manager.io',
      'CustomResourceDefinition challenges.acme.cert-manager.io',
      'CustomResourceDefinition objectstores.barmancloud.cnpg.io',
      'CustomResourceDefinition orders.acme.cert-manager.io',
    ]);
  }
  expect(existing.objects.some((o) => o.kind === 'HelmChart')).toBe(false);
});

test('every add-on namespace enforces a Pod Security level its pods meet, and no looser one than they need', () => {
  for (const ns of hcloud.namespaces) {
    const pods = hcloud.objects.filter((o) => o.metadata.namespace === ns.name);
    expect({ ns: ns.name, violations: podSecurityViolations(pods, ns.podSecurity) }).toEqual({ ns: ns.name, violations: [] });
    if (ns.podSecurity !== 'restricted') {
      expect(ns.exception).toBeTruthy();
      // The exception is needed: the namespace's pods do not meet the next stricter level.
      if (ns.name !== 'kube-system') expect(strictestLevel(pods)).toBe(ns.podSecurity);
    }
  }
  const labelled = hcloud.objects.filter((o) => o.kind === 'Namespace');
  expect(labelled.map((n) => `${n.metadata.name}=${n.metadata.labels['pod-security.kubernetes.io/enforce']}`).sort()).toEqual([
    'cert-manager=restricted',
    'cnpg-system=restricted',
    'ingress-nginx=restricted',
    'kafka=baseline',
    'keda=restricted',
    'logging=privileged',
    'monitoring=restricted',
    'redis-operator=baseline',
  ]);
});

test('the PSS checker catches what the levels forbid', () => {
  const pod = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'n' }, spec: { template: { spec } } });
  expect(podSecurityViolations([pod({ hostNetwork: true, containers: [{ name: 'c', securityContext: { privileged: true } }] })], 'baseline').map((v) => v.rule)).toEqual(['hostNetwork is set', 'privileged']);
  const ok = { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } };
  expect(podSecurityViolations([pod({ containers: [{ name: 'c', securityContext: ok }] })], 'restricted')).toEqual([]);
  expect(podSecurityViolations([pod({ containers: [{ name: 'c', securityContext: { ...ok, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }] })], 'restricted').map((v) => v.rule)).toEqual(['adds capability SYS_ADMIN', 'adds capability SYS_ADMIN']);
});

test('the operators are the versions the stage manifests target', () => {
  const images = hcloud.objects.flatMap((o) => o.spec?.template?.spec?.containers?.map((c: any) => c.image) ?? []);
  for (const expected of ['ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0', 'quay.io/strimzi/operator:0.51.0', 'ghcr.io/kedacore/keda:2.20.2', 'quay.io/prometheus-operator/prometheus-operator:v0.93.0', 'quay.io/opstree/redis-operator:v0.26.0', 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0']) {
    expect(images).toContain(expected);
  }
  // No development image survives the adaptations.
  expect(images.filter((i) => /:main$|-testing:/.test(i))).toEqual([]);
  const crds = new Set(hcloud.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => `${o.spec.group}/${o.spec.names.kind}`));
  for (const kind of ['postgresql.cnpg.io/Cluster', 'kafka.strimzi.io/Kafka', 'keda.sh/ScaledObject', 'monitoring.coreos.com/PrometheusRule', 'redis.redis.opstreelabs.in/RedisReplication', 'barmancloud.cnpg.io/ObjectStore', 'cert-manager.io/Certificate']) {
    expect(crds).toContain(kind);
  }
});

test('the vendored files are the ones SOURCES.md records', () => {
  const root = path.join(__dirname, '..', 'data', 'platform');
  const rows = fs.readFileSync(path.join(root, 'SOURCES.md'), 'utf8').split('\n').filter((l) => /^\| [a-z0-9-]+\/[^|]+ \| \d+ \| `[0-9a-f]{64}`/.test(l));
  expect(rows.length).toBeGreaterThan(40);
  for (const row of rows) {
    const [file, bytes, sha] = row.split('|').slice(1, 4).map((c) => c.trim().replace(/`/g, ''));
    const data = fs.readFileSync(path.join(root, file));
    expect(`${file} ${data.length} ${crypto.createHash('sha256').update(data).digest('hex')}`).toBe(`${file} ${bytes} ${sha}`);
  }
});

test('Prometheus selects the stage\u2019s rules and monitors; Alertmanager mails the profile\u2019s address without a password in the config', () => {
  const prom = hcloud.objects.find((o) => o.kind === 'Prometheus')!;
  expect(prom.spec).toMatchObject({ ruleSelector: {}, ruleNamespaceSelector: {}, serviceMonitorNamespaceSelector: {}, podMonitorNamespaceSelector: {} });
  const config = alertmanagerConfig(plan, { plan, cluster: 'hcloud', singleNode: false, smtp: { smarthost: 'smtp.example.net:587', from: 'a@example.net', username: 'u' } });
  expect(config.routesTo).toBe(plan.observability.alarmEmail);
  expect(config.yaml).toContain(`to: ${JSON.stringify(plan.observability.alarmEmail)}`);
  expect(config.yaml).toContain('smtp_auth_password_file:');
  expect(hcloud.secrets.map((s) => `${s.namespace}/${s.name} ${s.source}`)).toEqual(expect.arrayContaining(['monitoring/alertmanager-smtp provided', 'monitoring/grafana-admin generated', 'kube-system/hcloud provided']));
  expect(existing.warnings.join('\n')).toMatch(/alerts are not mailed/);
});

test('Grafana\u2019s stage dashboard has a panel per alert of the stage, in the CloudWatch dashboard\u2019s rows', () => {
  const dashboard: any = stageDashboard(plan);
  const alerts = stageRuleGroups(plan).flatMap((g) => g.rules.filter((r: any) => r.alert));
  const panels = dashboard.panels.filter((p: any) => p.type === 'timeseries');
  expect(panels.map((p: any) => p.targets[0].legendFormat)).toEqual(alerts.map((a: any) => a.alert));
  expect(dashboard.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)).toEqual([
    `Service level: ${plan.observability.availabilityPercent}% availability, p99 under ${plan.observability.p99LatencyMs} ms`,
    'Web tier',
    'Database (1 shard)'.replace('1 shard', `${plan.database!.shards} shard${plan.database!.shards > 1 ? 's' : ''}`),
    'Cache',
    'Jobs (Kafka topic jobs) and workers',
    'Alarms',
  ]);
  expect(panelQuery('rate(x[5m]) > 0.5')).toEqual({ query: 'rate(x[5m])', op: '>', threshold: 0.5 });
  expect(panelQuery('a > 1 and b > 1').threshold).toBeUndefined();
});

test('the log stack is sized from the profile\u2019s log volume', () => {
  const s = logSizing(plan);
  const loki = hcloud.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'loki')!;
  expect(loki.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${s.volumeGiB}Gi`);
  expect(s.volumeGiB).toBe(Math.max(10, Math.ceil(((plan.usage.logGiBPerMonth / 30) * plan.observability.logRetentionDays) / 5 * 1.2 + 5)));
  const big = computePlan(loadProfile(path.join(__dirname, '..', 'profiles', 'million-merchants.yaml')), 'queue-pipeline');
  expect(logSizing(big).volumeGiB).toBeGreaterThan(s.volumeGiB);
});

test('apply phases: definitions before operators before custom resources', () => {
  const phases = platformPhases(hcloud.objects);
  expect(phases.map((p) => p.phase)).toEqual([...PLATFORM_PHASES]);
  expect(phases[2].objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Prometheus', 'Alertmanager', 'HelmChart', 'Certificate']));
  expect(phases[0].objects.every((o) => ['Namespace', 'CustomResourceDefinition'].includes(o.kind))).toBe(true);
});
