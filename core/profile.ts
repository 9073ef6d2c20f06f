import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { describeValue, UsageError } from './errors';
import { SUPPORTED_REGIONS } from './regions';

/** A placeholder web server that runs unprivileged on 8080; replace it with your app's image. */
export const DEFAULT_APP_IMAGE = 'nginxinc/nginx-unprivileged:1.27-alpine';

export { SUPPORTED_REGIONS } from './regions';
export type { Region } from './regions';

export const QUEUE_TECHNOLOGIES = ['sqs', 'kafka'] as const;
export type QueueTechnology = (typeof QUEUE_TECHNOLOGIES)[number];

const positive = (what: string) => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what} greater than 0` });
const share = (what: string) => z.number({ error: `expected ${what} between 0 and 1` }).min(0, { error: `expected ${what} between 0 and 1` }).max(1, { error: `expected ${what} between 0 and 1` });

/**
 * Sizing assumptions. Every default below is a rule of thumb for a database-backed web
 * monolith (the reference company ran Ruby on Rails on MySQL); override them with your
 * own measurements: they drive every count and size in the plan.
 */
const assumptionsSchema = z
  .object({
    requestsPerSecondPerVcpu: positive('requests per second one vCPU serves')
      .default(40)
      .describe('Requests/s one app vCPU serves at 100% CPU (about 25 ms of CPU per request).'),
    targetCpuUtilization: positive('a CPU utilization')
      .max(1, { error: 'expected a CPU utilization greater than 0, at most 1' })
      .default(0.6)
      .describe('CPU utilization at peak that leaves room for spikes and keeps p99 latency flat.'),
    queriesPerRequest: positive('SQL queries per request').default(5).describe('SQL read queries one request makes.'),
    queriesPerSecondPerDatabaseVcpu: positive('queries per second per database vCPU')
      .default(500)
      .describe('Indexed OLTP queries/s one database vCPU serves (about 2 ms of CPU each).'),
    writesPerSecondPerDatabaseVcpu: positive('writes per second per database vCPU')
      .default(200)
      .describe('Row writes/s one database vCPU sustains, WAL and index upkeep included.'),
    hotDataShare: share('a share of the dataset').default(0.1).describe('Share of the dataset read often enough to be kept in memory.'),
    cacheHitRatio: share('a cache hit ratio').default(0.8).describe('Share of read queries the cache answers from the read-replicas stage on.'),
    maxShardGiB: positive('a shard size in GiB')
      .default(1024)
      .describe('Largest dataset one shard should hold, so a rebuild or restore finishes within hours.'),
    averageJobSeconds: positive('seconds per background job').default(0.5).describe('Wall-clock time of one background job.'),
    jobsInFlightPerWorkerVcpu: positive('concurrent jobs per worker vCPU')
      .default(4)
      .describe('Jobs one worker vCPU runs at once (jobs wait on I/O most of the time).'),
    jobMessageKiB: positive('a message size in KiB').default(2).describe('Size of one queued job message.'),
    averageToPeakLoad: share('a ratio of average to peak load')
      .default(0.4)
      .describe('Average traffic over a month as a share of peak; turns peak rates into monthly usage.'),
    planningHorizonMonths: z.number().int().min(1).max(60).default(12).describe('Months of data growth that storage is sized for.'),
  })
  .strict();

const consistencySchema = z.union(
  [
    z.literal('strong'),
    z
      .object({
        boundedStalenessSeconds: z.number().int().min(1).max(3600).describe('How stale a read may be, in seconds.'),
      })
      .strict(),
  ],
  { error: 'expected "strong" or { boundedStalenessSeconds: N }' },
);

const seasonalPeakSchema = z
  .object({
    multiplier: z
      .number({ error: 'expected a multiplier of the peak' })
      .min(1, { error: 'expected a multiplier between 1 and 20' })
      .max(20, { error: 'expected a multiplier between 1 and 20' })
      .describe('Peak traffic in that month as a multiple of the usual peak (e.g. 3 for a Black-Friday week).'),
    month: z
      .number({ error: 'expected a calendar month 1-12' })
      .int({ error: 'expected a calendar month 1-12' })
      .min(1, { error: 'expected a calendar month 1-12' })
      .max(12, { error: 'expected a calendar month 1-12' })
      .describe('Calendar month of the peak, 1 (January) to 12 (December).'),
  })
  .strict();

export const profileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z
      .string({ error: 'expected a product name' })
      .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, {
        error: 'expected 3-40 lowercase letters, digits or hyphens, starting with a letter (it names the stack)',
      })
      .describe('Product name: names the CloudFormation stack and the Kubernetes namespace.'),
    region: z.enum(SUPPORTED_REGIONS, { error: `expected one of ${SUPPORTED_REGIONS.join(', ')}` }).describe('AWS region (self-hosted prices use the nearest provider location).'),
    app: z
      .object({
        image: z.string().min(1).default(DEFAULT_APP_IMAGE).describe('Container image of the web application (runs as a non-root user).'),
        port: z.number().int().min(1024).max(65535).default(8080).describe('Port the application listens on (unprivileged).'),
        healthCheckPath: z.string().regex(/^\//, { error: 'expected a path starting with /' }).default('/healthz'),
      })
      .strict()
      .default({ image: DEFAULT_APP_IMAGE, port: 8080, healthCheckPath: '/healthz' }),
    traffic: z
      .object({
        peakRequestsPerSecond: positive('requests per second').describe('Requests/s at the busiest hour.'),
        readShare: share('a share of requests').describe('Share of requests that only read (0-1).'),
        averageResponseKiB: positive('a response size in KiB').describe('Average response body size, KiB.'),
        monthlyGrowthPercent: z
          .number({ error: 'expected a growth in percent per month' })
          .min(-50, { error: 'expected a growth between -50 and 200 percent per month' })
          .max(200, { error: 'expected a growth between -50 and 200 percent per month' })
          .default(0)
          .describe('Peak traffic growth per month, percent (writes and background jobs grow with it). stagekit advise projects months ahead with it.'),
        seasonalPeak: seasonalPeakSchema.optional().describe('A recurring busiest month (e.g. Black Friday in November): peak traffic, writes and jobs times a multiplier in that month.'),
      })
      .strict(),
    data: z
      .object({
        datasetGiB: positive('a dataset size in GiB').describe('Database size today, GiB.'),
        monthlyGrowthPercent: z.number().min(0).max(200).describe('Dataset growth per month, percent.'),
        writesPerSecond: z.number().min(0).describe('Row writes/s at peak.'),
        backupRetentionDays: z.number().int().min(7).max(35).default(7).describe('Days of automated backups (point-in-time recovery window).'),
      })
      .strict(),
    async: z
      .object({
        jobsPerSecond: z.number().min(0).describe('Background jobs/s at peak.'),
        queue: z.enum(QUEUE_TECHNOLOGIES, { error: `expected one of ${QUEUE_TECHNOLOGIES.join(', ')}` }).describe('Queue technology of the queue-pipeline stage.'),
        retentionHours: z.number().int().min(1).max(336).default(96).describe('How long unconsumed messages are kept, hours.'),
        maxJobDelaySeconds: z.number().int().min(1).default(60).describe('Oldest a queued job may get before it pages someone.'),
      })
      .strict(),
    objectives: z
      .object({
        availabilityPercent: z.number().min(90).max(99.999).describe('Availability SLO over 30 days, percent (e.g. 99.9).'),
        p99LatencyMs: positive('a latency in milliseconds').describe('p99 latency target, ms.'),
        consistency: consistencySchema.describe('Read consistency the product needs: "strong" or a staleness bound.'),
      })
      .strict(),
    alerts: z
      .object({ email: z.email({ error: 'expected an email address' }).optional().describe('Where alarms are emailed (optional).') })
      .strict()
      .default({}),
    cdn: z
      .object({
        enabled: z
          .boolean({ error: 'expected true or false' })
          .default(false)
          .describe('Put a CDN in front of the web tier: CloudFront on AWS (from split-tier on), a cache-policy annotation on the Kubernetes Ingress.'),
      })
      .strict()
      .default({ enabled: false })
      .describe('Content delivery network in front of the web tier (off by default).'),
    assumptions: assumptionsSchema.default(assumptionsSchema.parse({})),
  })
  .strict();

export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type SizingAssumptions = Profile['assumptions'];

/** JSON Schema of the profile file, published as profiles/profile.schema.json for editors. */
export function profileJsonSchema(): object {
  return { title: 'stagekit workload profile', ...z.toJSONSchema(profileSchema, { io: 'input', target: 'draft-2020-12' }) };
}

function valueAt(input: unknown, keyPath: readonly PropertyKey[]): unknown {
  let node: any = input;
  for (const key of keyPath) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[key as any];
  }
  return node;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}.` : '';
    return `${where}${issue.keys[0]}: unknown field (check the spelling; see profiles/profile.schema.json)`;
  }
  const given = valueAt(input, issue.path);
  // zod's own messages start with "Invalid input: "; ours already say what is expected.
  const expected = issue.message.replace(/^Invalid (input|option): /, '');
  return `${field}: ${expected}, got ${describeValue(given)}`;
}

/** Validates a parsed profile object; throws a UsageError naming every bad field. */
export function parseProfile(input: unknown, source = 'profile'): Profile {
  const result = profileSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${source}: ${describeIssue(issue, input)}`);
  throw new UsageError(lines.join('\n'));
}

/** Reads and validates a profile YAML (or JSON) file. */
export function loadProfile(file: string): Profile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err: any) {
    throw new UsageError(`${file}: cannot read the profile (${err.code ?? err.message})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
    throw new UsageError(`${file}:${where} not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${file}: expected a YAML mapping of profile fields, got ${describeValue(data)}`);
  }
  return parseProfile(data, path.basename(file));
}

export const DEFAULT_PROFILE_FILE = path.join(__dirname, '..', 'profiles', 'growing-product.yaml');
