/**
 * The cdk8s app (see cdk8s.yaml): `npx cdk8s synth` writes `<stage>.k8s.yaml` into `dist/`
 * (or `$CDK8S_OUTDIR`), one multi-document manifest per stage, namespace first.
 *
 *   STAGEKIT_STAGE    a stage name, or `all`                  (default: single-server)
 *   STAGEKIT_PROFILE  a profile file, or a name in profiles/  (default: growing-product)
 *   STAGEKIT_ACTIVE_SHARDS  shards the shard map routes to while new ones are backfilled (default: all)
 *
 *   STAGEKIT_STAGE=all STAGEKIT_PROFILE=million-merchants npx cdk8s synth
 */
import * as fs from 'fs';
import * as path from 'path';
import { computePlan, validateActiveShards } from '../core/plan';
import { DEFAULT_PROFILE_FILE, loadProfile } from '../core/profile';
import { runOrExit } from '../terminal/exit';
import { UsageError } from '../core/errors';
import { STAGE_NAMES, stageByName, StageName } from '../core/ladder';
import { buildK8sApp } from './k8s/app';

/** `million-merchants` -> profiles/million-merchants.yaml; anything with a slash or a .yaml/.yml suffix is a path. */
export function profileFile(value: string | undefined): string {
  if (!value) return DEFAULT_PROFILE_FILE;
  if (value.includes('/') || /\.ya?ml$/.test(value)) return path.resolve(value);
  return path.join(path.dirname(DEFAULT_PROFILE_FILE), `${value}.yaml`);
}

export function selectedStages(value: string | undefined): StageName[] {
  if (!value) return ['single-server'];
  if (value === 'all') return [...STAGE_NAMES];
  return [stageByName(value).name];
}

if (require.main === module) {
  runOrExit(() => {
    const profile = loadProfile(profileFile(process.env.STAGEKIT_PROFILE));
    const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
    fs.mkdirSync(outdir, { recursive: true });
    const active = process.env.STAGEKIT_ACTIVE_SHARDS;
    // Refused even when no selected stage is sharded; the range is checked per stage by the one rule.
    if (active !== undefined && !/^\d+$/.test(active)) throw new UsageError(`STAGEKIT_ACTIVE_SHARDS: expected a whole number of shards, got ${JSON.stringify(active)}`);
    for (const stage of selectedStages(process.env.STAGEKIT_STAGE)) {
      const plan = computePlan(profile, stage);
      // Applies to the sharded stages only (`all` synthesizes the earlier ones too), validated by the one rule.
      const activeShards = active !== undefined && plan.database && plan.database.shards > 1 ? validateActiveShards(plan, active, 'STAGEKIT_ACTIVE_SHARDS') : undefined;
      const yaml = buildK8sApp(plan, undefined, { activeShards }).synthYaml();
      fs.writeFileSync(path.join(outdir, `${stage}.k8s.yaml`), yaml);
    }
  });
}
