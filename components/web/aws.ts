import { APP_ENV } from '../../core/contract';
import { WebTier } from '../../constructs/aws/web-tier';
import { AppClient, AwsContext } from '../component';

/** The load balancer and the autoscaled web fleet, told the contract's environment and let into the data tier. */
export function webAws(ctx: AwsContext): void {
  const { plan } = ctx;
  // The single server runs the app itself.
  if (plan.server) return;
  const web = (ctx.parts.web = new WebTier(ctx.stack, 'Web', {
    vpc: ctx.network.vpc,
    alarms: ctx.alarms,
    image: plan.app.image,
    port: plan.app.port,
    healthCheckPath: plan.app.healthCheckPath,
    instanceType: plan.app.instance.name,
    minCapacity: plan.app.minCount,
    maxCapacity: plan.app.maxCount,
    targetCpuPercent: plan.app.targetCpuPercent,
    certificateArn: ctx.options.certificateArn,
    // The load balancer's DNS name is what customers' DNS points at: deleting it by accident is an outage.
    deletionProtection: true,
    environment: { ...ctx.connections.env, [APP_ENV.role]: 'web' },
    eventsTopic: ctx.observability.eventsTopic(),
  }));
  const client: AppClient = { role: 'web', peer: web.fleet.autoScalingGroup, grantee: web.fleet.role, description: 'web fleet' };
  for (const connect of [...ctx.connections.reach, ...ctx.connections.grants]) connect(client);
  ctx.dashboard.addRow('web', 'Web tier', ...web.widgets());
  ctx.dashboard.watch('web', web.alarms);
  ctx.dashboard.addOutput('web', 'LoadBalancerUrl', {
    description: 'Where the web tier answers',
    value: `${web.https ? 'https' : 'http'}://${web.loadBalancer.loadBalancerDnsName}`,
  });
}
