/**
 * Argument parsing shared by `scan`, `doctor` and `report`: the node:util parser with our own error
 * wording, and the flags the three commands have in common (connection, output format, regions,
 * account selection). Each command adds its own flags and validates them itself. Every bad value
 * throws UsageError, naming the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { integerFrom } from '../../lambda/kit/integer';
import { parseTargetSelection, TargetSelectionError, type TargetSelection } from '../org/targets';
import { UsageError } from '../scan/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** What the parser returns: strings, booleans, and arrays for repeatable flags. */
export type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Account × region targets in flight at most. */
export const MAX_CONCURRENCY = 64;

/** Attempts per AWS call at most. */
export const MAX_ATTEMPTS = 20;

/** --help, --profile, --endpoint-url, --concurrency, --max-attempts, --format (every command). */
export const CONNECTION_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  concurrency: { type: 'string' },
  'max-attempts': { type: 'string' },
  format: { type: 'string' },
} as const satisfies Options;

/** --region, repeatable, comma-separated, or "all" (scan, doctor). */
export const REGIONS_OPTION = { region: { type: 'string', multiple: true } } as const satisfies Options;

/** --org, --account, --role-name, --external-id (scan, doctor): see cli/org/targets.ts. */
export const TARGET_OPTIONS = {
  org: { type: 'boolean' },
  account: { type: 'string', multiple: true },
  'role-name': { type: 'string' },
  'external-id': { type: 'string' },
} as const satisfies Options;

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

/** Strict parsing, no positionals; a parser error becomes a UsageError in our words. */
export function parseOptions(argv: readonly string[], options: Options): Values {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Values;
  } catch (e) {
    throw rephrase(e as { code?: string; message: string });
  }
}

/** A string flag's value, or undefined when absent. */
export function stringValue(values: Values, name: string): string | undefined {
  return values[name] as string | undefined;
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = integerFrom(raw, { signed: false });
  if (n === undefined || n < min || n > max) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** A string flag, trimmed; given but empty is a usage error. */
export function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`--${name}: needs a value`);
  return raw.trim();
}

/** One region name (lower-cased), or undefined when absent. */
export function region(name: string, raw: string | undefined): string | undefined {
  const r = nonEmpty(name, raw)?.toLowerCase();
  if (r !== undefined && !REGION.test(r)) throw new UsageError(`--${name}: "${r}" is not a region name`);
  return r;
}

/** --format, case-insensitive, one of `formats`. */
export function format<F extends string>(values: Values, formats: readonly F[], fallback: F): F {
  const raw = stringValue(values, 'format');
  const f = (raw ?? fallback).toLowerCase();
  if (!(formats as readonly string[]).includes(f)) throw new UsageError(`--format: expected one of ${formats.join(', ')}, got "${raw}"`);
  return f as F;
}

/** --endpoint-url: an http(s) URL. */
export function endpointUrl(values: Values): string | undefined {
  const url = nonEmpty('endpoint-url', stringValue(values, 'endpoint-url'));
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) throw new UsageError(`--endpoint-url: expected an http(s) URL, got "${url}"`);
  return url;
}

/** --profile, --concurrency (1 to MAX_CONCURRENCY) and --max-attempts (1 to MAX_ATTEMPTS). */
export function connection(values: Values, defaults: { readonly concurrency: number; readonly maxAttempts: number }) {
  return {
    profile: nonEmpty('profile', stringValue(values, 'profile')),
    concurrency: integer('concurrency', stringValue(values, 'concurrency'), defaults.concurrency, 1, MAX_CONCURRENCY),
    maxAttempts: integer('max-attempts', stringValue(values, 'max-attempts'), defaults.maxAttempts, 1, MAX_ATTEMPTS),
  };
}

/** --region (REGIONS_OPTION): named regions lower-cased and de-duplicated, or `allRegions` for "all". */
export function regions(values: Values): { regions: string[]; allRegions: boolean } {
  const raw = ((values.region as string[] | undefined) ?? []).flatMap((r) => r.split(',')).map((r) => r.trim().toLowerCase());
  const allRegions = raw.includes('all');
  if (allRegions && raw.length > 1) throw new UsageError('--region all already covers every enabled region: do not combine it with other regions');
  for (const r of raw) {
    if (r !== 'all' && !REGION.test(r)) throw new UsageError(`--region: "${r}" is not a region name (e.g. us-east-1), nor "all"`);
  }
  return { regions: allRegions ? [] : [...new Set(raw)], allRegions };
}

/** TARGET_OPTIONS as a TargetSelection; a bad combination is a UsageError. */
export function targetSelection(values: Values): TargetSelection {
  try {
    return parseTargetSelection({
      org: values.org === true,
      accounts: (values.account as string[] | undefined) ?? [],
      roleName: stringValue(values, 'role-name'),
      externalId: stringValue(values, 'external-id'),
    });
  } catch (e) {
    if (e instanceof TargetSelectionError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

/** The flags scan and doctor share, parsed: connection, output format, regions, accounts. */
export interface SharedArgs<F extends string> {
  readonly help: boolean;
  readonly profile?: string;
  /** Regions named with --region; empty means the configured default region. */
  readonly regions: readonly string[];
  /** `--region all`: every region enabled in the account. */
  readonly allRegions: boolean;
  readonly endpointUrl?: string;
  /** Accounts: the caller's own (default), --org, or --account ids, with --role-name / --external-id. */
  readonly selection: TargetSelection;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly format: F;
}

/**
 * CONNECTION_OPTIONS, REGIONS_OPTION and TARGET_OPTIONS, validated in that order: regions, format,
 * endpoint, then (`rest()`, the command's own flags, checked in between) accounts and connection.
 */
export function sharedArgs<F extends string, R>(
  values: Values,
  formats: readonly F[],
  defaults: { readonly format: F; readonly concurrency: number; readonly maxAttempts: number },
  rest: () => R,
): SharedArgs<F> & { readonly rest: R } {
  const named = regions(values);
  const outputFormat = format(values, formats, defaults.format);
  const endpoint = endpointUrl(values);
  const own = rest();
  const selection = targetSelection(values);
  return {
    help: values.help === true,
    ...named,
    format: outputFormat,
    endpointUrl: endpoint,
    selection,
    ...connection(values, defaults),
    rest: own,
  };
}
