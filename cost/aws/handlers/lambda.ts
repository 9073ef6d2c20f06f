/**
 * AWS Lambda: no standing charge. The unit prices (per request, per GB-second) are shown on the function so a
 * reader can price their own invocations; the workload profile does not model invocations, so nothing is
 * counted and the function stays "pay-per-use".
 */
import { component, PricedResource, resource } from '../../model';
import { sourceOf } from '../context';
import { num, str } from '../template';
import { handler, props, ServiceHandlers } from './types';

export const lambdaFunction = handler({
  types: ['AWS::Lambda::Function'],
  read(template, _id, cfnResource) {
    const properties = props(cfnResource);
    const architectures = Array.isArray(properties.Architectures) ? properties.Architectures.map((a: unknown) => str(template, a)) : [];
    return { arm: architectures.includes('arm64'), memoryMiB: num(template, properties.MemorySize) ?? 128 };
  },
  price(ctx, id, type, { arm, memoryMiB }): PricedResource {
    const prices = ctx.catalog.lambda(ctx.region);
    const request = arm ? prices.requestArm : prices.requestX86;
    const duration = arm ? prices.gbSecondArm : prices.gbSecondX86;
    const why = 'invocations are not part of the workload profile: unit price shown, nothing counted';
    const lines = [
      component({ name: `Requests (${arm ? 'Arm' : 'x86'})`, unit: 'requests', quantity: null, price: request.usd, usageBased: true, priceSource: sourceOf(request), assumption: why }),
      component({ name: `Duration (${memoryMiB} MB, ${arm ? 'Arm' : 'x86'})`, unit: 'GB-seconds', quantity: null, price: duration.usd, usageBased: true, priceSource: sourceOf(duration), assumption: why }),
    ];
    return { ...resource(id, type, lines, 'billed per request and GB-second; no standing charge (invocations not modelled)'), status: 'pay-per-use' };
  },
});

export const lambdaService: ServiceHandlers = {
  service: 'Lambda',
  handlers: [lambdaFunction],
  free: Object.fromEntries(['Permission', 'Version', 'Alias', 'EventSourceMapping', 'LayerVersion', 'LayerVersionPermission', 'Url'].map((t) => [`AWS::Lambda::${t}`, 'no charge'])),
};
