/**
 * stagekit's layers, lowest first, and a checker that finds every import running back up.
 *
 *   core -> terminal -> constructs -> components -> blueprints -> platform -> cost -> deploy -> report -> cli -> tools
 *
 * A module may import from its own layer and from the layers before it, except where a layer
 * names what it must never import: cost and deploy never reach into components or blueprints
 * (a stage's renderings come to them through core's `StageRenderer`, which the CLI hands down).
 * Only tests import test helpers (test/support/). Imports are read with TypeScript's own
 * pre-processor, so `import`, `export ... from`, `import type`, `require(...)` and `import(...)`
 * (lazy loads included) all count.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface Layer {
  readonly name: string;
  /** Top-level folders of the repository that belong to the layer. */
  readonly folders: readonly string[];
  readonly holds: string;
  /** Layers below this one it must still not import. @default none */
  readonly never?: readonly string[];
}

export const LAYERS: readonly Layer[] = [
  { name: 'core', folders: ['core'], holds: 'profile, ladder, plan, units, errors; the rendering contract (StageRenderer)' },
  { name: 'terminal', folders: ['terminal'], holds: 'terminal output and the exit-code runner of every entry point' },
  { name: 'constructs', folders: ['constructs'], holds: 'reusable AWS and Kubernetes building blocks, and what operators make of their custom resources' },
  { name: 'components', folders: ['components'], holds: 'one folder per capability, rendering both targets' },
  { name: 'blueprints', folders: ['blueprints'], holds: 'the AWS and Kubernetes apps of a plan, and the renderer' },
  { name: 'platform', folders: ['platform'], holds: 'what a self-run cluster needs before any stage: operators, ingress, storage, monitoring (vendored manifests)' },
  { name: 'cost', folders: ['cost'], holds: 'price catalog and pricing engines', never: ['components', 'blueprints'] },
  { name: 'deploy', folders: ['deploy'], holds: 'stage moves, runbooks, deploy engines (CDK toolkit, kubectl, Pulumi)', never: ['components', 'blueprints'] },
  { name: 'report', folders: ['report'], holds: 'advise output and the HTML report: charts and diagrams from what cost priced', never: ['components', 'blueprints'] },
  { name: 'cli', folders: ['cli'], holds: 'the stagekit command: builds the renderer and hands it to cost and deploy' },
  { name: 'tools', folders: ['bin', 'bench', 'scripts', 'examples', 'test'], holds: 'entry scripts, benchmarks, generators, examples and tests' },
];

/** Generated code (cdk8s import of the vendored CRDs): imports only cdk8s and constructs. */
const GENERATED = [/^constructs\/k8s\/imports\//];
const TEST_HELPERS = 'test/';

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly message: string;
}

function layerOf(repoPath: string): Layer | undefined {
  const top = repoPath.split('/')[0];
  return LAYERS.find((layer) => layer.folders.includes(top));
}

/** Relative imports of a source text, as written (packages are not layers). */
export function relativeImports(source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'));
}

/** The packages a source text imports (`@scope/name` or `name`; node's own modules and relative paths left out). */
export function packageImports(source: string): string[] {
  const builtins = new Set(require('module').builtinModules as string[]);
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((imported) => imported.fileName.replace(/^node:/, ''))
    .filter((specifier) => !specifier.startsWith('.') && !builtins.has(specifier.split('/')[0]))
    .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

/** Every import of `file` (a repository-relative path, `/`-separated) that breaks the layering. */
export function layerViolations(file: string, source: string): Violation[] {
  const from = layerOf(file);
  if (!from) return [{ file, specifier: '', message: `${file} is in no layer: add its top-level folder to LAYERS in test/support/layers.ts` }];
  const rank = LAYERS.indexOf(from);
  const violations: Violation[] = [];
  for (const specifier of relativeImports(source)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    if (target.startsWith(TEST_HELPERS) && !file.startsWith(TEST_HELPERS)) {
      violations.push({ file, specifier, message: `${file} imports ${specifier}: test-only helpers (test/) are for tests, not ${from.name} code` });
      continue;
    }
    const to = layerOf(target);
    if (!to || to === from) continue; // data files (package.json, data/) are no layer
    if (LAYERS.indexOf(to) > rank) {
      violations.push({ file, specifier, message: `${file} (${from.name}) imports ${specifier} (${to.name}): ${to.name} is above ${from.name}` });
    } else if (from.never?.includes(to.name)) {
      violations.push({ file, specifier, message: `${file} (${from.name}) imports ${specifier} (${to.name}): ${from.name} never imports ${to.name} (renderings come through core's StageRenderer)` });
    }
  }
  return violations;
}

/** The repository's .ts files (generated code and dependencies left out), relative and `/`-separated. */
export function sourceFiles(root: string): string[] {
  const skip = new Set(['node_modules', '.git', 'cdk.out', 'out', 'dist', '.test-out', '.tsbuildinfo']);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !entry.name.startsWith('.')) walk(relative);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !GENERATED.some((pattern) => pattern.test(relative))) {
        files.push(relative);
      }
    }
  };
  walk('');
  return files.sort();
}
