import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { mapLimit } from '../../lambda/kit/concurrency';
import { AwsCliPackageStore } from '../../lib/stackset/aws-cli-s3';
import { CODE_VERSIONS, helperVersionColumn, ruleVersionColumn } from '../../lib/stackset/code-versions';
import { BUCKET_DIR, TEMPLATE_FILE, type PackagedTemplate, type StackSetManifest } from '../../lib/stackset/package';
import { publishStackSet, type PublishedObject } from '../../lib/stackset/publish';
import { Evaluator, type Template } from '../stackset/cfn-eval';
import { CDK_JSON_CONTEXT, cfnLint, packageIntoTemp, REPO_ROOT } from '../stackset/support';
import { startMoto, type MotoServer } from './harness';

const run = promisify(execFile);
const PREFIX = 'acme-imdsv2-guard';
const REGIONS = ['us-east-1', 'eu-west-1'];

/**
 * `npm run package:stackset -- --publish` against S3 (moto): the real AWS CLI the publish step calls,
 * versioned buckets in two regions, then each function's S3ObjectVersion resolved per region and
 * read back with GetObject by that version.
 */
describe('publishing the StackSet package to versioned buckets (S3 in moto, through the AWS CLI)', () => {
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  let dir: string;
  let manifest: StackSetManifest & { template: PackagedTemplate };
  let template: Template;
  const events: PublishedObject[] = [];

  const aws = async (...args: string[]): Promise<string> => (await run('aws', args, { env, timeout: 120_000 })).stdout;
  const bucket = (region: string) => `${PREFIX}-${region}`;
  const createBucket = async (region: string, versioned: boolean) => {
    await aws('s3api', 'create-bucket', '--bucket', bucket(region), '--region', region, ...(region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`]));
    if (versioned) await aws('s3api', 'put-bucket-versioning', '--bucket', bucket(region), '--versioning-configuration', 'Status=Enabled', '--region', region);
  };
  /** The bytes S3 holds for a key at one version. */
  const getVersion = async (region: string, key: string, versionId: string): Promise<Buffer> => {
    const file = path.join(scratch, `get-${Math.random().toString(36).slice(2)}`);
    await aws('s3api', 'get-object', '--bucket', bucket(region), '--key', key, '--version-id', versionId, '--region', region, file);
    return readFileSync(file);
  };
  const versionsOf = async (region: string, key: string): Promise<string[]> =>
    (JSON.parse(await aws('s3api', 'list-object-versions', '--bucket', bucket(region), '--prefix', key, '--region', region, '--output', 'json')).Versions ?? [])
      .filter((v: { Key: string }) => v.Key === key)
      .map((v: { VersionId: string }) => v.VersionId);
  const publish = (regions: readonly string[], target = dir) =>
    publishStackSet({ dir: target, bucketPrefix: PREFIX, regions, context: CDK_JSON_CONTEXT, store: new AwsCliPackageStore(env), onObject: (e) => events.push(e) });

  beforeAll(async () => {
    moto = await startMoto();
    scratch = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-publish-'));
    env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.url,
      AWS_CONFIG_FILE: path.join(scratch, 'no-such-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'no-such-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const region of REGIONS) await createBucket(region, true);
    ({ dir } = packageIntoTemp());
    manifest = (await publish(REGIONS)) as StackSetManifest & { template: PackagedTemplate };
    template = JSON.parse(readFileSync(path.join(dir, TEMPLATE_FILE), 'utf8'));
  }, 600_000);

  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** The CodeVersions column of a zip key. */
  const columnOf = (key: string): string => {
    const rule = Object.entries(manifest.functions).find(([, f]) => f.key === key)?.[0];
    return rule ? ruleVersionColumn(rule) : helperVersionColumn(Object.entries(manifest.helpers).find(([, f]) => f.key === key)![0]);
  };
  const functions = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  test.each(REGIONS)('%s: every function (rules and remediation helpers) pins S3ObjectVersion to the version S3 holds for its key, whose bytes are the packaged zip', async (region) => {
    const evaluator = new Evaluator(template, { region, parameters: { AssetBucketPrefix: PREFIX } });
    expect(functions()).toHaveLength(Object.keys(manifest.functions).length + Object.keys(manifest.helpers).length);
    await mapLimit(functions(), 4, async ([id]) => {
      const code = evaluator.property(id, 'Code') as { S3Bucket: string; S3Key: string; S3ObjectVersion: string };
      expect(code.S3Bucket).toBe(bucket(region));
      expect(code.S3ObjectVersion).toMatch(/\S/);
      expect(await versionsOf(region, code.S3Key)).toEqual([code.S3ObjectVersion]);
      expect((await getVersion(region, code.S3Key, code.S3ObjectVersion)).equals(readFileSync(path.join(dir, BUCKET_DIR, code.S3Key)))).toBe(true);
    });
    const uploadedTemplate = events.find((e) => e.region === region && e.key === manifest.template.key)!;
    expect((await getVersion(region, manifest.template.key, uploadedTemplate.versionId)).equals(readFileSync(path.join(dir, TEMPLATE_FILE)))).toBe(true);
  }, 300_000);

  test('every object was uploaded once per region, and the versions differ between the regions', () => {
    const objects = Object.keys(manifest.functions).length + Object.keys(manifest.helpers).length + 1;
    expect(events.filter((e) => e.action === 'uploaded')).toHaveLength(objects * REGIONS.length);
    const [a, b] = REGIONS.map((r) => Object.values(manifest.codeVersions![r]));
    expect(a.filter((v) => b.includes(v))).toEqual([]);
  });

  test('a region that was not published to has no CodeVersions row: its stack fails on the lookup', () => {
    const evaluator = new Evaluator(template, { region: 'ap-southeast-2', parameters: { AssetBucketPrefix: PREFIX } });
    const [id] = functions()[0];
    expect(() => evaluator.property(id, 'Code')).toThrow(`Fn::FindInMap: mapping ${CODE_VERSIONS} has no ap-southeast-2/`);
  });

  test('the published member template passes the AWS cfn-lint with no error and no warning', () => {
    expect(cfnLint(path.join(dir, TEMPLATE_FILE))).toEqual({ status: 0, report: expect.any(String) });
  });

  test('publishing again is idempotent: every object kept at its version, the same template and key', async () => {
    events.length = 0;
    const again = await publish(REGIONS);
    expect(again).toEqual(manifest);
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['kept']));
    for (const region of REGIONS) expect(await versionsOf(region, manifest.template.key)).toHaveLength(1);
  }, 300_000);

  test('npm run package:stackset -- --publish (the script, with the CLI environment) packages, keeps the published versions and prints the deploy commands', async () => {
    const out = path.join(scratch, 'script-out');
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/package-stackset.ts', '--out', out, '--regions', REGIONS.join(','), '--bucket-prefix', PREFIX, '--publish'],
      { cwd: REPO_ROOT, env, timeout: 600_000 },
    );
    const lines = stdout.split('\n').map((l) => l.trim());
    for (const region of REGIONS) {
      for (const f of [...Object.values(manifest.functions), ...Object.values(manifest.helpers)]) {
        expect(lines).toContain(`kept     s3://${bucket(region)}/${f.key}  version ${manifest.codeVersions![region][columnOf(f.key)]}`);
      }
      expect(lines.some((l) => l.startsWith('aws cloudformation deploy ') && l.includes(`--region ${region}`) && l.includes(`--s3-bucket ${bucket(region)}`))).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
  }, 600_000);

  test('different bytes already at a key are refused, not overwritten, and no template is written', async () => {
    await createBucket('eu-central-1', true);
    const key = manifest.functions['imdsv2-instance'].key;
    const planted = path.join(scratch, 'planted.zip');
    writeFileSync(planted, 'not the packaged zip');
    await aws('s3api', 'put-object', '--bucket', bucket('eu-central-1'), '--key', key, '--body', planted, '--region', 'eu-central-1');
    const { dir: other } = packageIntoTemp();
    try {
      await expect(publish(['eu-central-1'], other)).rejects.toThrow(
        new RegExp(`s3://${bucket('eu-central-1')}/${key.replace(/[.]/g, '\\.')} \\(eu-central-1\\) already holds different bytes .* Published packages are never overwritten`),
      );
      expect(await versionsOf('eu-central-1', key)).toHaveLength(1);
      expect(() => readFileSync(path.join(other, TEMPLATE_FILE))).toThrow(/ENOENT/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 300_000);

  test('a bucket without versioning, or missing, is refused before any upload', async () => {
    await createBucket('ap-south-1', false);
    await expect(publish(['ap-south-1'])).rejects.toThrow(`s3://${bucket('ap-south-1')} (ap-south-1) has versioning never enabled`);
    expect(JSON.parse((await aws('s3api', 'list-objects-v2', '--bucket', bucket('ap-south-1'), '--region', 'ap-south-1', '--output', 'json')) || '{}').Contents ?? []).toEqual([]);
    await expect(publish(['sa-east-1'])).rejects.toThrow(/get-bucket-versioning failed: .*NoSuchBucket/);
  }, 300_000);
});
