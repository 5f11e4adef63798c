import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, type CfnResource, DockerImage } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, type FunctionOptions, Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import esbuildOptions from './esbuild-options.json';

/**
 * The esbuild options of every bundle, read by `scripts/build-lambdas.mjs` (plain Node, cannot
 * import TypeScript), which both `npm run build` and the deployed functions (`bundledCode`) run.
 */
export const ESBUILD_OPTIONS: Readonly<typeof esbuildOptions> = esbuildOptions;

/** The repository root: holds package-lock.json and `lambda/rules/<id>/handler.ts`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The handler source of a rule, relative to a project root. */
export function ruleEntry(projectRoot: string, ruleId: string): string {
  return path.join(projectRoot, 'lambda', 'rules', ruleId, 'handler.ts');
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
 * A handler's code, bundled at synth by `scripts/build-lambdas.mjs --entry … --outfile …`: the very
 * function `npm run build` uses, with the shared options and the SDK schema plugin
 * (scripts/sdk-schema-keys.mjs), which the CDK's NodejsFunction cannot take (it runs the esbuild
 * command line, and plugins exist only in esbuild's JavaScript API). Bundling is always local: the
 * Docker image is only there because the CDK requires one and is never pulled. Stacks left out of
 * `aws:cdk:bundling-stacks` (the unit tests) skip it, as they did NodejsFunction's.
 */
export function bundledCode(entry: string, projectRoot: string): Code {
  if (!existsSync(entry)) throw new Error(`no handler at ${entry}`);
  const script = path.join(projectRoot, 'scripts', 'build-lambdas.mjs');
  return Code.fromAsset(path.dirname(entry), {
    // The hash of the bundle itself: a change in a dependency changes the asset, as it should.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir: string): boolean {
          const run = spawnSync(process.execPath, [script, '--entry', entry, '--outfile', path.join(outputDir, 'index.js')], {
            cwd: projectRoot,
            encoding: 'utf8',
          });
          if (run.status !== 0) throw new Error(`bundling ${entry} failed: ${run.error?.message ?? run.stderr}`);
          return true;
        },
      },
    },
  });
}

/**
 * A function running one of this project's handlers: bundled at synth from `entry`
 * (`bundledCode`), or, when `code` is given (the StackSet member template), the prebuilt bundle.
 * Either way the handler is `index.handler`. Its role's policy is inline, so CDK's DependsOn on the
 * role is dropped as redundant (cfn-lint W3005).
 */
export function projectFunction(
  scope: Construct,
  id: string,
  props: FunctionOptions & { readonly runtime: Runtime },
  source: { readonly code?: Code; readonly entry: string; readonly projectRoot: string },
): LambdaFunction {
  const fn = new LambdaFunction(scope, id, { ...props, code: source.code ?? bundledCode(source.entry, source.projectRoot), handler: 'index.handler' });
  (fn.node.defaultChild as CfnResource).addDeletionOverride('DependsOn');
  return fn;
}
