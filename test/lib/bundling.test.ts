import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_RUNTIME, ESBUILD_OPTIONS, OLDEST_NODE_MAJOR } from '../../lib/bundling';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { HELPER_ENTRIES } from '../../lib/remediation';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { REPO_ROOT, testApp } from './support';

/**
 * Runs `program` as an ES module in a child node, with `input` on its stdin, and parses the JSON it
 * prints: the build scripts are plain ESM, which ts-jest's CommonJS output cannot import.
 */
function runEsm<T>(program: string, input = ''): T {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: REPO_ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as T;
}

const script = (name: string) => JSON.stringify(path.join(REPO_ROOT, 'scripts', name));

/** scripts/sdk-schema-keys.mjs's `inlineSchemaKeys` over `source`. */
function inlineSchemaKeys(source: string): { contents: string; replaced: number } {
  return runEsm(`import { inlineSchemaKeys } from ${script('sdk-schema-keys.mjs')};
let text = ''; process.stdin.setEncoding('utf8'); for await (const c of process.stdin) text += c;
process.stdout.write(JSON.stringify(inlineSchemaKeys(text)));`, source);
}

/** Evaluates a script that assigns `out` and returns it (the shapes are plain data). */
function evaluate(source: string): unknown {
  return new Function(`${source}\nreturn out;`)();
}

describe('sdk-schema-keys: computed keys written as the strings they name', () => {
  const SOURCE = [
    'const _xN = "xmlName";',
    'const _eQN = "ec2QueryName";',
    'const _p = "__proto__";',
    'let _mutable = "notConst";',
    'const n0 = "com.amazonaws.ec2";',
    'var A$ = [3, n0, "A", 0, ["x"], [[0, { [_eQN]: `X`, [_xN]: "x" }]]];',
    'var B$ = [3, n0, "B", 0, [], [{ [_p]: 1 }, { [_mutable]: 2 }, true ? [_xN] : 0]];',
    'var out = [A$, B$];',
  ].join('\n');

  test('rewrites only keys naming a top-level string const, never __proto__, never an array', () => {
    const { contents, replaced } = inlineSchemaKeys(SOURCE);
    expect(replaced).toBe(2);
    expect(contents).toContain('{ "ec2QueryName": `X`, "xmlName": "x" }');
    expect(contents).toContain('{ [_p]: 1 }');
    expect(contents).toContain('{ [_mutable]: 2 }');
    expect(contents).toContain('true ? [_xN] : 0');
  });

  test('the rewritten shapes are the same values', () => {
    const { contents } = inlineSchemaKeys(SOURCE);
    const before = evaluate(SOURCE) as unknown[][];
    const after = evaluate(contents) as unknown[][];
    expect(after).toEqual(before);
    // `__proto__` stayed an own property, as the computed key made it.
    const proto = (after[1][5] as object[])[0];
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  test('applies to the EC2 schema module of the SDK this project locks', () => {
    const file = require.resolve('@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js', { paths: [REPO_ROOT] });
    const { replaced } = inlineSchemaKeys(readFileSync(file, 'utf8'));
    // Thousands of keys: if a new SDK release writes its schemas differently, this fails before the
    // bundles silently grow back (see the size test below).
    expect(replaced).toBeGreaterThan(5_000);
  });
});

describe('the esbuild target', () => {
  test('Compliance: the target is the default runtime\'s Node.js', () => {
    expect(`nodejs${ESBUILD_OPTIONS.target.replace(/^node/, '')}.x`).toBe(DEFAULT_RUNTIME.name);
  });
});

/**
 * Every bundle built by scripts/build-lambdas.mjs's own `bundleLambda`, but for another esbuild
 * target, into `outdir`: bundle name → text.
 */
function buildForTarget(target: string, bundles: readonly string[], outdir: string): Map<string, string> {
  const entry = (b: string) => path.join(REPO_ROOT, 'lambda', b.startsWith('remediation/') ? '' : 'rules', b, 'handler.ts');
  const jobs = bundles.map((b) => [entry(b), path.join(outdir, `${b}.js`)]);
  runEsm(`import { bundleLambda } from ${script('build-lambdas.mjs')};
await Promise.all(${JSON.stringify(jobs)}.map(([entry, outfile]) => bundleLambda(entry, outfile, { target: ${JSON.stringify(target)} })));
process.stdout.write('true');`);
  return new Map(bundles.map((b) => [b, readFileSync(path.join(outdir, `${b}.js`), 'utf8')]));
}

/**
 * Runs scripts/build-lambdas.mjs exactly as `npm run build` does, but in a scratch copy of the
 * project (symlinks to the real sources) so the test never rewrites the repository's dist/.
 */
function buildWithScript(): { dir: string; bundle: (id: string) => Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-build-'));
  mkdirSync(path.join(dir, 'scripts'));
  for (const script of ['build-lambdas.mjs', 'sdk-schema-keys.mjs']) {
    copyFileSync(path.join(REPO_ROOT, 'scripts', script), path.join(dir, 'scripts', script));
  }
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
  test(`every bundle \`npm run build\` writes is byte for byte what a node${OLDEST_NODE_MAJOR} target gives`, () => {
    const bundles = [...RULE_IDS, ...HELPER_ENTRIES.map((e) => `remediation/${e}`)];
    const byBundle = buildForTarget(`node${OLDEST_NODE_MAJOR}`, bundles, path.join(built.dir, 'oldest'));
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

  test('keeps only the EC2 shapes the rule reaches (the schema plugin at work)', () => {
    // 994 KB before scripts/sdk-schema-keys.mjs, ~424 KB with it (2026-12-02, SDK 3.1169): EC2's
    // ~550 KB of shapes shrink to the ~22 KB DescribeInstances needs. A shape of an operation the
    // rule never sends must not be in the bundle.
    expect(deployed.length).toBeLessThan(600_000);
    expect(deployed.toString('utf8').includes('AcceptAddressTransferRequest')).toBe(false);
  });
});
