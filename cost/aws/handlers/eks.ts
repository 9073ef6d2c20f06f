/** Amazon EKS: the control plane per cluster-hour and managed node groups (priced at their scaling floor). */
import { CostComponent, HOURS_PER_MONTH, resource, unpricedComponent } from '../../model';
import { AwsContext, lookup, priced } from '../context';
import { EKS_CALENDAR, EKS_CALENDAR_SOURCE, supportPhase } from '../support-calendar';
import { num, str } from '../template';
import { ebsLines, fleetResource, instanceLines } from './ec2';
import { handler, props, ServiceHandlers } from './types';

export const eksCluster = handler({
  types: ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    // Custom::AWSCDK-EKS-Cluster carries the cluster's settings under Config.
    const config = properties.Config ?? properties;
    return { version: str(template, config.Version), supportType: str(template, config.UpgradePolicy?.SupportType) };
  },
  price: (ctx, id, type, spec) => resource(id, type, [priced('EKS cluster (control plane)', 'hours', HOURS_PER_MONTH, ctx.catalog.eksClusterHourly(ctx.region)), ...extendedSupport(ctx, spec)]),
});

/** The extended-support surcharge when the cluster's Kubernetes version is past standard support on `asOf`. */
function extendedSupport(ctx: AwsContext, spec: { version?: string; supportType?: string }): CostComponent[] {
  if (spec.supportType === 'STANDARD') return [];
  if (!spec.version) return [];
  const phase = supportPhase(EKS_CALENDAR, spec.version, ctx.asOf);
  if (phase === 'standard') return [];
  if (phase === 'unknown') return [unpricedComponent(`Extended support (Kubernetes ${spec.version})`, 'hours', `Kubernetes ${spec.version} is not in the EKS calendar the catalog carries (${Object.keys(EKS_CALENDAR).join(', ')}): whether it is billed for extended support is unknown`)];
  const window = EKS_CALENDAR[spec.version]!;
  return lookup('Extended support', 'hours', () =>
    priced(
      `Extended support (Kubernetes ${spec.version})`,
      'hours',
      HOURS_PER_MONTH,
      ctx.catalog.eks(ctx.region).extendedSupportClusterHourly,
      phase === 'extended'
        ? `standard support of ${spec.version} ended ${window.endOfStandard}; extended support until ${window.endOfExtended} (calendar: ${EKS_CALENDAR_SOURCE.url}, consulted ${EKS_CALENDAR_SOURCE.consulted}; priced as of ${ctx.asOf}; UpgradePolicy.SupportType STANDARD avoids it)`
        : `extended support of ${spec.version} ended ${window.endOfExtended}: EKS upgrades the cluster to the oldest version in extended support, still billed at the extended rate (priced as of ${ctx.asOf})`,
    ),
  );
}

export const eksNodegroup = handler({
  types: ['AWS::EKS::Nodegroup'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const min = num(template, properties.ScalingConfig?.MinSize) ?? 1;
    return {
      min,
      desired: num(template, properties.ScalingConfig?.DesiredSize) ?? min,
      instanceType: str(template, properties.InstanceTypes?.[0]) ?? 't3.medium',
      diskGiB: num(template, properties.DiskSize) ?? 20,
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
