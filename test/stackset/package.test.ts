import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES } from '../../lib/remediation';
import { CODE_VERSIONS, helperVersionColumn, ruleVersionColumn } from '../../lib/stackset/code-versions';
import { BUCKET_DIR, functionKey, helperKey, MANIFEST_FILE, packageStackSet, readPackage, sha256, TEMPLATE_FILE, templateKey } from '../../lib/stackset/package';
import { publishStackSet } from '../../lib/stackset/publish';
import { zip } from '../../lib/stackset/zip';
import { CDK_JSON_CONTEXT, LAMBDA_DIR, memoryPackageStore, packageIntoTemp, publishIntoTemp, readZipWithPython, REPO_ROOT } from './support';

/** Every file below a directory, relative, `/`-separated. */
function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

describe('npm run package:stackset', () => {
  const { dir, manifest } = packageIntoTemp();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;

  test.each(RULE_IDS)('%s: the zip holds only index.js, byte for byte the dist/lambda bundle the unit and integration tests run', (ruleId) => {
    const built = readFileSync(path.join(LAMBDA_DIR, ruleId, 'index.js'));
    const packaged = manifest.functions[ruleId];
    const zipFile = path.join(dir, BUCKET_DIR, packaged.key);
    // Read back by Python's zipfile, an independent implementation that also checks the CRC.
    expect(readZipWithPython(zipFile)).toEqual([{ name: 'index.js', sha256: sha256(built), mode: '0o100644', date: [1980, 1, 1, 0, 0, 0], size: built.length }]);
    expect(packaged.indexSha256).toBe(sha256(built));
    expect(packaged.zipSha256).toBe(sha256(readFileSync(zipFile)));
    expect(packaged.key).toBe(`imdsv2-guard/${version}/${ruleId}-${sha256(built).slice(0, 12)}.zip`);
    expect(packaged.key).toBe(functionKey(version, ruleId, packaged.indexSha256));
  });

  test.each(HELPER_ENTRIES)('remediation helper %s: the zip holds only index.js, byte for byte dist/lambda/remediation/<entry>/index.js', (entry) => {
    const built = readFileSync(path.join(LAMBDA_DIR, 'remediation', entry, 'index.js'));
    const packaged = manifest.helpers[entry];
    const zipFile = path.join(dir, BUCKET_DIR, packaged.key);
    expect(readZipWithPython(zipFile)).toEqual([{ name: 'index.js', sha256: sha256(built), mode: '0o100644', date: [1980, 1, 1, 0, 0, 0], size: built.length }]);
    expect(packaged.indexSha256).toBe(sha256(built));
    expect(packaged.zipSha256).toBe(sha256(readFileSync(zipFile)));
    expect(packaged.key).toBe(`imdsv2-guard/${version}/remediation/${entry}-${sha256(built).slice(0, 12)}.zip`);
    expect(packaged.key).toBe(helperKey(version, entry, packaged.indexSha256));
  });

  test.each(['imdsv2-instance', 'remediation/imdsv1-usage-gate'])('the packaged handler %s loads and exports `handler`, as Lambda will call index.handler', (name) => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-unzipped-'));
    try {
      const key = name.startsWith('remediation/') ? manifest.helpers[name.slice('remediation/'.length)].key : manifest.functions[name as (typeof RULE_IDS)[number]].key;
      const zipFile = path.join(dir, BUCKET_DIR, key);
      const run = spawnSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipFile, scratch], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const loaded = require(path.join(scratch, 'index.js')) as { handler?: unknown };
      expect(typeof loaded.handler).toBe('function');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('bucket/ holds the five rule zips and the helper zips at their keys, nothing else; no template before publishing', () => {
    expect(files(path.join(dir, BUCKET_DIR)).sort()).toEqual([...RULE_IDS.map((r) => manifest.functions[r].key), ...HELPER_ENTRIES.map((e) => manifest.helpers[e].key)].sort());
    expect(Object.keys(manifest.helpers).sort()).toEqual([...HELPER_ENTRIES].sort());
    expect(readdirSync(dir).sort()).toEqual([BUCKET_DIR, MANIFEST_FILE].sort());
    expect(manifest.template).toBeUndefined();
    expect(() => readPackage(dir)).toThrow(/has no member template yet: publish the package first/);
  });

  test('is deterministic: packaging again gives the same bytes and keys', () => {
    const again = packageIntoTemp();
    try {
      expect(again.manifest).toEqual(manifest);
      for (const f of files(path.join(dir, BUCKET_DIR))) {
        expect({ f, same: readFileSync(path.join(again.dir, BUCKET_DIR, f)).equals(readFileSync(path.join(dir, BUCKET_DIR, f))) }).toEqual({ f, same: true });
      }
    } finally {
      rmSync(again.dir, { recursive: true, force: true });
    }
  });

  test('a changed bundle gets a new key; the others keep theirs', () => {
    const lambdaDir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-lambda-'));
    const out = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-stackset-'));
    try {
      for (const r of [...RULE_IDS, ...HELPER_ENTRIES.map((e) => path.join('remediation', e))]) {
        mkdirSync(path.join(lambdaDir, r), { recursive: true });
        copyFileSync(path.join(LAMBDA_DIR, r, 'index.js'), path.join(lambdaDir, r, 'index.js'));
      }
      const append = (r: string) => writeFileSync(path.join(lambdaDir, r, 'index.js'), Buffer.concat([readFileSync(path.join(LAMBDA_DIR, r, 'index.js')), Buffer.from('\n')]));
      append('imdsv2-instance');
      append(path.join('remediation', 'launch-template-version'));
      const changed = packageStackSet({ outDir: out, lambdaDir });
      expect(changed.functions['imdsv2-instance'].key).not.toBe(manifest.functions['imdsv2-instance'].key);
      for (const r of RULE_IDS.filter((x) => x !== 'imdsv2-instance')) expect(changed.functions[r].key).toBe(manifest.functions[r].key);
      expect(changed.helpers['launch-template-version'].key).not.toBe(manifest.helpers['launch-template-version'].key);
      for (const e of HELPER_ENTRIES.filter((x) => x !== 'launch-template-version')) expect(changed.helpers[e].key).toBe(manifest.helpers[e].key);
    } finally {
      rmSync(lambdaDir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('a missing bundle fails with what to run', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-nolambda-'));
    try {
      expect(() => packageStackSet({ outDir: path.join(empty, 'out'), lambdaDir: empty })).toThrow(/imdsv2-instance\/index\.js does not exist: run `npm run build` first/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

});

describe('publishing (to in-memory versioned buckets; against S3 in test/integration/publish-stackset.test.ts)', () => {
  let dir: string;
  let manifest: Awaited<ReturnType<typeof publishIntoTemp>>['manifest'];
  const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  beforeAll(async () => {
    ({ dir, manifest } = await publishIntoTemp());
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the template, content-addressed, and names each zip by its manifest key and, per region, its S3 version', () => {
    const body = readFileSync(path.join(dir, TEMPLATE_FILE));
    expect(manifest.template).toEqual({ file: TEMPLATE_FILE, key: templateKey(version, sha256(body)), sha256: sha256(body), bytes: body.length });
    const template = JSON.parse(body.toString('utf8'));
    const code = Object.values(template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => [r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME, r.Properties.Code]);
    const column = (name: string) => ((RULE_IDS as readonly string[]).includes(name) ? ruleVersionColumn(name) : helperVersionColumn(name));
    expect(Object.fromEntries(code)).toEqual({
      ...Object.fromEntries(RULE_IDS.map((r) => [r, expect.objectContaining({ S3Key: manifest.functions[r].key })])),
      ...Object.fromEntries(HELPER_ENTRIES.map((e) => [e, expect.objectContaining({ S3Key: manifest.helpers[e].key })])),
    });
    for (const [name, c] of code) expect(c.S3ObjectVersion).toEqual({ 'Fn::FindInMap': [CODE_VERSIONS, { Ref: 'AWS::Region' }, column(name)] });
    expect(template.Mappings[CODE_VERSIONS]).toEqual(manifest.codeVersions);
    expect(Object.keys(manifest.codeVersions!).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(readPackage(dir).manifest).toEqual(manifest);
  });

  test('a template edited after publishing is refused by the management app', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-edited-'));
    try {
      copyFileSync(path.join(dir, MANIFEST_FILE), path.join(copy, MANIFEST_FILE));
      writeFileSync(path.join(copy, TEMPLATE_FILE), `${readFileSync(path.join(dir, TEMPLATE_FILE), 'utf8')} `);
      expect(() => readPackage(copy)).toThrow(/changed since it was packaged/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a zip changed after packaging is refused before anything is uploaded', async () => {
    const { dir: other } = packageIntoTemp();
    try {
      const key = manifest.functions['imdsv2-instance'].key;
      writeFileSync(path.join(other, BUCKET_DIR, key), Buffer.concat([readFileSync(path.join(other, BUCKET_DIR, key)), Buffer.from('x')]));
      const store = memoryPackageStore(['acme-imdsv2-guard-us-east-1']);
      await expect(publishStackSet({ dir: other, bucketPrefix: 'acme-imdsv2-guard', regions: ['us-east-1'], context: CDK_JSON_CONTEXT, store })).rejects.toThrow(
        /imdsv2-instance-[0-9a-f]{12}\.zip changed since it was packaged/,
      );
      expect(store.objects.size).toBe(0);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('scripts/package-stackset.ts', () => {
  test('without --publish: writes the zips and the manifest, no template, and says how to publish', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-script-'));
    try {
      const run = spawnSync(
        path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        ['scripts/package-stackset.ts', '--out', out, '--regions', 'us-east-1,eu-west-1', '--bucket-prefix', 'acme-imdsv2-guard'],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      );
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
      expect(run.stdout).toContain('run this again with --publish');
      expect(existsSync(path.join(out, MANIFEST_FILE))).toBe(true);
      expect(existsSync(path.join(out, TEMPLATE_FILE))).toBe(false);
      for (const entry of HELPER_ENTRIES) expect(run.stdout).toMatch(new RegExp(`remediation/${entry} .*-> imdsv2-guard/.*/remediation/${entry}-[0-9a-f]{12}\\.zip`));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('--publish without regions or prefix is refused before packaging', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-script-'));
    try {
      const run = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/package-stackset.ts', '--out', out, '--publish', '--regions', 'us-east-1'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/--publish needs the regions and the bucket prefix/);
      expect(existsSync(path.join(out, MANIFEST_FILE))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('refuses an unknown option with the usage', () => {
    const run = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/package-stackset.ts', '--region', 'us-east-1'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/unknown argument --region\nusage: package-stackset/);
  });
});

describe('zip', () => {
  test('writes archives a standard reader opens, with fixed dates and modes, identical for identical input', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-zip-'));
    try {
      const entries = [
        { name: 'index.js', data: Buffer.from('exports.handler = async () => 42;\n') },
        { name: 'empty.txt', data: Buffer.alloc(0) },
        { name: 'dir/ünïcødé.json', data: Buffer.from('{"a":1}') },
      ];
      const file = path.join(scratch, 'a.zip');
      writeFileSync(file, zip(entries));
      expect(readZipWithPython(file)).toEqual(
        entries.map((e) => ({ name: e.name, sha256: sha256(e.data), mode: '0o100644', date: [1980, 1, 1, 0, 0, 0], size: e.data.length })),
      );
      expect(zip(entries).equals(zip(entries))).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test.each(['', '/abs', 'a/../b'])('refuses the entry name %j', (name) => {
    expect(() => zip([{ name, data: Buffer.alloc(1) }])).toThrow(/invalid or duplicate entry name/);
  });
});
