import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

/**
 * bin/app.ts as `cdk synth` runs it (cdk.json: `npx tsx bin/app.ts`), in its own process, with the
 * context handed over the way the CDK CLI hands it (CDK_CONTEXT_JSON): a settings mistake ends the
 * process with one line on stderr, not a stack trace.
 */
function runApp(context: Record<string, unknown>) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) };
  delete env.CDK_OUTDIR; // no synth-on-exit: these runs only build the app
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not the CLI's
  return spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 180_000 });
}

describe('bin/app.ts', () => {
  test('Noncompliance 1: a mistyped key exits non-zero with one line naming it and the key it meant', () => {
    const run = runApp({ 'imdsv2-guard:remediaton': 'manual' });
    expect(run.error).toBeUndefined();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toBe('Context "imdsv2-guard:remediaton": unknown key; did you mean "imdsv2-guard:remediation"?\n');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 200_000);

  test('Noncompliance 2: a bad value of a known key (a guardrails reader) is one line too', () => {
    const run = runApp({ 'imdsv2-guard:guardrails': 'true', 'imdsv2-guard:guardrails:mode': 'strict' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toBe('Context "imdsv2-guard:guardrails:mode": expected one of review, enforce, got "strict"\n');
  }, 200_000);
});
