// imdsv2-instance against moto, through the deployed bundle (dist/lambda/imdsv2-instance/index.js),
// with Config events built from moto's state. The front stands in for PutEvaluations (moto accepts
// only TestMode), GetComplianceDetailsByConfigRule and GetResourceConfigHistory (moto lacks both).
import { ConfigServiceClient, DeleteEvaluationResultsCommand } from '@aws-sdk/client-config-service';
import {
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type InstanceMetadataOptionsRequest,
} from '@aws-sdk/client-ec2';
import {
  asDeleted,
  changeEvent,
  DEFAULT_RULE_NAME,
  instanceItem,
  oversizedEvent,
  scheduledEvent,
  type ConfigurationItem,
  type ConfigurationItemStatus,
} from '../harness';
import {
  AMI,
  at,
  byId,
  callsTo,
  CAPTURE_TIME,
  expectSentAsReturned,
  invoke,
  invokeFailing,
  NOTIFICATION_TIME,
  REGION,
  single,
  tagList,
  useMotoSuite,
} from './support';

const ID = 'imdsv2-instance';
const TYPE = 'AWS::EC2::Instance';
const EXEMPT = 'imdsv2-exempt';
const s = useMotoSuite();

async function runInstance(metadata: InstanceMetadataOptionsRequest, tags: Record<string, string> = {}): Promise<string> {
  const out = await s.ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: metadata,
      TagSpecifications: Object.keys(tags).length ? [{ ResourceType: 'instance', Tags: tagList(tags) }] : undefined,
    }),
  );
  return out.Instances![0].InstanceId!;
}

const item = (id: string, status?: ConfigurationItemStatus) => instanceItem(s.ec2, id, { captureTime: CAPTURE_TIME, status });
const onChange = (configurationItem: ConfigurationItem, ruleParameters?: Record<string, unknown>) =>
  invoke(s.front, ID, changeEvent({ configurationItem, ruleParameters }));

interface Case {
  readonly name: string;
  readonly metadata: InstanceMetadataOptionsRequest;
  readonly tags?: Record<string, string>;
  readonly params?: Record<string, unknown>;
  /** Moves the instance to this state after launch. */
  readonly then?: 'stop' | 'terminate';
  readonly verdict: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  /** Substrings of the annotation; `{id}` is the instance id. */
  readonly says: readonly string[];
  readonly saysNot?: readonly string[];
}

const exemptionParams = { exemptionTagKey: EXEMPT };
const CASES: readonly Case[] = [
  {
    name: 'Compliance 1: HttpTokens required',
    metadata: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    verdict: 'COMPLIANT',
    says: ['Requires IMDSv2: HttpTokens=required'],
    saysNot: ['Fix'],
  },
  {
    name: 'Compliance 2: endpoint disabled, tokens optional',
    metadata: { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
    verdict: 'COMPLIANT',
    says: ['IMDS endpoint disabled'],
    saysNot: ['HttpTokens=optional'],
  },
  {
    name: 'Compliance 3: hop limit 1 under maxHopLimit=2',
    metadata: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
    params: { maxHopLimit: '2' },
    verdict: 'COMPLIANT',
    says: ['HttpTokens=required, hop limit 1'],
  },
  {
    name: 'Compliance 4: required with an expired exemption tag keeps COMPLIANT and notes the stale tag',
    metadata: { HttpTokens: 'required' },
    tags: { [EXEMPT]: '2020-01-01 old ticket' },
    params: exemptionParams,
    verdict: 'COMPLIANT',
    says: [`Exemption ${EXEMPT} expired 2020-01-01.`],
  },
  {
    name: 'Noncompliance 1: HttpTokens optional',
    metadata: { HttpTokens: 'optional', HttpEndpoint: 'enabled' },
    verdict: 'NON_COMPLIANT',
    says: [
      'Does not require IMDSv2: HttpTokens=optional.',
      'Fix: aws ec2 modify-instance-metadata-options --instance-id {id} --http-tokens required --http-endpoint enabled --region us-east-1',
    ],
  },
  {
    name: 'Noncompliance 2: hop limit 3 over maxHopLimit=2',
    metadata: { HttpTokens: 'required', HttpPutResponseHopLimit: 3 },
    params: { maxHopLimit: '2' },
    verdict: 'NON_COMPLIANT',
    says: ['Allows too many hops: hop limit 3 > max 2.', '--instance-id {id}', '--http-put-response-hop-limit 2'],
  },
  {
    name: 'Noncompliance 3: exemption tag in the past',
    metadata: { HttpTokens: 'optional' },
    tags: { [EXEMPT]: '2020-01-01; SEC-1' },
    params: exemptionParams,
    verdict: 'NON_COMPLIANT',
    says: ['HttpTokens=optional', `Exemption ${EXEMPT} expired 2020-01-01.`, '--instance-id {id}'],
  },
  {
    name: 'Noncompliance 4: exemption tag that cannot be read',
    metadata: { HttpTokens: 'optional' },
    tags: { [EXEMPT]: 'when pigs fly' },
    params: exemptionParams,
    verdict: 'NON_COMPLIANT',
    says: [`Exemption ${EXEMPT}="when pigs fly" unreadable`],
  },
  {
    name: 'Noncompliance 5: a stopped instance is judged like a running one',
    metadata: { HttpTokens: 'optional' },
    then: 'stop',
    verdict: 'NON_COMPLIANT',
    says: ['HttpTokens=optional', '--instance-id {id}'],
  },
  {
    name: 'Not applicable 1: exemption tag in the future',
    metadata: { HttpTokens: 'optional' },
    tags: { [EXEMPT]: '2099-12-31 legacy agent, ticket SEC-42' },
    params: exemptionParams,
    verdict: 'NOT_APPLICABLE',
    says: [`Exempt until 2099-12-31 by tag ${EXEMPT}: legacy agent, ticket SEC-42.`],
  },
  {
    name: 'Not applicable 2: a terminated instance',
    metadata: { HttpTokens: 'optional' },
    then: 'terminate',
    verdict: 'NOT_APPLICABLE',
    says: ['{id} is terminated.'],
  },
];

async function prepare(c: Case): Promise<string> {
  const id = await runInstance(c.metadata, c.tags);
  if (c.then === 'stop') await s.ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  if (c.then === 'terminate') await s.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  return id;
}

function expectAnnotation(annotation: string, c: Case, id: string): void {
  for (const text of c.says) expect(annotation).toContain(text.replace('{id}', id));
  for (const text of c.saysNot ?? []) expect(annotation).not.toContain(text);
}

describe('change notifications (ConfigurationItemChangeNotification)', () => {
  test.each(CASES)('$name', async (c) => {
    const id = await prepare(c);
    const configurationItem = await item(id);
    if (c.then) {
      const expected = c.then === 'stop' ? 'stopped' : 'terminated';
      expect(configurationItem.configuration).toMatchObject({ state: { name: expected } });
    }

    const inv = await onChange(configurationItem, c.params);

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: id, ComplianceType: c.verdict });
    expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
    expectAnnotation(e.Annotation, c, id);
    // The item carries the metadata options: nothing else is read.
    expect(callsTo(inv, 'ec2')).toEqual([]);
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toEqual(
      c.verdict === 'NOT_APPLICABLE' ? [] : [expect.objectContaining({ resourceId: id, complianceType: c.verdict })],
    );
  });

  test('an item recorded without metadataOptions is completed from DescribeInstances', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const full = await item(id);
    const configuration = { ...full.configuration };
    delete configuration.metadataOptions;
    const inv = await onChange({ ...full, configuration });

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NON_COMPLIANT' });
    expect(e.Annotation).toContain('HttpTokens=optional');
    expect(callsTo(inv, 'ec2').map((c) => [c.operation, c.answeredBy])).toEqual([['DescribeInstances', 'moto']]);
  });

  test.each<ConfigurationItemStatus>(['ResourceDeleted', 'ResourceDeletedNotRecorded'])(
    'Not applicable: a %s item, without a single EC2 call',
    async (status) => {
      const id = await runInstance({ HttpTokens: 'optional' });
      await s.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      const deleted = asDeleted(await item(id), status);

      const inv = await onChange(deleted);

      const e = single(inv);
      expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE' });
      expect(e.Annotation).toBe(`Configuration item status ${status}.`);
      expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
      expect(callsTo(inv, 'ec2')).toEqual([]);
    },
  );

  test('Not applicable: eventLeftScope, even for an instance that allows IMDSv1', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const inv = await invoke(s.front, ID, changeEvent({ configurationItem: await item(id), eventLeftScope: true }));

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource left the rule scope.' });
    expect(callsTo(inv, 'ec2')).toEqual([]);
  });

  test('a TESTMODE result token sends PutEvaluations with TestMode true, and Config records nothing', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const inv = await invoke(s.front, ID, changeEvent({ configurationItem: await item(id), resultToken: 'TESTMODE' }));

    const e = single(inv, { testMode: true });
    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NON_COMPLIANT' });
    expect(inv.puts).toEqual([expect.objectContaining({ resultToken: 'TESTMODE', testMode: true })]);
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toEqual([]);
  });

  test('an item of another resource type throws WrongResourceTypeError and sends nothing', async () => {
    const id = await runInstance({ HttpTokens: 'required' });
    const wrong = { ...(await item(id)), resourceType: 'AWS::EC2::LaunchTemplate' };
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: wrong }));
    expect(error.name).toBe('WrongResourceTypeError');
    expect(error.message).toContain('AWS::EC2::Instance');
  });
});

describe('oversized notifications (the front stands in for GetResourceConfigHistory, which moto lacks for EC2)', () => {
  test('the item is read from the configuration history and evaluated', async () => {
    const id = await runInstance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    const recorded = await item(id);
    s.front.config.putHistory(TYPE, id, recorded);

    const inv = await invoke(
      s.front,
      ID,
      oversizedEvent({ resourceType: TYPE, resourceId: id, captureTime: CAPTURE_TIME, status: 'OK' }),
    );

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: id, ComplianceType: 'NON_COMPLIANT' });
    expect(e.Annotation).toContain('HttpTokens=optional');
    expect(e.Annotation).toContain(`--instance-id ${id}`);
    expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
    expect(inv.calls.filter((c) => c.operation === 'GetResourceConfigHistory')).toEqual([
      expect.objectContaining({ answeredBy: 'front', status: 200, input: expect.objectContaining({ resourceId: id, limit: 1 }) }),
    ]);
    expect(callsTo(inv, 'ec2')).toEqual([]);
  });

  test('a compliant item read from the history is COMPLIANT', async () => {
    const id = await runInstance({ HttpTokens: 'required' });
    s.front.config.putHistory(TYPE, id, await item(id));
    const inv = await invoke(s.front, ID, oversizedEvent({ resourceType: TYPE, resourceId: id, captureTime: CAPTURE_TIME, status: 'OK' }));
    expect(single(inv)).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'COMPLIANT' });
  });

  test('a history whose newest item is a deletion (configuration "null") gives NOT_APPLICABLE, nothing else read', async () => {
    // Regression: the kit read the history's JSON-string configuration "null" as a malformed item.
    const id = await runInstance({ HttpTokens: 'optional' });
    s.front.config.putHistory(TYPE, id, asDeleted(await item(id)));
    const inv = await invoke(s.front, ID, oversizedEvent({ resourceType: TYPE, resourceId: id, captureTime: CAPTURE_TIME, status: 'OK' }));
    expect(single(inv)).toMatchObject({
      ComplianceResourceId: id,
      ComplianceType: 'NOT_APPLICABLE',
      Annotation: 'Configuration item status ResourceDeleted.',
    });
    expect(inv.calls.map((c) => c.operation)).toEqual(['GetResourceConfigHistory', 'PutEvaluations']);
  });

  test('no history for the resource: ResourceFetchError, nothing sent', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const error = await invokeFailing(
      s.front,
      ID,
      oversizedEvent({ resourceType: TYPE, resourceId: id, captureTime: CAPTURE_TIME, status: 'OK' }),
    );
    expect(error.name).toBe('ResourceFetchError');
    expect(error.message).toContain('GetResourceConfigHistory');
  });
});

describe('periodic sweep (ScheduledNotification)', () => {
  test('every instance once with the same verdict as its change notification; a vanished result becomes NOT_APPLICABLE; other types are left alone', async () => {
    const params = { maxHopLimit: '2', exemptionTagKey: EXEMPT };
    const picked = CASES.filter((c) => !c.params || c.params === exemptionParams || c.params.maxHopLimit === '2');
    const ids = await Promise.all(picked.map(prepare));
    const gone = 'i-0123456789abcdef0';
    const otherType = { resourceType: 'AWS::EC2::LaunchTemplate', resourceId: 'lt-0123456789abcdef0', complianceType: 'NON_COMPLIANT' } as const;
    s.front.config.seedResults(DEFAULT_RULE_NAME, [
      { resourceType: TYPE, resourceId: gone, complianceType: 'NON_COMPLIANT' },
      { resourceType: TYPE, resourceId: ids[0], complianceType: 'NON_COMPLIANT' },
      otherType,
    ]);

    const inv = await invoke(s.front, ID, scheduledEvent({ ruleParameters: params, notificationCreationTime: NOTIFICATION_TIME }));

    const sent = byId(inv);
    expect([...sent.keys()].sort()).toEqual([...ids, gone].sort());
    for (const e of inv.returned) {
      expect(e.ComplianceResourceType).toBe(TYPE);
      expect(e.OrderingTimestamp).toEqual(at(NOTIFICATION_TIME));
    }
    picked.forEach((c, i) => {
      expect(sent.get(ids[i])).toMatchObject({ ComplianceType: c.verdict });
      expectAnnotation(sent.get(ids[i])!.Annotation, c, ids[i]);
    });
    expect(sent.get(gone)).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.' });
    expect(inv.puts).toHaveLength(1);
    expect(inv.calls.filter((c) => c.operation === 'GetComplianceDetailsByConfigRule')).toHaveLength(1);

    // What Config now lists: the vanished instance is gone, the other type's result is untouched.
    const results = s.front.config.results(DEFAULT_RULE_NAME);
    expect(results.map((r) => r.resourceId)).not.toContain(gone);
    expect(results).toContainEqual(expect.objectContaining(otherType));
    expect(results.find((r) => r.resourceId === ids[0])).toMatchObject({ complianceType: 'COMPLIANT' });

    // The change path agrees with the sweep, verdict and annotation, for every instance.
    for (const id of ids) {
      const change = single(await onChange(await item(id), params));
      expect([change.ComplianceType, change.Annotation]).toEqual([sent.get(id)!.ComplianceType, sent.get(id)!.Annotation]);
    }
  });

  test('1,050 instances in 1,001 reservations: two DescribeInstances pages, each instance once, 11 PutEvaluations of at most 100', async () => {
    // moto pages DescribeInstances by reservation (AWS by instance), so a second page needs more than
    // 1,000 reservations: 1,000 launches of one instance (created straight at moto) and one of 50.
    const launch = (count: number, tokens: 'required' | 'optional') =>
      s.motoEc2.send(
        new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.nano', MinCount: count, MaxCount: count, MetadataOptions: { HttpTokens: tokens } }),
      );
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) {
          next += 1;
          await launch(1, 'required');
        }
      }),
    );
    const optional = (await launch(50, 'optional')).Instances!.map((i) => i.InstanceId!);
    const gone = 'i-0fedcba9876543210';
    s.front.config.seedResults(DEFAULT_RULE_NAME, [{ resourceType: TYPE, resourceId: gone, complianceType: 'COMPLIANT' }]);

    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));

    expectSentAsReturned(inv);
    expect(inv.returned).toHaveLength(1051);
    expect(inv.calls.filter((c) => c.operation === 'DescribeInstances')).toEqual([
      expect.objectContaining({ answeredBy: 'moto', status: 200 }),
      expect.objectContaining({ answeredBy: 'moto', status: 200 }),
    ]);
    expect(inv.puts.map((p) => p.evaluations.length)).toEqual([...Array(10).fill(100), 51]);
    const tally = (type: string) => inv.returned.filter((e) => e.ComplianceType === type).map((e) => e.ComplianceResourceId);
    expect(tally('COMPLIANT')).toHaveLength(1000);
    expect(tally('NON_COMPLIANT').sort()).toEqual([...optional].sort());
    expect(tally('NOT_APPLICABLE')).toEqual([gone]);
    // The results are read before the listing: only the seeded one is held yet, one page.
    expect(inv.calls.filter((c) => c.operation === 'GetComplianceDetailsByConfigRule')).toHaveLength(1);
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toHaveLength(1050);

    // The next sweep reads the 1,050 results back (100 a call) and, nothing having changed, records nothing.
    const again = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));
    expect(again.returned).toEqual([]);
    expect(again.puts).toHaveLength(0);
    expect(again.calls.filter((c) => c.operation === 'GetComplianceDetailsByConfigRule')).toHaveLength(11);
  }, 120_000);

  test('records only what changed against the stand-in\'s stored results: first sweep all, unchanged 0, one changed 1, deleted results re-sent, an expired exemption flips', async () => {
    // The Config stand-in keeps the results every sweep records (stateful across invocations), as
    // Config does; GetComplianceDetailsByConfigRule reads them back, DeleteEvaluationResults clears them.
    const params = { exemptionTagKey: EXEMPT };
    const sweep = () => invoke(s.front, ID, scheduledEvent({ ruleParameters: params, notificationCreationTime: NOTIFICATION_TIME }));
    const optional = await Promise.all(Array.from({ length: 4 }, () => runInstance({ HttpTokens: 'optional' })));
    const required = await Promise.all(Array.from({ length: 5 }, () => runInstance({ HttpTokens: 'required' })));
    // An exemption ending a few seconds from now: exempt in the first sweeps, expired by the last.
    const until = new Date(Date.now() + 6_000);
    const exempt = await runInstance({ HttpTokens: 'optional' }, { [EXEMPT]: `${until.toISOString().slice(0, 19)}Z ticket SEC-1` });
    const all = [...optional, ...required, exempt];

    const first = await sweep();
    expect(first.returned.map((e) => e.ComplianceResourceId).sort()).toEqual([...all].sort());
    expect(s.front.config.evaluations({ testMode: false })).toHaveLength(all.length);
    const exemptVerdict = byId(first).get(exempt)!;
    expect(exemptVerdict.ComplianceType).not.toBe('NON_COMPLIANT');

    const unchanged = await sweep();
    expect(unchanged.returned).toEqual([]);
    expect(unchanged.puts).toHaveLength(0);
    expect(callsTo(unchanged, 'config').map((c) => c.operation)).toEqual(['GetComplianceDetailsByConfigRule']);

    // One instance fixed: one evaluation. (moto resets unsent fields; the verdict only needs the tokens.)
    await s.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: optional[0], HttpTokens: 'required', HttpEndpoint: 'enabled' }));
    const oneChanged = await sweep();
    expect(oneChanged.returned.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([[optional[0], 'COMPLIANT']]);
    expect(oneChanged.puts).toHaveLength(1);

    // Someone deletes the rule's results (console "Delete results", or the API): the next sweep sends them all again.
    const config = new ConfigServiceClient({ region: REGION, endpoint: s.front.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await config.send(new DeleteEvaluationResultsCommand({ ConfigRuleName: DEFAULT_RULE_NAME }));
    config.destroy();
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toEqual([]);
    const resent = await sweep();
    expect(resent.returned.map((e) => e.ComplianceResourceId).sort()).toEqual([...all].sort());
    expect(s.front.config.allResults(DEFAULT_RULE_NAME)).toHaveLength(all.length);

    // The exemption ends: that instance alone flips to NON_COMPLIANT.
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now() + 250)));
    const expired = await sweep();
    expect(expired.returned.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([[exempt, 'NON_COMPLIANT']]);
    expect(s.front.config.results(DEFAULT_RULE_NAME).find((r) => r.resourceId === exempt)).toMatchObject({ complianceType: 'NON_COMPLIANT' });
  }, 60_000);

  test('TESTMODE sweep sends every batch in test mode', async () => {
    await runInstance({ HttpTokens: 'required' });
    await runInstance({ HttpTokens: 'optional' });
    const inv = await invoke(s.front, ID, scheduledEvent({ resultToken: 'TESTMODE', notificationCreationTime: NOTIFICATION_TIME }));
    expectSentAsReturned(inv, { testMode: true });
    expect(inv.returned.map((e) => e.ComplianceType).sort()).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
  });
});

describe('typed errors through the bundle (built with keepNames)', () => {
  test('a malformed event throws MalformedEventError and sends nothing', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const event = { ...changeEvent({ configurationItem: await item(id) }), invokingEvent: '{"messageType": ' };
    const error = await invokeFailing(s.front, ID, event);
    expect(error.name).toBe('MalformedEventError');
    expect(error.code).toBe('MalformedEvent');
    expect(s.front.calls).toHaveLength(2); // the test's own RunInstances and DescribeInstances
  });

  test('a bad rule parameter throws InvalidParameterError and sends nothing', async () => {
    const id = await runInstance({ HttpTokens: 'optional' });
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: await item(id), ruleParameters: { maxHopLimit: '65' } }));
    expect(error.name).toBe('InvalidParameterError');
    expect(error.message).toContain('maxHopLimit');
  });
});
