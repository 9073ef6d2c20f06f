/**
 * The add-ons that come from vendored upstream release manifests, each with the adaptations stagekit
 * makes (namespace, watched namespaces, images of development manifests, Service types). Every
 * adaptation is listed in docs/self-hosted.md; the files themselves stay byte for byte upstream.
 */
import { DEFAULT_ENVIRONMENT } from '../../components/names';
import type { KubeObject } from '../../core/rendering';
import type { AddOnRendering, PlatformAddOn, PlatformContext } from '../types';
import { moveNamespace, podSpecOf, setImage, vendoredObjects } from '../vendored';

const ENV = DEFAULT_ENVIRONMENT;

function only(rendering: KubeObject[], warnings?: string[]): AddOnRendering {
  return { objects: rendering, warnings };
}

function container(objects: KubeObject[], kind: string, name: string, containerName?: string): any {
  const workload = objects.find((x) => x.kind === kind && x.metadata.name === name);
  const spec = workload && podSpecOf(workload);
  const containerSpec = containerName ? spec?.containers.find((x: any) => x.name === containerName) : spec?.containers[0];
  if (!containerSpec) throw new Error(`vendored manifest changed: no ${kind} ${name}${containerName ? ` container ${containerName}` : ''}`);
  return containerSpec;
}

/** A ServiceMonitor/PodMonitor the platform's Prometheus scrapes (it selects every monitor in the cluster). */
function podMonitor(namespace: string, name: string, matchLabels: Record<string, string>, endpoint: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'stagekit' } },
    spec: { selector: { matchLabels }, podMetricsEndpoints: [endpoint] },
  };
}

export const cloudNativePg: PlatformAddOn = {
  id: 'cnpg',
  title: 'CloudNativePG',
  version: '1.30.0',
  namespaces: [{ name: ENV.cnpgNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  render: () => only(moveNamespace(vendoredObjects('cnpg'), ['cnpg-system'], ENV.cnpgNamespace)),
};

export const barmanCloud: PlatformAddOn = {
  id: 'barman-cloud',
  title: 'Barman Cloud plugin for CloudNativePG',
  version: '0.14.0',
  namespaces: [{ name: ENV.cnpgNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore' },
  dependsOn: ['cnpg', 'cert-manager'],
  render: () => {
    const objects = moveNamespace(vendoredObjects('barman-cloud'), ['cnpg-system'], ENV.cnpgNamespace);
    // The manifest at the tag names the -testing:main images; the release task (Taskfile.yml
    // `manifest-internal`) sets the plugin image and the SIDECAR_IMAGE secret to the tag: do the same.
    if (setImage(objects, /plugin-barman-cloud(-testing)?:/, 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0') !== 1) throw new Error('barman-cloud: expected one plugin image');
    const sidecar = objects.find((o) => o.kind === 'Secret' && /^plugin-barman-cloud-/.test(o.metadata.name));
    if (!sidecar?.data?.SIDECAR_IMAGE) throw new Error('barman-cloud: the SIDECAR_IMAGE secret is missing');
    delete sidecar.data.SIDECAR_IMAGE;
    sidecar.stringData = { SIDECAR_IMAGE: 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0' };
    return only(objects);
  },
};

/** Strimzi's watched-namespace bindings, made cluster-wide so the operator serves the product namespace (upstream "watching all namespaces"). */
const STRIMZI_NAMESPACED_BINDINGS = new Set(['strimzi-cluster-operator', 'strimzi-cluster-operator-watched', 'strimzi-cluster-operator-entity-operator-delegation']);

export const strimzi: PlatformAddOn = {
  id: 'strimzi',
  title: 'Strimzi',
  version: '0.51.0',
  namespaces: [
    {
      name: ENV.strimziNamespace,
      podSecurity: 'baseline',
      exception: 'the upstream strimzi-cluster-operator Deployment (0.51.0) sets no securityContext: no runAsNonRoot, seccomp profile, allowPrivilegeEscalation or dropped capabilities (it meets baseline). The Kafka pods it creates run in the product namespace under restricted.',
    },
  ],
  detect: { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka' },
  render: () => {
    const objects = moveNamespace(vendoredObjects('strimzi'), ['myproject'], ENV.strimziNamespace).map((kubeObject) => {
      if (kubeObject.kind === 'RoleBinding' && STRIMZI_NAMESPACED_BINDINGS.has(kubeObject.metadata.name)) {
        return { apiVersion: kubeObject.apiVersion, kind: 'ClusterRoleBinding', metadata: { name: kubeObject.metadata.name, labels: kubeObject.metadata.labels }, subjects: kubeObject.subjects, roleRef: kubeObject.roleRef };
      }
      return kubeObject;
    });
    const operator = container(objects, 'Deployment', 'strimzi-cluster-operator');
    const ns = operator.env.find((e: any) => e.name === 'STRIMZI_NAMESPACE');
    delete ns.valueFrom;
    ns.value = '*';
    return only(objects);
  },
};

export const keda: PlatformAddOn = {
  id: 'keda',
  title: 'KEDA',
  version: '2.20.2',
  namespaces: [{ name: ENV.kedaNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' },
  runtimeCreated: [{ kind: 'Secret', namespace: ENV.kedaNamespace, name: 'kedaorg-certs', createdBy: 'keda-operator (its built-in certificate rotation, on by default), applied in the same phase' }],
  render: () => only(moveNamespace(vendoredObjects('keda'), ['keda'], ENV.kedaNamespace)),
};

export const prometheusOperator: PlatformAddOn = {
  id: 'prometheus-operator',
  title: 'prometheus-operator',
  version: '0.93.0',
  namespaces: [{ name: ENV.monitoringNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
  render: () => {
    const objects = moveNamespace(vendoredObjects('prometheus-operator'), ['default'], ENV.monitoringNamespace);
    // The kubelet Service (kube-system/kubelet) the operator maintains is what cAdvisor and volume-stats scraping read.
    const args: string[] = container(objects, 'Deployment', 'prometheus-operator').args;
    if (!args.some((a) => a.startsWith('--kubelet-service'))) args.push('--kubelet-service=kube-system/kubelet');
    return only(objects);
  },
};

export const redisOperator: PlatformAddOn = {
  id: 'ot-redis-operator',
  title: 'OT-Container-Kit redis-operator',
  version: '0.26.0',
  namespaces: [
    {
      name: ENV.redisOperatorNamespace,
      podSecurity: 'baseline',
      exception: 'the upstream redis-operator manager container (config/manager at v0.26.0) sets no seccomp profile and drops no capabilities (it meets baseline). The Redis pods it creates run in the product namespace under restricted.',
    },
  ],
  detect: { apiVersion: 'redis.redis.opstreelabs.in/v1beta2', kind: 'RedisReplication' },
  render: () => only(moveNamespace(vendoredObjects('ot-redis-operator'), ['redis-operator-system', 'ot-operators'], ENV.redisOperatorNamespace)),
};

export const kubeStateMetrics: PlatformAddOn = {
  id: 'kube-state-metrics',
  title: 'kube-state-metrics',
  version: '2.20.0',
  namespaces: [{ name: ENV.monitoringNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'v1', kind: 'Service' },
  dependsOn: ['prometheus-operator'],
  render: () => {
    const objects = moveNamespace(vendoredObjects('kube-state-metrics'), ['kube-system'], ENV.monitoringNamespace);
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'kube-state-metrics', namespace: ENV.monitoringNamespace, labels: { 'app.kubernetes.io/managed-by': 'stagekit' } },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' } }, endpoints: [{ port: 'http-metrics', honorLabels: true }] },
    });
    return only(objects);
  },
};

/** NodePorts the Hetzner load balancer forwards 80 and 443 to (fixed, so provisioning can name them). */
export const INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;

export const ingressNginx: PlatformAddOn = {
  id: 'ingress-nginx',
  title: 'ingress-nginx',
  version: '1.15.1',
  namespaces: [{ name: ENV.ingressNamespace, podSecurity: 'restricted' }],
  detect: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass' },
  dependsOn: ['prometheus-operator'],
  runtimeCreated: [{ kind: 'Secret', namespace: ENV.ingressNamespace, name: 'ingress-nginx-admission', createdBy: 'the Job ingress-nginx-admission-create (kube-webhook-certgen), applied in the same phase' }],
  render: (context: PlatformContext) => {
    const objects = moveNamespace(vendoredObjects('ingress-nginx'), ['ingress-nginx'], ENV.ingressNamespace);
    // Upstream's controller ConfigMap has an empty `data:` (null); the API server reads it as absent.
    for (const kubeObject of objects) if (kubeObject.kind === 'ConfigMap' && kubeObject.data === null) delete kubeObject.data;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'ingress-nginx-controller');
    if (!service) throw new Error('ingress-nginx: controller Service missing');
    if (context.cluster === 'hcloud' && !context.singleNode) {
      // The Hetzner load balancer from the fleet plan (provisioned by Pulumi, not by the CCM) forwards to these ports on every worker.
      service.spec.type = 'NodePort';
      delete service.spec.externalTrafficPolicy;
      for (const port of service.spec.ports) port.nodePort = port.name === 'https' ? INGRESS_NODE_PORTS.https : INGRESS_NODE_PORTS.http;
    }
    // One replica per failure domain (two at least) instead of upstream's one; spread over zones.
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-nginx-controller')!;
    deployment.spec.replicas = context.singleNode ? 1 : Math.max(2, context.plan.zones);
    if (!context.singleNode) {
      deployment.spec.template.spec.topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: deployment.spec.selector.matchLabels } },
      ];
    }
    const controller = container(objects, 'Deployment', 'ingress-nginx-controller', 'controller');
    if (!controller.ports.some((p: any) => p.containerPort === 10254)) controller.ports.push({ name: 'metrics', containerPort: 10254, protocol: 'TCP' });
    objects.push(podMonitor(ENV.ingressNamespace, 'ingress-nginx-controller', deployment.spec.selector.matchLabels, { port: 'metrics' }));
    const warnings = ['ingress-nginx is retired upstream (best-effort maintenance ended in March 2026; controller-v1.15.1 is its last release): plan the move to another controller (the SLO alerts read ingress-nginx metrics).'];
    return only(objects, warnings);
  },
};

/** Hetzner Cloud controller manager: node addresses, zones (topology labels) and provider IDs. */
export const hcloudCcm: PlatformAddOn = {
  id: 'hcloud-ccm',
  title: 'Hetzner Cloud controller manager',
  version: '1.35.0',
  namespaces: [{ name: 'kube-system', podSecurity: 'privileged', exception: 'kube-system is the cluster\u2019s own namespace (k3s components run there): left unlabelled, as Kubernetes leaves it; the CCM runs on the host network to reach the API before the CNI is up' }],
  detect: { apiVersion: 'v1', kind: 'Node' },
  render: () => {
    const objects = vendoredObjects('hcloud-ccm');
    const ccm = container(objects, 'Deployment', 'hcloud-cloud-controller-manager');
    // k3s runs flannel (VXLAN over the private network) with pod CIDR 10.42.0.0/16: the CCM neither allocates
    // node CIDRs nor writes routes; it still attaches nodes to the network and labels zones.
    ccm.args = ccm.args.map((a: string) => (a.startsWith('--cluster-cidr=') ? '--cluster-cidr=10.42.0.0/16' : a.startsWith('--allocate-node-cidrs=') ? '--allocate-node-cidrs=false' : a));
    ccm.env.push({ name: 'HCLOUD_NETWORK_ROUTES_ENABLED', value: 'false' }, { name: 'HCLOUD_LOAD_BALANCERS_ENABLED', value: 'false' });
    return { objects, secrets: [{ namespace: 'kube-system', name: 'hcloud', key: 'token', purpose: 'Hetzner Cloud API token and network id for the CCM and CSI driver', source: 'provided' }] };
  },
};

export const hcloudCsi: PlatformAddOn = {
  id: 'hcloud-csi',
  title: 'Hetzner Cloud CSI driver',
  version: '2.22.1',
  namespaces: [{ name: 'kube-system', podSecurity: 'privileged', exception: 'the CSI node plugin is privileged with host paths (it mounts volumes into the kubelet\u2019s directories), as every CSI node plugin is, and on the host network (it reads the metadata service, closed to pods)' }],
  detect: { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver' },
  dependsOn: ['hcloud-ccm'],
  render: () => {
    const objects = vendoredObjects('hcloud-csi');
    // The Helm-rendered file has `initContainers:` with no items (null); the API server reads null as absent.
    for (const kubeObject of objects) {
      const spec = podSpecOf(kubeObject);
      if (spec && spec.initContainers === null) delete spec.initContainers;
    }
    // The node plugin reads its server id and location from the metadata service, which pods cannot reach
    // (a host rule, deploy/self-hosted/cloud-init.ts): it runs on the host network, as the chart's
    // node.hostNetwork=true renders it.
    const nodePlugin = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'hcloud-csi-node');
    if (!nodePlugin) throw new Error('hcloud-csi: DaemonSet hcloud-csi-node missing');
    Object.assign(podSpecOf(nodePlugin)!, { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    const sc = objects.find((o) => o.kind === 'StorageClass');
    if (!sc) throw new Error('hcloud-csi: StorageClass missing');
    // Data outlives its claim: a deleted claim leaves the Hetzner volume (deleting it is a decision, not a side effect).
    sc.reclaimPolicy = 'Retain';
    return only(objects);
  },
};

/** Names of the cert-manager Deployments whose replicas follow the failure domains (the cainjector stays at one: leader-elected, nothing serves from it). */
const CERT_MANAGER_SCALED = ['cert-manager', 'cert-manager-webhook'];

/** cert-manager from its vendored release manifest (cert-manager.yaml: controller, webhook, cainjector and CRDs). */
export const certManager: PlatformAddOn = {
  id: 'cert-manager',
  title: 'cert-manager',
  version: '1.19.4',
  namespaces: [{ name: 'cert-manager', podSecurity: 'restricted' }],
  detect: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer' },
  dependsOn: ['prometheus-operator'],
  render: (context) => {
    // The release manifest also puts two leader-election Roles and RoleBindings in kube-system: kept there (upstream's choice).
    const objects = moveNamespace(vendoredObjects('cert-manager'), ['cert-manager'], 'cert-manager');
    for (const name of CERT_MANAGER_SCALED) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      if (!deployment) throw new Error(`vendored manifest changed: no Deployment ${name}`);
      deployment.spec.replicas = context.singleNode ? 1 : 2;
    }
    // The chart's `prometheus.servicemonitor.enabled`, which the release manifest leaves off: the controller's metrics (Service port tcp-prometheus-servicemonitor).
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cert-manager');
    const metricsPort = service?.spec?.ports?.find((p: any) => p.port === 9402);
    if (!metricsPort) throw new Error('vendored manifest changed: no cert-manager metrics Service port 9402');
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'cert-manager', namespace: 'cert-manager', labels: { 'app.kubernetes.io/managed-by': 'stagekit' } },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': service!.metadata.labels['app.kubernetes.io/name'], 'app.kubernetes.io/component': service!.metadata.labels['app.kubernetes.io/component'] } }, endpoints: [{ port: metricsPort.name, path: '/metrics' }] },
    });
    return only(objects);
  },
};
