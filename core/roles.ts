/**
 * What a synthesized resource is for, as the constructs tag it (`stagekit:role`) and the cost engine reads it:
 * a log group's content decides its volume, a distribution's role decides which traffic it carries. One list
 * here so the construct that sets a role and the handler that reads it cannot drift apart.
 */
export const ROLE_TAG = 'stagekit:role';

export const RESOURCE_ROLES = {
  /** The web fleet's log group: one request log line per request. */
  requestLogs: 'request-logs',
  /** The worker fleet's log group: a few lines per job. */
  jobLogs: 'job-logs',
  /** A log group an AWS service writes its own logs to (Postgres, the cache, Kafka brokers). */
  serviceLogs: 'service-logs',
  /** The log group VPC flow logs go to. */
  flowLogs: 'flow-logs',
  /** The stateless app servers behind the load balancer. */
  webFleet: 'web',
  /** The servers that work the queue. */
  workerFleet: 'worker',
  /** The CDN in front of the web tier. */
  cdn: 'cdn',
  /** The bucket the load balancer writes its access logs to. */
  accessLogs: 'access-logs',
} as const;

export type ResourceRole = (typeof RESOURCE_ROLES)[keyof typeof RESOURCE_ROLES];
