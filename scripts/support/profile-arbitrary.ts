/** fast-check arbitraries for workload profiles, drawn from the schema's ranges (shared by the property test and scripts/fuzz-synth.ts). */
import fc from 'fast-check';
import { QUEUE_TECHNOLOGIES, SUPPORTED_REGIONS } from '../../core/profile';

/** A number in [min, max] with the edges weighted in; `outside` adds values the schema must refuse. */
function num(min: number, max: number, options: { int?: boolean; outside?: boolean } = {}): fc.Arbitrary<number> {
  const inside = options.int
    ? fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }))
    : fc.oneof(
        fc.constantFrom(min, max),
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
        // Log-uniform: most of a wide range is near its top otherwise.
        fc.double({ min: Math.log10(Math.max(min, 1e-6)), max: Math.log10(max), noNaN: true }).map((e) => Math.min(max, Math.max(min, 10 ** e))),
      );
  if (!options.outside) return inside;
  return fc.oneof({ weight: 12, arbitrary: inside }, { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constantFrom(-1, 0, max * 10, Number.MAX_VALUE)) });
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

const assumptions = fc.record(
  {
    requestsPerSecondPerVcpu: maybe(num(0.01, 100_000)),
    targetCpuUtilization: maybe(num(0.05, 1)),
    queriesPerRequest: maybe(num(0.001, 10_000)),
    queriesPerSecondPerDatabaseVcpu: maybe(num(1, 1_000_000)),
    writesPerSecondPerDatabaseVcpu: maybe(num(1, 1_000_000)),
    hotDataShare: maybe(num(0, 1)),
    cacheHitRatio: maybe(num(0, 1)),
    maxShardGiB: maybe(num(10, 65_536)),
    averageJobSeconds: maybe(num(0.001, 86_400)),
    jobsInFlightPerWorkerVcpu: maybe(num(0.01, 10_000)),
    jobMessageKiB: maybe(num(0.01, 1024)),
    averageToPeakLoad: maybe(num(0, 1)),
    planningHorizonMonths: maybe(num(1, 60, { int: true })),
  },
  { requiredKeys: [] },
);

export const profileArbitrary = fc.record({
  name: fc.oneof(fc.constant('prop-shop'), fc.stringMatching(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/)),
  region: fc.constantFrom(...SUPPORTED_REGIONS),
  traffic: fc.record({
    peakRequestsPerSecond: num(0.001, 10_000_000, { outside: true }),
    readShare: num(0, 1),
    averageResponseKiB: num(0.001, 1_048_576),
  }),
  data: fc.record({
    datasetGiB: num(0.001, 10_485_760, { outside: true }),
    monthlyGrowthPercent: num(0, 200),
    writesPerSecond: num(0, 10_000_000, { outside: true }),
    backupRetentionDays: num(7, 35, { int: true }),
  }),
  async: fc.record({
    jobsPerSecond: num(0, 10_000_000, { outside: true }),
    queue: fc.constantFrom(...QUEUE_TECHNOLOGIES),
    retentionHours: num(1, 336, { int: true }),
    maxJobDelaySeconds: num(1, 86_400, { int: true }),
  }),
  objectives: fc.record({
    availabilityPercent: num(90, 99.999),
    p99LatencyMs: num(1, 600_000, { int: true, outside: true }),
    consistency: fc.oneof(fc.constant('strong' as const), fc.record({ boundedStalenessSeconds: num(1, 3600, { int: true }) })),
  }),
  assumptions,
});

