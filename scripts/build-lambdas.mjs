// Bundles every rule handler exactly as it is deployed: one minified file per rule at
// dist/lambda/<id>/index.js. lib/ deploys these same bundles (see lib/bundling.ts), so what the
// tests run is what AWS runs.
import { build } from 'esbuild';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rulesDir = join(root, 'lambda', 'rules');
export const LAMBDA_NODE_TARGET = 'node22';

const ids = readdirSync(rulesDir).filter(
  (d) => statSync(join(rulesDir, d)).isDirectory() && existsSync(join(rulesDir, d, 'handler.ts')),
);
if (ids.length === 0) throw new Error('no rule handlers found under lambda/rules/*/handler.ts');

await Promise.all(
  ids.map((id) =>
    build({
      entryPoints: [join(rulesDir, id, 'handler.ts')],
      outfile: join(root, 'dist', 'lambda', id, 'index.js'),
      bundle: true,
      minify: true,
      sourcemap: false,
      platform: 'node',
      target: LAMBDA_NODE_TARGET,
      format: 'cjs',
      // ESM entry points of the SDK v3 packages: about half the size and load time of the CJS ones.
      mainFields: ['module', 'main'],
      legalComments: 'none',
      // Error class names appear in logs and in Config's failure message: keep them readable.
      keepNames: true,
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${ids.length} rule bundle(s): ${ids.join(', ')}`);
