import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES } from '../../lib/remediation';
import type { PackageStore, StoredObject } from '../../lib/stackset/aws-cli-s3';
import { helperVersionColumn, ruleVersionColumn, type CodeVersions } from '../../lib/stackset/code-versions';
import { packageStackSet, type PackagedTemplate, type StackSetManifest } from '../../lib/stackset/package';
import { publishStackSet } from '../../lib/stackset/publish';
import { CDK_JSON_CONTEXT, REPO_ROOT } from '../lib/support';

export { CDK_JSON_CONTEXT, REPO_ROOT };

/** Where `npm run build` writes the bundles the unit and integration tests run. */
export const LAMBDA_DIR = path.join(REPO_ROOT, 'dist', 'lambda');

/** Placeholder keys for tests that synthesize the member stack without packaging. */
export const FAKE_KEYS = Object.fromEntries(RULE_IDS.map((r) => [r, `imdsv2-guard/0.0.0-test/${r}-000000000000.zip`])) as Record<RuleId, string>;

/** Placeholder keys of the remediation helpers, by entry. */
export const FAKE_HELPER_KEYS: Record<string, string> = Object.fromEntries(HELPER_ENTRIES.map((e) => [e, `imdsv2-guard/0.0.0-test/remediation/${e}-000000000000.zip`]));

/** Placeholder S3 version ids in the regions the tests use, for tests that synthesize the member stack without publishing. */
export const FAKE_CODE_VERSIONS: CodeVersions = Object.fromEntries(
  ['us-east-1', 'eu-west-1', 'ap-southeast-2'].map((region) => [
    region,
    Object.fromEntries([...RULE_IDS.map(ruleVersionColumn), ...HELPER_ENTRIES.map(helperVersionColumn)].map((c) => [c, `fake-${region}-version-of-${c}`])),
  ]),
);

/**
 * Versioned buckets in memory, for the offline tests of the package → publish → synth chain (the
 * S3 behaviour itself is tested against moto in test/integration/publish-stackset.test.ts).
 */
export function memoryPackageStore(buckets: readonly string[]): PackageStore & { readonly objects: Map<string, Array<Required<StoredObject>>> } {
  const objects = new Map<string, Array<Required<StoredObject>>>();
  let next = 0;
  const known = (bucket: string) => {
    if (!buckets.includes(bucket)) throw new Error(`NoSuchBucket ${bucket}`);
  };
  return {
    objects,
    versioning: async (bucket) => (known(bucket), 'Enabled'),
    get: async (bucket, _region, key) => (known(bucket), objects.get(`${bucket}/${key}`)?.at(-1)),
    put: async (bucket, _region, key, body) => {
      known(bucket);
      const versionId = `v${++next}`;
      objects.set(`${bucket}/${key}`, [...(objects.get(`${bucket}/${key}`) ?? []), { versionId, body: Buffer.from(body) }]);
      return { versionId };
    },
  };
}

/** Packages and publishes (to in-memory buckets `acme-imdsv2-guard-<region>`) into a fresh temporary directory. */
export async function publishIntoTemp(
  context: Record<string, unknown> = CDK_JSON_CONTEXT,
  regions: readonly string[] = ['us-east-1', 'eu-west-1'],
): Promise<{ dir: string; manifest: StackSetManifest & { template: PackagedTemplate } }> {
  const { dir } = packageIntoTemp();
  const store = memoryPackageStore(regions.map((r) => `acme-imdsv2-guard-${r}`));
  const manifest = await publishStackSet({ dir, bucketPrefix: 'acme-imdsv2-guard', regions, context, store });
  return { dir, manifest: manifest as StackSetManifest & { template: PackagedTemplate } };
}

/** The bundles must exist: they are what packaging zips, and what the other tests run. */
export function requireBuiltBundles(): void {
  const missing = [...RULE_IDS, ...HELPER_ENTRIES.map((e) => `remediation/${e}`)].filter((r) => !existsSync(path.join(LAMBDA_DIR, r, 'index.js')));
  if (missing.length > 0) {
    throw new Error(`dist/lambda/<id>/index.js missing for ${missing.join(', ')}: run \`npm run build\` first (npm test does).`);
  }
}

/** Packages (zips and manifest) into a fresh temporary directory, from the repository's dist/lambda. */
export function packageIntoTemp(): { dir: string; manifest: StackSetManifest } {
  requireBuiltBundles();
  const dir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-stackset-'));
  return { dir, manifest: packageStackSet({ outDir: dir, lambdaDir: LAMBDA_DIR }) };
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
