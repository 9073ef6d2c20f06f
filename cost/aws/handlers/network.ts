/** VPC networking: public IPv4 addresses, NAT gateways, VPC endpoints; the free plumbing around them. */
import { freeResource, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { gib } from '../../usage';
import { lookup, priced, usageLine } from '../context';
import { listLength, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const elasticIp = handler({
  types: ['AWS::EC2::EIP'],
  read: () => ({}),
  price: (ctx, id, type) =>
    resource(
      id,
      type,
      lookup('Public IPv4 address', 'hours', () => priced('Public IPv4 address', 'hours', HOURS_PER_MONTH, ctx.catalog.publicIpv4Hourly(ctx.region).inUse)),
      'every public IPv4 address is billed hourly, in use or idle',
    ),
});

export const natGateway = handler({
  types: ['AWS::EC2::NatGateway'],
  read: (t, _id, r) => ({ privateConnectivity: str(t, props(r).ConnectivityType) === 'private' }),
  price(ctx, id, type, spec) {
    const lines = lookup('NAT gateway', 'hours', () => {
      const natPrices = ctx.catalog.natGateway(ctx.region);
      const out = [priced('NAT gateway', 'hours', HOURS_PER_MONTH, natPrices.hourly)];
      if (!spec.privateConnectivity) {
        const nats = Math.max(1, ctx.roles.natGateways.length);
        const gb = ctx.usage ? (ctx.usage.egressGiBPerMonth * ctx.natShareOfEgress) / nats : undefined;
        out.push(
          usageLine(
            'Data processed',
            'GB',
            gb,
            natPrices.perGbProcessed,
            `private subnets' outbound calls (third-party APIs, webhooks, image and package pulls) ≈ ${Math.round(ctx.natShareOfEgress * 100)}% of the ${gib(ctx.usage?.egressGiBPerMonth ?? 0)} internet egress, split over ${nats} NAT gateway(s); responses to users leave through the load balancer`,
          ),
        );
      }
      return out;
    });
    return resource(id, type, lines);
  },
});

export const vpcEndpoint = handler({
  types: ['AWS::EC2::VPCEndpoint'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return {
      endpointType: str(template, properties.VpcEndpointType) ?? 'Gateway',
      subnets: listLength(properties.SubnetIds),
      service: str(template, properties.ServiceName) ?? (JSON.stringify(properties.ServiceName ?? '').match(/\.([a-z0-9-]+)"?\]?\]?$/)?.[1] ?? 'service'),
    };
  },
  price(ctx, id, type, spec) {
    if (spec.endpointType === 'Gateway') return freeResource(id, type, 'gateway endpoints (S3, DynamoDB) are free');
    if (spec.endpointType === 'GatewayLoadBalancer') {
      return resource(
        id,
        type,
        lookup('Gateway Load Balancer endpoint', 'hours', () => priced('Gateway Load Balancer endpoint', 'hours', HOURS_PER_MONTH, ctx.catalog.gatewayLoadBalancerEndpointHourly(ctx.region))),
        'data processed through the endpoint is not modelled (no per-GB price for it in the VPC price map)',
      );
    }
    if (spec.endpointType !== 'Interface') return resource(id, type, [unpricedComponent(`${spec.endpointType} endpoint`, 'hours', `no ${spec.endpointType} endpoint price in the catalog`)]);
    const azs = spec.subnets ?? ctx.usage?.zones ?? 2;
    return resource(
      id,
      type,
      lookup('Interface endpoint', 'hours', () => priced(`Interface endpoint (${azs} AZ${azs > 1 ? 's' : ''})`, 'hours', HOURS_PER_MONTH * azs, ctx.catalog.vpcInterfaceEndpoint(ctx.region).hourlyPerAz)),
      `${spec.service}: data processed through the endpoint is not modelled (a few cents per GB of API calls)`,
    );
  },
});

export const networkService: ServiceHandlers = {
  service: 'VPC',
  handlers: [elasticIp, natGateway, vpcEndpoint],
  free: Object.fromEntries(
    [
      'VPC', 'Subnet', 'RouteTable', 'Route', 'SubnetRouteTableAssociation', 'InternetGateway', 'VPCGatewayAttachment', 'EgressOnlyInternetGateway',
      'SecurityGroup', 'SecurityGroupIngress', 'SecurityGroupEgress', 'NetworkAcl', 'NetworkAclEntry', 'SubnetNetworkAclAssociation', 'DHCPOptions',
      'VPCDHCPOptionsAssociation', 'VPCCidrBlock', 'PrefixList', 'EIPAssociation', 'NetworkInterface', 'NetworkInterfaceAttachment', 'FlowLog',
    ].map((t) => [`AWS::EC2::${t}`, 'no charge']),
  ),
  notPriced: { 'AWS::EC2::TransitGateway': 'Transit Gateway prices are not in the catalog' },
};
