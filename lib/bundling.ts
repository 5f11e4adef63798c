import * as path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { type Code, Function as LambdaFunction, type FunctionOptions, Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
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

/**
 * The runtime of every function (rules and remediation helpers) unless the runtime prop or the
 * `imdsv2-guard:runtime` context says otherwise. The esbuild target (lib/esbuild-options.json) follows it.
 */
export const DEFAULT_RUNTIME: Runtime = Runtime.NODEJS_24_X;

/**
 * The oldest Node.js major the bundles still run on. It is below the esbuild target on purpose:
 * test/lib/bundling.test.ts proves a build for this major is byte-identical to the real one, so a
 * function kept on it runs exactly the code the default runtime runs.
 */
export const OLDEST_NODE_MAJOR = 22;

/** The Node.js major of a runtime (`nodejs24.x` → 24); 0 for any other family. */
function nodeMajor(runtime: Runtime): number {
  const major = /^nodejs(\d+)/.exec(runtime.name)?.[1];
  return runtime.family === RuntimeFamily.NODEJS && major ? Number(major) : 0;
}

/** Why the bundles cannot run on `runtime` (`who` names what is deployed), or undefined when they can. */
export function nodeRuntimeProblem(runtime: Runtime, who: string): string | undefined {
  if (nodeMajor(runtime) >= OLDEST_NODE_MAJOR) return undefined;
  return `runtime ${runtime.name}: ${who} need Node.js ${OLDEST_NODE_MAJOR} or later (e.g. ${DEFAULT_RUNTIME.name} or nodejs${OLDEST_NODE_MAJOR}.x)`;
}

/** Refuses runtimes the bundles cannot run on: `who` names what is being deployed in the error. */
export function checkNodeRuntime(runtime: Runtime, who: string): void {
  const problem = nodeRuntimeProblem(runtime, who);
  if (problem) throw new Error(problem);
}

/**
 * The cdk-nag AwsSolutions-L1 acknowledgement ("not the latest runtime") for a function deliberately
 * kept on an older runtime than the default; the default itself needs none while it is the newest.
 */
export function olderRuntimeReason(runtime: Runtime): string | undefined {
  if (nodeMajor(runtime) >= nodeMajor(DEFAULT_RUNTIME)) return undefined;
  return `${runtime.name} was chosen over the default ${DEFAULT_RUNTIME.name} (runtime prop or imdsv2-guard:runtime context); the bundles run on Node.js ${OLDEST_NODE_MAJOR} and later.`;
}

/**
 * A function running one of this project's handlers: bundled locally from `entry` with the shared
 * esbuild options, or, when `code` is given (the StackSet member template), the prebuilt bundle
 * (`index.handler`). Its role's policy is inline, so CDK's DependsOn on the role is dropped as
 * redundant (cfn-lint W3005).
 */
export function projectFunction(
  scope: Construct,
  id: string,
  props: FunctionOptions & { readonly runtime: Runtime },
  source: { readonly code?: Code; readonly entry: string; readonly projectRoot: string },
): LambdaFunction {
  const fn = source.code
    ? new LambdaFunction(scope, id, { ...props, code: source.code, handler: 'index.handler' })
    : new NodejsFunction(scope, id, {
        ...props,
        entry: source.entry,
        projectRoot: source.projectRoot,
        depsLockFilePath: path.join(source.projectRoot, 'package-lock.json'),
        handler: 'handler',
        bundling: nodejsBundling(),
      });
  (fn.node.defaultChild as CfnResource).addDeletionOverride('DependsOn');
  return fn;
}
