import type { CfnCondition } from 'aws-cdk-lib';
import type { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES, REMEDIATIONS } from './remediation-catalog';
import type { StaticParameterValue } from './document-content';
import type { HopLimitParameter } from './hop-limit-parameter';
import { Imdsv2Remediation, type Imdsv2RemediationOptions, type RemediationMode } from './imdsv2-remediation';

/** Per-rule settings that override the shared ones. */
export interface RemediationOverrides {
  readonly mode?: RemediationMode;
  /** Static values for the document's parameters (e.g. `{ LookbackDays: 30 }` for imdsv2-instance). */
  readonly parameters?: Readonly<Record<string, StaticParameterValue>>;
  /**
   * Set on every CloudFormation resource of this rule's remediation, instead of the shared `condition`.
   * @default - the shared `condition`
   */
  readonly condition?: CfnCondition;
  /**
   * This rule's remediation hop-limit cap (see Imdsv2RemediationOptions.maxHopLimit).
   * @default - the shared `maxHopLimit`
   */
  readonly maxHopLimit?: number | HopLimitParameter;
}

export interface Imdsv2RemediationsProps extends Imdsv2RemediationOptions {
  /**
   * The deployed rules, keyed by rule id: `Imdsv2GuardStack.rules` fits as is. One remediation is
   * made per rule given.
   */
  readonly rules: Readonly<Partial<Record<RuleId, { readonly configRule: CfnConfigRule }>>>;
  /**
   * Settings for single rules.
   * @default - the shared settings for every rule
   */
  readonly overrides?: Readonly<Partial<Record<RuleId, RemediationOverrides>>>;
  /**
   * Code of the helper functions, keyed by helper entry (the folder under lambda/remediation/,
   * e.g. `imdsv1-usage-gate`): a zip with the bundle as `index.js`, such as
   * `Code.fromBucket(bucket, key)`. Helpers not listed are bundled from source as CDK assets.
   * @default - every helper is bundled from source
   */
  readonly helperCode?: Readonly<Partial<Record<string, Code>>>;
}

/** Everything but the rules: what a stack takes as its `remediation` setting. */
export type Imdsv2RemediationsSettings = Omit<Imdsv2RemediationsProps, 'rules'>;

/** The remediations of every deployed rule, with shared settings (opt-in: add it to the stack). */
export class Imdsv2Remediations extends Construct {
  public readonly remediations: Readonly<Partial<Record<RuleId, Imdsv2Remediation>>>;

  constructor(scope: Construct, id: string, props: Imdsv2RemediationsProps) {
    super(scope, id);
    const { rules, overrides, helperCode, ...shared } = props;
    const stray = Object.keys(overrides ?? {}).filter((r) => !rules[r as RuleId]);
    if (stray.length > 0) throw new Error(`Remediation overrides for rule(s) not deployed: ${stray.join(', ')}`);
    const unknownHelpers = Object.keys(helperCode ?? {}).filter((e) => !HELPER_ENTRIES.includes(e));
    if (unknownHelpers.length > 0) throw new Error(`helperCode for unknown helper(s) ${unknownHelpers.join(', ')}; known: ${HELPER_ENTRIES.join(', ')}`);
    const out: Partial<Record<RuleId, Imdsv2Remediation>> = {};
    for (const ruleId of RULE_IDS) {
      const rule = rules[ruleId];
      if (!rule) continue;
      const o = overrides?.[ruleId];
      out[ruleId] = new Imdsv2Remediation(this, ruleId, {
        ...shared,
        ruleId,
        configRule: rule.configRule,
        mode: o?.mode ?? shared.mode,
        parameters: o?.parameters,
        condition: o?.condition ?? shared.condition,
        maxHopLimit: o?.maxHopLimit ?? shared.maxHopLimit,
        code: REMEDIATIONS[ruleId].helper ? helperCode?.[REMEDIATIONS[ruleId].helper!.entry] : undefined,
      });
    }
    this.remediations = out;
  }
}
