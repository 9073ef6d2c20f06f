import { App, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Plan } from '../../core/plan';
import { NamespaceChart, ProductChart } from './product-chart';

/** Builds the cdk8s app of a plan: the namespace first, then the product's objects. */
export function buildK8sApp(plan: Plan, outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_APP, outputFileExtension: '.k8s.yaml' });
  const namespace = new NamespaceChart(app, `${plan.product}-namespace`, plan);
  const product = new ProductChart(app, plan.product, { plan });
  product.addDependency(namespace);
  return app;
}

/** The plan rendered as one multi-document YAML and as parsed objects. */
export function renderK8s(plan: Plan): { yaml: string; objects: any[] } {
  const yaml = buildK8sApp(plan).synthYaml();
  const objects = parseAllDocuments(yaml)
    .map((doc) => doc.toJS())
    .filter((o) => o !== null);
  return { yaml, objects };
}
