#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader: no build step, and no type-check on every run
// (`npm run typecheck` does that once).
require('tsx/cjs');
require('../cli/main.ts');
