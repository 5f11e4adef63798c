import { RULE_ENTRIES, type RuleId, type RuleParameters } from '../../lambda/rules/catalog';
import { CONNECTION_OPTIONS, integer, MAX_CONCURRENCY, nonEmpty, parseOptions, REGIONS_OPTION, sharedArgs, stringValue, TARGET_OPTIONS, type Options, type SharedArgs } from '../common/args';
import { UsageError } from './errors';
import { parseRuleFlags, RULE_FLAGS, type RuleFlagValues } from './rule-flags';

export const FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Each rule's parameters by rule id, validated by the kit exactly as the Lambda validates them. */
export type ScanParameters = { readonly [Id in RuleId]: RuleParameters<Id> };

export interface ScanArgs extends SharedArgs<Format> {
  /** List every resource, not only the ones that need work. */
  readonly all: boolean;
  readonly ownerTag: string;
  readonly usage: boolean;
  readonly usageDays: number;
  /** undefined: automatic (bar on a TTY, lines otherwise); false: none. */
  readonly progress?: false;
  /** The raw rule flags, kept for the report header. */
  readonly ruleFlags: RuleFlagValues;
  readonly parameters: ScanParameters;
}

export const DEFAULTS = {
  concurrency: 8,
  maxAttempts: 6,
  format: 'table' as Format,
  ownerTag: 'Owner',
  usageDays: 14,
};

/** CloudWatch keeps hourly data for 455 days: the longest window a MetadataNoToken sum can cover. */
export const MAX_USAGE_DAYS = 455;

/** Account × region targets in flight at most (each runs every rule at once). */
export { MAX_CONCURRENCY };

function options(): Options {
  const o: Options = {
    ...CONNECTION_OPTIONS,
    ...REGIONS_OPTION,
    ...TARGET_OPTIONS,
    all: { type: 'boolean' },
    'owner-tag': { type: 'string' },
    usage: { type: 'boolean' },
    'usage-days': { type: 'string' },
    'no-progress': { type: 'boolean' },
  };
  for (const f of RULE_FLAGS) {
    if (f.kind === 'boolean') {
      o[f.flag] = { type: 'boolean' };
      o[`no-${f.flag}`] = { type: 'boolean' };
    } else {
      o[f.flag] = { type: 'string' };
    }
  }
  return o;
}

/** Parses `scan`'s arguments (without the command word). Throws UsageError on anything wrong. */
export function parseScanArgs(argv: readonly string[]): ScanArgs {
  const v = parseOptions(argv, options());
  const str = (k: string) => stringValue(v, k);
  const { rest, ...shared } = sharedArgs(v, FORMATS, DEFAULTS, () => {
    const ruleFlags: Record<string, string | boolean | undefined> = {};
    for (const f of RULE_FLAGS) {
      if (f.kind === 'boolean') {
        const on = v[f.flag] === true;
        const off = v[`no-${f.flag}`] === true;
        if (on && off) throw new UsageError(`--${f.flag} and --no-${f.flag} contradict each other`);
        ruleFlags[f.flag] = on ? 'true' : off ? 'false' : undefined;
      } else {
        ruleFlags[f.flag] = nonEmpty(f.flag, str(f.flag));
      }
    }
    const usageDays = integer('usage-days', str('usage-days'), DEFAULTS.usageDays, 1, MAX_USAGE_DAYS);
    if (str('usage-days') !== undefined && v.usage !== true) throw new UsageError('--usage-days only applies with --usage');
    return { ruleFlags, usageDays };
  });
  const { ruleFlags, usageDays } = rest;

  return {
    ...shared,
    all: v.all === true,
    ownerTag: nonEmpty('owner-tag', str('owner-tag')) ?? DEFAULTS.ownerTag,
    usage: v.usage === true,
    usageDays,
    progress: v['no-progress'] === true ? false : undefined,
    ruleFlags,
    parameters: Object.fromEntries(RULE_ENTRIES.map((e) => [e.definition.id, parseRuleFlags(e.definition, ruleFlags)])) as ScanParameters,
  };
}
