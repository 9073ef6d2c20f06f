/**
 * No import runs back up a layer (the order and the rules are in test/support/layers.ts), and
 * production code never imports test helpers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LAYERS, layerViolations, packageImports, relativeImports, sourceFiles } from './support/layers';
import { ROOT } from './support/paths';

describe('the repository', () => {
  const files = sourceFiles(ROOT);

  test('has its layers where the layer list says', () => {
    for (const layer of LAYERS.filter((candidate) => candidate.name !== 'components' && candidate.name !== 'tools')) {
      expect(layer.folders.some((folder) => fs.existsSync(path.join(ROOT, folder)))).toBe(true);
    }
    // Enough files to mean something: every layer's code is read, generated CRD classes are not.
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('cost/stage.ts');
    expect(files.some((file) => file.startsWith('constructs/k8s/imports/'))).toBe(false);
  });

  test('has no import that runs back up a layer or reaches test helpers from production code', () => {
    const violations = files.flatMap((file) => layerViolations(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(violations.map((violation) => violation.message)).toEqual([]);
  });

  test('ships code that imports only packages it declares (a package hoisted from a dependency of a dependency is not installed for sure)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const shipped = LAYERS.filter((layer) => layer.name !== 'tools').flatMap((layer) => layer.folders);
    const undeclared = files
      .filter((file) => shipped.includes(file.split('/')[0]))
      .flatMap((file) => packageImports(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((name) => `${file}: ${name}`))
      .filter((entry) => !declared.has(entry.split(': ')[1]));
    expect(undeclared).toEqual([]);
  });
});

describe('the layer check', () => {
  // The back-edges the repository had before the layers were drawn: each must be caught.
  test.each([
    ['deploy/report.ts', "import { colors } from '../cli/output';", /deploy\/report\.ts \(deploy\) imports \.\.\/cli\/output \(cli\): cli is above deploy/],
    ['blueprints/aws/main.ts', "import { runOrExit } from '../../cli/exit';", /blueprints\/aws\/main\.ts \(blueprints\) imports \.\.\/\.\.\/cli\/exit \(cli\)/],
    ['core/plan.ts', "import { reaches } from '../deploy/runbooks';", /core\/plan\.ts \(core\) imports \.\.\/deploy\/runbooks \(deploy\)/],
    [
      'cost/stage.ts',
      "const { synthAws } = require('../blueprints/synth') as typeof import('../blueprints/synth');",
      /cost\/stage\.ts \(cost\) imports \.\.\/blueprints\/synth \(blueprints\): cost never imports blueprints/,
    ],
    ['deploy/transition.ts', "import type { Target } from '../blueprints/render';", /deploy never imports blueprints/],
    ['cost/k8s/inventory.ts', "import { operatorPods } from '../../test/support/policy-checks';", /test-only helpers/],
    ['scripts/tool.ts', "export * from '../test/support/fakes';", /test-only helpers/],
  ])('catches %s importing what it must not', (file, source, message) => {
    const violations = layerViolations(file, source);
    expect(violations.length).toBeGreaterThan(0);
    for (const violation of violations) expect(violation.message).toMatch(message);
  });

  test('allows imports within a layer and down, and ignores packages and data files', () => {
    const source = [
      "import { App } from 'aws-cdk-lib';",
      "import { computePlan } from '../core/plan';",
      "import { colors } from '../terminal/output';",
      "import { priceArtifacts } from '../cost';",
      "import { EXIT } from './exit-codes';",
      "const pkg = require('../package.json');",
    ].join('\n');
    expect(relativeImports(source)).toHaveLength(5);
    expect(layerViolations('deploy/cost-delta.ts', source)).toEqual([]);
    expect(layerViolations('test/anything.test.ts', "import { x } from '../cli/main'; import { y } from './support/fakes';")).toEqual([]);
  });

  test('names a file that is in no layer', () => {
    expect(layerViolations('stray/module.ts', '')[0].message).toMatch(/stray\/module\.ts is in no layer/);
  });
});
