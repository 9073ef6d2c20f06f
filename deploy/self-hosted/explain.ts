/**
 * `stagekit explain --target self-hosted`: the fleet a stage is provisioned as on Hetzner Cloud, read
 * from the same layout the program declares and the bill prices (pools, server types and counts per
 * location, the N+1 spare, control plane, load balancers, volumes, firewall).
 */
import type { HcloudLayout } from './layout';
import { NETWORK } from './layout';

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => String(Math.round(n * 100) / 100);
const pct = (n: number) => `${Math.round(n * 100)} %`;

export function fleetExplanation(layout: HcloudLayout): string[] {
  const { fleet } = layout;
  const lines: string[] = [
    `fleet on ${fleet.providerName} (price list ${fleet.priceList}, ${fleet.eurUsd} USD/EUR): ${layout.servers.length} servers, k3s ${layout.k3sVersion} on ${layout.image}`,
    `  failure domains (topology.kubernetes.io/zone): ${fleet.failureDomains.join(', ')}; ${fleet.locationNote}`,
  ];
  const count = (pool: string, location: string) => layout.servers.filter((s) => s.pool === pool && s.location === location).length;
  const where = (pool: string) => fleet.failureDomains.map((d) => `${count(pool, d)} in ${d}`).filter((t) => !t.startsWith('0 ')).join(', ');
  if (fleet.controlPlane) {
    const cp = fleet.controlPlane;
    lines.push(`  control plane: ${cp.count} × ${cp.server.id} (${cp.server.vcpu} vCPU, ${cp.server.memoryGiB} GiB, ${usd(cp.server.monthlyUsd)}/month each), ${where('control-plane')}; embedded etcd; ${cp.note}`);
  }
  for (const pool of fleet.pools) {
    const poolName = fleet.singleNode ? 'single' : pool.name;
    lines.push(
      `  pool ${pool.name}: ${pool.count} × ${pool.server.id} (${pool.server.vcpu} vCPU, ${pool.server.memoryGiB} GiB, ${usd(pool.server.monthlyUsd)}/month each) = ${pool.packed} packed + ${pool.spare} spare (N+1), ${where(poolName)}; packed to ${pct(pool.utilisation.vcpu)} CPU, ${pct(pool.utilisation.memory)} memory`,
    );
    lines.push(`    ${pool.purpose}`);
    for (const workload of pool.workloads) lines.push(`    - ${workload.name} (${workload.kind}, ${workload.role}): ${workload.replicas} × ${num(workload.vcpu)} vCPU / ${num(workload.memoryGiB)} GiB${workload.storageGiB ? ` / ${num(workload.storageGiB)} GiB storage` : ''}${workload.spreadOverNodes ? ', one per node' : ''}`);
  }
  for (const lb of layout.loadBalancers) {
    const priced = fleet.loadBalancers.find((l) => lb.fronts === `${l.kind} ${l.name}`);
    lines.push(`  load balancer ${lb.name}: ${lb.type} in ${lb.location}${priced ? ` (${usd(priced.monthlyUsd)}/month)` : ''}, ${lb.fronts}, to ${lb.targetServers.length} ${lb.pool} server(s) on ports 80/443`);
  }
  if (layout.volumes) lines.push(`  volumes: ${layout.volumes} (${layout.volumeGiB} GiB), created by the Hetzner CSI driver as the stage\u2019s claims bind: ${fleet.volumes.map((v) => `${v.count} × ${v.sizeGiB} GiB ${v.name} (${v.medium})`).join(', ')}`);
  lines.push(`  network ${NETWORK.ipRange} (nodes ${NETWORK.nodes}, load balancers ${NETWORK.loadBalancers}); ${layout.placementGroups.length} spread placement group(s)`);
  lines.push(`  firewall: ${layout.firewallRules.map((r) => `${r.port}/${r.protocol} from ${r.sourceIps.join(', ')}`).join('; ')}${layout.firewallRules.some((r) => r.port === '6443') ? '' : '; 6443 (Kubernetes API) from the --api-allow blocks given to deploy'}`);
  const holds = layout.servers.filter((s) => s.holdsData).map((s) => s.name);
  if (holds.length) lines.push(`  data-holding servers (delete-protected; the safety check watches them): ${holds.join(', ')}`);
  for (const notOffered of fleet.notOffered) lines.push(`  not offered: ${notOffered}`);
  lines.push('  prices above are per server and balancer; the full self-hosted bill (volumes, backups, traffic, operations) is `stagekit cost --target k8s`');
  return lines;
}
