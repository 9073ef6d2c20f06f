/**
 * Coroot's cloud-pricing aggregate (built from the Infracost pricing DB). Only two sections are used:
 *  - aws.internet_egress[region]: { "<tier start GB>": USD/GB } — data transfer out to the internet;
 *  - aws.inter_region_data_transfer[region]: { ingress_per_gb, egress_per_gb } — despite the JSON key, Coroot's
 *    model names this field IntraRegionDataTransfer: traffic between availability zones of one region.
 * aws.compute is NOT used: about 40% of its rows carry dedicated-tenancy prices (see ../shared/data/SOURCES.md).
 * Values are float32 in the file (0.09000000357627869), so they are rounded to 6 significant digits.
 */
import { z } from 'zod';
import { FeedFormatError } from '../errors';
import type { AwsRegion } from '../types';
import type { FeedTier } from './network';

const Coroot = z.object({
  aws: z.looseObject({
    internet_egress: z.record(z.string(), z.record(z.string(), z.number().nonnegative())),
    inter_region_data_transfer: z.record(
      z.string(),
      z.object({ ingress_per_gb: z.number().nonnegative(), egress_per_gb: z.number().nonnegative() }),
    ),
  }),
});

export interface CorootRegion {
  internetEgressTiers: FeedTier[];
  interAzIngressPerGb: number;
  interAzEgressPerGb: number;
}

/** Undoes float32 storage: 0.10930000245571136 → 0.1093. Six digits keep every price AWS publishes. */
export function fromFloat32(value: number): number {
  return Number(value.toPrecision(6));
}

export function parseCoroot(payload: unknown, region: AwsRegion, feedName: string): CorootRegion {
  const result = Coroot.safeParse(payload);
  if (!result.success) throw new FeedFormatError(feedName, z.prettifyError(result.error));
  const egress = result.data.aws.internet_egress[region];
  const interAz = result.data.aws.inter_region_data_transfer[region];
  if (!egress || !interAz) throw new FeedFormatError(feedName, `no ${region} in internet_egress / inter_region_data_transfer`);
  const starts = Object.keys(egress)
    .map(Number)
    .sort((a, b) => a - b);
  if (starts[0] !== 0) throw new FeedFormatError(feedName, `${region} egress tiers do not start at 0 GB`);
  return {
    internetEgressTiers: starts.map((start, index) => ({
      upTo: index + 1 < starts.length ? starts[index + 1]! : null,
      usd: fromFloat32(egress[String(start)]!),
    })),
    interAzIngressPerGb: fromFloat32(interAz.ingress_per_gb),
    interAzEgressPerGb: fromFloat32(interAz.egress_per_gb),
  };
}
