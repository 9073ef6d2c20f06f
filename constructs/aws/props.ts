import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describeValue } from '../../core/errors';

/**
 * AWS Solutions Constructs' rule for a sub-resource: give an existing one (`existing`) or props for
 * the one the construct creates (`props`), never both. Throws naming both props.
 */
export function eitherExistingOrProps(construct: string, existingName: string, existing: unknown, propsName: string, props: unknown): void {
  if (existing !== undefined && props !== undefined) {
    throw new Error(`${construct}: give ${existingName} (an existing resource) or ${propsName} (settings for the one ${construct} creates), not both`);
  }
}

/** Throws `<Construct>: <prop> expects <expected>, got <value>` unless `ok`. */
export function checkProp(construct: string, prop: string, ok: boolean, expected: string, value: unknown): void {
  if (!ok) throw new Error(`${construct}: ${prop} expects ${expected}, got ${describeValue(value)}`);
}

export const isWhole = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Subnets for a data store in any VPC layout: the isolated subnets when the VPC has some (no route to
 * the internet at all), else the private ones (egress through NAT only); never public subnets.
 */
export function dataSubnets(construct: string, vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.isolatedSubnets.length) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  if (vpc.privateSubnets.length) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  throw new Error(`${construct}: the VPC has no isolated or private subnets, and a data store must not sit in public ones; add private subnets or pass vpcSubnets`);
}

/** Subnets for an application fleet: the private subnets with egress, else the isolated ones; never public ones. */
export function appSubnets(construct: string, vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.privateSubnets.length) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throw new Error(`${construct}: the VPC has no private or isolated subnets for the fleet; add private subnets or pass vpcSubnets`);
}
