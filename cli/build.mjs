// Bundles the CLI to dist/cli/imdsv2-guard.js (one file, loaded by bin/imdsv2-guard.js), built like
// the rule bundles: esbuild, ESM entry points of the SDK for size and start-up time.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildCli(process.argv[2]);
  console.log(`built CLI bundle: ${out}`);
}
