import { Match } from 'aws-cdk-lib/assertions';
import { DECLARATIVE_POLICY_MAX_CHARACTERS, SCP_MAX_CHARACTERS } from '../../lib/guardrails/policies';
import { synthGuardrails } from './synth';

const OU = 'ou-ab12-cdef3456';
const ROOT = 'r-ab12';
const ACCOUNT = '222233334444';
const EXEMPT = '999988887777';

const BREAK_GLASS = ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/*/BreakGlass'];
const ROLE_ADMINS = ['arn:aws:iam::*:role/stacksets-exec-*', 'arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole'];

/** The SCP for breakGlass=BreakGlass, exempt=EXEMPT, maxHopLimit=2, written out by hand on purpose. */
const EXPECTED_SCP = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyRunInstancesWithoutImdsV2',
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required', 'aws:PrincipalAccount': EXEMPT } },
    },
    {
      Sid: 'DenyRunInstancesAboveMaxHopLimit',
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: {
        NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '2' },
        StringNotEquals: { 'aws:PrincipalAccount': EXEMPT },
      },
    },
    {
      Sid: 'DenyModifyInstanceMetadataToImdsV1',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataOptions',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: {
        StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required', 'aws:PrincipalAccount': EXEMPT },
        Null: { 'ec2:Attribute/HttpTokens': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS },
      },
    },
    {
      Sid: 'DenyCreateLaunchConfiguration',
      Effect: 'Deny',
      Action: 'autoscaling:CreateLaunchConfiguration',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': EXEMPT } },
    },
    {
      Sid: 'DenyAutoScalingGroupWithLaunchConfiguration',
      Effect: 'Deny',
      Action: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
      Resource: '*',
      Condition: {
        Null: { 'autoscaling:LaunchConfigurationName': 'false' },
        StringNotEquals: { 'aws:PrincipalAccount': EXEMPT },
      },
    },
    {
      Sid: 'DenyAutoScalingGroupWithoutTemplateVersion',
      Effect: 'Deny',
      Action: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
      Resource: '*',
      Condition: {
        Bool: { 'autoscaling:LaunchTemplateVersionSpecified': 'false' },
        StringNotEquals: { 'aws:PrincipalAccount': EXEMPT },
      },
    },
    {
      Sid: 'DenyWeakerDefaultHttpTokens',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataDefaults',
      Resource: '*',
      Condition: {
        StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required', 'aws:PrincipalAccount': EXEMPT },
        Null: { 'ec2:Attribute/HttpTokens': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS },
      },
    },
    {
      Sid: 'DenyWeakerDefaultHttpTokensEnforced',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataDefaults',
      Resource: '*',
      Condition: {
        StringNotEquals: { 'ec2:Attribute/HttpTokensEnforced': 'enabled', 'aws:PrincipalAccount': EXEMPT },
        Null: { 'ec2:Attribute/HttpTokensEnforced': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS },
      },
    },
    {
      Sid: 'DenyDefaultHopLimitAboveMax',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataDefaults',
      Resource: '*',
      Condition: {
        NumericGreaterThan: { 'ec2:Attribute/HttpPutResponseHopLimit': '2' },
        StringNotEquals: { 'aws:PrincipalAccount': EXEMPT },
        ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS },
      },
    },
    {
      Sid: 'DenyChangingRemediationRoles',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'],
      Resource: 'arn:aws:iam::*:role/imdsv2-guard-remediation-*',
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': EXEMPT },
        ArnNotLike: { 'aws:PrincipalArn': ROLE_ADMINS },
      },
    },
  ],
};

const FULL = { breakGlassRoleNames: ['BreakGlass'], exemptAccountIds: [EXEMPT], maxHopLimit: 2 };

describe('guardrails stack: the service control policy', () => {
  test('Review mode (the default): the SCP is created with no TargetIds', () => {
    const { template } = synthGuardrails({ ...FULL, targetIds: [OU] });
    template.resourceCountIs('AWS::Organizations::Policy', 1);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      Name: 'imdsv2-guard-require-imdsv2',
      Content: Match.objectEquals(EXPECTED_SCP),
      TargetIds: Match.absent(),
    });
  });

  test('Enforce mode: the SCP is attached to every target, roots, OUs and accounts alike', () => {
    const { template } = synthGuardrails({ ...FULL, mode: 'enforce', targetIds: [OU, ROOT, ACCOUNT] });
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      Content: Match.objectEquals(EXPECTED_SCP),
      TargetIds: [OU, ROOT, ACCOUNT],
    });
  });

  test('Defaults: launch, opt-out, launch configurations and weaker defaults; no hop limit, no exemptions', () => {
    const { scp } = synthGuardrails();
    expect(scp).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyRunInstancesWithoutImdsV2',
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
        },
        {
          Sid: 'DenyModifyInstanceMetadataToImdsV1',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataOptions',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' }, Null: { 'ec2:Attribute/HttpTokens': 'false' } },
        },
        { Sid: 'DenyCreateLaunchConfiguration', Effect: 'Deny', Action: 'autoscaling:CreateLaunchConfiguration', Resource: '*' },
        {
          Sid: 'DenyAutoScalingGroupWithLaunchConfiguration',
          Effect: 'Deny',
          Action: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
          Resource: '*',
          Condition: { Null: { 'autoscaling:LaunchConfigurationName': 'false' } },
        },
        {
          Sid: 'DenyAutoScalingGroupWithoutTemplateVersion',
          Effect: 'Deny',
          Action: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
          Resource: '*',
          Condition: { Bool: { 'autoscaling:LaunchTemplateVersionSpecified': 'false' } },
        },
        {
          Sid: 'DenyWeakerDefaultHttpTokens',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataDefaults',
          Resource: '*',
          Condition: { StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' }, Null: { 'ec2:Attribute/HttpTokens': 'false' } },
        },
        {
          Sid: 'DenyWeakerDefaultHttpTokensEnforced',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataDefaults',
          Resource: '*',
          Condition: {
            StringNotEquals: { 'ec2:Attribute/HttpTokensEnforced': 'enabled' },
            Null: { 'ec2:Attribute/HttpTokensEnforced': 'false' },
          },
        },
        {
          Sid: 'DenyChangingRemediationRoles',
          Effect: 'Deny',
          Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'],
          Resource: 'arn:aws:iam::*:role/imdsv2-guard-remediation-*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': ROLE_ADMINS } },
        },
      ],
    });
  });

  test('Opt-outs: requireLaunchTemplateVersion false and roleAdminRoleNames [] remove their statements', () => {
    const sids = (synthGuardrails({ requireLaunchTemplateVersion: false, roleAdminRoleNames: [] }).scp.Statement as any[]).map((s) => s.Sid);
    expect(sids).not.toContain('DenyAutoScalingGroupWithoutTemplateVersion');
    expect(sids).not.toContain('DenyChangingRemediationRoles');
  });

  test('Lock "all": one statement denies every defaults change except break-glass and the account-defaults remediation role; the weakening denials stay, exempting only break-glass', () => {
    const { scp } = synthGuardrails({ breakGlassRoleNames: ['BreakGlass'], metadataDefaultsLock: 'all' });
    const statements = (scp.Statement as any[]).filter((s) => JSON.stringify(s.Action).includes('ModifyInstanceMetadataDefaults'));
    expect(statements.map((s) => s.Sid)).toEqual(['DenyModifyInstanceMetadataDefaults', 'DenyWeakerDefaultHttpTokens', 'DenyWeakerDefaultHttpTokensEnforced']);
    expect(statements[0]).toEqual({
      Sid: 'DenyModifyInstanceMetadataDefaults',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceMetadataDefaults',
      Resource: '*',
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': [
            ...BREAK_GLASS,
            'arn:aws:iam::*:role/imdsv2-guard-remediation-account-defaults-*',
            'arn:aws:iam::*:role/*/imdsv2-guard-remediation-account-defaults-*',
          ],
        },
      },
    });
    for (const s of statements.slice(1)) expect(s.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': BREAK_GLASS });
  });

  test('Every statement is a Deny with a unique alphanumeric Sid', () => {
    const { scp } = synthGuardrails({ ...FULL, metadataDefaultsLock: 'weakening' });
    const statements = scp.Statement as any[];
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    const sids = statements.map((s) => s.Sid);
    expect(sids.every((sid) => /^[A-Za-z0-9]+$/.test(sid))).toBe(true);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test('The partition reaches resource and role ARNs', () => {
    const { scp } = synthGuardrails({ breakGlassRoleNames: ['BreakGlass'], partition: 'aws-us-gov' });
    const text = JSON.stringify(scp);
    expect(text).toContain('"arn:aws-us-gov:ec2:*:*:instance/*"');
    expect(text).toContain('"arn:aws-us-gov:iam::*:role/BreakGlass"');
    expect(text).not.toContain('arn:aws:');
  });

  test('The SCP is valid JSON within the 5,120-character limit, minified as deployed', () => {
    const { template, scp } = synthGuardrails({
      ...FULL,
      breakGlassRoleNames: ['BreakGlass', 'SecurityIncidentResponse', 'PlatformEmergencyAccess'],
      // Every statement on (hop limit, launch configurations, pinned versions, role protection): 8 exempt
      // accounts fit next to 3 break-glass roles; each exempt account costs ~150 characters (README).
      exemptAccountIds: Array.from({ length: 8 }, (_, i) => String(100000000000 + i)),
    });
    // Content is a JSON object in the template, so what Organizations receives has no formatting
    // whitespace: the minified JSON is the size that counts.
    const minified = JSON.stringify(scp);
    expect(JSON.parse(minified)).toEqual(scp);
    expect(minified.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    template.hasResourceProperties('AWS::Organizations::Policy', { Content: Match.objectEquals(JSON.parse(minified)) });
  });

  test('The default SCP leaves most of the 5,120 characters free', () => {
    expect(JSON.stringify(synthGuardrails().scp).length).toBeLessThan(SCP_MAX_CHARACTERS / 2);
  });

  test('Too many exemptions fail at synth, naming the limit', () => {
    const exemptAccountIds = Array.from({ length: 150 }, (_, i) => String(100000000000 + i));
    expect(() => synthGuardrails({ exemptAccountIds })).toThrow(/at most 5120/);
  });
});

describe('guardrails stack: the EC2 declarative policy', () => {
  test('Review mode: DECLARATIVE_POLICY_EC2 with required tokens and hop limit 2, attached to nothing', () => {
    const { template, declarative } = synthGuardrails({ targetIds: [OU], declarativePolicy: {} });
    template.resourceCountIs('AWS::Organizations::Policy', 2);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'DECLARATIVE_POLICY_EC2',
      Name: 'imdsv2-guard-instance-metadata-defaults',
      TargetIds: Match.absent(),
    });
    const lock = { '@@operators_allowed_for_child_policies': ['@@none'] };
    expect(declarative).toEqual({
      ec2_attributes: {
        instance_metadata_defaults: {
          http_tokens: { '@@assign': 'required', ...lock },
          http_put_response_hop_limit: { '@@assign': '2', ...lock },
        },
      },
    });
  });

  test('http_tokens_enforced is off unless asked for, and set to enabled when it is', () => {
    expect(JSON.stringify(synthGuardrails({ declarativePolicy: {} }).declarative)).not.toContain('http_tokens_enforced');
    const on = synthGuardrails({ declarativePolicy: { httpTokensEnforced: true, lockForChildPolicies: false } }).declarative as any;
    expect(on.ec2_attributes.instance_metadata_defaults.http_tokens_enforced).toEqual({ '@@assign': 'enabled' });
  });

  test('Optional settings and the exception message appear only when given', () => {
    const d = synthGuardrails({
      declarativePolicy: { hopLimit: 1, httpEndpoint: 'enabled', instanceMetadataTags: 'no_preference', exceptionMessage: 'See go/imdsv2', lockForChildPolicies: false },
    }).declarative;
    expect(d).toEqual({
      ec2_attributes: {
        instance_metadata_defaults: {
          http_tokens: { '@@assign': 'required' },
          http_put_response_hop_limit: { '@@assign': '1' },
          http_endpoint: { '@@assign': 'enabled' },
          instance_metadata_tags: { '@@assign': 'no_preference' },
        },
        exception_message: { '@@assign': 'See go/imdsv2' },
      },
    });
  });

  test('Its own mode and targets: SCP in review, declarative policy enforced on the root', () => {
    const { template } = synthGuardrails({ targetIds: [OU], declarativePolicy: { mode: 'enforce', targetIds: [ROOT] } });
    template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY', TargetIds: Match.absent() });
    template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'DECLARATIVE_POLICY_EC2', TargetIds: [ROOT] });
  });

  test('Enforce mode: inherits the guardrails targets', () => {
    const { template } = synthGuardrails({ mode: 'enforce', targetIds: [OU], declarativePolicy: {} });
    template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'DECLARATIVE_POLICY_EC2', TargetIds: [OU] });
  });

  test('enabled: false creates no declarative policy', () => {
    const { template } = synthGuardrails({ declarativePolicy: { enabled: false } });
    template.resourceCountIs('AWS::Organizations::Policy', 1);
  });

  test('It fits the 10,000-character limit for declarative policies', () => {
    const { declarative } = synthGuardrails({ declarativePolicy: { httpTokensEnforced: true, httpEndpoint: 'enabled', instanceMetadataTags: 'disabled', exceptionMessage: 'x'.repeat(200) } });
    expect(JSON.stringify(declarative).length).toBeLessThanOrEqual(DECLARATIVE_POLICY_MAX_CHARACTERS);
  });
});

describe('guardrails stack: refuses configurations that would not do what they say', () => {
  test.each<[string, Parameters<typeof synthGuardrails>[0], RegExp]>([
    ['enforce without targets', { mode: 'enforce' }, /needs at least one target/],
    ['a malformed target id', { targetIds: ['ou-nope'] }, /not a root/],
    ['duplicate targets', { targetIds: [OU, OU] }, /duplicates/],
    ['an unknown mode', { mode: 'audit' as never }, /"review" or "enforce"/],
    ['an exempt account that is not 12 digits', { exemptAccountIds: ['12345'] }, /12-digit/],
    ['a hop limit out of range', { maxHopLimit: 65 }, /1 to 64/],
    ['a role name with a slash', { breakGlassRoleNames: ['ops/BreakGlass'] }, /not a role name/],
    ['an unknown partition', { partition: 'aws-moon' }, /Unknown partition/],
    ['a default hop limit above the SCP maximum', { maxHopLimit: 1, declarativePolicy: { hopLimit: 2 } }, /above the SCP's maxHopLimit 1/],
    ['a declarative hop limit of 0', { declarativePolicy: { hopLimit: 0 } }, /1 to 64/],
    ['a bad declarative setting', { declarativePolicy: { httpEndpoint: 'on' as never } }, /httpEndpoint must be one of/],
    ['an empty exception message', { declarativePolicy: { exceptionMessage: ' ' } }, /exceptionMessage is empty/],
    ['declarative enforce without targets', { declarativePolicy: { mode: 'enforce' } }, /Declarative policy: mode "enforce" needs/],
  ])('%s', (_name, props, error) => {
    expect(() => synthGuardrails(props)).toThrow(error);
  });
});
