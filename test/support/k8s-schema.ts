/**
 * Schema validation of rendered Kubernetes manifests, for the test suite.
 *
 * - Built-in kinds are checked against the Kubernetes 1.27 standalone-strict schemas derived from the
 *   vendored `data/k8s/1.27/_definitions.json` (scripts/k8s/derive-strict-schema.ts): an unknown field
 *   anywhere is an error, as with `kubectl apply --validate=strict`.
 * - Custom resources are checked against the `openAPIV3Schema` of the matching served version of a
 *   vendored CRD (`data/k8s/crds/`), with the API server's structural-schema rules made explicit:
 *   unknown fields are errors unless `x-kubernetes-preserve-unknown-fields` allows them,
 *   `metadata` is a strict ObjectMeta, `x-kubernetes-int-or-string` accepts integers and strings,
 *   `x-kubernetes-list-type: set|map` rejects duplicates. Versions a CRD marks deprecated are errors
 *   (that is what keeps Strimzi resources on `kafka.strimzi.io/v1`).
 * - Anything else — a kind with neither a built-in schema nor a CRD, a version the CRD does not
 *   serve — is an error, so no object escapes validation.
 *
 * Not checked: CEL rules (`x-kubernetes-validations`) and the API server's Go-coded validation
 * (name syntax, selector/label consistency, ...).
 *
 * Cost: a schema is loaded and compiled lazily, the first time an object of its kind is validated,
 * and reused for the life of the module instance. Jest gives every test file its own module registry,
 * so that alone would mean once per test file; compiled validators are therefore also kept on disk as
 * ajv standalone code (node_modules/.cache/stagekit-k8s-schema, keyed by a hash of the schema source
 * and of this validator's code), which later test files and runs load in a fraction of the compile
 * time. `STAGEKIT_K8S_SCHEMA_CACHE=off` disables that cache, `=DIR` moves it.
 * `compiledSchemaTimings()` reports what was paid in this module instance.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { _, CodeKeywordDefinition, ErrorObject, Format, KeywordCxt, str, stringify } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { fullFormats } from 'ajv-formats/dist/formats';
import * as YAML from 'yaml';
import { JsonSchema, KubernetesDefinitions, joinApiVersion, splitApiVersion } from '../../scripts/k8s/derive-strict-schema';

const REPO_ROOT = path.join(__dirname, '..', '..');
const DEFINITIONS_PATH = path.join(REPO_ROOT, 'data', 'k8s', '1.27', '_definitions.json');
const CRD_DIR = path.join(REPO_ROOT, 'data', 'k8s', 'crds');
/** CRDs of the platform add-ons (data/platform/crds); a group and kind already in CRD_DIR keeps CRD_DIR's file. */
const PLATFORM_CRD_DIR = path.join(REPO_ROOT, 'data', 'platform', 'crds');
const CRD_DIRS = [CRD_DIR, PLATFORM_CRD_DIR];
/** Code whose change must invalidate cached validators. */
const VALIDATOR_SOURCES = [__filename, path.join(REPO_ROOT, 'scripts', 'k8s', 'derive-strict-schema.ts')];
const GENERATOR_PACKAGES = ['ajv', 'ajv-formats'];

const BUILTIN_SCHEMA_ID = 'k8s-1.27';
const OBJECT_META_SCHEMA_ID = 'k8s-1.27-object-meta';
const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** One problem with one object. `path` is a field path inside the object (`spec.replicas`), '' for the object itself. */
export interface SchemaError {
  /** Position of the object in the validated array. */
  index: number;
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects, as far as the object says. */
  object: string;
  path: string;
  message: string;
}

/** Validates rendered manifests (plain JSON objects, e.g. `Testing.synth(chart)` or parsed YAML). */
export function validateManifests(objects: readonly unknown[]): SchemaError[] {
  const errors: SchemaError[] = [];
  objects.forEach((object, index) => errors.push(...validateOne(object, index)));
  return errors;
}

/** One error per line: `Deployment prod/web: spec.replicas: must be integer`. */
export function formatSchemaErrors(errors: readonly SchemaError[]): string {
  return errors.map((e) => `${e.object}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}

/** Jest-friendly: throws with every error listed, so the failure message is the diagnosis. */
export function expectValidManifests(objects: readonly unknown[]): void {
  const errors = validateManifests(objects);
  if (errors.length > 0) {
    throw new Error(`${errors.length} schema error(s) in ${objects.length} Kubernetes object(s):\n${formatSchemaErrors(errors)}`);
  }
}

export interface SchemaTiming {
  step: 'load definitions' | 'parse CRD' | 'compile' | 'load cached';
  /** `apps/v1 Deployment`, `kafka.strimzi.io/v1 Kafka`, or a file name for `parse CRD`. */
  subject: string;
  milliseconds: number;
}

/** What loading and compiling has cost so far in this module instance, in the order it happened. */
export function compiledSchemaTimings(): readonly SchemaTiming[] {
  return timings;
}

const timings: SchemaTiming[] = [];

function timed<T>(step: SchemaTiming['step'], subject: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  timings.push({ step, subject, milliseconds: performance.now() - started });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lookup

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type Resolution = { validate: Validator } | { problem: string };

function validateOne(object: unknown, index: number): SchemaError[] {
  if (!isPlainObject(object)) return [{ index, object: `object #${index}`, path: '', message: 'is not a JSON object' }];
  const label = describeObject(object, index);
  const fail = (message: string, at: string): SchemaError[] => [{ index, object: label, path: at, message }];
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || apiVersion === '') return fail('missing apiVersion', 'apiVersion');
  if (typeof kind !== 'string' || kind === '') return fail('missing kind', 'kind');

  const metadata = object.metadata;
  if (!isPlainObject(metadata) || (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string')) {
    return fail('missing metadata.name (the API server requires a name or generateName)', 'metadata');
  }

  const resolved = resolveSchema(apiVersion, kind);
  if ('problem' in resolved) return fail(resolved.problem, 'apiVersion');
  if (resolved.validate(object)) return [];
  return toFieldErrors(resolved.validate.errors ?? [], object).map(({ path: at, message }) => ({ index, object: label, path: at, message }));
}

const resolutions = new Map<string, Resolution>();

function resolveSchema(apiVersion: string, kind: string): Resolution {
  const key = `${apiVersion} ${kind}`;
  let resolution = resolutions.get(key);
  if (!resolution) {
    resolution = resolveUncached(apiVersion, kind);
    resolutions.set(key, resolution);
  }
  return resolution;
}

function resolveUncached(apiVersion: string, kind: string): Resolution {
  const subject = `${apiVersion} ${kind}`;
  const { group, version } = splitApiVersion(apiVersion);
  const crdFile = crdIndex().get(`${group}|${kind}`);
  if (crdFile) return cachedValidator(subject, crdFile, () => customResourceSchema(crdFile, group, version, kind));

  const definitions = builtinDefinitions();
  const definitionName = definitions.definitionNameFor(apiVersion, kind);
  if (definitionName) {
    return cachedValidator(subject, DEFINITIONS_PATH, () => ({ ajv: builtinAjv(), schema: { $ref: `${BUILTIN_SCHEMA_ID}#/definitions/${definitionName}` } }));
  }

  const sameKind = definitions.kinds().filter((gvk) => gvk.kind === kind).map((gvk) => joinApiVersion(gvk.group, gvk.version));
  if (sameKind.length > 0) return { problem: `Kubernetes 1.27 has no ${kind} in ${apiVersion}; it serves ${kind} as ${sameKind.join(', ')}` };
  const sameGroup = [...crdIndex().keys()].filter((k) => k.startsWith(`${group}|`)).map((k) => k.split('|')[1]);
  const hint = sameGroup.length > 0 ? `; vendored CRDs in ${group}: ${sameGroup.join(', ')}` : '';
  return { problem: `no schema for ${subject}: neither a Kubernetes 1.27 built-in kind nor a vendored CRD (data/k8s/crds)${hint}` };
}

type SchemaSource = { ajv: Ajv; schema: JsonSchema } | { problem: string };

/**
 * Returns the validator for `subject`, from the disk cache when a validator generated from the same
 * `dataFile` by the same validator code is there, otherwise compiled from `source()` and cached.
 * Only validators are cached, never problems, so a cache hit implies the version checks passed.
 * Both paths run the same generated code, so what the tests exercise is what the cache serves.
 */
function cachedValidator(subject: string, dataFile: string, source: () => SchemaSource): Resolution {
  const cacheFile = cacheFileFor(subject, dataFile);
  const cachedCode = cacheFile ? readCache(cacheFile) : undefined;
  if (cachedCode !== undefined) {
    try {
      return { validate: timed('load cached', subject, () => instantiateStandalone(cachedCode)) };
    } catch {
      // An unreadable entry (e.g. from an interrupted write elsewhere) is recompiled and replaced.
    }
  }
  const built = source();
  if ('problem' in built) return built;
  const code = timed('compile', subject, () => {
    registerUnknownKubernetesExtensions(built.ajv, built.schema);
    return standaloneCode(built.ajv, built.ajv.compile(built.schema));
  });
  if (cacheFile) writeCache(cacheFile, code);
  return { validate: instantiateStandalone(code) };
}

function customResourceSchema(file: string, group: string, version: string, kind: string): SchemaSource {
  const crd = loadCrd(file);
  if (crd.spec.group !== group || crd.spec.names.kind !== kind) {
    throw new Error(`${file}: indexed as ${group} ${kind} but declares ${crd.spec.group} ${crd.spec.names.kind}`);
  }
  const served = crd.spec.versions.filter((v) => v.served);
  const entry = served.find((v) => v.name === version);
  const servedList = served.map((v) => `${v.name}${v.deprecated ? ' (deprecated)' : ''}`).join(', ');
  if (!entry) return { problem: `${group} ${kind} has no served version ${version} (served: ${servedList}; ${file})` };
  if (entry.deprecated) {
    return { problem: `${group}/${version} ${kind} is deprecated: ${entry.deprecationWarning ?? 'marked deprecated by its CRD'} (served: ${servedList})` };
  }
  const openApiSchema = entry.schema?.openAPIV3Schema;
  if (!openApiSchema) throw new Error(`${file}: version ${version} has no openAPIV3Schema`);
  return { ajv: crdAjv(), schema: strictCustomResourceSchema(openApiSchema, joinApiVersion(group, version), kind) };
}

// ---------------------------------------------------------------------------------------------
// Loading (lazy: a test that validates only Deployments never parses a CRD)

interface CrdVersion {
  name: string;
  served: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JsonSchema };
}
interface CustomResourceDefinition {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

let crdFileByGroupKind: Map<string, string> | undefined;
const crdByFile = new Map<string, CustomResourceDefinition>();

/**
 * Maps `group|Kind` to a CRD file. Parsing all the YAML costs over a second, so the index reads
 * `spec.group` and `spec.names.kind` from the file text; `customResourceSchema` cross-checks them
 * against the full parse, and a file not laid out as expected is parsed whole.
 */
function crdIndex(): Map<string, string> {
  if (crdFileByGroupKind) return crdFileByGroupKind;
  const index = new Map<string, string>();
  for (const dir of CRD_DIRS) {
    const inThisDir = new Map<string, string>();
    const files = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((f) => /\.ya?ml$/.test(f)).sort();
    for (const file of files.map((f) => path.join(dir, f))) {
      const text = fs.readFileSync(file, 'utf8');
      const group = /^spec:\n(?: {2,}.*\n)*? {2}group: ["']?([\w.-]+)["']?\n/m.exec(text)?.[1];
      const kind = /^ {2}names:\n(?: {4,}.*\n)*? {4}kind: ["']?(\w+)["']?\n/m.exec(text)?.[1];
      const key = group && kind ? `${group}|${kind}` : `${loadCrd(file).spec.group}|${loadCrd(file).spec.names.kind}`;
      if (inThisDir.has(key)) throw new Error(`two CRD files define ${key.replace('|', ' ')}: ${inThisDir.get(key)} and ${file}`);
      inThisDir.set(key, file);
      if (!index.has(key)) index.set(key, file);
    }
  }
  crdFileByGroupKind = index;
  return index;
}

function loadCrd(file: string): CustomResourceDefinition {
  let crd = crdByFile.get(file);
  if (!crd) {
    crd = timed('parse CRD', file, () => {
      const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { uniqueKeys: false })
        .map((document) => document.toJS())
        .filter((document) => document?.kind === 'CustomResourceDefinition');
      if (documents.length !== 1) throw new Error(`${file}: expected exactly one CustomResourceDefinition, found ${documents.length}`);
      return documents[0] as CustomResourceDefinition;
    });
    crdByFile.set(file, crd);
  }
  return crd;
}

let definitionsIndex: KubernetesDefinitions | undefined;
function builtinDefinitions(): KubernetesDefinitions {
  definitionsIndex ??= timed('load definitions', '_definitions.json', () => KubernetesDefinitions.load(DEFINITIONS_PATH));
  return definitionsIndex;
}

// ---------------------------------------------------------------------------------------------
// Disk cache of compiled validators

const CACHE_SETTING = process.env.STAGEKIT_K8S_SCHEMA_CACHE;
const CACHE_DIR = CACHE_SETTING === 'off' ? undefined : CACHE_SETTING || path.join(REPO_ROOT, 'node_modules', '.cache', 'stagekit-k8s-schema');

const fileHashes = new Map<string, string>();
function fileHash(file: string): string {
  let hash = fileHashes.get(file);
  if (!hash) {
    hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fileHashes.set(file, hash);
  }
  return hash;
}

function cacheFileFor(subject: string, dataFile: string): string | undefined {
  if (!CACHE_DIR) return undefined;
  const fingerprint = crypto
    .createHash('sha256')
    .update([subject, fileHash(dataFile), ...VALIDATOR_SOURCES.map(fileHash), ...GENERATOR_PACKAGES.map((name) => require(`${name}/package.json`).version)].join('\n'))
    .digest('hex')
    .slice(0, 24);
  return path.join(CACHE_DIR, `${subject.replace(/[^\w.-]+/g, '_')}.${fingerprint}.js`);
}

function readCache(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Atomic (write then rename) so a concurrent jest worker never reads half a file; failures only cost speed. */
function writeCache(file: string, code: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, file);
    // Drop entries for the same subject left by older schema or validator versions.
    const prefix = path.basename(file).replace(/\.[0-9a-f]{24}\.js$/, '.');
    for (const stale of fs.readdirSync(path.dirname(file))) {
      if (stale.startsWith(prefix) && /^[0-9a-f]{24}\.js$/.test(stale.slice(prefix.length)) && stale !== path.basename(file)) {
        fs.rmSync(path.join(path.dirname(file), stale), { force: true });
      }
    }
  } catch {
    // Read-only checkout or full disk: validation still works, just without the cache.
  }
}

/**
 * Helpers the generated code reaches through `require(RUNTIME_MODULE)`: ajv standalone code cannot
 * close over functions, so formats and keyword helpers are looked up by module name at load time.
 */
const RUNTIME_MODULE = 'stagekit:k8s-schema-runtime';

function instantiateStandalone(code: string): Validator {
  const module = { exports: {} as any };
  const requireForGeneratedCode = (id: string) => (id === RUNTIME_MODULE ? validatorRuntime : require(id));
  new Function('module', 'exports', 'require', code)(module, module.exports, requireForGeneratedCode);
  const validate = module.exports.default ?? module.exports;
  if (typeof validate !== 'function') throw new Error('generated validator code exports no function');
  return validate;
}

// ---------------------------------------------------------------------------------------------
// Ajv instances and the Kubernetes-specific schema vocabulary

/** JSON Schema formats as ajv-formats defines them, plus Kubernetes' own where they differ. */
const KUBERNETES_FORMATS: Record<string, Format> = {
  ...(fullFormats as Record<string, Format>),
  // Type is checked by x-kubernetes-int-or-string; the format itself only tags the field.
  'int-or-string': { type: 'string', validate: () => true },
  // Go time.Duration ("1h30m"), which Kubernetes means by `duration`, not ISO 8601 ("PT1H30M").
  duration: /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^0$/,
};

/** The API server rejects duplicates in `set` lists and duplicate keys in `map` lists of custom resources. */
function duplicateListEntry(list: unknown[], listType: 'set' | 'map', keyFields: string[]): string | null {
  const identity = (item: unknown): unknown => (listType === 'set' ? item : keyFields.map((field) => (isPlainObject(item) ? item[field] : undefined)));
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const id = canonicalJson(identity(list[i]));
    const first = firstIndex.get(id);
    if (first !== undefined) {
      const what = listType === 'set' ? `duplicate value ${id}` : `duplicate key ${keyFields.map((f, k) => `${f}=${canonicalJson((identity(list[i]) as unknown[])[k])}`).join(', ')}`;
      return `${what}: entries [${first}] and [${i}] (x-kubernetes-list-type: ${listType})`;
    }
    firstIndex.set(id, i);
  }
  return null;
}

/**
 * CRD patterns are Go RE2 syntax. The differences that occur in practice are inline flags at the
 * start (`^(?i)(abort|warn)?$` in PrometheusRule), which JavaScript only accepts as RegExp flags,
 * and `(?P<name>` groups; anything else RE2-only makes `new RegExp` throw at compile time.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  const inlineFlags = /^(\^?)\(\?([ims]+)\)/.exec(source);
  if (inlineFlags) {
    source = inlineFlags[1] + source.slice(inlineFlags[0].length);
    flags += [...new Set(inlineFlags[2])].join('');
  }
  return new RegExp(source, flags);
}
goRegExp.code = `require(${JSON.stringify(RUNTIME_MODULE)}).goRegExp`;

const validatorRuntime = { formats: KUBERNETES_FORMATS, duplicateListEntry, goRegExp };

/** Kubernetes vendor extensions that carry no validation of their own: schema annotations for ajv. */
const ANNOTATION_KEYWORDS = [
  // OpenAPI 3 annotations that JSON Schema draft-07 does not define.
  'example',
  'externalDocs',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-map-type',
  'x-kubernetes-list-map-keys', // read by the x-kubernetes-list-type keyword
  'x-kubernetes-unions',
  'x-kubernetes-embedded-resource', // its effect (apiVersion/kind/metadata allowed) is added by strictCustomResourceSchema
  'x-kubernetes-preserve-unknown-fields', // its effect (no additionalProperties:false) is applied by strictCustomResourceSchema
  'x-kubernetes-validations', // CEL rules: not evaluated here
];

const intOrStringKeyword: CodeKeywordDefinition = {
  keyword: 'x-kubernetes-int-or-string',
  schemaType: 'boolean',
  error: { message: 'must be an integer or a string' },
  code(cxt: KeywordCxt) {
    if (cxt.schema !== true) return;
    cxt.fail(_`!(typeof ${cxt.data} == "string" || Number.isInteger(${cxt.data}))`);
  },
};

const uniqueListKeyword: CodeKeywordDefinition = {
  keyword: 'x-kubernetes-list-type',
  schemaType: 'string',
  type: 'array',
  error: {
    message: ({ params }) => str`${params.duplicate}`,
    params: ({ params }) => _`{duplicate: ${params.duplicate}}`,
  },
  code(cxt: KeywordCxt) {
    const { gen, data, schema, parentSchema } = cxt;
    if (schema !== 'set' && schema !== 'map') return; // `atomic` has no uniqueness rule
    const keyFields: string[] = schema === 'map' ? (parentSchema['x-kubernetes-list-map-keys'] ?? []) : [];
    const helper = gen.scopeValue('func', { ref: duplicateListEntry, code: _`require(${RUNTIME_MODULE}).duplicateListEntry` });
    const duplicate = gen.const('duplicate', _`${helper}(${data}, ${schema}, ${stringify(keyFields)})`);
    cxt.setParams({ duplicate });
    cxt.fail(_`${duplicate} !== null`);
  },
};

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Unknown keywords stay compile errors, so a schema feature this validator does not understand
    // cannot be silently ignored; only x-kubernetes-* extensions are admitted as annotations.
    strictSchema: true,
    // Kubernetes schemas routinely leave `type` implicit (int-or-string, Quantity); not a problem.
    strictTypes: false,
    strictTuples: false,
    // Go RE2 patterns use escapes (`\-`) that unicode-mode RegExp rejects; see also goRegExp.
    unicodeRegExp: false,
    // Standalone source for the disk cache; formats are resolved at load time from the runtime.
    // Unoptimised code is as correct and halves compile time on CRD-sized schemas.
    code: { source: true, optimize: false, formats: _`require(${RUNTIME_MODULE}).formats`, regExp: goRegExp },
    // Meta-validating 300 kB schemas costs compile time and checks files the API server accepted.
    validateSchema: false,
  });
  for (const [name, format] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, format);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  ajv.addKeyword(intOrStringKeyword);
  return ajv;
}

/** A vendor extension missing from the lists above is admitted as an annotation rather than failing the compile. */
function registerUnknownKubernetesExtensions(ajv: Ajv, schema: JsonSchema): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-kubernetes-') && !ajv.getKeyword(key)) ajv.addKeyword({ keyword: key });
      walk(value);
    }
  };
  walk(schema);
}

let builtinAjvInstance: Ajv | undefined;
/** Holds all 1.27 definitions by reference, so ObjectMeta, PodSpec... compile once for every kind using them. */
function builtinAjv(): Ajv {
  if (!builtinAjvInstance) {
    const ajv = newAjv();
    // List types are annotations for built-ins: Go validation enforces uniqueness with exceptions
    // (e.g. container ports) that a blanket rule would get wrong.
    ajv.addKeyword({ keyword: 'x-kubernetes-list-type' });
    ajv.addSchema({ $id: BUILTIN_SCHEMA_ID, definitions: builtinDefinitions().strictDefinitionsWithRefs() });
    builtinAjvInstance = ajv;
  }
  return builtinAjvInstance;
}

let crdAjvInstance: Ajv | undefined;
function crdAjv(): Ajv {
  if (!crdAjvInstance) {
    const ajv = newAjv();
    ajv.addKeyword(uniqueListKeyword);
    ajv.addSchema({ ...builtinDefinitions().inlineDefinition(OBJECT_META_DEFINITION), $id: OBJECT_META_SCHEMA_ID });
    crdAjvInstance = ajv;
  }
  return crdAjvInstance;
}

// ---------------------------------------------------------------------------------------------
// CRD schema -> strict validation schema

/**
 * Makes the API server's handling of a CRD schema explicit for ajv (with `--validate=strict`,
 * which kubectl uses by default, the server reports unknown fields instead of pruning them):
 * - every object that does not preserve unknown fields rejects undeclared ones, including
 *   `type: object` without `properties`, whose content the server would drop entirely;
 * - the root `metadata` is a strict ObjectMeta; `apiVersion` and `kind` are pinned;
 * - embedded resources may carry apiVersion/kind/metadata.
 */
function strictCustomResourceSchema(openApiSchema: JsonSchema, apiVersion: string, kind: string): JsonSchema {
  const root = strictCustomResourceNode(openApiSchema);
  return {
    ...root,
    properties: {
      ...root.properties,
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata: { $ref: OBJECT_META_SCHEMA_ID },
    },
    additionalProperties: false,
  };
}

const VALUE_VALIDATION_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'not']);

/**
 * `structural` is false inside allOf/anyOf/oneOf/not: those are value validations that may only
 * restate fields of the enclosing schema (Strimzi's `oneOf: [{properties: {value: {}}, required:
 * [value]}, ...]`), so closing them with additionalProperties:false would reject valid objects.
 */
function strictCustomResourceNode(node: any, structural = true): any {
  if (Array.isArray(node)) return node.map((item) => strictCustomResourceNode(item, structural));
  if (!isPlainObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isPlainObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([field, schema]) => [field, strictCustomResourceNode(schema, structural)]));
    } else if (key === 'default' || key === 'enum' || key === 'example') {
      out[key] = value; // data, not schemas
    } else {
      out[key] = strictCustomResourceNode(value, structural && !VALUE_VALIDATION_KEYWORDS.has(key));
    }
  }
  if (!structural) return out;
  if (out['x-kubernetes-embedded-resource'] === true) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  const isObject = out.type === 'object' || out.properties !== undefined;
  if (isObject && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Error reporting

interface FieldError {
  path: string;
  message: string;
}

/** Turns ajv errors into field paths and plain messages, folding oneOf/anyOf branch noise into one error. */
function toFieldErrors(errors: readonly ErrorObject[], object: unknown): FieldError[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const branchOf = (e: ErrorObject) =>
    alternatives.find((parent) => parent !== e && e.schemaPath.startsWith(`${parent.schemaPath}/`) && e.instancePath.startsWith(parent.instancePath));
  const result: FieldError[] = [];
  for (const error of errors) {
    if (branchOf(error)) continue; // reported through its oneOf/anyOf
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') {
      const branches = errors.filter((e) => e !== error && branchOf(e) === error);
      result.push({ path: fieldPath(error.instancePath, object), message: describeAlternatives(error, branches) });
    } else {
      result.push(describe(error, object));
    }
  }
  // allErrors can report one failure twice (e.g. anyOf plus int-or-string on the same field).
  const seen = new Set<string>();
  return result.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(error: ErrorObject, object: unknown): FieldError {
  const at = fieldPath(error.instancePath, object);
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: joinField(at, params.additionalProperty), message: 'unknown field (not in the schema)' };
    case 'required':
      return { path: at, message: `missing required field "${params.missingProperty}"` };
    case 'enum':
      return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path: at, message: error.message ?? `fails ${error.keyword}` };
  }
}

function describeAlternatives(parent: ErrorObject, branches: readonly ErrorObject[]): string {
  if (branches.length > 0 && branches.every((b) => b.instancePath === parent.instancePath)) {
    if (branches.every((b) => b.keyword === 'type')) {
      return `must be ${[...new Set(branches.map((b) => String((b.params as { type: string }).type)))].join(' or ')}`;
    }
    if (branches.every((b) => b.keyword === 'required')) {
      const fields = [...new Set(branches.map((b) => String((b.params as { missingProperty: string }).missingProperty)))];
      return `must set ${parent.keyword === 'oneOf' ? 'exactly' : 'at least'} one of: ${fields.join(', ')}`;
    }
  }
  const passing = (parent.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (parent.keyword === 'oneOf' && passing) return `matches alternatives ${passing.join(' and ')} of a oneOf; exactly one is allowed`;
  const first = branches[0];
  const detail = first ? ` (first alternative: ${first.instancePath ? `${first.instancePath}: ` : ''}${first.message})` : '';
  return `${parent.message ?? `fails ${parent.keyword}`}${detail}`;
}

/** JSON pointer -> `spec.containers[0].image`; keys that are not identifiers are quoted (`labels["app.kubernetes.io/name"]`). */
function fieldPath(pointer: string, object: unknown): string {
  if (!pointer) return '';
  let node: unknown = object;
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      out = joinField(out, segment);
      node = isPlainObject(node) ? node[segment] : undefined;
    }
  }
  return out;
}

function joinField(base: string, field: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(field)) return base ? `${base}.${field}` : field;
  return `${base}[${JSON.stringify(field)}]`;
}

function describeObject(object: Record<string, any>, index: number): string {
  const kind = typeof object.kind === 'string' ? object.kind : `object #${index}`;
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '(unnamed)';
  return typeof metadata.namespace === 'string' ? `${kind} ${metadata.namespace}/${name}` : `${kind} ${name}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
