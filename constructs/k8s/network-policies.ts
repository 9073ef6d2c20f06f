import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface NamespaceGuardProps {
  /** The namespace the policies guard. Required: the default-deny applies to exactly one namespace, yours. */
  readonly namespace: string;
  /** Namespace of the ingress controller allowed to reach web pods. @default 'ingress-nginx' */
  readonly ingressNamespace?: string;
  /** Namespace of Prometheus, allowed to scrape every pod. @default 'monitoring' */
  readonly monitoringNamespace?: string;
}

const byNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

/**
 * A set of pods in the guarded namespace: a short name (used in policy names) and the labels
 * that select them. A plain string `x` means `{ 'app.kubernetes.io/name': x }`.
 */
export interface Peer {
  /** Names the peer in policy names and descriptions. Required: policies must say who they let in. */
  readonly name: string;
  /** Labels that select the peer's pods. Required: an empty selector would select every pod of the namespace. */
  readonly selector: Record<string, string>;
}

export function peer(nameOrPeer: string | Peer): Peer {
  return typeof nameOrPeer === 'string' ? { name: nameOrPeer, selector: { 'app.kubernetes.io/name': nameOrPeer } } : nameOrPeer;
}

const tcpPorts = (ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));

/** Ports the Kubernetes API server listens on (443 behind the `kubernetes` Service, 6443 on the endpoints). */
export const API_SERVER_PORTS = [443, 6443];

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

  /**
   * Opens `from` pods to `to` pods on the given TCP ports: an egress rule on `from` and an
   * ingress rule on `to` (both are needed under default deny). `from` and `to` may be the same
   * peer (pods of one component talking among themselves).
   */
  allow(from: string | Peer, to: string | Peer, ports: number[], description?: string): void {
    const fromPeer = peer(from);
    const toPeer = peer(to);
    const name = description ?? `${fromPeer.name}-to-${toPeer.name}`;
    new k8s.KubeNetworkPolicy(this, `${name}-egress`, {
      metadata: { name: `${name}-egress`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: fromPeer.selector },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: toPeer.selector } }], ports: tcpPorts(ports) }],
      },
    });
    new k8s.KubeNetworkPolicy(this, `${name}-ingress`, {
      metadata: { name: `${name}-ingress`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: toPeer.selector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: fromPeer.selector } }], ports: tcpPorts(ports) }],
      },
    });
  }

  /** Lets the ingress controller reach `to` pods on `port`. */
  allowFromIngress(to: string | Peer, port: number): void {
    const toPeer = peer(to);
    new k8s.KubeNetworkPolicy(this, `ingress-to-${toPeer.name}`, {
      metadata: { name: `ingress-controller-to-${toPeer.name}`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: toPeer.selector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [byNamespace(this.ingressNamespace)], ports: tcpPorts([port]) }],
      },
    });
  }

  /** Lets any pod of another namespace (an operator, KEDA) reach `to` pods on the given ports. */
  allowFromNamespace(namespace: string, to: string | Peer, ports: number[], name: string): void {
    const toPeer = peer(to);
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: toPeer.selector },
        policyTypes: ['Ingress'],
        ingress: [{ from: [byNamespace(namespace)], ports: tcpPorts(ports) }],
      },
    });
  }

  /**
   * Lets `from` pods open connections to addresses outside the cluster network model (the
   * Kubernetes API server, an object store) on the given ports. The API server is not a pod
   * a selector can name, so this is an address block: 0.0.0.0/0 unless narrowed.
   */
  allowEgressToAddresses(from: string | Peer, ports: number[], name: string, cidr = '0.0.0.0/0'): void {
    const fromPeer = peer(from);
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: fromPeer.selector },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr } }], ports: tcpPorts(ports) }],
      },
    });
  }

  /** Operator-run pods that watch the API themselves (CNPG instance manager, Strimzi init and entity operator). */
  allowEgressToApiServer(from: string | Peer, cidr?: string): void {
    this.allowEgressToAddresses(from, API_SERVER_PORTS, `${peer(from).name}-to-api-server`, cidr);
  }
}
