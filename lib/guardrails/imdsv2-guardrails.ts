import { Token } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import {
  DECLARATIVE_POLICY_MAX_CHARACTERS,
  DEFAULT_HARDENING_ROLE_NAMES,
  DEFAULT_ROLE_ADMIN_ROLE_NAMES,
  type DeclarativeSetting,
  imdsv2DeclarativePolicy,
  imdsv2ServiceControlPolicy,
  type MetadataDefaultsLock,
  policyCharacterCount,
  SCP_MAX_CHARACTERS,
} from './policies';

/**
 * `review`: the policies are created but attached to nothing (no `TargetIds`), so they can be read,
 * diffed and simulated in the Organizations console without affecting any account.
 * `enforce`: the policies are attached to their targets.
 */
export type GuardrailMode = 'review' | 'enforce';

export interface Imdsv2DeclarativePolicyProps {
  /**
   * Create the EC2 declarative policy.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Review or enforce, independently of the SCP (e.g. enforce the SCP first, the defaults later).
   * @default - the guardrails' `mode`
   */
  readonly mode?: GuardrailMode;
  /**
   * Default hop limit for new instances, 1–64 (-1: no preference). AWS recommends at least 2 when
   * tokens are required, so containers on the instance can still reach IMDS.
   * @default 2, or the guardrails' `maxHopLimit` when that is lower
   */
  readonly hopLimit?: number;
  /**
   * Also set `http_tokens_enforced: enabled`, so EC2 refuses any launch that does not require
   * IMDSv2. Not listed in the declarative-policy syntax this project checked: test in one OU first.
   * @default false
   */
  readonly httpTokensEnforced?: boolean;
  /**
   * `http_endpoint` default.
   * @default - not set by the policy
   */
  readonly httpEndpoint?: DeclarativeSetting;
  /**
   * `instance_metadata_tags` default.
   * @default - not set by the policy
   */
  readonly instanceMetadataTags?: DeclarativeSetting;
  /**
   * Custom `exception_message` returned when the policy refuses a change.
   * @default - AWS's generic message
   */
  readonly exceptionMessage?: string;
  /**
   * Stop child OUs and accounts from overriding these settings.
   * @default true
   */
  readonly lockForChildPolicies?: boolean;
  /**
   * Roots, OUs or accounts to attach the declarative policy to.
   * @default - the guardrails' `targetIds`
   */
  readonly targetIds?: readonly string[];
  /**
   * Policy name.
   * @default 'imdsv2-guard-instance-metadata-defaults'
   */
  readonly policyName?: string;
}

export interface Imdsv2GuardrailsProps {
  /**
   * Organization root (`r-…`), OU (`ou-…-…`) or account ids the SCP is attached to in `enforce` mode.
   * @default - none (required in `enforce` mode)
   */
  readonly targetIds?: readonly string[];
  /**
   * Rollout mode for the SCP (and, unless overridden, the declarative policy).
   * @default 'review'
   */
  readonly mode?: GuardrailMode;
  /**
   * Roles allowed to weaken metadata settings in an emergency: names (any account, any IAM path)
   * or full `aws:PrincipalArn` patterns starting with `arn:`. They are exempt from the
   * ModifyInstanceMetadataOptions and ModifyInstanceMetadataDefaults statements, never from the
   * launch statements.
   * @default - none
   */
  readonly breakGlassRoleNames?: readonly string[];
  /**
   * Member accounts the SCP does not apply to (`aws:PrincipalAccount`).
   * @default - none
   */
  readonly exemptAccountIds?: readonly string[];
  /**
   * Deny launches whose hop limit is above this, and account-default changes that raise it above this.
   * @default - no hop-limit statements
   */
  readonly maxHopLimit?: number;
  /**
   * Deny `autoscaling:CreateLaunchConfiguration`, and creating or updating a group with a launch configuration.
   * @default true
   */
  readonly denyLaunchConfigurations?: boolean;
  /**
   * `weakening`: deny only ModifyInstanceMetadataDefaults calls that weaken (tokens not required,
   * enforcement not enabled, hop limit above max). `all`: deny every call except break-glass and hardening roles.
   * @default 'weakening'
   */
  readonly metadataDefaultsLock?: MetadataDefaultsLock;
  /**
   * Roles exempt from the `all` defaults lock so they can still harden defaults: the remediation
   * automation. Not used in `weakening` mode, where hardening calls are never denied.
   * @default ['imdsv2-guard-remediation-account-defaults-*'] (the account-defaults remediation role in every region)
   */
  readonly hardeningRoleNames?: readonly string[];
  /**
   * Roles that may create and change roles named `imdsv2-guard-remediation-*` (iam:CreateRole,
   * PutRolePolicy, AttachRolePolicy, UpdateAssumeRolePolicy); everyone else is denied, so the names the
   * hardening exemption trusts cannot be taken. An empty list removes the statement.
   * @default ['stacksets-exec-*', 'AWSCloudFormationStackSetExecutionRole'] (the StackSet execution roles)
   */
  readonly roleAdminRoleNames?: readonly string[];
  /**
   * Deny creating or updating an Auto Scaling group with a launch template at `$Latest`/`$Default`
   * (`autoscaling:LaunchTemplateVersionSpecified` false). Such a group launches every later version
   * through the Auto Scaling service-linked role, which no SCP governs. Trade-off: deployments must pin
   * a version number and update the group to roll out a new one.
   * @default true
   */
  readonly requireLaunchTemplateVersion?: boolean;
  /**
   * AWS partition of the organization, used in resource and role ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * SCP name.
   * @default 'imdsv2-guard-require-imdsv2'
   */
  readonly policyName?: string;
  /**
   * The EC2 declarative policy that sets instance metadata defaults organization-wide.
   * @default - not created
   */
  readonly declarativePolicy?: Imdsv2DeclarativePolicyProps;
}

// CloudFormation's own pattern for AWS::Organizations::Policy TargetIds, anchored at both ends.
const TARGET_ID = /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

function targets(kind: string, mode: GuardrailMode, ids: readonly string[]): string[] | undefined {
  const bad = ids.filter((id) => !TARGET_ID.test(id));
  if (bad.length > 0) throw new Error(`${kind} target id(s) ${bad.join(', ')} are not a root (r-…), OU (ou-…-…) or 12-digit account id`);
  if (new Set(ids).size !== ids.length) throw new Error(`${kind} target ids contain duplicates`);
  if (mode === 'review') return undefined;
  if (ids.length === 0) throw new Error(`${kind}: mode "enforce" needs at least one target id (root, OU or account)`);
  return [...ids];
}

function checkMode(mode: string): GuardrailMode {
  if (mode !== 'review' && mode !== 'enforce') throw new Error(`mode must be "review" or "enforce", got ${JSON.stringify(mode)}`);
  return mode;
}

/**
 * Preventive IMDSv2 guardrails for an AWS Organization: one service control policy (launch,
 * opt-out, launch configurations, account defaults) and, optionally, the EC2 declarative policy
 * for instance metadata defaults. Deploy it from the management account (or a delegated
 * administrator for Organizations policies).
 */
export class Imdsv2Guardrails extends Construct {
  /** The service control policy. */
  public readonly serviceControlPolicy: CfnPolicy;
  /** The EC2 declarative policy, when enabled. */
  public readonly declarativePolicy?: CfnPolicy;

  constructor(scope: Construct, id: string, props: Imdsv2GuardrailsProps = {}) {
    super(scope, id);
    const mode = checkMode(props.mode ?? 'review');
    const partition = props.partition ?? 'aws';
    if (Token.isUnresolved(partition)) throw new Error('partition must be a literal (aws, aws-cn, aws-us-gov): the policy is checked at synth');

    const scp = imdsv2ServiceControlPolicy({
      partition,
      breakGlassRoleNames: props.breakGlassRoleNames ?? [],
      hardeningRoleNames: props.hardeningRoleNames ?? DEFAULT_HARDENING_ROLE_NAMES,
      exemptAccountIds: props.exemptAccountIds ?? [],
      maxHopLimit: props.maxHopLimit,
      denyLaunchConfigurations: props.denyLaunchConfigurations ?? true,
      metadataDefaultsLock: props.metadataDefaultsLock ?? 'weakening',
      roleAdminRoleNames: props.roleAdminRoleNames ?? DEFAULT_ROLE_ADMIN_ROLE_NAMES,
      requireLaunchTemplateVersion: props.requireLaunchTemplateVersion ?? true,
    });
    const scpSize = policyCharacterCount(scp);
    if (scpSize > SCP_MAX_CHARACTERS) {
      throw new Error(`The SCP is ${scpSize} characters; AWS Organizations accepts at most ${SCP_MAX_CHARACTERS}. Use fewer exempt roles or accounts.`);
    }
    this.serviceControlPolicy = new CfnPolicy(this, 'ServiceControlPolicy', {
      name: props.policyName ?? 'imdsv2-guard-require-imdsv2',
      type: 'SERVICE_CONTROL_POLICY',
      description: 'imdsv2-guard: instances launch with IMDSv2 required and cannot opt back out to IMDSv1',
      content: scp,
      targetIds: targets('SCP', mode, props.targetIds ?? []),
    });

    const d = props.declarativePolicy;
    if (d !== undefined && (d.enabled ?? true)) {
      const dMode = checkMode(d.mode ?? mode);
      const hopLimit = d.hopLimit ?? Math.min(2, props.maxHopLimit ?? 2);
      if (props.maxHopLimit !== undefined && hopLimit > props.maxHopLimit) {
        // The default would put new instances above the limit the SCP enforces on launches.
        throw new Error(`Declarative policy hopLimit ${hopLimit} is above the SCP's maxHopLimit ${props.maxHopLimit}`);
      }
      const content = imdsv2DeclarativePolicy({
        hopLimit,
        httpTokensEnforced: d.httpTokensEnforced ?? false,
        httpEndpoint: d.httpEndpoint,
        instanceMetadataTags: d.instanceMetadataTags,
        exceptionMessage: d.exceptionMessage,
        lockForChildPolicies: d.lockForChildPolicies ?? true,
      });
      const size = policyCharacterCount(content);
      if (size > DECLARATIVE_POLICY_MAX_CHARACTERS) {
        throw new Error(`The declarative policy is ${size} characters; AWS Organizations accepts at most ${DECLARATIVE_POLICY_MAX_CHARACTERS}`);
      }
      this.declarativePolicy = new CfnPolicy(this, 'DeclarativePolicy', {
        name: d.policyName ?? 'imdsv2-guard-instance-metadata-defaults',
        type: 'DECLARATIVE_POLICY_EC2',
        description: 'imdsv2-guard: instance metadata defaults require IMDSv2 in every account and region',
        content,
        targetIds: targets('Declarative policy', dMode, d.targetIds ?? props.targetIds ?? []),
      });
    }
  }
}

// Re-exported so callers need one import for the whole guardrail API.
export type { DeclarativeSetting, MetadataDefaultsLock } from './policies';
