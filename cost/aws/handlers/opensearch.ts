/**
 * OpenSearch Service (and its Elasticsearch-era type): data and dedicated master node-hours, and the EBS volume
 * on every data node. UltraWarm and cold storage, and gp3 IOPS or throughput above the baseline, are listed as
 * not priced: the price map has no UltraWarm rows and does not state the unit of its provisioned-IOPS keys.
 */
import { CostComponent, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { lookup, priced } from '../context';
import { bool, num, str, CfnTemplate } from '../template';
import { handler, props, ServiceHandlers } from './types';

/** gp3 baseline per volume, above which IOPS and throughput are provisioned (and billed). */
const GP3_BASELINE = { iops: 3000, throughputMiBps: 125 };

export function readDomain(template: CfnTemplate, properties: Record<string, any>) {
  const cluster: Record<string, unknown> = properties.ClusterConfig ?? properties.ElasticsearchClusterConfig ?? {};
  const ebs: Record<string, unknown> = properties.EBSOptions ?? {};
  const masters = bool(template, cluster.DedicatedMasterEnabled) ?? false;
  return {
    dataType: str(template, cluster.InstanceType),
    dataCount: num(template, cluster.InstanceCount) ?? 1,
    masterType: masters ? str(template, cluster.DedicatedMasterType) : undefined,
    masterCount: masters ? num(template, cluster.DedicatedMasterCount) : 0,
    warm: bool(template, cluster.WarmEnabled) ?? false,
    ebsEnabled: bool(template, ebs.EBSEnabled) ?? false,
    volumeType: str(template, ebs.VolumeType) ?? 'gp2',
    volumeGiB: num(template, ebs.VolumeSize),
    iops: num(template, ebs.Iops),
    throughput: num(template, ebs.Throughput),
  };
}

export const opensearchDomain = handler({
  types: ['AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain'],
  read: (t, _id, r) => readDomain(t, props(r)),
  price(ctx, id, type, spec) {
    const lines: CostComponent[] = [];
    const nodes = (role: string, instanceType: string | undefined, count: number | undefined) => {
      if (!instanceType || count === undefined) return [unpricedComponent(`${role} nodes`, 'hours', `${instanceType ? 'the node count' : 'the instance type'} is not a literal`)];
      return lookup(`${role} nodes (${instanceType})`, 'hours', () => priced(`${role} nodes (${count} × ${instanceType})`, 'hours', HOURS_PER_MONTH * count, ctx.catalog.opensearchHourly(ctx.region, instanceType)));
    };
    lines.push(...nodes('Data', spec.dataType, spec.dataCount));
    if (spec.masterCount !== 0) lines.push(...nodes('Dedicated master', spec.masterType, spec.masterCount));
    if (spec.warm) lines.push(unpricedComponent('UltraWarm nodes and managed storage', 'hours', 'the OpenSearch price map has no UltraWarm rows'));
    if (spec.ebsEnabled) {
      const size = spec.volumeGiB;
      if (size === undefined) lines.push(unpricedComponent('EBS storage', 'GB-months', 'VolumeSize is not a literal'));
      else {
        const total = size * spec.dataCount;
        const label = `EBS storage (${spec.volumeType}, ${size} GiB × ${spec.dataCount} data nodes)`;
        lines.push(
          ...lookup(label, 'GB-months', () => {
            const storage = ctx.catalog.opensearchStorage(ctx.region);
            const byType: Record<string, typeof storage.gp3PerGbMonth | undefined> = { gp3: storage.gp3PerGbMonth, gp2: storage.gp2PerGbMonth, standard: storage.magneticPerGbMonth };
            const price = byType[spec.volumeType];
            if (!price) return unpricedComponent(label, 'GB-months', `no OpenSearch ${spec.volumeType} storage price whose unit the map states`);
            return priced(label, 'GB-months', total, price);
          }),
        );
        const aboveBaseline = spec.volumeType === 'gp3' && ((spec.iops ?? 0) > GP3_BASELINE.iops || (spec.throughput ?? 0) > GP3_BASELINE.throughputMiBps);
        if (aboveBaseline || (spec.volumeType === 'io1' && spec.iops)) {
          lines.push(unpricedComponent('Provisioned IOPS / throughput', 'IOPS-months', 'the OpenSearch map\'s provisioned-IOPS and throughput keys do not state their unit'));
        }
      }
    }
    return resource(id, type, lines, 'data transfer between nodes is free; snapshots to the service\'s own repository are free');
  },
});

export const opensearchService: ServiceHandlers = {
  service: 'OpenSearch Service',
  handlers: [opensearchDomain],
};
