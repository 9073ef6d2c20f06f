import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { computeLadder, Plan, PlanLadder, validateActiveShards } from '../../core/plan';
import { NamespaceGuard, Peer } from '../../constructs/k8s/network-policies';
import { K8sContext, K8sParts, STAGE_COMPONENTS, StageComponent, stageRuleGroups } from '../../components';
import { ClusterEnvironment, DEFAULT_ENVIRONMENT, K8S_NAMES } from '../../components/names';

export { POSTGRES_IMAGE } from '../../components/database/k8s';

export interface ProductChartProps extends ChartProps {
  readonly plan: Plan;
  /** The plans of every stage of the plan's profile (what earlier stages built). @default computeLadder(plan.profile) */
  readonly ladder?: PlanLadder;
  /** Operator namespaces, storage class and addresses of the target cluster. @default DEFAULT_ENVIRONMENT */
  readonly environment?: Partial<ClusterEnvironment>;
  /**
   * Shards the shard map routes keys to (as the AWS rendering's `activeShards`). Apply the
   * sharded stage with `1` first, backfill the new shards, then apply the full count. While it
   * is below the shard count, shard 0 keeps the size it had before sharding.
   * @default every planned shard
   */
  readonly activeShards?: number;
  /** The capabilities to render, in order. @default STAGE_COMPONENTS */
  readonly components?: readonly StageComponent[];
}

/** The namespace, labelled so the API server enforces the "restricted" Pod Security Standard. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, plan: Plan) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: plan.product,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.27',
          'app.kubernetes.io/part-of': plan.product,
        },
      },
    });
  }
}

/**
 * The product's stage as Kubernetes objects in the product's namespace: the stage's components
 * (components/index.ts) rendered in order behind one namespace guard. Object names do not
 * depend on the stage, so re-applying a later stage updates objects in place.
 *
 * Every stage: default-deny NetworkPolicies with one allow per real flow, PrometheusRules for
 * the failures the AWS alarms watch, and a ServiceMonitor or PodMonitor for every component.
 */
export class ProductChart extends Chart {
  readonly plan: Plan;
  readonly guard: NamespaceGuard;
  readonly environment: ClusterEnvironment;
  /** What the components built (the web tier, and anything a component outside the list shares). */
  readonly parts: Readonly<K8sParts>;

  constructor(scope: Construct, id: string, props: ProductChartProps) {
    super(scope, id, { ...props, namespace: props.plan.product, disableResourceNameHashes: true });
    const { plan } = props;
    this.plan = plan;
    const environment = (this.environment = { ...DEFAULT_ENVIRONMENT, ...props.environment });
    this.guard = new NamespaceGuard(this, 'network', {
      namespace: plan.product,
      ingressNamespace: environment.ingressNamespace,
      monitoringNamespace: environment.monitoringNamespace,
    });
    const web: Peer = { name: K8S_NAMES.web, selector: { 'app.kubernetes.io/name': K8S_NAMES.web } };
    const worker: Peer = { name: K8S_NAMES.worker, selector: { 'app.kubernetes.io/name': K8S_NAMES.worker } };
    const all = props.components ?? STAGE_COMPONENTS;
    const parts: K8sParts = { extra: {} };
    const ctx: K8sContext = {
      chart: this,
      plan,
      ladder: props.ladder ?? computeLadder(plan.profile),
      activeShards: validateActiveShards(plan, props.activeShards),
      environment,
      guard: this.guard,
      monitoring: { labels: environment.monitoringLabels },
      peers: { web, worker, clients: plan.queue ? [web, worker] : [web] },
      connections: { env: {}, secretEnv: {}, secretFiles: [], configMapFiles: [] },
      ruleGroups: stageRuleGroups(plan, all),
      parts,
    };
    const components = all.filter((component) => component.applies(plan));
    for (const component of components) component.k8s?.(ctx);
    for (const component of components) component.postK8s?.(ctx);
    this.parts = parts;
  }
}
