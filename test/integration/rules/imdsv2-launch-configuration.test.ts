// imdsv2-launch-configuration against moto, through the deployed bundle. Launch configurations are
// immutable, so the change path judges the item alone; the sweep lists them 100 a page. Config's
// resourceId for this type is the ARN. The front stands in for PutEvaluations,
// GetComplianceDetailsByConfigRule and GetResourceConfigHistory (moto lacks them).
import {
  CreateLaunchConfigurationCommand,
  DeleteLaunchConfigurationCommand,
  type InstanceMetadataOptions,
} from '@aws-sdk/client-auto-scaling';
import {
  changeEvent,
  DEFAULT_RULE_NAME,
  launchConfigurationItem,
  oversizedEvent,
  scheduledEvent,
  type ConfigurationItem,
} from '../harness';
import { AMI, at, byId, CAPTURE_TIME, expectSentAsReturned, invoke, invokeFailing, NOTIFICATION_TIME, single, useMotoSuite } from './support';

const ID = 'imdsv2-launch-configuration';
const TYPE = 'AWS::AutoScaling::LaunchConfiguration';
const ARN = /^arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:[^:]+:launchConfigurationName\//;
const s = useMotoSuite();

async function createLc(name: string, metadata?: InstanceMetadataOptions): Promise<void> {
  await s.autoscaling.send(
    new CreateLaunchConfigurationCommand({ LaunchConfigurationName: name, ImageId: AMI, InstanceType: 't3.micro', MetadataOptions: metadata }),
  );
}

const item = (name: string) => launchConfigurationItem(s.autoscaling, name, { captureTime: CAPTURE_TIME });
const onChange = (configurationItem: ConfigurationItem, ruleParameters?: Record<string, unknown>) =>
  invoke(s.front, ID, changeEvent({ configurationItem, ruleParameters }));

interface Case {
  readonly name: string;
  readonly lc: string;
  readonly metadata?: InstanceMetadataOptions;
  readonly params?: Record<string, unknown>;
  readonly verdict: 'COMPLIANT' | 'NON_COMPLIANT';
  readonly says: readonly string[];
}

const DEPRECATED = 'Launch configurations are deprecated: plan a move to a launch template.';
const MIGRATE = 'migrate the group to a launch template with MetadataOptions HttpTokens=required';
const CASES: readonly Case[] = [
  {
    name: 'Compliance 1: required, hop limit 1 (default maxHopLimit=1)',
    lc: 'lc-required-hop1',
    metadata: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    verdict: 'COMPLIANT',
    says: [`LC lc-required-hop1 requires IMDSv2: HttpTokens=required, hop limit 1. ${DEPRECATED}`],
  },
  {
    name: 'Compliance 2: required, hop limit 2 with maxHopLimit=2',
    lc: 'lc-required-hop2',
    metadata: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    params: { maxHopLimit: '2' },
    verdict: 'COMPLIANT',
    says: ['LC lc-required-hop2 requires IMDSv2: HttpTokens=required, hop limit 2.'],
  },
  {
    name: 'Compliance 3: required with no hop limit set (not flagged)',
    lc: 'lc-required',
    metadata: { HttpTokens: 'required' },
    verdict: 'COMPLIANT',
    says: ['LC lc-required requires IMDSv2: HttpTokens=required.'],
  },
  {
    name: 'Compliance 4: endpoint disabled',
    lc: 'lc-no-imds',
    metadata: { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
    verdict: 'COMPLIANT',
    says: ['LC lc-no-imds requires IMDSv2: IMDS endpoint disabled.'],
  },
  {
    name: 'Noncompliance: endpoint disabled with hop limit 3 over the default maxHopLimit=1 (AutoScaling.4 reads the hop limit whatever the endpoint)',
    lc: 'lc-no-imds-hop3',
    metadata: { HttpTokens: 'optional', HttpEndpoint: 'disabled', HttpPutResponseHopLimit: 3 },
    verdict: 'NON_COMPLIANT',
    says: ['LC lc-no-imds-hop3 allows too many hops: hop limit 3 > max 1 (even with the endpoint disabled).', 'HttpPutResponseHopLimit<=1'],
  },
  {
    name: 'Noncompliance 1: required, hop limit 2 under the default maxHopLimit=1 (AutoScaling.4)',
    lc: 'lc-required-hop2',
    metadata: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    verdict: 'NON_COMPLIANT',
    says: ['LC lc-required-hop2 allows too many hops: hop limit 2 > max 1.', 'HttpTokens=required, HttpPutResponseHopLimit<=1', 'imdsv2-launch-configuration'],
  },
  {
    name: 'Noncompliance 2: HttpTokens optional (AutoScaling.3)',
    lc: 'lc-optional',
    metadata: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 },
    verdict: 'NON_COMPLIANT',
    says: ['LC lc-optional does not require IMDSv2: HttpTokens=optional.', MIGRATE],
  },
  {
    name: 'Noncompliance 3: no MetadataOptions; the annotation recommends a launch template',
    lc: 'lc-bare',
    verdict: 'NON_COMPLIANT',
    says: ['LC lc-bare does not require IMDSv2: no MetadataOptions.', MIGRATE, '(SSM Automation document imdsv2-launch-configuration does it)'],
  },
];

describe('change notifications (ConfigurationItemChangeNotification)', () => {
  test.each(CASES)('$name', async (c) => {
    await createLc(c.lc, c.metadata);
    const configurationItem = await item(c.lc);
    expect(configurationItem.resourceId).toMatch(ARN);

    const inv = await onChange(configurationItem, c.params);

    const e = single(inv);
    // Config knows a launch configuration by its ARN: the evaluation uses it exactly.
    expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: configurationItem.resourceId, ComplianceType: c.verdict });
    expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
    for (const text of c.says) expect(e.Annotation).toContain(text);
    // Immutable: the item holds everything, nothing is read.
    expect(inv.calls.map((call) => call.operation)).toEqual(['PutEvaluations']);
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toEqual([
      expect.objectContaining({ resourceType: TYPE, resourceId: configurationItem.resourceId, complianceType: c.verdict }),
    ]);
  });

  test('Not applicable: a ResourceDeleted item (the LC was deleted)', async () => {
    await createLc('lc-old', { HttpTokens: 'optional' });
    const deleted = await launchConfigurationItem(s.autoscaling, 'lc-old', { captureTime: CAPTURE_TIME, status: 'ResourceDeleted' });
    await s.autoscaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'lc-old' }));

    const inv = await onChange(deleted);

    expect(single(inv)).toMatchObject({
      ComplianceResourceId: deleted.resourceId,
      ComplianceType: 'NOT_APPLICABLE',
      Annotation: 'Configuration item status ResourceDeleted.',
    });
    expect(inv.calls.map((call) => call.operation)).toEqual(['PutEvaluations']);
  });

  test('an oversized notification is completed from the front\'s GetResourceConfigHistory stand-in, keyed by the ARN', async () => {
    await createLc('lc-big', { HttpTokens: 'optional' });
    const recorded = await item('lc-big');
    s.front.config.putHistory(TYPE, recorded.resourceId, recorded);

    const inv = await invoke(
      s.front,
      ID,
      oversizedEvent({ resourceType: TYPE, resourceId: recorded.resourceId, resourceName: 'lc-big', arn: recorded.ARN, captureTime: CAPTURE_TIME, status: 'OK' }),
    );

    expect(single(inv)).toMatchObject({ ComplianceResourceId: recorded.resourceId, ComplianceType: 'NON_COMPLIANT' });
    expect(inv.returned[0].Annotation).toContain('LC lc-big does not require IMDSv2: HttpTokens=optional.');
  });
});

describe('periodic sweep (ScheduledNotification)', () => {
  test('101 launch configurations over two pages, each once by ARN; a vanished one becomes NOT_APPLICABLE; other types are left alone', async () => {
    // Every kind under the default parameters (maxHopLimit=1).
    const kinds = CASES.filter((c) => !c.params);
    for (const c of kinds) await createLc(c.lc, c.metadata);
    const fillers = Array.from({ length: 101 - kinds.length }, (_, i) => `lc-filler-${String(i).padStart(3, '0')}`);
    for (const name of fillers) await createLc(name, { HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    const arns = new Map<string, string>();
    for (const name of [...kinds.map((c) => c.lc), ...fillers]) arns.set(name, (await item(name)).resourceId);
    const gone = 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:00000000-0000-0000-0000-000000000000:launchConfigurationName/lc-gone';
    const otherType = {
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      resourceId: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:00000000-0000-0000-0000-000000000001:autoScalingGroupName/asg',
      complianceType: 'NON_COMPLIANT',
    } as const;
    s.front.config.seedResults(DEFAULT_RULE_NAME, [{ resourceType: TYPE, resourceId: gone, complianceType: 'NON_COMPLIANT' }, otherType]);

    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));

    expectSentAsReturned(inv);
    const sent = byId(inv);
    expect([...sent.keys()].sort()).toEqual([...arns.values(), gone].sort());
    expect(inv.returned.every((e) => e.ComplianceResourceType === TYPE && e.OrderingTimestamp.getTime() === at(NOTIFICATION_TIME).getTime())).toBe(true);
    expect(inv.puts.map((p) => p.evaluations.length)).toEqual([100, 2]);
    expect(inv.calls.filter((c) => c.operation === 'DescribeLaunchConfigurations').map((c) => [c.answeredBy, c.status])).toEqual([
      ['moto', 200],
      ['moto', 200],
    ]);
    for (const c of kinds) {
      const e = sent.get(arns.get(c.lc)!)!;
      expect(e.ComplianceType).toBe(c.verdict);
      for (const text of c.says) expect(e.Annotation).toContain(text);
    }
    expect(fillers.every((name) => sent.get(arns.get(name)!)!.ComplianceType === 'COMPLIANT')).toBe(true);
    expect(sent.get(gone)).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.' });
    const results = s.front.config.results(DEFAULT_RULE_NAME);
    expect(results).toContainEqual(expect.objectContaining(otherType));
    expect(results.map((r) => r.resourceId)).not.toContain(gone);
    expect(results).toHaveLength(102); // 101 launch configurations + the other type's result

    // The change path agrees with the sweep for every kind.
    for (const c of kinds) {
      const change = single(await onChange(await item(c.lc)));
      const swept = sent.get(arns.get(c.lc)!)!;
      expect([change.ComplianceType, change.Annotation]).toEqual([swept.ComplianceType, swept.Annotation]);
    }
  });
});

describe('typed errors through the bundle (built with keepNames)', () => {
  test('a malformed event (item without a resourceId) throws MalformedEventError and sends nothing', async () => {
    await createLc('lc-a', { HttpTokens: 'required' });
    const withoutId: Record<string, unknown> = { ...(await item('lc-a')) };
    delete withoutId.resourceId;
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: withoutId as unknown as ConfigurationItem }));
    expect(error.name).toBe('MalformedEventError');
    expect(error.message).toContain('resourceId');
  });

  test('maxHopLimit out of range throws InvalidParameterError and sends nothing', async () => {
    await createLc('lc-a', { HttpTokens: 'required' });
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: await item('lc-a'), ruleParameters: { maxHopLimit: '0' } }));
    expect(error.name).toBe('InvalidParameterError');
  });
});
