/**
 * The EKS bill: the same Kubernetes rendering the self-hosted bill prices, on EKS — control plane, EC2 nodes
 * bin-packed by the same rules (Graviton m7g/c7g/r7g, like the AWS stack), gp3 EBS volumes for the claims,
 * and what AWS charges around them: NAT gateways, the load balancer, egress, and traffic between zones (which
 * AWS does charge when the databases replicate themselves, unlike RDS). Read against the AWS column it shows
 * what managed services cost; against the self-hosted column, what the servers and the network cost.
 */
import { AwsRegion, loadCatalog, PriceCatalog } from '../catalog';
import { HOURS_PER_MONTH, Bill, CostComponent, freeResource, makeBill, PricedResource, resource } from '../model';
import { gib, UsageModel } from '../usage';
import { lookup, priced, sourceOf, tieredLines, usageLine } from '../aws/context';
import { checkRegion, DEFAULT_NAT_SHARE } from '../aws/engine';
import { crossAzResource, crossShare, dataTransferOutResource, Flow } from '../aws/network';
import { ServerType } from './binpack';
import { ClusterPricing, priceCluster } from './cluster';
import { backupSizing } from './fleet';
import { inventory } from './inventory';
import { DEFAULT_OPS, opsLabour, OpsOptions } from './ops';

export interface EksPricingOptions {
  readonly region: AwsRegion | string;
  readonly usage?: UsageModel;
  readonly ops?: OpsOptions;
  readonly zones: number;
  readonly catalog?: PriceCatalog;
  readonly natShareOfEgress?: number;
  readonly stage?: string;
}

/** Node families for EKS: the Graviton families the AWS stack uses, general, compute and memory optimised. */
export const EKS_NODE_FAMILIES = ['m7g', 'c7g', 'r7g'];

export function priceEks(objects: readonly any[], options: EksPricingOptions): Bill {
  const region = checkRegion(options.region);
  const catalog = options.catalog ?? loadCatalog();
  const usage = options.usage;
  const ops = options.ops ?? DEFAULT_OPS;
  const singleNode = options.zones <= 1;
  const inv = inventory([...objects]);
  const nodes: ServerType[] = catalog
    .ec2InstanceTypes(region)
    .filter((t) => EKS_NODE_FAMILIES.includes(t.type.split('.')[0]) && !t.type.includes('metal'))
    .map((t) => ({ id: t.type, vcpu: t.vcpu, memoryGiB: t.memoryGiB, monthlyUsd: t.hourly.usd * HOURS_PER_MONTH, description: 'Graviton', priceSource: `$${t.hourly.usd}/h × ${HOURS_PER_MONTH} h (${sourceOf(t.hourly)})` }));
  const ebs = catalog.ebs(region);
  const ipv4 = catalog.publicIpv4Hourly(region).inUse;
  const pricing: ClusterPricing = {
    candidates: () => nodes,
    poolDescription: (pool) => (pool === 'data' ? 'data systems on their own node group' : 'stateless pods on the cheapest fitting instances'),
    volume: { usdPerGiBMonth: ebs.gp3PerGbMonth.usd, label: 'EBS gp3 volumes', priceSource: sourceOf(ebs.gp3PerGbMonth) },
    perNode: (nodeCount) => {
      const lines = [priced(`Node root volumes (20 GiB gp3 × ${nodeCount})`, 'GB-months', 20 * nodeCount, ebs.gp3PerGbMonth)];
      if (singleNode) lines.push(priced('Public IPv4 address of the node', 'hours', HOURS_PER_MONTH * nodeCount, ipv4));
      return lines;
    },
    serverResourceType: 'AWS::EC2::Instance',
  };
  const cluster = priceCluster(inv, options.zones, pricing, singleNode);
  const resources: PricedResource[] = [
    resource('EksControlPlane', 'AWS::EKS::Cluster', [priced('EKS cluster (control plane)', 'hours', HOURS_PER_MONTH, catalog.eksClusterHourly(region))]),
    ...cluster.resources,
  ];

  if (!singleNode) {
    const nat = catalog.natGateway(region);
    const share = options.natShareOfEgress ?? DEFAULT_NAT_SHARE;
    resources.push(
      resource(
        'NatGateways',
        'AWS::EC2::NatGateway',
        [
          priced(`NAT gateways (one per zone, ${options.zones})`, 'hours', HOURS_PER_MONTH * options.zones, nat.hourly),
          priced(`Public IPv4 addresses of the NAT gateways (${options.zones})`, 'hours', HOURS_PER_MONTH * options.zones, ipv4),
          usageLine('Data processed', 'GB', usage ? usage.egressGiBPerMonth * share : undefined, nat.perGbProcessed, `nodes' outbound calls ≈ ${Math.round(share * 100)}% of the internet egress (as on the AWS bill); image pulls included`),
        ],
        'nodes sit in private subnets, as the AWS stack\'s servers do',
      ),
    );
  }
  inv.loadBalancers.forEach((lb, index) => {
    if (singleNode) {
      resources.push(freeResource(lb.name, lb.kind, 'single node: the ingress controller listens on the node\'s public address'));
      return;
    }
    const alb = catalog.alb(region);
    const lines: CostComponent[] = [priced('Application load balancer', 'hours', HOURS_PER_MONTH, alb.hourly), priced(`Public IPv4 addresses (one per AZ, ${options.zones})`, 'hours', HOURS_PER_MONTH * options.zones, ipv4)];
    if (index === 0) {
      const gbPerHour = usage ? (usage.averageRequestsPerSecond * 3600 * (usage.responseKiB + 1)) / 1024 ** 2 : undefined;
      lines.push(usageLine('Load balancer capacity units', 'LCU-hours', gbPerHour === undefined ? undefined : gbPerHour * HOURS_PER_MONTH, alb.lcuHourly, `${gbPerHour?.toFixed(1)} GB/h processed (as on the AWS bill)`));
    }
    resources.push(resource(lb.name, lb.kind, lines, `${lb.reason}; provisioned by the AWS Load Balancer Controller`));
  });

  if (usage) {
    resources.push(dataTransferOutResource(catalog, region, usage));
    if (!singleNode) {
      const cross = crossAzResource(catalog, region, eksFlows(inv, usage));
      if (cross) resources.push(cross);
    }
  }
  // The same backup volume the self-hosted bill stores in object storage, at S3 Standard rates.
  const backups = backupSizing(inv, usage);
  if (backups) {
    const lines = lookup('Backup storage in S3', 'GB-months', () => {
      const s3 = catalog.s3Standard(region);
      return backups.storedGiB === null
        ? usageLine('Backup storage in S3 (Standard)', 'GB-months', undefined, s3.storage[0]!, '')
        : tieredLines('Backup storage in S3 (Standard)', 'GB-months', backups.storedGiB, s3.storage, backups.sizing);
    }, true);
    resources.push(resource('Backups', 'AWS::S3::Bucket', lines, `base backups and WAL of ${backups.systems.join(', ')}; upload requests not modelled`));
  }
  resources.push(opsLabour('eks', inv.systems, ops, { nodes: [{ item: 'node-cloud', count: cluster.nodes }], onCall: singleNode ? undefined : 'on-call' }));
  return makeBill({
    provider: 'eks',
    label: `EKS ${region}`,
    resources,
    usageIncluded: usage !== undefined,
    assumptions: [
      `${HOURS_PER_MONTH} hours a month; on-demand list prices in ${region}`,
      'the Kubernetes rendering bin-packed onto Graviton (m7g/c7g/r7g) nodes by the same rules as the self-hosted bill',
      ...(usage ? usage.assumptions : ['usage-based lines are not included: give a workload profile']),
    ],
    catalogDate: catalog.catalogDate.summary,
    stage: options.stage,
  });
}

/** Traffic between zones inside the cluster: on EKS, replication between pods in other zones is billed. The self-hosted bill takes the same flows. */
export function eksFlows(inv: ReturnType<typeof inventory>, usage: UsageModel): Flow[] {
  const { share, text } = crossShare(usage.zones);
  const flows: Flow[] = [];
  const pgWorkloads = inv.workloads.filter((w) => w.role === 'database');
  if (pgWorkloads.length) {
    const db = usage.databaseTrafficGiBPerMonth * (1 - usage.cacheReadShare);
    flows.push({ name: 'App ↔ Postgres (cross-AZ)', gb: db * share, assumption: `${gib(db)} of query results, ${text}` });
    const followers = pgWorkloads.reduce((s, w) => s + Math.max(0, w.replicas - 1), 0);
    if (followers) {
      const perSystem = usage.writeGiBPerMonth / pgWorkloads.length;
      flows.push({ name: 'Postgres streaming replication (cross-AZ)', gb: perSystem * 2 * followers * share, assumption: `${gib(perSystem * 2)} of WAL per cluster (2 × the row-write volume) to ${followers} standby/replica pod(s), ${text}` });
    }
  }
  if (inv.workloads.some((w) => w.role === 'cache') && usage.cacheReadShare > 0) {
    const cache = usage.databaseTrafficGiBPerMonth * usage.cacheReadShare;
    flows.push({ name: 'App ↔ cache (cross-AZ)', gb: cache * share, assumption: `${gib(cache)} of reads answered by the cache, ${text}` });
  }
  if (inv.workloads.some((w) => w.role === 'kafka')) {
    const gb = (usage.queueIngressMBps * 3600 * HOURS_PER_MONTH) / 1024;
    flows.push({ name: 'Producers and consumers ↔ Kafka brokers (cross-AZ)', gb: gb * 2 * share, assumption: `${gib(gb)} produced and consumed once, ${text}` });
    flows.push({ name: 'Kafka replication between brokers (cross-AZ)', gb: gb * 2, assumption: `${gib(gb)} × 2 follower copies in other zones (rack-aware placement)` });
  }
  return flows;
}

