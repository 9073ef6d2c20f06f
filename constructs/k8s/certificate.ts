import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface CertificateProps {
  /** Certificate name. */
  readonly name: string;
  /** The kubernetes.io/tls Secret cert-manager writes (tls.crt, tls.key, ca.crt). */
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  /** cert-manager ClusterIssuer that signs it. */
  readonly issuer: string;
  readonly labels?: Record<string, string>;
}

/**
 * A cert-manager `Certificate` (cert-manager.io/v1): cert-manager issues it from a ClusterIssuer into
 * a Secret and renews it before it expires (the default: 90-day certificates renewed at 2/3 of their life).
 */
export class Certificate extends Construct {
  readonly secretName: string;
  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    this.secretName = props.secretName;
    new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: props.name, labels: props.labels },
      spec: {
        secretName: props.secretName,
        dnsNames: [...props.dnsNames],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.issuer },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature', 'key encipherment'],
      },
    });
  }
}
