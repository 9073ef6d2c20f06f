/**
 * Amazon ECS: Fargate services pay per vCPU-hour and GB-hour of their tasks (priced at the desired count); a
 * service on EC2 capacity is priced through its instances. Clusters and task definitions are free.
 */
import { HOURS_PER_MONTH, freeResource, resource, unpricedComponent } from '../../model';
import { lookup, priced } from '../context';
import { num, referencedResource, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const ecsService_ = handler({
  types: ['AWS::ECS::Service'],
  read(t, _id, r) {
    const p = props(r);
    const strategy = Array.isArray(p.CapacityProviderStrategy) ? p.CapacityProviderStrategy.map((s: any) => str(t, s?.CapacityProvider)) : [];
    const launchType = str(t, p.LaunchType) ?? (strategy.some((s: string | undefined) => s?.startsWith('FARGATE')) ? 'FARGATE' : strategy.length ? 'EC2' : 'EC2');
    const task = referencedResource(t, p.TaskDefinition, ['AWS::ECS::TaskDefinition'])?.resource.Properties ?? {};
    return {
      launchType,
      spot: strategy.includes('FARGATE_SPOT'),
      desiredCount: num(t, p.DesiredCount) ?? 1,
      cpuUnits: num(t, task.Cpu),
      memoryMiB: num(t, task.Memory),
      arm: str(t, task.RuntimePlatform?.CpuArchitecture) === 'ARM64',
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
      const p = ctx.catalog.fargate(ctx.region);
      return [
        priced(`Fargate vCPU (${vcpu} vCPU × ${tasks} task${tasks === 1 ? '' : 's'}, Linux/x86)`, 'vCPU-hours', vcpu * tasks * HOURS_PER_MONTH, p.vcpuHourly),
        priced(`Fargate memory (${gb} GB × ${tasks} task${tasks === 1 ? '' : 's'})`, 'GB-hours', gb * tasks * HOURS_PER_MONTH, p.gbHourly),
      ];
    });
    return resource(id, type, lines, `prices the desired count (${tasks})${spec.spot ? '; Fargate Spot capacity priced at on-demand rates' : ''}; AWS Fargate rates are the same for ECS and EKS tasks`);
  },
});

export const ecsService: ServiceHandlers = {
  service: 'ECS',
  handlers: [ecsService_],
  free: Object.fromEntries(['Cluster', 'TaskDefinition', 'ClusterCapacityProviderAssociations', 'CapacityProvider', 'TaskSet', 'PrimaryTaskSet'].map((t) => [`AWS::ECS::${t}`, 'no charge'])),
};
