import { MalformedEventError } from '../../lambda/kit/errors';
import { MAX_INVOKING_EVENT_CHARS, parseConfigurationItem, parseInvocation } from '../../lambda/kit/event';
import { CAPTURE_TIME, SCHEDULED_TIME, fixture, invoking, withInvoking, withItem, type Json, type RawEvent } from './support';

/** Runs parseInvocation and returns the MalformedEventError it throws (fails the test if it does not). */
function malformed(event: unknown): MalformedEventError {
  try {
    parseInvocation(event);
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedEventError);
    expect((e as Error).message.length).toBeGreaterThan(0);
    return e as MalformedEventError;
  }
  throw new Error('expected a MalformedEventError, but the event parsed');
}

describe('parseInvocation: real-shaped events', () => {
  test.each([
    ['instance-change-ok.json', 'OK'],
    ['instance-change-discovered.json', 'ResourceDiscovered'],
    ['instance-change-not-recorded.json', 'ResourceNotRecorded'],
    ['instance-change-deleted.json', 'ResourceDeleted'],
    ['instance-change-deleted-not-recorded.json', 'ResourceDeletedNotRecorded'],
    ['launch-template-change-ok.json', 'OK'],
    ['launch-template-change-deleted.json', 'ResourceDeleted'],
    ['launch-configuration-change-ok.json', 'ResourceDiscovered'],
    ['launch-configuration-change-deleted.json', 'ResourceDeleted'],
    ['auto-scaling-group-change-ok.json', 'OK'],
    ['auto-scaling-group-change-mixed.json', 'OK'],
    ['auto-scaling-group-change-deleted.json', 'ResourceDeleted'],
  ])('change notification %s parses with status %s', (name, status) => {
    // Prepare
    const event = fixture(name);
    const raw = invoking(event).configurationItem;

    // Act
    const inv = parseInvocation(event);

    // Assess
    expect(inv.message.kind).toBe('change');
    if (inv.message.kind !== 'change') return;
    const item = inv.message.item;
    expect(item.configurationItemStatus).toBe(status);
    expect(item.resourceType).toBe(raw.resourceType);
    expect(item.resourceId).toBe(raw.resourceId);
    expect(item.configurationItemCaptureTime).toEqual(CAPTURE_TIME);
    expect(item.awsAccountId).toBe('123456789012');
    expect(item.arn).toBe(raw.ARN);
    expect(item.awsRegion).toBe('us-east-1');
    if (raw.configuration === null) expect(item.configuration).toBeNull();
    else expect(item.configuration).toEqual(raw.configuration);
    expect(inv.message.notificationCreationTime).toEqual(new Date('2024-05-14T09:12:51.027Z'));
    expect(inv.testMode).toBe(false);
    expect(inv.eventLeftScope).toBe(false);
    expect(inv.configRuleName).toBe(event.configRuleName);
    expect(inv.accountId).toBe('123456789012');
  });

  test('instance item: camelCase configuration, map tags, null resourceName', () => {
    const inv = parseInvocation(fixture('instance-change-ok.json'));
    if (inv.message.kind !== 'change') throw new Error('expected change');
    const c = inv.message.item.configuration as Json;
    expect(c.metadataOptions).toEqual({
      state: 'applied',
      httpTokens: 'optional',
      httpPutResponseHopLimit: 1,
      httpEndpoint: 'enabled',
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: 'disabled',
    });
    expect(c.state).toEqual({ code: 16, name: 'running' });
    expect({ ...inv.message.item.tags }).toEqual({ Name: 'web-1', team: 'payments' });
    expect(inv.message.item.resourceName).toBeUndefined();
  });

  test('launch template item: PascalCase, version numbers as strings', () => {
    const inv = parseInvocation(fixture('launch-template-change-ok.json'));
    if (inv.message.kind !== 'change') throw new Error('expected change');
    const c = inv.message.item.configuration as Json;
    expect(c.Id).toBe('lt-0f1e2d3c4b5a69788');
    expect(c.DefaultVersionNumber).toBe('1');
    expect(c.LatestVersionNumber).toBe('2');
    expect(inv.message.item.resourceName).toBe('web-template');
  });

  test('eventLeftScope true is read', () => {
    expect(parseInvocation(fixture('instance-change-left-scope.json')).eventLeftScope).toBe(true);
  });

  test('TESTMODE token sets testMode; any other token does not', () => {
    const test = parseInvocation(fixture('instance-change-testmode.json'));
    expect(test.testMode).toBe(true);
    expect(test.resultToken).toBe('TESTMODE');
    expect(parseInvocation({ ...fixture('instance-change-testmode.json'), resultToken: 'testmode' }).testMode).toBe(false);
  });

  test('oversized notification gives the summary only', () => {
    const inv = parseInvocation(fixture('instance-oversized.json'));
    expect(inv.message.kind).toBe('oversized');
    if (inv.message.kind !== 'oversized') return;
    expect(inv.message.summary).toEqual({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-0a1b2c3d4e5f60718',
      resourceName: undefined,
      configurationItemStatus: 'OK',
      configurationItemCaptureTime: CAPTURE_TIME,
      awsRegion: 'us-east-1',
    });
  });

  test('oversized notification with a deleted summary', () => {
    const inv = parseInvocation(fixture('instance-oversized-deleted.json'));
    if (inv.message.kind !== 'oversized') throw new Error('expected oversized');
    expect(inv.message.summary.configurationItemStatus).toBe('ResourceDeleted');
  });

  test.each(['instance-scheduled.json', 'account-defaults-scheduled.json', 'auto-scaling-group-scheduled.json'])(
    'scheduled notification %s',
    (name) => {
      const inv = parseInvocation(fixture(name));
      expect(inv.message).toEqual({ kind: 'scheduled', notificationCreationTime: SCHEDULED_TIME });
      expect(inv.configRuleName).toMatch(/^imdsv2-/);
    },
  );

  test('ruleParameters is parsed but not validated here', () => {
    const inv = parseInvocation(fixture('account-defaults-scheduled.json'));
    expect(inv.ruleParameters).toEqual({ requireEnforcement: 'false' });
  });

  test.each([[undefined], [null], [''], ['   ']])('ruleParameters %p means no parameters', (rp) => {
    expect(parseInvocation({ ...fixture('instance-scheduled.json'), ruleParameters: rp }).ruleParameters).toEqual({});
  });

  test('timestamps without milliseconds or with an offset are accepted', () => {
    const a = parseInvocation(withItem(fixture('instance-change-ok.json'), (i) => (i.configurationItemCaptureTime = '2024-05-14T09:12:44Z')));
    const b = parseInvocation(withItem(fixture('instance-change-ok.json'), (i) => (i.configurationItemCaptureTime = '2024-05-14T11:12:44.318+02:00')));
    if (a.message.kind !== 'change' || b.message.kind !== 'change') throw new Error('expected change');
    expect(a.message.item.configurationItemCaptureTime).toEqual(new Date('2024-05-14T09:12:44.000Z'));
    expect(b.message.item.configurationItemCaptureTime).toEqual(CAPTURE_TIME);
  });
});

describe('parseInvocation: the event envelope', () => {
  test.each([
    ['null', null, /event must be an object/],
    ['a string', 'not an event', /event must be an object/],
    ['an array', [], /event must be an object/],
    ['a number', 42, /event must be an object/],
  ])('event that is %s', (_label, event, message) => {
    expect(malformed(event).message).toMatch(message);
  });

  test.each([
    ['missing', undefined, /invokingEvent must be a JSON string \(got undefined\)/],
    ['an object', { messageType: 'ScheduledNotification' }, /invokingEvent must be a JSON string \(got object\)/],
    ['null', null, /invokingEvent must be a JSON string \(got null\)/],
    ['an array', ['{}'], /invokingEvent must be a JSON string \(got array\)/],
    ['a number', 7, /invokingEvent must be a JSON string \(got number\)/],
  ])('invokingEvent %s', (_label, value, message) => {
    expect(malformed({ ...fixture('instance-change-ok.json'), invokingEvent: value }).message).toMatch(message);
  });

  test.each([
    ['truncated JSON', '{"messageType":"ScheduledNotification"', /invokingEvent is not valid JSON/],
    ['not JSON', 'messageType=ScheduledNotification', /invokingEvent is not valid JSON/],
    ['empty', '', /invokingEvent is not valid JSON/],
    ['a JSON array', '[]', /invokingEvent must be a JSON object/],
    ['a JSON string', '"ScheduledNotification"', /invokingEvent must be a JSON object/],
    ['JSON null', 'null', /invokingEvent must be a JSON object/],
  ])('invokingEvent that is %s', (_label, text, message) => {
    const e = malformed({ ...fixture('instance-scheduled.json'), invokingEvent: text });
    expect(e.message).toMatch(message);
  });

  test('non-JSON keeps the parser error as cause', () => {
    const e = malformed({ ...fixture('instance-scheduled.json'), invokingEvent: '{oops' });
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  test('invokingEvent over MAX_INVOKING_EVENT_CHARS is refused before parsing', () => {
    // Prepare: valid JSON padded with whitespace, so only the size is wrong.
    const event = fixture('instance-scheduled.json');
    const text = event.invokingEvent as string;
    const padded = text + ' '.repeat(MAX_INVOKING_EVENT_CHARS + 1 - text.length);

    // Act / Assess
    expect(malformed({ ...event, invokingEvent: padded }).message).toMatch(
      new RegExp(`invokingEvent is ${MAX_INVOKING_EVENT_CHARS + 1} characters, over the ${MAX_INVOKING_EVENT_CHARS} limit`),
    );
    // Exactly at the limit is still accepted.
    const atLimit = text + ' '.repeat(MAX_INVOKING_EVENT_CHARS - text.length);
    expect(parseInvocation({ ...event, invokingEvent: atLimit }).message.kind).toBe('scheduled');
  });

  test.each([
    ['missing', undefined, /event\.resultToken must be a non-empty string \(got undefined\)/],
    ['empty', '', /event\.resultToken must be a non-empty string \(got string\)/],
    ['a number', 12, /event\.resultToken must be a non-empty string \(got number\)/],
  ])('resultToken %s', (_label, value, message) => {
    expect(malformed({ ...fixture('instance-change-ok.json'), resultToken: value }).message).toMatch(message);
  });

  test.each([
    ['a string', 'true'],
    ['a number', 1],
    ['an object', {}],
  ])('eventLeftScope that is %s', (_label, value) => {
    expect(malformed({ ...fixture('instance-change-ok.json'), eventLeftScope: value }).message).toMatch(/event\.eventLeftScope must be a boolean/);
  });

  test.each([
    ['configRuleName', 5, /event\.configRuleName must be a string \(got number\)/],
    ['accountId', { id: 1 }, /event\.accountId must be a string \(got object\)/],
  ])('%s of the wrong type', (field, value, message) => {
    expect(malformed({ ...fixture('instance-scheduled.json'), [field]: value }).message).toMatch(message);
  });

  test.each([
    ['an object', { maxHopLimit: '1' }, /ruleParameters must be a JSON string \(got object\)/],
    ['a number', 1, /ruleParameters must be a JSON string \(got number\)/],
    ['not JSON', '{maxHopLimit: 1}', /ruleParameters is not valid JSON/],
    ['a JSON array', '["maxHopLimit"]', /ruleParameters must be a JSON object/],
    ['over 64 KiB', JSON.stringify({ exemptionTagKey: 'x'.repeat(64 * 1024) }), /ruleParameters is larger than 64 KiB/],
  ])('ruleParameters that is %s', (_label, value, message) => {
    expect(malformed({ ...fixture('instance-change-ok.json'), ruleParameters: value }).message).toMatch(message);
  });
});

describe('parseInvocation: messages', () => {
  test.each([
    ['missing', undefined, /invokingEvent\.messageType must be a non-empty string \(got undefined\)/],
    ['a number', 3, /invokingEvent\.messageType must be a non-empty string \(got number\)/],
    ['unknown', 'ConfigurationItemChangeNotificationV2', /invokingEvent\.messageType "ConfigurationItemChangeNotificationV2" is not supported/],
    ['a snapshot delivery (not a trigger our rules use)', 'ConfigurationSnapshotDeliveryCompleted', /is not supported/],
    ['lower case', 'schedulednotification', /is not supported/],
  ])('messageType %s', (_label, value, message) => {
    const event = withInvoking(fixture('instance-scheduled.json'), (inv) => (inv.messageType = value));
    expect(malformed(event).message).toMatch(message);
  });

  test('an unknown messageType is quoted at most 60 characters long', () => {
    const event = withInvoking(fixture('instance-scheduled.json'), (inv) => (inv.messageType = 'X'.repeat(10_000)));
    expect(malformed(event).message.length).toBeLessThan(140);
  });

  test.each([
    ['missing', undefined, /invokingEvent\.notificationCreationTime must be a non-empty string/],
    ['not a timestamp', 'yesterday', /invokingEvent\.notificationCreationTime is not a timestamp: "yesterday"/],
    ['a number', 1715677964318, /invokingEvent\.notificationCreationTime must be a non-empty string \(got number\)/],
  ])('scheduled notificationCreationTime %s', (_label, value, message) => {
    const event = withInvoking(fixture('instance-scheduled.json'), (inv) => (inv.notificationCreationTime = value));
    expect(malformed(event).message).toMatch(message);
  });

  test('change notification: a bad optional notificationCreationTime is refused, a missing one is fine', () => {
    const bad = withInvoking(fixture('instance-change-ok.json'), (inv) => (inv.notificationCreationTime = 'soon'));
    expect(malformed(bad).message).toMatch(/invokingEvent\.notificationCreationTime is not a timestamp/);
    const none = withInvoking(fixture('instance-change-ok.json'), (inv) => delete inv.notificationCreationTime);
    const inv = parseInvocation(none);
    expect(inv.message.kind === 'change' && inv.message.notificationCreationTime).toBeUndefined();
  });

  test.each([
    ['missing', undefined, /invokingEvent\.configurationItem must be an object/],
    ['null', null, /invokingEvent\.configurationItem must be an object/],
    ['an array', [], /invokingEvent\.configurationItem must be an object/],
    ['a string', '{"resourceType":"AWS::EC2::Instance"}', /invokingEvent\.configurationItem must be an object/],
  ])('configurationItem %s', (_label, value, message) => {
    const event = withInvoking(fixture('instance-change-ok.json'), (inv) => (inv.configurationItem = value));
    expect(malformed(event).message).toMatch(message);
  });

  test.each([
    ['missing', undefined, /invokingEvent\.configurationItemSummary must be an object/],
    ['an array', [{}], /invokingEvent\.configurationItemSummary must be an object/],
  ])('configurationItemSummary %s', (_label, value, message) => {
    const event = withInvoking(fixture('instance-oversized.json'), (inv) => (inv.configurationItemSummary = value));
    expect(malformed(event).message).toMatch(message);
  });
});

describe('parseInvocation: each required item field', () => {
  const requiredFields = ['resourceType', 'resourceId', 'configurationItemStatus', 'configurationItemCaptureTime'];

  describe.each([
    ['configurationItem', 'instance-change-ok.json'],
    ['configurationItemSummary', 'instance-oversized.json'],
  ])('%s', (where, name) => {
    test.each(requiredFields)('%s missing', (field) => {
      const event = withItem(fixture(name), (item) => delete item[field]);
      expect(malformed(event).message).toMatch(new RegExp(`${where}\\.${field} must be a non-empty string \\(got undefined\\)`));
    });

    test.each(requiredFields)('%s empty', (field) => {
      const event = withItem(fixture(name), (item) => (item[field] = ''));
      expect(malformed(event).message).toContain(`${where}.${field} must be a non-empty string`);
    });

    test.each(requiredFields.flatMap((f) => [[f, 42, 'number'], [f, true, 'boolean'], [f, { v: 1 }, 'object'], [f, ['x'], 'array'], [f, null, 'null']]))(
      '%s of type %p',
      (field, value, type) => {
        const event = withItem(fixture(name), (item) => (item[field] = value));
        expect(malformed(event).message).toContain(`${where}.${field} must be a non-empty string (got ${type})`);
      },
    );

    test.each([
      ['lower case', 'ok'],
      ['unknown', 'ResourceUpdated'],
      ['padded', ' OK'],
    ])('configurationItemStatus %s', (_label, status) => {
      const event = withItem(fixture(name), (item) => (item.configurationItemStatus = status));
      expect(malformed(event).message).toMatch(/configurationItemStatus ".*" is not a known status/);
    });

    test.each([
      ['words', 'last tuesday'],
      ['a bare number', '1'],
      ['a year only', '2024'],
      ['an impossible date', '2024-02-30T09:12:44.318Z'],
      ['an impossible time', '2024-05-14T25:12:44.318Z'],
      ['a US date', '05/14/2024 09:12:44'],
      ['an RFC 2822 date', 'Tue, 14 May 2024 09:12:44 GMT'],
      ['epoch millis as text', '1715677964318'],
    ])('configurationItemCaptureTime that is %s', (_label, value) => {
      const event = withItem(fixture(name), (item) => (item.configurationItemCaptureTime = value));
      expect(malformed(event).message).toMatch(new RegExp(`${where}\\.configurationItemCaptureTime is not a timestamp`));
    });

    test.each([
      ['resourceName', 7],
      ['awsRegion', ['us-east-1']],
    ])('optional %s of the wrong type', (field, value) => {
      const event = withItem(fixture(name), (item) => (item[field] = value));
      expect(malformed(event).message).toContain(`${where}.${field} must be a string`);
    });

    test('a resourceId longer than AWS Config accepts (768) is refused', () => {
      const event = withItem(fixture(name), (item) => (item.resourceId = `i-${'0'.repeat(767)}`));
      expect(malformed(event).message).toMatch(new RegExp(`${where}\\.resourceId is 769 characters`));
      // 768 is fine.
      const ok = withItem(fixture(name), (item) => (item.resourceId = `i-${'0'.repeat(766)}`));
      expect(() => parseInvocation(ok)).not.toThrow();
    });
  });

  test.each([
    ['an array', [], /configuration must be an object \(got array\)/],
    ['a number', 3, /configuration must be an object \(got number\)/],
    ['a boolean', true, /configuration must be an object \(got boolean\)/],
    ['a non-JSON string', 'metadataOptions=required', /invokingEvent\.configurationItem\.configuration is not valid JSON/],
    ['a JSON array string', '[1]', /invokingEvent\.configurationItem\.configuration must be a JSON object/],
  ])('configuration that is %s', (_label, value, message) => {
    const event = withItem(fixture('instance-change-ok.json'), (item) => (item.configuration = value));
    expect(malformed(event).message).toMatch(message);
  });

  test.each(['OK', 'ResourceDiscovered'])('status %s with no configuration is refused', (status) => {
    const event = withItem(fixture('instance-change-deleted.json'), (item) => (item.configurationItemStatus = status));
    expect(malformed(event).message).toMatch(new RegExp(`has status ${status} but no configuration`));
  });

  test.each(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'])('status %s with a configuration is accepted', (status) => {
    const event = withItem(fixture('instance-change-ok.json'), (item) => (item.configurationItemStatus = status));
    expect(parseInvocation(event).message.kind).toBe('change');
  });

  test.each([
    ['a list', [{ key: 'a', value: 'b' }], /configurationItem\.tags must be an object map/],
    ['a string', 'a=b', /configurationItem\.tags must be an object map/],
    ['a map with a number value', { a: 1 }, /configurationItem\.tags\["a"\] must be a string/],
    ['a map with a null value', { a: null }, /configurationItem\.tags\["a"\] must be a string/],
  ])('item tags that are %s', (_label, value, message) => {
    const event = withItem(fixture('instance-change-ok.json'), (item) => (item.tags = value));
    expect(malformed(event).message).toMatch(message);
  });

  test('tags are copied into a map with no prototype', () => {
    const inv = parseInvocation(fixture('instance-change-ok.json'));
    if (inv.message.kind !== 'change') throw new Error('expected change');
    expect(Object.getPrototypeOf(inv.message.item.tags)).toBeNull();
  });
});

describe('parseInvocation: keys named after prototype properties are legal data', () => {
  const keys = ['__proto__', 'constructor', 'prototype'];

  /** Inserts `"<key>": value` as raw JSON text, since JSON.stringify cannot write a `__proto__` own key. */
  function rawInsert(json: string, anchor: string, key: string, value = '{"polluted":"yes"}'): string {
    const at = json.indexOf(anchor);
    if (at < 0) throw new Error(`anchor ${anchor} not found`);
    return `${json.slice(0, at)}"${key}":${value},${json.slice(at)}`;
  }

  function item(event: RawEvent): Json {
    const inv = parseInvocation(event);
    if (inv.message.kind !== 'change') throw new Error('expected change');
    return inv.message.item;
  }

  /** The key is an own, enumerable data property holding the JSON value, and the object has no prototype. */
  function expectOwnData(holder: Json, key: string, value: unknown): void {
    expect(Object.getPrototypeOf(holder)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(holder, key)).toMatchObject({ value, enumerable: true });
  }

  test.each(keys)('%s at the top of invokingEvent: parsed, the message unchanged', (key) => {
    const event = fixture('instance-change-ok.json');
    const inv = parseInvocation({ ...event, invokingEvent: `{"${key}":{"polluted":"yes"},${(event.invokingEvent as string).slice(1)}` });
    expect(inv.message.kind).toBe('change');
  });

  test.each(keys)('%s deep in the configuration: kept as plain data', (key) => {
    const event = fixture('instance-change-ok.json');
    const c = item({ ...event, invokingEvent: rawInsert(event.invokingEvent as string, '"httpTokens"', key, '"v"') }).configuration;
    expectOwnData(c.metadataOptions, key, 'v');
    expect(c.metadataOptions.httpTokens).toBe('optional');
  });

  test.each(keys)('%s inside an array element', (key) => {
    const event = fixture('instance-change-ok.json');
    const text = (event.invokingEvent as string).replace('"relatedEvents":[', `"relatedEvents":[{"${key}":{"polluted":"yes"}},`);
    expect(item({ ...event, invokingEvent: text }).resourceId).toBe('i-0a1b2c3d4e5f60718');
  });

  test.each(keys)('%s as an item tag key: an own tag, readable by key', (key) => {
    const event = fixture('instance-change-ok.json');
    const text = (event.invokingEvent as string).replace('"tags":{', `"tags":{"${key}":"2099-12-31",`);
    expect(text).not.toBe(event.invokingEvent);
    expectOwnData(item({ ...event, invokingEvent: text }).tags, key, '2099-12-31');
  });

  test('a lookup of a key the document lacks never reaches Object.prototype', () => {
    const { configuration, tags } = item(fixture('instance-change-ok.json'));
    for (const key of keys) {
      expect(configuration[key]).toBeUndefined();
      expect(tags[key]).toBeUndefined();
    }
  });

  test.each(keys)('%s in ruleParameters: parsed (the rule then refuses it as an unknown parameter)', (key) => {
    const inv = parseInvocation({ ...fixture('instance-change-ok.json'), ruleParameters: `{"${key}":{"polluted":"yes"},"maxHopLimit":"2"}` });
    expectOwnData(inv.ruleParameters, key, expect.anything());
  });

  test.each(keys)('%s in a configuration given as a JSON string (history items)', (key) => {
    const parsed = parseConfigurationItem({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      configurationItemStatus: 'OK',
      configurationItemCaptureTime: '2024-05-14T09:12:44.318Z',
      configuration: `{"instanceId":"i-1","${key}":{"polluted":"yes"}}`,
    });
    expectOwnData(parsed.configuration, key, expect.anything());
    expect(parsed.configuration?.instanceId).toBe('i-1');
  });

  test('keys that merely contain the words are fine', () => {
    const event = withItem(fixture('instance-change-ok.json'), (item) => {
      item.configuration.constructorName = 'x';
      item.configuration.__proto = 'y';
      item.tags.prototype_owner = 'z';
    });
    expect(parseInvocation(event).message.kind).toBe('change');
  });

  afterAll(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('parseConfigurationItem', () => {
  test('parses a configuration given as a JSON string', () => {
    const item = parseConfigurationItem({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-1',
      configurationItemStatus: 'OK',
      configurationItemCaptureTime: '2024-05-14T09:12:44.318Z',
      accountId: '123456789012',
      arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
      configuration: '{"metadataOptions":{"httpTokens":"required"}}',
    });
    expect(item.configuration).toEqual({ metadataOptions: { httpTokens: 'required' } });
    expect(item.awsAccountId).toBe('123456789012');
    expect(item.arn).toBe('arn:aws:ec2:us-east-1:123456789012:instance/i-1');
    expect({ ...item.tags }).toEqual({});
  });

  test('names the item with the caller-given location', () => {
    expect(() => parseConfigurationItem({ resourceType: 'x' }, 'GetResourceConfigHistory item')).toThrow(
      /^GetResourceConfigHistory item\.configurationItemStatus must be a non-empty string/,
    );
  });
});
