/**
 * Region-level traffic lines shared by the AWS bill and the EKS bill: internet egress (tiered) and traffic
 * between availability zones (billed on both sides). Both are usage-based.
 */
import type { AwsRegion, PriceCatalog } from '../catalog';
import { component, CostComponent, PricedResource, resource } from '../model';
import { gib, UsageModel } from '../usage';
import { lookup, sourceOf, tieredLines } from './context';

export function dataTransferOutResource(catalog: PriceCatalog, region: AwsRegion, usage: UsageModel): PricedResource {
  return resource(
    'DataTransferOut',
    'AWS::DataTransfer::Internet',
    lookup(
      'Data transfer out to the internet',
      'GB',
      () => tieredLines('Data transfer out to the internet', 'GB', usage.egressGiBPerMonth, catalog.dataTransferOutTiers(region), `${gib(usage.egressGiBPerMonth)}/month: ${usage.assumptions.slice(0, 2).join('; ')}`),
      true,
    ),
    'the 100 GB/month free allowance is not applied',
  );
}

export interface Flow {
  readonly name: string;
  /** GB that cross a zone boundary per month. */
  readonly gb: number;
  readonly assumption: string;
  /** Why AWS does not charge for this flow (managed replication), when it does not. */
  readonly freeBecause?: string;
}

export function crossAzResource(catalog: PriceCatalog, region: AwsRegion, flows: readonly Flow[]): PricedResource | undefined {
  if (!flows.length) return undefined;
  const interAz = catalog.interAzPerGb(region);
  const perGb = interAz.egress.usd + interAz.ingress.usd;
  const lines: CostComponent[] = flows.map((flow) =>
    flow.freeBecause
      ? component({ name: flow.name, unit: 'GB', quantity: flow.gb, price: 0, usageBased: true, assumption: `${flow.assumption}; ${flow.freeBecause}` })
      : component({ name: flow.name, unit: 'GB', quantity: flow.gb, price: perGb, usageBased: true, priceSource: sourceOf(interAz.egress), assumption: `${flow.assumption}; billed out and in ($${interAz.egress.usd} + $${interAz.ingress.usd}/GB)` }),
  );
  return resource('CrossAzTraffic', 'AWS::DataTransfer::InterAZ', lines);
}

/** "1 of 2 zones away": the share of traffic between two random peers that crosses a zone boundary. */
export function crossShare(zones: number): { share: number; text: string } {
  return { share: (zones - 1) / zones, text: `${zones - 1} of ${zones} zones away` };
}
