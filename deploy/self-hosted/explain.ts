/**
 * `stagekit explain --target self-hosted`: the fleet a stage is provisioned as on Hetzner Cloud, read
 * from the same layout the program declares and the bill prices (pools, server types and counts per
 * location, the N+1 spare, control plane, load balancers, volumes, firewall).
 */
import type { HcloudLayout } from './layout';
import { NETWORK } from './layout';
import { loadBalancerTargets } from './lb-targets';

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => String(Math.round(n * 100) / 100);
const pct = (n: number) => `${Math.round(n * 100)} %`;

/** "1 server", "3 servers" (plural by an added s unless given). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** A size in GiB as people read it: whole GiB from 10 up, one decimal below (claims are sized in fractions). */
export function gib(value: number): string {
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded.toLocaleString('en-US')} GiB`;
}

/** The command that prints the full self-hosted bill of a stage (its Hetzner Cloud section). */
export function selfHostedBillCommand(stage: string): string {
  return `stagekit cost --stage ${stage} --provider hetzner`;
}

export function fleetExplanation(layout: HcloudLayout): string[] {
  const { fleet } = layout;
  const lines: string[] = [
    `fleet on ${fleet.providerName} (price list ${fleet.priceList}, ${fleet.eurUsd} USD/EUR): ${plural(layout.servers.length, 'server')}, k3s ${layout.k3sVersion} on ${layout.image}`,
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
    for (const workload of pool.workloads) lines.push(`    - ${workload.name} (${workload.kind}, ${workload.role}): ${workload.replicas} × ${num(workload.vcpu)} vCPU / ${gib(workload.memoryGiB)}${workload.storageGiB ? ` / ${gib(workload.storageGiB)} storage` : ''}${workload.spreadOverNodes ? ', one per node' : ''}`);
  }
  const targets = loadBalancerTargets(layout);
  for (const lb of layout.loadBalancers) {
    const priced = fleet.loadBalancers.find((l) => lb.fronts === `${l.kind} ${l.name}`);
    lines.push(`  load balancer ${lb.name}: ${lb.type} in ${lb.location}${priced ? ` (${usd(priced.monthlyUsd)}/month)` : ''}, ${lb.fronts}, to ${plural(targets.get(lb.name)!.length, `${lb.pool} server`)}${targets.get(lb.name)!.length === lb.targetServers.length ? '' : ` of ${lb.targetServers.length} (each behind one balancer)`} on ports 80/443`);
  }
  if (layout.volumes) lines.push(`  volumes: ${layout.volumes} (${gib(layout.volumeGiB)}), created by the Hetzner CSI driver as the stage\u2019s claims bind: ${fleet.volumes.map((v) => `${v.count} × ${gib(v.sizeGiB)} ${v.name} (${v.medium})`).join(', ')}`);
  lines.push(`  network ${NETWORK.ipRange} (nodes ${NETWORK.nodes}, load balancers ${NETWORK.loadBalancers}); ${plural(layout.placementGroups.length, 'spread placement group')}`);
  lines.push(`  firewall: ${layout.firewallRules.map((r) => `${r.port}/${r.protocol} from ${r.sourceIps.join(', ')}`).join('; ')}${layout.firewallRules.some((r) => r.port === '6443') ? '' : '; 6443 (Kubernetes API) and 22 (SSH, key only: the deploy reads the kubeconfig with it) from the --api-allow blocks given to deploy'}`);
  const holds = layout.servers.filter((s) => s.holdsData).map((s) => s.name);
  if (holds.length) lines.push(`  data-holding servers (delete-protected; the safety check watches them): ${holds.join(', ')}`);
  for (const notOffered of fleet.notOffered) lines.push(`  not offered: ${notOffered}`);
  lines.push(`  prices above are per server and balancer; the full self-hosted bill (volumes, backups, traffic, operations) is the Hetzner Cloud section of \`${selfHostedBillCommand(layout.stage)}\` (with the same --profile)`);
  return lines;
}
