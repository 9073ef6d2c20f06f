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
    'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription',
    // API Gateway: the API is billed per request; its methods, resources, stages and deployments are not.
    ...['Method', 'Resource', 'Deployment', 'Stage', 'Account', 'Model', 'RequestValidator', 'Authorizer', 'GatewayResponse', 'BasePathMapping', 'UsagePlan', 'UsagePlanKey', 'ApiKey'].map((t) => `AWS::ApiGateway::${t}`),
    ...['Route', 'Integration', 'Stage', 'Deployment', 'Authorizer', 'ApiMapping', 'RouteResponse', 'IntegrationResponse', 'Model'].map((t) => `AWS::ApiGatewayV2::${t}`),
    // Cognito: the user pool is billed per monthly active user; clients, domains and groups are not.
    ...['UserPoolClient', 'UserPoolDomain', 'UserPoolGroup', 'UserPoolResourceServer', 'UserPoolIdentityProvider', 'IdentityPoolRoleAttachment', 'IdentityPool'].map((t) => `AWS::Cognito::${t}`),
  ]),
  payPerUse: {
    'AWS::SNS::Topic': 'billed per publish and delivery (the first million publishes a month are free); alarm notifications are negligible',
    'AWS::Events::Rule': 'AWS service events are free; custom events are billed per million',
    'AWS::Events::EventBus': 'billed per million custom events; not modelled',
    'AWS::StepFunctions::StateMachine': 'billed per state transition; not modelled',
    'AWS::ApiGateway::RestApi': 'billed per request; not modelled',
    'AWS::ApiGatewayV2::Api': 'billed per request; not modelled',
    'AWS::Cognito::UserPool': 'billed per monthly active user beyond the free tier; not modelled',
  },
  notPriced: {
    'AWS::WAFv2::WebACL': 'WAF prices are not in the catalog',
    'AWS::Kinesis::Stream': 'Kinesis prices are not in the catalog',
  },
};
