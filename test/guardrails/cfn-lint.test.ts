import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthGuardrails } from './synth';

/*
 * The real AWS cfn-lint (the Python tool, not the npm package of the same name) on the synthesized
 * templates. Missing cfn-lint is a failure, never a skip: a green run must mean the templates were linted.
 */

const CONFIGURATIONS: Record<string, Parameters<typeof synthGuardrails>[0]> = {
  'review-defaults': {},
  'enforce-everything': {
    mode: 'enforce',
    targetIds: ['ou-ab12-cdef3456', 'r-ab12', '222233334444'],
    breakGlassRoleNames: ['BreakGlass'],
    exemptAccountIds: ['999988887777'],
    maxHopLimit: 2,
    declarativePolicy: { httpTokensEnforced: true, httpEndpoint: 'enabled', instanceMetadataTags: 'disabled', exceptionMessage: 'IMDSv2 is required' },
  },
  'lock-all-review': { metadataDefaultsLock: 'all', denyLaunchConfigurations: false, declarativePolicy: { hopLimit: 1, lockForChildPolicies: false } },
};

function cfnLint(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('cfn-lint', args, { encoding: 'utf8', timeout: 120_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? 'cfn-lint is not on PATH: install cfn-lint==1.51.0 (pip install cfn-lint==1.51.0); this test never skips'
        : `cfn-lint could not run: ${result.error.message}`,
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('cfn-lint', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imdsv2-guardrails-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('cfn-lint is installed (the Python tool)', () => {
    const { status, output } = cfnLint(['--version']);
    expect(status).toBe(0);
    expect(output).toMatch(/^cfn-lint \d+\.\d+\.\d+/);
  });

  test('every guardrails template is cfn-lint clean (no errors, warnings or informational findings)', () => {
    const files = Object.entries(CONFIGURATIONS).map(([name, props]) => {
      const file = join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(synthGuardrails(props).json, null, 1));
      return file;
    });
    const { status, output } = cfnLint(['--format', 'parseable', '--', ...files]);
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
  });
});
