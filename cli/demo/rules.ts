import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../lambda/rules/catalog';

/** One evaluation as a rule handler returns it (what it sent to PutEvaluations). */
export interface SentEvaluation {
  readonly ComplianceResourceType: string;
  readonly ComplianceResourceId: string;
  readonly ComplianceType: string;
  readonly Annotation: string;
  readonly OrderingTimestamp: Date;
}

type Handler = (event: unknown, context?: unknown) => Promise<SentEvaluation[]>;

export function bundlePath(root: string, id: string): string {
  return join(root, 'dist', 'lambda', id, 'index.js');
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/lambda/<id>/index.js exist and are newer than the rule sources, running the
 * project's own bundling step (the esbuild half of `npm run build`) when they are not.
 * Returns why it built, or undefined when the bundles were current.
 */
export function ensureBundles(root: string): string | undefined {
  const missing = RULE_IDS.filter((id) => !existsSync(bundlePath(root, id)));
  const oldest = missing.length > 0 ? 0 : Math.min(...RULE_IDS.map((id) => statSync(bundlePath(root, id)).mtimeMs));
  const reason = missing.length > 0 ? `missing: ${missing.join(', ')}` : newestSource(join(root, 'lambda')) > oldest ? 'older than the sources' : undefined;
  if (!reason) return undefined;
  const out = spawnSync(process.execPath, [join(root, 'scripts', 'build-lambdas.mjs')], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`building the rule bundles failed (node scripts/build-lambdas.mjs):\n${out.stderr || out.stdout}`);
  return reason;
}

/** The bundle's `handler`, exactly as Lambda would load it. Call after the environment is set. */
export function loadHandler(root: string, id: string): Handler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(bundlePath(root, id)) as { handler?: Handler };
  if (typeof mod.handler !== 'function') throw new Error(`${bundlePath(root, id)} does not export a handler`);
  return mod.handler;
}

/** The part of the Lambda context the handlers read: the time left, for the sweep's deadline. */
export function lambdaContext(timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName: 'imdsv2-guard-demo',
    awsRequestId: 'demo',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
