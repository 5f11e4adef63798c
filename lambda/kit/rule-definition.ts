import type { ParameterSchema } from './parameters';

/**
 * What a rule is, as data: the single source for its id, scope and parameters. The Lambda handler,
 * the CDK construct, the scanner and the documentation all read this; none of it imports the SDK.
 */
export interface RuleDefinition<P, Id extends string = string> {
  /** The check id used everywhere (Lambda folder, Config rule name, SSM document, tests). */
  readonly id: Id;
  /** The AWS Config resource type the rule evaluates (`AWS::::Account` for account-level rules). */
  readonly resourceType: string;
  /** Security Hub controls this rule mirrors, e.g. `EC2.8`; empty when nothing managed covers it. */
  readonly controls: readonly string[];
  /** The AWS managed Config rule it parallels, if any. */
  readonly managedRule?: string;
  /** A non-AWS peer check, if any (e.g. a Prowler check id). */
  readonly peer?: string;
  /** One-line description; the Config rule's description is `<controls>: <summary>`. */
  readonly summary: string;
  /** Whether the rule is triggered by configuration changes (else periodic only). */
  readonly changeTriggered: boolean;
  readonly parameters: ParameterSchema<P>;
}

/**
 * The Config rule description: begins with the Security Hub control ids it mirrors so findings read
 * naturally in Security Hub; rules no managed control covers say so instead.
 */
export function ruleDescription(def: RuleDefinition<unknown>): string {
  const prefix = def.controls.length > 0 ? def.controls.join('/') : 'No Security Hub control (imdsv2-guard)';
  return `${prefix}: ${def.summary}`;
}

/**
 * The AWS Config rule name a deployment gives a rule: `<prefix><id>`, followed by `-<control id>`
 * for each Security Hub control with `controlIdsInName` (the StackSet member template always does
 * this). The CDK construct names rules with it and `doctor` looks them up by it.
 */
export function configRuleName(def: Pick<RuleDefinition<unknown>, 'id' | 'controls'>, prefix: string, controlIdsInName: boolean): string {
  return [`${prefix}${def.id}`, ...(controlIdsInName ? def.controls : [])].join('-');
}
