/** Amazon EKS: the control plane per cluster-hour and managed node groups (priced at their scaling floor). */
import { HOURS_PER_MONTH, resource } from '../../model';
import { lookup, priced } from '../context';
import { num, str } from '../template';
import { ebsLines, fleetResource, instanceLines } from './ec2';
import { handler, props, ServiceHandlers } from './types';

export const eksCluster = handler({
  types: ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'],
  read: () => ({}),
  price: (ctx, id, type) => resource(id, type, [priced('EKS cluster (control plane)', 'hours', HOURS_PER_MONTH, ctx.catalog.eksClusterHourly(ctx.region))]),
});

export const eksNodegroup = handler({
  types: ['AWS::EKS::Nodegroup'],
  read(t, _id, r) {
    const p = props(r);
    const min = num(t, p.ScalingConfig?.MinSize) ?? 1;
    return {
      min,
      desired: num(t, p.ScalingConfig?.DesiredSize) ?? min,
      instanceType: str(t, p.InstanceTypes?.[0]) ?? 't3.medium',
      diskGiB: num(t, p.DiskSize) ?? 20,
    };
  },
  price(ctx, id, type, spec) {
    const nodes = Math.max(spec.min, spec.desired);
    const lines = instanceLines(ctx, spec.instanceType, nodes, 'Node');
    lines.push(...lookup('Node disks', 'GB-months', () => ebsLines(ctx, 'Node disk', { sizeGiB: spec.diskGiB, type: 'gp2' }, nodes)));
    return fleetResource(id, type, lines, `prices the scaling floor (${nodes} nodes)`);
  },
});

export const eksService: ServiceHandlers = {
  service: 'EKS',
  handlers: [eksCluster, eksNodegroup],
  free: Object.fromEntries(['FargateProfile', 'Addon', 'AccessEntry', 'PodIdentityAssociation'].map((t) => [`AWS::EKS::${t}`, 'no charge'])),
};
