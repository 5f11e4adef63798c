import { InvalidParameterError } from '../../lambda/kit/errors';
import { parseParameters, type ParameterSpec } from '../../lambda/kit/parameters';
import type { RuleDefinition } from '../../lambda/kit/rule-definition';

/**
 * How the member template turns each rule's parameter schema (lambda/rules/<id>/definition.ts) into
 * CloudFormation parameters: names, console constraints and defaults. Everything here is derived
 * from the schema, so a parameter added to a rule appears in the template without further edits;
 * a kind the template cannot constrain fails synth instead of being left unchecked.
 */

/** Template parameter: the S3 bucket name prefix; the bucket read in each region is `<prefix>-<region>`. */
export const ASSET_BUCKET_PREFIX = 'AssetBucketPrefix';
/** Template parameter: the periodic sweep frequency of every rule. */
export const FREQUENCY = 'MaximumExecutionFrequency';
/** Template parameter: None, Manual or Automatic remediation of every enabled rule (see the member stack). */
export const REMEDIATION_MODE = 'RemediationMode';
export const REMEDIATION_MODES = ['None', 'Manual', 'Automatic'] as const;

/**
 * Bucket names are 3-63 lowercase letters, digits, `.` and `-`. The prefix has no dots (an HTTPS
 * virtual-hosted URL, such as the StackSet's TemplateURL, cannot hold a dotted bucket name) and at
 * most 47 characters, leaving room for `-` and the longest region name.
 */
export const ASSET_BUCKET_PREFIX_PATTERN = '^[a-z0-9][a-z0-9-]{2,46}$';

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `imdsv2-launch-template` → `LaunchTemplate`: a rule's part of parameter and condition names. */
export function ruleKey(ruleId: string): string {
  return ruleId.replace(/^imdsv2-/, '').split('-').map(capitalise).join('');
}

/** `EnableLaunchTemplateRule`: Yes/No, whether the rule's resources are created. */
export function enableParameterName(ruleId: string): string {
  return `Enable${ruleKey(ruleId)}Rule`;
}

/** `LaunchTemplateMaxHopLimit`: the CloudFormation parameter carrying one rule parameter. */
export function ruleParameterName(ruleId: string, parameter: string): string {
  return `${ruleKey(ruleId)}${capitalise(parameter)}`;
}

/**
 * String parameters carry their pattern inside the Lambda's parser, out of reach; each is written
 * here in Java regex syntax (CloudFormation's) and test/stackset checks it against the parser.
 */
const STRING_PATTERNS: Readonly<Record<string, { readonly pattern: string; readonly description: string }>> = {
  exemptionTagKey: {
    pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,128}$',
    description: 'a tag key of at most 128 letters, digits, spaces and _.:/=+-@',
  },
};

export interface ParameterConstraints {
  readonly allowedValues?: string[];
  readonly allowedPattern?: string;
  readonly constraintDescription: string;
}

/**
 * The CloudFormation constraints of one rule parameter. Every parameter also accepts the empty
 * string, which means "not set": the Lambda then applies the rule's default.
 */
export function constraintsFor(name: string, spec: ParameterSpec<unknown>): ParameterConstraints {
  const orEmpty = spec.defaultValue === undefined ? 'or empty to leave it unset' : 'or empty for the rule default';
  switch (spec.kind) {
    case 'boolean':
      return { allowedValues: ['', 'true', 'false'], constraintDescription: `true or false, ${orEmpty}` };
    case 'list': {
      if (!spec.allowed || spec.allowed.length === 0) throw new Error(`${name}: a list parameter needs its allowed values`);
      const item = `(${spec.allowed.map(escapeRegex).join('|')})`;
      return {
        allowedPattern: `^(|${item}(,${item})*)$`,
        constraintDescription: `a comma-separated list of ${spec.allowed.join(', ')}, ${orEmpty}`,
      };
    }
    case 'integer': {
      const [min, max] = integerRange(name, spec);
      return { allowedPattern: `^(|${rangeAlternatives(min, max)})$`, constraintDescription: `an integer from ${min} to ${max}, ${orEmpty}` };
    }
    case 'string': {
      const known = STRING_PATTERNS[name];
      if (!known) throw new Error(`${name}: string parameter with no CloudFormation AllowedPattern; add one to lib/stackset/member-parameters.ts`);
      return { allowedPattern: known.pattern, constraintDescription: `${known.description}, ${orEmpty}` };
    }
  }
}

/** What the empty value means, for the parameter's description. */
export function emptyMeaning(spec: ParameterSpec<unknown>): string {
  if (spec.defaultValue === undefined) return 'Empty: not set, that check is off.';
  return `Empty: the rule default (${formatValue(spec.defaultValue)}).`;
}

/**
 * Default values of the template parameters for one rule, from the CDK context's
 * `imdsv2-guard:parameters` (validated with the rule's own schema, as the Lambda would), as the
 * strings AWS Config passes: lists comma-joined. Parameters not given default to the empty string.
 */
export function parameterDefaults(def: RuleDefinition<unknown>, given: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  if (!given) return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = parseParameters(def.parameters, given) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InvalidParameterError) throw new Error(`${def.id}: ${e.message}`, { cause: e });
    throw e;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || value === null || value === '') continue;
    out[name] = formatValue(parsed[name]);
  }
  return out;
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PROBE_LIMIT = 1000;

/**
 * The accepted range of an integer parameter, read off its parser: the first run of accepted
 * values in 0..1000. A range that reaches the probe limit, or has holes, cannot be written as a
 * pattern this way and fails synth.
 */
function integerRange(name: string, spec: ParameterSpec<unknown>): [number, number] {
  const accepts = (n: number): boolean => {
    try {
      spec.parse(String(n));
      return true;
    } catch {
      return false;
    }
  };
  let min = 0;
  while (min <= PROBE_LIMIT && !accepts(min)) min++;
  let max = min;
  while (max + 1 <= PROBE_LIMIT && accepts(max + 1)) max++;
  if (min > PROBE_LIMIT || max >= PROBE_LIMIT || accepts(-1)) {
    throw new Error(`${name}: cannot derive a CloudFormation pattern for this integer range; extend lib/stackset/member-parameters.ts`);
  }
  for (let n = max + 1; n <= PROBE_LIMIT; n++) {
    if (accepts(n)) throw new Error(`${name}: accepts ${n} beyond ${min}-${max}; its range has holes`);
  }
  return [min, max];
}

/** A regex alternation matching exactly the decimal integers min..max (no sign, no leading zero). */
export function rangeAlternatives(min: number, max: number): string {
  const parts: string[] = [];
  for (let n = min; n <= max; ) {
    const decade = Math.floor(n / 10);
    const end = Math.min(max, decade * 10 + 9);
    const prefix = decade === 0 ? '' : String(decade);
    const lo = n % 10;
    const hi = end % 10;
    parts.push(lo === hi ? `${prefix}${lo}` : `${prefix}[${lo}-${hi}]`);
    n = end + 1;
  }
  return parts.join('|');
}
