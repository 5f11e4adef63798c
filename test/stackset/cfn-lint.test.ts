import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MANAGEMENT_CONTEXT_KEYS as K } from '../../lib/stackset/management-context';
import { TEMPLATE_FILE } from '../../lib/stackset/package';
import { SKIP_BUNDLING } from '../lib/support';
import { CDK_JSON_CONTEXT, cfnLint, publishIntoTemp, REPO_ROOT } from './support';

/**
 * The chain a user runs, offline: package, publish (to in-memory buckets), then synthesize bin/app.ts with the management context
 * reading that package, exactly as `cdk synth` runs the app (no AWS credentials or region).
 */
describe('the published member template and the management templates bin/app.ts synthesizes from it', () => {
  let dir: string;
  let manifest: Awaited<ReturnType<typeof publishIntoTemp>>['manifest'];
  beforeAll(async () => {
    ({ dir, manifest } = await publishIntoTemp());
  }, 300_000);
  const outdir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-mgmt-synth-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outdir, { recursive: true, force: true });
  });

  test('the member template passes the AWS cfn-lint with no error and no warning', () => {
    expect(cfnLint(path.join(dir, TEMPLATE_FILE))).toEqual({ status: 0, report: expect.any(String) });
  });

  test('bin/app.ts adds the bucket stacks and the StackSet, which points at the packaged template', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({
        ...CDK_JSON_CONTEXT,
        ...SKIP_BUNDLING,
        [K.enabled]: 'true',
        [K.organizationId]: 'o-a1b2c3d4e5',
        [K.organizationalUnitIds]: 'ou-ab12-cdefgh34,r-ab12',
        [K.regions]: 'us-east-1,eu-west-1',
        [K.assetBucketPrefix]: 'acme-imdsv2-guard',
        [K.region]: 'us-east-1',
        [K.callAs]: 'DELEGATED_ADMIN',
        [K.packageDir]: dir,
      }),
    };
    for (const key of Object.keys(env)) {
      if (/^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|REGION|DEFAULT_REGION)|CDK_DEFAULT_(ACCOUNT|REGION))$/.test(key)) delete env[key];
    }
    const run = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()).toEqual([
      'Imdsv2Guard.template.json',
      'Imdsv2GuardAssets-eu-west-1.template.json',
      'Imdsv2GuardAssets-us-east-1.template.json',
      'Imdsv2GuardStackSet.template.json',
    ]);
    const stackSet = JSON.parse(readFileSync(path.join(outdir, 'Imdsv2GuardStackSet.template.json'), 'utf8')).Resources.StackSet.Properties;
    expect(JSON.stringify(stackSet.TemplateURL)).toContain(`"/${manifest.template.key}"`);
    expect(stackSet.CallAs).toBe('DELEGATED_ADMIN');
  });

  test.each(['Imdsv2GuardAssets-us-east-1', 'Imdsv2GuardAssets-eu-west-1', 'Imdsv2GuardStackSet'])(
    '%s passes the AWS cfn-lint with no error and no warning',
    (stack) => {
      expect(cfnLint(path.join(outdir, `${stack}.template.json`))).toEqual({ status: 0, report: expect.any(String) });
    },
  );
});
