import type { KubeObject } from '../k8s/objects';


/** What the Pulumi program deploys: one stage's Kubernetes objects (kept free of Pulumi imports, so the CLI loads it cheaply). */
export interface K8sStageProgramInput {
  readonly product: string;
  readonly stage: string;
  readonly objects: readonly KubeObject[];
  /** kubeconfig context; default: the current one. */
  readonly context?: string;
}

/** Stack config key holding a generated secret's value (`postgres-credentials` -> `postgresCredentials`). */
export function secretConfigKey(secretName: string): string {
  return secretName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Readiness conditions Pulumi's Kubernetes provider understands (the same ones kubectl deploy polls). */
export const WAIT_FOR: Record<string, string> = {
  'postgresql.cnpg.io/Cluster': 'condition=Ready',
  'kafka.strimzi.io/Kafka': 'condition=Ready',
  'kafka.strimzi.io/KafkaTopic': 'condition=Ready',
  'kafka.strimzi.io/KafkaUser': 'condition=Ready',
  'keda.sh/ScaledObject': 'condition=Ready',
  'redis.redis.opstreelabs.in/RedisReplication': 'jsonpath={.status.masterNode}',
};
