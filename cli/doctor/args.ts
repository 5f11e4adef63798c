import { parseArgs } from 'node:util';
import type { RuleDefinition } from '../../lambda/kit/rule-definition';
import { RULES } from '../../lambda/rules/catalog';
import { REGION, rephrase } from '../scan/args';
import { parseTargetSelection, TargetSelectionError, type TargetSelection } from '../org/targets';
import { UsageError } from '../scan/errors';

export const DOCTOR_FORMATS = ['table', 'json'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

export interface DoctorArgs {
  readonly help: boolean;
  readonly profile?: string;
  readonly regions: readonly string[];
  readonly allRegions: boolean;
  readonly endpointUrl?: string;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly format: DoctorFormat;
  readonly ruleNamePrefix: string;
  readonly rules: ReadonlyArray<RuleDefinition<unknown>>;
  readonly requireSecurityHub: boolean;
  readonly stackSet?: { readonly name: string; readonly region?: string; readonly callAs: 'SELF' | 'DELEGATED_ADMIN' };
  /** Accounts to check: the caller's own (default), --org, or --account ids, with --role-name / --external-id (as scan). */
  readonly selection: TargetSelection;
}

export const DOCTOR_DEFAULTS = { concurrency: 4, maxAttempts: 6, format: 'table' as DoctorFormat };

// The shapes AWS accepts: a Config rule name prefix (letters, digits, - and _, as the CDK stack
// checks) and a StackSet name (a letter, then letters, digits and hyphens, at most 128).
const PREFIX = /^[A-Za-z0-9_-]{0,40}$/;
const STACK_SET_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

function value(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`--${name}: needs a value`);
  return raw.trim();
}

/** Parses `doctor`'s arguments (without the command word). Throws UsageError on anything wrong. */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        profile: { type: 'string' },
        region: { type: 'string', multiple: true },
        'endpoint-url': { type: 'string' },
        concurrency: { type: 'string' },
        'max-attempts': { type: 'string' },
        format: { type: 'string' },
        'rule-name-prefix': { type: 'string' },
        rules: { type: 'string' },
        'no-security-hub': { type: 'boolean' },
        'stack-set': { type: 'string' },
        'stack-set-region': { type: 'string' },
        'call-as': { type: 'string' },
        org: { type: 'boolean' },
        account: { type: 'string', multiple: true },
        'role-name': { type: 'string' },
        'external-id': { type: 'string' },
      },
    });
  } catch (e) {
    throw rephrase(e as { code?: string; message: string });
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const str = (k: string) => v[k] as string | undefined;

  const rawRegions = ((v.region as string[] | undefined) ?? []).flatMap((r) => r.split(',')).map((r) => r.trim().toLowerCase());
  const allRegions = rawRegions.includes('all');
  if (allRegions && rawRegions.length > 1) throw new UsageError('--region all already covers every enabled region: do not combine it with other regions');
  for (const r of rawRegions) if (r !== 'all' && !REGION.test(r)) throw new UsageError(`--region: "${r}" is not a region name (e.g. us-east-1), nor "all"`);

  const format = (str('format') ?? DOCTOR_DEFAULTS.format).toLowerCase();
  if (!(DOCTOR_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${DOCTOR_FORMATS.join(', ')}, got "${str('format')}"`);

  const endpointUrl = value('endpoint-url', str('endpoint-url'));
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) throw new UsageError(`--endpoint-url: expected an http(s) URL, got "${endpointUrl}"`);

  const prefix = str('rule-name-prefix') ?? '';
  if (!PREFIX.test(prefix)) throw new UsageError(`--rule-name-prefix: "${prefix}" is not a rule name prefix (letters, digits, "-" and "_", as imdsv2-guard:ruleNamePrefix)`);

  let rules: ReadonlyArray<RuleDefinition<unknown>> = RULES;
  const ruleList = value('rules', str('rules'));
  if (ruleList !== undefined) {
    const ids = ruleList.split(',').map((s) => s.trim()).filter(Boolean);
    const unknownIds = ids.filter((id) => !RULES.some((r) => r.id === id));
    if (unknownIds.length > 0) throw new UsageError(`--rules: unknown rule id(s) ${unknownIds.join(', ')} (expected ${RULES.map((r) => r.id).join(', ')})`);
    rules = RULES.filter((r) => ids.includes(r.id));
  }

  const stackSetName = value('stack-set', str('stack-set'));
  if (stackSetName !== undefined && !STACK_SET_NAME.test(stackSetName)) throw new UsageError(`--stack-set: "${stackSetName}" is not a StackSet name (a letter, then letters, digits and hyphens)`);
  const stackSetRegion = value('stack-set-region', str('stack-set-region'))?.toLowerCase();
  if (stackSetRegion !== undefined && !REGION.test(stackSetRegion)) throw new UsageError(`--stack-set-region: "${stackSetRegion}" is not a region name`);
  const callAs = (value('call-as', str('call-as')) ?? 'SELF').toUpperCase();
  if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') throw new UsageError(`--call-as: expected SELF or DELEGATED_ADMIN, got "${str('call-as')}"`);
  if (stackSetName === undefined && (stackSetRegion !== undefined || str('call-as') !== undefined)) throw new UsageError('--stack-set-region and --call-as only apply with --stack-set');

  let selection: TargetSelection;
  try {
    selection = parseTargetSelection({ org: v.org === true, accounts: (v.account as string[] | undefined) ?? [], roleName: str('role-name'), externalId: str('external-id') });
  } catch (e) {
    if (e instanceof TargetSelectionError) throw new UsageError(e.message);
    throw e;
  }

  return {
    help: v.help === true,
    selection,
    profile: value('profile', str('profile')),
    regions: allRegions ? [] : [...new Set(rawRegions)],
    allRegions,
    endpointUrl,
    concurrency: integer('concurrency', str('concurrency'), DOCTOR_DEFAULTS.concurrency, 1, 64),
    maxAttempts: integer('max-attempts', str('max-attempts'), DOCTOR_DEFAULTS.maxAttempts, 1, 20),
    format: format as DoctorFormat,
    ruleNamePrefix: prefix,
    rules,
    requireSecurityHub: v['no-security-hub'] !== true,
    stackSet: stackSetName ? { name: stackSetName, region: stackSetRegion, callAs } : undefined,
  };
}
