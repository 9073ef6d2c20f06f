/** Elastic Load Balancing: application, network and Classic load balancers, their capacity units, data processed and public addresses. */
import { CostComponent, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { AwsContext, lookup, priced, usageLine } from '../context';
import { listLength, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

/** ALB capacity units from the request rate and bytes: the largest of the billed dimensions, per hour. */
export function albLcus(ctx: AwsContext): { lcus: number; assumption: string } {
  const usage = ctx.usage!;
  const requestsPerConnection = 10;
  const newConnections = usage.averageRequestsPerSecond / requestsPerConnection / 25;
  const activeConnections = (usage.averageRequestsPerSecond / requestsPerConnection) * 60 / 3000;
  const gbPerHour = (usage.averageRequestsPerSecond * 3600 * (usage.responseKiB + 1)) / 1024 ** 2;
  const lcus = Math.max(newConnections, activeConnections, gbPerHour);
  const bound = lcus === gbPerHour ? 'processed bytes' : lcus === newConnections ? 'new connections' : 'active connections';
  return {
    lcus,
    assumption:
      `${usage.averageRequestsPerSecond} req/s on average × ${usage.responseKiB + 1} KiB (response + request) = ${gbPerHour.toFixed(1)} GB/h ⇒ ${lcus.toFixed(1)} LCU (${bound} is the largest dimension; ` +
      `${requestsPerConnection} requests per connection, connections last a minute, ≤ 10 listener rules)`,
  };
}

export const loadBalancerV2 = handler({
  types: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return {
      lbType: str(template, properties.Type) ?? 'application',
      internetFacing: (str(template, properties.Scheme) ?? 'internet-facing') === 'internet-facing',
      subnets: listLength(properties.Subnets) ?? listLength(properties.SubnetMappings),
    };
  },
  price(ctx, id, type, spec) {
    const azs = spec.subnets ?? ctx.usage?.zones ?? 2;
    const lines: CostComponent[] = [];
    let note: string | undefined;
    if (spec.lbType === 'application') {
      lines.push(
        ...lookup('Application load balancer', 'hours', () => {
          const price = ctx.catalog.alb(ctx.region);
          const out = [priced('Application load balancer', 'hours', HOURS_PER_MONTH, price.hourly)];
          if (ctx.roles.frontLoadBalancer === id) {
            const lcu = ctx.usage ? albLcus(ctx) : undefined;
            out.push(usageLine('Load balancer capacity units', 'LCU-hours', lcu ? lcu.lcus * HOURS_PER_MONTH : undefined, price.lcuHourly, lcu?.assumption ?? ''));
          } else {
            note = 'capacity units not modelled: the request traffic is attributed to the front load balancer';
          }
          return out;
        }),
      );
    } else if (spec.lbType === 'network') {
      lines.push(...lookup('Network load balancer', 'hours', () => priced('Network load balancer', 'hours', HOURS_PER_MONTH, ctx.catalog.nlb(ctx.region).hourly)));
      note = 'NLB capacity units (NLCU) are not modelled';
    } else {
      lines.push(unpricedComponent(`${spec.lbType} load balancer`, 'hours', `no ${spec.lbType} load balancer price in the catalog`));
    }
    if (spec.internetFacing && spec.lbType !== 'gateway') {
      lines.push(
        ...lookup('Public IPv4 addresses', 'hours', () =>
          priced(`Public IPv4 addresses (one per AZ, ${azs})`, 'hours', HOURS_PER_MONTH * azs, ctx.catalog.publicIpv4Hourly(ctx.region).inUse, 'an internet-facing load balancer holds one public IPv4 address per zone'),
        ),
      );
    }
    return resource(id, type, lines, note);
  },
});

/** GB a front load balancer processes in a month: requests × (response + 1 KiB of request). */
function processedGbPerMonth(ctx: AwsContext): { gb: number; assumption: string } {
  const usage = ctx.usage!;
  const gbPerHour = (usage.averageRequestsPerSecond * 3600 * (usage.responseKiB + 1)) / 1024 ** 2;
  return { gb: gbPerHour * HOURS_PER_MONTH, assumption: `${usage.averageRequestsPerSecond} req/s on average × ${usage.responseKiB + 1} KiB (response + request) = ${gbPerHour.toFixed(1)} GB/h` };
}

/** Classic Load Balancer: an hourly charge plus each GB it processes (no capacity units). */
export const classicLoadBalancer = handler({
  types: ['AWS::ElasticLoadBalancing::LoadBalancer'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return { internetFacing: (str(template, properties.Scheme) ?? 'internet-facing') === 'internet-facing', zones: listLength(properties.Subnets) ?? listLength(properties.AvailabilityZones) };
  },
  price(ctx, id, type, spec) {
    let note: string | undefined;
    const lines = lookup('Classic load balancer', 'hours', () => {
      const price = ctx.catalog.classicElb(ctx.region);
      const out = [priced('Classic load balancer', 'hours', HOURS_PER_MONTH, price.hourly)];
      if (ctx.roles.frontLoadBalancer === id) {
        const processed = ctx.usage ? processedGbPerMonth(ctx) : undefined;
        out.push(usageLine('Data processed', 'GB', processed?.gb, price.perGbProcessed, processed?.assumption ?? ''));
      } else {
        note = 'data processed not modelled: the request traffic is attributed to the front load balancer';
      }
      return out;
    });
    if (spec.internetFacing) {
      const azs = spec.zones ?? ctx.usage?.zones ?? 2;
      lines.push(
        ...lookup('Public IPv4 addresses', 'hours', () =>
          priced(`Public IPv4 addresses (one per AZ, ${azs})`, 'hours', HOURS_PER_MONTH * azs, ctx.catalog.publicIpv4Hourly(ctx.region).inUse, 'an internet-facing load balancer holds one public IPv4 address per zone'),
        ),
      );
    }
    return resource(id, type, lines, note);
  },
});

export const elbService: ServiceHandlers = {
  service: 'Elastic Load Balancing',
  handlers: [loadBalancerV2, classicLoadBalancer],
  free: Object.fromEntries(
    ['Listener', 'ListenerRule', 'TargetGroup', 'ListenerCertificate'].map((t) => [`AWS::ElasticLoadBalancingV2::${t}`, 'no charge']),
  ),
};
