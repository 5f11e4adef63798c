import { RULE_ENTRIES, type RuleId } from '../../lambda/rules/catalog';
import type { Grant } from '../../lambda/rules/common/remediation-spec';

/**
 * The fixed names of the remediation roles, so the guardrails can name them (their SCP exempts the
 * account-defaults role from the `all` defaults lock and protects the whole prefix from being created
 * by anyone else). The region is part of each name: IAM is global, and the StackSet puts one stack per
 * region into every account. `<prefix><rule>-<region>` for the role Automation assumes,
 * `<prefix><rule>-fn-<region>` for a helper function's role; at most 63 characters with the longest
 * region names (14 characters), under IAM's 64.
 */
export const REMEDIATION_ROLE_PREFIX = 'imdsv2-guard-remediation-';

export type RemediationRoleKind = 'automation' | 'function';

/** The rule id without its `imdsv2-` prefix: `imdsv2-account-defaults` → `account-defaults`. */
const short = (ruleId: RuleId): string => ruleId.replace(/^imdsv2-/, '');

/** The role's name in `region` (a token such as `Aws.REGION` in a template). */
export function remediationRoleName(ruleId: RuleId, kind: RemediationRoleKind, region: string): string {
  return `${REMEDIATION_ROLE_PREFIX}${short(ruleId)}${kind === 'function' ? '-fn' : ''}-${region}`;
}

/** The role's name in any region: what an `aws:PrincipalArn` pattern names. */
export function remediationRoleNamePattern(ruleId: RuleId, kind: RemediationRoleKind): string {
  return remediationRoleName(ruleId, kind, '*');
}

/** Whether the grants allow changing the account's IMDS defaults. */
const setsAccountDefaults = (grants: readonly Grant[]): boolean =>
  grants.some((g) => (g.effect ?? 'Allow') === 'Allow' && g.actions.includes('ec2:ModifyInstanceMetadataDefaults'));

/**
 * The role names that must be exempt from a "deny every ModifyInstanceMetadataDefaults" lock: every
 * remediation role allowed to call it (today the account-defaults document's), read from the catalog.
 */
export const HARDENING_ROLE_NAME_PATTERNS: readonly string[] = RULE_ENTRIES.flatMap(({ definition, remediation }) => [
  ...(setsAccountDefaults(remediation.grants) ? [remediationRoleNamePattern(definition.id, 'automation')] : []),
  ...(remediation.helper && setsAccountDefaults(remediation.helper.grants) ? [remediationRoleNamePattern(definition.id, 'function')] : []),
]);

/** The longest region name AWS has used so far (ap-southeast-5, ap-northeast-3, ...). */
export const LONGEST_REGION = 14;
