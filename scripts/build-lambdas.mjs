// Bundles every rule handler exactly as it is deployed: one minified file per rule at
// dist/lambda/<id>/index.js. The esbuild options live in lib/esbuild-options.json, which the CDK
// NodejsFunction reads too (lib/bundling.ts), so what the tests run is what AWS runs.
import { build } from 'esbuild';
import { readdirSync, existsSync, statSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const options = JSON.parse(readFileSync(join(root, 'lib', 'esbuild-options.json'), 'utf8'));

/** Every `<dir>/<id>/handler.ts` as [id, entry]. */
function handlers(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory() && existsSync(join(dir, d, 'handler.ts')))
    .map((d) => [d, join(dir, d, 'handler.ts')]);
}

const rules = handlers(join(root, 'lambda', 'rules'));
if (rules.length === 0) throw new Error('no rule handlers found under lambda/rules/*/handler.ts');

await Promise.all(
  rules.map(([id, entry]) =>
    build({ ...options, entryPoints: [entry], outfile: join(root, 'dist', 'lambda', id, 'index.js'), logLevel: 'warning' }),
  ),
);
// Remediation steps an SSM document cannot express (lambda/remediation/<id>/handler.ts).
const remediations = handlers(join(root, 'lambda', 'remediation'));
await Promise.all(
  remediations.map(([id, entry]) =>
    build({ ...options, entryPoints: [entry], outfile: join(root, 'dist', 'lambda', 'remediation', id, 'index.js'), logLevel: 'warning' }),
  ),
);
console.log(`built ${remediations.length} remediation bundle(s): ${remediations.map(([id]) => id).join(', ')}`);
console.log(`built ${rules.length} rule bundle(s): ${rules.map(([id]) => id).join(', ')}`);
