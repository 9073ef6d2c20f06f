/**
 * Which servers each load balancer forwards to. A pool fronted by several balancers (the fleet plan buys
 * ceil(servers / target limit) of them) is split between them: every server of the pool is a target of
 * exactly one balancer, the shares differ by at most one server, and each share is spread over the
 * failure domains (servers are dealt round-robin over the locations, then over the balancers).
 * Plain data: the program, the dry run and explain read the same split.
 */
import type { HcloudLayout } from './layout';

/** Load balancer name -> the servers it targets. Throws when a share exceeds `maxTargets` (when given). */
export function loadBalancerTargets(layout: Pick<HcloudLayout, 'servers' | 'loadBalancers'>, maxTargets?: (lbType: string) => number): Map<string, string[]> {
  const location = new Map(layout.servers.map((s) => [s.name, s.location]));
  const byPool = new Map<string, typeof layout.loadBalancers>();
  for (const lb of layout.loadBalancers) byPool.set(lb.pool, [...(byPool.get(lb.pool) ?? []), lb]);
  const targets = new Map<string, string[]>();
  for (const balancers of byPool.values()) {
    // The balancers of one pool list the same servers (layout.ts); deal them over the locations first.
    const byLocation = new Map<string, string[]>();
    for (const name of balancers[0].targetServers) byLocation.set(location.get(name) ?? '', [...(byLocation.get(location.get(name) ?? '') ?? []), name]);
    const queues = [...byLocation.values()];
    const interleaved: string[] = [];
    while (queues.some((queue) => queue.length)) for (const queue of queues) if (queue.length) interleaved.push(queue.shift()!);
    balancers.forEach((lb) => targets.set(lb.name, []));
    interleaved.forEach((server, index) => targets.get(balancers[index % balancers.length].name)!.push(server));
    for (const lb of balancers) {
      const limit = maxTargets?.(lb.type);
      if (limit !== undefined && targets.get(lb.name)!.length > limit) {
        throw new Error(`load balancer ${lb.name} (${lb.type}): ${targets.get(lb.name)!.length} target servers, but the type takes at most ${limit}; the fleet plan needs more balancers for pool ${lb.pool} (${interleaved.length} servers)`);
      }
    }
  }
  return targets;
}
