/**
 * DynamoDB: provisioned capacity (RCU/WCU-hours of the table and its global secondary indexes) is a standing
 * charge; on-demand tables pay per request. Storage and requests depend on data the workload profile does not
 * describe for a DynamoDB table, so their unit prices are shown and nothing is counted.
 */
import { component, CostComponent, HOURS_PER_MONTH, resource } from '../../model';
import { priced, sourceOf } from '../context';
import { bool, num, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const dynamodbTable = handler({
  types: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const capacity = (throughput: any) => ({ rcu: num(template, throughput?.ReadCapacityUnits) ?? 0, wcu: num(template, throughput?.WriteCapacityUnits) ?? 0 });
    const indexes = Array.isArray(properties.GlobalSecondaryIndexes) ? properties.GlobalSecondaryIndexes.map((g: any) => capacity(g?.ProvisionedThroughput)) : [];
    const table = capacity(properties.ProvisionedThroughput);
    return {
      onDemand: (str(template, properties.BillingMode) ?? 'PROVISIONED') === 'PAY_PER_REQUEST',
      rcu: table.rcu + indexes.reduce((s: number, i: { rcu: number }) => s + i.rcu, 0),
      wcu: table.wcu + indexes.reduce((s: number, i: { wcu: number }) => s + i.wcu, 0),
      pointInTimeRecovery: bool(template, properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled) ?? false,
    };
  },
  price(ctx, id, type, spec) {
    const prices = ctx.catalog.dynamodb(ctx.region);
    const unknown = 'the workload profile does not describe this table\'s data or requests: unit price shown, nothing counted';
    const perUse = (name: string, unit: string, price: typeof prices.storagePerGbMonth): CostComponent =>
      component({ name, unit, quantity: null, price: price.usd, usageBased: true, priceSource: sourceOf(price), assumption: unknown });
    const lines: CostComponent[] = spec.onDemand
      ? [perUse('Read request units (on-demand)', 'requests', prices.onDemandReadRequest), perUse('Write request units (on-demand)', 'requests', prices.onDemandWriteRequest)]
      : [
          priced(`Provisioned read capacity (${spec.rcu} RCU)`, 'RCU-hours', spec.rcu * HOURS_PER_MONTH, prices.provisionedRcuHourly, 'table and global secondary indexes, at their provisioned floor'),
          priced(`Provisioned write capacity (${spec.wcu} WCU)`, 'WCU-hours', spec.wcu * HOURS_PER_MONTH, prices.provisionedWcuHourly, 'table and global secondary indexes, at their provisioned floor'),
        ];
    lines.push(perUse('Storage (Standard table class)', 'GB-months', prices.storagePerGbMonth));
    if (spec.pointInTimeRecovery) lines.push(perUse('Point-in-time recovery', 'GB-months', prices.pitrPerGbMonth));
    return resource(id, type, lines, spec.onDemand ? 'on-demand capacity: billed per request' : 'the 25 free RCU/WCU and 25 GB of the free tier are not applied');
  },
});

export const dynamodbService: ServiceHandlers = {
  service: 'DynamoDB',
  handlers: [dynamodbTable],
};
