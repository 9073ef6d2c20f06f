/**
 * Reading CloudFormation templates and CDK cloud assemblies for pricing: no AWS calls, no credentials.
 * Values the engine needs (instance types, sizes, counts) are read when they are literals, or a Ref to a
 * template parameter with a default; anything else (a Fn::If, an imported value) is reported as such.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, type Tags } from 'yaml';
import { UsageError } from '../../core/errors';
import { ROLE_TAG } from '../../core/roles';
import { flattenNestedStacks, readNestedTemplates } from '../../core/nested-stacks';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Condition?: string;
}

export interface CfnTemplate {
  Description?: string;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Resources?: Record<string, CfnResource>;
}

/** A template of a cloud assembly, with the stack it belongs to. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly templateFile: string;
  /** The stack's resources with those of its nested stacks (`<nested stack>/<logical ID>`, see core/nested-stacks.ts). */
  readonly template: CfnTemplate;
  /** Nested stacks whose templates were read from the assembly. */
  readonly nestedStacks: number;
  /** The region the stack is pinned to in the assembly manifest, when it is. */
  readonly region?: string;
}

/** CloudFormation's YAML short forms (!Ref, !GetAtt, !Sub...) as their JSON equivalents. */
const SHORT_FORMS: Tags = [
  { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
  { tag: '!GetAtt', resolve: (v: string) => ({ 'Fn::GetAtt': v.split('.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (v: any) => ({ 'Fn::GetAtt': v.toJSON() }) },
  ...['Sub', 'Join', 'Select', 'Split', 'If', 'Equals', 'And', 'Or', 'Not', 'FindInMap', 'GetAZs', 'ImportValue', 'Base64', 'Cidr'].flatMap((fn) => [
    { tag: `!${fn}`, resolve: (v: unknown) => ({ [`Fn::${fn}`]: v }) },
    { tag: `!${fn}`, collection: 'seq' as const, resolve: (v: any) => ({ [`Fn::${fn}`]: v.toJSON() }) },
    { tag: `!${fn}`, collection: 'map' as const, resolve: (v: any) => ({ [`Fn::${fn}`]: v.toJSON() }) },
  ]),
  { tag: '!Condition', resolve: (v: string) => ({ Condition: v }) },
];

/** Reads a CloudFormation template, JSON or YAML (short forms included). */
export function readTemplateFile(file: string): CfnTemplate {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err: any) {
    throw new UsageError(`${file}: cannot read the template (${err.code ?? err.message})`);
  }
  let data: any;
  try {
    data = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { customTags: SHORT_FORMS });
  } catch (err) {
    throw new UsageError(`${file}: not a JSON or YAML CloudFormation template (${(err as Error).message.split('\n')[0]})`);
  }
  if (!data || typeof data !== 'object' || data.Resources === null || typeof data.Resources !== 'object') {
    throw new UsageError(`${file}: not a CloudFormation template (no Resources section)`);
  }
  return data as CfnTemplate;
}

/**
 * A template file with the nested stacks' templates found beside it (a CDK cloud assembly's
 * `*.nested.template.json`, through its asset manifest): every resource, as one template.
 */
export function readTemplateWithNested(file: string): CfnTemplate {
  const own = readTemplateFile(file);
  return flattenNestedStacks(own, readNestedTemplates(own, path.dirname(file)));
}

/**
 * Every stack template of a CDK cloud assembly (cdk.out), nested assemblies (CDK stages) included, in
 * manifest order; each with its nested stacks' resources.
 */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new UsageError(`${dir}: not a cloud assembly (no manifest.json; run \`cdk synth\` first)`);
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (err: any) {
    throw new UsageError(`${manifestFile}: not a cloud assembly manifest (${err.code ?? String(err.message).split('\n')[0]})`);
  }
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = path.join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
      const env = /^aws:\/\/[^/]+\/(.+)$/.exec(String(artifact.environment ?? ''));
      const region = env && !env[1].startsWith('unknown') ? env[1] : undefined;
      const own = readTemplateFile(templateFile);
      const nested = readNestedTemplates(own, dir);
      stacks.push({ stackName: artifact.properties?.stackName ?? id, templateFile, template: flattenNestedStacks(own, nested), nestedStacks: Object.keys(nested).length, region });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(path.join(dir, artifact.properties?.directoryName ?? id)));
    }
  }
  if (!stacks.length) throw new UsageError(`${dir}: the cloud assembly has no CloudFormation stacks`);
  return stacks;
}

/** A literal value: the value itself, or a Ref to a parameter with a Default; undefined for other intrinsics. */
export function literal(template: CfnTemplate, value: unknown): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const ref = (value as any).Ref;
    if (typeof ref === 'string') {
      const def = template.Parameters?.[ref]?.Default;
      if (typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean') return def;
    }
  }
  return undefined;
}

export function num(template: CfnTemplate, value: unknown): number | undefined {
  const literalValue = literal(template, value);
  if (typeof literalValue === 'number') return literalValue;
  if (typeof literalValue === 'string' && literalValue.trim() !== '' && Number.isFinite(Number(literalValue))) return Number(literalValue);
  return undefined;
}

export function str(template: CfnTemplate, value: unknown): string | undefined {
  const literalValue = literal(template, value);
  return typeof literalValue === 'string' ? literalValue : typeof literalValue === 'number' ? String(literalValue) : undefined;
}

export function bool(template: CfnTemplate, value: unknown): boolean | undefined {
  const literalValue = literal(template, value);
  if (typeof literalValue === 'boolean') return literalValue;
  if (literalValue === 'true') return true;
  if (literalValue === 'false') return false;
  return undefined;
}

/** Logical IDs a value refers to (Ref and Fn::GetAtt, at any depth). */
export function referencedIds(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) out.push(record.Ref);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.push(getAtt[0]);
    else if (typeof getAtt === 'string') out.push(getAtt.split('.')[0]);
    for (const [key, child] of Object.entries(record)) if (key !== 'Ref' && key !== 'Fn::GetAtt') referencedIds(child, out);
  }
  return out;
}

/** The first resource of one of `types` that `value` refers to. */
export function referencedResource(template: CfnTemplate, value: unknown, types: readonly string[]): { id: string; resource: CfnResource } | undefined {
  for (const id of referencedIds(value)) {
    const resource = template.Resources?.[id];
    if (resource && types.includes(resource.Type)) return { id, resource };
  }
  return undefined;
}

/** Length of a list property, when it is a literal list (of anything). */
export function listLength(value: unknown): number | undefined {
  return Array.isArray(value) ? value.length : undefined;
}

/** The literal value of a tag on a resource (Tags as a list of {Key, Value}, or a map as some types use). */
export function tagValue(template: CfnTemplate, resource: CfnResource, key: string): string | undefined {
  const tags = resource.Properties?.Tags;
  if (Array.isArray(tags)) {
    const tag = tags.find((t) => t && typeof t === 'object' && t.Key === key);
    return tag ? str(template, tag.Value) : undefined;
  }
  if (tags && typeof tags === 'object') return str(template, (tags as Record<string, unknown>)[key]);
  return undefined;
}

/** The `stagekit:role` tag of a resource, when its construct set one. */
export function roleOf(template: CfnTemplate, resource: CfnResource): string | undefined {
  return tagValue(template, resource, ROLE_TAG);
}
