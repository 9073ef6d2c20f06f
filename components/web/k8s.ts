import { APP_ENV } from '../../core/contract';
import { WebApp } from '../../constructs/k8s/web-app';
import { K8sContext } from '../component';
import { Certificate } from '../../constructs/k8s/certificate';

/** The web Deployment, Service and Ingress: one pod on the single server, spread over zones with HPA and PDB after. */
export function webK8s(ctx: K8sContext): void {
  const { plan } = ctx;
  const connections = ctx.connections;
  const sizing = plan.server
    ? { shape: plan.server.appShape, replicas: 1 }
    : { shape: plan.app.podShape, replicas: plan.app.minCount, maxReplicas: plan.app.maxCount, targetCpuPercent: plan.app.targetCpuPercent, zones: plan.zones };
  const tls = plan.profile.tls;
  const certificate =
    tls?.host && tls.issuer
      ? new Certificate(ctx.chart, 'web-certificate', { name: 'web-tls', secretName: 'web-tls', dnsNames: [tls.host], issuer: tls.issuer, labels: { 'app.kubernetes.io/part-of': plan.product } })
      : undefined;
  const web = (ctx.parts.web = new WebApp(ctx.chart, 'web', {
    host: tls?.host,
    tlsSecret: certificate?.secretName ?? tls?.secretName,
    allowHttp: tls?.allowHttp,
    product: plan.product,
    image: plan.app.image,
    port: plan.app.port,
    healthCheckPath: plan.app.healthCheckPath,
    ...sizing,
    env: { [APP_ENV.role]: 'web', ...connections.env },
    secretEnv: connections.secretEnv,
    secretFiles: connections.secretFiles,
    configMapFiles: connections.configMapFiles,
  }));
  ctx.guard.allowFromIngress(web.name, plan.app.port);
}
