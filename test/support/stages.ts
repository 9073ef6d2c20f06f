/**
 * Read access to what globalSetup synthesized: each stage once per run, shared by every
 * test file. A stage whose synth failed throws its synth error here, failing only the
 * tests that use it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { readK8sObjectsFile } from '../../core/k8s-objects-file';
import type { Plan } from '../../core/plan';
import type { StageName } from '../../core/ladder';
import { SYNTH_OUT, SYNTH_REPORT } from './paths';

interface SynthReport {
  totalMilliseconds: number;
  results: Record<string, { ok: boolean; error?: string; milliseconds: number; file?: string }>;
}

let report: SynthReport | undefined;
function synthReport(): SynthReport {
  if (!report) {
    if (!fs.existsSync(SYNTH_REPORT)) throw new Error(`${SYNTH_REPORT} is missing: run the tests through jest (its globalSetup synthesizes the stages)`);
    report = JSON.parse(fs.readFileSync(SYNTH_REPORT, 'utf8')) as SynthReport;
  }
  return report;
}

function artifactFile(target: 'aws' | 'k8s', stage: StageName): string {
  const entry = synthReport().results[`${target}/${stage}`];
  if (!entry) throw new Error(`no ${target} synth of ${stage} in this run`);
  if (!entry.ok) throw new Error(`${target} synth of ${stage} failed:\n${entry.error}`);
  return entry.file!;
}

const templates = new Map<string, any>();
/** The CloudFormation template of a stage (parsed once per test file). */
export function awsTemplate(stage: StageName): any {
  if (!templates.has(stage)) templates.set(stage, JSON.parse(fs.readFileSync(artifactFile('aws', stage), 'utf8')));
  return templates.get(stage);
}

/** The cloud assembly directory of a stage. */
export function awsAssemblyDir(stage: StageName): string {
  return path.dirname(artifactFile('aws', stage));
}

const manifests = new Map<string, any[]>();
/**
 * The Kubernetes objects of a stage, in manifest order: from the objects file synth writes beside the
 * manifest when it matches it (as cost --from reads them; test/determinism.test.ts holds them equal to
 * the YAML's documents), else parsed from the YAML.
 */
export function k8sObjects(stage: StageName): any[] {
  if (!manifests.has(stage)) {
    const manifestFile = artifactFile('k8s', stage);
    const text = fs.readFileSync(manifestFile, 'utf8');
    manifests.set(stage, (readK8sObjectsFile(manifestFile, text) as any[] | undefined) ?? parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o !== null));
  }
  return manifests.get(stage)!;
}

export function k8sManifestFile(stage: StageName): string {
  return artifactFile('k8s', stage);
}

/** The plan the shared synth rendered for a stage. */
export function stagePlan(stage: StageName): Plan {
  return JSON.parse(fs.readFileSync(path.join(SYNTH_OUT, `${stage}.plan.json`), 'utf8'));
}

export function synthMilliseconds(target: 'aws' | 'k8s', stage: StageName): number {
  return synthReport().results[`${target}/${stage}`]?.milliseconds ?? NaN;
}
