/**
 * `<stage>.k8s.objects` beside `<stage>.k8s.yaml`: the same Kubernetes objects as JSON, so `stagekit cost
 * --from DIR` reads a stage in milliseconds instead of parsing its YAML (parsing the ladder's manifests was
 * most of that command's time). It carries the sha256 of the YAML it was written with: a manifest edited or
 * replaced afterwards no longer matches, and readers then parse the YAML, which stays the artifact of record.
 * The extension is not .json on purpose: `kubectl apply -f DIR` takes every .json, .yaml and .yml file of a
 * folder, and this file is not a Kubernetes object.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';

export const K8S_OBJECTS_FORMAT = 'stagekit/k8s-objects@1';

interface ObjectsFile {
  readonly format: typeof K8S_OBJECTS_FORMAT;
  /** sha256 (hex) of the manifest's text. */
  readonly yamlSha256: string;
  readonly objects: unknown[];
}

/** The objects file of a manifest: `sharded.k8s.yaml` -> `sharded.k8s.objects`. */
export function k8sObjectsFileOf(manifestFile: string): string {
  return manifestFile.replace(/\.ya?ml$/, '') + '.objects';
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The text of the objects file of `yaml` (whose parsed documents are `objects`). */
export function k8sObjectsFileText(yaml: string, objects: readonly unknown[]): string {
  const file: ObjectsFile = { format: K8S_OBJECTS_FORMAT, yamlSha256: sha256(yaml), objects: [...objects] };
  return `${JSON.stringify(file)}\n`;
}

/**
 * The objects of the manifest whose text is `yaml`, from its objects file; undefined when there is none, or
 * it is unreadable, of another format, or was written for another text (then parse the YAML).
 */
export function readK8sObjectsFile(manifestFile: string, yaml: string): unknown[] | undefined {
  let file: Partial<ObjectsFile>;
  try {
    file = JSON.parse(fs.readFileSync(k8sObjectsFileOf(manifestFile), 'utf8'));
  } catch {
    return undefined;
  }
  if (file?.format !== K8S_OBJECTS_FORMAT || !Array.isArray(file.objects) || file.yamlSha256 !== sha256(yaml)) return undefined;
  return file.objects;
}
