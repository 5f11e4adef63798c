import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES } from '../../lib/remediation';
import { packageStackSet, type StackSetManifest } from '../../lib/stackset/package';
import { CDK_JSON_CONTEXT, REPO_ROOT } from '../lib/support';

export { CDK_JSON_CONTEXT, REPO_ROOT };

/** Where `npm run build` writes the bundles the unit and integration tests run. */
export const LAMBDA_DIR = path.join(REPO_ROOT, 'dist', 'lambda');

/** Placeholder keys for tests that synthesize the member stack without packaging. */
export const FAKE_KEYS = Object.fromEntries(RULE_IDS.map((r) => [r, `imdsv2-guard/0.0.0-test/${r}-000000000000.zip`])) as Record<RuleId, string>;

/** Placeholder keys of the remediation helpers, by entry. */
export const FAKE_HELPER_KEYS: Record<string, string> = Object.fromEntries(HELPER_ENTRIES.map((e) => [e, `imdsv2-guard/0.0.0-test/remediation/${e}-000000000000.zip`]));

/** The bundles must exist: they are what packaging zips, and what the other tests run. */
export function requireBuiltBundles(): void {
  const missing = [...RULE_IDS, ...HELPER_ENTRIES.map((e) => `remediation/${e}`)].filter((r) => !existsSync(path.join(LAMBDA_DIR, r, 'index.js')));
  if (missing.length > 0) {
    throw new Error(`dist/lambda/<id>/index.js missing for ${missing.join(', ')}: run \`npm run build\` first (npm test does).`);
  }
}

/** Packages into a fresh temporary directory, from the repository's dist/lambda and cdk.json context. */
export function packageIntoTemp(context: Record<string, unknown> = CDK_JSON_CONTEXT): { dir: string; manifest: StackSetManifest } {
  requireBuiltBundles();
  const dir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-stackset-'));
  return { dir, manifest: packageStackSet({ outDir: dir, lambdaDir: LAMBDA_DIR, context }) };
}

// cfn-lint exit code bits: 1 cfn-lint itself failed, 2 errors, 4 warnings, 8 informational only.
const FAILING_BITS = 1 | 2 | 4;

/** Runs the real (Python) cfn-lint; a missing binary fails with how to install it. */
export function cfnLint(...templates: string[]): { status: number; report: string } {
  const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...templates], { encoding: 'utf8' });
  if (lint.error) {
    throw new Error(
      `cfn-lint could not run (${lint.error.message}). It is required: pip install cfn-lint==1.51.0 (the Python tool, not the npm package).`,
    );
  }
  return { status: (lint.status ?? 255) & FAILING_BITS, report: `${lint.stdout}${lint.stderr}` };
}

/** Reads an entry of a zip with Python's zipfile (an independent reader, which also checks the CRC). */
export function readZipWithPython(zipFile: string): Array<{ name: string; sha256: string; mode: string; date: number[]; size: number }> {
  const script = [
    'import hashlib, json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'assert bad is None, "CRC error in " + str(bad)',
    'print(json.dumps([{"name": i.filename, "sha256": hashlib.sha256(z.read(i)).hexdigest(), "mode": oct(i.external_attr >> 16), "date": list(i.date_time), "size": i.file_size} for i in z.infolist()]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, zipFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 zipfile could not read ${zipFile}:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}
