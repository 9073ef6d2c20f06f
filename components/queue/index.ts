import { StageComponent } from '../component';
import { queueRuleGroups } from './alerts';
import { queueAws, queuePostAws } from './aws';
import { queueK8s } from './k8s';

/** Async work: SQS or MSK and a worker fleet on AWS, Strimzi Kafka and KEDA-scaled workers on Kubernetes (queue-pipeline). */
export const queue: StageComponent = {
  id: 'queue',
  applies: (plan) => plan.queue !== undefined,
  aws: queueAws,
  postAws: queuePostAws,
  k8s: queueK8s,
  ruleGroups: queueRuleGroups,
};
