import { RULE_ENTRIES, type RuleId } from '../lambda/rules/catalog';

/**
 * Every IAM action each rule's Lambda calls, and nothing else: the table its role is built from,
 * read from each rule folder's `permissions.ts` through the catalog.
 */
export const RULE_ACTIONS: Readonly<Record<RuleId, readonly string[]>> = Object.fromEntries(RULE_ENTRIES.map((e) => [e.definition.id, e.actions])) as Record<
  RuleId,
  readonly string[]
>;

/**
 * The actions above that accept a resource ARN: `GetComplianceDetailsByConfigRule` takes the
 * ConfigRule ARN, so each rule may read only its own results. Every other action in the table
 * supports no resource-level permissions (Service Authorization Reference: no resource type), so
 * IAM needs `Resource: "*"` for them.
 */
export const OWN_RULE_ACTIONS: readonly string[] = ['config:GetComplianceDetailsByConfigRule'];
