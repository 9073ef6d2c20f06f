/**
 * Writes data/aws/create-only-properties.json from @aws-cdk/aws-service-spec: for each stateful
 * resource type the safety check watches, every property path (nested ones included) whose
 * change replaces the resource ("yes") or may replace it ("maybe"). The spec database takes
 * seconds to load, so the safety check reads this extract instead; rerun after upgrading the
 * package: `npx tsx scripts/write-create-only.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { STATEFUL_RESOURCE_TYPES } from '../deploy/aws/upgrade-safety';

const db = loadAwsServiceSpecSync();
const version: string = require('@aws-cdk/aws-service-spec/package.json').version;

type Replacement = 'yes' | 'maybe';
const out: Record<string, Record<string, Replacement>> = {};

function walk(props: Record<string, any>, prefix: string[], typeDefs: Map<string, any>, into: Record<string, Replacement>, depth: number): void {
  for (const [name, prop] of Object.entries(props)) {
    const here = [...prefix, name];
    const replacement = prop.causesReplacement as string | undefined;
    // Top-level facts are already known to @aws-cdk/cloudformation-diff; record them too, so the extract stands alone.
    if (replacement === 'yes' || replacement === 'maybe') into[here.join('.')] = replacement;
    if (depth > 6) continue;
    let type = prop.type;
    while (type && (type.type === 'array' || type.type === 'map')) {
      here.push('*');
      type = type.element;
    }
    if (type?.type === 'ref') {
      const def = typeDefs.get(type.reference.$ref);
      if (def) walk(def.properties ?? {}, here, typeDefs, into, depth + 1);
    }
  }
}

for (const cfnType of Object.keys(STATEFUL_RESOURCE_TYPES).sort()) {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', cfnType);
  if (!found.length) continue;
  const resource: any = found.only();
  const typeDefs = new Map<string, any>(db.follow('usesType', resource).map((rel: any) => [rel.entity.$id, rel.entity]));
  const paths: Record<string, Replacement> = {};
  walk(resource.properties, [], typeDefs, paths, 0);
  out[cfnType] = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
}

const file = path.join(__dirname, '..', 'data', 'aws', 'create-only-properties.json');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(
  file,
  `${JSON.stringify({ source: `@aws-cdk/aws-service-spec ${version} (causesReplacement of each property, nested ones included)`, generated: new Date().toISOString().slice(0, 10), resourceTypes: out }, null, 2)}\n`,
);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${Object.keys(out).length} resource types)\n`);
