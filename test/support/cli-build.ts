/**
 * The CLI compiled from this checkout, once per test run, for the tests that start `stagekit` in a process
 * of its own (exit codes, pipes, the environment a child sees). A source checkout's bin compiles the
 * TypeScript through tsx on every start (1.6 s of CPU for a usage error here, 0.7 s compiled); the package
 * users install runs compiled JavaScript, which this is: the same bin/stagekit.js, beside a dist/ transpiled
 * by SWC (as jest transpiles the tests) with the data the modules read linked where scripts/build.js copies it.
 * The package itself (tsc's build) is tested by scripts/test-package.sh.
 */
import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from '@swc/core';
import { ROOT } from './paths';

/** The folders tsconfig.build.json compiles. */
const SHIPPED = ['cli', 'terminal', 'core', 'constructs', 'blueprints', 'cost', 'deploy', 'components', 'platform', 'report'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Writes `<outDir>/bin/stagekit.js` and `<outDir>/dist/`; returns the bin's path. */
export function buildCliForTests(outDir: string): string {
  const dist = path.join(outDir, 'dist');
  for (const folder of SHIPPED) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      const { code } = transformSync(fs.readFileSync(file, 'utf8'), {
        filename: file,
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      const target = path.join(dist, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, code);
    }
  }
  // What scripts/build.js copies beside the compiled modules, linked instead of copied.
  for (const asset of ['data', 'profiles', 'cdk.json']) fs.symlinkSync(path.join(ROOT, asset), path.join(dist, asset));
  fs.copyFileSync(path.join(ROOT, 'report', 'render-svg.mjs'), path.join(dist, 'report', 'render-svg.mjs'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(outDir, 'package.json'));
  fs.mkdirSync(path.join(outDir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'stagekit.js'), path.join(outDir, 'bin', 'stagekit.js'));
  return path.join(outDir, 'bin', 'stagekit.js');
}
