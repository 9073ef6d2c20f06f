/**
 * stagekit's Kubernetes constructs (`stagekit/k8s`): cdk8s constructs on the CloudNativePG, Strimzi,
 * KEDA, prometheus-operator and OT redis-operator CRDs. Each validates its props when constructed.
 * The typed CRD classes themselves are `stagekit/k8s/crds`.
 */
export * from './kafka-cluster';
export * from './monitoring';
export * from './network-policies';
export * from './pod-defaults';
export * from './postgres-cluster';
export * from './queue-worker';
export * from './replicated-cache';
export * from './single-node-store';
export * from './web-app';
