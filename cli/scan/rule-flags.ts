import { InvalidParameterError } from '../../lambda/kit/errors';
import { parseParameters, type ParameterSpec } from '../../lambda/kit/parameters';
import type { RuleDefinition } from '../../lambda/kit/rule-definition';
import { RULES } from '../../lambda/rules/catalog';
import { UsageError } from './errors';

/**
 * Scan flags for rule parameters, derived from the rule definitions themselves, so the scan can
 * never offer a parameter the rules do not have, nor read one differently: `maxHopLimit` becomes
 * `--max-hop-limit`, and its value is validated by the same `parseParameters` the Lambda runs.
 */
export interface RuleFlag {
  /** Flag name without dashes, e.g. `max-hop-limit`. */
  readonly flag: string;
  /** The rule parameter it sets, e.g. `maxHopLimit`. */
  readonly parameter: string;
  readonly kind: ParameterSpec<unknown>['kind'];
  readonly description: string;
  readonly allowed?: readonly string[];
  /** Ids of the rules that take the parameter. */
  readonly rules: readonly string[];
  /** Each rule's default (undefined: not set). */
  readonly defaults: ReadonlyMap<string, unknown>;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function collect(rules: ReadonlyArray<RuleDefinition<any>>): RuleFlag[] {
  const byName = new Map<string, { spec: ParameterSpec<unknown>; rules: string[]; defaults: Map<string, unknown> }>();
  const entryFor = (name: string, spec: ParameterSpec<unknown>) => byName.get(name) ?? { spec, rules: [] as string[], defaults: new Map<string, unknown>() };
  for (const rule of rules) {
    for (const [name, spec] of Object.entries(rule.parameters) as Array<[string, ParameterSpec<unknown>]>) {
      const entry = entryFor(name, spec);
      entry.rules.push(rule.id);
      entry.defaults.set(rule.id, spec.defaultValue);
      byName.set(name, entry);
    }
  }
  return [...byName.entries()].map(([parameter, e]) => ({
    flag: kebab(parameter),
    parameter,
    kind: e.spec.kind,
    description: e.spec.description,
    allowed: e.spec.allowed,
    rules: e.rules,
    defaults: e.defaults,
  }));
}

export const RULE_FLAGS: readonly RuleFlag[] = collect(RULES);

/** Raw flag values as the argument parser returns them (booleans from `--x` / `--no-x`). */
export type RuleFlagValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * The `ruleParameters` object a rule would receive for these flags: only the parameters the rule
 * has, as strings, exactly as AWS Config passes InputParameters.
 */
export function ruleParameterInput(ruleId: string, values: RuleFlagValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of RULE_FLAGS) {
    if (!f.rules.includes(ruleId)) continue;
    const v = values[f.flag];
    if (v !== undefined) out[f.parameter] = String(v);
  }
  return out;
}

/** Validates the flags for one rule with the kit's own parser; a bad value is a usage error naming the flag. */
export function parseRuleFlags<P>(definition: RuleDefinition<P>, values: RuleFlagValues): P {
  try {
    return parseParameters(definition.parameters, ruleParameterInput(definition.id, values));
  } catch (e) {
    if (e instanceof InvalidParameterError) {
      const prefix = `Rule parameter "${e.parameter}": `;
      const reason = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      throw new UsageError(`--${kebab(e.parameter)}: ${reason}`, { cause: e });
    }
    throw e;
  }
}
