import { StageComponent } from '../component';
import { cacheRuleGroups } from './alerts';
import { cacheAws } from './aws';
import { cacheK8s } from './k8s';

/** A replicated cache (ElastiCache Valkey, or Redis with Sentinel), from read-replicas on. */
export const cache: StageComponent = {
  id: 'cache',
  applies: (plan) => plan.cache !== undefined,
  aws: cacheAws,
  k8s: cacheK8s,
  ruleGroups: cacheRuleGroups,
};
