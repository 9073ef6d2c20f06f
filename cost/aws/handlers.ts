/**
 * One handler per priced CloudFormation resource type. A handler reads the resource's properties, looks its
 * prices up in the catalog and returns the resource's cost components; usage-based components (marked, with
 * their assumption) are added where the usage attaches to the resource (LCUs on the front load balancer,
 * requests on the work queue...). Types no handler knows are "not priced" (see engine.ts); types with no
 * charge are listed in FREE_TYPES and PAY_PER_USE_TYPES.
 */
import type { Price, RdsDeployment } from '../catalog';
import { CostComponent, freeResource, HOURS_PER_MONTH, PricedResource, resource, unpricedComponent } from '../model';
import { count, gib } from '../usage';
import { AwsContext, lookup, priced, sourceOf, usageLine } from './context';
import { bool, CfnResource, listLength, num, referencedIds, referencedResource, str } from './template';

export type Handler = (ctx: AwsContext, id: string, r: CfnResource) => PricedResource;

const props = (r: CfnResource): Record<string, any> => r.Properties ?? {};

// --- EC2 -------------------------------------------------------------------------------------------------

interface BlockDevice {
  sizeGiB: number;
  type: string;
  iops?: number;
  throughput?: number;
}

function blockDevices(ctx: AwsContext, mappings: unknown): BlockDevice[] | undefined {
  if (!Array.isArray(mappings)) return undefined;
  return mappings
    .filter((m) => m?.Ebs && !m.NoDevice)
    .map((m) => ({
      sizeGiB: num(ctx.template, m.Ebs.VolumeSize) ?? 8,
      type: str(ctx.template, m.Ebs.VolumeType) ?? 'gp2',
      iops: num(ctx.template, m.Ebs.Iops),
      throughput: num(ctx.template, m.Ebs.Throughput),
    }));
}

/** EBS storage, IOPS and throughput components of one volume (× count). */
function ebsLines(ctx: AwsContext, label: string, v: BlockDevice, count = 1): CostComponent[] {
  const p = ctx.catalog.ebs(ctx.region);
  const each = count > 1 ? ` × ${count}` : '';
  switch (v.type) {
    case 'gp3': {
      const lines = [priced(`${label} storage (gp3, ${v.sizeGiB} GiB${each})`, 'GB-months', v.sizeGiB * count, p.gp3PerGbMonth)];
      if ((v.iops ?? 3000) > 3000) lines.push(priced(`${label} provisioned IOPS above 3,000 (gp3)`, 'IOPS-months', (v.iops! - 3000) * count, p.gp3IopsPerMonth));
      if ((v.throughput ?? 125) > 125) lines.push(priced(`${label} throughput above 125 MiB/s (gp3)`, 'MiBps-months', (v.throughput! - 125) * count, p.gp3ThroughputPerMibpsMonth));
      return lines;
    }
    case 'gp2':
      return [priced(`${label} storage (gp2, ${v.sizeGiB} GiB${each})`, 'GB-months', v.sizeGiB * count, p.gp2PerGbMonth)];
    case 'io1':
      return [
        priced(`${label} storage (io1, ${v.sizeGiB} GiB${each})`, 'GB-months', v.sizeGiB * count, p.io1PerGbMonth),
        priced(`${label} provisioned IOPS (io1)`, 'IOPS-months', (v.iops ?? 0) * count, p.io1IopsPerMonth),
      ];
    case 'st1':
      return [priced(`${label} storage (st1, ${v.sizeGiB} GiB${each})`, 'GB-months', v.sizeGiB * count, p.st1PerGbMonth)];
    case 'sc1':
      return [priced(`${label} storage (sc1, ${v.sizeGiB} GiB${each})`, 'GB-months', v.sizeGiB * count, p.sc1PerGbMonth)];
    default:
      return [unpricedComponent(`${label} storage (${v.type}, ${v.sizeGiB} GiB)`, 'GB-months', `no ${v.type} volume price in the catalog`)];
  }
}

/** Detailed (1-minute) monitoring: AWS bills the 7 instance metrics as custom metrics. */
function detailedMonitoring(ctx: AwsContext, instances: number): CostComponent[] {
  return lookup('Detailed monitoring', 'metrics', () => {
    const tier = ctx.catalog.cloudwatch(ctx.region).customMetrics[0];
    return priced(`Detailed monitoring (7 metrics${instances > 1 ? ` × ${instances}` : ''})`, 'metric-months', 7 * instances, tier, 'AWS bills the 7 EC2 metrics of 1-minute monitoring as custom metrics (first-tier price)');
  });
}

function instanceLines(ctx: AwsContext, instanceType: string | undefined, instances: number, what: string): CostComponent[] {
  if (!instanceType) return [unpricedComponent(`${what} usage`, 'hours', 'the instance type is not a literal in the template')];
  return lookup(`${what} usage (${instanceType})`, 'hours', () =>
    priced(`${what} usage (Linux, on-demand, ${instanceType}${instances !== 1 ? ` × ${instances}` : ''})`, 'hours', HOURS_PER_MONTH * instances, ctx.catalog.ec2Hourly(ctx.region, instanceType)),
  );
}

/** The launch template data a resource points to (LaunchTemplate.LaunchTemplateId/Name → the template's resource). */
function launchTemplateData(ctx: AwsContext, spec: unknown): Record<string, any> | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as Record<string, unknown>;
  const byRef = referencedResource(ctx.template, [s.LaunchTemplateId, s.LaunchTemplateName], ['AWS::EC2::LaunchTemplate']);
  if (byRef) return byRef.resource.Properties?.LaunchTemplateData ?? {};
  const name = str(ctx.template, s.LaunchTemplateName);
  const byName = Object.values(ctx.template.Resources ?? {}).find((r) => r.Type === 'AWS::EC2::LaunchTemplate' && r.Properties?.LaunchTemplateName === name);
  return byName?.Properties?.LaunchTemplateData;
}

const ec2Instance: Handler = (ctx, id, r) => {
  const p = props(r);
  const lt = launchTemplateData(ctx, p.LaunchTemplate);
  const instanceType = str(ctx.template, p.InstanceType ?? lt?.InstanceType) ?? (p.InstanceType === undefined && !lt?.InstanceType ? 'm1.small' : undefined);
  const lines = instanceLines(ctx, instanceType, 1, 'Instance');
  const tenancy = str(ctx.template, p.Tenancy ?? lt?.Placement?.Tenancy);
  if (tenancy && tenancy !== 'default') lines.push(unpricedComponent(`${tenancy} tenancy surcharge`, 'hours', 'dedicated tenancy is not in the catalog'));
  const devices = blockDevices(ctx, p.BlockDeviceMappings ?? lt?.BlockDeviceMappings);
  if (devices?.length) devices.forEach((d, i) => lines.push(...lookup('Root volume', 'GB-months', () => ebsLines(ctx, i === 0 ? 'Root volume' : `Block device ${i + 1}`, d))));
  else lines.push(...lookup('Root volume', 'GB-months', () => ebsLines(ctx, 'Root volume', { sizeGiB: 8, type: 'gp3' }).map((c) => ({ ...c, assumption: 'no block device mapping: the AMI default, assumed 8 GiB gp3 (Amazon Linux 2023)' }))));
  if (bool(ctx.template, p.Monitoring) ?? bool(ctx.template, lt?.Monitoring?.Enabled)) lines.push(...detailedMonitoring(ctx, 1));
  const publicIp = (p.NetworkInterfaces ?? []).some((n: any) => bool(ctx.template, n?.AssociatePublicIpAddress));
  if (publicIp) lines.push(...lookup('Public IPv4 address', 'hours', () => priced('Public IPv4 address', 'hours', HOURS_PER_MONTH, ctx.catalog.publicIpv4Hourly(ctx.region).inUse)));
  return resource(id, r.Type, lines);
};

const autoScalingGroup: Handler = (ctx, id, r) => {
  const p = props(r);
  const min = num(ctx.template, p.MinSize);
  const desired = num(ctx.template, p.DesiredCapacity);
  const capacity = Math.max(min ?? 0, desired ?? 0);
  let instanceType: string | undefined;
  let data: Record<string, any> | undefined;
  if (p.LaunchTemplate) data = launchTemplateData(ctx, p.LaunchTemplate);
  const mixed = p.MixedInstancesPolicy?.LaunchTemplate;
  if (mixed) {
    data = launchTemplateData(ctx, mixed.LaunchTemplateSpecification);
    instanceType = str(ctx.template, mixed.Overrides?.[0]?.InstanceType);
  }
  let monitoring = bool(ctx.template, data?.Monitoring?.Enabled) ?? false;
  let devices = blockDevices(ctx, data?.BlockDeviceMappings);
  if (p.LaunchConfigurationName) {
    const lc = referencedResource(ctx.template, p.LaunchConfigurationName, ['AWS::AutoScaling::LaunchConfiguration'])?.resource.Properties;
    data = lc;
    devices = blockDevices(ctx, lc?.BlockDeviceMappings);
    monitoring = bool(ctx.template, lc?.InstanceMonitoring) ?? true; // launch configurations default to detailed monitoring
  }
  instanceType ??= str(ctx.template, data?.InstanceType);
  if (min === undefined) return resource(id, r.Type, [unpricedComponent('Instance usage', 'hours', 'MinSize is not a literal in the template')]);
  const lines = instanceLines(ctx, instanceType, capacity, 'Instance');
  for (const [i, d] of (devices?.length ? devices : [{ sizeGiB: 8, type: 'gp3' }]).entries()) {
    const assumed = !devices?.length;
    lines.push(
      ...lookup('Root volume', 'GB-months', () =>
        ebsLines(ctx, i === 0 ? 'Root volume' : `Block device ${i + 1}`, d, capacity).map((c) => (assumed ? { ...c, assumption: 'no block device mapping: the AMI default, assumed 8 GiB gp3' } : c)),
      ),
    );
  }
  if (monitoring) lines.push(...detailedMonitoring(ctx, capacity));
  const onDemandNote = p.MixedInstancesPolicy?.InstancesDistribution ? '; spot capacity priced at on-demand rates' : '';
  return resource(
    id,
    r.Type,
    lines,
    `prices the autoscaling floor: ${capacity} instance(s) (MinSize ${min}${desired !== undefined ? `, DesiredCapacity ${desired}` : ''}), which stagekit sizes to carry peak with a zone lost; scale-out above it costs extra${onDemandNote}`,
  );
};

const ebsVolume: Handler = (ctx, id, r) => {
  const p = props(r);
  const size = num(ctx.template, p.Size);
  if (size === undefined) return resource(id, r.Type, [unpricedComponent('Storage', 'GB-months', p.SnapshotId ? 'size comes from the snapshot' : 'Size is not a literal')]);
  const v: BlockDevice = { sizeGiB: size, type: str(ctx.template, p.VolumeType) ?? 'gp2', iops: num(ctx.template, p.Iops), throughput: num(ctx.template, p.Throughput) };
  return resource(id, r.Type, lookup('Storage', 'GB-months', () => ebsLines(ctx, 'Volume', v)));
};

const elasticIp: Handler = (ctx, id, r) =>
  resource(
    id,
    r.Type,
    lookup('Public IPv4 address', 'hours', () => priced('Public IPv4 address', 'hours', HOURS_PER_MONTH, ctx.catalog.publicIpv4Hourly(ctx.region).inUse)),
    'every public IPv4 address is billed hourly, in use or idle',
  );

const natGateway: Handler = (ctx, id, r) => {
  const lines = lookup('NAT gateway', 'hours', () => {
    const p = ctx.catalog.natGateway(ctx.region);
    const out = [priced('NAT gateway', 'hours', HOURS_PER_MONTH, p.hourly)];
    if (str(ctx.template, props(r).ConnectivityType) !== 'private') {
      const nats = Math.max(1, ctx.roles.natGateways.length);
      const gb = ctx.usage ? (ctx.usage.egressGiBPerMonth * ctx.natShareOfEgress) / nats : undefined;
      out.push(
        usageLine(
          'Data processed',
          'GB',
          gb,
          p.perGbProcessed,
          `private subnets' outbound calls (third-party APIs, webhooks, image and package pulls) ≈ ${Math.round(ctx.natShareOfEgress * 100)}% of the ${gib(ctx.usage?.egressGiBPerMonth ?? 0)} internet egress, split over ${nats} NAT gateway(s); responses to users leave through the load balancer`,
        ),
      );
    }
    return out;
  });
  return resource(id, r.Type, lines);
};

const vpcEndpoint: Handler = (ctx, id, r) => {
  const p = props(r);
  const type = str(ctx.template, p.VpcEndpointType) ?? 'Gateway';
  if (type === 'Gateway') return freeResource(id, r.Type, 'gateway endpoints (S3, DynamoDB) are free');
  if (type !== 'Interface') return resource(id, r.Type, [unpricedComponent(`${type} endpoint`, 'hours', `no ${type} endpoint price in the catalog`)]);
  const azs = listLength(p.SubnetIds) ?? ctx.usage?.zones ?? 2;
  const service = str(ctx.template, p.ServiceName) ?? (JSON.stringify(p.ServiceName ?? '').match(/\.([a-z0-9-]+)"?\]?\]?$/)?.[1] ?? 'service');
  return resource(
    id,
    r.Type,
    lookup('Interface endpoint', 'hours', () => priced(`Interface endpoint (${azs} AZ${azs > 1 ? 's' : ''})`, 'hours', HOURS_PER_MONTH * azs, ctx.catalog.vpcInterfaceEndpoint(ctx.region).hourlyPerAz)),
    `${service}: data processed through the endpoint is not modelled (a few cents per GB of API calls)`,
  );
};

// --- Load balancing ----------------------------------------------------------------------------------------

/** ALB capacity units from the request rate and bytes: the largest of the billed dimensions, per hour. */
function albLcus(ctx: AwsContext): { lcus: number; assumption: string } {
  const u = ctx.usage!;
  const requestsPerConnection = 10;
  const newConnections = u.averageRequestsPerSecond / requestsPerConnection / 25;
  const activeConnections = (u.averageRequestsPerSecond / requestsPerConnection) * 60 / 3000;
  const gbPerHour = (u.averageRequestsPerSecond * 3600 * (u.responseKiB + 1)) / 1024 ** 2;
  const lcus = Math.max(newConnections, activeConnections, gbPerHour);
  const bound = lcus === gbPerHour ? 'processed bytes' : lcus === newConnections ? 'new connections' : 'active connections';
  return {
    lcus,
    assumption:
      `${u.averageRequestsPerSecond} req/s on average × ${u.responseKiB + 1} KiB (response + request) = ${gbPerHour.toFixed(1)} GB/h ⇒ ${lcus.toFixed(1)} LCU (${bound} is the largest dimension; ` +
      `${requestsPerConnection} requests per connection, connections last a minute, ≤ 10 listener rules)`,
  };
}

const loadBalancerV2: Handler = (ctx, id, r) => {
  const p = props(r);
  const type = str(ctx.template, p.Type) ?? 'application';
  const internetFacing = (str(ctx.template, p.Scheme) ?? 'internet-facing') === 'internet-facing';
  const azs = listLength(p.Subnets) ?? listLength(p.SubnetMappings) ?? ctx.usage?.zones ?? 2;
  const lines: CostComponent[] = [];
  let note: string | undefined;
  if (type === 'application') {
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
  } else if (type === 'network') {
    lines.push(...lookup('Network load balancer', 'hours', () => priced('Network load balancer', 'hours', HOURS_PER_MONTH, ctx.catalog.nlb(ctx.region).hourly)));
    note = 'NLB capacity units (NLCU) are not modelled';
  } else {
    lines.push(unpricedComponent(`${type} load balancer`, 'hours', `no ${type} load balancer price in the catalog`));
  }
  if (internetFacing && type !== 'gateway') {
    lines.push(
      ...lookup('Public IPv4 addresses', 'hours', () =>
        priced(`Public IPv4 addresses (one per AZ, ${azs})`, 'hours', HOURS_PER_MONTH * azs, ctx.catalog.publicIpv4Hourly(ctx.region).inUse, 'an internet-facing load balancer holds one public IPv4 address per zone'),
      ),
    );
  }
  return resource(id, r.Type, lines, note);
};

// --- Databases ----------------------------------------------------------------------------------------------

/** RDS gp3 baseline for PostgreSQL: 3,000 IOPS / 125 MiB/s below 400 GiB, 12,000 / 500 from 400 GiB. */
function rdsGp3Baseline(storageGiB: number): { iops: number; throughput: number } {
  return storageGiB >= 400 ? { iops: 12000, throughput: 500 } : { iops: 3000, throughput: 125 };
}

function rdsStorageLines(ctx: AwsContext, deployment: RdsDeployment, storageType: string, size: number, iops?: number, throughput?: number): CostComponent[] {
  const s = ctx.catalog.rdsStorage(ctx.region, deployment);
  const copies = deployment === 'multi-az' ? ' (both copies, Multi-AZ)' : '';
  const need = (price: Price | undefined, what: string): Price => {
    if (!price) throw new Error(`no RDS ${what} price for ${deployment} in ${ctx.region}`);
    return price;
  };
  switch (storageType) {
    case 'gp3': {
      const base = rdsGp3Baseline(size);
      const lines = [priced(`Storage (gp3, ${size} GiB)${copies}`, 'GB-months', size, need(s.gp3PerGbMonth, 'gp3 storage'))];
      if (iops !== undefined && iops > base.iops) lines.push(priced(`Provisioned IOPS above the ${count(base.iops)} baseline (gp3)`, 'IOPS-months', iops - base.iops, need(s.gp3IopsPerMonth, 'gp3 IOPS')));
      if (throughput !== undefined && throughput > base.throughput) lines.push(priced(`Throughput above ${base.throughput} MiB/s (gp3)`, 'MBps-months', throughput - base.throughput, need(s.gp3ThroughputPerMbpsMonth, 'gp3 throughput')));
      return lines;
    }
    case 'gp2':
      return [priced(`Storage (gp2, ${size} GiB)${copies}`, 'GB-months', size, need(s.gp2PerGbMonth, 'gp2 storage'))];
    case 'io1':
      return [
        priced(`Storage (io1, ${size} GiB)${copies}`, 'GB-months', size, need(s.io1PerGbMonth, 'io1 storage')),
        priced('Provisioned IOPS (io1)', 'IOPS-months', iops ?? 0, need(s.io1IopsPerMonth, 'io1 IOPS')),
      ];
    default:
      return [unpricedComponent(`Storage (${storageType}, ${size} GiB)`, 'GB-months', `no RDS ${storageType} storage price in the catalog`)];
  }
}

const rdsInstance: Handler = (ctx, id, r) => {
  const p = props(r);
  const t = ctx.template;
  const instanceClass = str(t, p.DBInstanceClass);
  const source = p.SourceDBInstanceIdentifier ? referencedResource(t, p.SourceDBInstanceIdentifier, ['AWS::RDS::DBInstance']) : undefined;
  const sourceProps = source?.resource.Properties ?? {};
  const engine = (str(t, p.Engine) ?? str(t, sourceProps.Engine) ?? (p.DBClusterIdentifier ? 'aurora' : 'unknown')).toLowerCase();
  const isReplica = p.SourceDBInstanceIdentifier !== undefined;
  const multiAz = bool(t, p.MultiAZ) ?? false;
  const deployment: RdsDeployment = multiAz ? 'multi-az' : 'single-az';
  const role = isReplica ? 'Read replica' : 'Database instance';
  if (p.DBClusterIdentifier) return resource(id, r.Type, [unpricedComponent(`${role} (${engine})`, 'hours', 'Aurora cluster instances are not in the catalog')]);
  if (engine !== 'postgres') return resource(id, r.Type, [unpricedComponent(`${role} (${engine})`, 'hours', `the catalog prices RDS for PostgreSQL only, not ${engine}`)]);
  if (!instanceClass) return resource(id, r.Type, [unpricedComponent(role, 'hours', 'DBInstanceClass is not a literal')]);
  const lines: CostComponent[] = lookup(`${role} (${instanceClass})`, 'hours', () =>
    priced(`${role} (PostgreSQL, ${instanceClass}, ${multiAz ? 'Multi-AZ' : 'Single-AZ'})`, 'hours', HOURS_PER_MONTH, ctx.catalog.rdsPostgresHourly(ctx.region, instanceClass, deployment)),
  );
  const size = num(t, p.AllocatedStorage) ?? num(t, sourceProps.AllocatedStorage);
  const storageType = str(t, p.StorageType) ?? (p.Iops !== undefined ? 'io1' : isReplica ? (str(t, sourceProps.StorageType) ?? 'gp2') : 'gp2');
  if (size === undefined) lines.push(unpricedComponent('Storage', 'GB-months', 'AllocatedStorage is not a literal (nor on the source instance)'));
  else {
    lines.push(
      ...lookup('Storage', 'GB-months', () => rdsStorageLines(ctx, deployment, storageType, size, num(t, p.Iops) ?? (isReplica ? num(t, sourceProps.Iops) : undefined), num(t, p.StorageThroughput))),
    );
  }
  const retention = num(t, p.BackupRetentionPeriod) ?? (isReplica ? 0 : 1);
  if (retention > 0 && size !== undefined) {
    lines.push(
      ...lookup('Backup storage', 'GB-months', () => {
        const price = ctx.catalog.rdsStorage(ctx.region, deployment).backupPerGbMonth;
        if (!ctx.usage) return usageLine('Backup storage beyond the free allowance', 'GB-months', undefined, price, '');
        const u = ctx.usage;
        const primaries = Math.max(1, ctx.roles.databases.primaries);
        const data = u.datasetGiB / primaries;
        const daily = u.writeGiBPerMonth / primaries / 30;
        const backup = data + daily * retention;
        return usageLine(
          'Backup storage beyond the free allowance',
          'GB-months',
          Math.max(0, backup - size),
          price,
          `${retention} days of backups ≈ ${gib(data)} of data + ${retention} × ${daily.toFixed(1)} GiB/day of changes = ${gib(backup)}; free up to the ${size} GiB provisioned`,
        );
      }, true),
    );
  }
  return resource(id, r.Type, lines, isReplica ? `replica of ${source?.id ?? 'another instance'}; replication traffic in one region is free` : multiAz ? 'Multi-AZ: a synchronous standby in another zone, billed as a second instance and storage copy' : undefined);
};

const cacheReplicationGroup: Handler = (ctx, id, r) => {
  const p = props(r);
  const t = ctx.template;
  const nodeType = str(t, p.CacheNodeType);
  const engine = (str(t, p.Engine) ?? 'redis').toLowerCase() as 'redis' | 'valkey';
  let nodes = num(t, p.NumCacheClusters);
  if (nodes === undefined) {
    const groups = num(t, p.NumNodeGroups) ?? listLength(p.NodeGroupConfiguration) ?? 1;
    const replicas = num(t, p.ReplicasPerNodeGroup) ?? num(t, p.NodeGroupConfiguration?.[0]?.ReplicaCount) ?? 0;
    nodes = groups * (replicas + 1);
  }
  if (!nodeType) return resource(id, r.Type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
  return resource(
    id,
    r.Type,
    lookup(`Cache nodes (${nodeType})`, 'hours', () => priced(`Cache nodes (${engine}, ${nodeType} × ${nodes})`, 'hours', HOURS_PER_MONTH * nodes!, ctx.catalog.elasticacheHourly(ctx.region, nodeType, engine))),
    'backup storage beyond one free snapshot per node is not modelled',
  );
};

const cacheCluster: Handler = (ctx, id, r) => {
  const p = props(r);
  const nodeType = str(ctx.template, p.CacheNodeType);
  const engine = (str(ctx.template, p.Engine) ?? 'redis').toLowerCase() as 'redis' | 'valkey' | 'memcached';
  const nodes = num(ctx.template, p.NumCacheNodes) ?? 1;
  if (!nodeType) return resource(id, r.Type, [unpricedComponent('Cache nodes', 'hours', 'CacheNodeType is not a literal')]);
  return resource(id, r.Type, lookup(`Cache nodes (${nodeType})`, 'hours', () => priced(`Cache nodes (${engine}, ${nodeType} × ${nodes})`, 'hours', HOURS_PER_MONTH * nodes, ctx.catalog.elasticacheHourly(ctx.region, nodeType, engine))));
};

const mskCluster: Handler = (ctx, id, r) => {
  const p = props(r);
  const t = ctx.template;
  const brokers = num(t, p.NumberOfBrokerNodes);
  const info = p.BrokerNodeGroupInfo ?? {};
  const type = str(t, info.InstanceType);
  if (brokers === undefined || !type) return resource(id, r.Type, [unpricedComponent('Brokers', 'hours', 'NumberOfBrokerNodes or InstanceType is not a literal')]);
  const lines = lookup(`Brokers (${type})`, 'hours', () => priced(`Broker instances (${type} × ${brokers})`, 'hours', HOURS_PER_MONTH * brokers, ctx.catalog.mskBrokerHourly(ctx.region, type)));
  const storage = ctx.catalog.mskStorage(ctx.region);
  const u = ctx.usage;
  const replication = 3;
  const retainedGiB = u ? (u.queueIngressMBps * u.queueRetentionHours * 3600 * replication) / 1024 : undefined;
  const retainedText = u ? `${u.queueIngressMBps} MB/s × ${u.queueRetentionHours} h retention × replication factor ${replication} = ${gib(retainedGiB!)}` : '';
  if (type.startsWith('express.')) {
    lines.push(usageLine('Storage (Express, used)', 'GB-months', retainedGiB, storage.expressStoragePerGbMonth ?? storage.perGbMonth, retainedText));
    if (storage.expressDataInPerGb) lines.push(usageLine('Data written (Express)', 'GB', u ? (u.queueIngressMBps * 3600 * HOURS_PER_MONTH) / 1024 : undefined, storage.expressDataInPerGb, u ? `${u.queueIngressMBps} MB/s of producer traffic` : ''));
  } else {
    const perBroker = num(t, info.StorageInfo?.EBSStorageInfo?.VolumeSize) ?? 1000;
    const provisioned = perBroker * brokers;
    lines.push(priced(`Storage (${perBroker} GiB × ${brokers} brokers)`, 'GB-months', provisioned, storage.perGbMonth));
    const throughput = info.StorageInfo?.EBSStorageInfo?.ProvisionedThroughput;
    if (bool(t, throughput?.Enabled) && storage.provisionedThroughputPerMbpsMonth) {
      lines.push(priced('Provisioned storage throughput', 'MBps-months', (num(t, throughput.VolumeThroughput) ?? 0) * brokers, storage.provisionedThroughputPerMbpsMonth));
    }
    lines.push(usageLine('Storage growth beyond provisioned (throughput × retention)', 'GB-months', retainedGiB === undefined ? undefined : Math.max(0, retainedGiB - provisioned), storage.perGbMonth, `${retainedText}, against ${gib(provisioned)} provisioned`));
  }
  return resource(id, r.Type, lines, 'data transfer between brokers is free; clients in other zones pay cross-AZ rates (see CrossAzTraffic)');
};

// --- Messaging, observability, security --------------------------------------------------------------------

const sqsQueue: Handler = (ctx, id, r) => {
  const fifo = bool(ctx.template, props(r).FifoQueue) ?? false;
  const p = ctx.catalog.sqs(ctx.region);
  const price = fifo ? p.fifoPerMillion : p.standardPerMillion;
  if (ctx.roles.deadLetterQueues.has(id)) {
    return resource(id, r.Type, [usageLine(`Requests (${fifo ? 'FIFO' : 'standard'})`, '1M requests', ctx.usage ? 0 : undefined, price, 'a dead-letter queue only sees the jobs that fail every retry: assumed none')]);
  }
  const u = ctx.usage;
  const queues = Math.max(1, ctx.roles.workQueues.length);
  const polls = u ? Math.max(u.minWorkers, 1) * (30 * 86400) / 20 : 0;
  const requests = u ? (u.jobsPerMonth * 3) / queues + polls : undefined;
  return resource(id, r.Type, [
    usageLine(
      `Requests (${fifo ? 'FIFO' : 'standard'})`,
      '1M requests',
      requests === undefined ? undefined : requests / 1e6,
      price,
      u ? `${count(u.jobsPerMonth)} jobs/month${queues > 1 ? ` over ${queues} queues` : ''} × 3 requests (send, receive, delete), unbatched, + ${count(polls)} long-poll receives (${Math.max(u.minWorkers, 1)} worker(s), one per 20 s)` : '',
    ),
  ]);
};

const logGroup: Handler = (ctx, id, r) => {
  const retention = num(ctx.template, props(r).RetentionInDays);
  const cw = ctx.catalog.cloudwatch(ctx.region);
  const u = ctx.usage;
  const monthsStored = retention === undefined ? 12 : retention / 30;
  const storedNote = retention === undefined ? 'never expires: 12 months of logs accumulated' : `${retention} days kept`;
  const flow = ctx.roles.flowLogGroups.get(id);
  let gb: number | undefined;
  let assumption: string;
  if (flow !== undefined) {
    gb = u ? (flow === 'REJECT' ? 1 : 0.01 * (u.egressGiBPerMonth + u.databaseTrafficGiBPerMonth)) : undefined;
    assumption = flow === 'REJECT' ? 'VPC flow logs of rejected traffic only: about 1 GiB/month (scanners, misconfigured clients)' : 'VPC flow logs: about 1% of the traffic volume they record';
  } else if (ctx.roles.appLogGroups.includes(id)) {
    const n = ctx.roles.appLogGroups.length;
    gb = u ? u.logGiBPerMonth / n : undefined;
    assumption = u ? `${gib(u.logGiBPerMonth)} of request logs (1 KiB per request)${n > 1 ? `, split over ${n} log groups` : ''}` : '';
  } else if (ctx.roles.workerLogGroups.includes(id)) {
    const n = ctx.roles.workerLogGroups.length;
    gb = u ? (u.jobsPerMonth * 1024) / 2 ** 30 / n : undefined;
    assumption = u ? `${count(u.jobsPerMonth)} jobs × 1 KiB of logs each${n > 1 ? `, split over ${n} log groups` : ''}` : '';
  } else {
    gb = u ? 1 : undefined;
    assumption = 'an AWS service\'s own logs (Postgres errors and slow queries, cache slow log...): about 1 GiB/month';
  }
  return resource(id, r.Type, [
    usageLine('Log ingestion', 'GB', gb, cw.logsIngestionPerGb, assumption),
    usageLine('Log storage', 'GB-months', gb === undefined ? undefined : gb * monthsStored, cw.logsStoragePerGbMonth, `${storedNote}; billed on compressed size, priced uncompressed (an upper bound)`),
  ]);
};

/** Metrics an alarm evaluates: one, or each MetricStat of a metric-math alarm; anomaly bands count three. */
function alarmMetrics(ctx: AwsContext, p: Record<string, any>): { metrics: number; highResolution: boolean } {
  const periods: number[] = [];
  let metrics = 0;
  if (Array.isArray(p.Metrics)) {
    for (const m of p.Metrics) {
      if (m?.MetricStat) {
        metrics += 1;
        periods.push(num(ctx.template, m.MetricStat.Period) ?? 60);
      }
      if (typeof m?.Expression === 'string' && m.Expression.includes('ANOMALY_DETECTION_BAND')) metrics += 2;
    }
  } else {
    metrics = 1;
    periods.push(num(ctx.template, p.Period) ?? 60);
  }
  return { metrics: Math.max(1, metrics), highResolution: periods.some((s) => s < 60) };
}

const cloudwatchAlarm: Handler = (ctx, id, r) => {
  const { metrics, highResolution } = alarmMetrics(ctx, props(r));
  const cw = ctx.catalog.cloudwatch(ctx.region);
  const price = highResolution ? cw.highResolutionAlarmMonthly : cw.standardAlarmMonthly;
  return resource(id, r.Type, [priced(`${highResolution ? 'High-resolution' : 'Standard'} alarm metrics`, 'alarm metrics', metrics, price)]);
};

const compositeAlarm: Handler = (ctx, id, r) =>
  resource(id, r.Type, [priced('Composite alarm', 'alarms', 1, ctx.catalog.cloudwatch(ctx.region).compositeAlarmMonthly)]);

const dashboard: Handler = (ctx, id, r) =>
  resource(id, r.Type, [priced('Dashboard', 'months', 1, ctx.catalog.cloudwatch(ctx.region).dashboardMonthly)], 'the 3 free dashboards per account are not applied');

const secret: Handler = (ctx, id, r) => {
  const replicas = listLength(props(r).ReplicaRegions) ?? 0;
  const p = ctx.catalog.secretsManager(ctx.region);
  return resource(id, r.Type, [priced(`Secret${replicas ? ` + ${replicas} replica(s)` : ''}`, 'months', 1 + replicas, p.perSecretMonth)], 'API calls ($0.05 per 10,000) are not modelled');
};

const kmsKey: Handler = (ctx, id, r) =>
  resource(
    id,
    r.Type,
    [priced('Customer managed key', 'months', 1, ctx.catalog.kms(ctx.region).perKeyMonth)],
    bool(ctx.template, props(r).EnableKeyRotation) ? 'rotation keeps older key material: AWS adds $1/month for each of the first two rotations' : undefined,
  );

const hostedZone: Handler = (ctx, id, r) =>
  resource(id, r.Type, [priced('Hosted zone', 'months', 1, ctx.catalog.route53PrivateHostedZoneMonthly()[0])], 'DNS queries are not modelled; alias queries to AWS resources are free');

const eksCluster: Handler = (ctx, id, r) => resource(id, r.Type, [priced('EKS cluster (control plane)', 'hours', HOURS_PER_MONTH, ctx.catalog.eksClusterHourly(ctx.region))]);

const eksNodegroup: Handler = (ctx, id, r) => {
  const p = props(r);
  const min = num(ctx.template, p.ScalingConfig?.MinSize) ?? 1;
  const desired = num(ctx.template, p.ScalingConfig?.DesiredSize) ?? min;
  const type = str(ctx.template, p.InstanceTypes?.[0]) ?? 't3.medium';
  const disk = num(ctx.template, p.DiskSize) ?? 20;
  const lines = instanceLines(ctx, type, Math.max(min, desired), 'Node');
  lines.push(...lookup('Node disks', 'GB-months', () => ebsLines(ctx, 'Node disk', { sizeGiB: disk, type: 'gp2' }, Math.max(min, desired))));
  return resource(id, r.Type, lines, `prices the scaling floor (${Math.max(min, desired)} nodes)`);
};

const backupPlan: Handler = (ctx, id, r) => {
  const rules: any[] = props(r).BackupPlan?.BackupPlanRule ?? [];
  const retention = Math.max(0, ...rules.map((rule) => num(ctx.template, rule?.Lifecycle?.DeleteAfterDays) ?? 35));
  let volumeGiB = 0;
  for (const [, sel] of Object.entries(ctx.template.Resources ?? {})) {
    if (sel.Type !== 'AWS::Backup::BackupSelection' || !referencedIds(sel.Properties?.BackupPlanId).includes(id)) continue;
    for (const target of referencedIds(sel.Properties?.BackupSelection?.Resources)) {
      const res = ctx.template.Resources?.[target];
      if (res?.Type === 'AWS::EC2::Volume') volumeGiB += num(ctx.template, res.Properties?.Size) ?? 0;
      if (res?.Type === 'AWS::EC2::Instance') for (const d of blockDevices(ctx, res.Properties?.BlockDeviceMappings) ?? []) volumeGiB += d.sizeGiB;
    }
  }
  const price = ctx.catalog.ebs(ctx.region).snapshotPerGbMonth;
  const u = ctx.usage;
  let gb: number | undefined;
  let assumption = '';
  if (u) {
    const data = Math.min(u.datasetGiB, volumeGiB || u.datasetGiB) + 20;
    const daily = (u.writeGiBPerMonth / 30) * 2;
    gb = data + daily * retention;
    assumption = `incremental EBS snapshots: the data in use (${gib(data)}: dataset + OS) + ${retention} days × ${daily.toFixed(1)} GiB/day of changed blocks (2 × the row-write volume)`;
  }
  return resource(id, r.Type, [usageLine('Snapshot storage', 'GB-months', gb, price, assumption)], `daily snapshots kept ${retention} days${volumeGiB ? ` of ${volumeGiB} GiB of volumes` : ''}`);
};

export const HANDLERS: Record<string, Handler> = {
  'AWS::EC2::Instance': ec2Instance,
  'AWS::AutoScaling::AutoScalingGroup': autoScalingGroup,
  'AWS::EC2::Volume': ebsVolume,
  'AWS::EC2::EIP': elasticIp,
  'AWS::EC2::NatGateway': natGateway,
  'AWS::EC2::VPCEndpoint': vpcEndpoint,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancerV2,
  'AWS::RDS::DBInstance': rdsInstance,
  'AWS::ElastiCache::ReplicationGroup': cacheReplicationGroup,
  'AWS::ElastiCache::CacheCluster': cacheCluster,
  'AWS::MSK::Cluster': mskCluster,
  'AWS::SQS::Queue': sqsQueue,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::CloudWatch::Alarm': cloudwatchAlarm,
  'AWS::CloudWatch::CompositeAlarm': compositeAlarm,
  'AWS::CloudWatch::Dashboard': dashboard,
  'AWS::SecretsManager::Secret': secret,
  'AWS::KMS::Key': kmsKey,
  'AWS::KMS::ReplicaKey': kmsKey,
  'AWS::Route53::HostedZone': hostedZone,
  'AWS::EKS::Cluster': eksCluster,
  'Custom::AWSCDK-EKS-Cluster': eksCluster,
  'AWS::EKS::Nodegroup': eksNodegroup,
  'AWS::Backup::BackupPlan': backupPlan,
};

/** Types with no charge of their own (their cost, if any, is on the resource they configure). */
export const FREE_TYPES: Record<string, string> = Object.fromEntries(
  [
    ...[
      'VPC', 'Subnet', 'RouteTable', 'Route', 'SubnetRouteTableAssociation', 'InternetGateway', 'VPCGatewayAttachment', 'EgressOnlyInternetGateway',
      'SecurityGroup', 'SecurityGroupIngress', 'SecurityGroupEgress', 'NetworkAcl', 'NetworkAclEntry', 'SubnetNetworkAclAssociation', 'DHCPOptions',
      'VPCDHCPOptionsAssociation', 'VPCCidrBlock', 'PrefixList', 'KeyPair', 'PlacementGroup', 'LaunchTemplate', 'VolumeAttachment', 'EIPAssociation',
      'NetworkInterface', 'NetworkInterfaceAttachment', 'FlowLog',
    ].map((t) => `AWS::EC2::${t}`),
    'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::LifecycleHook', 'AWS::AutoScaling::ScheduledAction', 'AWS::AutoScaling::WarmPool',
    'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
    'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancingV2::ListenerCertificate',
    'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBParameterGroup', 'AWS::RDS::DBClusterParameterGroup', 'AWS::RDS::OptionGroup',
    'AWS::ElastiCache::SubnetGroup', 'AWS::ElastiCache::ParameterGroup', 'AWS::ElastiCache::User', 'AWS::ElastiCache::UserGroup',
    'AWS::MSK::Configuration', 'AWS::MSK::Topic', 'AWS::MSK::ClusterPolicy', 'AWS::MSK::BatchScramSecret', 'AWS::Backup::BackupVault', 'AWS::Backup::BackupSelection',
    'AWS::SecretsManager::SecretTargetAttachment', 'AWS::SecretsManager::RotationSchedule', 'AWS::SecretsManager::ResourcePolicy',
    'AWS::KMS::Alias', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::SQS::QueuePolicy',
    'AWS::Lambda::Permission', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::EventSourceMapping',
    'AWS::Logs::MetricFilter', 'AWS::Logs::SubscriptionFilter', 'AWS::Logs::ResourcePolicy', 'AWS::Logs::LogStream',
    'AWS::CDK::Metadata', 'AWS::CloudFormation::WaitCondition', 'AWS::CloudFormation::WaitConditionHandle', 'AWS::CloudFormation::CustomResource',
    'AWS::CertificateManager::Certificate', 'AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup', 'AWS::SSM::Parameter',
    'AWS::EKS::FargateProfile', 'AWS::EKS::Addon', 'AWS::EKS::AccessEntry', 'AWS::EKS::PodIdentityAssociation',
  ].map((t) => [t, 'no charge']),
);

/** Types without a standing charge, billed per request or per use; the engine does not model their usage. */
export const PAY_PER_USE_TYPES: Record<string, string> = {
  'AWS::Lambda::Function': 'billed per request and GB-second; no standing charge (invocations not modelled)',
  'AWS::SNS::Topic': 'billed per publish and delivery (the first million publishes a month are free); alarm notifications are negligible',
  'AWS::Events::Rule': 'AWS service events are free; custom events are billed per million',
  'AWS::Events::EventBus': 'billed per million custom events; not modelled',
  'AWS::StepFunctions::StateMachine': 'billed per state transition; not modelled',
  'AWS::ApiGateway::RestApi': 'billed per request; not modelled',
  'AWS::ApiGatewayV2::Api': 'billed per request; not modelled',
  'AWS::CloudFront::Distribution': 'billed per request and GB delivered; not modelled',
};

/** Types with a charge the catalog has no price for: listed as not priced, with the reason. */
export const NOT_IN_CATALOG: Record<string, string> = {
  'AWS::S3::Bucket': 'S3 storage and request prices are not in the catalog',
  'AWS::Route53::HealthCheck': 'Route 53 health-check prices are not in the catalog',
  'AWS::RDS::DBCluster': 'Aurora prices are not in the catalog',
  'AWS::RDS::DBProxy': 'RDS Proxy prices are not in the catalog',
  'AWS::DynamoDB::Table': 'DynamoDB prices are not in the catalog',
  'AWS::ECS::Service': 'Fargate task prices are not modelled (EC2-backed services are priced through their instances)',
  'AWS::WAFv2::WebACL': 'WAF prices are not in the catalog',
  'AWS::EC2::TransitGateway': 'Transit Gateway prices are not in the catalog',
  'AWS::MSK::ServerlessCluster': 'MSK Serverless prices are not in the catalog',
  'AWS::ElastiCache::ServerlessCache': 'ElastiCache Serverless prices are not in the catalog',
  'AWS::Kinesis::Stream': 'Kinesis prices are not in the catalog',
};

/** Is this a CDK custom resource (Lambda-backed, no charge of its own)? */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') && !HANDLERS[type];
}

export { sourceOf };
