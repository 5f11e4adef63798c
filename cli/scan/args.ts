import { parseArgs, type ParseArgsConfig } from 'node:util';
import { accountDefaultsRule, type AccountDefaultsParameters } from '../../lambda/rules/imdsv2-account-defaults/definition';
import { autoScalingGroupRule, type AutoScalingGroupParameters } from '../../lambda/rules/imdsv2-auto-scaling-group/definition';
import { instanceRule, type InstanceParameters } from '../../lambda/rules/imdsv2-instance/definition';
import { launchConfigurationRule, type LaunchConfigurationParameters } from '../../lambda/rules/imdsv2-launch-configuration/definition';
import { launchTemplateRule, type LaunchTemplateParameters } from '../../lambda/rules/imdsv2-launch-template/definition';
import { parseTargetSelection, TargetSelectionError, type TargetSelection } from '../org/targets';
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

export interface ScanArgs {
  readonly help: boolean;
  readonly profile?: string;
  /** Regions named with --region; empty means the configured default region. */
  readonly regions: readonly string[];
  /** `--region all`: every region enabled in the account. */
  readonly allRegions: boolean;
  readonly endpointUrl?: string;
  /** Accounts to scan: the caller's own (default), --org, or --account ids, with --role-name / --external-id. */
  readonly selection: TargetSelection;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly format: Format;
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
export const MAX_CONCURRENCY = 64;

export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

type Options = NonNullable<ParseArgsConfig['options']>;

function options(): Options {
  const o: Options = {
    help: { type: 'boolean', short: 'h' },
    profile: { type: 'string' },
    region: { type: 'string', multiple: true },
    'endpoint-url': { type: 'string' },
    org: { type: 'boolean' },
    account: { type: 'string', multiple: true },
    'role-name': { type: 'string' },
    'external-id': { type: 'string' },
    concurrency: { type: 'string' },
    'max-attempts': { type: 'string' },
    format: { type: 'string' },
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

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(text);
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`--${name}: needs a value`);
  return raw.trim();
}

/** The node:util parser's messages name Node's own syntax; say it in ours. */
export function rephrase(e: { code?: string; message: string }): UsageError {
  const option = /'(-[^']*)'/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${option ?? ''}`.trim());
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(option ? `${option.split(' ')[0]} ${/needs? a value|argument missing/i.test(e.message) ? 'needs a value' : 'takes no value'}` : e.message);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`.trim());
    default:
      return new UsageError(e.message);
  }
}

/** Parses `scan`'s arguments (without the command word). Throws UsageError on anything wrong. */
export function parseScanArgs(argv: readonly string[]): ScanArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: options(), strict: true, allowPositionals: false });
  } catch (e) {
    throw rephrase(e as { code?: string; message: string });
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const str = (k: string) => v[k] as string | undefined;

  const rawRegions = ((v.region as string[] | undefined) ?? []).flatMap((r) => r.split(',')).map((r) => r.trim().toLowerCase());
  const allRegions = rawRegions.includes('all');
  if (allRegions && rawRegions.length > 1) throw new UsageError('--region all already covers every enabled region: do not combine it with other regions');
  for (const r of rawRegions) {
    if (r !== 'all' && !REGION.test(r)) throw new UsageError(`--region: "${r}" is not a region name (e.g. us-east-1), nor "all"`);
  }

  const format = (str('format') ?? DEFAULTS.format).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got "${str('format')}"`);

  const endpointUrl = nonEmpty('endpoint-url', str('endpoint-url'));
  if (endpointUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpointUrl);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`--endpoint-url: expected an http(s) URL, got "${endpointUrl}"`);
  }

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

  let selection: TargetSelection;
  try {
    selection = parseTargetSelection({
      org: v.org === true,
      accounts: (v.account as string[] | undefined) ?? [],
      roleName: str('role-name'),
      externalId: str('external-id'),
    });
  } catch (e) {
    if (e instanceof TargetSelectionError) throw new UsageError(e.message, { cause: e });
    throw e;
  }

  return {
    help: v.help === true,
    selection,
    profile: nonEmpty('profile', str('profile')),
    regions: allRegions ? [] : [...new Set(rawRegions)],
    allRegions,
    endpointUrl,
    concurrency: integer('concurrency', str('concurrency'), DEFAULTS.concurrency, 1, MAX_CONCURRENCY),
    maxAttempts: integer('max-attempts', str('max-attempts'), DEFAULTS.maxAttempts, 1, 20),
    format: format as Format,
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
