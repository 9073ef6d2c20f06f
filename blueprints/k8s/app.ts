import { App, YamlOutputType } from 'cdk8s';
import { Plan } from '../../core/plan';
import { ClusterEnvironment } from './names';
import { NamespaceChart, ProductChart } from './product-chart';

export interface K8sAppOptions {
  /** Operator namespaces, storage class and addresses of the target cluster. */
  readonly environment?: Partial<ClusterEnvironment>;
  /** Shards the shard map routes keys to while new shards are backfilled. @default all */
  readonly activeShards?: number;
}

/** Builds the cdk8s app of a plan: the namespace first, then the product's objects. */
export function buildK8sApp(plan: Plan, outdir?: string, options: K8sAppOptions = {}): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_APP, outputFileExtension: '.k8s.yaml' });
  const namespace = new NamespaceChart(app, `${plan.product}-namespace`, plan);
  const product = new ProductChart(app, plan.product, { plan, ...options });
  product.addDependency(namespace);
  return app;
}

/** The plan rendered as one multi-document YAML and as plain objects (the same documents). */
export function renderK8s(plan: Plan, options: K8sAppOptions = {}): { yaml: string; objects: any[] } {
  const app = buildK8sApp(plan, undefined, options);
  const yaml = app.synthYaml();
  // The documents synthYaml just wrote, taken from the charts rather than parsed back from the YAML:
  // parsing cost more than synthesizing (test/determinism.test.ts holds the two equal).
  const objects = JSON.parse(JSON.stringify(app.charts.flatMap((chart) => Object.values(chart.toJson())))).filter((o: unknown) => o !== null);
  return { yaml, objects };
}
