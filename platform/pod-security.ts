/**
 * Pod Security Standards checks for the platform's pods, level by level as the Kubernetes
 * documentation defines them (https://kubernetes.io/docs/concepts/security/pod-security-standards/):
 * `baseline` forbids host namespaces, privileged containers, added capabilities beyond the default
 * set, hostPath volumes, host ports, non-default /proc mounts, unconfined seccomp and unsafe sysctls;
 * `restricted` adds the volume-type allow-list, no privilege escalation, non-root, a seccomp profile,
 * and dropping ALL capabilities (adding back NET_BIND_SERVICE only).
 *
 * Upstream operators' pods are checked as their manifests declare them; the pods prometheus-operator
 * creates from Prometheus and Alertmanager are checked on their pod security context (the operator
 * itself gives their containers allowPrivilegeEscalation: false and drops ALL capabilities:
 * pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go at v0.93.0).
 */
import type { KubeObject } from '../core/rendering';
import type { PodSecurityLevel } from './types';
import { podSpecOf } from './vendored';

export interface PodSecurityViolation {
  readonly object: string;
  readonly container?: string;
  readonly level: Exclude<PodSecurityLevel, 'privileged'>;
  readonly rule: string;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

interface CheckedPod {
  readonly object: string;
  readonly spec: any;
  /** Containers whose security context the operator sets (not in the object): skip container-level rules. */
  readonly containersByOperator?: boolean;
}

function podsOf(objects: readonly KubeObject[]): CheckedPod[] {
  const pods: CheckedPod[] = [];
  for (const kubeObject of objects) {
    const name = `${kubeObject.kind} ${kubeObject.metadata.namespace ?? ''}/${kubeObject.metadata.name}`;
    const spec = podSpecOf(kubeObject);
    if (spec) pods.push({ object: name, spec });
    else if (kubeObject.apiVersion.startsWith('monitoring.coreos.com/') && (kubeObject.kind === 'Prometheus' || kubeObject.kind === 'Alertmanager')) {
      pods.push({ object: name, spec: { securityContext: kubeObject.spec?.securityContext, volumes: kubeObject.spec?.volumes, containers: kubeObject.spec?.containers ?? [] }, containersByOperator: true });
    }
  }
  return pods;
}

/** Violations of `level` by the pods the objects make (nothing for `privileged`). */
export function podSecurityViolations(objects: readonly KubeObject[], level: PodSecurityLevel): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const out: PodSecurityViolation[] = [];
  for (const pod of podsOf(objects)) {
    const spec = pod.spec;
    const podSc = spec.securityContext ?? {};
    const add = (lvl: 'baseline' | 'restricted', rule: string, container?: string) => out.push({ object: pod.object, container, level: lvl, rule });
    for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[host]) add('baseline', `${host} is set`);
    for (const volume of spec.volumes ?? []) {
      if (volume.hostPath) add('baseline', `volume ${volume.name} is a hostPath (${volume.hostPath.path})`);
      if (level === 'restricted') {
        const type = Object.keys(volume).find((k) => k !== 'name');
        if (type && !RESTRICTED_VOLUMES.has(type)) add('restricted', `volume ${volume.name} has type ${type}`);
      }
    }
    for (const sysctl of podSc.sysctls ?? []) if (!SAFE_SYSCTLS.has(sysctl.name)) add('baseline', `unsafe sysctl ${sysctl.name}`);
    if (podSc.seccompProfile?.type === 'Unconfined') add('baseline', 'pod seccomp profile is Unconfined');
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
    if (level === 'restricted' && pod.containersByOperator) {
      if (podSc.runAsNonRoot !== true) add('restricted', 'runAsNonRoot is not true');
      if (podSc.runAsUser === 0) add('restricted', 'runAsUser is 0');
      if (!['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type)) add('restricted', 'no RuntimeDefault or Localhost seccomp profile');
    }
    for (const containerSpec of containers) {
      const sc = containerSpec.securityContext ?? {};
      if (sc.privileged) add('baseline', 'privileged', containerSpec.name);
      for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) add('baseline', `adds capability ${cap}`, containerSpec.name);
      for (const port of containerSpec.ports ?? []) if (port.hostPort) add('baseline', `host port ${port.hostPort}`, containerSpec.name);
      if (sc.procMount && sc.procMount !== 'Default') add('baseline', `procMount ${sc.procMount}`, containerSpec.name);
      if (sc.seccompProfile?.type === 'Unconfined') add('baseline', 'seccomp profile is Unconfined', containerSpec.name);
      if (level !== 'restricted') continue;
      if (sc.allowPrivilegeEscalation !== false) add('restricted', 'allowPrivilegeEscalation is not false', containerSpec.name);
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) add('restricted', 'runAsNonRoot is not true', containerSpec.name);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) add('restricted', 'runAsUser is 0', containerSpec.name);
      if (!['RuntimeDefault', 'Localhost'].includes((sc.seccompProfile ?? podSc.seccompProfile)?.type)) add('restricted', 'no RuntimeDefault or Localhost seccomp profile', containerSpec.name);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('restricted', 'does not drop ALL capabilities', containerSpec.name);
      for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') add('restricted', `adds capability ${cap}`, containerSpec.name);
    }
  }
  return out.filter((v) => level === 'restricted' || v.level === 'baseline');
}

/** The strictest level every pod of the objects meets. */
export function strictestLevel(objects: readonly KubeObject[]): PodSecurityLevel {
  if (podSecurityViolations(objects, 'restricted').length === 0) return 'restricted';
  if (podSecurityViolations(objects, 'baseline').length === 0) return 'baseline';
  return 'privileged';
}
