/**
 * Amazon ECS: Fargate services pay per vCPU-hour and GB-hour of their tasks (priced at the desired count); a
 * service on EC2 capacity is priced through its instances. Clusters and task definitions are free. Under
 * --commitment, Fargate (which AWS does not reserve) is priced at the Compute Savings Plan rate where the catalog has it.
 */
import { HOURS_PER_MONTH, freeResource, resource, unpricedComponent } from '../../model';
import { PriceNotFound, type Price } from '../../catalog';
import { lookup, priced } from '../context';
import { num, referencedResource, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const ecsService_ = handler({
  types: ['AWS::ECS::Service'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const strategy = Array.isArray(properties.CapacityProviderStrategy) ? properties.CapacityProviderStrategy.map((s: any) => str(template, s?.CapacityProvider)) : [];
    const launchType = str(template, properties.LaunchType) ?? (strategy.some((s: string | undefined) => s?.startsWith('FARGATE')) ? 'FARGATE' : strategy.length ? 'EC2' : 'EC2');
    const task = referencedResource(template, properties.TaskDefinition, ['AWS::ECS::TaskDefinition'])?.resource.Properties ?? {};
    return {
      launchType,
      spot: strategy.includes('FARGATE_SPOT'),
      desiredCount: num(template, properties.DesiredCount) ?? 1,
      cpuUnits: num(template, task.Cpu),
      memoryMiB: num(template, task.Memory),
      arm: str(template, task.RuntimePlatform?.CpuArchitecture) === 'ARM64',
    };
  },
  price(ctx, id, type, spec) {
    if (spec.launchType !== 'FARGATE') return freeResource(id, type, 'runs on EC2 capacity: priced through its instances');
    if (spec.cpuUnits === undefined || spec.memoryMiB === undefined) return resource(id, type, [unpricedComponent('Fargate tasks', 'hours', 'the task definition\'s Cpu or Memory is not a literal')]);
    if (spec.arm) return resource(id, type, [unpricedComponent('Fargate tasks (Arm)', 'hours', 'Fargate Arm (Graviton) rates are not in the catalog')]);
    const vcpu = spec.cpuUnits / 1024;
    const gb = spec.memoryMiB / 1024;
    const tasks = spec.desiredCount;
    const lines = lookup('Fargate tasks', 'hours', () => {
      const onDemand = ctx.catalog.fargate(ctx.region);
      const term = ctx.commitment;
      const taskLabel = `${tasks} task${tasks === 1 ? '' : 's'}`;
      // The pricing is named only under a commitment, so on-demand bills read as before.
      const fargateLines = (rates: { vcpuHourly: Price; gbHourly: Price }, pricing?: string, assumption?: string) => [
        priced(`Fargate vCPU (${vcpu} vCPU × ${taskLabel}, Linux/x86${pricing ? `, ${pricing}` : ''})`, 'vCPU-hours', vcpu * tasks * HOURS_PER_MONTH, rates.vcpuHourly, assumption),
        priced(`Fargate memory (${gb} GB × ${taskLabel}${pricing ? `, ${pricing}` : ''})`, 'GB-hours', gb * tasks * HOURS_PER_MONTH, rates.gbHourly, assumption),
      ];
      if (!term) return fargateLines(onDemand);
      if (spec.spot) return fargateLines(onDemand, 'on-demand', `Fargate Spot is not covered by Savings Plans: on-demand rates under the ${term} commitment`);
      // Fargate has no reservations: under --commitment its rate is the Compute Savings Plan's (no upfront).
      let plan: { vcpuHourly: Price; gbHourly: Price };
      try {
        plan = ctx.catalog.fargateSavingsPlan(ctx.region, term);
      } catch (err) {
        if (!(err instanceof PriceNotFound)) throw err;
        return fargateLines(onDemand, 'on-demand', `no ${term} Compute Savings Plan rate for Fargate (${err.message}): on-demand`);
      }
      return fargateLines(
        plan,
        `Compute Savings Plan ${term} no upfront`,
        `Compute Savings Plan, ${term === '1y' ? '1 year' : '3 years'}, no upfront: $${plan.vcpuHourly.usd}/vCPU-h and $${plan.gbHourly.usd}/GB-h against $${onDemand.vcpuHourly.usd} and $${onDemand.gbHourly.usd} on-demand; assumes a plan sized to cover the desired count`,
      );
    });
    return resource(id, type, lines, `prices the desired count (${tasks})${spec.spot ? '; Fargate Spot capacity priced at on-demand rates' : ''}; AWS Fargate rates are the same for ECS and EKS tasks`);
  },
});

export const ecsService: ServiceHandlers = {
  service: 'ECS',
  handlers: [ecsService_],
  free: Object.fromEntries(['Cluster', 'TaskDefinition', 'ClusterCapacityProviderAssociations', 'CapacityProvider', 'TaskSet', 'PrimaryTaskSet'].map((t) => [`AWS::ECS::${t}`, 'no charge'])),
};
