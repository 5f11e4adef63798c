// Bundles every rule handler exactly as it is deployed: one minified file per rule at
// dist/lambda/<id>/index.js, and one per remediation helper at dist/lambda/remediation/<id>/index.js.
// The esbuild options live in lib/esbuild-options.json; the CDK functions build through the same
// `bundleLambda` (lib/bundling.ts runs this file with --entry/--outfile), so what the tests run is
// what AWS runs.
//
//   node scripts/build-lambdas.mjs                              every bundle under dist/lambda/
//   node scripts/build-lambdas.mjs --entry <handler.ts> --outfile <index.js>   one bundle
import { build } from 'esbuild';
import { readdirSync, existsSync, statSync, readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sdkSchemaKeys } from './sdk-schema-keys.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const options = JSON.parse(readFileSync(join(root, 'lib', 'esbuild-options.json'), 'utf8'));

/**
 * One handler bundled with the shared options and the SDK schema plugin (scripts/sdk-schema-keys.mjs);
 * `overrides` (e.g. another `target`) only for tests that compare builds.
 */
export function bundleLambda(entry, outfile, overrides = {}) {
  return build({ ...options, ...overrides, entryPoints: [entry], outfile, plugins: [sdkSchemaKeys()], logLevel: 'warning' });
}

/** Every `<dir>/<id>/handler.ts` as [id, entry]. */
function handlers(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory() && existsSync(join(dir, d, 'handler.ts')))
    .map((d) => [d, join(dir, d, 'handler.ts')]);
}

async function buildAll() {
  const rules = handlers(join(root, 'lambda', 'rules'));
  if (rules.length === 0) throw new Error('no rule handlers found under lambda/rules/*/handler.ts');
  await Promise.all(rules.map(([id, entry]) => bundleLambda(entry, join(root, 'dist', 'lambda', id, 'index.js'))));
  // Remediation steps an SSM document cannot express (lambda/remediation/<id>/handler.ts).
  const remediations = handlers(join(root, 'lambda', 'remediation'));
  await Promise.all(remediations.map(([id, entry]) => bundleLambda(entry, join(root, 'dist', 'lambda', 'remediation', id, 'index.js'))));
  console.log(`built ${remediations.length} remediation bundle(s): ${remediations.map(([id]) => id).join(', ')}`);
  console.log(`built ${rules.length} rule bundle(s): ${rules.map(([id]) => id).join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    await buildAll();
  } else {
    const at = (flag) => {
      const i = args.indexOf(flag);
      const v = i >= 0 ? args[i + 1] : undefined;
      if (!v) throw new Error(`usage: build-lambdas.mjs [--entry <handler.ts> --outfile <index.js>] (missing ${flag})`);
      return resolve(v);
    };
    await bundleLambda(at('--entry'), at('--outfile'));
  }
}
