/** Route 53: hosted zones (DNS queries not modelled; alias queries to AWS resources are free). */
import { resource } from '../../model';
import { priced } from '../context';
import { handler, ServiceHandlers } from './types';

export const hostedZone = handler({
  types: ['AWS::Route53::HostedZone'],
  read: () => ({}),
  price: (ctx, id, type) => resource(id, type, [priced('Hosted zone', 'months', 1, ctx.catalog.route53PrivateHostedZoneMonthly()[0])], 'DNS queries are not modelled; alias queries to AWS resources are free'),
});

export const route53Service: ServiceHandlers = {
  service: 'Route 53',
  handlers: [hostedZone],
  free: { 'AWS::Route53::RecordSet': 'no charge', 'AWS::Route53::RecordSetGroup': 'no charge' },
  notPriced: { 'AWS::Route53::HealthCheck': 'Route 53 health-check prices are not in the catalog' },
};
