import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface NamespaceGuardProps {
  readonly namespace: string;
  /** Namespace of the ingress controller allowed to reach web pods. @default 'ingress-nginx' */
  readonly ingressNamespace?: string;
  /** Namespace of Prometheus, allowed to scrape every pod. @default 'monitoring' */
  readonly monitoringNamespace?: string;
}

const byNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

/**
 * Default deny for the namespace, in and out, plus the flows every pod needs (DNS, and
 * scraping by Prometheus). Each real flow between components is opened with `allow`.
 */
export class NamespaceGuard extends Construct {
  readonly namespace: string;
  readonly monitoringNamespace: string;
  readonly ingressNamespace: string;

  constructor(scope: Construct, id: string, props: NamespaceGuardProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.monitoringNamespace = props.monitoringNamespace ?? 'monitoring';
    this.ingressNamespace = props.ingressNamespace ?? 'ingress-nginx';
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', namespace: this.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'allow-dns', {
      metadata: { name: 'allow-dns', namespace: this.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ...byNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'allow-monitoring', {
      metadata: { name: 'allow-monitoring-scrape', namespace: this.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [byNamespace(this.monitoringNamespace)] }] },
    });
  }

  /** Opens `from` pods to `to` pods on the given TCP ports (an ingress rule on `to`, an egress rule on `from`). */
  allow(from: string, to: string, ports: number[], description = `${from}-to-${to}`): void {
    const tcp = ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    new k8s.KubeNetworkPolicy(this, `${description}-egress`, {
      metadata: { name: `${description}-egress`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': from } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': to } } }], ports: tcp }],
      },
    });
    new k8s.KubeNetworkPolicy(this, `${description}-ingress`, {
      metadata: { name: `${description}-ingress`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': to } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': from } } }], ports: tcp }],
      },
    });
  }

  /** Lets the ingress controller reach `to` pods on `port`. */
  allowFromIngress(to: string, port: number): void {
    new k8s.KubeNetworkPolicy(this, `ingress-to-${to}`, {
      metadata: { name: `ingress-controller-to-${to}`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': to } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [byNamespace(this.ingressNamespace)], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] }],
      },
    });
  }

  /** Lets pods labelled `from` reach `to` pods in another namespace (operators, external services). */
  allowFromNamespace(namespace: string, to: string, ports: number[], name: string): void {
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': to } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [byNamespace(namespace)], ports: ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) }],
      },
    });
  }
}
