import { prometheusRule, serviceMonitor } from '../../constructs/k8s/monitoring';
import { K8sContext } from '../component';
import { K8S_NAMES } from '../names';

/** The web tier's ServiceMonitor and the stage's one PrometheusRule with every component's alerts. */
export function observabilityK8s(ctx: K8sContext): void {
  serviceMonitor(ctx.chart, { name: K8S_NAMES.web, selector: { 'app.kubernetes.io/name': K8S_NAMES.web }, port: 'http' }, ctx.monitoring);
  prometheusRule(ctx.chart, `${ctx.plan.product}-alerts`, ctx.plan.product, ctx.ruleGroups, ctx.monitoring);
}
