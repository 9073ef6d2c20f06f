import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** One host behind the reader name. */
export interface ReaderTarget {
  /** Stable construct ID of the target's record, e.g. `Replica1`. */
  readonly id: string;
  /** The host's DNS name (an RDS endpoint address). */
  readonly hostname: string;
  /**
   * An alarm whose ALARM state takes the host out of the rotation (a Route 53 health check
   * on the alarm), e.g. replication lag over the staleness bound. It must be a plain metric
   * alarm (Route 53 does not follow metric math) with standard resolution.
   * @default always in rotation
   */
  readonly healthAlarm?: cloudwatch.IAlarm;
}

export interface ReaderEndpointProps {
  /** The private zone the reader name goes in. Required: the endpoint is a DNS name, and only you know the zone your VPC resolves. */
  readonly zone: route53.IPrivateHostedZone;
  /** Record name relative to the zone, e.g. `reader.shard0.db`. */
  readonly recordName: string;
  /** Hosts that share the read traffic equally (weight 1 each). */
  readonly targets: readonly ReaderTarget[];
  /**
   * A host that answers only when no target is healthy, or when there are no targets (weight 0:
   * Route 53 returns zero-weight records only when every non-zero one is unhealthy). Usually
   * the primary, so reads degrade to it instead of failing.
   * @default no fallback
   */
  readonly fallbackHostname?: string;
  /** @default Duration.seconds(30) */
  readonly ttl?: Duration;
}

/**
 * One hostname for readers: weighted CNAME records in a private hosted zone, one per
 * replica with equal weight, each withdrawn by a Route 53 health check when its alarm fires
 * (a lagging or dead replica stops getting reads), and a zero-weight fallback to the
 * primary. Every record is weighted from the start, so adding replicas later is a pure
 * addition (Route 53 refuses a simple and a weighted record with the same name).
 */
export class ReaderEndpoint extends Construct {
  /** The reader hostname applications connect to. */
  readonly hostname: string;
  readonly records: route53.CnameRecord[] = [];
  readonly healthChecks: route53.HealthCheck[] = [];

  constructor(scope: Construct, id: string, props: ReaderEndpointProps) {
    super(scope, id);
    if (!props.targets.length && !props.fallbackHostname) throw new Error('ReaderEndpoint: give at least one target or a fallback');
    const ttl = props.ttl ?? Duration.seconds(30);
    this.hostname = `${props.recordName}.${props.zone.zoneName}`;
    const region = Stack.of(this).region;

    for (const target of props.targets) {
      let healthCheck: route53.HealthCheck | undefined;
      if (target.healthAlarm) {
        healthCheck = new route53.HealthCheck(this, `${target.id}Health`, {
          type: route53.HealthCheckType.CLOUDWATCH_METRIC,
          alarmIdentifier: { name: target.healthAlarm.alarmName, region },
          // A replica that stops reporting is treated as it last was; its lag alarm treats missing data as breaching.
          insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
        });
        this.healthChecks.push(healthCheck);
      }
      this.records.push(
        new route53.CnameRecord(this, target.id, {
          zone: props.zone,
          recordName: props.recordName,
          domainName: target.hostname,
          ttl,
          weight: 1,
          setIdentifier: target.id.toLowerCase(),
          healthCheck,
        }),
      );
    }
    if (props.fallbackHostname) {
      this.records.push(
        new route53.CnameRecord(this, 'Fallback', {
          zone: props.zone,
          recordName: props.recordName,
          domainName: props.fallbackHostname,
          ttl,
          weight: 0,
          setIdentifier: 'fallback',
        }),
      );
    }
  }
}
