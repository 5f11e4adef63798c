import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Environment changes: a string sets the variable, `undefined` removes it. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const DEFAULT_BUNDLE_DIR = join(REPO_ROOT, 'dist', 'lambda');

/**
 * The environment that points every SDK v3 client at the front, the way a deployed Lambda gets its
 * settings (the bundles must not hard-code endpoints). Also hermetic: no profile, no shared
 * config file and no service-specific endpoint variable from the developer's machine can win.
 */
export function sdkEnv(front: { readonly url: string }, region = 'us-east-1'): EnvVars {
  const missing = join(tmpdir(), 'imdsv2-guard-no-such-aws-file');
  const serviceEndpoints = Object.keys(process.env).filter((k) => k.startsWith('AWS_ENDPOINT_URL_'));
  return {
    ...Object.fromEntries(serviceEndpoints.map((k) => [k, undefined])),
    AWS_ENDPOINT_URL: front.url,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_CONFIG_FILE: missing,
    AWS_SHARED_CREDENTIALS_FILE: missing,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * Runs `fn` with `vars` applied to process.env and restores the previous values afterwards
 * (after the promise settles when `fn` is async).
 *
 * SDK clients resolve region, endpoint and credentials lazily, on their first call, and then
 * memoize them: keep both loading a bundle and invoking its handler inside `withEnv`.
 */
export function withEnv<T>(vars: EnvVars, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  apply(vars);
  const restore = () => apply(saved);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    restore();
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(restore) as T;
  }
  restore();
  return result;
}

function apply(vars: EnvVars): void {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** What `dist/lambda/<id>/index.js` exports. */
export interface LambdaBundle {
  handler(event: unknown, context?: unknown): Promise<unknown>;
}

/**
 * Loads the deployed bundle of a rule afresh, so its module-scope SDK clients are created now, under
 * the current environment (call inside `withEnv(sdkEnv(front), ...)`).
 *
 * Under jest, `require.cache` is jest's registry and ignores deletes, so a fresh load goes through
 * `jest.isolateModules`; the bundle then runs in the test's own sandbox (same process.env, same Date
 * and Error classes as the test). One catch: that sandbox cannot run dynamic `import()` unless node
 * runs with --experimental-vm-modules (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG), and the SDK's
 * HTTP handler does `await import("node:http")`. In that case we load a copy lowered by esbuild with
 * `supported: { 'dynamic-import': false }`, the same rewrite the build would do with that option
 * (`import("node:http")` becomes `Promise.resolve().then(() => require("node:http"))`); nothing
 * else changes. With that option in the build, or the node flag, the bundle is loaded as is.
 */
export function loadBundle(id: string, options: { readonly bundleDir?: string } = {}): LambdaBundle {
  const file = join(options.bundleDir ?? DEFAULT_BUNDLE_DIR, id, 'index.js');
  if (!existsSync(file)) {
    throw new Error(`Lambda bundle for '${id}' not found at ${file}: run npm run build first`);
  }
  let loaded: unknown;
  if (typeof jest !== 'undefined') {
    const runnable = sandboxRunsDynamicImport() ? file : withoutDynamicImport(id, file);
    jest.isolateModules(() => {
      loaded = require(runnable);
    });
  } else {
    delete require.cache[require.resolve(file)];
    loaded = require(file);
  }
  const handler = (loaded as { handler?: unknown } | undefined)?.handler;
  if (typeof handler !== 'function') throw new Error(`${file} does not export a handler function`);
  return loaded as LambdaBundle;
}

function sandboxRunsDynamicImport(): boolean {
  const flag = '--experimental-vm-modules';
  return process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? '').includes(flag);
}

/** The bundle itself if it has no `import(`, else a lowered copy in the temp dir (cached by content). */
function withoutDynamicImport(id: string, file: string): string {
  const source = readFileSync(file, 'utf8');
  if (!/\bimport\(/.test(source)) return file;
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const lowered = join(tmpdir(), 'imdsv2-guard-test-bundles', `${id}-${hash}.js`);
  if (!existsSync(lowered)) {
    // Lazy: only integration tests that load bundles pay for esbuild.
    const { transformSync } = require('esbuild') as typeof import('esbuild');
    const { code } = transformSync(source, { loader: 'js', format: 'cjs', platform: 'node', supported: { 'dynamic-import': false } });
    mkdirSync(dirname(lowered), { recursive: true });
    writeFileSync(lowered, code);
  }
  return lowered;
}
