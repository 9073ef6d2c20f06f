#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader: no build step, and no type-check on every run
// (`npm run typecheck` does that once).
require('tsx/cjs');
// Call main() rather than relying on argv[1]: npm links the bin as `stagekit` (no .js), often through a symlink.
require('../cli/main.ts').main();
