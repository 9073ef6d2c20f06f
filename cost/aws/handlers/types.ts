/**
 * The shape of a service handler, as infracost has one per resource type: `read` takes what pricing needs out
 * of the template (literals, references to other resources) into a small spec; `price` turns that spec into
 * cost components from the catalog. Reading never looks a price up and pricing never reads the template, so
 * each side is tested on its own and a spec can be priced in any region or commitment.
 */
import type { PricedResource } from '../../model';
import type { AwsContext } from '../context';
import type { CfnResource, CfnTemplate } from '../template';

export interface ResourceHandler<Spec = unknown> {
  /** CloudFormation types this handler prices. */
  readonly types: readonly string[];
  read(template: CfnTemplate, id: string, resource: CfnResource): Spec;
  price(ctx: AwsContext, id: string, type: string, spec: Spec): PricedResource;
}

/** One priced AWS service: its handlers and the types it knows to be free, pay-per-use or unpriceable. */
export interface ServiceHandlers {
  readonly service: string;
  readonly handlers: readonly ResourceHandler<any>[];
  /** Types with no charge of their own (their cost, if any, is on the resource they configure). */
  readonly free?: Readonly<Record<string, string>>;
  /** Types without a standing charge, billed per request or per use, whose usage is not modelled. */
  readonly payPerUse?: Readonly<Record<string, string>>;
  /** Types with a charge the catalog has no price for, with the reason. */
  readonly notPriced?: Readonly<Record<string, string>>;
}

/** Declares a handler with its spec type inferred from `read`. */
export function handler<Spec>(definition: ResourceHandler<Spec>): ResourceHandler<Spec> {
  return definition;
}

export const props = (r: CfnResource): Record<string, any> => r.Properties ?? {};
