import { SETS_ENFORCEMENT_NOT_ENABLED, SETS_TOKENS_NOT_REQUIRED, setsHopLimitAbove } from '../../lambda/rules/common/imds-request-conditions';
import { HARDENING_ROLE_NAME_PATTERNS, REMEDIATION_ROLE_PREFIX } from '../remediation/role-names';

/**
 * The guardrail policy documents as pure functions: plain JSON in, plain JSON out, no CDK. The
 * construct deploys exactly what these return, and the tests evaluate exactly that, so a change
 * here is a change to what the organization enforces.
 *
 * Facts these documents rely on (AWS documentation; docs/guardrails.md cites them):
 * - `ec2:MetadataHttpTokens` / `ec2:MetadataHttpPutResponseHopLimit` on the `instance/*` resource of
 *   RunInstances carry the launch's metadata options (EC2 user guide, "Require the use of IMDSv2",
 *   "Specify maximum hop limit").
 * - ModifyInstanceMetadataOptions and ModifyInstanceMetadataDefaults carry the *requested* values as
 *   `ec2:Attribute/<Name>` (service authorization reference: `ec2:Attribute/${AttributeName}`; EC2
 *   user guide, "Deny opt-out of IMDSv2", which pairs it with a `Null` guard). `ec2:MetadataHttpTokens`
 *   on an existing instance describes the instance as it is, not the change asked for.
 * - A negated operator (StringNotEquals, ArnNotLike, …) is true when its key is absent from the
 *   request; `Null: false` is what makes a statement apply only to requests that set the attribute.
 * - SCPs: at most 5,120 characters, every character counts; declarative policies: 10,000.
 */

/** The largest service control policy AWS Organizations accepts, in characters. */
export const SCP_MAX_CHARACTERS = 5120;
/** The largest declarative policy AWS Organizations accepts, in characters. */
export const DECLARATIVE_POLICY_MAX_CHARACTERS = 10000;

/**
 * The remediation role that sets account defaults (the only one calling ModifyInstanceMetadataDefaults):
 * `imdsv2-guard-remediation-account-defaults-<region>`, named by lib/remediation/role-names.ts.
 */
export const DEFAULT_HARDENING_ROLE_NAMES: readonly string[] = HARDENING_ROLE_NAME_PATTERNS;

/** Every remediation role's name starts with this; the SCP keeps others from creating or changing such a role. */
export const PROTECTED_ROLE_NAME_PATTERN = `${REMEDIATION_ROLE_PREFIX}*`;

/**
 * Who may create and change the remediation roles: the StackSet execution roles that deploy them
 * (service-managed StackSets: `stacksets-exec-*`; self-managed: `AWSCloudFormationStackSetExecutionRole`).
 */
export const DEFAULT_ROLE_ADMIN_ROLE_NAMES: readonly string[] = [
  // As ARN patterns without the IAM-path variant: both roles live at the root path, and the SCP's 5,120 characters are scarce.
  'arn:aws:iam::*:role/stacksets-exec-*',
  'arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole',
];

/** Statement ids: stable, so reviews, tests and CloudTrail error messages can name them. */
export const SID = {
  requireImdsV2OnLaunch: 'DenyRunInstancesWithoutImdsV2',
  limitHopLimitOnLaunch: 'DenyRunInstancesAboveMaxHopLimit',
  denyImdsV1OptOut: 'DenyModifyInstanceMetadataToImdsV1',
  denyCreateLaunchConfiguration: 'DenyCreateLaunchConfiguration',
  denyLaunchConfigurationOnGroup: 'DenyAutoScalingGroupWithLaunchConfiguration',
  denyWeakerDefaultTokens: 'DenyWeakerDefaultHttpTokens',
  denyWeakerDefaultEnforcement: 'DenyWeakerDefaultHttpTokensEnforced',
  denyWeakerDefaultHopLimit: 'DenyDefaultHopLimitAboveMax',
  denyAnyDefaultsChange: 'DenyModifyInstanceMetadataDefaults',
  protectRemediationRoles: 'DenyChangingRemediationRoles',
  requireLaunchTemplateVersion: 'DenyAutoScalingGroupWithoutTemplateVersion',
} as const;

export type ConditionValue = string | readonly string[];
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/**
 * How ModifyInstanceMetadataDefaults is locked.
 * - `weakening`: deny only requests that set HttpTokens to anything but `required`, set
 *   HttpTokensEnforced to anything but `enabled`, or raise the default hop limit above the maximum.
 *   Hardening calls (the remediation's `--http-tokens required`) pass without any exemption.
 * - `all`: deny every call, except the break-glass and hardening roles.
 */
export type MetadataDefaultsLock = 'weakening' | 'all';

export interface ScpOptions {
  /** AWS partition of the organization (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** Role names (or full ARN patterns) that may weaken settings in an emergency. */
  readonly breakGlassRoleNames: readonly string[];
  /** Role names (or ARN patterns) exempt from the `all` defaults lock: the remediation roles. */
  readonly hardeningRoleNames: readonly string[];
  /** Member accounts the whole SCP does not apply to. */
  readonly exemptAccountIds: readonly string[];
  /** Deny launches (and default changes) with a hop limit above this. Unset: no hop-limit statements. */
  readonly maxHopLimit?: number;
  /** Deny creating launch configurations and pointing groups at one. */
  readonly denyLaunchConfigurations: boolean;
  readonly metadataDefaultsLock: MetadataDefaultsLock;
  /**
   * Role names (or ARN patterns) that may create and change roles named `imdsv2-guard-remediation-*`;
   * empty: no such statement (the hardening exemption is then only as safe as IAM in each account).
   */
  readonly roleAdminRoleNames: readonly string[];
  /**
   * Deny creating or updating an Auto Scaling group with a launch template but no specific version
   * (`$Latest`/`$Default`, `autoscaling:LaunchTemplateVersionSpecified` false).
   */
  readonly requireLaunchTemplateVersion: boolean;
}

const ROLE_NAME = /^[\w+=,.@*?-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

/**
 * `aws:PrincipalArn` patterns for a role: the role's ARN with and without an IAM path, in any account.
 * A value that already starts with `arn:` is taken as the pattern itself.
 */
export function rolePrincipalPatterns(partition: string, nameOrPattern: string): string[] {
  if (nameOrPattern.startsWith('arn:')) return [nameOrPattern];
  if (!ROLE_NAME.test(nameOrPattern)) {
    throw new Error(`"${nameOrPattern}" is not a role name (letters, digits, +=,.@_- and the wildcards * ?) nor an ARN pattern`);
  }
  return [`arn:${partition}:iam::*:role/${nameOrPattern}`, `arn:${partition}:iam::*:role/*/${nameOrPattern}`];
}

function patternsFor(partition: string, names: readonly string[]): string[] {
  return [...new Set(names.flatMap((n) => rolePrincipalPatterns(partition, n)))];
}

function single(values: readonly string[]): ConditionValue {
  return values.length === 1 ? values[0] : [...values];
}

/** Adds `key: values` under `operator`, keeping any keys the operator already tests (keys AND). */
function withCondition(block: ConditionBlock, operator: string, key: string, values: readonly string[]): ConditionBlock {
  if (values.length === 0) return block;
  return { ...block, [operator]: { ...(block[operator] ?? {}), [key]: single(values) } };
}

interface DenySpec {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resource: string;
  readonly condition?: ConditionBlock;
  /** `aws:PrincipalArn` patterns this statement does not apply to. */
  readonly exemptPrincipals?: readonly string[];
}

function deny(spec: DenySpec, exemptAccountIds: readonly string[]): PolicyStatement {
  let condition = spec.condition ?? {};
  condition = withCondition(condition, 'StringNotEquals', 'aws:PrincipalAccount', exemptAccountIds);
  condition = withCondition(condition, 'ArnNotLike', 'aws:PrincipalArn', spec.exemptPrincipals ?? []);
  return {
    Sid: spec.sid,
    Effect: 'Deny',
    Action: single(spec.actions),
    Resource: spec.resource,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

export function validateScpOptions(o: ScpOptions): void {
  if (!PARTITIONS.includes(o.partition)) throw new Error(`Unknown partition "${o.partition}"; expected one of ${PARTITIONS.join(', ')}`);
  for (const id of o.exemptAccountIds) {
    if (!ACCOUNT_ID.test(id)) throw new Error(`Exempt account id "${id}" is not a 12-digit AWS account id`);
  }
  if (o.maxHopLimit !== undefined && !(Number.isInteger(o.maxHopLimit) && o.maxHopLimit >= 1 && o.maxHopLimit <= 64)) {
    throw new Error(`maxHopLimit must be an integer from 1 to 64, got ${o.maxHopLimit}`);
  }
  // Throws on a malformed role name.
  patternsFor(o.partition, [...o.breakGlassRoleNames, ...o.hardeningRoleNames, ...o.roleAdminRoleNames]);
}

/**
 * The service control policy that keeps IMDSv1 from coming back. Every statement is a Deny: SCPs
 * grant nothing, so this is attached next to the organization's allow (FullAWSAccess by default).
 */
export function imdsv2ServiceControlPolicy(o: ScpOptions): PolicyDocument {
  validateScpOptions(o);
  const p = o.partition;
  const instances = `arn:${p}:ec2:*:*:instance/*`;
  const breakGlass = patternsFor(p, o.breakGlassRoleNames);
  const hardening = patternsFor(p, o.hardeningRoleNames);
  const statements: DenySpec[] = [
    {
      // Launch: AWS's "Require the use of IMDSv2" example. A launch that does not say `required`
      // (key absent) is denied too: StringNotEquals is true for an absent key.
      sid: SID.requireImdsV2OnLaunch,
      actions: ['ec2:RunInstances'],
      resource: instances,
      condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
    },
  ];
  if (o.maxHopLimit !== undefined) {
    statements.push({
      sid: SID.limitHopLimitOnLaunch,
      actions: ['ec2:RunInstances'],
      resource: instances,
      condition: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': String(o.maxHopLimit) } },
    });
  }
  statements.push({
    // Running instances: deny only a request that sets HttpTokens to something other than
    // `required`; the Null guard leaves requests that do not touch HttpTokens alone.
    sid: SID.denyImdsV1OptOut,
    actions: ['ec2:ModifyInstanceMetadataOptions'],
    resource: instances,
    condition: SETS_TOKENS_NOT_REQUIRED,
    exemptPrincipals: breakGlass,
  });
  if (o.denyLaunchConfigurations) {
    statements.push(
      {
        // Launch configurations are where the launch-time check cannot reach: group launches
        // are made by the Auto Scaling service-linked role, which SCPs do not restrict.
        sid: SID.denyCreateLaunchConfiguration,
        actions: ['autoscaling:CreateLaunchConfiguration'],
        resource: '*',
      },
      {
        // AWS's advice for the same reason: no group may be created with, or moved to, a launch
        // configuration (`autoscaling:LaunchConfigurationName` present). Moving to a launch template is allowed.
        sid: SID.denyLaunchConfigurationOnGroup,
        actions: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
        resource: '*',
        condition: { Null: { 'autoscaling:LaunchConfigurationName': 'false' } },
      },
    );
  }
  if (o.requireLaunchTemplateVersion) {
    statements.push({
      // A group on $Latest/$Default launches every new version of its template through the Auto Scaling
      // service-linked role, which SCPs do not govern: the version someone adds later is never checked
      // against the launch statements above. A pinned version is (AWS example: "Require a specific
      // launch template version"). Requests without a launch template carry no key and pass.
      sid: SID.requireLaunchTemplateVersion,
      actions: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
      resource: '*',
      condition: { Bool: { 'autoscaling:LaunchTemplateVersionSpecified': 'false' } },
    });
  }
  if (o.metadataDefaultsLock === 'all') {
    statements.push({
      sid: SID.denyAnyDefaultsChange,
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      exemptPrincipals: [...new Set([...breakGlass, ...hardening])],
    });
  }
  // The weakening denials hold in both locks, and exempt only break-glass roles: a hardening role
  // exempt from the `all` lock still cannot weaken.
  statements.push(
    {
      sid: SID.denyWeakerDefaultTokens,
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      condition: SETS_TOKENS_NOT_REQUIRED,
      exemptPrincipals: breakGlass,
    },
    {
      sid: SID.denyWeakerDefaultEnforcement,
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      condition: SETS_ENFORCEMENT_NOT_ENABLED,
      exemptPrincipals: breakGlass,
    },
  );
  if (o.maxHopLimit !== undefined) {
    statements.push({
      sid: SID.denyWeakerDefaultHopLimit,
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      condition: setsHopLimitAbove(String(o.maxHopLimit)),
      exemptPrincipals: breakGlass,
    });
  }
  if (o.roleAdminRoleNames.length > 0) {
    statements.push({
      // The hardening exemption names roles by pattern: nobody but the StackSet that deploys them may
      // create a role under that name, or change what it may do or who may assume it.
      sid: SID.protectRemediationRoles,
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy'],
      resource: `arn:${p}:iam::*:role/${PROTECTED_ROLE_NAME_PATTERN}`,
      exemptPrincipals: patternsFor(p, o.roleAdminRoleNames.map((n) => n.replace(/^arn:aws:/, `arn:${p}:`))),
    });
  }
  return { Version: '2012-10-17', Statement: statements.map((s) => deny(s, o.exemptAccountIds)) };
}

/** A declarative-policy setting value: `no_preference` leaves the decision to the account/AMI. */
export type DeclarativeSetting = 'enabled' | 'disabled' | 'no_preference';

export interface DeclarativePolicyOptions {
  /** Default hop limit for new instances (1–64, or -1 for no preference). */
  readonly hopLimit: number;
  /**
   * Also set `http_tokens_enforced: enabled`. NOT in the AWS Organizations declarative-policy syntax
   * page this project checked (it lists http_tokens, http_put_response_hop_limit, http_endpoint,
   * instance_metadata_tags); the account-level API has HttpTokensEnforced. Off unless asked for.
   */
  readonly httpTokensEnforced: boolean;
  /** `http_endpoint`; unset leaves it out of the policy. */
  readonly httpEndpoint?: DeclarativeSetting;
  /** `instance_metadata_tags`; unset leaves it out of the policy. */
  readonly instanceMetadataTags?: DeclarativeSetting;
  /** `exception_message` shown to callers whose change the policy refuses. */
  readonly exceptionMessage?: string;
  /** Forbid child OUs/accounts from overriding (`@@operators_allowed_for_child_policies: ["@@none"]`). */
  readonly lockForChildPolicies: boolean;
}

export type DeclarativeValue = { readonly '@@assign': string } & { readonly '@@operators_allowed_for_child_policies'?: readonly string[] };

export interface DeclarativePolicyDocument {
  readonly ec2_attributes: {
    readonly instance_metadata_defaults: Readonly<Record<string, DeclarativeValue>>;
    readonly exception_message?: DeclarativeValue;
  };
}

const DECLARATIVE_SETTINGS: readonly DeclarativeSetting[] = ['enabled', 'disabled', 'no_preference'];

export function validateDeclarativeOptions(o: DeclarativePolicyOptions): void {
  if (!(Number.isInteger(o.hopLimit) && ((o.hopLimit >= 1 && o.hopLimit <= 64) || o.hopLimit === -1))) {
    throw new Error(`Declarative policy hopLimit must be an integer from 1 to 64 (or -1 for no preference), got ${o.hopLimit}`);
  }
  for (const [name, value] of [['httpEndpoint', o.httpEndpoint], ['instanceMetadataTags', o.instanceMetadataTags]] as const) {
    if (value !== undefined && !DECLARATIVE_SETTINGS.includes(value)) {
      throw new Error(`Declarative policy ${name} must be one of ${DECLARATIVE_SETTINGS.join(', ')}, got ${JSON.stringify(value)}`);
    }
  }
  if (o.exceptionMessage !== undefined && o.exceptionMessage.trim() === '') throw new Error('Declarative policy exceptionMessage is empty');
}

/**
 * The EC2 declarative policy (type DECLARATIVE_POLICY_EC2) that sets the instance metadata defaults
 * of every account and region it reaches: `GetInstanceMetadataDefaults` then reports
 * `ManagedBy: declarative-policy`, and ModifyInstanceMetadataDefaults is refused in those accounts.
 */
export function imdsv2DeclarativePolicy(o: DeclarativePolicyOptions): DeclarativePolicyDocument {
  validateDeclarativeOptions(o);
  const assign = (value: string): DeclarativeValue =>
    o.lockForChildPolicies ? { '@@assign': value, '@@operators_allowed_for_child_policies': ['@@none'] } : { '@@assign': value };
  const defaults: Record<string, DeclarativeValue> = {
    http_tokens: assign('required'),
    // AWS's own example writes the hop limit as a string ("4").
    http_put_response_hop_limit: assign(String(o.hopLimit)),
  };
  if (o.httpEndpoint !== undefined) defaults.http_endpoint = assign(o.httpEndpoint);
  if (o.instanceMetadataTags !== undefined) defaults.instance_metadata_tags = assign(o.instanceMetadataTags);
  if (o.httpTokensEnforced) defaults.http_tokens_enforced = assign('enabled');
  return {
    ec2_attributes: {
      instance_metadata_defaults: defaults,
      ...(o.exceptionMessage !== undefined ? { exception_message: { '@@assign': o.exceptionMessage } } : {}),
    },
  };
}

/**
 * The size AWS Organizations counts for a policy as this project deploys it: the minified JSON
 * (CloudFormation receives `Content` as a JSON object, with no formatting whitespace).
 */
export function policyCharacterCount(doc: unknown): number {
  return JSON.stringify(doc).length;
}
