import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Plan } from '../../core/plan';
import { NamespaceGuard } from '../../constructs/k8s/network-policies';
import { SingleNodeStore } from '../../constructs/k8s/single-node-store';
import { WebApp } from '../../constructs/k8s/web-app';

export interface ProductChartProps extends ChartProps {
  readonly plan: Plan;
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
 * The product's stage as Kubernetes objects in the product's namespace. Object names do
 * not depend on the stage, so re-applying a later stage updates objects in place.
 */
export class ProductChart extends Chart {
  readonly plan: Plan;
  readonly guard: NamespaceGuard;

  constructor(scope: Construct, id: string, props: ProductChartProps) {
    super(scope, id, { ...props, namespace: props.plan.product, disableResourceNameHashes: true });
    const { plan } = props;
    this.plan = plan;
    this.guard = new NamespaceGuard(this, 'network', { namespace: plan.product });

    if (plan.server) {
      const s = plan.server;
      new SingleNodeStore(this, 'postgres', {
        product: plan.product,
        name: 'postgres',
        image: 'postgres:16.4',
        port: 5432,
        uid: 999,
        shape: s.postgresShape,
        storageGiB: s.dataVolumeGiB,
        dataPath: '/var/lib/postgresql/data',
        scratchPaths: ['/var/run/postgresql', '/tmp'],
        env: [
          { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
          { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
        ],
        args: ['-c', `shared_buffers=${Math.max(128, Math.floor(s.postgresShape.memoryGiB * 1024 * 0.25))}MB`],
        probeCommand: ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1'],
      });
      new SingleNodeStore(this, 'redis', {
        product: plan.product,
        name: 'redis',
        image: 'redis:7.4',
        port: 6379,
        uid: 999,
        shape: s.redisShape,
        storageGiB: Math.max(1, Math.ceil(s.redisShape.memoryGiB * 2)),
        dataPath: '/data',
        args: ['--appendonly', 'yes', '--maxmemory', `${Math.floor(s.redisShape.memoryGiB * 1024 * 0.9)}mb`, '--maxmemory-policy', 'allkeys-lru'],
        probeCommand: ['redis-cli', 'ping'],
      });
      const web = new WebApp(this, 'web', {
        product: plan.product,
        image: plan.app.image,
        port: plan.app.port,
        healthCheckPath: plan.app.healthCheckPath,
        shape: s.appShape,
        replicas: 1,
        env: { DATABASE_HOST: 'postgres', REDIS_HOST: 'redis' },
      });
      this.guard.allowFromIngress(web.name, plan.app.port);
      this.guard.allow(web.name, 'postgres', [5432]);
      this.guard.allow(web.name, 'redis', [6379]);
    }
  }
}
