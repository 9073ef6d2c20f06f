import { loadOnFirstCall, StageComponent } from '../component';
import { queueRuleGroups } from './alerts';

/** Async work: SQS or MSK and a worker fleet on AWS, Strimzi Kafka and KEDA-scaled workers on Kubernetes (queue-pipeline). */
export const queue: StageComponent = {
  id: 'queue',
  applies: (plan) => plan.queue !== undefined,
  aws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).queueAws),
  postAws: loadOnFirstCall(() => (require('./aws') as typeof import('./aws')).queuePostAws),
  k8s: loadOnFirstCall(() => (require('./k8s') as typeof import('./k8s')).queueK8s),
  ruleGroups: queueRuleGroups,
};
