import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CDK_JSON_CONTEXT, REPO_ROOT, SKIP_BUNDLING } from './support';

// cfn-lint exit code bits: 1 cfn-lint itself failed, 2 errors, 4 warnings, 8 informational only.
const FAILING_BITS = 1 | 2 | 4;

describe('the template bin/app.ts synthesizes', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-synth-'));
  const template = path.join(outdir, 'Imdsv2Guard.template.json');
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes with no AWS credentials or region, the way `cdk synth` runs the app', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // What the CDK CLI hands the app: an output directory and the cdk.json context.
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING }),
    };
    for (const key of Object.keys(env)) {
      if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|REGION|DEFAULT_REGION)$/.test(key)) delete env[key];
    }
    const run = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(existsSync(template)).toBe(true);
    const resources = Object.values(JSON.parse(readFileSync(template, 'utf8')).Resources) as Array<{ Type: string }>;
    expect(resources.filter((r) => r.Type === 'AWS::Config::ConfigRule')).toHaveLength(5);
  });

  test('passes the AWS cfn-lint with no error and no warning', () => {
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', template], { encoding: 'utf8' });
    if (lint.error) {
      throw new Error(
        `cfn-lint could not run (${lint.error.message}). It is required: pip install cfn-lint==1.51.0 (the Python tool, not the npm package).`,
      );
    }
    const report = `${lint.stdout}${lint.stderr}`;
    expect({ status: (lint.status ?? 255) & FAILING_BITS, report }).toEqual({ status: 0, report: expect.any(String) });
  });
});
