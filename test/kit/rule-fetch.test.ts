import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  GetInstanceMetadataDefaultsCommand,
  type DescribeLaunchTemplateVersionsCommandInput,
} from '@aws-sdk/client-ec2';
import { ResourceFetchError } from '../../lambda/kit/errors';
import {
  CAPTURE_TIME,
  LT_ID,
  OPTIONAL,
  REQUIRED,
  RESOURCE_RULES,
  autoScalingGroupRecord,
  awsError,
  ec2Instance,
  fixture,
  handlerFor,
  harness,
  invoking,
  templateVersion,
} from './support';

/** Launch template and Auto Scaling group reads, driven through the handlers with mocked clients. */

const byId = (id: string) => RESOURCE_RULES.find((r) => r.id === id)!;
const MIXED = 'auto-scaling-group-change-mixed.json';
const mixedArn = () => invoking(fixture(MIXED)).configurationItem.resourceId as string;

describe('launch template deleted between the event and the read', () => {
  test.each(['InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException', 'InvalidLaunchTemplateId.VersionNotFound'])(
    '%s → NOT_APPLICABLE',
    async (code) => {
      // Prepare
      const h = harness();
      h.ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(awsError(code, `The specified launch template, with template ID ${LT_ID}, does not exist.`));

      // Act
      const result = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-change-ok.json'));

      // Assess
      expect(result).toEqual([
        {
          ComplianceResourceType: 'AWS::EC2::LaunchTemplate',
          ComplianceResourceId: LT_ID,
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: 'The resource no longer exists.',
          OrderingTimestamp: CAPTURE_TIME,
        },
      ]);
      expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0].args[0].input).toEqual({ LaunchTemplateId: LT_ID, Versions: ['$Default', '$Latest'], ResolveAlias: true });
    },
  );

  test('an empty answer is also "no longer exists"', async () => {
    const h = harness();
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
    const [e] = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-change-ok.json'));
    expect(e.ComplianceType).toBe('NOT_APPLICABLE');
  });

  test('the verdict comes from the versions read, not the item’s LaunchTemplateData', async () => {
    // The item shows MetadataOptions required, but the live $Latest version has none.
    const h = harness();
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [templateVersion(LT_ID, 1, REQUIRED, true), templateVersion(LT_ID, 2, null)],
    });
    const [e] = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-change-ok.json'));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/v2/);
  });
});

describe('auto scaling group no longer exists', () => {
  test('DescribeAutoScalingGroups returns nothing → NOT_APPLICABLE, nothing else read', async () => {
    const h = harness();
    h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const result = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(fixture('auto-scaling-group-change-ok.json'));
    expect(result).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::AutoScaling::AutoScalingGroup',
        ComplianceResourceId: invoking(fixture('auto-scaling-group-change-ok.json')).configurationItem.resourceId,
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'The resource no longer exists.',
      }),
    ]);
    expect(h.reads()).toEqual(['DescribeAutoScalingGroups']);
  });

  test('an item naming no group: ResourceFetchError', async () => {
    const h = harness();
    const event = fixture('auto-scaling-group-change-ok.json');
    const inv = invoking(event);
    delete inv.configurationItem.configuration.autoScalingGroupName;
    delete inv.configurationItem.resourceName;
    const error = await handlerFor(byId('imdsv2-auto-scaling-group'), h)({ ...event, invokingEvent: JSON.stringify(inv) }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect((error as Error).message).toMatch(/names no autoScalingGroupName/);
  });
});

describe('auto scaling group with a MixedInstancesPolicy override that names its own AMI (ImageId)', () => {
  // With acceptInheritedDefaults, a template version without HttpTokens inherits from the AMI the
  // instances really launch from: for an override with ImageId, that AMI, not the template's.
  const V2_AMI = 'ami-0aaaaaaaaaaaaaaa2';
  const V1_AMI = 'ami-0bbbbbbbbbbbbbbb1';
  function group(overrideImage: string) {
    return autoScalingGroupRecord('batch-mixed', mixedArn(), {
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: LT_ID, Version: '$Default' },
          Overrides: [{ InstanceType: 't3.large' }, { InstanceType: 'm7i.large', ImageId: overrideImage }],
        },
      },
    });
  }
  function prime(h: ReturnType<typeof harness>, overrideImage: string) {
    h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group(overrideImage)] });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ ...templateVersion(LT_ID, 3, null, true), LaunchTemplateData: { ImageId: V2_AMI } }],
    });
    h.ec2.on(DescribeImagesCommand).callsFake((input: { ImageIds: string[] }) => ({
      Images: input.ImageIds.map((id) => ({ ImageId: id, ...(id === V2_AMI ? { ImdsSupport: 'v2.0' } : {}) })),
    }));
    h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: {} });
  }
  const params = (e: Record<string, unknown>) => ({ ...e, ruleParameters: JSON.stringify({ acceptInheritedDefaults: 'true', checkInstances: 'false' }) });

  test('Noncompliance: the override launches from an AMI without ImdsSupport v2.0, which the template\'s AMI does not rescue', async () => {
    const h = harness();
    prime(h, V1_AMI);
    const [e] = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(params(fixture(MIXED)));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain(`LT ${LT_ID} (name-of-${LT_ID}) v3 $Default with ${V1_AMI}: no MetadataOptions; no AMI v2.0 or account default requires IMDSv2`);
    expect(h.ec2.commandCalls(DescribeImagesCommand).map((c) => [...c.args[0].input.ImageIds!].sort())).toEqual([[V2_AMI, V1_AMI].sort()]);
  });

  test('Compliance: the override\'s AMI has ImdsSupport v2.0 too', async () => {
    const h = harness();
    prime(h, V2_AMI);
    const [e] = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(params(fixture(MIXED)));
    expect(e.ComplianceType).toBe('COMPLIANT');
    expect(e.Annotation).toContain(`v3 $Default with ${V2_AMI.slice(0, 10)}`);
  });
});

describe('auto scaling group with a MixedInstancesPolicy and overrides', () => {
  function mixedGroup() {
    return autoScalingGroupRecord(
      'batch-mixed',
      mixedArn(),
      {
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: LT_ID, LaunchTemplateName: 'web-template', Version: '$Latest' },
            Overrides: [
              { InstanceType: 't3.large' },
              { InstanceType: 't3.xlarge', LaunchTemplateSpecification: { LaunchTemplateId: LT_ID, Version: '$Latest' } },
              { InstanceType: 'm6g.large', LaunchTemplateSpecification: { LaunchTemplateId: 'lt-0arm64arm64arm64a', Version: '3' } },
              { InstanceType: 'm7g.large', LaunchTemplateSpecification: { LaunchTemplateId: 'lt-0arm64arm64arm64a', Version: '3' } },
              { InstanceType: 'c7g.large', LaunchTemplateSpecification: { LaunchTemplateId: 'lt-0arm64arm64arm64a', Version: '4' } },
              { InstanceType: 'c6i.large', LaunchTemplateSpecification: { LaunchTemplateName: 'legacy', Version: '' } },
            ],
          },
          InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 20 },
        },
      },
      ['i-0bbbbbbbbbbbbbbb1'],
    );
  }

  test('one DescribeLaunchTemplateVersions per distinct (template, version), and every source judged', async () => {
    // Prepare
    const h = harness();
    h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [mixedGroup()] });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) => {
      const id = input.LaunchTemplateId ?? `lt-by-name-${input.LaunchTemplateName}`;
      const version = input.Versions![0];
      const number = /^\d+$/.test(version) ? Number(version) : 7;
      return { LaunchTemplateVersions: [templateVersion(id, number, REQUIRED, version === '$Default')] };
    });
    h.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [ec2Instance('i-0bbbbbbbbbbbbbbb1')] }] });

    // Act
    const result = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(fixture(MIXED));

    // Assess
    const inputs = h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(4);
    expect(inputs).toEqual(
      expect.arrayContaining([
        { LaunchTemplateId: LT_ID, Versions: ['$Latest'], ResolveAlias: true },
        { LaunchTemplateId: 'lt-0arm64arm64arm64a', Versions: ['3'], ResolveAlias: true },
        { LaunchTemplateId: 'lt-0arm64arm64arm64a', Versions: ['4'], ResolveAlias: true },
        // No version given: the group launches the template's default version.
        { LaunchTemplateName: 'legacy', Versions: ['$Default'], ResolveAlias: true },
      ]),
    );
    expect(result).toEqual([expect.objectContaining({ ComplianceResourceId: mixedArn(), ComplianceType: 'COMPLIANT' })]);
  });

  test('one override version without IMDSv2 makes the group NON_COMPLIANT and is named', async () => {
    const h = harness();
    h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [mixedGroup()] });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) => {
      const version = input.Versions![0];
      const id = input.LaunchTemplateId ?? 'lt-legacy';
      const bad = id === 'lt-0arm64arm64arm64a' && version === '4';
      return { LaunchTemplateVersions: [templateVersion(id, /^\d+$/.test(version) ? Number(version) : 1, bad ? OPTIONAL : REQUIRED)] };
    });
    h.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [ec2Instance('i-0bbbbbbbbbbbbbbb1')] }] });
    const [e] = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(fixture(MIXED));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain('lt-0arm64arm64arm64a');
  });

  test('a DescribeLaunchTemplateVersions denial is a ResourceFetchError, not a verdict', async () => {
    const h = harness();
    h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [mixedGroup()] });
    const cause = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(cause);
    const error = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(fixture(MIXED)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect((error as Error).message).toMatch(/^DescribeLaunchTemplateVersions .* failed: UnauthorizedOperation: .*\(missing IAM permission\?\)$/);
    expect((error as Error).cause).toBe(cause);
    expect(h.putInputs()).toHaveLength(0);
  });
});
