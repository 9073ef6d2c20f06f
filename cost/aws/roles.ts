/**
 * What each resource of a template is for, computed once per template: which load balancer takes the request
 * traffic, which queues are work queues and which dead-letter queues, and what each log group holds. Roles
 * come from the `stagekit:role` tag stagekit's constructs set; for templates stagekit did not write, from the
 * template's own structure (a flow log's destination, a service's log-delivery setting, the log group name a
 * service is documented to write to). No guessing from names.
 */
import { RESOURCE_ROLES } from '../../core/roles';
import type { TemplateRoles } from './context';
import { bool, CfnTemplate, referencedIds, roleOf, str } from './template';

/** The log group names AWS services write to, for the resources in the template that are set to log. */
function serviceLogGroupNames(template: CfnTemplate): Set<string> {
  const names = new Set<string>();
  for (const resource of Object.values(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::RDS::DBInstance') {
      const id = str(template, properties.DBInstanceIdentifier);
      const exports = Array.isArray(properties.EnableCloudwatchLogsExports) ? properties.EnableCloudwatchLogsExports : [];
      for (const log of exports) if (id && typeof log === 'string') names.add(`/aws/rds/instance/${id}/${log}`);
    }
    if (resource.Type === 'AWS::Lambda::Function') {
      const name = str(template, properties.FunctionName);
      if (name) names.add(`/aws/lambda/${name}`);
    }
    if (resource.Type === 'AWS::EKS::Cluster') {
      const name = str(template, properties.Name);
      if (name) names.add(`/aws/eks/${name}/cluster`);
    }
  }
  return names;
}

/** Which log groups take request logs, job logs, or an AWS service's own logs. */
function logGroupRoles(template: CfnTemplate, flowLogGroups: Map<string, string>): Pick<TemplateRoles, 'appLogGroups' | 'workerLogGroups' | 'serviceLogGroups'> {
  const resources = Object.entries(template.Resources ?? {});
  const deliveredTo = new Set<string>();
  for (const [, resource] of resources) {
    if (resource.Type === 'AWS::ElastiCache::ReplicationGroup' || resource.Type === 'AWS::MSK::Cluster' || resource.Type === 'AWS::Lambda::Function') {
      for (const id of referencedIds([resource.Properties?.LogDeliveryConfigurations, resource.Properties?.LoggingInfo, resource.Properties?.LoggingConfig])) deliveredTo.add(id);
    }
  }
  const serviceNames = serviceLogGroupNames(template);
  const out = { appLogGroups: [] as string[], workerLogGroups: [] as string[], serviceLogGroups: [] as string[] };
  for (const [id, resource] of resources) {
    if (resource.Type !== 'AWS::Logs::LogGroup' || flowLogGroups.has(id)) continue;
    const role = roleOf(template, resource);
    if (role === RESOURCE_ROLES.requestLogs) out.appLogGroups.push(id);
    else if (role === RESOURCE_ROLES.jobLogs) out.workerLogGroups.push(id);
    else if (role === RESOURCE_ROLES.serviceLogs) out.serviceLogGroups.push(id);
    else if (deliveredTo.has(id) || serviceNames.has(str(template, resource.Properties?.LogGroupName) ?? '')) out.serviceLogGroups.push(id);
    else out.appLogGroups.push(id); // untagged, written by no AWS service: the application's own logs
  }
  return out;
}

export function templateRoles(template: CfnTemplate): TemplateRoles {
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const albs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').filter(([, r]) => (str(template, r.Properties?.Type) ?? 'application') === 'application');
  const front = albs.find(([, r]) => (str(template, r.Properties?.Scheme) ?? 'internet-facing') === 'internet-facing') ?? albs[0];
  // Without an ALB, an internet-facing Classic Load Balancer carries the request traffic.
  const classics = ofType('AWS::ElasticLoadBalancing::LoadBalancer');
  const frontClassic = classics.find(([, r]) => (str(template, r.Properties?.Scheme) ?? 'internet-facing') === 'internet-facing') ?? classics[0];
  const queues = ofType('AWS::SQS::Queue');
  const dlqs = new Set<string>(queues.flatMap(([, r]) => referencedIds(r.Properties?.RedrivePolicy?.deadLetterTargetArn)));
  const flowLogGroups = new Map<string, string>();
  for (const [, resource] of ofType('AWS::EC2::FlowLog')) {
    for (const target of referencedIds([resource.Properties?.LogGroupName, resource.Properties?.LogDestination])) flowLogGroups.set(target, str(template, resource.Properties?.TrafficType) ?? 'ALL');
  }
  for (const [id, resource] of ofType('AWS::Logs::LogGroup')) {
    if (!flowLogGroups.has(id) && roleOf(template, resource) === RESOURCE_ROLES.flowLogs) flowLogGroups.set(id, 'ALL');
  }
  const dbs = ofType('AWS::RDS::DBInstance');
  const replicas = dbs.filter(([, r]) => r.Properties?.SourceDBInstanceIdentifier !== undefined).length;
  return {
    frontLoadBalancer: front?.[0] ?? frontClassic?.[0],
    natGateways: ofType('AWS::EC2::NatGateway').map(([id]) => id),
    workQueues: queues.map(([id]) => id).filter((id) => !dlqs.has(id)),
    deadLetterQueues: dlqs,
    flowLogGroups,
    ...logGroupRoles(template, flowLogGroups),
    hasCompute: resources.some(([, r]) => ['AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::Nodegroup', 'AWS::ECS::Service'].includes(r.Type)),
    databases: { primaries: dbs.length - replicas, replicas, multiAz: dbs.filter(([, r]) => bool(template, r.Properties?.MultiAZ)).length },
    hasCache: resources.some(([, r]) => r.Type === 'AWS::ElastiCache::ReplicationGroup' || r.Type === 'AWS::ElastiCache::CacheCluster'),
    hasKafka: resources.some(([, r]) => r.Type === 'AWS::MSK::Cluster'),
    cdnDistributions: ofType('AWS::CloudFront::Distribution').filter(([, r]) => roleOf(template, r) === RESOURCE_ROLES.cdn).map(([id]) => id),
  };
}
