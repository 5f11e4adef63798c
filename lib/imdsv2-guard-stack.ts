import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RULE_IDS, RULES, type RuleId, type RuleParameters } from '../lambda/rules/catalog';
import { Imdsv2Rule, type Imdsv2RuleOptions } from './imdsv2-rule';
import { Imdsv2Remediations, type Imdsv2RemediationsSettings, type RemediationOverrides } from './remediation';

/** Parameters per rule id, typed by each rule's own parameters interface (from the catalog). */
export type Imdsv2RuleParameters = { readonly [Id in RuleId]?: Partial<RuleParameters<Id>> };

export interface Imdsv2GuardStackProps extends StackProps, Imdsv2RuleOptions {
  /**
   * Which rules to deploy.
   * @default - all five (RULE_IDS)
   */
  readonly rules?: readonly RuleId[];
  /**
   * Rule parameters by rule id; only for deployed rules.
   * @default - none: every rule uses its documented defaults
   */
  readonly parameters?: Imdsv2RuleParameters;
  /**
   * SSM Automation remediation for the deployed rules (opt-in).
   * @default - none: no documents, roles or remediation configurations
   */
  readonly remediation?: Imdsv2RemediationsSettings;
}

/**
 * The imdsv2-guard detection stack: one AWS Config custom rule per selected check. It is
 * environment-agnostic (no account or region is looked up), so the same template can later be
 * packaged for StackSets; pass a `synthesizer` through the standard StackProps for that.
 */
export class Imdsv2GuardStack extends Stack {
  /** The deployed rules by id. */
  public readonly rules: Readonly<Partial<Record<RuleId, Imdsv2Rule>>>;
  /** The remediation documents and their wiring, when enabled. */
  public readonly remediation?: Imdsv2Remediations;

  constructor(scope: Construct, id: string, props: Imdsv2GuardStackProps = {}) {
    super(scope, id, props);
    const selected = props.rules ?? RULE_IDS;
    const unknown = selected.filter((r) => !(RULE_IDS as readonly string[]).includes(r));
    if (unknown.length > 0) throw new Error(`Unknown rule id(s) ${unknown.join(', ')}; known: ${RULE_IDS.join(', ')}`);
    if (selected.length === 0) throw new Error('Select at least one rule to deploy');
    // Parameters for a rule that is not deployed are almost certainly a typo or a mistake.
    const orphans = Object.keys(props.parameters ?? {}).filter((r) => !selected.includes(r as RuleId));
    if (orphans.length > 0) throw new Error(`Parameters given for rule(s) not deployed: ${orphans.join(', ')}`);

    const rules: Partial<Record<RuleId, Imdsv2Rule>> = {};
    for (const definition of RULES) {
      const ruleId = definition.id as RuleId;
      if (!selected.includes(ruleId)) continue;
      rules[ruleId] = new Imdsv2Rule(this, ruleId, {
        ...ruleOptions(props),
        definition,
        parameters: props.parameters?.[ruleId],
      });
    }
    this.rules = rules;
    if (props.remediation) {
      this.remediation = new Imdsv2Remediations(this, 'Remediation', {
        documentNamePrefix: props.ruleNamePrefix,
        runtime: props.runtime,
        architecture: props.architecture,
        memorySize: props.memorySize,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        projectRoot: props.projectRoot,
        ...props.remediation,
        overrides: withRuleHopLimits(props, rules, props.remediation.overrides),
        rules,
      });
    }
  }
}

/**
 * Each remediation's hop-limit cap is its rule's `maxHopLimit` (given, or the rule's default, e.g. 1 for
 * launch configurations), so a remediation cannot leave what its rule would report. An explicit
 * override, or the shared setting, wins.
 */
function withRuleHopLimits(
  props: Imdsv2GuardStackProps,
  rules: Partial<Record<RuleId, Imdsv2Rule>>,
  overrides: Imdsv2RemediationsSettings['overrides'],
): Imdsv2RemediationsSettings['overrides'] {
  const out: Record<string, RemediationOverrides> = { ...(overrides ?? {}) };
  for (const definition of RULES) {
    const ruleId = definition.id as RuleId;
    if (!rules[ruleId]) continue;
    const given = (props.parameters?.[ruleId] as { maxHopLimit?: unknown } | undefined)?.maxHopLimit;
    const spec = (definition.parameters as Record<string, { defaultValue?: unknown }> | undefined)?.maxHopLimit;
    const hop = typeof given === 'number' ? given : typeof spec?.defaultValue === 'number' ? spec.defaultValue : undefined;
    if (hop === undefined || out[ruleId]?.maxHopLimit !== undefined || props.remediation?.maxHopLimit !== undefined) continue;
    out[ruleId] = { ...out[ruleId], maxHopLimit: hop };
  }
  return out;
}

/** Only the rule settings out of the stack props (StackProps such as `env` are not a rule's). */
function ruleOptions(p: Imdsv2RuleOptions): Imdsv2RuleOptions {
  return {
    maximumExecutionFrequency: p.maximumExecutionFrequency,
    ruleNamePrefix: p.ruleNamePrefix,
    controlIdsInName: p.controlIdsInName,
    runtime: p.runtime,
    architecture: p.architecture,
    memorySize: p.memorySize,
    timeout: p.timeout,
    logRetention: p.logRetention,
    logLevel: p.logLevel,
    projectRoot: p.projectRoot,
  };
}
