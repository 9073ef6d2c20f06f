import { loadOnFirstCall, StageComponent } from '../component';
import { serviceLevelRuleGroups } from './alerts';

/**
 * What every stage is watched by: the SLO's burn-rate pair and p99 latency, capacity alerts,
 * the alarm-status row (AWS) and the stage's PrometheusRule (Kubernetes). Last in the list: it
 * gathers what the others built. (The SNS topics and the dashboard are the stack's frame,
 * created before any component, so every component has an alarm sink.)
 */
export const observability: StageComponent = {
  id: 'observability',
  applies: () => true,
  postAws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).observabilityPostAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).observabilityK8s),
  ruleGroups: serviceLevelRuleGroups,
};
