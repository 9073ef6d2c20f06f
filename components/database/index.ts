import { StageComponent } from '../component';
import { databaseRuleGroups } from './alerts';
import { databaseAws } from './aws';
import { databaseK8s } from './k8s';

/** Managed (RDS) or operator-run (CloudNativePG) PostgreSQL, its shards and the shard map, from split-tier on. */
export const database: StageComponent = {
  id: 'database',
  applies: (plan) => plan.database !== undefined,
  aws: databaseAws,
  k8s: databaseK8s,
  ruleGroups: databaseRuleGroups,
};
