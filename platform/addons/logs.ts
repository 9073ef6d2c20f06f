/**
 * The log stack: Loki (single binary, filesystem storage on a volume) and Grafana Alloy on every
 * node shipping the pods' logs to it. Sized from the profile: the volume holds the plan's log
 * volume for the retention period, compressed.
 */
import type { Plan } from '../../core/plan';
import type { KubeObject } from '../../core/rendering';
import type { PlatformAddOn } from '../types';

export const LOGGING_NAMESPACE = 'logging';
export const LOG_IMAGES = { loki: 'docker.io/grafana/loki:3.7.6', alloy: 'docker.io/grafana/alloy:v1.18.1' } as const;

/** Loki's chunk compression on typical JSON/text request logs (snappy/gzip chunks: 5-10x); the conservative end. */
export const LOG_COMPRESSION = 5;

export interface LogSizing {
  readonly gibPerDay: number;
  readonly retentionDays: number;
  readonly volumeGiB: number;
  readonly ingestionMBps: number;
  /** Loki's requests (and limits), as rendered: `1500m`, `3072Mi`. */
  readonly cpu: string;
  readonly memory: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly reasoning: string;
  /** Set when the ingest needs more than one single-binary pod may have (the pod is rendered at the ceiling). */
  readonly outgrown?: string;
}

/**
 * LokiStack sizes published by Red Hat for OpenShift Logging 6.6 (microservices mode, replication factor 2):
 * total CPU and memory requests and disk per ingestion tier. A volume between two tiers takes the larger;
 * beyond the largest, whole stacks of it are added.
 * https://docs.redhat.com/en/documentation/red_hat_openshift_logging/6.6/html/installing_logging/loki-deployment-sizing
 */
export const LOKI_TIERS = [
  { size: '1x.extra-small', gbPerDay: 100, vcpu: 14, memoryGiB: 31, diskGiB: 430 },
  { size: '1x.small', gbPerDay: 500, vcpu: 34, memoryGiB: 67, diskGiB: 430 },
  { size: '1x.medium', gbPerDay: 2000, vcpu: 54, memoryGiB: 139, diskGiB: 590 },
] as const;
export const LOKI_SIZING_SOURCE = 'Red Hat OpenShift Logging 6.6, "Loki deployment sizing" (docs.redhat.com, stored copy)';

/** Requests of the log stack for a daily ingest, in total, and how they were chosen. */
export function lokiRequests(gbPerDay: number): { vcpu: number; memoryGiB: number; diskGiB: number; basis: string } {
  const tiers = LOKI_TIERS;
  if (gbPerDay < tiers[0].gbPerDay) {
    // Below the smallest published tier: its requests in proportion to the volume.
    const fraction = gbPerDay / tiers[0].gbPerDay;
    return { vcpu: tiers[0].vcpu * fraction, memoryGiB: tiers[0].memoryGiB * fraction, diskGiB: Math.max(10, tiers[0].diskGiB * fraction), basis: `${(fraction * 100).toFixed(1)}% of ${tiers[0].size} (${tiers[0].vcpu} vCPU / ${tiers[0].memoryGiB} GiB for ${tiers[0].gbPerDay} GB/day)` };
  }
  const tier = tiers.find((t) => t.gbPerDay >= gbPerDay);
  if (tier) return { vcpu: tier.vcpu, memoryGiB: tier.memoryGiB, diskGiB: tier.diskGiB, basis: `${tier.size} (up to ${tier.gbPerDay} GB/day: ${tier.vcpu} vCPU / ${tier.memoryGiB} GiB)` };
  const top = tiers[tiers.length - 1];
  const stacks = Math.ceil(gbPerDay / top.gbPerDay);
  return { vcpu: top.vcpu * stacks, memoryGiB: top.memoryGiB * stacks, diskGiB: top.diskGiB * stacks, basis: `${stacks} × ${top.size} (${top.gbPerDay} GB/day each: ${top.vcpu} vCPU / ${top.memoryGiB} GiB)` };
}

/** The smallest Loki pod rendered: below it the single binary starts slowly and OOMs on compaction. */
const LOKI_FLOOR = { vcpu: 0.5, memoryGiB: 1 };
/**
 * The largest single-binary Loki rendered: Loki's components are meant to run "as small and as many as
 * possible" (Grafana's sizing guide); a larger ingest needs Loki's distributed mode, which stagekit does not
 * render (the add-on warns, and the bill says so on its Logs line).
 */
export const LOKI_CEILING = { vcpu: 4, memoryGiB: 12 };

/**
 * The one sizing of the log stack: the platform renders Loki at it and the self-hosted bill packs and prices
 * what the platform renders (cost/k8s/fleet.ts platformLoad), so they cannot differ. Requests: the published
 * LokiStack tier for the daily volume, taken whole by the single binary (conservative: its replication factor
 * is 1 where the tier's is 2), at least 0.5 vCPU / 1 GiB. Volume: the compressed chunks for the retention.
 */
export function lokiSizing(gibPerDay: number, retentionDays: number): LogSizing {
  // Compressed chunks for the retention + 20% headroom + 5 GiB for the WAL and index; at least 10 GiB.
  const volumeGiB = Math.max(10, Math.ceil(((gibPerDay * retentionDays) / LOG_COMPRESSION) * 1.2 + 5));
  // Peak ingestion: 3x the daily average rate, with 50% headroom; Loki's default 4 MB/s at least.
  const avgMBps = (gibPerDay * 1024) / 86400;
  const ingestionMBps = Math.max(4, Math.ceil(avgMBps * 3 * 1.5));
  const need = lokiRequests(gibPerDay * (2 ** 30 / 1e9));
  const clamp = (value: number, floor: number, ceiling: number) => Math.min(ceiling, Math.max(floor, value));
  const millicores = Math.ceil(clamp(need.vcpu, LOKI_FLOOR.vcpu, LOKI_CEILING.vcpu) * 10) * 100;
  const mebibytes = Math.ceil((clamp(need.memoryGiB, LOKI_FLOOR.memoryGiB, LOKI_CEILING.memoryGiB) * 1024) / 256) * 256;
  const outgrown =
    need.vcpu > LOKI_CEILING.vcpu || need.memoryGiB > LOKI_CEILING.memoryGiB
      ? `${gibPerDay.toFixed(0)} GiB/day needs ${need.basis}, more than one single-binary Loki pod (rendered at its ceiling of ${LOKI_CEILING.vcpu} vCPU / ${LOKI_CEILING.memoryGiB} GiB): run Loki in distributed mode (not rendered by stagekit) or ship fewer logs`
      : undefined;
  return {
    gibPerDay,
    retentionDays,
    volumeGiB,
    ingestionMBps,
    cpu: `${millicores}m`,
    memory: `${mebibytes}Mi`,
    vcpu: millicores / 1000,
    memoryGiB: mebibytes / 1024,
    reasoning:
      `${gibPerDay.toFixed(1)} GiB/day of logs (profile) × ${retentionDays} days retention / ${LOG_COMPRESSION}x compression × 1.2 + 5 GiB WAL and index = ${volumeGiB} GiB; ` +
      `ingestion limit ${ingestionMBps} MB/s (3x the average rate + 50%); requests ${millicores}m / ${mebibytes}Mi from ${need.basis} (${LOKI_SIZING_SOURCE}), between ${LOKI_FLOOR.vcpu} vCPU / ${LOKI_FLOOR.memoryGiB} GiB and ${LOKI_CEILING.vcpu} vCPU / ${LOKI_CEILING.memoryGiB} GiB` +
      (outgrown ? `; ${outgrown}` : ''),
    ...(outgrown ? { outgrown } : {}),
  };
}

export function logSizing(plan: Plan): LogSizing {
  return lokiSizing(plan.usage.logGiBPerMonth / 30, plan.observability.logRetentionDays);
}

const LABELS = { 'app.kubernetes.io/managed-by': 'stagekit', 'app.kubernetes.io/part-of': 'stagekit-logs' };
const meta = (name: string) => ({ name, namespace: LOGGING_NAMESPACE, labels: { ...LABELS, 'app.kubernetes.io/name': name } });

function lokiConfig(sizing: LogSizing): string {
  return [
    'auth_enabled: false',
    'server:',
    '  http_listen_port: 3100',
    '  grpc_listen_port: 9096',
    '  log_level: info',
    'common:',
    '  instance_addr: 127.0.0.1',
    '  path_prefix: /var/loki',
    '  storage:',
    '    filesystem:',
    '      chunks_directory: /var/loki/chunks',
    '      rules_directory: /var/loki/rules',
    '  replication_factor: 1',
    '  ring:',
    '    kvstore:',
    '      store: inmemory',
    'schema_config:',
    '  configs:',
    '    - from: 2024-01-01',
    '      store: tsdb',
    '      object_store: filesystem',
    '      schema: v13',
    '      index:',
    '        prefix: index_',
    '        period: 24h',
    'limits_config:',
    `  retention_period: ${sizing.retentionDays * 24}h`,
    `  ingestion_rate_mb: ${sizing.ingestionMBps}`,
    `  ingestion_burst_size_mb: ${sizing.ingestionMBps * 2}`,
    'compactor:',
    '  working_directory: /var/loki/compactor',
    '  retention_enabled: true',
    '  delete_request_store: filesystem',
    'analytics:',
    '  reporting_enabled: false',
    '',
  ].join('\n');
}

const ALLOY_CONFIG = `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    replacement   = "/var/log/pods/*$1/*.log"
    target_label  = "__path__"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.loki.receiver]
}

loki.write "loki" {
  endpoint {
    url = "http://loki.${LOGGING_NAMESPACE}.svc:3100/loki/api/v1/push"
  }
}
`;

function loki(sizing: LogSizing): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'loki' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('loki'), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('loki-config'), data: { 'loki.yaml': lokiConfig(sizing) } },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('loki'),
      spec: {
        serviceName: 'loki',
        replicas: 1,
        selector: { matchLabels: labels },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: { ...LABELS, ...labels } },
          spec: {
            serviceAccountName: 'loki',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'loki',
                image: LOG_IMAGES.loki,
                args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
                ports: [{ name: 'http', containerPort: 3100 }, { name: 'grpc', containerPort: 9096 }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
                resources: { requests: { cpu: sizing.cpu, memory: sizing.memory }, limits: { cpu: sizing.cpu, memory: sizing.memory } },
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 15, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 60, periodSeconds: 30, failureThreshold: 5 },
                volumeMounts: [
                  { name: 'data', mountPath: '/var/loki' },
                  { name: 'config', mountPath: '/etc/loki', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'loki-config' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${sizing.volumeGiB}Gi` } } } }],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('loki'), spec: { selector: labels, ports: [{ name: 'http', port: 3100, targetPort: 'http' }] } },
  ];
}

function alloy(): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'alloy' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('alloy') },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'stagekit-alloy', labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'stagekit-alloy', labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stagekit-alloy' },
      subjects: [{ kind: 'ServiceAccount', name: 'alloy', namespace: LOGGING_NAMESPACE }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('alloy-config'), data: { 'config.alloy': ALLOY_CONFIG } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('alloy'),
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...LABELS, ...labels } },
          spec: {
            serviceAccountName: 'alloy',
            tolerations: [{ operator: 'Exists' }],
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'alloy',
                image: LOG_IMAGES.alloy,
                args: ['run', '/etc/alloy/config.alloy', '--storage.path=/tmp/alloy', '--server.http.listen-addr=0.0.0.0:12345'],
                env: [{ name: 'HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                ports: [{ name: 'http', containerPort: 12345 }],
                // Root (read-only) to read /var/log/pods, which the kubelet writes as root.
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } },
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/alloy', readOnly: true },
                  { name: 'pods', mountPath: '/var/log/pods', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: 'alloy-config' } },
              { name: 'pods', hostPath: { path: '/var/log/pods', type: 'Directory' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
}

export const logs: PlatformAddOn = {
  id: 'logs',
  title: 'Loki and Grafana Alloy',
  version: 'Loki 3.7.6, Alloy v1.18.1',
  namespaces: [{ name: LOGGING_NAMESPACE, podSecurity: 'privileged', exception: 'Alloy reads every pod\u2019s log files on the node (hostPath /var/log/pods, as root with DAC_READ_SEARCH): a hostPath volume is outside both restricted and baseline. Loki in the same namespace meets restricted.' }],
  detect: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  render: (context) => {
    const sizing = logSizing(context.plan);
    return { objects: [...loki(sizing), ...alloy()], warnings: sizing.outgrown ? [sizing.outgrown] : [] };
  },
};
