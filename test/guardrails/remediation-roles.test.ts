// Guardrails and remediation agree: the roles the SCP trusts by name are the roles the templates
// create, under those names, and nobody else can create or change a role under them. Read from the
// synthesized templates (detection stack with remediation, StackSet member template, guardrails stack),
// and judged with the guardrails' IAM evaluator.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { SID } from '../../lib/guardrails/policies';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { REMEDIATIONS, remediationRoleName } from '../../lib/remediation';
import { Imdsv2GuardMemberStack } from '../../lib/stackset/imdsv2-guard-member-stack';
import { FAKE_CODE_VERSIONS, FAKE_HELPER_KEYS, FAKE_KEYS } from '../stackset/support';
import { evaluate, FULL_AWS_ACCESS, wildcardMatch, type Statement } from './policy-evaluator';
import { roleSession, synthGuardrails } from './synth';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CDK_CONTEXT = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'ap-southeast-5', 'us-gov-west-1'];

/** Every AWS::IAM::Role's RoleName in `region`, as CloudFormation resolves it (Fn::Join over AWS::Region). */
function roleNames(template: Record<string, any>, region: string): string[] {
  const resolve = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, any>;
    if (o?.Ref === 'AWS::Region') return region;
    if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(resolve).join(o['Fn::Join'][0]);
    throw new Error(`unexpected RoleName part ${JSON.stringify(v)}`);
  };
  return Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName !== undefined)
    .map((r) => resolve(r.Properties.RoleName));
}

const templates = (() => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const guard = new Imdsv2GuardStack(app, 'Guard', { remediation: { mode: 'manual' } });
  const member = new Imdsv2GuardMemberStack(new App(), 'Member', { functionKeys: FAKE_KEYS, helperKeys: FAKE_HELPER_KEYS, codeVersions: FAKE_CODE_VERSIONS });
  return { 'detection stack with remediation': Template.fromStack(guard).toJSON(), 'StackSet member template': Template.fromStack(member).toJSON() };
})();

const expected = RULE_IDS.flatMap((id) => [
  remediationRoleName(id, 'automation', '<region>'),
  ...(REMEDIATIONS[id].helper ? [remediationRoleName(id, 'function', '<region>')] : []),
]);

describe.each(Object.entries(templates))('%s', (_name, template) => {
  test.each(REGIONS)('Compliance: in %s every remediation role has its documented fixed name, at most 64 characters', (region) => {
    const names = roleNames(template, region);
    expect(names.sort()).toEqual(expected.map((n) => n.replace('<region>', region)).sort());
    for (const n of names) expect(n.length).toBeLessThanOrEqual(64);
  });

  test.each(['weakening', 'all'] as const)('Compliance: every role the SCP exempts from hardening (lock: %s) exists under that name, and it is the account-defaults role', (lock) => {
    const { scp } = synthGuardrails({ metadataDefaultsLock: lock });
    const statements = ([] as Statement[]).concat(scp.Statement);
    const exempt = statements
      .filter((s) => s.Sid === SID.denyAnyDefaultsChange)
      .flatMap((s) => ([] as string[]).concat((s.Condition?.ArnNotLike as Record<string, string | string[]>)['aws:PrincipalArn']));
    if (lock === 'weakening') {
      expect(exempt).toEqual([]);
      return;
    }
    expect(exempt.length).toBeGreaterThan(0);
    for (const region of REGIONS) {
      const arns = roleNames(template, region).map((n) => `arn:aws:iam::${ACCOUNT}:role/${n}`);
      const role = `arn:aws:iam::${ACCOUNT}:role/${remediationRoleName('imdsv2-account-defaults', 'automation', region)}`;
      // Each name is exempt with and without an IAM path (policies.ts rolePrincipalPatterns); the roles have none.
      for (const pattern of exempt) expect(arns.filter((a) => wildcardMatch(pattern.replace(':role/*/', ':role/'), a))).toEqual([role]);
      expect(arns.filter((a) => exempt.some((p) => wildcardMatch(p, a)))).toEqual([role]);
    }
  });

  test('Compliance: the account-defaults role may harden under the "all" lock, and (exempt or not) may not weaken', () => {
    const { scp } = synthGuardrails({ metadataDefaultsLock: 'all', maxHopLimit: 2 });
    const role = remediationRoleName('imdsv2-account-defaults', 'automation', 'eu-west-1');
    expect(roleNames(template, 'eu-west-1')).toContain(role);
    const ask = (context: Record<string, string | number>) =>
      evaluate([FULL_AWS_ACCESS, scp], { action: 'ec2:ModifyInstanceMetadataDefaults', resource: '*', context: { ...roleSession(ACCOUNT, role), ...context } }).decision;
    expect(ask({ 'ec2:Attribute/HttpTokens': 'required' })).toBe('Allow');
    expect(ask({ 'ec2:Attribute/HttpTokensEnforced': 'enabled' })).toBe('Allow');
    expect(ask({ 'ec2:Attribute/HttpTokens': 'optional' })).toBe('ExplicitDeny');
    expect(ask({ 'ec2:Attribute/HttpTokensEnforced': 'disabled' })).toBe('ExplicitDeny');
    expect(ask({ 'ec2:Attribute/HttpPutResponseHopLimit': 3 })).toBe('ExplicitDeny');
  });
});

describe('the remediation role names are protected', () => {
  const { scp } = synthGuardrails({ metadataDefaultsLock: 'all' });
  const role = `arn:aws:iam::${ACCOUNT}:role/${remediationRoleName('imdsv2-account-defaults', 'automation', 'us-east-1')}`;
  const ask = (action: string, principal: Record<string, string>, resource = role) => evaluate([FULL_AWS_ACCESS, scp], { action, resource, context: principal }).decision;
  const actions = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'];

  test.each(actions)('Noncompliance: %s on an imdsv2-guard-remediation-* role is denied to anyone else (an admin role, a user)', (action) => {
    expect(ask(action, roleSession(ACCOUNT, 'Admin'))).toBe('ExplicitDeny');
    expect(ask(action, { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/mallory`, 'aws:PrincipalAccount': ACCOUNT })).toBe('ExplicitDeny');
  });

  test.each(actions)('Compliance: %s is left to the StackSet execution roles that deploy them, and other role names are untouched', (action) => {
    expect(ask(action, roleSession(ACCOUNT, 'stacksets-exec-0123456789abcdef0123456789abcdef'))).toBe('Allow');
    expect(ask(action, roleSession(ACCOUNT, 'AWSCloudFormationStackSetExecutionRole'))).toBe('Allow');
    expect(ask(action, roleSession(ACCOUNT, 'Admin'), `arn:aws:iam::${ACCOUNT}:role/app-role`)).toBe('Allow');
  });

  test('Compliance: every remediation role name in both templates falls under the protected pattern', () => {
    const statement = ([] as Statement[]).concat(scp.Statement).find((s) => s.Sid === SID.protectRemediationRoles)!;
    for (const template of Object.values(templates)) {
      for (const name of roleNames(template, 'us-east-1')) expect(wildcardMatch(String(statement.Resource), `arn:aws:iam::${ACCOUNT}:role/${name}`)).toBe(true);
    }
  });
});
