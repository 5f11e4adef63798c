import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build } from 'esbuild';
import { DEFAULT_RUNTIME, ESBUILD_OPTIONS, nodejsBundling, OLDEST_NODE_MAJOR } from '../../lib/bundling';
import { HELPER_ENTRIES } from '../../lib/remediation';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { REPO_ROOT, testApp } from './support';

describe('nodejsBundling: the shared esbuild options in NodejsFunction terms', () => {
  test('maps every shared option and bundles the SDK', () => {
    expect(nodejsBundling()).toEqual({
      minify: true,
      keepNames: true,
      sourceMap: false,
      target: 'node24',
      format: OutputFormat.CJS,
      mainFields: ['module', 'main'],
      esbuildArgs: { '--legal-comments': 'none' },
      externalModules: [],
    });
  });

  test('an option it does not map fails synth instead of silently building differently', () => {
    expect(() => nodejsBundling({ ...ESBUILD_OPTIONS, treeShaking: false })).toThrow(
      'lib/esbuild-options.json: treeShaking not mapped onto NodejsFunction in lib/bundling.ts',
    );
    expect(() => nodejsBundling({ ...ESBUILD_OPTIONS, platform: 'neutral' })).toThrow('platform=node');
  });
});

describe('the esbuild target', () => {
  test('Compliance: the target is the default runtime\'s Node.js', () => {
    expect(`nodejs${ESBUILD_OPTIONS.target.replace(/^node/, '')}.x`).toBe(DEFAULT_RUNTIME.name);
  });

});

/**
 * Runs scripts/build-lambdas.mjs exactly as `npm run build` does, but in a scratch copy of the
 * project (symlinks to the real sources) so the test never rewrites the repository's dist/.
 */
function buildWithScript(): { dir: string; bundle: (id: string) => Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-build-'));
  mkdirSync(path.join(dir, 'scripts'));
  copyFileSync(path.join(REPO_ROOT, 'scripts', 'build-lambdas.mjs'), path.join(dir, 'scripts', 'build-lambdas.mjs'));
  for (const entry of ['lambda', 'lib', 'node_modules', 'package.json', 'tsconfig.json']) {
    symlinkSync(path.join(REPO_ROOT, entry), path.join(dir, entry));
  }
  const run = spawnSync(process.execPath, [path.join(dir, 'scripts', 'build-lambdas.mjs')], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`scripts/build-lambdas.mjs failed:\n${run.stderr}`);
  return { dir, bundle: (id) => readFileSync(path.join(dir, 'dist', 'lambda', id, 'index.js')) };
}

// The one test that really bundles: every other test skips esbuild through aws:cdk:bundling-stacks.
describe('the deployed bundle', () => {
  const app = testApp({ 'aws:cdk:bundling-stacks': ['**'] });
  const stack = new Imdsv2GuardStack(app, 'Bundled', { rules: ['imdsv2-instance'] });
  const assembly = app.synth();
  const s3Key: string = Template.fromStack(stack).toJSON().Resources[
    stack.getLogicalId(stack.rules['imdsv2-instance']!.function.node.defaultChild as never)
  ].Properties.Code.S3Key;
  const assetFile = path.join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.js');
  const deployed = readFileSync(assetFile);
  const built = buildWithScript();
  afterAll(() => rmSync(built.dir, { recursive: true, force: true }));

  // A target only changes the output where it lets newer syntax through unlowered. Were a bundle to
  // differ, the functions kept on the oldest runtime (and this Node 20 test machine) could not parse it.
  test(`every bundle \`npm run build\` writes is byte for byte what a node${OLDEST_NODE_MAJOR} target gives`, async () => {
    const bundles = [...RULE_IDS, ...HELPER_ENTRIES.map((e) => `remediation/${e}`)];
    const entry = (b: string) => path.join(REPO_ROOT, 'lambda', b.startsWith('remediation/') ? '' : 'rules', b, 'handler.ts');
    // One build of every entry: esbuild parses the shared SDK once.
    const oldest = await build({
      ...(ESBUILD_OPTIONS as Record<string, unknown>),
      target: `node${OLDEST_NODE_MAJOR}`,
      entryPoints: Object.fromEntries(bundles.map((b) => [b, entry(b)])),
      outdir: path.join(built.dir, 'oldest'),
      write: false,
      logLevel: 'silent',
    });
    const byBundle = new Map(oldest.outputFiles.map((f) => [path.relative(path.join(built.dir, 'oldest'), f.path).replace(/\.js$/, ''), f.text]));
    expect([...byBundle.keys()].sort()).toEqual([...bundles].sort());
    const differing = bundles.filter((b) => built.bundle(b).toString('utf8') !== byBundle.get(b));
    expect(differing).toEqual([]);
  }, 120_000);

  test('is byte for byte the bundle `npm run build` writes', () => {
    expect(deployed.equals(built.bundle('imdsv2-instance'))).toBe(true);
  });

  test('is one minified file with the SDK inside, exporting the handler', () => {
    // Booleans and short lists only: a failing match would otherwise print the whole bundle.
    const code = deployed.toString('utf8');
    // Minified: lines run to thousands of characters (unminified code averages well under 100).
    expect(code.length / code.split('\n').length).toBeGreaterThan(2_000);
    // The SDK is inside; only Node built-ins and the optional CRT signer (SigV4a, loaded in a
    // try/catch, unused by these clients) are left to require at run time.
    const external = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m.startsWith('node:'));
    expect([...new Set(external)].filter((m) => m !== '@aws-sdk/signature-v4-crt')).toEqual([]);
    expect(code.includes('DescribeInstances')).toBe(true);
    // keepNames: error class names survive minification for the logs.
    expect(code.includes('"InvalidParameterError"')).toBe(true);
    const loaded = require(assetFile) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
  });
});
