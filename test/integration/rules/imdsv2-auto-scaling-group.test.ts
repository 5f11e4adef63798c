// imdsv2-auto-scaling-group against moto, through the deployed bundle: the group is re-read live,
// its launch sources resolved to the exact version it launches, and its instances' metadata options
// read. Config's resourceId for this type is the ARN. The front stands in for PutEvaluations and
// GetComplianceDetailsByConfigRule (moto lacks them) and for GetInstanceMetadataDefaults.
import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteAutoScalingGroupCommand,
  EnterStandbyCommand,
  PutWarmPoolCommand,
  type CreateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DeregisterImageCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { asDeleted, autoScalingGroupItem, changeEvent, DEFAULT_RULE_NAME, scheduledEvent, type ConfigurationItem } from '../harness';
import {
  AMI,
  at,
  byId,
  callsTo,
  CAPTURE_TIME,
  createTemplate,
  invoke,
  invokeFailing,
  NOTIFICATION_TIME,
  OPTIONAL,
  REGION,
  REQUIRED,
  single,
  useMotoSuite,
} from './support';

const ID = 'imdsv2-auto-scaling-group';
const TYPE = 'AWS::AutoScaling::AutoScalingGroup';
const ARN = /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[^:]+:autoScalingGroupName\//;
const s = useMotoSuite();

type Source = Pick<CreateAutoScalingGroupCommandInput, 'LaunchConfigurationName' | 'LaunchTemplate' | 'MixedInstancesPolicy'>;

/** A group with `size` instances (0 by default: most cases judge only the launch source). */
async function createGroup(name: string, source: Source, size = 0, tags: Record<string, string> = {}): Promise<void> {
  await s.autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      ...source,
      MinSize: size,
      MaxSize: Math.max(size, 1),
      DesiredCapacity: size,
      AvailabilityZones: ['us-east-1a'],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: false })),
    }),
  );
}

async function createLc(name: string, tokens?: 'required' | 'optional'): Promise<void> {
  await s.autoscaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: name,
      ImageId: AMI,
      InstanceType: 't3.micro',
      MetadataOptions: tokens ? { HttpTokens: tokens, HttpPutResponseHopLimit: 1 } : undefined,
    }),
  );
}

const item = (name: string) => autoScalingGroupItem(s.autoscaling, name, { captureTime: CAPTURE_TIME });
const onChange = (configurationItem: ConfigurationItem, ruleParameters?: Record<string, unknown>) =>
  invoke(s.front, ID, changeEvent({ configurationItem, ruleParameters }));

/** Evaluates the group on a change notification; checks the id is the item's ARN. */
async function judge(name: string, ruleParameters?: Record<string, unknown>) {
  const configurationItem = await item(name);
  expect(configurationItem.resourceId).toMatch(ARN);
  const inv = await onChange(configurationItem, ruleParameters);
  const e = single(inv);
  expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: configurationItem.resourceId });
  expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
  return { e, inv, arn: configurationItem.resourceId };
}

const refresh = (group: string) => `aws autoscaling start-instance-refresh --auto-scaling-group-name ${group} --region ${REGION}`;

describe('launch sources (change notifications)', () => {
  test('Noncompliance 1: a launch configuration that allows IMDSv1; the fix is the migration document', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-lc', { LaunchConfigurationName: 'lc-old' });

    const { e, inv } = await judge('asg-lc');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^LC lc-old: HttpTokens=optional\. /);
    expect(e.Annotation).toContain(`(SSM document imdsv2-launch-configuration), then ${refresh('asg-lc')}`);
    expect(callsTo(inv, 'autoscaling').map((c) => c.operation)).toEqual(['DescribeAutoScalingGroups', 'DescribeLaunchConfigurations']);
  });

  test('Compliance 1: a launch configuration that requires IMDSv2, no instances', async () => {
    await createLc('lc-new', 'required');
    await createGroup('asg-lc', { LaunchConfigurationName: 'lc-new' });
    const { e } = await judge('asg-lc');
    expect(e).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: 'Sources require IMDSv2 and no live instance accepts IMDSv1: LC lc-new: HttpTokens=required.',
    });
  });

  // One template: v1 requires IMDSv2 (the default), v2 allows IMDSv1 (the latest).
  test.each([
    { version: '$Default', verdict: 'COMPLIANT', label: 'v1 $Default: HttpTokens=required' },
    { version: '$Latest', verdict: 'NON_COMPLIANT', label: 'v2 $Latest: HttpTokens=optional' },
    { version: '2', verdict: 'NON_COMPLIANT', label: 'v2: HttpTokens=optional' },
    { version: '1', verdict: 'COMPLIANT', label: 'v1: HttpTokens=required' },
  ])('a launch template at $version is judged at exactly that version: $verdict', async ({ version, verdict, label }) => {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED, OPTIONAL]);
    await createGroup('asg-lt', { LaunchTemplate: { LaunchTemplateId: lt, Version: version } });

    const { e } = await judge('asg-lt');

    expect(e.ComplianceType).toBe(verdict);
    expect(e.Annotation).toContain(`LT ${lt} (web) ${label}`);
    if (verdict === 'NON_COMPLIANT') {
      expect(e.Annotation).toContain('aws ec2 create-launch-template-version');
      expect(e.Annotation).toContain(refresh('asg-lt'));
    }
  });

  test('a group at $Default follows a changed default version (ModifyLaunchTemplate)', async () => {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED, OPTIONAL]);
    await createGroup('asg-lt', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } });
    expect((await judge('asg-lt')).e.ComplianceType).toBe('COMPLIANT');

    await s.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt, DefaultVersion: '2' }));

    const { e } = await judge('asg-lt');
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(new RegExp(`^LT ${lt} \\(web\\) v2 \\$Default: HttpTokens=optional\\. `));
  });

  test('Noncompliance 2: a MixedInstancesPolicy whose override points to another, non-compliant template names that template', async () => {
    const good = await createTemplate(s.ec2, 'good', [REQUIRED]);
    const bad = await createTemplate(s.ec2, 'legacy', [OPTIONAL]);
    await createGroup('asg-mixed', {
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: good, Version: '$Default' },
          Overrides: [
            { InstanceType: 't3.micro' },
            { InstanceType: 't3.small', LaunchTemplateSpecification: { LaunchTemplateId: bad, Version: '$Latest' } },
          ],
        },
      },
    });

    const { e } = await judge('asg-mixed');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(new RegExp(`^LT ${bad} \\(legacy\\) v1 \\$Latest: HttpTokens=optional\\. `));
    expect(e.Annotation).not.toContain(good);
  });

  test('Compliance 2: a MixedInstancesPolicy whose templates all require IMDSv2 lists each', async () => {
    const a = await createTemplate(s.ec2, 'a', [REQUIRED]);
    const b = await createTemplate(s.ec2, 'b', [{ HttpTokens: 'optional', HttpEndpoint: 'disabled' }]);
    await createGroup('asg-mixed', {
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: a, Version: '$Default' },
          Overrides: [{ InstanceType: 't3.small', LaunchTemplateSpecification: { LaunchTemplateId: b, Version: '1' } }],
        },
      },
    });
    const { e } = await judge('asg-mixed');
    expect(e).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: `Sources require IMDSv2 and no live instance accepts IMDSv1: LT ${a} (a) v1 $Default: HttpTokens=required; LT ${b} (b) v1: IMDS endpoint disabled.`,
    });
  });

  test('Noncompliance 3: the template the group launches from was deleted: cannot verify', async () => {
    const lt = await createTemplate(s.ec2, 'doomed', [REQUIRED]);
    await createGroup('asg-orphan', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } });
    await s.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: lt }));

    const { e } = await judge('asg-orphan');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(new RegExp(`^cannot verify: LT ${lt} \\(doomed\\) \\$Default not found\\. `));
  });

  test('Not applicable: tag keys __proto__ and constructor are legal; an exemption under __proto__ is honoured', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-proto', { LaunchConfigurationName: 'lc-old' }, 0, { ...JSON.parse('{"__proto__":"2099-06-30 vendor"}'), constructor: 'x' });
    const configurationItem = await item('asg-proto');
    expect(Object.keys(configurationItem.tags ?? {})).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    const { e } = await judge('asg-proto', { exemptionTagKey: '__proto__' });
    expect(e).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'Exempt until 2099-06-30 by tag __proto__: vendor.' });
    const other = await judge('asg-proto', { exemptionTagKey: 'prototype' });
    expect(other.e.ComplianceType).toBe('NON_COMPLIANT');
  });

  test('Not applicable: an active exemption tag on the group', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-exempt', { LaunchConfigurationName: 'lc-old' }, 0, { 'imdsv2-exempt': '2099-06-30T12:00Z; migration SEC-7' });
    const { e } = await judge('asg-exempt', { exemptionTagKey: 'imdsv2-exempt' });
    expect(e).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'Exempt until 2099-06-30 by tag imdsv2-exempt: migration SEC-7.' });
  });
});

describe('live instances', () => {
  test("Noncompliance 4: moto's default metadata options for ASG-launched instances make the instances stale: sources require IMDSv2, the instances do not", async () => {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED]);
    await createGroup('asg-stale', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } }, 2);
    const configurationItem = await item('asg-stale');
    const instances = (configurationItem.configuration!.instances as Array<{ instanceId: string }>).map((i) => i.instanceId);
    expect(instances).toHaveLength(2);

    const { e, inv } = await judge('asg-stale');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toBe(
      `Sources require IMDSv2 but 2 in-service instance(s) still accept IMDSv1 (${instances.join(', ')}). Fix: ${refresh('asg-stale')}`,
    );
    expect(callsTo(inv, 'ec2').map((c) => c.operation)).toEqual(['DescribeLaunchTemplateVersions', 'DescribeInstances']);
  });

  test('Compliance 3: the same stale group with checkInstances=false judges only the sources', async () => {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED]);
    await createGroup('asg-stale', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } }, 2);

    const { e, inv } = await judge('asg-stale', { checkInstances: 'false' });

    expect(e).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: `Sources require IMDSv2 (instances not checked): LT ${lt} (web) v1 $Default: HttpTokens=required.`,
    });
    expect(inv.calls.map((c) => c.operation)).not.toContain('DescribeInstances');
  });

  test('Compliance 4: once every instance requires IMDSv2 (as after an instance refresh) the group is COMPLIANT', async () => {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED]);
    await createGroup('asg-fixed', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } }, 2);
    const instances = ((await item('asg-fixed')).configuration!.instances as Array<{ instanceId: string }>).map((i) => i.instanceId);
    // moto's ModifyInstanceMetadataOptions resets what it is not sent: send the endpoint and hop limit too.
    for (const id of instances) {
      await s.ec2.send(
        new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 }),
      );
    }
    const [fixed, stillStale] = instances;
    await s.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: stillStale, HttpTokens: 'optional', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 }));
    const half = (await judge('asg-fixed')).e;
    expect(half.ComplianceType).toBe('NON_COMPLIANT');
    expect(half.Annotation).toContain(`1 in-service instance(s) still accept IMDSv1 (${stillStale})`);
    expect(half.Annotation).not.toContain(fixed);

    await s.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: stillStale, HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 }));

    const { e } = await judge('asg-fixed');
    expect(e).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: `Sources require IMDSv2 and no live instance accepts IMDSv1: LT ${lt} (web) v1 $Default: HttpTokens=required.`,
    });
  });
});

describe('Standby and warm-pool instances count: they serve again without a new launch', () => {
  /** A group from a template that requires IMDSv2, with `size` instances moto launched with IMDSv1 allowed. */
  async function staleGroup(name: string, size: number): Promise<string[]> {
    const lt = await createTemplate(s.ec2, 'web', [REQUIRED]);
    await createGroup(name, { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Default' } }, size);
    return ((await item(name)).configuration!.instances as Array<{ instanceId: string }>).map((i) => i.instanceId);
  }
  const requireV2 = (id: string) =>
    s.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 }));

  test('Noncompliance: an instance put in Standby (moto EnterStandby) that accepts IMDSv1 is named; the fix deals with standby', async () => {
    const [serving, parked] = await staleGroup('asg-standby', 2);
    await requireV2(serving);
    await s.autoscaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'asg-standby', InstanceIds: [parked], ShouldDecrementDesiredCapacity: true }));
    const states = ((await item('asg-standby')).configuration!.instances as Array<{ instanceId: string; lifecycleState: string }>).map((i) => [i.instanceId, i.lifecycleState]);
    expect(states).toContainEqual([parked, 'Standby']);

    const { e } = await judge('asg-standby');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toBe(
      `Sources require IMDSv2 but 1 instance(s) still accept IMDSv1 (${parked} standby). ` +
        `Fix: ${refresh('asg-standby')} --preferences StandbyInstances=Terminate (or exit standby)`,
    );
    expect(e.Annotation).not.toContain(serving);
  });

  test('Compliance: the same Standby instance once it requires IMDSv2', async () => {
    const [serving, parked] = await staleGroup('asg-standby', 2);
    await requireV2(serving);
    await requireV2(parked);
    await s.autoscaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'asg-standby', InstanceIds: [parked], ShouldDecrementDesiredCapacity: true }));
    expect((await judge('asg-standby')).e.ComplianceType).toBe('COMPLIANT');
  });

  test('Noncompliance: warm-pool instances (the front stands in for DescribeWarmPool, whose instances moto never keeps): Warmed:Stopped counts, Warmed:Terminating does not', async () => {
    const [serving] = await staleGroup('asg-warm', 1);
    await requireV2(serving);
    await s.autoscaling.send(new PutWarmPoolCommand({ AutoScalingGroupName: 'asg-warm', PoolState: 'Stopped', MinSize: 2 }));
    const run = await s.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 3, MaxCount: 3, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'optional' } }));
    const [warmed, hibernated, leaving] = run.Instances!.map((i) => i.InstanceId!);
    s.front.autoscaling.setWarmPool(REGION, 'asg-warm', [
      { instanceId: warmed, lifecycleState: 'Warmed:Stopped' },
      { instanceId: hibernated, lifecycleState: 'Warmed:Hibernated' },
      { instanceId: leaving, lifecycleState: 'Warmed:Terminating:Wait' },
    ]);

    const { e, inv } = await judge('asg-warm');

    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toBe(
      `Sources require IMDSv2 but 2 instance(s) still accept IMDSv1 (${warmed} warm pool, ${hibernated} warm pool). Fix: ${refresh('asg-warm')}`,
    );
    expect(inv.calls.filter((c) => c.operation === 'DescribeWarmPool').map((c) => c.answeredBy)).toEqual(['front']);
    // The warm pool's instances are read with the group's, in the same DescribeInstances call.
    expect(callsTo(inv, 'ec2').map((c) => c.operation)).toEqual(['DescribeLaunchTemplateVersions', 'DescribeInstances']);
  });

  test('a group without a warm pool costs no DescribeWarmPool call; with checkInstances=false no group does', async () => {
    await staleGroup('asg-plain', 1);
    expect((await judge('asg-plain')).inv.calls.map((c) => c.operation)).not.toContain('DescribeWarmPool');
    await s.autoscaling.send(new PutWarmPoolCommand({ AutoScalingGroupName: 'asg-plain', PoolState: 'Stopped' }));
    expect((await judge('asg-plain')).inv.calls.map((c) => c.operation)).toContain('DescribeWarmPool');
    expect((await judge('asg-plain', { checkInstances: 'false' })).inv.calls.map((c) => c.operation)).not.toContain('DescribeWarmPool');
  });

  test('the periodic sweep sees the warm pool too', async () => {
    const [serving] = await staleGroup('asg-warm', 1);
    await requireV2(serving);
    await s.autoscaling.send(new PutWarmPoolCommand({ AutoScalingGroupName: 'asg-warm', PoolState: 'Running' }));
    const run = await s.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'optional' } }));
    s.front.autoscaling.setWarmPool(REGION, 'asg-warm', [{ instanceId: run.Instances![0].InstanceId!, lifecycleState: 'Warmed:Running' }], 'Running');
    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));
    expect(inv.returned.map((r) => [r.ComplianceType, r.Annotation.includes(`${run.Instances![0].InstanceId} warm pool`)])).toEqual([['NON_COMPLIANT', true]]);
  });
});

describe('an AMI that cannot be read never stops the rule (acceptInheritedDefaults)', () => {
  test('Noncompliance: a source on a deregistered AMI says it cannot verify; the other groups are judged', async () => {
    const run = await s.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    const image = await s.ec2.send(new CreateImageCommand({ InstanceId: run.Instances![0].InstanceId!, Name: 'short-lived' }));
    await s.ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId! }));
    const lt = await s.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'gone-ami', LaunchTemplateData: { ImageId: image.ImageId!, InstanceType: 't3.micro' } }));
    await createGroup('asg-gone-ami', { LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId!, Version: '$Default' } });
    const good = await createTemplate(s.ec2, 'good', [REQUIRED]);
    await createGroup('asg-good', { LaunchTemplate: { LaunchTemplateId: good, Version: '$Default' } });

    const inv = await invoke(s.front, ID, scheduledEvent({ ruleParameters: { acceptInheritedDefaults: 'true' }, notificationCreationTime: NOTIFICATION_TIME }));

    const verdicts = new Map(inv.returned.map((r) => [r.ComplianceResourceId.split('/').pop(), r]));
    expect(verdicts.get('asg-gone-ami')?.ComplianceType).toBe('NON_COMPLIANT');
    expect(verdicts.get('asg-gone-ami')?.Annotation).toContain(`no MetadataOptions; cannot verify the AMI's ImdsSupport: ${image.ImageId} not found`);
    expect(verdicts.get('asg-good')?.ComplianceType).toBe('COMPLIANT');
  });
});

describe('acceptInheritedDefaults (the front stands in for GetInstanceMetadataDefaults, which moto lacks)', () => {
  test('Compliance: a template version without MetadataOptions inherits the account default HttpTokens=required', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const lt = await createTemplate(s.ec2, 'bare', [undefined]);
    await createGroup('asg-inherits', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Latest' } });

    const { e, inv } = await judge('asg-inherits', { acceptInheritedDefaults: 'true' });

    expect(e.ComplianceType).toBe('COMPLIANT');
    expect(e.Annotation).toContain(`LT ${lt} (bare) v1 $Latest: no MetadataOptions, inherits account default HttpTokens=required`);
    expect(inv.calls.filter((c) => c.operation === 'GetInstanceMetadataDefaults')).toEqual([expect.objectContaining({ answeredBy: 'front' })]);
  });

  test('Noncompliance: the same group without acceptInheritedDefaults', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const lt = await createTemplate(s.ec2, 'bare', [undefined]);
    await createGroup('asg-inherits', { LaunchTemplate: { LaunchTemplateId: lt, Version: '$Latest' } });
    const { e } = await judge('asg-inherits');
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(new RegExp(`^LT ${lt} \\(bare\\) v1 \\$Latest: no MetadataOptions\\. `));
  });
});

describe('gone groups', () => {
  test('Not applicable: the group is deleted between the event and the read', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-gone', { LaunchConfigurationName: 'lc-old' });
    const configurationItem = await item('asg-gone');
    await s.autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-gone', ForceDelete: true }));

    const inv = await onChange(configurationItem);

    expect(single(inv)).toMatchObject({
      ComplianceResourceId: configurationItem.resourceId,
      ComplianceType: 'NOT_APPLICABLE',
      Annotation: 'The resource no longer exists.',
    });
    expect(callsTo(inv, 'autoscaling').map((c) => c.operation)).toEqual(['DescribeAutoScalingGroups']);
  });

  test('Not applicable: a ResourceDeleted item, without a single read', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-gone', { LaunchConfigurationName: 'lc-old' });
    const deleted = asDeleted(await item('asg-gone'));
    const inv = await onChange(deleted);
    expect(single(inv)).toMatchObject({ ComplianceResourceId: deleted.resourceId, ComplianceType: 'NOT_APPLICABLE' });
    expect(inv.calls.map((c) => c.operation)).toEqual(['PutEvaluations']);
  });
});

describe('periodic sweep (ScheduledNotification)', () => {
  test('every group once by ARN, judged as on change; a vanished group becomes NOT_APPLICABLE; other types are left alone', async () => {
    await createLc('lc-old', 'optional');
    const good = await createTemplate(s.ec2, 'good', [REQUIRED]);
    const split = await createTemplate(s.ec2, 'split', [REQUIRED, OPTIONAL]);
    await createGroup('asg-lc', { LaunchConfigurationName: 'lc-old' });
    await createGroup('asg-good', { LaunchTemplate: { LaunchTemplateId: good, Version: '$Default' } });
    await createGroup('asg-latest', { LaunchTemplate: { LaunchTemplateId: split, Version: '$Latest' } });
    await createGroup('asg-stale', { LaunchTemplate: { LaunchTemplateId: good, Version: '1' } }, 1);
    const names = ['asg-good', 'asg-latest', 'asg-lc', 'asg-stale'];
    const arns = new Map<string, string>();
    for (const name of names) arns.set(name, (await item(name)).resourceId);
    const gone = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/asg-gone';
    const otherType = { resourceType: 'AWS::EC2::Instance', resourceId: 'i-0123456789abcdef0', complianceType: 'NON_COMPLIANT' } as const;
    s.front.config.seedResults(DEFAULT_RULE_NAME, [{ resourceType: TYPE, resourceId: gone, complianceType: 'NON_COMPLIANT' }, otherType]);

    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));

    const sent = byId(inv);
    expect([...sent.keys()].sort()).toEqual([...arns.values(), gone].sort());
    expect(inv.returned.every((e) => e.ComplianceResourceType === TYPE && e.OrderingTimestamp.getTime() === at(NOTIFICATION_TIME).getTime())).toBe(true);
    expect(names.map((n) => sent.get(arns.get(n)!)!.ComplianceType)).toEqual(['COMPLIANT', 'NON_COMPLIANT', 'NON_COMPLIANT', 'NON_COMPLIANT']);
    expect(sent.get(arns.get('asg-stale')!)!.Annotation).toContain('1 in-service instance(s) still accept IMDSv1');
    expect(sent.get(arns.get('asg-latest')!)!.Annotation).toContain(`LT ${split} (split) v2 $Latest: HttpTokens=optional`);
    expect(sent.get(gone)).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.' });
    const results = s.front.config.results(DEFAULT_RULE_NAME);
    expect(results).toContainEqual(expect.objectContaining(otherType));
    expect(results.map((r) => r.resourceId)).not.toContain(gone);

    for (const name of names) {
      const change = single(await onChange(await item(name)));
      const swept = sent.get(arns.get(name)!)!;
      expect([change.ComplianceType, change.Annotation]).toEqual([swept.ComplianceType, swept.Annotation]);
    }
  });
});

describe('typed errors through the bundle (built with keepNames)', () => {
  test('a malformed event (eventLeftScope not a boolean) throws MalformedEventError and sends nothing', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-lc', { LaunchConfigurationName: 'lc-old' });
    const event = { ...changeEvent({ configurationItem: await item('asg-lc') }), eventLeftScope: 'yes' };
    const error = await invokeFailing(s.front, ID, event);
    expect(error.name).toBe('MalformedEventError');
    expect(error.message).toContain('eventLeftScope');
  });

  test('checkInstances that is not a boolean throws InvalidParameterError and sends nothing', async () => {
    await createLc('lc-old', 'optional');
    await createGroup('asg-lc', { LaunchConfigurationName: 'lc-old' });
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: await item('asg-lc'), ruleParameters: { checkInstances: 'sometimes' } }));
    expect(error.name).toBe('InvalidParameterError');
    expect(error.message).toContain('checkInstances');
  });
});
