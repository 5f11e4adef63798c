import { fitAnnotation } from './metadata-verdict';

/**
 * Dated exemptions read from a resource tag. The value starts with an ISO date (`2026-12-31`) or
 * timestamp (`2026-12-31T18:00:00Z`), optionally followed by a separator and a free-text reason:
 * `2026-12-31 legacy agent, ticket SEC-42`, `2026-12-31; SEC-42`, `2026-12-31 - vendor AMI`.
 */
export type Exemption =
  | { readonly kind: 'none' }
  | { readonly kind: 'active'; readonly until: string; readonly reason?: string }
  | { readonly kind: 'expired'; readonly until: string; readonly reason?: string }
  | { readonly kind: 'invalid'; readonly value: string; readonly beyondDays?: number };

const DAY_MS = 86_400_000;

// Date, optional time and zone, then either the end or a separator (`;` `:` `|` `,` ` - ` or whitespace).
const DATE = /(\d{4})-(\d{2})-(\d{2})/.source;
const TIME = /(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?/.source;
const SEPARATOR = /(?:$|\s*[;:|,]\s*|\s+-\s+|\s+)/.source;
const VALUE = new RegExp(`^${DATE}${TIME}${SEPARATOR}([\\s\\S]*)$`, 'i');

/** Milliseconds since the epoch of a UTC calendar date, or undefined when the date does not exist. */
function utcDate(year: number, month: number, day: number): number | undefined {
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a round trip exposes impossible dates.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? ms : undefined;
}

/** Offset in minutes of `Z`, `+02:00` or `-0530`; undefined when out of range. */
function zoneMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0; // no zone: read as UTC, like a date-only value
  const digits = zone.replace(':', '');
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  if (hours > 14 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The instant the exemption ends (exclusive), or undefined when the value's date/time is impossible. */
function endOf(m: RegExpExecArray): number | undefined {
  const day = utcDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (day === undefined) return undefined;
  // A date-only value is valid through the end of that UTC day.
  if (m[4] === undefined) return day + DAY_MS;
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  const offset = zoneMinutes(m[8]);
  if (h > 23 || min > 59 || s > 59 || offset === undefined) return undefined;
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  return day + ((h * 60 + min - offset) * 60 + s) * 1000 + fraction;
}

/**
 * Reads the exemption tag `tagKey` (exact, case-sensitive match, as AWS tag keys are) from `tags`.
 * `until` is the UTC calendar date the exemption lasts through.
 */
export function readExemption(
  tags: Readonly<Record<string, string>>,
  tagKey: string | undefined,
  now: Date,
  maxDays?: number,
): Exemption {
  if (tagKey === undefined || tagKey === '' || tags === null || typeof tags !== 'object') return { kind: 'none' };
  if (!Object.prototype.hasOwnProperty.call(tags, tagKey)) return { kind: 'none' };
  const raw: unknown = tags[tagKey];
  const value = typeof raw === 'string' ? raw.trim() : String(raw);
  const m = VALUE.exec(value);
  const end = m ? endOf(m) : undefined;
  if (!m || end === undefined) return { kind: 'invalid', value };
  // The last millisecond it covers, so a date-only value reports its own date.
  const until = new Date(end - 1).toISOString().slice(0, 10);
  const reason = m[9].trim() || undefined;
  // maxExemptionDays: a date further ahead is treated as unreadable, so a tag cannot exempt for a century.
  if (maxDays !== undefined && end > now.getTime() + maxDays * DAY_MS) return { kind: 'invalid', value, beyondDays: maxDays };
  const kind = now.getTime() < end ? 'active' : 'expired';
  return reason === undefined ? { kind, until } : { kind, until, reason };
}

const REASON_CHARS = 60;
const VALUE_CHARS = 40;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Annotation text for an active exemption (the resource is NOT_APPLICABLE). */
export function describeActiveExemption(e: { until: string; reason?: string }, tagKey: string): string {
  const reason = e.reason ? `: ${clip(e.reason, REASON_CHARS)}` : '';
  return `Exempt until ${e.until} by tag ${clip(tagKey, 40)}${reason}.`;
}

/** Why an exemption tag did not exempt the resource; undefined when there is no tag. */
export function describeFailedExemption(e: Exemption, tagKey: string | undefined): string | undefined {
  const key = clip(tagKey ?? '', 40);
  if (e.kind === 'expired') return `Exemption ${key} expired ${e.until}.`;
  if (e.kind === 'invalid' && e.beyondDays !== undefined) {
    return `Exemption ${key}="${clip(e.value, VALUE_CHARS)}" ignored: more than ${e.beyondDays} days ahead (maxExemptionDays).`;
  }
  if (e.kind === 'invalid') return `Exemption ${key}="${clip(e.value, VALUE_CHARS)}" unreadable (want YYYY-MM-DD reason).`;
  return undefined;
}

/**
 * The exemption step every taggable rule starts with: an active exemption is the verdict
 * (NOT_APPLICABLE); otherwise `note` says why a tag present did not exempt (expired, unreadable).
 */
export function exemptionGate(
  tags: Readonly<Record<string, string>> | undefined,
  tagKey: string | undefined,
  now: Date,
  maxDays?: number,
): { readonly exempt: { complianceType: 'NOT_APPLICABLE'; annotation: string } } | { readonly exempt?: undefined; readonly note?: string } {
  const exemption = readExemption(tags ?? {}, tagKey, now, maxDays);
  if (exemption.kind === 'active') {
    return { exempt: { complianceType: 'NOT_APPLICABLE', annotation: fitAnnotation(describeActiveExemption(exemption, tagKey ?? '')) } };
  }
  return { note: describeFailedExemption(exemption, tagKey) };
}
