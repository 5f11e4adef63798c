import { integerFrom } from '../../../lambda/kit/integer';
import type { ParameterType } from './document';

/**
 * Automation's data types and the conversions its documentation lists for outputs: String to
 * StringList, Integer or Boolean; Integer and Boolean to String or StringList; a one-element list
 * to its element's type. Anything else is a type error, as in Automation.
 */

export class TypeConversionError extends Error {}

const describe = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

export function convert(value: unknown, type: ParameterType, what: string): unknown {
  const fail = (): never => {
    throw new TypeConversionError(`${what}: ${describe(value)} cannot be converted to ${type}`);
  };
  const single = Array.isArray(value) && value.length === 1 ? value[0] : undefined;
  switch (type) {
    case 'String':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      if (single !== undefined && typeof single !== 'object') return convert(single, type, what);
      return fail();
    case 'Integer': {
      const n = integerFrom(value);
      if (n !== undefined) return n;
      if (single !== undefined) return convert(single, type, what);
      return fail();
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      if (single !== undefined) return convert(single, type, what);
      return fail();
    case 'StringList':
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
      return fail();
    case 'StringMap':
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
      return fail();
    case 'MapList':
      if (Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) return value;
      return fail();
    default:
      return fail();
  }
}

/** How a value reads when it is placed inside a longer string. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
