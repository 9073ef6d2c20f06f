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
  const shapeQuantities = quantities(shape);
  return { requests: { ...shapeQuantities }, limits: { ...shapeQuantities } };
}

/** Node label of the failure domain (zone) and of the node itself. */
export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOST_KEY = 'kubernetes.io/hostname';

/**
 * The container settings of the "restricted" profile, for operators' custom resources (plain
 * objects, structurally the same as every CRD's SecurityContext). `readOnlyRootFilesystem` is
 * not part of the profile: images whose entrypoint writes config under / (the OT Redis images)
 * get `false`, everything else `true`.
 */
export function restrictedContainerSecurity(readOnlyRootFilesystem = true) {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Pod-level settings of the "restricted" profile. With `uid` the pod runs as that user and
 * group and volumes are group-owned by it; without, the image's numeric USER applies
 * (runAsNonRoot still rejects an image that would run as root).
 */
export function restrictedPodSecurityContext(uid?: number) {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Topology spread of the pods matching `selector`: hard across zones (a zone loss takes at
 * most its share), soft across nodes.
 */
export function zoneSpread(selector: Record<string, string>) {
  return [
    { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
    { maxSkew: 1, topologyKey: HOST_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
  ];
}

/** Probe timings for operators that fill in the probe handler themselves. */
export const PROBE_TIMINGS = {
  readiness: { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  liveness: { initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 6 },
};

/** A JVM heap for a container of `memoryGiB`: `share` of it, capped (a larger heap only lengthens GC pauses; the page cache wants the rest). */
export function jvmHeap(memoryGiB: number, share: number, capMiB: number): string {
  return `${Math.max(256, Math.min(capMiB, Math.floor(memoryGiB * 1024 * share)))}m`;
}
