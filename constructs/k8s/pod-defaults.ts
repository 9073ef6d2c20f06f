import { Shape } from '../../core/sizes';

/**
 * Pod settings that meet the Pod Security Standards "restricted" profile. Every workload
 * stagekit renders uses them; operators' custom resources get the same values where
 * their CRDs expose them.
 */
export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

export function restrictedPodSecurity(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Standard labels; selectors and NetworkPolicies match on `app.kubernetes.io/name`. */
export function componentLabels(product: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/part-of': product,
    'app.kubernetes.io/managed-by': 'stagekit',
  };
}

/** Kubernetes quantities for a plan shape: CPU in millicores, memory in MiB. */
export function quantities(shape: Shape): { cpu: string; memory: string } {
  return { cpu: `${Math.max(10, Math.round(shape.vcpu * 1000))}m`, memory: `${Math.max(64, Math.round(shape.memoryGiB * 1024))}Mi` };
}

/**
 * Requests equal limits: the pod gets the Guaranteed QoS class (evicted last), and the
 * self-hosted bill packs exactly the capacity the plan asked for.
 */
export function guaranteedResources(shape: Shape) {
  const q = quantities(shape);
  return { requests: { ...q }, limits: { ...q } };
}
