/**
 * Nested stacks as one view. A large product puts shard groups into nested stacks (CloudFormation
 * allows 500 resources per stack); the parent template then holds an `AWS::CloudFormation::Stack`
 * resource per group and the groups' templates are separate files of the cloud assembly. Pricing,
 * the safety check and the deployed-size floor read every resource, wherever it lives: they read
 * the flattened template, where a nested stack's resources appear beside the parent's as
 * `<nested stack logical ID>/<logical ID>`, their parameters resolved to what the parent passes and
 * the parent's `Outputs.X` attributes resolved to what the nested stack outputs. The flattened
 * template is a view for reading; CloudFormation deploys the parent and its nested stacks.
 */
import * as fs from 'fs';
import * as path from 'path';

// The rule of where a shard lives (constructs/aws/sharded-postgres.ts builds by it; deploy names it in its fixes).
/**
 * Shards that stay in the parent stack. A shard is 8 resources and 5 more per read replica (13 with
 * one); 16 of them with the rest of a product stack (about 110 resources) stay under 500 up to 3
 * replicas a shard. Plans with that many shards have 1 or 2 (larger classes take the reads).
 */
export const SHARDS_IN_PARENT_STACK = 16;
/**
 * Shards per nested stack. A group passes 5 + 3 per replica outputs a shard to its parent (endpoints for
 * grants and the dashboard, alarm ARNs): 8 shards stay under CloudFormation's 200 outputs up to 6
 * replicas a shard, and under 500 resources up to 10. Beyond, synth refuses naming the stack.
 */
export const SHARDS_PER_GROUP = 8;

/** The nested stack a shard belongs to (undefined: the parent stack), by the fixed rule. */
export function shardGroupOf(shardId: number, shardsInParentStack = SHARDS_IN_PARENT_STACK, shardsPerGroup = SHARDS_PER_GROUP): number | undefined {
  return shardId < shardsInParentStack ? undefined : Math.floor((shardId - shardsInParentStack) / shardsPerGroup);
}

/** Between a nested stack's logical ID and the logical ID of a resource inside it. */
export const NESTED_ID_SEPARATOR = '/';

export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/** Templates of nested stacks by the path of logical IDs to them (`Group0`, or `Group0/Inner` when nested deeper). */
export type NestedTemplates = Readonly<Record<string, any>>;

/** The logical IDs of a template's nested stacks. */
export function nestedStackIds(template: any): string[] {
  return Object.entries<any>(template?.Resources ?? {})
    .filter(([, resource]) => resource?.Type === NESTED_STACK_TYPE)
    .map(([id]) => id);
}

/** The asset hash a CDK nested stack's TemplateURL ends with (`.../<hash>.json`). */
function templateAssetHash(resource: any): string | undefined {
  const match = /([0-9a-f]{64})\.json/.exec(JSON.stringify(resource?.Properties?.TemplateURL ?? ''));
  return match?.[1];
}

/** Asset hash to file, from every `*.assets.json` manifest of a cloud assembly directory. */
function assetFiles(assemblyDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.existsSync(assemblyDir) ? fs.readdirSync(assemblyDir) : []) {
    if (!entry.endsWith('.assets.json')) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, entry), 'utf8'));
    for (const [hash, asset] of Object.entries<any>(manifest.files ?? {})) {
      if (typeof asset?.source?.path === 'string') files.set(hash, path.join(assemblyDir, asset.source.path));
    }
  }
  return files;
}

/**
 * The nested stacks' templates of `template`, read from the cloud assembly it was synthesized into
 * (the asset manifest maps each TemplateURL to its `*.nested.template.json`; `aws:asset:path`
 * metadata is used when present). A nested stack whose template is not in `assemblyDir` is left out
 * (the flattened view then lists only the nested stack resource).
 */
export function readNestedTemplates(template: any, assemblyDir: string): NestedTemplates {
  const files = assetFiles(assemblyDir);
  const out: Record<string, any> = {};
  const visit = (parent: any, prefix: string) => {
    for (const id of nestedStackIds(parent)) {
      const resource = parent.Resources[id];
      const hash = templateAssetHash(resource);
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const file = (hash && files.get(hash)) ?? (typeof assetPath === 'string' ? path.join(assemblyDir, assetPath) : undefined);
      if (!file || !fs.existsSync(file)) continue;
      const nested = JSON.parse(fs.readFileSync(file, 'utf8'));
      const key = prefix + id;
      out[key] = nested;
      visit(nested, key + NESTED_ID_SEPARATOR);
    }
  };
  visit(template, '');
  return out;
}

/** Every stack of a rendering: the parent first (name ''), then each nested stack by its path. */
export function stackTemplates(template: any, nested: NestedTemplates = {}): Array<{ path: string; template: any }> {
  return [{ path: '', template }, ...Object.entries(nested).map(([key, value]) => ({ path: key, template: value }))];
}

const PSEUDO = /^AWS::/;

/**
 * Rewrites a nested template's value into the parent's namespace: its resources and conditions get
 * `prefix`, its parameters become what the parent passes (or their default).
 */
function rewrite(value: any, prefix: string, nested: any, parameters: Record<string, any>): any {
  const resources = nested.Resources ?? {};
  const conditions = nested.Conditions ?? {};
  const parameterValue = (name: string) => (name in parameters ? parameters[name] : nested.Parameters?.[name]?.Default);
  const walk = (node: any): any => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = node[key];
      if (key === 'Ref' && typeof arg === 'string') {
        if (arg in resources) return { Ref: prefix + arg };
        if (!PSEUDO.test(arg) && nested.Parameters && arg in nested.Parameters) return parameterValue(arg);
        return node;
      }
      if (key === 'Fn::GetAtt') {
        const [id, ...attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        if (typeof id === 'string' && id in resources) return { 'Fn::GetAtt': [prefix + id, attribute.join('.')] };
        return { 'Fn::GetAtt': walk(arg) };
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
        const extra: Record<string, any> = {};
        const rewritten = String(text).replace(/\$\{([^}!][^}]*)\}/g, (whole, name: string) => {
          const [id, ...rest] = name.split('.');
          if (id in (variables ?? {})) return whole;
          if (id in resources) return '${' + [prefix + id, ...rest].join('.') + '}';
          if (!PSEUDO.test(id) && nested.Parameters && id in nested.Parameters) extra[id] = parameterValue(id);
          return whole;
        });
        const allVariables = { ...walk(variables ?? {}), ...extra };
        return { 'Fn::Sub': Object.keys(allVariables).length ? [rewritten, allVariables] : rewritten };
      }
      if (key === 'Condition' && typeof arg === 'string' && arg in conditions) return { Condition: prefix + arg };
      if (key === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string' && arg[0] in conditions) return { 'Fn::If': [prefix + arg[0], ...arg.slice(1).map(walk)] };
    }
    return Object.fromEntries(keys.map((key) => [key, walk(node[key])]));
  };
  return walk(value);
}

/** A resource of a nested template, moved into the parent's namespace. */
function rewriteResource(resource: any, prefix: string, nested: any, parameters: Record<string, any>): any {
  const out: any = {};
  for (const [key, value] of Object.entries<any>(resource)) {
    if (key === 'DependsOn') out.DependsOn = (Array.isArray(value) ? value : [value]).map((id: string) => prefix + id);
    else if (key === 'Condition' && typeof value === 'string') out.Condition = prefix + value;
    else out[key] = rewrite(value, prefix, nested, parameters);
  }
  return out;
}

/** Replaces `Fn::GetAtt [<nested stack>, Outputs.X]` with the value the nested stack outputs. */
function resolveOutputs(value: any, outputs: Map<string, Record<string, any>>): any {
  if (Array.isArray(value)) return value.map((v) => resolveOutputs(v, outputs));
  if (!value || typeof value !== 'object') return value;
  const getAtt = value['Fn::GetAtt'];
  if (getAtt && Object.keys(value).length === 1) {
    const [id, ...attribute] = Array.isArray(getAtt) ? getAtt : String(getAtt).split('.');
    const name = attribute.join('.');
    const stackOutputs = outputs.get(id);
    if (stackOutputs && name.startsWith('Outputs.') && name.slice('Outputs.'.length) in stackOutputs) return stackOutputs[name.slice('Outputs.'.length)];
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, resolveOutputs(v, outputs)]));
}

/**
 * One template with the resources of every nested stack whose template is given, under
 * `<nested stack logical ID>/<logical ID>` (deeper nesting: the path of IDs). The nested stack
 * resources stay (so a change of their parameters or template shows). Without nested templates,
 * the template itself.
 */
export function flattenNestedStacks(template: any, nested: NestedTemplates = {}, prefix = ''): any {
  const ids = nestedStackIds(template).filter((id) => prefix + id in nested);
  if (!ids.length) return template;
  const resources: Record<string, any> = {};
  const conditions: Record<string, any> = { ...(template.Conditions ?? {}) };
  const outputs = new Map<string, Record<string, any>>();
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    resources[id] = resource;
    if (!ids.includes(id)) continue;
    const child = flattenNestedStacks(nested[prefix + id], nested, prefix + id + NESTED_ID_SEPARATOR);
    const local = id + NESTED_ID_SEPARATOR;
    const parameters = resource.Properties?.Parameters ?? {};
    for (const [innerId, inner] of Object.entries<any>(child.Resources ?? {})) resources[local + innerId] = rewriteResource(inner, local, child, parameters);
    for (const [name, condition] of Object.entries<any>(child.Conditions ?? {})) conditions[local + name] = rewrite(condition, local, child, parameters);
    outputs.set(id, Object.fromEntries(Object.entries<any>(child.Outputs ?? {}).map(([name, output]) => [name, rewrite(output?.Value, local, child, parameters)])));
  }
  const flat: any = { ...template, Resources: {} };
  for (const [id, resource] of Object.entries<any>(resources)) flat.Resources[id] = resolveOutputs(resource, outputs);
  if (Object.keys(conditions).length) flat.Conditions = conditions;
  if (template.Outputs) flat.Outputs = resolveOutputs(template.Outputs, outputs);
  return flat;
}
