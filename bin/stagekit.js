#!/usr/bin/env node
// The stagekit command. Runs the compiled CLI (dist/) in an installed package; in a source checkout
// (cli/main.ts beside this file) it runs the TypeScript through tsx's loader instead, so development
// needs no build step and no type-check on every run (`npm run typecheck` does that once).
// It always calls main(): npm links this file as `stagekit` (npx, npm exec, global installs,
// node_modules/.bin, symlinks), so nothing may depend on how argv[1] is spelt.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'cli', 'main.ts');
const useSource = process.env.STAGEKIT_FROM_DIST !== '1' && fs.existsSync(source);
if (useSource) require('tsx/cjs');
require(useSource ? source : path.join(root, 'dist', 'cli', 'main.js')).main();
