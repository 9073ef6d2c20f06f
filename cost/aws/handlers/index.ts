/**
 * The registry of AWS service handlers: one file per priced service, each declaring the CloudFormation types it
 * prices (and the types of that service that are free, billed per use, or not priceable). Adding a service is
 * one file and one line in SERVICES; a type claimed twice fails at load time.
 */
import { backupService } from './backup';
import { cloudfrontService } from './cloudfront';
import { dynamodbService } from './dynamodb';
import { ecsService } from './ecs';
import { lambdaService } from './lambda';
import { cloudwatchService } from './cloudwatch';
import { ec2Service } from './ec2';
import { eksService } from './eks';
import { elasticacheService } from './elasticache';
import { elbService } from './elb';
import { kmsService } from './kms';
import { mskService } from './msk';
import { networkService } from './network';
import { platformService } from './others';
import { rdsService } from './rds';
import { opensearchService } from './opensearch';
import { route53Service } from './route53';
import { s3Service } from './s3';
import { secretsService } from './secrets';
import { sqsService } from './sqs';
import type { ResourceHandler, ServiceHandlers } from './types';

export type { ResourceHandler, ServiceHandlers } from './types';

export const SERVICES: readonly ServiceHandlers[] = [
  ec2Service,
  networkService,
  elbService,
  rdsService,
  elasticacheService,
  mskService,
  sqsService,
  cloudwatchService,
  secretsService,
  kmsService,
  route53Service,
  eksService,
  backupService,
  ecsService,
  lambdaService,
  dynamodbService,
  cloudfrontService,
  s3Service,
  opensearchService,
  platformService,
];

function registry(): {
  handlers: Record<string, ResourceHandler<any>>;
  free: Record<string, string>;
  payPerUse: Record<string, string>;
  notPriced: Record<string, string>;
  serviceOf: Record<string, string>;
} {
  const out = { handlers: {} as Record<string, ResourceHandler<any>>, free: {} as Record<string, string>, payPerUse: {} as Record<string, string>, notPriced: {} as Record<string, string>, serviceOf: {} as Record<string, string> };
  const claim = (type: string, service: string) => {
    if (out.serviceOf[type]) throw new Error(`${type} is declared by both ${out.serviceOf[type]} and ${service}`);
    out.serviceOf[type] = service;
  };
  for (const service of SERVICES) {
    for (const handler of service.handlers) {
      for (const type of handler.types) {
        claim(type, service.service);
        out.handlers[type] = handler;
      }
    }
    for (const [type, reason] of Object.entries(service.free ?? {})) (claim(type, service.service), (out.free[type] = reason));
    for (const [type, reason] of Object.entries(service.payPerUse ?? {})) (claim(type, service.service), (out.payPerUse[type] = reason));
    for (const [type, reason] of Object.entries(service.notPriced ?? {})) (claim(type, service.service), (out.notPriced[type] = reason));
  }
  return out;
}

const REGISTRY = registry();

/** The handler of each priced type. */
export const HANDLERS: Readonly<Record<string, ResourceHandler<any>>> = REGISTRY.handlers;
/** Types with no charge of their own (their cost, if any, is on the resource they configure). */
export const FREE_TYPES: Readonly<Record<string, string>> = REGISTRY.free;
/** Types without a standing charge, billed per request or per use; the engine does not model their usage. */
export const PAY_PER_USE_TYPES: Readonly<Record<string, string>> = REGISTRY.payPerUse;
/** Types with a charge the catalog has no price for: listed as not priced, with the reason. */
export const NOT_IN_CATALOG: Readonly<Record<string, string>> = REGISTRY.notPriced;
/** Which service file declares a type. */
export const SERVICE_OF_TYPE: Readonly<Record<string, string>> = REGISTRY.serviceOf;

/** Is this a CDK custom resource (Lambda-backed, no charge of its own)? */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') && !HANDLERS[type];
}
