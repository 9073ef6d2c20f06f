/**
 * stagekit.lock.json: what `deploy` deployed, per target, kept beside the profile and committed
 * with it. synth, plan, cost and deploy read it so that a profile edit never plans below what
 * is deployed (core/floor.ts), also offline, without credentials or a cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DeployedSizes, mergeDeployedSizes } from '../core/floor';
import { UsageError, describeValue } from '../core/errors';
import { STAGE_NAMES, StageName } from '../core/ladder';
import type { Target } from '../core/rendering';

export const LOCK_FILE = 'stagekit.lock.json';
export const LOCK_VERSION = 1;
/** Real lock files are a few KiB; a bigger one is a mistake. */
const MAX_LOCK_BYTES = 1024 * 1024;

export interface LockEntry {
  readonly stage: StageName;
  readonly deployedAt: string;
  readonly profile: string;
  readonly sizes: DeployedSizes;
}

export interface LockFile {
  readonly lockfileVersion: number;
  readonly product: string;
  readonly targets: Partial<Record<Target, LockEntry>>;
}

const NUMBER_FIELDS = ['zones', 'serverDataVolumeGiB', 'serverClaimTemplateGiB', 'kafkaBrokers', 'kafkaStorageGiBPerBroker', 'kafkaPartitions', 'cacheNodes', 'cacheClaimTemplateGiB'] as const;

/** Reads a lock file; undefined when it does not exist. A malformed one is a usage error naming the field. */
export function readLock(file: string): LockFile | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined;
    throw new UsageError(`${file}: cannot read the lock file (${err.code ?? err.message})`);
  }
  let text: string;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${file}: expected a regular lock file, got ${stat.isDirectory() ? 'a directory' : 'a device, pipe or socket'}`);
    if (stat.size > MAX_LOCK_BYTES) throw new UsageError(`${file}: expected a lock file of at most ${MAX_LOCK_BYTES} bytes, got ${stat.size}`);
    const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
    let length = 0;
    for (let bytesRead = 1; bytesRead > 0 && length <= MAX_LOCK_BYTES; length += bytesRead) bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_LOCK_BYTES) throw new UsageError(`${file}: expected a lock file of at most ${MAX_LOCK_BYTES} bytes, got more`);
    text = buffer.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseLock(data, file);
}

export function parseLock(data: any, file = LOCK_FILE): LockFile {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new UsageError(`${file}: ${field}: expected ${expected}, got ${describeValue(got)}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('(top level)', 'an object', data);
  if (data.lockfileVersion !== LOCK_VERSION) fail('lockfileVersion', String(LOCK_VERSION), data.lockfileVersion);
  if (typeof data.product !== 'string' || !data.product) fail('product', 'a product name', data.product);
  if (typeof data.targets !== 'object' || data.targets === null || Array.isArray(data.targets)) fail('targets', 'an object keyed by target (aws, k8s)', data.targets);
  const targets: Partial<Record<Target, LockEntry>> = {};
  for (const [target, entry] of Object.entries<any>(data.targets)) {
    const at = `targets.${target}`;
    if (target !== 'aws' && target !== 'k8s') fail('targets', 'keys aws or k8s', target);
    if (typeof entry !== 'object' || entry === null) fail(at, 'an object', entry);
    if (!STAGE_NAMES.includes(entry.stage)) fail(`${at}.stage`, `one of ${STAGE_NAMES.join(', ')}`, entry.stage);
    const sizes = entry.sizes;
    if (typeof sizes !== 'object' || sizes === null) fail(`${at}.sizes`, 'an object', sizes);
    for (const field of NUMBER_FIELDS) {
      const value = sizes[field];
      if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 10_000_000)) fail(`${at}.sizes.${field}`, 'a whole number from 0', value);
    }
    if (sizes.databaseStorageGiB !== undefined && !(Array.isArray(sizes.databaseStorageGiB) && sizes.databaseStorageGiB.length <= 1024 && sizes.databaseStorageGiB.every((v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 10_000_000))) {
      fail(`${at}.sizes.databaseStorageGiB`, 'a list of whole GiB per shard', sizes.databaseStorageGiB);
    }
    if (sizes.cacheNodeType !== undefined && !(typeof sizes.cacheNodeType === 'string' && /^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(sizes.cacheNodeType))) fail(`${at}.sizes.cacheNodeType`, 'an ElastiCache node type such as cache.r7g.large', sizes.cacheNodeType);
    targets[target as Target] = {
      stage: entry.stage,
      deployedAt: String(entry.deployedAt ?? ''),
      profile: String(entry.profile ?? ''),
      sizes: { ...sizes, product: data.product, stage: entry.stage, zones: sizes.zones ?? 0 },
    };
  }
  return { lockfileVersion: LOCK_VERSION, product: data.product, targets };
}

/**
 * The floor a plan of `product` keeps: what every target deployed, merged (one plan renders both
 * targets, so neither may shrink). Undefined when nothing is locked. A lock of another product is
 * a usage error (the wrong folder or the wrong profile).
 */
export function lockedFloor(lock: LockFile | undefined, product: string, file = LOCK_FILE): DeployedSizes | undefined {
  if (!lock) return undefined;
  if (lock.product !== product) throw new UsageError(`${file}: product: expected ${product} (the profile's name), got ${JSON.stringify(lock.product)}; pass --lock for this product's lock file, or --no-lock`);
  const entries = Object.values(lock.targets).filter((e): e is LockEntry => e !== undefined);
  if (entries.length === 0) return undefined;
  return entries.map((e) => e.sizes).reduce((a, b) => mergeDeployedSizes(a, b));
}

/** Records a deploy: the target's entry becomes what was deployed, never below what was deployed before. Written atomically. */
export function recordDeploy(file: string, target: Target, entry: LockEntry): LockFile {
  const existing = readLock(file);
  if (existing && existing.product !== entry.sizes.product) {
    throw new UsageError(`${file}: product: expected ${entry.sizes.product}, got ${JSON.stringify(existing.product)}; not overwriting another product's lock`);
  }
  const before = existing?.targets[target];
  const sizes = before ? mergeDeployedSizes(before.sizes, entry.sizes) : entry.sizes;
  const lock: LockFile = { lockfileVersion: LOCK_VERSION, product: entry.sizes.product, targets: { ...existing?.targets, [target]: { ...entry, sizes } } };
  const body = {
    lockfileVersion: lock.lockfileVersion,
    product: lock.product,
    _comment: 'Written by `stagekit deploy`: what is deployed. synth, plan, cost and deploy never plan below it. Commit it with the profile.',
    targets: Object.fromEntries(
      Object.entries(lock.targets).map(([targetName, lockEntry]) => {
        const { product: _p, stage: _s, ...rest } = lockEntry!.sizes;
        return [targetName, { stage: lockEntry!.stage, deployedAt: lockEntry!.deployedAt, profile: lockEntry!.profile, sizes: Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) }];
      }),
    ),
  };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(partial, file);
  return lock;
}
