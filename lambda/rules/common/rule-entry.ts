import type { RuleDefinition } from '../../kit/rule-definition';
import type { AccountRule, ResourceRule } from '../../kit/rule-module';
import type { RemediationSpec } from './remediation-spec';
import type { Facts } from './scan-facts';

/**
 * How the scanner lists and labels a resource rule's subjects. `rule` is loaded on first use: the
 * CDK app and the help read the catalog without evaluating the rule's SDK code.
 */
export interface ResourceScan<P, S, Kind extends string = string> {
  readonly scope: 'resource';
  /** The report's resource kind (one per rule), e.g. `launch-template`. */
  readonly kind: Kind;
  /** The kind in words, singular, e.g. `launch template`. */
  readonly label: string;
  readonly rule: () => ResourceRule<P, S>;
  /** The report's facts of one subject; `ownerTag` is the tag key that names an owner. */
  readonly facts: (subject: S, ownerTag: string) => Facts;
}

/** How the scanner reads an account-level rule's single subject per account and region. */
export interface AccountScan<P, S, Kind extends string = string> {
  readonly scope: 'account';
  readonly kind: Kind;
  readonly label: string;
  readonly rule: () => AccountRule<P, S>;
  /** The report's name for the subject, e.g. `instance metadata defaults`. */
  readonly name: string;
  /** The AWS call that reads the subject: named when it fails. */
  readonly readAction: string;
  readonly facts: (subject: S) => Pick<Facts, 'hopLimit'>;
}

/**
 * Everything about one rule, as its folder exports it (`lambda/rules/<id>/rule-entry.ts`): the
 * catalog lists these, and the CDK constructs, the StackSet template, the scanner, its help and its
 * flags derive from them. Handlers never import an entry, so the bundles carry none of it.
 */
export interface RuleEntry<P, Id extends string = string, Kind extends string = string> {
  readonly definition: RuleDefinition<P, Id>;
  /** Every IAM action the rule's function calls, and nothing else: its role is built from this list. */
  readonly actions: readonly string[];
  // `any` erases the subject type, which only the rule's own code and facts see.
  readonly scan: ResourceScan<P, any, Kind> | AccountScan<P, any, Kind>;
  readonly remediation: RemediationSpec;
}
