import { Stack, Tags } from 'aws-cdk-lib';
import { RESOURCE_ROLES, ROLE_TAG } from '../../core/roles';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Address space is laid out for this many zones from day one, so later stages add subnets without moving any. */
export const MAX_ZONES = 3;

export type NatStrategy = 'one-per-zone' | 'single';

export interface NetworkProps {
  /** Zones to build subnets in (the rest of MAX_ZONES is reserved address space). */
  readonly zones: number;
  /**
   * Private and isolated subnets. Off for the single-server stage, whose only machine
   * sits in a public subnet; their address space is reserved either way.
   * @default true
   */
  readonly privateTiers?: boolean;
  /**
   * NAT gateways for the private subnets. `one-per-zone` keeps a zone failure from cutting
   * every zone's egress; `single` saves ~$32/month per extra zone at that risk.
   * @default 'one-per-zone'
   */
  readonly natStrategy?: NatStrategy;
  /** @default '10.0.0.0/16' */
  readonly cidr?: string;
  /**
   * Retention of the VPC flow logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The VPC every stage lives in: public, private (egress through NAT) and isolated (data)
 * subnets across the plan's zones. Zone names are derived from the region rather than
 * looked up, so synth needs no AWS credentials.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if (props.zones < 1 || props.zones > MAX_ZONES) {
      throw new Error(`Network: zones must be between 1 and ${MAX_ZONES}, got ${props.zones}`);
    }
    const privateTiers = props.privateTiers ?? true;
    const region = Stack.of(this).region;
    const zoneNames = ['a', 'b', 'c'].slice(0, props.zones).map((letter) => `${region}${letter}`);
    const natGateways = !privateTiers ? 0 : props.natStrategy === 'single' ? 1 : props.zones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      availabilityZones: zoneNames,
      reservedAzs: MAX_ZONES - props.zones,
      natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20, reserved: !privateTiers },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24, reserved: !privateTiers },
      ],
      // Gateway endpoints are free and keep S3/DynamoDB traffic off the NAT's per-GB charge.
      gatewayEndpoints: privateTiers
        ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } }
        : undefined,
    });

    this.flowLogs = new logs.LogGroup(this, 'FlowLogs', { retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH });
    Tags.of(this.flowLogs).add(ROLE_TAG, RESOURCE_ROLES.flowLogs);
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
  }
}
