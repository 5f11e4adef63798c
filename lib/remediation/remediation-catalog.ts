import { RULE_ENTRIES, type RuleId } from '../../lambda/rules/catalog';
import type { RemediationSpec } from '../../lambda/rules/common/remediation-spec';

// The specs live in each rule folder (lambda/rules/<id>/remediation.ts); the construct reads them here.
export type { Grant, GrantResource as ResourceKind, HelperFunction, RemediationSpec } from '../../lambda/rules/common/remediation-spec';

/** Each rule's remediation, by rule id, read from the catalog. */
export const REMEDIATIONS: Readonly<Record<RuleId, RemediationSpec>> = Object.fromEntries(RULE_ENTRIES.map((e) => [e.definition.id, e.remediation])) as Record<
  RuleId,
  RemediationSpec
>;

/** The helper functions' entries (folders under lambda/remediation/), in catalog order. */
export const HELPER_ENTRIES: readonly string[] = RULE_ENTRIES.flatMap((e) => (e.remediation.helper ? [e.remediation.helper.entry] : []));
