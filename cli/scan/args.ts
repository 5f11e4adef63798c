import { accountDefaultsRule, type AccountDefaultsParameters } from '../../lambda/rules/imdsv2-account-defaults/definition';
import { autoScalingGroupRule, type AutoScalingGroupParameters } from '../../lambda/rules/imdsv2-auto-scaling-group/definition';
import { instanceRule, type InstanceParameters } from '../../lambda/rules/imdsv2-instance/definition';
import { launchConfigurationRule, type LaunchConfigurationParameters } from '../../lambda/rules/imdsv2-launch-configuration/definition';
import { launchTemplateRule, type LaunchTemplateParameters } from '../../lambda/rules/imdsv2-launch-template/definition';
import { CONNECTION_OPTIONS, integer, MAX_CONCURRENCY, nonEmpty, parseOptions, REGIONS_OPTION, sharedArgs, stringValue, TARGET_OPTIONS, type Options, type SharedArgs } from '../common/args';
import { UsageError } from './errors';
import { parseRuleFlags, RULE_FLAGS, type RuleFlagValues } from './rule-flags';

export const FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Each rule's parameters, validated by the kit exactly as the Lambda validates them. */
export interface ScanParameters {
  readonly instance: InstanceParameters;
  readonly launchTemplate: LaunchTemplateParameters;
  readonly launchConfiguration: LaunchConfigurationParameters;
  readonly autoScalingGroup: AutoScalingGroupParameters;
  readonly accountDefaults: AccountDefaultsParameters;
}

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

/** Account × region targets in flight at most (each runs five rules at once). */
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
    parameters: {
      instance: parseRuleFlags(instanceRule, ruleFlags),
      launchTemplate: parseRuleFlags(launchTemplateRule, ruleFlags),
      launchConfiguration: parseRuleFlags(launchConfigurationRule, ruleFlags),
      autoScalingGroup: parseRuleFlags(autoScalingGroupRule, ruleFlags),
      accountDefaults: parseRuleFlags(accountDefaultsRule, ruleFlags),
    },
  };
}
