import { ITEM_STATUSES, type ConfigurationItem, type ConfigurationItemStatus } from './configuration-item';
import { MalformedEventError } from './errors';

/** Largest invokingEvent we accept. Config caps items far below this; anything larger is hostile. */
export const MAX_INVOKING_EVENT_CHARS = 4 * 1024 * 1024;

/** What an oversized change notification carries: the item's identity, status and capture time. */
export type ItemSummary = Pick<
  ConfigurationItem,
  'resourceType' | 'resourceId' | 'resourceName' | 'configurationItemStatus' | 'configurationItemCaptureTime' | 'awsRegion'
>;

export type ConfigMessage =
  | { readonly kind: 'change'; readonly item: ConfigurationItem; readonly notificationCreationTime?: Date }
  | { readonly kind: 'oversized'; readonly summary: ItemSummary; readonly notificationCreationTime?: Date }
  | { readonly kind: 'scheduled'; readonly notificationCreationTime: Date };

/** A validated AWS Config rule invocation. */
export interface RuleInvocation {
  readonly message: ConfigMessage;
  /** The rule parameters, JSON-parsed but not yet validated against the rule's schema. */
  readonly ruleParameters: unknown;
  readonly resultToken: string;
  /** `resultToken` was `TESTMODE`: evaluations are sent with TestMode and not recorded. */
  readonly testMode: boolean;
  readonly eventLeftScope: boolean;
  readonly configRuleName?: string;
  readonly accountId?: string;
}

type Json = Record<string, unknown>;

/**
 * A copy of a parsed JSON object with no prototype. `__proto__`, `constructor` and `prototype` are legal
 * tag keys and legal JSON keys anywhere in a configuration item, so they are kept as ordinary own data
 * properties (JSON.parse itself creates them with CreateDataProperty, never through the `__proto__`
 * setter), and a lookup of a key the document lacks can never reach Object.prototype.
 */
function withoutPrototype(value: Record<string, unknown>): Json {
  const out: Json = Object.create(null);
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: value[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON.parse whose every object has no prototype (safe by construction, whatever the keys). */
function parseJsonObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text, (_key, v: unknown) => (isObject(v) ? withoutPrototype(v) : v));
  } catch (cause) {
    throw new MalformedEventError(`${what} is not valid JSON`, { cause });
  }
  if (!isObject(value)) throw new MalformedEventError(`${what} must be a JSON object`);
  return value;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireString(obj: Json, field: string, where: string): string {
  const v = obj[field];
  if (typeof v !== 'string' || v.length === 0) {
    throw new MalformedEventError(`${where}.${field} must be a non-empty string (got ${describe(v)})`);
  }
  return v;
}

function optionalString(obj: Json, field: string, where: string): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new MalformedEventError(`${where}.${field} must be a string (got ${describe(v)})`);
  return v;
}

/** ISO 8601 date-time as AWS Config writes it: date, `T`, time to the second, optional fraction, `Z` or an offset. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function requireDate(obj: Json, field: string, where: string): Date {
  const text = requireString(obj, field, where);
  // `new Date` alone accepts "1" (2001) or "2024-02-30" (rolled to March 1): an OrderingTimestamp
  // from such text would misorder the resource's results, so only real ISO timestamps pass.
  const m = ISO_TIMESTAMP.exec(text);
  const d = new Date(m ? text : NaN);
  const [year, month, day, hour, minute, second] = (m ?? []).slice(1, 7).map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const real = m !== null && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!real || Number.isNaN(d.getTime())) throw new MalformedEventError(`${where}.${field} is not a timestamp: "${text.slice(0, 40)}"`);
  return d;
}

/** PutEvaluations refuses a ComplianceResourceId longer than this: no real item has one. */
const MAX_RESOURCE_ID_CHARS = 768;

function requireResourceId(obj: Json, where: string): string {
  const id = requireString(obj, 'resourceId', where);
  if (id.length > MAX_RESOURCE_ID_CHARS) {
    throw new MalformedEventError(`${where}.resourceId is ${id.length} characters, over the ${MAX_RESOURCE_ID_CHARS} AWS Config accepts`);
  }
  return id;
}

function optionalDate(obj: Json, field: string, where: string): Date | undefined {
  return obj[field] === undefined || obj[field] === null ? undefined : requireDate(obj, field, where);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function requireStatus(obj: Json, where: string): ConfigurationItemStatus {
  const status = requireString(obj, 'configurationItemStatus', where);
  if (!(ITEM_STATUSES as readonly string[]).includes(status)) {
    throw new MalformedEventError(`${where}.configurationItemStatus "${status.slice(0, 40)}" is not a known status`);
  }
  return status as ConfigurationItemStatus;
}

function readTags(raw: unknown, where: string): Record<string, string> {
  const tags: Record<string, string> = Object.create(null);
  if (raw === undefined || raw === null) return tags;
  if (!isObject(raw)) throw new MalformedEventError(`${where}.tags must be an object map`);
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new MalformedEventError(`${where}.tags["${k.slice(0, 40)}"] must be a string`);
    tags[k] = v;
  }
  return tags;
}

/**
 * Validates one configuration item. `configuration` may be an object, a JSON string (as
 * GetResourceConfigHistory returns it) or null (deleted / not recorded items).
 */
export function parseConfigurationItem(raw: unknown, where = 'configurationItem'): ConfigurationItem {
  if (!isObject(raw)) throw new MalformedEventError(`${where} must be an object`);
  const status = requireStatus(raw, where);
  let configuration: Json | null;
  const c = raw.configuration;
  if (c === undefined || c === null) configuration = null;
  // A history item with no configuration (a deleted resource) can carry it as the JSON text `null`.
  else if (typeof c === 'string') configuration = c.trim() === 'null' ? null : parseJsonObject(c, `${where}.configuration`);
  else if (isObject(c)) configuration = c;
  else throw new MalformedEventError(`${where}.configuration must be an object (got ${describe(c)})`);
  if (configuration === null && (status === 'OK' || status === 'ResourceDiscovered')) {
    throw new MalformedEventError(`${where} has status ${status} but no configuration`);
  }
  return {
    resourceType: requireString(raw, 'resourceType', where),
    resourceId: requireResourceId(raw, where),
    resourceName: optionalString(raw, 'resourceName', where),
    configurationItemStatus: status,
    configurationItemCaptureTime: requireDate(raw, 'configurationItemCaptureTime', where),
    awsRegion: optionalString(raw, 'awsRegion', where),
    awsAccountId: optionalString(raw, 'awsAccountId', where) ?? optionalString(raw, 'accountId', where),
    arn: optionalString(raw, 'ARN', where) ?? optionalString(raw, 'arn', where),
    configuration,
    tags: readTags(raw.tags, where),
  };
}

function parseSummary(raw: unknown): ItemSummary {
  const where = 'configurationItemSummary';
  if (!isObject(raw)) throw new MalformedEventError(`invokingEvent.${where} must be an object`);
  return {
    resourceType: requireString(raw, 'resourceType', where),
    resourceId: requireResourceId(raw, where),
    resourceName: optionalString(raw, 'resourceName', where),
    configurationItemStatus: requireStatus(raw, where),
    configurationItemCaptureTime: requireDate(raw, 'configurationItemCaptureTime', where),
    awsRegion: optionalString(raw, 'awsRegion', where),
  };
}

function parseMessage(inv: Json): ConfigMessage {
  const type = requireString(inv, 'messageType', 'invokingEvent');
  switch (type) {
    case 'ConfigurationItemChangeNotification':
      return {
        kind: 'change',
        item: parseConfigurationItem(inv.configurationItem, 'invokingEvent.configurationItem'),
        notificationCreationTime: optionalDate(inv, 'notificationCreationTime', 'invokingEvent'),
      };
    case 'OversizedConfigurationItemChangeNotification':
      return {
        kind: 'oversized',
        summary: parseSummary(inv.configurationItemSummary),
        notificationCreationTime: optionalDate(inv, 'notificationCreationTime', 'invokingEvent'),
      };
    case 'ScheduledNotification':
      return { kind: 'scheduled', notificationCreationTime: requireDate(inv, 'notificationCreationTime', 'invokingEvent') };
    default:
      throw new MalformedEventError(`invokingEvent.messageType "${type.slice(0, 60)}" is not supported`);
  }
}

/** Validates a raw Lambda event from AWS Config. Throws MalformedEventError naming the first problem. */
export function parseInvocation(event: unknown): RuleInvocation {
  if (!isObject(event)) throw new MalformedEventError('the event must be an object');
  const invokingText = event.invokingEvent;
  if (typeof invokingText !== 'string') {
    throw new MalformedEventError(`invokingEvent must be a JSON string (got ${describe(invokingText)})`);
  }
  if (invokingText.length > MAX_INVOKING_EVENT_CHARS) {
    throw new MalformedEventError(`invokingEvent is ${invokingText.length} characters, over the ${MAX_INVOKING_EVENT_CHARS} limit`);
  }
  const message = parseMessage(parseJsonObject(invokingText, 'invokingEvent'));

  let ruleParameters: unknown = {};
  const rp = event.ruleParameters;
  if (typeof rp === 'string') {
    if (rp.length > 64 * 1024) throw new MalformedEventError('ruleParameters is larger than 64 KiB');
    ruleParameters = rp.trim() === '' ? {} : parseJsonObject(rp, 'ruleParameters');
  } else if (rp !== undefined && rp !== null) {
    throw new MalformedEventError(`ruleParameters must be a JSON string (got ${describe(rp)})`);
  }

  const resultToken = requireString(event, 'resultToken', 'event');
  const left = event.eventLeftScope;
  if (left !== undefined && left !== null && typeof left !== 'boolean') {
    throw new MalformedEventError(`event.eventLeftScope must be a boolean (got ${describe(left)})`);
  }
  return {
    message,
    ruleParameters,
    resultToken,
    testMode: resultToken === 'TESTMODE',
    eventLeftScope: left === true,
    configRuleName: optionalString(event, 'configRuleName', 'event'),
    accountId: optionalString(event, 'accountId', 'event'),
  };
}
