/**
 * EC2 compute and block storage: instances, Auto Scaling groups (priced at their floor), EBS volumes. The EBS
 * and instance-hour helpers are shared with the EKS node groups and the backup plans.
 */
import { CostComponent, HOURS_PER_MONTH, notPricedResource, PricedResource, resource, unpricedComponent } from '../../model';
import { PriceNotFound } from '../../catalog';
import { AwsContext, lookup, priced, usageLine } from '../context';
import { bool, CfnTemplate, num, referencedResource, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export interface BlockDevice {
  sizeGiB: number;
  type: string;
  iops?: number;
  throughput?: number;
}

// --- reading -----------------------------------------------------------------------------------------------

export function blockDevices(template: CfnTemplate, mappings: unknown): BlockDevice[] | undefined {
  if (!Array.isArray(mappings)) return undefined;
  return mappings
    .filter((m) => m?.Ebs && !m.NoDevice)
    .map((mapping) => ({
      sizeGiB: num(template, mapping.Ebs.VolumeSize) ?? 8,
      type: str(template, mapping.Ebs.VolumeType) ?? 'gp2',
      iops: num(template, mapping.Ebs.Iops),
      throughput: num(template, mapping.Ebs.Throughput),
    }));
}

/** The launch template data a resource points to (LaunchTemplate.LaunchTemplateId/Name → the template's resource). */
function launchTemplateData(template: CfnTemplate, spec: unknown): Record<string, any> | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const specFields = spec as Record<string, unknown>;
  const byRef = referencedResource(template, [specFields.LaunchTemplateId, specFields.LaunchTemplateName], ['AWS::EC2::LaunchTemplate']);
  if (byRef) return byRef.resource.Properties?.LaunchTemplateData ?? {};
  const name = str(template, specFields.LaunchTemplateName);
  const byName = Object.values(template.Resources ?? {}).find((r) => r.Type === 'AWS::EC2::LaunchTemplate' && r.Properties?.LaunchTemplateName === name);
  return byName?.Properties?.LaunchTemplateData;
}

// --- pricing -----------------------------------------------------------------------------------------------

/** EBS storage, IOPS and throughput components of one volume (× count). */
export function ebsLines(ctx: AwsContext, label: string, device: BlockDevice, count = 1): CostComponent[] {
  const ebsPrices = ctx.catalog.ebs(ctx.region);
  const each = count > 1 ? ` × ${count}` : '';
  switch (device.type) {
    case 'gp3': {
      const lines = [priced(`${label} storage (gp3, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.gp3PerGbMonth)];
      if ((device.iops ?? 3000) > 3000) lines.push(priced(`${label} provisioned IOPS above 3,000 (gp3)`, 'IOPS-months', (device.iops! - 3000) * count, ebsPrices.gp3IopsPerMonth));
      if ((device.throughput ?? 125) > 125) lines.push(priced(`${label} throughput above 125 MiB/s (gp3)`, 'MiBps-months', (device.throughput! - 125) * count, ebsPrices.gp3ThroughputPerMibpsMonth));
      return lines;
    }
    case 'gp2':
      return [priced(`${label} storage (gp2, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.gp2PerGbMonth)];
    case 'io1':
      return [
        priced(`${label} storage (io1, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.io1PerGbMonth),
        priced(`${label} provisioned IOPS (io1)`, 'IOPS-months', (device.iops ?? 0) * count, ebsPrices.io1IopsPerMonth),
      ];
    case 'io2':
      return [
        priced(`${label} storage (io2, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.io2PerGbMonth),
        priced(
          `${label} provisioned IOPS (io2)`,
          'IOPS-months',
          (device.iops ?? 0) * count,
          ebsPrices.io2IopsPerMonth,
          `every IOPS at the first-tier rate: the price map lists cheaper tiers ($${ebsPrices.io2IopsTier2PerMonth.usd}, $${ebsPrices.io2IopsTier3PerMonth.usd}) without where they begin, so above the first tier this is an upper bound`,
        ),
      ];
    case 'standard':
      return [
        priced(`${label} storage (magnetic, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.standardPerGbMonth),
        usageLine(`${label} I/O requests (magnetic)`, '1M requests', undefined, ebsPrices.standardPerMillionIo, ''),
      ];
    case 'st1':
      return [priced(`${label} storage (st1, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.st1PerGbMonth)];
    case 'sc1':
      return [priced(`${label} storage (sc1, ${device.sizeGiB} GiB${each})`, 'GB-months', device.sizeGiB * count, ebsPrices.sc1PerGbMonth)];
    default:
      return [unpricedComponent(`${label} storage (${device.type}, ${device.sizeGiB} GiB)`, 'GB-months', `no ${device.type} volume price in the catalog`)];
  }
}

/** Detailed (1-minute) monitoring: AWS bills the 7 instance metrics as custom metrics. */
function detailedMonitoring(ctx: AwsContext, instances: number): CostComponent[] {
  return lookup('Detailed monitoring', 'metrics', () => {
    const tier = ctx.catalog.cloudwatch(ctx.region).customMetrics[0];
    return priced(`Detailed monitoring (7 metrics${instances > 1 ? ` × ${instances}` : ''})`, 'metric-months', 7 * instances, tier, 'AWS bills the 7 EC2 metrics of 1-minute monitoring as custom metrics (first-tier price)');
  });
}

export function instanceLines(ctx: AwsContext, instanceType: string | undefined, instances: number, what: string): CostComponent[] {
  if (!instanceType) return [unpricedComponent(`${what} usage`, 'hours', 'the instance type is not a literal in the template')];
  const count = instances !== 1 ? ` × ${instances}` : '';
  return lookup(`${what} usage (${instanceType})`, 'hours', () => {
    const onDemand = ctx.catalog.ec2Hourly(ctx.region, instanceType);
    if (!ctx.commitment) return priced(`${what} usage (Linux, on-demand, ${instanceType}${count})`, 'hours', HOURS_PER_MONTH * instances, onDemand);
    try {
      const reserved = ctx.catalog.ec2ReservedHourly(ctx.region, instanceType, ctx.commitment);
      return priced(
        `${what} usage (Linux, reserved ${ctx.commitment} no upfront, ${instanceType}${count})`,
        'hours',
        HOURS_PER_MONTH * instances,
        reserved,
        `standard Reserved Instance, ${ctx.commitment === '1y' ? '1 year' : '3 years'}, no upfront: $${reserved.usd}/h against $${onDemand.usd}/h on-demand; covers the floor only, scale-out above it runs on-demand`,
      );
    } catch (err) {
      if (!(err instanceof PriceNotFound)) throw err;
      return priced(`${what} usage (Linux, on-demand, ${instanceType}${count})`, 'hours', HOURS_PER_MONTH * instances, onDemand, `no ${ctx.commitment} Reserved Instance offer for ${instanceType} in ${ctx.region}: on-demand`);
    }
  });
}

/**
 * A fleet whose instance hours cannot be priced (a type the catalog lacks) is not priced at all: its volumes
 * alone would be a partial figure called priced.
 */
export function fleetResource(id: string, type: string, lines: CostComponent[], note?: string): PricedResource {
  const compute = lines[0];
  if (compute?.notPriced) return { ...notPricedResource(id, type, `${compute.notPriced}; the volumes and monitoring of its instances are left out with it`), costComponents: lines };
  return resource(id, type, lines, note);
}

function publicIpv4Line(ctx: AwsContext): CostComponent[] {
  return lookup('Public IPv4 address', 'hours', () => priced('Public IPv4 address', 'hours', HOURS_PER_MONTH, ctx.catalog.publicIpv4Hourly(ctx.region).inUse));
}

// --- handlers ----------------------------------------------------------------------------------------------

export const ec2Instance = handler({
  types: ['AWS::EC2::Instance'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const lt = launchTemplateData(template, properties.LaunchTemplate);
    return {
      // An instance without a type (and no launch template giving one) launches as m1.small, CloudFormation's default.
      instanceType: str(template, properties.InstanceType ?? lt?.InstanceType) ?? (properties.InstanceType === undefined && !lt?.InstanceType ? 'm1.small' : undefined),
      tenancy: str(template, properties.Tenancy ?? lt?.Placement?.Tenancy),
      devices: blockDevices(template, properties.BlockDeviceMappings ?? lt?.BlockDeviceMappings),
      detailedMonitoring: (bool(template, properties.Monitoring) ?? bool(template, lt?.Monitoring?.Enabled)) === true,
      publicIp: (properties.NetworkInterfaces ?? []).some((n: any) => bool(template, n?.AssociatePublicIpAddress)),
    };
  },
  price(ctx, id, type, spec) {
    const lines = instanceLines(ctx, spec.instanceType, 1, 'Instance');
    if (spec.tenancy && spec.tenancy !== 'default') lines.push(unpricedComponent(`${spec.tenancy} tenancy surcharge`, 'hours', 'dedicated tenancy is not in the catalog'));
    if (spec.devices?.length) spec.devices.forEach((d, i) => lines.push(...lookup('Root volume', 'GB-months', () => ebsLines(ctx, i === 0 ? 'Root volume' : `Block device ${i + 1}`, d))));
    else lines.push(...lookup('Root volume', 'GB-months', () => ebsLines(ctx, 'Root volume', { sizeGiB: 8, type: 'gp3' }).map((c) => ({ ...c, assumption: 'no block device mapping: the AMI default, assumed 8 GiB gp3 (Amazon Linux 2023)' }))));
    if (spec.detailedMonitoring) lines.push(...detailedMonitoring(ctx, 1));
    if (spec.publicIp) lines.push(...publicIpv4Line(ctx));
    return fleetResource(id, type, lines);
  },
});

export const autoScalingGroup = handler({
  types: ['AWS::AutoScaling::AutoScalingGroup'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    let instanceType: string | undefined;
    let data: Record<string, any> | undefined;
    if (properties.LaunchTemplate) data = launchTemplateData(template, properties.LaunchTemplate);
    const mixed = properties.MixedInstancesPolicy?.LaunchTemplate;
    if (mixed) {
      data = launchTemplateData(template, mixed.LaunchTemplateSpecification);
      instanceType = str(template, mixed.Overrides?.[0]?.InstanceType);
    }
    let monitoring = bool(template, data?.Monitoring?.Enabled) ?? false;
    let devices = blockDevices(template, data?.BlockDeviceMappings);
    if (properties.LaunchConfigurationName) {
      const lc = referencedResource(template, properties.LaunchConfigurationName, ['AWS::AutoScaling::LaunchConfiguration'])?.resource.Properties;
      data = lc;
      devices = blockDevices(template, lc?.BlockDeviceMappings);
      monitoring = bool(template, lc?.InstanceMonitoring) ?? true; // launch configurations default to detailed monitoring
    }
    instanceType ??= str(template, data?.InstanceType);
    return {
      min: num(template, properties.MinSize),
      desired: num(template, properties.DesiredCapacity),
      instanceType,
      devices,
      detailedMonitoring: monitoring,
      mixedDistribution: properties.MixedInstancesPolicy?.InstancesDistribution !== undefined,
    };
  },
  price(ctx, id, type, spec) {
    const { min, desired } = spec;
    const capacity = Math.max(min ?? 0, desired ?? 0);
    if (min === undefined) return resource(id, type, [unpricedComponent('Instance usage', 'hours', 'MinSize is not a literal in the template')]);
    const lines = instanceLines(ctx, spec.instanceType, capacity, 'Instance');
    const devices = spec.devices;
    for (const [index, device] of (devices?.length ? devices : [{ sizeGiB: 8, type: 'gp3' }]).entries()) {
      const assumed = !devices?.length;
      lines.push(
        ...lookup('Root volume', 'GB-months', () =>
          ebsLines(ctx, index === 0 ? 'Root volume' : `Block device ${index + 1}`, device, capacity).map((c) => (assumed ? { ...c, assumption: 'no block device mapping: the AMI default, assumed 8 GiB gp3' } : c)),
        ),
      );
    }
    if (spec.detailedMonitoring) lines.push(...detailedMonitoring(ctx, capacity));
    const onDemandNote = spec.mixedDistribution ? '; spot capacity priced at on-demand rates' : '';
    return fleetResource(
      id,
      type,
      lines,
      `prices the autoscaling floor: ${capacity} instance(s) (MinSize ${min}${desired !== undefined ? `, DesiredCapacity ${desired}` : ''}), which stagekit sizes to carry peak with a zone lost; scale-out above it costs extra${onDemandNote}`,
    );
  },
});

export const ebsVolume = handler({
  types: ['AWS::EC2::Volume'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    return {
      size: num(template, properties.Size),
      fromSnapshot: Boolean(properties.SnapshotId),
      volumeType: str(template, properties.VolumeType) ?? 'gp2',
      iops: num(template, properties.Iops),
      throughput: num(template, properties.Throughput),
    };
  },
  price(ctx, id, type, spec) {
    if (spec.size === undefined) return resource(id, type, [unpricedComponent('Storage', 'GB-months', spec.fromSnapshot ? 'size comes from the snapshot' : 'Size is not a literal')]);
    const device: BlockDevice = { sizeGiB: spec.size, type: spec.volumeType, iops: spec.iops, throughput: spec.throughput };
    return resource(id, type, lookup('Storage', 'GB-months', () => ebsLines(ctx, 'Volume', device)));
  },
});

export const ec2Service: ServiceHandlers = {
  service: 'EC2',
  handlers: [ec2Instance, autoScalingGroup, ebsVolume],
  free: Object.fromEntries(
    [
      ...['KeyPair', 'PlacementGroup', 'LaunchTemplate', 'VolumeAttachment'].map((t) => `AWS::EC2::${t}`),
      'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::LifecycleHook', 'AWS::AutoScaling::ScheduledAction', 'AWS::AutoScaling::WarmPool',
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
    ].map((t) => [t, 'no charge']),
  ),
};
