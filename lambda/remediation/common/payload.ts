import { integerFrom } from '../../kit/integer';
import { InvalidInputError } from './errors';

/**
 * Reading the JSON the SSM documents send. The documents quote every value ("{{ Force }}" inside a
 * string) so the Payload stays valid JSON however Automation renders a Boolean or Integer
 * (`true`, `True`, `5`), which is why the readers below accept a value or its string form.
 */

export type Payload = Readonly<Record<string, unknown>>;

/** The event as an object: Lambda hands us the parsed Payload; a string is parsed once more. */
export function payloadObject(event: unknown): Payload {
  let value = event;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new InvalidInputError('The payload is not valid JSON', { cause });
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError('The payload must be a JSON object');
  }
  return value as Payload;
}

export function requiredString(p: Payload, name: string, pattern: RegExp, hint: string): string {
  const v = p[name];
  if (typeof v !== 'string' || !pattern.test(v)) {
    throw new InvalidInputError(`${name} must be ${hint}; got ${JSON.stringify(v)}`);
  }
  return v;
}

/** An integer within [min, max], given as a number or a string of digits; `fallback` when absent. */
export function integer(p: Payload, name: string, min: number, max: number, fallback: number): number {
  const v = p[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = integerFrom(v);
  if (n === undefined || n < min || n > max) {
    throw new InvalidInputError(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}`);
  }
  return n;
}

/** true/false, given as a boolean or as "true"/"false" in any case; `fallback` when absent. */
export function boolean(p: Payload, name: string, fallback: boolean): boolean {
  const v = p[name];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw new InvalidInputError(`${name} must be true or false; got ${JSON.stringify(v)}`);
}

/**
 * The deployment's hop-limit cap, `IMDSV2_GUARD_MAX_HOP_LIMIT` (the construct sets it to the rule's
 * maximum): the functions set and keep no hop limit above it. Unset: 64, EC2's own limit.
 */
export function maxHopLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.IMDSV2_GUARD_MAX_HOP_LIMIT;
  if (raw === undefined || raw === '') return 64;
  const n = integerFrom(raw, { signed: false, trim: false });
  if (n === undefined || n < 1 || n > 64) throw new InvalidInputError(`IMDSV2_GUARD_MAX_HOP_LIMIT must be an integer from 1 to 64; got ${JSON.stringify(raw)}`);
  return n;
}
