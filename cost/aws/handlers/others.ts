/**
 * Types no handler file prices yet: plumbing with no charge of its own, services billed per use whose usage is
 * not modelled, and services the catalog has no price for (listed as not priced, with the reason).
 */
import type { ServiceHandlers } from './types';

const noCharge = (types: string[]): Record<string, string> => Object.fromEntries(types.map((t) => [t, 'no charge']));

export const platformService: ServiceHandlers = {
  service: 'CloudFormation, IAM and account plumbing',
  handlers: [],
  free: noCharge([
    'AWS::CDK::Metadata', 'AWS::CloudFormation::WaitCondition', 'AWS::CloudFormation::WaitConditionHandle', 'AWS::CloudFormation::CustomResource',
    'AWS::CertificateManager::Certificate', 'AWS::SSM::Parameter',
    'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription',
    'AWS::Lambda::Permission', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::EventSourceMapping',
  ]),
  payPerUse: {
    'AWS::Lambda::Function': 'billed per request and GB-second; no standing charge (invocations not modelled)',
    'AWS::SNS::Topic': 'billed per publish and delivery (the first million publishes a month are free); alarm notifications are negligible',
    'AWS::Events::Rule': 'AWS service events are free; custom events are billed per million',
    'AWS::Events::EventBus': 'billed per million custom events; not modelled',
    'AWS::StepFunctions::StateMachine': 'billed per state transition; not modelled',
    'AWS::ApiGateway::RestApi': 'billed per request; not modelled',
    'AWS::ApiGatewayV2::Api': 'billed per request; not modelled',
    'AWS::CloudFront::Distribution': 'billed per request and GB delivered; not modelled',
  },
  notPriced: {
    'AWS::S3::Bucket': 'S3 storage and request prices are not in the catalog',
    'AWS::DynamoDB::Table': 'DynamoDB prices are not in the catalog',
    'AWS::ECS::Service': 'Fargate task prices are not modelled (EC2-backed services are priced through their instances)',
    'AWS::WAFv2::WebACL': 'WAF prices are not in the catalog',
    'AWS::Kinesis::Stream': 'Kinesis prices are not in the catalog',
  },
};
