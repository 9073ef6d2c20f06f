import { loadOnFirstCall, StageComponent } from '../component';
import { cacheRuleGroups } from './alerts';

/** A replicated cache (ElastiCache Valkey, or Redis with Sentinel), from read-replicas on. */
export const cache: StageComponent = {
  id: 'cache',
  applies: (plan) => plan.cache !== undefined,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).cacheAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).cacheK8s),
  ruleGroups: cacheRuleGroups,
};
