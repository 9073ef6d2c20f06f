/**
 * The monitoring stack: Prometheus and Alertmanager run by prometheus-operator, Grafana with the
 * stage's dashboard. Prometheus selects every ServiceMonitor, PodMonitor and PrometheusRule in the
 * cluster, so the stage's `<product>-alerts` rule and monitors are picked up as soon as they are
 * applied; Alertmanager mails the profile's alert address.
 */
import type { Plan } from '../../core/plan';
import { DEFAULT_ENVIRONMENT } from '../../components/names';
import { stageDashboardRows } from '../../components/dashboard';
import type { KubeObject } from '../../core/rendering';
import type { PlatformAddOn, PlatformContext, PlatformSecret } from '../types';

const NS = DEFAULT_ENVIRONMENT.monitoringNamespace;
const LABELS = { 'app.kubernetes.io/managed-by': 'stagekit', 'app.kubernetes.io/part-of': 'stagekit-monitoring' };

/** Pinned images: Prometheus and Alertmanager are prometheus-operator 0.93.0's defaults (pkg/operator/defaults.go). */
export const MONITORING_IMAGES = {
  prometheus: 'quay.io/prometheus/prometheus:v3.11.1',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.33.1',
  grafana: 'docker.io/grafana/grafana:12.2.1',
} as const;

/** Prometheus as rendered: one replica, 1 vCPU, 4 GiB, 50 GiB. The one definition: the self-hosted bill packs the rendered object and the EKS bill's assumed add-on reads this (cost/k8s/cluster.ts). */
export const PROMETHEUS_SIZE = { cpu: '1', memory: '4Gi', storageGiB: 50 } as const;

const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

function meta(name: string, extra: Record<string, unknown> = {}) {
  return { name, namespace: NS, labels: { ...LABELS, 'app.kubernetes.io/name': name }, ...extra };
}

function prometheus(plan: Plan, singleNode: boolean): KubeObject[] {
  const sa = 'prometheus';
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(sa) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'stagekit-prometheus', labels: LABELS },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'stagekit-prometheus', labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stagekit-prometheus' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: NS }],
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: meta('stagekit'),
      spec: {
        image: MONITORING_IMAGES.prometheus,
        version: 'v3.11.1',
        replicas: 1,
        serviceAccountName: sa,
        // Every monitor and rule in every namespace: the stage's own are found without labels.
        serviceMonitorSelector: {},
        serviceMonitorNamespaceSelector: {},
        podMonitorSelector: {},
        podMonitorNamespaceSelector: {},
        ruleSelector: {},
        ruleNamespaceSelector: {},
        retention: '15d',
        retentionSize: `${Math.floor(PROMETHEUS_SIZE.storageGiB * 0.85)}GB`,
        resources: { requests: { cpu: PROMETHEUS_SIZE.cpu, memory: PROMETHEUS_SIZE.memory }, limits: { cpu: PROMETHEUS_SIZE.cpu, memory: PROMETHEUS_SIZE.memory } },
        securityContext: RESTRICTED_POD,
        alerting: { alertmanagers: [{ namespace: NS, name: 'alertmanager-operated', port: 'web', apiVersion: 'v2' }] },
        externalLabels: { product: plan.product, stage: plan.stage },
        storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${PROMETHEUS_SIZE.storageGiB}Gi` } } } } },
        ...(singleNode ? {} : { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }] }),
      },
    },
    // cAdvisor and kubelet volume stats, which the stage's CPU and volume alerts read.
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta('kubelet'),
      spec: {
        namespaceSelector: { matchNames: ['kube-system'] },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'kubelet' } },
        endpoints: ['/metrics', '/metrics/cadvisor'].map((path) => ({
          port: 'https-metrics',
          scheme: 'https',
          path,
          honorLabels: true,
          bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
          tlsConfig: { insecureSkipVerify: true },
        })),
      },
    },
  ];
}

/** Alertmanager's configuration, rendered without credentials (the SMTP password is a Secret mounted as a file). */
export function alertmanagerConfig(plan: Plan, context: PlatformContext): { yaml: string; routesTo?: string } {
  const email = plan.observability.alarmEmail;
  const smtp = context.smtp;
  const receiver = email && smtp ? 'email' : 'none';
  const lines = [
    'global:',
    '  resolve_timeout: 5m',
    ...(smtp ? [`  smtp_smarthost: ${JSON.stringify(smtp.smarthost)}`, `  smtp_from: ${JSON.stringify(smtp.from)}`, '  smtp_require_tls: true'] : []),
    ...(smtp?.username ? [`  smtp_auth_username: ${JSON.stringify(smtp.username)}`, '  smtp_auth_password_file: /etc/alertmanager/secrets/alertmanager-smtp/password'] : []),
    'route:',
    `  receiver: ${receiver}`,
    "  group_by: ['alertname', 'namespace']",
    '  group_wait: 30s',
    '  group_interval: 5m',
    '  repeat_interval: 4h',
    'receivers:',
    '  - name: none',
    ...(receiver === 'email' ? ['  - name: email', '    email_configs:', `      - to: ${JSON.stringify(email)}`, '        send_resolved: true'] : []),
    '',
  ];
  return { yaml: lines.join('\n'), routesTo: receiver === 'email' ? email : undefined };
}

function alertmanager(plan: Plan, context: PlatformContext): { objects: KubeObject[]; warnings: string[]; secrets: PlatformSecret[] } {
  const config = alertmanagerConfig(plan, context);
  const warnings: string[] = [];
  if (!plan.observability.alarmEmail) warnings.push('the profile has no alert e-mail: Alertmanager keeps alerts to itself (set alarmEmail in the profile).');
  else if (!context.smtp) warnings.push(`alerts are not mailed to ${plan.observability.alarmEmail}: no mail relay given (STAGEKIT_SMTP_SMARTHOST host:port and STAGEKIT_SMTP_FROM; STAGEKIT_SMTP_USERNAME with the password in Secret monitoring/alertmanager-smtp).`);
  const secrets: PlatformSecret[] = context.smtp?.username ? [{ namespace: NS, name: 'alertmanager-smtp', key: 'password', purpose: 'password of the SMTP relay Alertmanager mails through', source: 'provided' }] : [];
  const replicas = context.singleNode ? 1 : 3;
  return {
    warnings,
    secrets,
    objects: [
      { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: meta('alertmanager-stagekit-config'), stringData: { 'alertmanager.yaml': config.yaml } },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Alertmanager',
        metadata: meta('stagekit'),
        spec: {
          image: MONITORING_IMAGES.alertmanager,
          version: 'v0.33.1',
          replicas,
          configSecret: 'alertmanager-stagekit-config',
          ...(secrets.length ? { secrets: ['alertmanager-smtp'] } : {}),
          securityContext: RESTRICTED_POD,
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
          storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Grafana and the stage dashboard

/**
 * The Grafana dashboard of a stage: the CloudWatch dashboard's rows and panels (core/dashboard.ts) with
 * their PromQL equivalents (components/dashboard.ts); alarm lists become Alertmanager alert lists of the
 * same alerts.
 */
export function stageDashboard(plan: Plan): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let gridY = 0;
  for (const row of stageDashboardRows(plan)) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: gridY++ }, panels: [] });
    let gridX = 0;
    let rowHeight = 0;
    for (const { panel, queries, alerts } of row.panels) {
      if (gridX + panel.width > 24) {
        gridY += rowHeight;
        gridX = 0;
        rowHeight = 0;
      }
      const height = 8;
      const gridPos = { h: height, w: panel.width, x: gridX, y: gridY };
      if (panel.alarms) {
        panels.push({
          id: id++,
          type: 'alertlist',
          title: panel.title,
          gridPos,
          options: { showOptions: 'current', maxItems: 50, sortOrder: 1, stateFilter: { firing: true, pending: true }, alertInstanceLabelFilter: `{namespace="${plan.product}",alertname=~"${(alerts ?? []).join('|')}"}`, datasource: 'Alertmanager' },
        });
      } else {
        panels.push({
          id: id++,
          type: 'timeseries',
          title: panel.title,
          datasource: { type: 'prometheus', uid: 'prometheus' },
          gridPos,
          targets: (queries ?? []).map((query, index) => ({ refId: String.fromCharCode(65 + index), expr: query.expr, legendFormat: query.legend })),
          fieldConfig: { defaults: {}, overrides: (queries ?? []).filter((q) => q.right).map((q) => ({ matcher: { id: 'byName', options: q.legend }, properties: [{ id: 'custom.axisPlacement', value: 'right' }] })) },
        });
      }
      gridX += panel.width;
      rowHeight = Math.max(rowHeight, height);
    }
    gridY += rowHeight;
  }
  return {
    uid: `${plan.product}-${plan.stage}`.slice(0, 40),
    title: `${plan.product}-${plan.stage}`,
    tags: ['stagekit', plan.product, plan.stage],
    timezone: 'utc',
    schemaVersion: 39,
    time: { from: 'now-3h', to: 'now' },
    refresh: '1m',
    panels,
  };
}

function grafana(plan: Plan): { objects: KubeObject[]; secrets: PlatformSecret[] } {
  const name = 'grafana';
  const datasources = [
    'apiVersion: 1',
    'datasources:',
    '  - name: Prometheus',
    '    uid: prometheus',
    '    type: prometheus',
    `    url: http://prometheus-operated.${NS}.svc:9090`,
    '    isDefault: true',
    '  - name: Alertmanager',
    '    uid: alertmanager',
    '    type: alertmanager',
    `    url: http://alertmanager-operated.${NS}.svc:9093`,
    '    jsonData: { implementation: prometheus }',
    '  - name: Loki',
    '    uid: loki',
    '    type: loki',
    '    url: http://loki.logging.svc:3100',
    '',
  ].join('\n');
  const providers = ['apiVersion: 1', 'providers:', '  - name: stagekit', '    folder: stagekit', '    type: file', '    options:', '      path: /var/lib/grafana/dashboards', ''].join('\n');
  const labels = { 'app.kubernetes.io/name': name };
  return {
    secrets: [{ namespace: NS, name: 'grafana-admin', key: 'password', purpose: 'password of Grafana\u2019s admin user', source: 'generated' }],
    objects: [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('grafana-provisioning'), data: { 'datasources.yaml': datasources, 'dashboards.yaml': providers } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`grafana-dashboard-${plan.stage}`, { labels: { ...LABELS, 'stagekit.dev/dashboard': 'true' } }), data: { [`${plan.product}-${plan.stage}.json`]: JSON.stringify(stageDashboard(plan), null, 1) } },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta('grafana-data'),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(name),
        spec: {
          replicas: 1,
          strategy: { type: 'Recreate' },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels: { ...LABELS, ...labels } },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: false,
              securityContext: { ...RESTRICTED_POD, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
              containers: [
                {
                  name: 'grafana',
                  image: MONITORING_IMAGES.grafana,
                  ports: [{ name: 'http', containerPort: 3000 }],
                  env: [
                    { name: 'GF_SECURITY_ADMIN_USER', value: 'admin' },
                    { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/grafana-admin/password' },
                    { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
                    { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
                    { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning-stagekit' },
                  ],
                  securityContext: RESTRICTED_CONTAINER,
                  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '250m', memory: '512Mi' } },
                  readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
                  livenessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 30, failureThreshold: 5 },
                  volumeMounts: [
                    { name: 'data', mountPath: '/var/lib/grafana' },
                    { name: 'tmp', mountPath: '/tmp' },
                    { name: 'admin', mountPath: '/etc/grafana-admin', readOnly: true },
                    { name: 'provisioning', mountPath: '/etc/grafana/provisioning-stagekit/datasources/datasources.yaml', subPath: 'datasources.yaml', readOnly: true },
                    { name: 'provisioning', mountPath: '/etc/grafana/provisioning-stagekit/dashboards/dashboards.yaml', subPath: 'dashboards.yaml', readOnly: true },
                    { name: 'dashboards', mountPath: '/var/lib/grafana/dashboards', readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } },
                { name: 'tmp', emptyDir: {} },
                { name: 'admin', secret: { secretName: 'grafana-admin' } },
                { name: 'provisioning', configMap: { name: 'grafana-provisioning' } },
                { name: 'dashboards', configMap: { name: `grafana-dashboard-${plan.stage}` } },
              ],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { selector: labels, ports: [{ name: 'http', port: 3000, targetPort: 'http' }] } },
    ],
  };
}

export const monitoring: PlatformAddOn = {
  id: 'monitoring',
  title: 'Prometheus, Alertmanager and Grafana',
  version: 'Prometheus v3.11.1, Alertmanager v0.33.1, Grafana 12.2.1',
  namespaces: [{ name: NS, podSecurity: 'restricted' }],
  detect: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus' },
  dependsOn: ['prometheus-operator'],
  render: (context) => {
    const am = alertmanager(context.plan, context);
    const grafanaRendered = grafana(context.plan);
    return { objects: [...prometheus(context.plan, context.singleNode), ...am.objects, ...grafanaRendered.objects], warnings: am.warnings, secrets: [...am.secrets, ...grafanaRendered.secrets] };
  },
};
