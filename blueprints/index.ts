/**
 * stagekit's blueprints (`stagekit/blueprints`): a whole stage of a product from its plan, as a CDK
 * stack (ProductStack) or cdk8s charts (ProductChart), and the synth functions the CLI uses.
 *
 *   const plan = computePlan(loadProfile('profile.yaml'), 'read-replicas');
 *   new ProductStack(app, plan.product, { plan, env: { region: plan.region } });
 */
export { ProductStack } from './aws/product-stack';
export type { ProductStackProps, ProductStackOptions } from './aws/product-stack';
export { buildAwsApp, stackName } from './aws/app';
export type { AwsAppOptions } from './aws/app';
export { ProductChart, NamespaceChart } from './k8s/product-chart';
export type { ProductChartProps } from './k8s/product-chart';
export { buildK8sApp, renderK8s } from './k8s/app';
export type { K8sAppOptions } from './k8s/app';
export { stageRenderer } from './render';
export { TARGETS } from '../core/rendering';
export type { Target, StageRenderer, WrittenRendering, AwsAssembly, K8sManifest, AwsRendering, K8sRendering, AwsRenderOptions, K8sRenderOptions } from '../core/rendering';
