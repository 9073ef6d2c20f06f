/**
 * Derives "standalone-strict" JSON schemas for built-in Kubernetes kinds from the vendored
 * Kubernetes 1.27 `_definitions.json`, in the style of yannh/kubernetes-json-schema
 * `vX-standalone-strict` (what kubeconform uses):
 *   - every `$ref` is inlined, so the schema stands alone;
 *   - `additionalProperties: false` on every object that declares `properties` (unless it already
 *     says otherwise), so a misspelled field is an error instead of being silently dropped;
 *   - `apiVersion` and `kind` are pinned with one-value enums.
 *
 * The test suite derives schemas in memory through `deriveStrictSchema`; the CLI writes files
 * byte-compatible with the yannh layout, or checks existing files against the derivation:
 *
 *   npx tsx scripts/k8s/derive-strict-schema.ts rbac.authorization.k8s.io/v1 Role   # JSON to stdout
 *   npx tsx scripts/k8s/derive-strict-schema.ts --out DIR apps/v1 Deployment v1 Service
 *   npx tsx scripts/k8s/derive-strict-schema.ts --check DIR    # compare every DIR/*.json
 */
import * as fs from 'fs';
import * as path from 'path';

export type JsonSchema = { [keyword: string]: any };

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export const DEFAULT_DEFINITIONS_PATH = path.join(__dirname, '..', '..', 'data', 'k8s', '1.27', '_definitions.json');

const SCHEMA_DIALECT = 'http://json-schema.org/schema#';
const DEFINITION_REF_PREFIX = '#/definitions/';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** File name used by yannh/kubernetes-json-schema: `deployment-apps-v1.json`, `service-v1.json`. */
export function strictSchemaFileName(gvk: GroupVersionKind): string {
  const groupPart = gvk.group ? `-${gvk.group.split('.')[0]}` : '';
  return `${gvk.kind.toLowerCase()}${groupPart}-${gvk.version}.json`;
}

/**
 * Index over one `_definitions.json`. Inlined definitions are memoised and shared between the
 * schemas derived from the same index: the output is a DAG, which JSON.stringify and ajv handle,
 * so treat derived schemas as read-only.
 */
export class KubernetesDefinitions {
  private readonly definitions: Record<string, JsonSchema>;
  private readonly nameByGvk = new Map<string, string>();
  private readonly inlined = new Map<string, JsonSchema>();
  private readonly inlining = new Set<string>();

  static load(definitionsPath: string = DEFAULT_DEFINITIONS_PATH): KubernetesDefinitions {
    return new KubernetesDefinitions(JSON.parse(fs.readFileSync(definitionsPath, 'utf8')));
  }

  constructor(document: { definitions: Record<string, JsonSchema> }) {
    this.definitions = document.definitions;
    for (const [name, definition] of Object.entries(this.definitions)) {
      for (const gvk of (definition['x-kubernetes-group-version-kind'] ?? []) as GroupVersionKind[]) {
        // Some shared types (DeleteOptions, WatchEvent) list every group; a kind's own definition
        // is the one whose name ends in `.Kind`, so prefer it when several claim the same GVK.
        const key = gvkKey(gvk);
        if (!this.nameByGvk.has(key) || name.endsWith(`.${gvk.kind}`)) this.nameByGvk.set(key, name);
      }
    }
  }

  /** Every group/version/kind declared in the definitions, sorted for stable output. */
  kinds(): GroupVersionKind[] {
    return [...this.nameByGvk.keys()].sort().map((key) => {
      const [group, version, kind] = key.split('|');
      return { group, version, kind };
    });
  }

  definitionNameFor(apiVersion: string, kind: string): string | undefined {
    return this.nameByGvk.get(gvkKey({ ...splitApiVersion(apiVersion), kind }));
  }

  /** The standalone-strict schema of a built-in kind, or undefined if 1.27 has no such kind. */
  strictSchemaFor(apiVersion: string, kind: string): JsonSchema | undefined {
    const name = this.definitionNameFor(apiVersion, kind);
    if (!name) return undefined;
    const body = this.inlineDefinition(name);
    // Copy the two pinned properties instead of mutating the shared, memoised definition.
    const properties = { ...body.properties };
    if (properties.apiVersion) properties.apiVersion = { ...properties.apiVersion, enum: [apiVersion] };
    if (properties.kind) properties.kind = { ...properties.kind, enum: [kind] };
    return { $schema: SCHEMA_DIALECT, ...body, properties };
  }

  /** A definition with refs inlined and strictness applied; memoised per definition name. */
  inlineDefinition(name: string): JsonSchema {
    const done = this.inlined.get(name);
    if (done) return done;
    const definition = this.definitions[name];
    if (!definition) throw new Error(`_definitions.json has no definition named ${name}`);
    if (this.inlining.has(name)) {
      // Only the apiextensions JSONSchemaProps family is recursive; it cannot be inlined finitely,
      // so the recursive occurrence accepts anything (documented rather than silently truncated).
      return { description: `${name} (recursive reference, not inlined)` };
    }
    this.inlining.add(name);
    try {
      const result = strictify(definition, (ref) => this.inlineDefinition(definitionNameOf(ref)));
      this.inlined.set(name, result);
      return result;
    } finally {
      this.inlining.delete(name);
    }
  }

  /**
   * Every definition with the same strictness as `strictSchemaFor` but with `$ref`s kept, for a
   * validator that compiles shared definitions (ObjectMeta, PodSpec...) once instead of once per
   * occurrence. Validates exactly like the inlined schemas: only the precedence of `description`
   * next to a `$ref` differs, and descriptions do not validate.
   */
  strictDefinitionsWithRefs(): Record<string, JsonSchema> {
    return Object.fromEntries(Object.entries(this.definitions).map(([name, definition]) => [name, strictify(definition)]));
  }
}

function definitionNameOf(ref: string): string {
  if (!ref.startsWith(DEFINITION_REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(DEFINITION_REF_PREFIX.length);
}

/**
 * Adds `additionalProperties: false` to every object schema that declares `properties` and does not
 * set `additionalProperties` itself. With `inline`, each `{$ref, ...siblings}` is replaced by the
 * referenced definition; without it, refs are kept (and left without additionalProperties, since
 * the referenced definition carries its own).
 */
function strictify(node: any, inline?: (ref: string) => JsonSchema): any {
  if (Array.isArray(node)) return node.map((item) => strictify(item, inline));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const { $ref, ...siblings } = node;
    definitionNameOf($ref); // reject refs outside #/definitions early, inlined or not
    // Same precedence as jsonref-based openapi2jsonschema: the referenced definition's own
    // keywords win, sibling keywords (usually the field's description) only fill the gaps.
    if (inline) return { ...strictify(siblings, inline), ...inline($ref) };
    return { ...strictify(siblings), $ref };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps field names to schemas: strictify each schema, never the map itself
    // (a field named `properties` or `$ref` must not be mistaken for a keyword).
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as object).map(([field, schema]) => [field, strictify(schema, inline)]));
    } else {
      out[key] = strictify(value, inline);
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}|${gvk.version}|${gvk.kind}`;
}

/** JSON text in the yannh file format: keys sorted, two-space indent, no trailing newline. */
export function formatStrictSchema(schema: JsonSchema): string {
  return JSON.stringify(sortKeysDeep(schema), null, 2);
}

function sortKeysDeep(node: any): any {
  if (Array.isArray(node)) return node.map(sortKeysDeep);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((key) => [key, sortKeysDeep(node[key])]),
  );
}

/** Parses the `<apiVersion> <Kind>` pairs of the CLI. */
function parseKindPairs(args: string[]): Array<{ apiVersion: string; kind: string }> {
  if (args.length % 2 !== 0) throw new Error('expected <apiVersion> <Kind> pairs');
  const pairs = [];
  for (let index = 0; index < args.length; index += 2) pairs.push({ apiVersion: args[index], kind: args[index + 1] });
  return pairs;
}

function main(argv: string[]): number {
  const definitions = KubernetesDefinitions.load();
  const strictOrThrow = (apiVersion: string, kind: string): JsonSchema => {
    const schema = definitions.strictSchemaFor(apiVersion, kind);
    if (!schema) throw new Error(`Kubernetes 1.27 has no built-in kind ${apiVersion} ${kind}`);
    return schema;
  };

  if (argv[0] === '--check') {
    const dir = argv[1];
    if (!dir) throw new Error('usage: --check DIR');
    // Map yannh file names back to GVKs through the index, since a file name drops the group suffix.
    const gvkByFile = new Map(definitions.kinds().map((gvk) => [strictSchemaFileName(gvk), gvk]));
    let mismatches = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const gvk = gvkByFile.get(file);
      if (!gvk) {
        console.log(`UNKNOWN   ${file}`);
        mismatches++;
        continue;
      }
      const expected = fs.readFileSync(path.join(dir, file), 'utf8');
      const derived = formatStrictSchema(strictOrThrow(joinApiVersion(gvk.group, gvk.version), gvk.kind));
      const identical = expected === derived;
      const equivalent = identical || formatStrictSchema(JSON.parse(expected)) === derived;
      if (!equivalent) mismatches++;
      console.log(`${identical ? 'IDENTICAL' : equivalent ? 'SAME-JSON' : 'DIFFERENT'} ${file}`);
    }
    return mismatches === 0 ? 0 : 1;
  }

  if (argv[0] === '--out') {
    const dir = argv[1];
    if (!dir) throw new Error('usage: --out DIR <apiVersion> <Kind> ...');
    fs.mkdirSync(dir, { recursive: true });
    for (const { apiVersion, kind } of parseKindPairs(argv.slice(2))) {
      const file = path.join(dir, strictSchemaFileName({ ...splitApiVersion(apiVersion), kind }));
      fs.writeFileSync(file, formatStrictSchema(strictOrThrow(apiVersion, kind)));
      console.log(file);
    }
    return 0;
  }

  const pairs = parseKindPairs(argv);
  if (pairs.length !== 1) throw new Error('usage: <apiVersion> <Kind> | --out DIR <apiVersion> <Kind>... | --check DIR');
  process.stdout.write(formatStrictSchema(strictOrThrow(pairs[0].apiVersion, pairs[0].kind)) + '\n');
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
