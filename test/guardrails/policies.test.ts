import {
  DEFAULT_HARDENING_ROLE_NAMES,
  DEFAULT_ROLE_ADMIN_ROLE_NAMES,
  imdsv2DeclarativePolicy,
  imdsv2ServiceControlPolicy,
  policyCharacterCount,
  rolePrincipalPatterns,
  type ScpOptions,
} from '../../lib/guardrails/policies';
import { synthGuardrails } from './synth';

const OPTIONS: ScpOptions = {
  partition: 'aws',
  breakGlassRoleNames: ['BreakGlass'],
  hardeningRoleNames: DEFAULT_HARDENING_ROLE_NAMES,
  exemptAccountIds: ['999988887777'],
  maxHopLimit: 2,
  denyLaunchConfigurations: true,
  metadataDefaultsLock: 'weakening',
  roleAdminRoleNames: DEFAULT_ROLE_ADMIN_ROLE_NAMES,
  requireLaunchTemplateVersion: true,
};

describe('policy documents are pure functions', () => {
  test('the construct deploys exactly what imdsv2ServiceControlPolicy returns', () => {
    const { scp } = synthGuardrails({ breakGlassRoleNames: ['BreakGlass'], exemptAccountIds: ['999988887777'], maxHopLimit: 2 });
    expect(scp).toEqual(imdsv2ServiceControlPolicy(OPTIONS));
  });

  test('the construct deploys exactly what imdsv2DeclarativePolicy returns', () => {
    const { declarative } = synthGuardrails({ declarativePolicy: { hopLimit: 1, httpTokensEnforced: true } });
    expect(declarative).toEqual(imdsv2DeclarativePolicy({ hopLimit: 1, httpTokensEnforced: true, lockForChildPolicies: true }));
  });

  test('same input, same output (no clock, no randomness)', () => {
    expect(JSON.stringify(imdsv2ServiceControlPolicy(OPTIONS))).toBe(JSON.stringify(imdsv2ServiceControlPolicy(OPTIONS)));
  });

  test('policyCharacterCount is the minified JSON length', () => {
    expect(policyCharacterCount({ a: [1, 2] })).toBe('{"a":[1,2]}'.length);
  });
});

describe('rolePrincipalPatterns', () => {
  test('a role name matches the role with or without an IAM path, in any account', () => {
    expect(rolePrincipalPatterns('aws', 'BreakGlass')).toEqual(['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/*/BreakGlass']);
  });

  test('wildcards in a name are kept', () => {
    expect(rolePrincipalPatterns('aws-cn', 'imdsv2-guard-remediation-*')).toEqual([
      'arn:aws-cn:iam::*:role/imdsv2-guard-remediation-*',
      'arn:aws-cn:iam::*:role/*/imdsv2-guard-remediation-*',
    ]);
  });

  test('a full ARN pattern is used as given', () => {
    expect(rolePrincipalPatterns('aws', 'arn:aws:iam::111122223333:role/ops/*')).toEqual(['arn:aws:iam::111122223333:role/ops/*']);
  });

  test.each(['', 'has space', 'a/b', 'x'.repeat(65)])('refuses %j', (name) => {
    expect(() => rolePrincipalPatterns('aws', name)).toThrow(/not a role name/);
  });

  test('the same role given twice appears once', () => {
    const scp = imdsv2ServiceControlPolicy({ ...OPTIONS, breakGlassRoleNames: ['BreakGlass', 'BreakGlass'] });
    const optOut = scp.Statement.find((s) => s.Sid === 'DenyModifyInstanceMetadataToImdsV1')!;
    expect(optOut.Condition!.ArnNotLike['aws:PrincipalArn']).toHaveLength(2);
  });
});
