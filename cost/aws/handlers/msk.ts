/** Amazon MSK: broker-hours, provisioned storage and throughput, Express brokers' storage and data written. */
import { HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { gib } from '../../usage';
import { lookup, priced, usageLine } from '../context';
import { bool, num, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const mskCluster = handler({
  types: ['AWS::MSK::Cluster'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const info = properties.BrokerNodeGroupInfo ?? {};
    const throughput = info.StorageInfo?.EBSStorageInfo?.ProvisionedThroughput;
    return {
      brokers: num(template, properties.NumberOfBrokerNodes),
      brokerType: str(template, info.InstanceType),
      volumePerBrokerGiB: num(template, info.StorageInfo?.EBSStorageInfo?.VolumeSize) ?? 1000,
      provisionedThroughputMBps: bool(template, throughput?.Enabled) ? (num(template, throughput.VolumeThroughput) ?? 0) : undefined,
    };
  },
  price(ctx, id, type, spec) {
    const { brokers, brokerType } = spec;
    if (brokers === undefined || !brokerType) return resource(id, type, [unpricedComponent('Brokers', 'hours', 'NumberOfBrokerNodes or InstanceType is not a literal')]);
    const lines = lookup(`Brokers (${brokerType})`, 'hours', () => priced(`Broker instances (${brokerType} × ${brokers})`, 'hours', HOURS_PER_MONTH * brokers, ctx.catalog.mskBrokerHourly(ctx.region, brokerType), ctx.commitment ? `on-demand under the ${ctx.commitment} commitment: AWS sells no MSK reservations, and no Savings Plan rate for MSK is in the catalog` : undefined));
    const storage = ctx.catalog.mskStorage(ctx.region);
    const usage = ctx.usage;
    const replication = 3;
    const retainedGiB = usage ? (usage.queueIngressMBps * usage.queueRetentionHours * 3600 * replication) / 1024 : undefined;
    const retainedText = usage ? `${usage.queueIngressMBps} MB/s × ${usage.queueRetentionHours} h retention × replication factor ${replication} = ${gib(retainedGiB!)}` : '';
    if (brokerType.startsWith('express.')) {
      lines.push(usageLine('Storage (Express, used)', 'GB-months', retainedGiB, storage.expressStoragePerGbMonth ?? storage.perGbMonth, retainedText));
      if (storage.expressDataInPerGb) lines.push(usageLine('Data written (Express)', 'GB', usage ? (usage.queueIngressMBps * 3600 * HOURS_PER_MONTH) / 1024 : undefined, storage.expressDataInPerGb, usage ? `${usage.queueIngressMBps} MB/s of producer traffic` : ''));
    } else {
      const perBroker = spec.volumePerBrokerGiB;
      const provisioned = perBroker * brokers;
      lines.push(priced(`Storage (${perBroker} GiB × ${brokers} brokers)`, 'GB-months', provisioned, storage.perGbMonth));
      if (spec.provisionedThroughputMBps !== undefined && storage.provisionedThroughputPerMbpsMonth) {
        lines.push(priced('Provisioned storage throughput', 'MBps-months', spec.provisionedThroughputMBps * brokers, storage.provisionedThroughputPerMbpsMonth));
      }
      lines.push(usageLine('Storage growth beyond provisioned (throughput × retention)', 'GB-months', retainedGiB === undefined ? undefined : Math.max(0, retainedGiB - provisioned), storage.perGbMonth, `${retainedText}, against ${gib(provisioned)} provisioned`));
    }
    return resource(id, type, lines, 'data transfer between brokers is free; clients in other zones pay cross-AZ rates (see CrossAzTraffic)');
  },
});

export const mskService: ServiceHandlers = {
  service: 'MSK',
  handlers: [mskCluster],
  free: Object.fromEntries(['Configuration', 'Topic', 'ClusterPolicy', 'BatchScramSecret'].map((t) => [`AWS::MSK::${t}`, 'no charge'])),
  notPriced: { 'AWS::MSK::ServerlessCluster': 'MSK Serverless prices are not in the catalog' },
};
