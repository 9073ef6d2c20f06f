#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm pack` and `npm ci` build): compiles the CLI and the
// library to dist/ (JavaScript + declarations, same layout as the sources) and copies beside them the
// data the compiled modules read at run time through paths relative to their own file
// (`__dirname/../../data/...`, `__dirname/../profiles/...`, `__dirname/../../cdk.json`).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

/** Run-time data; the Kubernetes OpenAPI schemas under data/k8s/<version>/ are for the test suite only. */
const assets = [
  { from: 'data', filter: (rel) => !/^k8s\/\d+\.\d+(\/|$)/.test(rel) },
  { from: 'profiles', filter: (rel) => /\.(ya?ml|json)$/.test(rel) || !path.extname(rel) },
  { from: 'cdk.json' },
  // The report's SVG renderer runs as a Node process of its own (an ES module tsc does not compile or copy).
  { from: 'report/render-svg.mjs' },
];
let files = 0;
for (const asset of assets) {
  const source = path.join(root, asset.from);
  if (!fs.existsSync(source)) continue;
  fs.cpSync(source, path.join(dist, asset.from), {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(source, src).split(path.sep).join('/');
      const keep = !rel || !asset.filter || asset.filter(rel);
      if (keep && fs.statSync(src).isFile()) files++;
      return keep;
    },
  });
}
process.stdout.write(`built dist/ (and copied ${files} data files)\n`);
