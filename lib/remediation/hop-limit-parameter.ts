import { Fn, type CfnCondition, type CfnParameter } from 'aws-cdk-lib';
import { capHopLimit, type DocumentContent } from './document-content';

/**
 * A remediation's hop-limit cap chosen by a template parameter (the StackSet member template's
 * `<Rule>MaxHopLimit`), instead of a number known at synth.
 */
export interface HopLimitParameter {
  /** The parameter: empty, or an integer 1-64. */
  readonly parameter: CfnParameter;
  /** True where the parameter is not empty. */
  readonly set: CfnCondition;
  /** The cap where it is empty: the rule's default maximum, or 64 (EC2's own) when the rule has none. */
  readonly whenUnset: number;
}

/** `Fn::If [<Set>, Ref <Parameter>, "<whenUnset>"]`: the cap as a string, for IAM conditions and environment variables. */
export function hopLimitExpression(cap: HopLimitParameter): string {
  return Fn.conditionIf(cap.set.logicalId, cap.parameter.valueAsString, String(cap.whenUnset)).toString();
}

// Stands for the cap while the document is serialized; never a hop limit, nor in any document.
const SENTINEL = 987_654_321;

/**
 * The document, capped by `cap` (an expression resolving to "1"-"64"), as JSON text. The cap must
 * reach the document as a number (`NumericGreater` of a branch, the hop limit a lowering step
 * sends), which a CloudFormation expression inside a JSON object cannot give (it resolves to a
 * string), so the document is written as text and the expression spliced in where the number goes.
 *
 * The hop-limit parameter's allowed values stay 0-64 here: CloudFormation has no function that
 * filters a list by a parameter value, and a `Fn::FindInMap` keyed by a parameter that may be empty
 * is reported to fail even inside the `Fn::If` branch not taken (aws-cloudformation-templates#271;
 * its `DefaultValue` form is refused by cfn-lint without the LanguageExtensions transform). A run
 * given a value above the cap still fails: the roles' conditions refuse the call, and the helper
 * functions refuse values above their `IMDSV2_GUARD_MAX_HOP_LIMIT`.
 */
export function documentTextCappedBy(doc: DocumentContent, cap: string): string {
  if (JSON.stringify(doc).includes(String(SENTINEL))) throw new Error(`the document already holds ${SENTINEL}, which stands for the hop limit cap`);
  const text = JSON.stringify(capHopLimit(doc, SENTINEL));
  return text.split(String(SENTINEL)).join(cap);
}
