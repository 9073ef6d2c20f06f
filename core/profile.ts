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
/** A positive number with a sane static range: beyond it the arithmetic of the plan stops meaning anything. */
const bounded = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what}` })
    .min(min, { error: `expected ${what} from ${min} to ${max}` })
    .max(max, { error: `expected ${what} from ${min} to ${max}` });

/**
 * Patterns for every profile string that reaches a shell (UserData), a config file or a
 * manifest. They are strict on purpose (what the thing really allows, nothing more); the
 * renderers quote these values as well, so neither defence relies on the other.
 */
export const PROFILE_STRING_PATTERNS = {
  /** An OCI image reference: [registry[:port]/]path[:tag][@sha256:digest], lowercase path components. */
  image:
    /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
  /** An HTTP path with an optional simple query: unreserved characters, '/', percent-escapes, '=' and '&' in the query. */
  healthCheckPath: /^\/(?:[A-Za-z0-9._~\/-]|%[0-9A-Fa-f]{2})*(?:\?(?:[A-Za-z0-9._~=&-]|%[0-9A-Fa-f]{2})*)?$/,
  /** A plain mailbox: no quotes, spaces or shell metacharacters (SNS and Alertmanager take it as is). */
  email: /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
  /** A DNS host name (lowercase labels), as an Ingress host and a certificate's name. */
  host: /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
  /** A Kubernetes object name (DNS-1123 subdomain label): a Secret or a cert-manager ClusterIssuer. */
  k8sName: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  /** The editor hint `$schema`: a relative path or URL without spaces, quotes or shell metacharacters. */
  schemaRef: /^[A-Za-z0-9._\/][A-Za-z0-9._~:\/?#@%+=-]{0,2047}$/,
} as const;

const share = (what: string) => z.number({ error: `expected ${what} between 0 and 1` }).min(0, { error: `expected ${what} between 0 and 1` }).max(1, { error: `expected ${what} between 0 and 1` });

/**
 * Sizing assumptions. Every default below is a rule of thumb for a database-backed web
 * monolith (the reference company ran Ruby on Rails on MySQL); override them with your
 * own measurements: they drive every count and size in the plan.
 */
const assumptionsSchema = z
  .object({
    requestsPerSecondPerVcpu: bounded('requests per second one vCPU serves', 0.01, 100_000)
      .default(40)
      .describe('Requests/s one app vCPU serves at 100% CPU (about 25 ms of CPU per request).'),
    targetCpuUtilization: bounded('a CPU utilization', 0.05, 1)
      .default(0.6)
      .describe('CPU utilization at peak that leaves room for spikes and keeps p99 latency flat.'),
    queriesPerRequest: bounded('SQL queries per request', 0.001, 10_000).default(5).describe('SQL read queries one request makes.'),
    queriesPerSecondPerDatabaseVcpu: bounded('queries per second per database vCPU', 1, 1_000_000)
      .default(500)
      .describe('Indexed OLTP queries/s one database vCPU serves (about 2 ms of CPU each).'),
    writesPerSecondPerDatabaseVcpu: bounded('writes per second per database vCPU', 1, 1_000_000)
      .default(200)
      .describe('Row writes/s one database vCPU sustains, WAL and index upkeep included.'),
    hotDataShare: share('a share of the dataset').default(0.1).describe('Share of the dataset read often enough to be kept in memory.'),
    cacheHitRatio: share('a cache hit ratio').default(0.8).describe('Share of read queries the cache answers from the read-replicas stage on.'),
    maxShardGiB: bounded('a shard size in GiB', 10, 65_536)
      .default(1024)
      .describe('Largest dataset one shard should hold, so a rebuild or restore finishes within hours.'),
    averageJobSeconds: bounded('seconds per background job', 0.001, 86_400).default(0.5).describe('Wall-clock time of one background job.'),
    jobsInFlightPerWorkerVcpu: bounded('concurrent jobs per worker vCPU', 0.01, 10_000)
      .default(4)
      .describe('Jobs one worker vCPU runs at once (jobs wait on I/O most of the time).'),
    jobMessageKiB: bounded('a message size in KiB', 0.01, 1024).default(2).describe('Size of one queued job message.'),
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
    days: z
      .number({ error: 'expected the days the peak lasts, 1-28' })
      .int({ error: 'expected the days the peak lasts, 1-28' })
      .min(1, { error: 'expected the days the peak lasts, 1-28' })
      .max(28, { error: 'expected the days the peak lasts, 1-28' })
      .default(7)
      .describe(
        'Days the peak lasts (e.g. 7 for a Black-Friday week). Fixed-size stateful parts (database class, shards, cache, brokers) are sized for the peak all month; autoscaled parts (app tier, workers) are billed at the peak for these days only.',
      ),
  })
  .strict();

export const profileSchema = z
  .object({
    $schema: z
      .string()
      .regex(PROFILE_STRING_PATTERNS.schemaRef, { error: 'expected a schema path or URL (no spaces, quotes or shell characters)' })
      .optional(),
    name: z
      .string({ error: 'expected a product name' })
      .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, {
        error: 'expected 3-40 lowercase letters, digits or hyphens, starting with a letter (it names the stack)',
      })
      .describe('Product name: names the CloudFormation stack and the Kubernetes namespace.'),
    region: z.enum(SUPPORTED_REGIONS, { error: `expected one of ${SUPPORTED_REGIONS.join(', ')}` }).describe('AWS region (self-hosted prices use the nearest provider location).'),
    app: z
      .object({
        image: z
          .string()
          .max(255, { error: 'expected an image reference of at most 255 characters' })
          .regex(PROFILE_STRING_PATTERNS.image, { error: 'expected an image reference such as registry.example.com/team/app:1.2.3 (lowercase path, optional tag or @sha256 digest)' })
          .default(DEFAULT_APP_IMAGE)
          .describe('Container image of the web application (runs as a non-root user).'),
        port: z.number().int().min(1024).max(65535).default(8080).describe('Port the application listens on (unprivileged).'),
        healthCheckPath: z
          .string()
          .max(255, { error: 'expected a path of at most 255 characters' })
          .regex(PROFILE_STRING_PATTERNS.healthCheckPath, {
            error: 'expected a path starting with / made of letters, digits, - . _ ~ / and %XX escapes (optionally ?a=b&c=d)',
          })
          .default('/healthz')
          .describe('HTTP path the load balancer and the probes check (200 = healthy).'),
      })
      .strict()
      .default({ image: DEFAULT_APP_IMAGE, port: 8080, healthCheckPath: '/healthz' }),
    traffic: z
      .object({
        peakRequestsPerSecond: positive('requests per second').max(10_000_000, { error: 'expected at most 10,000,000 requests per second' }).describe('Requests/s at the busiest hour.'),
        readShare: share('a share of requests').describe('Share of requests that only read (0-1).'),
        averageResponseKiB: positive('a response size in KiB').max(1_048_576, { error: 'expected a response size of at most 1,048,576 KiB (1 GiB)' }).describe('Average response body size, KiB.'),
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
        datasetGiB: positive('a dataset size in GiB').max(10_485_760, { error: 'expected a dataset of at most 10,485,760 GiB (10 PiB)' }).describe('Database size today, GiB.'),
        monthlyGrowthPercent: z.number().min(0).max(200).describe('Dataset growth per month, percent.'),
        writesPerSecond: z.number().min(0).max(10_000_000, { error: 'expected at most 10,000,000 writes per second' }).describe('Row writes/s at peak.'),
        backupRetentionDays: z.number().int().min(7).max(35).default(7).describe('Days of automated backups (point-in-time recovery window).'),
      })
      .strict(),
    async: z
      .object({
        jobsPerSecond: z.number().min(0).max(10_000_000, { error: 'expected at most 10,000,000 jobs per second' }).describe('Background jobs/s at peak.'),
        queue: z.enum(QUEUE_TECHNOLOGIES, { error: `expected one of ${QUEUE_TECHNOLOGIES.join(', ')}` }).describe('Queue technology of the queue-pipeline stage.'),
        retentionHours: z.number().int().min(1).max(336).default(96).describe('How long unconsumed messages are kept, hours.'),
        maxJobDelaySeconds: z.number().int().min(1).max(86_400).default(60).describe('Oldest a queued job may get before it pages someone.'),
      })
      .strict(),
    objectives: z
      .object({
        availabilityPercent: z.number().min(90).max(99.999).describe('Availability SLO over 30 days, percent (e.g. 99.9).'),
        p99LatencyMs: z.number({ error: 'expected a latency in milliseconds' }).int({ error: 'expected a whole number of milliseconds' }).min(1, { error: 'expected a latency of at least 1 ms' }).max(600_000, { error: 'expected a latency of at most 600,000 ms' }).describe('p99 latency target, ms.'),
        consistency: consistencySchema.describe('Read consistency the product needs: "strong" or a staleness bound.'),
      })
      .strict(),
    alerts: z
      .object({
        email: z
          .string({ error: 'expected an email address' })
          .max(254, { error: 'expected an email address of at most 254 characters' })
          .regex(PROFILE_STRING_PATTERNS.email, { error: 'expected an email address such as sre@example.com' })
          .optional()
          .describe('Where alarms are emailed (optional).'),
      })
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
    tls: z
      .object({
        host: z
          .string({ error: 'expected a host name' })
          .regex(PROFILE_STRING_PATTERNS.host, { error: 'expected a lowercase DNS host name such as shop.example.com' })
          .optional()
          .describe('Host name the Kubernetes Ingress answers and its certificate names.'),
        issuer: z
          .string({ error: 'expected a ClusterIssuer name' })
          .regex(PROFILE_STRING_PATTERNS.k8sName, { error: 'expected a Kubernetes name (lowercase letters, digits, hyphens)' })
          .optional()
          .describe('cert-manager ClusterIssuer that issues the Ingress certificate (and the in-cluster Redis certificate).'),
        secretName: z
          .string({ error: 'expected a Secret name' })
          .regex(PROFILE_STRING_PATTERNS.k8sName, { error: 'expected a Kubernetes name (lowercase letters, digits, hyphens)' })
          .optional()
          .describe('A kubernetes.io/tls Secret you manage, instead of a cert-manager certificate.'),
        redis: z.boolean({ error: 'expected true or false' }).default(false).describe('Encrypt in-cluster Redis traffic with TLS (needs issuer: cert-manager issues the certificate).'),
        allowHttp: z.boolean({ error: 'expected true or false' }).default(false).describe('Acknowledge that the Kubernetes Ingress serves plain HTTP (no host with issuer or secretName).'),
      })
      .strict()
      .superRefine((tls, ctx) => {
        if ((tls.issuer || tls.secretName) && !tls.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'expected a host name: a certificate needs one (issuer or secretName given)' });
        if (tls.issuer && tls.secretName) ctx.addIssue({ code: 'custom', path: ['secretName'], message: 'expected either issuer (cert-manager) or secretName (your own Secret), not both' });
        if (tls.redis && !tls.issuer) ctx.addIssue({ code: 'custom', path: ['redis'], message: 'expected issuer as well: cert-manager issues the Redis certificate' });
        if (tls.allowHttp && (tls.issuer || tls.secretName)) ctx.addIssue({ code: 'custom', path: ['allowHttp'], message: 'expected allowHttp only without a certificate (issuer or secretName)' });
      })
      .default({ redis: false, allowHttp: false })
      .describe('TLS on Kubernetes: the Ingress certificate (cert-manager or your Secret) and in-cluster Redis TLS. AWS takes an ACM certificate: --cdk-context certificateArn=...'),
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

/** Largest profile file read: real profiles are a few KiB; anything bigger is a mistake (or /dev/zero). */
export const MAX_PROFILE_BYTES = 1024 * 1024;

/**
 * The text of a profile file, read only if it is a regular file under MAX_PROFILE_BYTES:
 * a device, FIFO or directory would block or read forever. The size is checked on the open
 * descriptor and the read stops at the limit, so a file that grows meanwhile cannot get past it.
 */
export function readProfileText(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err: any) {
    throw new UsageError(`${file}: cannot read the profile (${err.code ?? err.message})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${file}: expected a regular profile file, got ${stat.isDirectory() ? 'a directory' : 'a device, pipe or socket'}`);
    if (stat.size > MAX_PROFILE_BYTES) throw new UsageError(`${file}: expected a profile of at most ${MAX_PROFILE_BYTES} bytes, got ${stat.size}`);
    const buffer = Buffer.alloc(MAX_PROFILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_PROFILE_BYTES) throw new UsageError(`${file}: expected a profile of at most ${MAX_PROFILE_BYTES} bytes, got more`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch (err: any) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: cannot read the profile (${err.code ?? err.message})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and validates a profile YAML (or JSON) file. */
export function loadProfile(file: string): Profile {
  const text = readProfileText(file);
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

export { DEFAULT_PROFILE_FILE } from './profile-file';
