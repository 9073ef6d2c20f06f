/**
 * The platform add-ons: every object schema-validated (built-in kinds against Kubernetes 1.27, custom
 * resources against the vendored CRDs, the add-ons' own included), every pod meeting the Pod Security
 * level its namespace enforces, each exception stated and needed, and the monitoring and log stacks
 * wired to the stage and the profile.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { STAGE_NAMES } from '../core/ladder';
import { computePlan, Plan } from '../core/plan';
import { loadProfile } from '../core/profile';
import type { KubeObject } from '../core/rendering';
import { installOrderProblems, isBuiltInApi, Platform, PlatformBuilder, PlatformPhase, platformPhases, renderPlatform } from '../platform/builder';
import { barmanCloud, certManager, cloudNativePg, prometheusOperator } from '../platform/addons/operators';
import { podSecurityViolations, strictestLevel } from '../platform/pod-security';
import { logSizing } from '../platform/addons/logs';
import { alertmanagerConfig, stageDashboard } from '../platform/addons/monitoring';
import { stageDashboardRows } from '../components/dashboard';
import { awsTemplate, stagePlan } from './support/stages';
import { stageRuleGroups } from '../components';
import { installPlatform } from '../deploy/self-hosted/platform-install';
import { fail, ok, RecordedKubectl, RecordingLog } from './support/fakes';
import { formatSchemaErrors, validateManifests } from './support/k8s-schema';

const SMTP = { smarthost: 'smtp.example.net:587', from: 'alerts@example.net', username: 'alerts' };
const PROFILES = fs.readdirSync(path.join(__dirname, '..', 'profiles')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

interface Rendered {
  readonly label: string;
  readonly plan: Plan;
  readonly hcloud: Platform;
  readonly existing: Platform;
}

/** Both platforms of every stage of every shipped profile, rendered once for the file (about 0.2 s each). */
const RENDERS: Rendered[] = PROFILES.flatMap((profileName) => {
  const profile = loadProfile(path.join(__dirname, '..', 'profiles', `${profileName}.yaml`));
  return STAGE_NAMES.map((stage) => {
    const stagePlan = computePlan(profile, stage);
    return { label: `${profileName}/${stage}`, plan: stagePlan, hcloud: renderPlatform(stagePlan, { cluster: 'hcloud', smtp: SMTP }), existing: renderPlatform(stagePlan, { cluster: 'existing' }) };
  });
});
const EVERY_PLATFORM = RENDERS.flatMap((r) => [{ label: `${r.label} hcloud`, platform: r.hcloud }, { label: `${r.label} existing`, platform: r.existing }]);
const reference = RENDERS.find((r) => r.label === 'growing-product/queue-pipeline')!;
const plan = reference.plan;
const hcloud = reference.hcloud;
const existing = reference.existing;

/**
 * CRD fields newer than the 1.27 schemas the validator holds: `selectableFields` (Kubernetes 1.30) and the
 * `fieldPath`/`reason` of CEL rules (1.28). The platform needs Kubernetes 1.30+ anyway (Strimzi 0.51); these
 * and only these are accepted.
 */
const NEWER_CRDS = ['CustomResourceDefinition objectstores.barmancloud.cnpg.io'];
const NEWER_THAN_1_27 = /^spec\.versions\[\d+\]\.(selectableFields|schema\.openAPIV3Schema\..*\.x-kubernetes-validations\[\d+\]\.(fieldPath|reason))$/;

test('the renders cover every stage of every shipped profile, single-node and multi-zone', () => {
  expect(RENDERS).toHaveLength(PROFILES.length * STAGE_NAMES.length);
  expect(PROFILES.length).toBeGreaterThanOrEqual(3);
  const singleNode = (p: Platform) => p.addons.find((a) => a.addon.id === 'ingress-nginx')!.objects.find((o) => o.kind === 'Deployment')!.spec.replicas === 1;
  expect(RENDERS.some((r) => singleNode(r.hcloud))).toBe(true);
  expect(RENDERS.some((r) => !singleNode(r.hcloud))).toBe(true);
});

test('every platform object of every stage and profile is schema-valid (hcloud and existing clusters)', () => {
  // Most objects are the same vendored ones in every render: each distinct object is validated once.
  const distinct = new Map<string, KubeObject>();
  for (const { platform } of EVERY_PLATFORM) for (const kubeObject of platform.objects) distinct.set(JSON.stringify(kubeObject), kubeObject);
  const errors = validateManifests([...distinct.values()]);
  const newer = errors.filter((e) => e.object.startsWith('CustomResourceDefinition ') && NEWER_THAN_1_27.test(e.path) && /unknown field/.test(e.message));
  expect(formatSchemaErrors(errors.filter((e) => !newer.includes(e)))).toBe('');
  expect([...new Set(newer.map((e) => e.object))].sort()).toEqual(NEWER_CRDS);
});

test('every add-on namespace enforces a Pod Security level its pods meet, and no looser one than they need, in every render', () => {
  for (const { label, platform } of EVERY_PLATFORM) {
    for (const ns of platform.namespaces) {
      const pods = platform.objects.filter((o) => o.metadata.namespace === ns.name);
      expect({ label, ns: ns.name, violations: podSecurityViolations(pods, ns.podSecurity) }).toEqual({ label, ns: ns.name, violations: [] });
      if (ns.podSecurity !== 'restricted') {
        expect(ns.exception).toBeTruthy();
        // The exception is needed: the namespace's pods do not meet the next stricter level.
        if (ns.name !== 'kube-system') expect({ label, ns: ns.name, level: strictestLevel(pods) }).toEqual({ label, ns: ns.name, level: ns.podSecurity });
      }
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
  for (const expected of ['quay.io/jetstack/cert-manager-controller:v1.19.4', 'quay.io/jetstack/cert-manager-webhook:v1.19.4', 'quay.io/jetstack/cert-manager-cainjector:v1.19.4', 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0', 'quay.io/strimzi/operator:0.51.0', 'ghcr.io/kedacore/keda:2.20.2', 'quay.io/prometheus-operator/prometheus-operator:v0.93.0', 'quay.io/opstree/redis-operator:v0.26.0', 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0']) {
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

/** The CloudWatch dashboard of a synthesized stage as rows of panel titles (deploy-time values read as <token>). */
function cloudWatchRows(template: any): { title: string; panels: string[] }[] {
  const dashboard: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::CloudWatch::Dashboard');
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<token>')).join('');
  const rows: { title: string; panels: string[] }[] = [];
  for (const widget of JSON.parse(text).widgets) {
    if (widget.type === 'text') rows.push({ title: widget.properties.markdown.replace(/^### /, ''), panels: [] });
    else rows[rows.length - 1].panels.push(widget.properties.title);
  }
  return rows;
}

test('for every stage, the Grafana dashboard has the CloudWatch dashboard\u2019s rows with the same panel titles in the same order', () => {
  for (const stage of STAGE_NAMES) {
    const cloudWatch = cloudWatchRows(awsTemplate(stage));
    const selfHosted = stageDashboardRows(stagePlan(stage));
    // A CloudWatch row title that ends in an endpoint (a hostname or a deploy-time token) is compared up to it.
    const rowTitle = (row: (typeof selfHosted)[number]) => {
      const differs = row.cloudWatchTitle;
      return !differs ? row.title : 'exact' in differs ? differs.exact : `${differs.prefix}<endpoint>`;
    };
    const endpointsCut = cloudWatch.map((row, index) => {
      const differs = selfHosted[index]?.cloudWatchTitle;
      return differs && 'prefix' in differs && row.title.startsWith(differs.prefix) && row.title.length > differs.prefix.length ? { ...row, title: `${differs.prefix}<endpoint>` } : row;
    });
    expect({ stage, rows: selfHosted.map((row) => ({ title: rowTitle(row), panels: row.panels.map((p) => p.panel.title) })) }).toEqual({ stage, rows: endpointsCut });
    // The Grafana JSON is those rows: a row panel per row, then its panels.
    const grafana = (stageDashboard(stagePlan(stage)) as any).panels;
    expect(grafana.map((p: any) => (p.type === 'row' ? `# ${p.title}` : p.title))).toEqual(selfHosted.flatMap((row) => [`# ${row.title}`, ...row.panels.map((p) => p.panel.title)]));
    for (const panel of grafana.filter((p: any) => p.type === 'timeseries')) expect(panel.targets.length).toBeGreaterThan(0);
  }
});

test('the Grafana alert lists name alerts the stage defines', () => {
  const alerts = new Set(stageRuleGroups(plan).flatMap((g) => g.rules.flatMap((r: any) => (r.alert ? [r.alert] : []))));
  const rows = stageDashboardRows(plan);
  const listed = rows.flatMap((row) => row.panels.flatMap((p) => p.alerts ?? []));
  expect(listed.length).toBeGreaterThan(0);
  for (const name of listed) expect(alerts).toContain(name);
  expect(rows[rows.length - 1].panels[0].alerts).toEqual([...alerts]);
});

test('the log stack is sized from the profile\u2019s log volume', () => {
  const s = logSizing(plan);
  const loki = hcloud.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'loki')!;
  expect(loki.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${s.volumeGiB}Gi`);
  expect(s.volumeGiB).toBe(Math.max(10, Math.ceil(((plan.usage.logGiBPerMonth / 30) * plan.observability.logRetentionDays) / 5 * 1.2 + 5)));
  const big = computePlan(loadProfile(path.join(__dirname, '..', 'profiles', 'million-merchants.yaml')), 'queue-pipeline');
  expect(logSizing(big).volumeGiB).toBeGreaterThan(s.volumeGiB);
});

/** The phases the install used before dependencies ordered it: every CRD, then every built-in object, then every custom resource. */
function threePhaseOrder(platform: Platform): PlatformPhase[] {
  const definitions = platform.objects.filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
  const builtIn = platform.objects.filter((o) => !definitions.includes(o) && isBuiltInApi(o.apiVersion));
  const custom = platform.objects.filter((o) => !definitions.includes(o) && !builtIn.includes(o));
  return [
    { phase: 'definitions', title: '', objects: definitions, waits: [{ what: 'CRDs', args: ['wait', '--for=condition=Established', 'crd', '--all'] }] },
    { phase: 'operators', title: '', objects: builtIn, waits: [{ what: 'operators', args: ['wait', '--for=condition=Available', 'deployment', '--all'] }] },
    { phase: 'resources', title: '', objects: custom, waits: [] },
  ];
}

test('install order: in every render, each workload\u2019s Secrets, ConfigMaps and ServiceAccount and each custom resource\u2019s CRD and operator come first', () => {
  for (const { label, platform } of EVERY_PLATFORM) {
    const phases = platformPhases(platform);
    expect({ label, problems: installOrderProblems(phases, platform) }).toEqual({ label, problems: [] });
    // Every object is applied exactly once.
    expect(phases.flatMap((p) => p.objects).length).toBe(platform.objects.length);
    expect(new Set(phases.flatMap((p) => p.objects)).size).toBe(platform.objects.length);
  }
});

test('install order: cert-manager runs, then the barman-cloud Certificates are issued, then the Deployment mounting their Secrets starts', () => {
  const phases = platformPhases(hcloud);
  const phaseOf = (kind: string, name: string) => phases.findIndex((p) => p.objects.some((o) => o.kind === kind && o.metadata.name === name));
  const certManagerUp = phaseOf('Deployment', 'cert-manager-webhook');
  const certificates = phaseOf('Certificate', 'barman-cloud-server');
  expect(phases[certManagerUp].waits.map((w) => w.args.join(' '))).toContain('wait --for=condition=Available deployment -n cert-manager -l stagekit.dev/addon=cert-manager');
  expect(certificates).toBeGreaterThan(certManagerUp);
  expect(phases[certificates].waits.map((w) => w.args.join(' '))).toContain('wait --for=condition=Ready certificate -n cnpg-system -l stagekit.dev/addon=barman-cloud');
  expect(phaseOf('Deployment', 'barman-cloud')).toBeGreaterThan(certificates);
  expect(phases[0].phase).toBe('definitions');
  expect(phases[0].objects.every((o) => ['Namespace', 'CustomResourceDefinition'].includes(o.kind))).toBe(true);
});

test('the install-order check catches the order that would hang (custom resources after every operator)', () => {
  const problems = installOrderProblems(threePhaseOrder(hcloud), hcloud);
  expect(problems).toEqual(expect.arrayContaining([
    'Deployment cnpg-system/barman-cloud (phase operators) needs Secret barman-cloud-server-tls, which no earlier phase provides',
    'Deployment cnpg-system/barman-cloud (phase operators) needs Secret barman-cloud-client-tls, which no earlier phase provides',
  ]));
  // A Secret nothing creates (not rendered, not a platform secret, not declared as created at runtime) is caught too.
  const phases = platformPhases(hcloud);
  const withoutSidecarSecret = phases.map((p) => ({ ...p, objects: p.objects.filter((o) => !(o.kind === 'Secret' && o.metadata.name.startsWith('plugin-barman-cloud-'))) }));
  expect(installOrderProblems(withoutSidecarSecret, hcloud).join('\n')).toMatch(/Deployment cnpg-system\/barman-cloud \(phase workloads-\d\) needs Secret plugin-barman-cloud-/);
});

test('an add-on that renders a custom resource of an add-on it does not declare as a dependency is refused', () => {
  const builder = new PlatformBuilder().addOns(prometheusOperator, certManager, cloudNativePg, { ...barmanCloud, dependsOn: ['cnpg'] });
  expect(() => builder.build({ plan, cluster: 'existing', singleNode: true })).toThrow("add-on barman-cloud renders Certificate barman-cloud-client (cert-manager.io/v1, served by cert-manager) without declaring dependsOn: ['cert-manager']");
});

test('installPlatform runs the phases in order, each wait before the next apply, and retries an apply the new webhook refuses', async () => {
  const phases = platformPhases(hcloud);
  const applied: string[] = [];
  let refused = false;
  const kubectl = new RecordedKubectl()
    .on('get secret', ok(''))
    .on('create -f -', ok())
    .on(/^apply /, (call) => {
      const items: KubeObject[] = JSON.parse(call.stdin!).items;
      // The first apply holding Certificates meets a webhook that does not answer yet.
      if (!refused && items.some((o) => o.kind === 'Certificate')) {
        refused = true;
        return fail('Error from server (InternalError): failed calling webhook "webhook.cert-manager.io": no endpoints available for service "cert-manager-webhook"');
      }
      applied.push(phases.find((p) => p.objects.length === items.length && p.objects.every((o, i) => o.metadata.name === items[i].metadata.name))!.phase);
      return ok();
    })
    .on(/^wait /, ok());
  await installPlatform(kubectl, hcloud, new RecordingLog(), { timeoutSeconds: 60, retryDelayMs: 0, secretData: (s) => ({ [s.key]: 'x' }) });
  const expected: string[] = [];
  for (const phase of phases) {
    expected.push('apply');
    if (phase.objects.some((o) => o.kind === 'Certificate')) expected.push('apply');
    for (const wait of phase.waits) expected.push(`${wait.args.join(' ')} --timeout=60s`);
  }
  expect(kubectl.lines.filter((l) => /^(apply|wait) /.test(l)).map((l) => (l.startsWith('apply') ? 'apply' : l))).toEqual(expected);
  expect(applied).toEqual(phases.map((p) => p.phase));
});
