/**
 * The safety check of a fleet change: which servers that hold data (the data pool, or the single node)
 * the new layout would delete or replace, compared server by server with the layout deployed last
 * (recorded as the stack's `layout` output), and, once Pulumi has previewed, from its steps.
 */
import type { StatefulRisk } from '../risk';
import type { HcloudLayout, ServerSpec } from './layout';

const RESOURCE_TYPE = 'hcloud:index/server:Server';

/** The server type a layout's plan names, for its disk and size. */
function typeOf(layout: HcloudLayout, id: string): { id: string; vcpu: number; memoryGiB: number; diskGb: number } | undefined {
  const fleet = layout.fleet;
  return [...fleet.pools.map((p) => p.server), ...(fleet.controlPlane ? [fleet.controlPlane.server] : [])].find((s) => s.id === id);
}

export function fleetRisks(from: HcloudLayout, to: HcloudLayout): StatefulRisk[] {
  const next = new Map(to.servers.map((s) => [s.name, s]));
  const risks: StatefulRisk[] = [];
  for (const server of from.servers.filter((x) => x.holdsData)) {
    const nextServer = next.get(server.name);
    const resource = `Server ${server.name} (${server.serverType}, ${server.location})`;
    if (!nextServer) {
      risks.push({
        target: 'k8s',
        resource,
        resourceType: RESOURCE_TYPE,
        severity: 'data-loss',
        change: 'deleted',
        reason: `the ${to.stage} fleet plan has fewer data servers: the Postgres, Redis or Kafka pods on it lose their node (their Hetzner volumes are retained, the StorageClass reclaims nothing)`,
        fix: `drain it first (kubectl drain ${server.name} --ignore-daemonsets --delete-emptydir-data) and let the operators move their replicas; the server is delete-protected, so remove the protection by hand once it is empty`,
      });
    } else if (nextServer.location !== server.location) {
      risks.push({
        target: 'k8s',
        resource,
        resourceType: RESOURCE_TYPE,
        severity: 'data-loss',
        change: 'replaced',
        reason: `its failure domain moves from ${server.location} to ${nextServer.location}: Hetzner cannot move a server, so it is deleted and created anew, and volumes cannot follow across locations`,
        fix: 'add the new server first (a larger count), move the replicas, then remove the old one',
      });
    } else if (nextServer.serverType !== server.serverType && isDownsize(typeOf(from, server.serverType), typeOf(to, nextServer.serverType))) {
      // Refused rather than kept at the larger type: the bill prices what the plan packs, and a floor the plan
      // does not know would make the provisioned fleet differ from the priced one.
      const [was, next] = [typeOf(from, server.serverType)!, typeOf(to, nextServer.serverType)!];
      risks.push({
        target: 'k8s',
        resource,
        resourceType: RESOURCE_TYPE,
        severity: 'rejected',
        change: `downsized to ${nextServer.serverType}`,
        reason: `Hetzner rescales a server only to a type with at least its disk: ${server.serverType} has ${was.diskGb} GB, ${nextServer.serverType} ${next.diskGb} GB (a disk grown by an upgrade never shrinks back), so the rescale would fail with the server powered off`,
        fix: `keep ${server.serverType}: add ${nextServer.serverType} servers first (a larger count), move the replicas onto them, then remove the ${server.serverType} servers (the check reports each removal)`,
      });
    } else if (nextServer.serverType !== server.serverType) {
      risks.push({
        target: 'k8s',
        resource,
        resourceType: RESOURCE_TYPE,
        severity: 'note',
        change: `resized in place to ${nextServer.serverType}`,
        reason: 'Hetzner rescales a server powered off: its pods restart elsewhere meanwhile (the operators fail over primaries); the disk grows with the type and cannot shrink back',
      });
    }
  }
  return risks;
}

/** True when the next type has less disk than the current one: a rescale Hetzner refuses (the disk never shrinks). */
function isDownsize(current: { diskGb: number } | undefined, next: { diskGb: number } | undefined): boolean {
  return !!current && !!next && next.diskGb < current.diskGb;
}

/** Data-holding servers the Pulumi preview deletes or replaces (the preview sees what the layout check cannot: drift, manual changes). */
export function risksFromHcloudSteps(steps: readonly { op: string; urn: string; type: string; old?: { outputs?: Record<string, any> } }[]): StatefulRisk[] {
  const risks: StatefulRisk[] = [];
  for (const step of steps) {
    if (step.type !== RESOURCE_TYPE || !['delete', 'replace', 'create-replacement', 'delete-replaced'].includes(step.op)) continue;
    const labels = step.old?.outputs?.labels ?? {};
    if (labels['stagekit.dev/holds-data'] !== 'true') continue;
    const name = step.old?.outputs?.name ?? step.urn.split('::').pop();
    if (risks.some((r) => r.resource.startsWith(`Server ${name}`))) continue;
    risks.push({
      target: 'k8s',
      resource: `Server ${name}`,
      resourceType: RESOURCE_TYPE,
      severity: 'data-loss',
      change: step.op === 'delete' ? 'deleted by Pulumi' : 'replaced by Pulumi',
      reason: 'the server runs data systems; Pulumi would delete it (it is delete-protected, so the update would fail half-way)',
      fix: 'drain it and move its replicas first (see the runbook); then remove its protection by hand',
    });
  }
  return risks;
}

export function dataServers(layout: HcloudLayout): ServerSpec[] {
  return layout.servers.filter((s) => s.holdsData);
}
