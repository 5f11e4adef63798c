#!/usr/bin/env node
'use strict';
// npm bin entry: `npx imdsv2-guard scan …`. Runs the prebuilt bundle (dist/cli/imdsv2-guard.js,
// written by `npm run build`) when it exists: it starts in a fraction of the time. Without one, as in
// a fresh checkout, it compiles the TypeScript sources on the fly with tsx (a devDependency).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli', 'imdsv2-guard.js');
// IMDSV2_GUARD_FROM_SOURCE=1 skips a bundle that may be older than the sources being edited.
const fromSource = process.env.IMDSV2_GUARD_FROM_SOURCE === '1' || !existsSync(bundle);

let cli;
if (fromSource) {
  try {
    require('tsx/cjs/api').register();
  } catch (error) {
    process.stderr.write(
      `imdsv2-guard: no built CLI at ${bundle} and tsx is not installed to run the sources.\n` +
        'Run "npm install" then "npm run build" in the imdsv2-guard checkout.\n',
    );
    process.exit(2);
  }
  cli = require(join(root, 'cli', 'imdsv2-guard.ts'));
} else {
  cli = require(bundle);
}
cli.run(process.argv.slice(2));
