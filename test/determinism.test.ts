import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { STAGE_NAMES } from '../core/ladder';
import { parseAllDocuments } from 'yaml';
import { stageRenderer } from '../blueprints/render';

const renderer = stageRenderer();
import { TEST_PROFILE_FILE } from './support/paths';
import { awsTemplate, k8sManifestFile, k8sObjects } from './support/stages';

// The shared synth ran once in globalSetup; a second run here must produce the same bytes.
describe('synth is deterministic', () => {
  const profile = loadProfile(TEST_PROFILE_FILE);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-determinism-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test.each(STAGE_NAMES)('Kubernetes manifest of %s; its objects are the YAML\'s documents', (stage) => {
    const again = renderer.writeK8s(computePlan(profile, stage), out);
    expect(fs.readFileSync(again.manifestFile, 'utf8')).toBe(fs.readFileSync(k8sManifestFile(stage), 'utf8'));
    // renderK8s takes the objects from the charts, not from parsing its YAML: they must be the same documents.
    const documents = parseAllDocuments(fs.readFileSync(k8sManifestFile(stage), 'utf8')).map((doc) => doc.toJS()).filter((o) => o !== null);
    expect(again.objects).toEqual(documents);
    expect(k8sObjects(stage)).toEqual(documents);
  });

  test('CloudFormation template of the top stage', () => {
    const again = renderer.writeAws(computePlan(profile, 'queue-pipeline'), out);
    expect(JSON.stringify(again.template)).toBe(JSON.stringify(awsTemplate('queue-pipeline')));
  });
});
