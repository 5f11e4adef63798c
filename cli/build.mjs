// Bundles the CLI to dist/cli/imdsv2-guard.js (one file, loaded by bin/imdsv2-guard.js), built like
// the rule bundles: esbuild, ESM entry points of the SDK for size and start-up time. Also lays out
// dist/npm/: the installable package (`npm pack ./dist/npm`), which holds only the bin shim, the
// bundle and a README, and declares no dependency: the bundle carries everything it runs.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { sdkSchemaKeys } from '../scripts/sdk-schema-keys.mjs';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Each rule's scan.ts loads its handler on first use, so the CDK app and the tests that read the
// catalog never evaluate the rules' SDK code. In the CLI bundle that `require` would make esbuild wrap
// the handler and everything it imports, and a wrapped SDK package index keeps every command of the
// service (no tree-shaking through a wrapped `export *`): 1.8 MB instead of 0.7. The scanner runs
// every rule anyway, so here the handler is imported statically. The pattern must be there exactly
// once, so a scan.ts written differently fails the build instead of growing it silently.
const LAZY_HANDLER = "(require('./handler') as typeof import('./handler'))";
const staticRuleHandlers = {
  name: 'static-rule-handlers',
  setup(b) {
    b.onLoad({ filter: /[\\/]lambda[\\/]rules[\\/][^\\/]+[\\/]scan\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (source.split(LAZY_HANDLER).length !== 2) throw new Error(`${args.path}: expected one ${LAZY_HANDLER}`);
      return { contents: `import * as ruleHandler from './handler';\n${source.replace(LAZY_HANDLER, 'ruleHandler')}`, loader: 'ts' };
    });
  },
};

export async function buildCli(outfile = join(root, 'dist', 'cli', 'imdsv2-guard.js')) {
  await build({
    entryPoints: [join(root, 'cli', 'imdsv2-guard.ts')],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    // Error names (AccessDenied, CredentialsProviderError…) are how failures are classified.
    keepNames: true,
    // Only the SDK shapes of the operations the CLI sends (see scripts/sdk-schema-keys.mjs).
    plugins: [sdkSchemaKeys(), staticRuleHandlers],
    logLevel: 'warning',
  });
  return outfile;
}

/** dist/npm: the package `npm pack ./dist/npm` turns into imdsv2-guard-<version>.tgz. */
export function layoutPackage(bundle = join(root, 'dist', 'cli', 'imdsv2-guard.js'), dir = join(root, 'dist', 'npm')) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  copyFileSync(join(root, 'bin', 'imdsv2-guard.js'), join(dir, 'bin', 'imdsv2-guard.js'));
  copyFileSync(bundle, join(dir, 'dist', 'cli', 'imdsv2-guard.js'));
  copyFileSync(join(root, 'cli', 'package-readme.md'), join(dir, 'README.md'));
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: 'Find EC2 IMDSv1 exposure across an AWS organization (read-only scan) and report AWS Config aggregator results.',
    license: pkg.license,
    engines: pkg.engines,
    bin: { 'imdsv2-guard': 'bin/imdsv2-guard.js' },
    files: ['bin/imdsv2-guard.js', 'dist/cli/imdsv2-guard.js', 'README.md'],
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildCli(process.argv[2]);
  console.log(`built CLI bundle: ${out}`);
  if (!process.argv[2]) console.log(`laid out the npm package: ${layoutPackage(out)} (npm pack ./dist/npm)`);
}
