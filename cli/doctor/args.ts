import type { RuleDefinition } from '../../lambda/kit/rule-definition';
import { RULES } from '../../lambda/rules/catalog';
import { CONNECTION_OPTIONS, nonEmpty, parseOptions, region, REGIONS_OPTION, sharedArgs, stringValue, TARGET_OPTIONS, type SharedArgs } from '../common/args';
import { UsageError } from '../scan/errors';

export const DOCTOR_FORMATS = ['table', 'json'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

/** The shared flags (accounts as for scan: --org, or --account ids, with --role-name / --external-id), and doctor's own. */
export interface DoctorArgs extends SharedArgs<DoctorFormat> {
  readonly ruleNamePrefix: string;
  readonly rules: ReadonlyArray<RuleDefinition<unknown>>;
  readonly requireSecurityHub: boolean;
  readonly stackSet?: { readonly name: string; readonly region?: string; readonly callAs: 'SELF' | 'DELEGATED_ADMIN' };
}

export const DOCTOR_DEFAULTS = { concurrency: 4, maxAttempts: 6, format: 'table' as DoctorFormat };

// The shapes AWS accepts: a Config rule name prefix (letters, digits, - and _, as the CDK stack
// checks) and a StackSet name (a letter, then letters, digits and hyphens, at most 128).
const PREFIX = /^[A-Za-z0-9_-]{0,40}$/;
const STACK_SET_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Parses `doctor`'s arguments (without the command word). Throws UsageError on anything wrong. */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const v = parseOptions(argv, {
    ...CONNECTION_OPTIONS,
    ...REGIONS_OPTION,
    ...TARGET_OPTIONS,
    'rule-name-prefix': { type: 'string' },
    rules: { type: 'string' },
    'no-security-hub': { type: 'boolean' },
    'stack-set': { type: 'string' },
    'stack-set-region': { type: 'string' },
    'call-as': { type: 'string' },
  });
  const str = (k: string) => stringValue(v, k);
  const { rest, ...shared } = sharedArgs(v, DOCTOR_FORMATS, DOCTOR_DEFAULTS, (): Omit<DoctorArgs, keyof SharedArgs<DoctorFormat>> => {
    const prefix = str('rule-name-prefix') ?? '';
    if (!PREFIX.test(prefix)) throw new UsageError(`--rule-name-prefix: "${prefix}" is not a rule name prefix (letters, digits, "-" and "_", as imdsv2-guard:ruleNamePrefix)`);

    let rules: ReadonlyArray<RuleDefinition<unknown>> = RULES;
    const ruleList = nonEmpty('rules', str('rules'));
    if (ruleList !== undefined) {
      const ids = ruleList.split(',').map((s) => s.trim()).filter(Boolean);
      const unknownIds = ids.filter((id) => !RULES.some((r) => r.id === id));
      if (unknownIds.length > 0) throw new UsageError(`--rules: unknown rule id(s) ${unknownIds.join(', ')} (expected ${RULES.map((r) => r.id).join(', ')})`);
      rules = RULES.filter((r) => ids.includes(r.id));
    }

    const stackSetName = nonEmpty('stack-set', str('stack-set'));
    if (stackSetName !== undefined && !STACK_SET_NAME.test(stackSetName)) throw new UsageError(`--stack-set: "${stackSetName}" is not a StackSet name (a letter, then letters, digits and hyphens)`);
    const stackSetRegion = region('stack-set-region', str('stack-set-region'));
    const callAs = (nonEmpty('call-as', str('call-as')) ?? 'SELF').toUpperCase();
    if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') throw new UsageError(`--call-as: expected SELF or DELEGATED_ADMIN, got "${str('call-as')}"`);
    if (stackSetName === undefined && (stackSetRegion !== undefined || str('call-as') !== undefined)) throw new UsageError('--stack-set-region and --call-as only apply with --stack-set');
    return {
      ruleNamePrefix: prefix,
      rules,
      requireSecurityHub: v['no-security-hub'] !== true,
      stackSet: stackSetName ? { name: stackSetName, region: stackSetRegion, callAs } : undefined,
    };
  });

  return { ...shared, ...rest };
}
