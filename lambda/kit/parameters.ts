import { InvalidParameterError } from './errors';
import { integerFrom } from './integer';

/**
 * Rule parameters arrive as `ruleParameters`, a JSON string of an object. AWS Config passes every
 * value as a string (InputParameters), but tests and direct invocations may pass native JSON values,
 * so each field parser accepts both. An empty string means "not set": the Config console sends one
 * for a parameter left blank.
 */
export interface ParameterSpec<T> {
  readonly description: string;
  /** Parses a present, non-empty value; throws a message string on bad input. */
  readonly parse: (raw: unknown) => T;
  /** Value used when the parameter is absent. `undefined` means optional with no default. */
  readonly defaultValue?: T;
  /** How to show the type in documentation and CloudFormation parameters. */
  readonly kind: 'integer' | 'boolean' | 'string' | 'list';
  readonly allowed?: readonly string[];
}

/** A schema for the parameters interface `P`: one spec per field (optional fields have no default). */
export type ParameterSchema<P> = { readonly [K in keyof P]-?: ParameterSpec<NonNullable<P[K]>> };

class ParseFailure {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new ParseFailure(message);
}

export function integerParam(opts: {
  description: string;
  min: number;
  max: number;
  defaultValue?: number;
}): ParameterSpec<number> {
  return {
    kind: 'integer',
    description: opts.description,
    defaultValue: opts.defaultValue,
    parse(raw) {
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : fail(`expected an integer, got ${typeof raw}`);
      const value = integerFrom(text) ?? fail(`expected an integer, got "${text}"`);
      if (value < opts.min || value > opts.max) fail(`must be between ${opts.min} and ${opts.max}, got ${value}`);
      return value;
    },
  };
}

export function booleanParam(opts: { description: string; defaultValue: boolean }): ParameterSpec<boolean> {
  return {
    kind: 'boolean',
    description: opts.description,
    defaultValue: opts.defaultValue,
    parse(raw) {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw !== 'string') fail(`expected true or false, got ${typeof raw}`);
      const text = raw.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
      return fail(`expected true or false, got "${raw}"`);
    },
  };
}

export function stringParam(opts: { description: string; pattern: RegExp; patternHint: string }): ParameterSpec<string> {
  return {
    kind: 'string',
    description: opts.description,
    parse(raw) {
      if (typeof raw !== 'string') fail(`expected a string, got ${typeof raw}`);
      const text = raw.trim();
      if (!opts.pattern.test(text)) fail(`${opts.patternHint}, got "${text.slice(0, 64)}"`);
      return text;
    },
  };
}

/** A comma-separated list drawn from a fixed set of values; duplicates are removed, order kept. */
export function listParam<V extends string>(opts: {
  description: string;
  allowed: readonly V[];
  defaultValue: readonly V[];
}): ParameterSpec<readonly V[]> {
  return {
    kind: 'list',
    description: opts.description,
    defaultValue: opts.defaultValue,
    allowed: opts.allowed,
    parse(raw) {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw.split(',')
          : fail(`expected a comma-separated list, got ${typeof raw}`);
      const out: V[] = [];
      for (const item of items) {
        if (typeof item !== 'string') fail('expected a list of strings');
        const text = item.trim().toLowerCase();
        if (!(opts.allowed as readonly string[]).includes(text)) {
          fail(`"${item}" is not one of ${opts.allowed.join(', ')}`);
        }
        if (!out.includes(text as V)) out.push(text as V);
      }
      if (out.length === 0) fail('must name at least one value');
      return out;
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `ruleParameters` (already JSON-parsed, or the raw JSON string, or undefined) against a
 * schema. Unknown names are an error: a typo such as `maxHoplimit` must not silently fall back to
 * the default.
 */
export function parseParameters<P>(schema: ParameterSchema<P>, input: unknown): P {
  let raw: unknown = input;
  if (raw === undefined || raw === null || raw === '') raw = {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (cause) {
      throw new InvalidParameterError('ruleParameters', 'is not valid JSON', { cause });
    }
  }
  if (!isPlainObject(raw)) throw new InvalidParameterError('ruleParameters', 'must be a JSON object');
  const out: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(schema, name)) {
      const known = Object.keys(schema);
      throw new InvalidParameterError(
        name,
        `is not a parameter of this rule (known: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
  }
  for (const [name, spec] of Object.entries(schema) as Array<[string, ParameterSpec<unknown>]>) {
    const value = Object.prototype.hasOwnProperty.call(raw, name) ? raw[name] : undefined;
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      out[name] = spec.defaultValue;
      continue;
    }
    try {
      out[name] = spec.parse(value);
    } catch (e) {
      if (e instanceof ParseFailure) throw new InvalidParameterError(name, e.message);
      throw e;
    }
  }
  return out as P;
}
