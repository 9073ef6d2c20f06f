import { loadOnFirstCall, StageComponent } from '../component';
import { databaseRuleGroups } from './alerts';

/** Managed (RDS) or operator-run (CloudNativePG) PostgreSQL, its shards and the shard map, from split-tier on. */
export const database: StageComponent = {
  id: 'database',
  applies: (plan) => plan.database !== undefined,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).databaseAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).databaseK8s),
  ruleGroups: databaseRuleGroups,
};
