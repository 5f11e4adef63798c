import { asText } from './values';

/**
 * `{{ Name }}` references, as Automation resolves them: a parameter (`{{ InstanceId }}`), an earlier
 * step's output (`{{ ReadMetadataOptions.HttpEndpoint }}`) or a built-in (`{{ global:REGION }}`).
 * A string that is exactly one reference takes the referenced value with its type (an Integer
 * stays a number, a StringList an array); a reference inside longer text is replaced by its text.
 */

const REFERENCE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}$/;

export class UnresolvedReferenceError extends Error {}

export type Resolver = (name: string) => { found: true; value: unknown } | { found: false };

function lookup(resolve: Resolver, name: string): unknown {
  const r = resolve(name);
  if (!r.found) throw new UnresolvedReferenceError(`{{ ${name} }} does not name a parameter, an earlier step's output or a built-in variable`);
  return r.value;
}

export function interpolate(value: unknown, resolve: Resolver): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(resolve, whole[1]);
    return value.replace(REFERENCE, (_m, name: string) => asText(lookup(resolve, name)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, resolve));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, resolve)]));
  }
  return value;
}

/** Every reference name in a value, in order of appearance (for static checks of documents). */
export function references(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(REFERENCE)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(references);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(references);
  return [];
}
