import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Profile } from '../core/profile';
import { UsageError } from '../core/errors';

/**
 * `<out>/stagekit-run.json`: which run wrote each artifact of an output folder, from which profile.
 * `stagekit synth` records it when it publishes a run; `stagekit cost --from` reads it so it never
 * prices stages of different runs or profiles together as one ladder.
 */
export const RUN_MANIFEST = 'stagekit-run.json';

export interface ArtifactRecord {
  /** The run that wrote the artifact: its start time and process id. */
  readonly run: string;
  /** The profile's product name and file as given. */
  readonly profile: string;
  readonly profileFile: string;
  /** sha256 of the parsed profile: the same profile however it is formatted. */
  readonly profileDigest: string;
  /** Stage options given (`--cdk-context`). */
  readonly options: Record<string, string>;
  readonly stagekitVersion: string;
}

export interface RunManifest {
  readonly tool: 'stagekit';
  /** Keyed by artifact: `aws/<stage>` or `k8s/<stage>`. */
  readonly artifacts: Record<string, ArtifactRecord>;
}

export function profileDigest(profile: Profile): string {
  return createHash('sha256').update(JSON.stringify(profile)).digest('hex');
}

export function readRunManifest(dir: string): RunManifest | undefined {
  const file = path.join(dir, RUN_MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (data?.tool === 'stagekit' && data.artifacts && typeof data.artifacts === 'object') return data as RunManifest;
  } catch {
    // fall through
  }
  throw new UsageError(`${file}: not a stagekit run manifest (unreadable or malformed); synthesize the folder again with \`stagekit synth --all --out ${dir}\``);
}

/** Records the artifacts a run published (over the earlier records of the others), replacing the file whole. */
export function recordRun(dir: string, records: Record<string, ArtifactRecord>): void {
  const previous = readRunManifestQuietly(dir);
  const manifest: RunManifest = { tool: 'stagekit', artifacts: { ...(previous?.artifacts ?? {}), ...records } };
  const file = path.join(dir, RUN_MANIFEST);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

function readRunManifestQuietly(dir: string): RunManifest | undefined {
  try {
    return readRunManifest(dir);
  } catch {
    return undefined;
  }
}

/**
 * Refuses to price `artifacts` of `dir` together unless one run of one profile wrote them all, and
 * that profile is the one pricing them (its usage figures price the pay-per-use lines). Folders
 * written before the manifest existed are accepted as they are.
 */
export function checkOneRun(dir: string, artifacts: readonly string[], profile: Profile, profileFile: string): void {
  const manifest = readRunManifest(dir);
  if (!manifest) return;
  const unknown = artifacts.filter((a) => !manifest.artifacts[a]);
  if (unknown.length) {
    throw new UsageError(`--from ${dir}: ${unknown.join(', ')} ${unknown.length === 1 ? 'was' : 'were'} not written by \`stagekit synth\` (not in ${RUN_MANIFEST}); synthesize them: stagekit synth --all --out ${dir}`);
  }
  const byProfile = groupBy(artifacts, (a) => `${manifest.artifacts[a].profile} (${manifest.artifacts[a].profileFile})`, (a) => manifest.artifacts[a].profileDigest);
  if (byProfile.size > 1) {
    throw new UsageError(`--from ${dir}: its stages come from different profiles: ${describeGroups(byProfile)}. Synthesize them from one profile: stagekit synth --all --profile FILE --out ${dir}`);
  }
  const byRun = groupBy(artifacts, (a) => `run ${manifest.artifacts[a].run}`, (a) => manifest.artifacts[a].run);
  if (byRun.size > 1) {
    throw new UsageError(`--from ${dir}: its stages come from different runs: ${describeGroups(byRun)}. Synthesize them together: stagekit synth --all --out ${dir}`);
  }
  const record = manifest.artifacts[artifacts[0]];
  if (record && record.profileDigest !== profileDigest(profile)) {
    throw new UsageError(`--from ${dir}: it was synthesized from profile ${record.profile} (${record.profileFile}), but the bill would use the usage of ${profile.name} (${profileFile}); pass --profile ${record.profileFile}`);
  }
}

function groupBy(items: readonly string[], label: (item: string) => string, key: (item: string) => string): Map<string, { label: string; items: string[] }> {
  const groups = new Map<string, { label: string; items: string[] }>();
  for (const item of items) {
    const groupKey = key(item);
    const group = groups.get(groupKey) ?? { label: label(item), items: [] };
    group.items.push(item);
    groups.set(groupKey, group);
  }
  return groups;
}

function describeGroups(groups: Map<string, { label: string; items: string[] }>): string {
  return [...groups.values()].map((g) => `${g.items.join(', ')} from ${g.label}`).join('; ');
}
