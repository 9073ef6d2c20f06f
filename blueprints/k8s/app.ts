import { App, Yaml, YamlOutputType } from 'cdk8s';
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

/**
 * The plan rendered as plain objects and as one multi-document YAML of the same documents
 * (test/determinism.test.ts holds the two equal). The YAML is written on first use: stringifying is
 * about two thirds of a rendering's CPU, and pricing, planning and deploying read the objects only.
 */
export function renderK8s(plan: Plan, options: K8sAppOptions = {}): { readonly yaml: string; readonly objects: any[] } {
  const documents = synthDocuments(buildK8sApp(plan, undefined, options));
  // A deep copy: callers may change their objects without changing the YAML still to be written.
  const objects = JSON.parse(JSON.stringify(documents)).filter((o: unknown) => o !== null);
  let yaml: string | undefined;
  return {
    objects,
    get yaml() {
      return (yaml ??= Yaml.stringify(...documents));
    },
  };
}

/**
 * The documents `App.synthYaml` writes (chart dependencies resolved, every construct validated: an
 * invalid one throws here), without writing them. cdk8s has no public call for that step alone, so
 * synthYaml runs once with its stringifier swapped for one that hands the documents back.
 */
function synthDocuments(app: App): any[] {
  const stringify = Yaml.stringify;
  let documents: any[] | undefined;
  Yaml.stringify = (...docs: any[]) => {
    documents = docs;
    return '';
  };
  try {
    app.synthYaml();
  } finally {
    Yaml.stringify = stringify;
  }
  if (!documents) throw new Error('cdk8s App.synthYaml did not stringify its documents through Yaml.stringify (a cdk8s upgrade changed it)');
  return documents;
}
