import * as path from 'node:path';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import esbuildOptions from './esbuild-options.json';

/**
 * The esbuild options of every rule bundle. They live in JSON so that `scripts/build-lambdas.mjs`
 * (plain Node, cannot import TypeScript) and the deployed `NodejsFunction` read the same file: the
 * bundle the tests run is the bundle AWS runs.
 */
export const ESBUILD_OPTIONS: Readonly<typeof esbuildOptions> = esbuildOptions;

/** The repository root: holds package-lock.json and `lambda/rules/<id>/handler.ts`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The handler source of a rule, relative to a project root. */
export function ruleEntry(projectRoot: string, ruleId: string): string {
  return path.join(projectRoot, 'lambda', 'rules', ruleId, 'handler.ts');
}

const MAPPED = new Set(['bundle', 'minify', 'keepNames', 'sourcemap', 'platform', 'target', 'format', 'mainFields', 'legalComments']);

/**
 * The shared options in `NodejsFunction` terms. An option added to the JSON that is not mapped here
 * fails synth, so the two builds cannot drift apart silently.
 */
export function nodejsBundling(options: Readonly<Record<string, unknown>> = ESBUILD_OPTIONS): BundlingOptions {
  const unmapped = Object.keys(options).filter((k) => !MAPPED.has(k));
  if (unmapped.length > 0) {
    throw new Error(`lib/esbuild-options.json: ${unmapped.join(', ')} not mapped onto NodejsFunction in lib/bundling.ts`);
  }
  // NodejsFunction always bundles for Node; anything else would not be the same build.
  if (options.bundle !== true || options.platform !== 'node') {
    throw new Error('lib/esbuild-options.json: NodejsFunction only builds with bundle=true and platform=node');
  }
  const format = options.format;
  if (format !== OutputFormat.CJS && format !== OutputFormat.ESM) {
    throw new Error(`lib/esbuild-options.json: unsupported format ${String(format)}`);
  }
  return {
    minify: options.minify === true,
    keepNames: options.keepNames === true,
    sourceMap: options.sourcemap === true,
    target: String(options.target),
    format,
    mainFields: [...(options.mainFields as string[])],
    ...(options.legalComments ? { esbuildArgs: { '--legal-comments': String(options.legalComments) } } : {}),
    // Bundle the SDK v3 clients rather than use the runtime's copy: what we test is what runs.
    externalModules: [],
  };
}
