import { SID } from '../../lib/guardrails/policies';
import { type Decision, evaluate, FULL_AWS_ACCESS, type Policy } from './policy-evaluator';
import { roleSession, synthGuardrails } from './synth';

/*
 * What the deployed SCP allows and denies, evaluated on the Content of the synthesized template
 * next to FullAWSAccess (what Organizations attaches by default). Requests are modelled after the
 * request context AWS builds:
 * - RunInstances is authorized once per resource it touches; the metadata keys are on the
 *   `instance/*` resource. "Tokens missing" = the key absent from the context: StringNotEquals is
 *   then TRUE, so the launch is denied, matching AWS's own wording for its RequireImdsV2 example
 *   ("If you do not specify that the instance requires IMDSv2, you get an UnauthorizedOperation").
 * - ModifyInstanceMetadataOptions / ModifyInstanceMetadataDefaults carry what the request sets as
 *   `ec2:Attribute/<Name>`; a field the request leaves out is absent.
 * - An assumed-role session's `aws:PrincipalArn` is its role ARN, IAM path included.
 */

const MEMBER = '222233334444';
const EXEMPT = '999988887777';
const INSTANCE = `arn:aws:ec2:eu-west-1:${MEMBER}:instance/*`;
const IMAGE = 'arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0';
const app = roleSession(MEMBER, 'app-deployer');
const breakGlass = roleSession(MEMBER, 'BreakGlass');
const breakGlassWithPath = roleSession(MEMBER, 'BreakGlass', '/emergency/');
const lookalike = roleSession(MEMBER, 'BreakGlassButNot');
const remediation = roleSession(MEMBER, 'imdsv2-guard-remediation-account-defaults-eu-west-1');
const exempt = roleSession(EXEMPT, 'app-deployer');

const PROPS = { breakGlassRoleNames: ['BreakGlass'], exemptAccountIds: [EXEMPT], maxHopLimit: 2 };
const weakening = synthGuardrails(PROPS).scp;
const lockAll = synthGuardrails({ ...PROPS, metadataDefaultsLock: 'all' }).scp;

interface Case {
  readonly name: string;
  readonly action: string;
  readonly resource?: string;
  readonly context: Record<string, string | number>;
  readonly decision: Decision;
  /** The statement that denies, for denied cases. */
  readonly by?: string;
}

function check(scp: Policy, c: Case): void {
  const result = evaluate([FULL_AWS_ACCESS, scp], { action: c.action, resource: c.resource ?? '*', context: c.context });
  expect(result.decision).toBe(c.decision);
  if (c.by !== undefined) expect(result.denyingStatements).toContain(c.by);
  if (c.decision === 'Allow') expect(result.denyingStatements).toEqual([]);
}

const run = (context: Record<string, string | number>, extra: Partial<Case> = {}): Omit<Case, 'name' | 'decision'> => ({
  action: 'ec2:RunInstances',
  resource: INSTANCE,
  context,
  ...extra,
});

const launchCases: Case[] = [
  { name: 'Denied: RunInstances with HttpTokens=optional', ...run({ ...app, 'ec2:MetadataHttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.requireImdsV2OnLaunch },
  { name: 'Allowed: RunInstances with HttpTokens=required, hop limit 1', ...run({ ...app, 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': 1 }), decision: 'Allow' },
  { name: 'Denied: RunInstances with HttpTokens missing', ...run({ ...app }), decision: 'ExplicitDeny', by: SID.requireImdsV2OnLaunch },
  { name: 'Denied: RunInstances with hop limit 3 above the max of 2', ...run({ ...app, 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': 3 }), decision: 'ExplicitDeny', by: SID.limitHopLimitOnLaunch },
  { name: 'Allowed: RunInstances with hop limit 2, at the max', ...run({ ...app, 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': 2 }), decision: 'Allow' },
  // NumericGreaterThan on an absent key is false: the hop statement only judges a stated hop limit.
  { name: 'Allowed: RunInstances that does not state a hop limit', ...run({ ...app, 'ec2:MetadataHttpTokens': 'required' }), decision: 'Allow' },
  { name: 'Denied: break-glass launching with HttpTokens=optional (launches have no break-glass)', ...run({ ...breakGlass, 'ec2:MetadataHttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.requireImdsV2OnLaunch },
  { name: 'Allowed: an exempt account launching with HttpTokens=optional', ...run({ ...exempt, 'ec2:MetadataHttpTokens': 'optional' }), decision: 'Allow' },
  { name: 'Allowed: the image resource of the same launch (the statements are on instance/*)', ...run({ ...app }, { resource: IMAGE }), decision: 'Allow' },
];

const launchConfigurationCases: Case[] = [
  { name: 'Denied: CreateLaunchConfiguration', action: 'autoscaling:CreateLaunchConfiguration', context: { ...app, 'autoscaling:LaunchConfigurationName': 'lc-1' }, decision: 'ExplicitDeny', by: SID.denyCreateLaunchConfiguration },
  { name: 'Denied: CreateLaunchConfiguration by break-glass too', action: 'autoscaling:CreateLaunchConfiguration', context: { ...breakGlass }, decision: 'ExplicitDeny', by: SID.denyCreateLaunchConfiguration },
  { name: 'Allowed: CreateLaunchConfiguration in an exempt account', action: 'autoscaling:CreateLaunchConfiguration', context: { ...exempt }, decision: 'Allow' },
  { name: 'Denied: CreateAutoScalingGroup with a launch configuration', action: 'autoscaling:CreateAutoScalingGroup', context: { ...app, 'autoscaling:LaunchConfigurationName': 'old-lc' }, decision: 'ExplicitDeny', by: SID.denyLaunchConfigurationOnGroup },
  { name: 'Denied: UpdateAutoScalingGroup back to a launch configuration', action: 'autoscaling:UpdateAutoScalingGroup', context: { ...app, 'autoscaling:LaunchConfigurationName': 'old-lc' }, decision: 'ExplicitDeny', by: SID.denyLaunchConfigurationOnGroup },
  { name: 'Allowed: UpdateAutoScalingGroup to a launch template (the migration)', action: 'autoscaling:UpdateAutoScalingGroup', context: { ...app, 'autoscaling:LaunchTemplateVersionSpecified': 'true' }, decision: 'Allow' },
  { name: 'Allowed: UpdateAutoScalingGroup that only changes capacity', action: 'autoscaling:UpdateAutoScalingGroup', context: { ...app }, decision: 'Allow' },
];

const modify = (context: Record<string, string | number>) => ({ action: 'ec2:ModifyInstanceMetadataOptions', resource: `arn:aws:ec2:eu-west-1:${MEMBER}:instance/i-0abc`, context });
const optionsCases: Case[] = [
  { name: 'Denied: ModifyInstanceMetadataOptions to HttpTokens=optional', ...modify({ ...app, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyImdsV1OptOut },
  { name: 'Allowed: ModifyInstanceMetadataOptions to HttpTokens=required', ...modify({ ...app, 'ec2:Attribute/HttpTokens': 'required' }), decision: 'Allow' },
  { name: 'Allowed: ModifyInstanceMetadataOptions that leaves HttpTokens alone', ...modify({ ...app, 'ec2:Attribute/HttpPutResponseHopLimit': 1 }), decision: 'Allow' },
  { name: 'Allowed: remediation role setting HttpTokens=required (and keeping a hop limit of 3)', ...modify({ ...remediation, 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 3 }), decision: 'Allow' },
  { name: 'Denied: remediation role setting HttpTokens=optional (not exempt)', ...modify({ ...remediation, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyImdsV1OptOut },
  { name: 'Allowed: break-glass setting HttpTokens=optional', ...modify({ ...breakGlass, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
  { name: 'Allowed: break-glass under an IAM path setting HttpTokens=optional', ...modify({ ...breakGlassWithPath, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
  { name: 'Denied: a role whose name only starts like the break-glass role', ...modify({ ...lookalike, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyImdsV1OptOut },
  { name: 'Allowed: an exempt account setting HttpTokens=optional', ...modify({ ...exempt, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
];

const defaults = (context: Record<string, string | number>) => ({ action: 'ec2:ModifyInstanceMetadataDefaults', resource: '*', context });
const defaultsCases: Case[] = [
  { name: 'Denied: ModifyInstanceMetadataDefaults to HttpTokens=optional by a normal role', ...defaults({ ...app, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultTokens },
  { name: 'Denied: ModifyInstanceMetadataDefaults to HttpTokens=no-preference', ...defaults({ ...app, 'ec2:Attribute/HttpTokens': 'no-preference' }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultTokens },
  { name: 'Allowed: ModifyInstanceMetadataDefaults to HttpTokens=required by a normal role', ...defaults({ ...app, 'ec2:Attribute/HttpTokens': 'required' }), decision: 'Allow' },
  { name: 'Allowed: the remediation hardening the defaults (tokens required, hop limit 2)', ...defaults({ ...remediation, 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 2 }), decision: 'Allow' },
  { name: 'Allowed: the remediation enabling HttpTokensEnforced', ...defaults({ ...remediation, 'ec2:Attribute/HttpTokensEnforced': 'enabled' }), decision: 'Allow' },
  { name: 'Denied: ModifyInstanceMetadataDefaults to HttpTokensEnforced=disabled', ...defaults({ ...app, 'ec2:Attribute/HttpTokensEnforced': 'disabled' }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultEnforcement },
  { name: 'Denied: ModifyInstanceMetadataDefaults raising the hop limit to 3', ...defaults({ ...app, 'ec2:Attribute/HttpPutResponseHopLimit': 3 }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultHopLimit },
  { name: 'Allowed: ModifyInstanceMetadataDefaults clearing the hop limit (-1, no preference)', ...defaults({ ...app, 'ec2:Attribute/HttpPutResponseHopLimit': -1 }), decision: 'Allow' },
  { name: 'Allowed: break-glass setting the default to HttpTokens=optional', ...defaults({ ...breakGlass, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
  { name: 'Allowed: an exempt account setting the default to HttpTokens=optional', ...defaults({ ...exempt, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
];

const lockAllCases: Case[] = [
  { name: 'Denied: a normal role changing the defaults at all, even to required', ...defaults({ ...app, 'ec2:Attribute/HttpTokens': 'required' }), decision: 'ExplicitDeny', by: SID.denyAnyDefaultsChange },
  { name: 'Allowed: the remediation role hardening the defaults', ...defaults({ ...remediation, 'ec2:Attribute/HttpTokens': 'required' }), decision: 'Allow' },
  { name: 'Denied: the remediation role, exempt from the lock, weakening the defaults', ...defaults({ ...remediation, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultTokens },
  { name: 'Denied: the remediation role turning enforcement off', ...defaults({ ...remediation, 'ec2:Attribute/HttpTokensEnforced': 'disabled' }), decision: 'ExplicitDeny', by: SID.denyWeakerDefaultEnforcement },
  { name: 'Denied: another remediation role (not the account-defaults one) changing the defaults', ...defaults({ ...roleSession(MEMBER, 'imdsv2-guard-remediation-instance-eu-west-1'), 'ec2:Attribute/HttpTokens': 'required' }), decision: 'ExplicitDeny', by: SID.denyAnyDefaultsChange },
  { name: 'Allowed: break-glass changing the defaults', ...defaults({ ...breakGlass, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
  { name: 'Allowed: an exempt account changing the defaults', ...defaults({ ...exempt, 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' },
];

describe('SCP semantics: launches', () => {
  test.each(launchCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(weakening, c));
});

describe('SCP semantics: launch configurations', () => {
  test.each(launchConfigurationCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(weakening, c));
});

describe('SCP semantics: ModifyInstanceMetadataOptions', () => {
  test.each(optionsCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(weakening, c));
});

describe('SCP semantics: ModifyInstanceMetadataDefaults (lock: weakening)', () => {
  test.each(defaultsCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(weakening, c));
});

describe('SCP semantics: ModifyInstanceMetadataDefaults (lock: all)', () => {
  test.each(lockAllCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(lockAll, c));
});

const group = (action: string, context: Record<string, string | number>): Omit<Case, 'name' | 'decision'> => ({ action: `autoscaling:${action}`, resource: '*', context });
const pinnedVersionCases: Case[] = [
  { name: 'Denied: creating a group on $Latest/$Default', ...group('CreateAutoScalingGroup', { ...app, 'autoscaling:LaunchTemplateVersionSpecified': 'false' }), decision: 'ExplicitDeny', by: SID.requireLaunchTemplateVersion },
  { name: 'Denied: moving a group to $Latest/$Default', ...group('UpdateAutoScalingGroup', { ...app, 'autoscaling:LaunchTemplateVersionSpecified': 'false' }), decision: 'ExplicitDeny', by: SID.requireLaunchTemplateVersion },
  { name: 'Allowed: a group pinned to a version number', ...group('CreateAutoScalingGroup', { ...app, 'autoscaling:LaunchTemplateVersionSpecified': 'true' }), decision: 'Allow' },
  { name: 'Allowed: an update that names no launch template (capacity)', ...group('UpdateAutoScalingGroup', { ...app }), decision: 'Allow' },
  { name: 'Allowed: an exempt account on $Latest', ...group('CreateAutoScalingGroup', { ...exempt, 'autoscaling:LaunchTemplateVersionSpecified': 'false' }), decision: 'Allow' },
];

describe('SCP semantics: Auto Scaling groups must pin a launch template version', () => {
  test.each(pinnedVersionCases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(weakening, c));
  test('Allowed everywhere with requireLaunchTemplateVersion: false', () => {
    check(synthGuardrails({ ...PROPS, requireLaunchTemplateVersion: false }).scp, { ...pinnedVersionCases[0], name: 'opt-out', decision: 'Allow', by: undefined });
  });
});

describe('SCP semantics: everything else', () => {
  test('Allowed: actions the guardrails do not name', () => {
    for (const action of ['ec2:DescribeInstances', 'ec2:CreateLaunchTemplateVersion', 'autoscaling:StartInstanceRefresh', 'ec2:GetInstanceMetadataDefaults']) {
      check(weakening, { name: action, action, resource: '*', context: { ...app }, decision: 'Allow' });
    }
  });

  test('without launch-configuration statements, launch configurations are left alone', () => {
    const scp = synthGuardrails({ ...PROPS, denyLaunchConfigurations: false }).scp;
    check(scp, { name: 'lc', action: 'autoscaling:CreateLaunchConfiguration', context: { ...app }, decision: 'Allow' });
  });

  test('without maxHopLimit, no hop limit is judged', () => {
    const scp = synthGuardrails({ breakGlassRoleNames: ['BreakGlass'] }).scp;
    check(scp, { name: 'hop', ...run({ ...app, 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': 64 }), decision: 'Allow' });
    check(scp, { name: 'defaults hop', ...defaults({ ...app, 'ec2:Attribute/HttpPutResponseHopLimit': 64 }), decision: 'Allow' });
  });

  test('a full-ARN break-glass pattern is used as given', () => {
    const scp = synthGuardrails({ breakGlassRoleNames: [`arn:aws:iam::${MEMBER}:role/ops/*`] }).scp;
    check(scp, { name: 'ops', ...modify({ ...roleSession(MEMBER, 'anyone', '/ops/'), 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'Allow' });
    check(scp, { name: 'other account', ...modify({ ...roleSession('333344445555', 'anyone', '/ops/'), 'ec2:Attribute/HttpTokens': 'optional' }), decision: 'ExplicitDeny', by: SID.denyImdsV1OptOut });
  });
});
