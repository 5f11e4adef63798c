import {
  InvalidParameterError,
  KitError,
  MalformedEventError,
  WrongResourceTypeError,
} from '../../lambda/kit/errors';
import { MAX_INVOKING_EVENT_CHARS } from '../../lambda/kit/event';
import type { RuleHandler } from '../../lambda/kit/create-handler';
import type { RunDependencies } from '../../lambda/kit/run-rule';
import {
  ACCOUNT_RULE,
  RESOURCE_RULES,
  fixture,
  harness,
  primeExistingResources,
  withInvoking,
  withItem,
  withParameters,
  type RawEvent,
} from './support';

/**
 * A corpus of malformed and hostile events, each run through every rule's handler. Each must end in
 * one of the kit's typed errors (the specific class, with a message naming the problem) or in a
 * correct NOT_APPLICABLE: never a COMPLIANT / NON_COMPLIANT verdict, never an untyped crash.
 * Every read is mocked to answer "the resource exists and requires IMDSv2", so an event that slips
 * through to evaluation would produce a verdict and fail here.
 *
 * The corpus also holds legal events that look hostile: `__proto__`, `constructor` and `prototype` are
 * legal AWS tag keys and legal JSON keys anywhere in a configuration item. Those must be judged (the
 * verdict each rule gives is asserted), and Object.prototype must stay untouched.
 */

type KitErrorClass = abstract new (...args: never[]) => KitError;
type Verdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
/** A legal event: it must be judged, with this verdict and an annotation matching `says`. */
type Judged = { readonly verdict: Verdict; readonly says: RegExp };
type Outcome = { readonly error: KitErrorClass; readonly names: RegExp } | 'NOT_APPLICABLE' | Judged;

interface RuleUnderTest {
  readonly id: string;
  readonly account: boolean;
  readonly makeHandler: (deps: () => RunDependencies) => RuleHandler;
  /** The rule's own valid event: a change event for resource rules, the scheduled event for the account rule. */
  readonly base: () => RawEvent;
  /** A valid change event (for the account rule: an instance change, which it refuses anyway). */
  readonly change: () => RawEvent;
  readonly deleted: () => RawEvent;
  readonly scheduled: () => RawEvent;
}

const RULES: RuleUnderTest[] = [
  ...RESOURCE_RULES.map((r) => ({
    id: r.id,
    account: false,
    makeHandler: r.makeHandler,
    base: () => fixture(r.change),
    change: () => fixture(r.change),
    deleted: () => fixture(r.deleted),
    scheduled: () => fixture(r.scheduled),
  })),
  {
    id: ACCOUNT_RULE.id,
    account: true,
    makeHandler: ACCOUNT_RULE.makeHandler,
    base: () => fixture(ACCOUNT_RULE.scheduled),
    change: () => fixture('instance-change-ok.json'),
    deleted: () => fixture('instance-change-deleted.json'),
    scheduled: () => fixture(ACCOUNT_RULE.scheduled),
  },
];

interface HostileCase {
  readonly name: string;
  readonly event: (rule: RuleUnderTest) => unknown;
  /** `JUDGED_AS_BASE`: a legal event, judged exactly as the rule's own valid event (BASE_VERDICT). */
  readonly expect: Outcome | 'JUDGED_AS_BASE';
  /** What the account rule (periodic only) must do instead; 'skip' where the case does not apply to it. */
  readonly account?: Outcome | 'skip';
  /** Per resource rule, where its outcome differs from `expect`. */
  readonly byRule?: Readonly<Record<string, Outcome | 'skip'>>;
}

const malformed = (names: RegExp): Outcome => ({ error: MalformedEventError, names });
const judged = (verdict: Verdict, says: RegExp): Judged => ({ verdict, says });
/** What each rule gives its own valid event (`base`) with the primed reads: a legal event must be judged the same. */
const BASE_VERDICT: Readonly<Record<string, Judged>> = {
  'imdsv2-instance': judged('NON_COMPLIANT', /^Does not require IMDSv2: HttpTokens=optional\. Fix: aws ec2 modify-instance-metadata-options/),
  'imdsv2-launch-template': judged('COMPLIANT', /^Requires IMDSv2: v1 \$Default: HttpTokens=required; v2 \$Latest/),
  'imdsv2-launch-configuration': judged('COMPLIANT', /^LC web-lc-v1 requires IMDSv2/),
  'imdsv2-auto-scaling-group': judged('COMPLIANT', /^Sources require IMDSv2 and no live instance accepts IMDSv1/),
  'imdsv2-account-defaults': judged('COMPLIANT', /HttpTokens=required, HttpTokensEnforced=enabled/),
};
const invalidParameter = (names: RegExp): Outcome => ({ error: InvalidParameterError, names });
const wrongType = (names: RegExp): Outcome => ({ error: WrongResourceTypeError, names });
/** Change events reaching the account rule are refused as the wrong trigger. */
const periodicOnly = wrongType(/AWS::::Account \(periodic only\)/);

const huge = (n: number) => 'A'.repeat(n);
/** Inserts raw JSON text after the first `{` of a JSON object text (JSON.stringify cannot write an own `__proto__`). */
const injectFirst = (json: string, member: string) => `{${member},${json.slice(1)}`;

const CASES: HostileCase[] = [
  // --- The envelope -----------------------------------------------------------------------------
  { name: 'null event', event: () => null, expect: malformed(/the event must be an object/) },
  { name: 'undefined event', event: () => undefined, expect: malformed(/the event must be an object/) },
  { name: 'event as a JSON string', event: (r) => JSON.stringify(r.base()), expect: malformed(/the event must be an object/) },
  { name: 'event as an array', event: (r) => [r.base()], expect: malformed(/the event must be an object/) },
  { name: 'event as a number', event: () => 1715677964318, expect: malformed(/the event must be an object/) },
  { name: 'empty object', event: () => ({}), expect: malformed(/invokingEvent must be a JSON string \(got undefined\)/) },
  {
    name: 'invokingEvent already parsed (object)',
    event: (r) => ({ ...r.base(), invokingEvent: JSON.parse(r.base().invokingEvent as string) }),
    expect: malformed(/invokingEvent must be a JSON string \(got object\)/),
  },
  { name: 'invokingEvent as an array of strings', event: (r) => ({ ...r.base(), invokingEvent: [r.base().invokingEvent] }), expect: malformed(/invokingEvent must be a JSON string \(got array\)/) },
  { name: 'invokingEvent not JSON', event: (r) => ({ ...r.base(), invokingEvent: 'messageType=ScheduledNotification' }), expect: malformed(/invokingEvent is not valid JSON/) },
  {
    name: 'invokingEvent truncated',
    event: (r) => ({ ...r.base(), invokingEvent: (r.base().invokingEvent as string).slice(0, -5) }),
    expect: malformed(/invokingEvent is not valid JSON/),
  },
  { name: 'invokingEvent empty', event: (r) => ({ ...r.base(), invokingEvent: '' }), expect: malformed(/invokingEvent is not valid JSON/) },
  { name: 'invokingEvent JSON null', event: (r) => ({ ...r.base(), invokingEvent: 'null' }), expect: malformed(/invokingEvent must be a JSON object/) },
  { name: 'invokingEvent JSON array', event: (r) => ({ ...r.base(), invokingEvent: '[{"messageType":"ScheduledNotification"}]' }), expect: malformed(/invokingEvent must be a JSON object/) },
  {
    name: 'invokingEvent double-encoded',
    event: (r) => ({ ...r.base(), invokingEvent: JSON.stringify(r.base().invokingEvent) }),
    expect: malformed(/invokingEvent must be a JSON object/),
  },
  {
    name: 'enormous invokingEvent (over the limit)',
    event: (r) => withInvoking(r.base(), (inv) => (inv.padding = huge(MAX_INVOKING_EVENT_CHARS))),
    expect: malformed(/invokingEvent is \d+ characters, over the 4194304 limit/),
  },
  {
    name: 'invokingEvent nested 5,000 deep',
    event: (r) => ({ ...r.base(), invokingEvent: injectFirst(r.base().invokingEvent as string, `"deep":${'['.repeat(5000)}${']'.repeat(5000)}`) }),
    expect: malformed(/invokingEvent is not valid JSON/),
  },
  { name: 'resultToken missing', event: (r) => ({ ...r.base(), resultToken: undefined }), expect: malformed(/event\.resultToken must be a non-empty string/) },
  { name: 'resultToken as an object', event: (r) => ({ ...r.base(), resultToken: { token: 'x' } }), expect: malformed(/event\.resultToken must be a non-empty string \(got object\)/) },
  { name: 'eventLeftScope as the string "false"', event: (r) => ({ ...r.base(), eventLeftScope: 'false' }), expect: malformed(/event\.eventLeftScope must be a boolean \(got string\)/) },
  { name: 'configRuleName as an array', event: (r) => ({ ...r.base(), configRuleName: ['imdsv2'] }), expect: malformed(/event\.configRuleName must be a string \(got array\)/) },
  { name: 'ruleParameters as an object', event: (r) => ({ ...r.base(), ruleParameters: { maxHopLimit: '1' } }), expect: malformed(/ruleParameters must be a JSON string \(got object\)/) },
  { name: 'ruleParameters not JSON', event: (r) => ({ ...r.base(), ruleParameters: 'maxHopLimit=1' }), expect: malformed(/ruleParameters is not valid JSON/) },
  { name: 'ruleParameters a JSON array', event: (r) => ({ ...r.base(), ruleParameters: '[{"maxHopLimit":"1"}]' }), expect: malformed(/ruleParameters must be a JSON object/) },
  { name: 'ruleParameters over 64 KiB', event: (r) => ({ ...r.base(), ruleParameters: JSON.stringify({ x: huge(70_000) }) }), expect: malformed(/ruleParameters is larger than 64 KiB/) },

  // --- Message types ------------------------------------------------------------------------------
  { name: 'messageType missing', event: (r) => withInvoking(r.base(), (inv) => delete inv.messageType), expect: malformed(/invokingEvent\.messageType must be a non-empty string/) },
  { name: 'messageType a number', event: (r) => withInvoking(r.base(), (inv) => (inv.messageType = 1)), expect: malformed(/invokingEvent\.messageType must be a non-empty string \(got number\)/) },
  {
    name: 'messageType unknown',
    event: (r) => withInvoking(r.base(), (inv) => (inv.messageType = 'ConfigurationSnapshotDeliveryCompleted')),
    expect: malformed(/messageType "ConfigurationSnapshotDeliveryCompleted" is not supported/),
  },
  { name: 'messageType huge', event: (r) => withInvoking(r.base(), (inv) => (inv.messageType = huge(1_000_000))), expect: malformed(/messageType "A{60}" is not supported/) },

  // --- Configuration items ------------------------------------------------------------------------
  { name: 'configurationItem missing', event: (r) => withInvoking(r.change(), (inv) => delete inv.configurationItem), expect: malformed(/configurationItem must be an object/) },
  { name: 'configurationItem an array', event: (r) => withInvoking(r.change(), (inv) => (inv.configurationItem = [inv.configurationItem])), expect: malformed(/configurationItem must be an object/) },
  {
    name: 'configurationItem double-encoded',
    event: (r) => withInvoking(r.change(), (inv) => (inv.configurationItem = JSON.stringify(inv.configurationItem))),
    expect: malformed(/configurationItem must be an object/),
  },
  { name: 'resourceType missing', event: (r) => withItem(r.change(), (i) => delete i.resourceType), expect: malformed(/configurationItem\.resourceType must be a non-empty string/) },
  { name: 'resourceId missing', event: (r) => withItem(r.change(), (i) => delete i.resourceId), expect: malformed(/configurationItem\.resourceId must be a non-empty string/) },
  { name: 'resourceId a number', event: (r) => withItem(r.change(), (i) => (i.resourceId = 12345)), expect: malformed(/configurationItem\.resourceId must be a non-empty string \(got number\)/) },
  { name: 'resourceId an object', event: (r) => withItem(r.change(), (i) => (i.resourceId = { id: 'i-1' })), expect: malformed(/configurationItem\.resourceId must be a non-empty string \(got object\)/) },
  {
    name: 'resourceId huge (annotation-like text)',
    event: (r) => withItem(r.change(), (i) => (i.resourceId = `${i.resourceId} NON_COMPLIANT: ${huge(100_000)}`)),
    expect: malformed(/configurationItem\.resourceId is \d+ characters, over the 768 AWS Config accepts/),
  },
  {
    name: 'resourceType huge',
    event: (r) => withItem(r.change(), (i) => (i.resourceType = `AWS::EC2::Instance${huge(500_000)}`)),
    expect: wrongType(/but received AWS::EC2::InstanceA+/),
  },
  { name: 'configurationItemStatus unknown', event: (r) => withItem(r.change(), (i) => (i.configurationItemStatus = 'Deleted')), expect: malformed(/configurationItemStatus "Deleted" is not a known status/) },
  { name: 'configurationItemStatus missing', event: (r) => withItem(r.change(), (i) => delete i.configurationItemStatus), expect: malformed(/configurationItemStatus must be a non-empty string/) },
  {
    name: 'capture time impossible (Feb 30)',
    event: (r) => withItem(r.change(), (i) => (i.configurationItemCaptureTime = '2024-02-30T09:12:44.318Z')),
    expect: malformed(/configurationItemCaptureTime is not a timestamp: "2024-02-30T09:12:44.318Z"/),
  },
  { name: 'capture time "1"', event: (r) => withItem(r.change(), (i) => (i.configurationItemCaptureTime = '1')), expect: malformed(/configurationItemCaptureTime is not a timestamp/) },
  { name: 'capture time as epoch number', event: (r) => withItem(r.change(), (i) => (i.configurationItemCaptureTime = 1715677964318)), expect: malformed(/configurationItemCaptureTime must be a non-empty string \(got number\)/) },
  { name: 'configuration an array', event: (r) => withItem(r.change(), (i) => (i.configuration = [i.configuration])), expect: malformed(/configuration must be an object \(got array\)/) },
  { name: 'configuration a number', event: (r) => withItem(r.change(), (i) => (i.configuration = 0)), expect: malformed(/configuration must be an object \(got number\)/) },
  { name: 'configuration not JSON text', event: (r) => withItem(r.change(), (i) => (i.configuration = '{metadataOptions:')), expect: malformed(/configuration is not valid JSON/) },
  { name: 'status OK with no configuration', event: (r) => withItem(r.change(), (i) => ((i.configuration = null), (i.configurationItemStatus = 'OK'))), expect: malformed(/has status OK but no configuration/) },
  { name: 'item tags as a list', event: (r) => withItem(r.change(), (i) => (i.tags = [{ key: 'a', value: 'b' }])), expect: malformed(/configurationItem\.tags must be an object map/) },
  { name: 'item tag value a number', event: (r) => withItem(r.change(), (i) => (i.tags = { 'imdsv2:exempt': 20991231 })), expect: malformed(/configurationItem\.tags\["imdsv2:exempt"\] must be a string/) },
  { name: 'wrong resource type', event: (r) => withItem(r.change(), (i) => (i.resourceType = 'AWS::S3::Bucket')), expect: wrongType(/but received AWS::S3::Bucket: check the rule's scope/) },
  {
    name: 'lower-cased resource type',
    event: (r) => withItem(r.change(), (i) => (i.resourceType = String(i.resourceType).toLowerCase())),
    expect: wrongType(/but received aws::/),
  },

  // --- Legal keys that name prototype properties: judged, never refused ------------------------
  // `__proto__`, `constructor` and `prototype` are legal tag keys and JSON keys. The parsed objects
  // have no prototype, so they stay plain data; each rule gives the verdict it gives without them.
  {
    name: '__proto__ at the top of invokingEvent',
    event: (r) => ({ ...r.base(), invokingEvent: injectFirst(r.base().invokingEvent as string, '"__proto__":{"polluted":"yes"}') }),
    expect: 'JUDGED_AS_BASE',
    account: judged('COMPLIANT', /HttpTokens=required/),
  },
  {
    name: '__proto__ inside the configuration',
    event: (r) => {
      const e = r.change();
      return { ...e, invokingEvent: (e.invokingEvent as string).replace('"configuration":{', '"configuration":{"__proto__":{"polluted":"yes"},') };
    },
    expect: 'JUDGED_AS_BASE',
    account: periodicOnly,
  },
  {
    name: 'constructor.prototype in invokingEvent',
    event: (r) => ({ ...r.base(), invokingEvent: injectFirst(r.base().invokingEvent as string, '"constructor":{"prototype":{"polluted":"yes"}}') }),
    expect: 'JUDGED_AS_BASE',
    account: judged('COMPLIANT', /HttpTokens=required/),
  },
  {
    name: 'constructor and prototype inside the configuration (objects and strings)',
    event: (r) => {
      const e = r.change();
      const text = (e.invokingEvent as string).replace('"configuration":{', '"configuration":{"constructor":"x","prototype":{"constructor":{"__proto__":null}},');
      return { ...e, invokingEvent: text };
    },
    expect: 'JUDGED_AS_BASE',
    account: periodicOnly,
  },
  {
    name: '__proto__, constructor and prototype as item tag keys',
    event: (r) => withItem(r.change(), (i) => (i.tags = { ...JSON.parse('{"__proto__":"a"}'), constructor: 'b', prototype: 'c', ...(i.tags ?? {}) })),
    expect: 'JUDGED_AS_BASE',
    account: periodicOnly,
  },
  {
    name: 'exemption tag key __proto__ (an active exemption is honoured)',
    event: (r) =>
      withParameters(
        withItem(r.change(), (i) => (i.tags = { ...JSON.parse('{"__proto__":"2099-12-31 vendor agent"}'), constructor: '2001-01-01' })),
        { exemptionTagKey: '__proto__' },
      ),
    expect: judged('NOT_APPLICABLE', /^Exempt until 2099-12-31 by tag __proto__: vendor agent\.$/),
    account: invalidParameter(/"exemptionTagKey": is not a parameter of this rule/),
    byRule: {
      'imdsv2-launch-configuration': invalidParameter(/"exemptionTagKey": is not a parameter of this rule/),
      // The group rule reads the group's tags from DescribeAutoScalingGroups, not from the item:
      // its exemption under such keys is covered in test/rules/imdsv2-auto-scaling-group.
      'imdsv2-auto-scaling-group': 'skip',
    },
  },
  {
    name: 'exemption tag key constructor, absent from the tags (no exemption from Object.prototype)',
    event: (r) => withParameters(withItem(r.change(), (i) => (i.tags = JSON.parse('{"__proto__":"2099-12-31"}'))), { exemptionTagKey: 'constructor' }),
    expect: 'JUDGED_AS_BASE',
    account: invalidParameter(/"exemptionTagKey": is not a parameter of this rule/),
    byRule: { 'imdsv2-launch-configuration': invalidParameter(/"exemptionTagKey": is not a parameter of this rule/) },
  },
  { name: 'prototype as an item tag key', event: (r) => withItem(r.change(), (i) => (i.tags = { prototype: 'x' })), expect: 'JUDGED_AS_BASE', account: periodicOnly },
  // A rule parameter named after a prototype property is simply not one of the rule's parameters.
  { name: '__proto__ in ruleParameters', event: (r) => ({ ...r.base(), ruleParameters: '{"__proto__":{"polluted":"yes"}}' }), expect: invalidParameter(/"__proto__": is not a parameter of this rule/) },
  {
    name: 'constructor in ruleParameters',
    event: (r) => ({ ...r.base(), ruleParameters: '{"constructor":{"prototype":{"polluted":"yes"}}}' }),
    expect: invalidParameter(/"constructor": is not a parameter of this rule/),
  },

  // --- Rule parameters ----------------------------------------------------------------------------
  { name: 'maxHopLimit "-1"', event: (r) => withParameters(r.base(), { maxHopLimit: '-1' }), expect: invalidParameter(/"maxHopLimit": must be between 1 and 64, got -1/) },
  { name: 'maxHopLimit 65', event: (r) => withParameters(r.base(), { maxHopLimit: '65' }), expect: invalidParameter(/"maxHopLimit": must be between 1 and 64, got 65/) },
  { name: 'maxHopLimit 0', event: (r) => withParameters(r.base(), { maxHopLimit: 0 }), expect: invalidParameter(/"maxHopLimit": must be between 1 and 64, got 0/) },
  { name: 'maxHopLimit "6 4"', event: (r) => withParameters(r.base(), { maxHopLimit: '6 4' }), expect: invalidParameter(/"maxHopLimit": expected an integer, got "6 4"/) },
  { name: 'maxHopLimit "1 2" with a tab', event: (r) => withParameters(r.base(), { maxHopLimit: '1\t2' }), expect: invalidParameter(/"maxHopLimit": expected an integer/) },
  { name: 'maxHopLimit "2.5"', event: (r) => withParameters(r.base(), { maxHopLimit: '2.5' }), expect: invalidParameter(/"maxHopLimit": expected an integer, got "2.5"/) },
  { name: 'maxHopLimit "0x2"', event: (r) => withParameters(r.base(), { maxHopLimit: '0x2' }), expect: invalidParameter(/"maxHopLimit": expected an integer, got "0x2"/) },
  { name: 'maxHopLimit an array', event: (r) => withParameters(r.base(), { maxHopLimit: [1] }), expect: invalidParameter(/"maxHopLimit": expected an integer, got object/) },
  { name: 'maxHopLimit an object', event: (r) => withParameters(r.base(), { maxHopLimit: { min: 1 } }), expect: invalidParameter(/"maxHopLimit": expected an integer, got object/) },
  { name: 'maxHopLimit huge', event: (r) => withParameters(r.base(), { maxHopLimit: '9'.repeat(400) }), expect: invalidParameter(/"maxHopLimit": must be between 1 and 64/) },
  { name: 'unknown parameter (typo)', event: (r) => withParameters(r.base(), { maxHoplimit: '1' }), expect: invalidParameter(/"maxHoplimit": is not a parameter of this rule/) },
  { name: 'unknown parameter beside a good one', event: (r) => withParameters(r.base(), { maxHopLimit: '1', MaxHopLimit: '2' }), expect: invalidParameter(/"MaxHopLimit": is not a parameter of this rule/) },
  { name: 'versions with an unknown value', event: (r) => withParameters(r.base(), { versions: 'default,newest' }), expect: invalidParameter(/Rule parameter "versions"/) },
  { name: 'checkInstances "yes"', event: (r) => withParameters(r.base(), { checkInstances: 'yes' }), expect: invalidParameter(/Rule parameter "checkInstances"/) },
  { name: 'requireEnforcement "1"', event: (r) => withParameters(r.base(), { requireEnforcement: '1' }), expect: invalidParameter(/Rule parameter "requireEnforcement"/) },
  { name: 'exemptionTagKey with a NUL', event: (r) => withParameters(r.base(), { exemptionTagKey: 'exempt\u0000' }), expect: invalidParameter(/Rule parameter "exemptionTagKey"/) },

  // --- Scheduled and oversized notifications ---------------------------------------------------
  {
    name: 'scheduled without configRuleName',
    event: (r) => ({ ...r.scheduled(), configRuleName: undefined }),
    expect: malformed(/event\.configRuleName is required for a periodic sweep/),
    account: 'skip', // the account rule needs no rule name: a valid event for it
  },
  { name: 'scheduled without accountId', event: (r) => ({ ...r.scheduled(), accountId: undefined }), expect: malformed(/event\.accountId is missing/) },
  { name: 'scheduled without notificationCreationTime', event: (r) => withInvoking(r.scheduled(), (inv) => delete inv.notificationCreationTime), expect: malformed(/invokingEvent\.notificationCreationTime must be a non-empty string/) },
  {
    name: 'scheduled with an RFC 2822 notificationCreationTime',
    event: (r) => withInvoking(r.scheduled(), (inv) => (inv.notificationCreationTime = 'Tue, 14 May 2024 12:00:03 GMT')),
    expect: malformed(/invokingEvent\.notificationCreationTime is not a timestamp/),
  },
  { name: 'oversized without a summary', event: () => withInvoking(fixture('instance-oversized.json'), (inv) => delete inv.configurationItemSummary), expect: malformed(/configurationItemSummary must be an object/) },
  {
    name: 'oversized summary without resourceId',
    event: () => withItem(fixture('instance-oversized.json'), (s) => delete s.resourceId),
    expect: malformed(/configurationItemSummary\.resourceId must be a non-empty string/),
  },

  // --- Nothing to evaluate: NOT_APPLICABLE (the account rule refuses change events) --------------
  {
    name: 'deleted item with a huge resourceName',
    event: (r) => withItem(r.deleted(), (i) => (i.resourceName = `COMPLIANT ${huge(200_000)}`)),
    expect: 'NOT_APPLICABLE',
    account: periodicOnly,
  },
  {
    name: 'deleted item with a configuration claiming IMDSv2 is required',
    event: (r) =>
      withItem(r.deleted(), (i) => {
        i.configurationItemStatus = 'ResourceDeletedNotRecorded';
        i.configuration = { metadataOptions: { httpTokens: 'required' }, MetadataOptions: { HttpTokens: 'required' } };
      }),
    expect: 'NOT_APPLICABLE',
    account: periodicOnly,
  },
  {
    name: 'not-recorded item with garbage configuration',
    event: (r) => withItem(r.deleted(), (i) => ((i.configurationItemStatus = 'ResourceNotRecorded'), (i.configuration = { metadataOptions: 'optional' }))),
    expect: 'NOT_APPLICABLE',
    account: periodicOnly,
  },
  {
    name: 'left scope with an empty configuration',
    event: (r) => withItem({ ...r.change(), eventLeftScope: true }, (i) => (i.configuration = {})),
    expect: 'NOT_APPLICABLE',
    account: periodicOnly,
  },
  {
    name: 'oversized, deleted, with a huge resourceName',
    event: (r) =>
      withItem(fixture('instance-oversized-deleted.json'), (s) => {
        const item = JSON.parse(r.change().invokingEvent as string).configurationItem;
        s.resourceType = item.resourceType;
        s.resourceId = item.resourceId;
        s.resourceName = huge(100_000);
      }),
    expect: 'NOT_APPLICABLE',
    account: periodicOnly,
  },
];

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

describe('hostile events', () => {
  test('the corpus has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  const table = CASES.flatMap((c) =>
    RULES.flatMap((rule) => {
      const chosen = rule.account && c.account !== undefined ? c.account : (c.byRule?.[rule.id] ?? c.expect);
      if (chosen === 'skip') return [];
      const outcome: Outcome = chosen === 'JUDGED_AS_BASE' ? BASE_VERDICT[rule.id] : chosen;
      return [[c.name, rule.id, c, rule, outcome] as const];
    }),
  );

  test.each(table)('%s → %s', async (_name, _id, c, rule, outcome) => {
    // Prepare
    const h = harness();
    primeExistingResources(h);
    const handler = rule.makeHandler(() => h.deps);
    const event = c.event(rule);

    // Act
    const settled = await handler(event).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );

    // Assess: a legal event is judged; anything else never gets a verdict, whatever happened.
    if (typeof outcome === 'object' && 'verdict' in outcome) {
      if (!settled.ok) throw settled.error;
      expect(settled.value.map((e) => e.ComplianceType)).toEqual([outcome.verdict]);
      expect(settled.value[0].Annotation).toMatch(outcome.says);
      expect(h.sent().map((e) => e.ComplianceType)).toEqual([outcome.verdict]);
      return;
    }
    for (const e of h.sent()) expect(e.ComplianceType).toBe('NOT_APPLICABLE');
    if (outcome === 'NOT_APPLICABLE') {
      if (!settled.ok) throw settled.error;
      expect(settled.value).toHaveLength(1);
      expect(settled.value[0].ComplianceType).toBe('NOT_APPLICABLE');
      expect(settled.value[0].Annotation.length).toBeGreaterThan(0);
      expect(settled.value[0].ComplianceResourceId.length).toBeLessThanOrEqual(768);
      expect(h.reads()).toEqual([]);
      return;
    }
    if (settled.ok) throw new Error(`expected ${outcome.error.name}, got ${JSON.stringify(settled.value).slice(0, 300)}`);
    const error = settled.error as Error;
    expect(error).toBeInstanceOf(KitError);
    expect(error).toBeInstanceOf(outcome.error);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).toMatch(outcome.names);
    // The message names the problem without echoing an enormous input back into the logs.
    expect(error.message.length).toBeLessThan(1000);
    expect(h.putInputs()).toHaveLength(0);
    expect(h.reads()).toEqual([]);
  });

  afterAll(() => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
