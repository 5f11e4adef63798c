import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { configFromContext } from '../../lib/context';
import { guardrailsConfigFromContext } from '../../lib/guardrails/guardrails-context';
import { bucketNameProblem, roleNameProblem, ruleNamePrefixProblem } from '../../lib/naming';
import { checkPackageTargets } from '../../lib/stackset/package';
import { managementConfigFromContext } from '../../lib/stackset/management-context';

const ROOT = resolve(__dirname, '..', '..');
const node = (context: Record<string, unknown>) => new App({ context }).node;

describe('bucketNameProblem (S3 general purpose bucket naming rules)', () => {
  test.each([
    ['Compliance: lowercase, digits, hyphens', 'acme-imdsv2-guard-us-east-1', undefined],
    ['Noncompliance 1: uppercase', 'ACME-us-east-1', 'uppercase'],
    ['Noncompliance 2: too long', `${'a'.repeat(50)}-ap-southeast-2`, '3 to 63'],
    ['Noncompliance 3: reserved prefix xn--', 'xn--acme-us-east-1', 'reserved prefix xn--'],
    ['Noncompliance 4: reserved prefix sthree-', 'sthree-acme-us-east-1', 'reserved prefix sthree-'],
    ['Noncompliance 5: a dot (breaks the StackSet\'s https://<bucket>.s3… URL)', 'acme.guard-us-east-1', 'only lowercase letters, digits and hyphens'],
    ['Noncompliance 6: starts with a hyphen', '-acme-us-east-1', 'begin and end'],
  ])('%s', (_name, name, problem) => {
    if (problem === undefined) expect(bucketNameProblem(name)).toBeUndefined();
    else expect(bucketNameProblem(name)).toContain(problem);
  });
});

describe('roleNameProblem and ruleNamePrefixProblem', () => {
  test('Compliance: a role name and a pattern; Noncompliance: a space, 65 characters, a wildcard where none is allowed', () => {
    expect(roleNameProblem('BreakGlass')).toBeUndefined();
    expect(roleNameProblem('imdsv2-guard-remediation-*', true)).toBeUndefined();
    expect(roleNameProblem('Break Glass')).toContain('only letters');
    expect(roleNameProblem('r'.repeat(65))).toContain('1 to 64');
    expect(roleNameProblem('a*')).toContain('only letters');
  });

  test('Noncompliance: a prefix SSM reserves, and one that pushes the longest rule name past 64 characters', () => {
    expect(ruleNamePrefixProblem('aws-', 'imdsv2-instance')).toContain('aws, amazon or amzn');
    expect(ruleNamePrefixProblem('p'.repeat(10), 'imdsv2-launch-configuration-AutoScaling.3-AutoScaling.4')).toContain('at most 64 (prefix at most 9)');
    expect(ruleNamePrefixProblem('p'.repeat(9), 'imdsv2-launch-configuration-AutoScaling.3-AutoScaling.4')).toBeUndefined();
  });
});

describe('context values that become names fail with one line naming the key', () => {
  const management = {
    'imdsv2-guard:management': true,
    'imdsv2-guard:management:organizationId': 'o-a1b2c3d4e5',
    'imdsv2-guard:management:organizationalUnitIds': ['ou-ab12-cdefgh34'],
    'imdsv2-guard:management:regions': ['us-east-1', 'eu-west-1'],
    'imdsv2-guard:management:assetBucketPrefix': 'acme-imdsv2-guard',
    'imdsv2-guard:management:region': 'us-east-1',
  };
  const cases: Array<[string, () => unknown, string]> = [
    ['Noncompliance 1: asset bucket prefix in uppercase', () => managementConfigFromContext(node({ ...management, 'imdsv2-guard:management:assetBucketPrefix': 'ACME' })), 'Context "imdsv2-guard:management:assetBucketPrefix": "ACME" makes an invalid package bucket name: bucket "ACME-us-east-1" has uppercase letters'],
    ['Noncompliance 2: a region that is no region', () => managementConfigFromContext(node({ ...management, 'imdsv2-guard:management:regions': 'us-east-1,mars' })), 'Context "imdsv2-guard:management:regions": "mars" is not a region name'],
    ['Noncompliance 3: a StackSet name with an underscore', () => managementConfigFromContext(node({ ...management, 'imdsv2-guard:management:stackSetName': 'imdsv2_guard' })), 'Context "imdsv2-guard:management:stackSetName": "imdsv2_guard" is not a StackSet name'],
    ['Noncompliance 4: an OU id that is an account id', () => managementConfigFromContext(node({ ...management, 'imdsv2-guard:management:organizationalUnitIds': '111122223333' })), 'Context "imdsv2-guard:management:organizationalUnitIds": "111122223333" is not an OU id'],
    ['Noncompliance 5: an organization id', () => managementConfigFromContext(node({ ...management, 'imdsv2-guard:management:organizationId': 'acme' })), 'Context "imdsv2-guard:management:organizationId": "acme" is not an AWS Organizations id'],
    ['Noncompliance 6: a rule name prefix with a dot', () => configFromContext(node({ 'imdsv2-guard:ruleNamePrefix': 'org.' })), 'Context "imdsv2-guard:ruleNamePrefix": "org." may contain only letters, digits'],
    ['Noncompliance 7: a rule name prefix too long with control ids in the names', () => configFromContext(node({ 'imdsv2-guard:ruleNamePrefix': 'team-platform-', 'imdsv2-guard:controlIdsInName': true })), 'Context "imdsv2-guard:ruleNamePrefix": "team-platform-" makes the rule name'],
    ['Noncompliance 8: a stack name with a space', () => configFromContext(node({ 'imdsv2-guard:stackName': 'Imdsv2 Guard' })), 'Context "imdsv2-guard:stackName": "Imdsv2 Guard" is not a CloudFormation stack name'],
    ['Noncompliance 9: a break-glass role name with a slash', () => guardrailsConfigFromContext(node({ 'imdsv2-guard:guardrails:breakGlassRoleNames': 'admin/BreakGlass' })), 'Context "imdsv2-guard:guardrails:breakGlassRoleNames": role name "admin/BreakGlass" may contain only'],
    ['Noncompliance 10: an exempt account id of 11 digits', () => guardrailsConfigFromContext(node({ 'imdsv2-guard:guardrails:exemptAccountIds': '11112222333' })), 'Context "imdsv2-guard:guardrails:exemptAccountIds": "11112222333" is not an AWS account id'],
    ['Noncompliance 11: a guardrails stack name starting with a digit', () => guardrailsConfigFromContext(node({ 'imdsv2-guard:guardrails:stackName': '1Guardrails' })), 'Context "imdsv2-guard:guardrails:stackName": "1Guardrails" is not a CloudFormation stack name'],
  ];
  test.each(cases)('%s', (_name, read, message) => {
    let error: Error | undefined;
    try {
      read();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  });

  test('Compliance: the documented values pass, and a role given as an ARN pattern is taken as is', () => {
    expect(managementConfigFromContext(node(management))?.assetBucketPrefix).toBe('acme-imdsv2-guard');
    expect(guardrailsConfigFromContext(node({ 'imdsv2-guard:guardrails:breakGlassRoleNames': 'arn:aws:iam::*:role/admin/*' })).props.breakGlassRoleNames).toEqual(['arn:aws:iam::*:role/admin/*']);
  });
});

describe('package-stackset checks its targets before writing anything', () => {
  test('Noncompliance 1: checkPackageTargets names the flag', () => {
    expect(() => checkPackageTargets('ACME', ['us-east-1'], { prefix: '--bucket-prefix', regions: '--regions' })).toThrow(
      '--bucket-prefix: "ACME" makes an invalid package bucket name: bucket "ACME-us-east-1" has uppercase letters (S3 allows lowercase only)',
    );
    expect(() => checkPackageTargets('acme', ['us-east-1', 'Europe'], { prefix: '--bucket-prefix', regions: '--regions' })).toThrow('--regions: "Europe" is not a region name');
  });

  test('Noncompliance 2: `package-stackset --bucket-prefix ACME` exits 1 with one line and writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'imdsv2-guard-package-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/package-stackset.ts', '--regions', 'us-east-1', '--bucket-prefix', 'ACME', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe('--bucket-prefix: "ACME" makes an invalid package bucket name: bucket "ACME-us-east-1" has uppercase letters (S3 allows lowercase only)');
      expect(run.stdout).toBe('');
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
