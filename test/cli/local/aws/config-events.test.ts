// The Config events and items of the one local AWS (cli/local/aws/config-events.ts), built from moto
// state through the real SDK v3 clients, shaped as AWS Config sends them.
import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
} from '@aws-sdk/client-ec2';
import {
  asDeleted,
  autoScalingGroupItem,
  changeEvent,
  DEFAULT_RULE_NAME,
  instanceItem,
  launchConfigurationItem,
  launchTemplateItem,
  oversizedEvent,
  scheduledEvent,
} from '../../../../cli/local/aws';
import { AMI, runInstance, useLocalAws } from './support';

const local = useLocalAws();

describe('Config event and item builders', () => {
  test('instance items are camelCase with item-level tag map and configuration tag list; change events carry JSON strings', async () => {
    const ec2 = local.ec2Client();
    const id = await runInstance(ec2, { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 }, { Name: 'web', team: 'a' });
    const item = await instanceItem(ec2, id);

    expect(item).toMatchObject({
      configurationItemVersion: '1.3',
      configurationItemStatus: 'OK',
      awsAccountId: '123456789012',
      awsRegion: 'us-east-1',
      resourceType: 'AWS::EC2::Instance',
      resourceId: id,
      ARN: `arn:aws:ec2:us-east-1:123456789012:instance/${id}`,
      availabilityZone: expect.stringMatching(/^us-east-1[a-f]$/),
      tags: { Name: 'web', team: 'a' },
      relationships: [],
      supplementaryConfiguration: {},
      configurationStateId: expect.any(Number),
    });
    expect(new Date(item.configurationItemCaptureTime).toISOString()).toBe(item.configurationItemCaptureTime);
    expect(item.configuration).toMatchObject({
      instanceId: id,
      imageId: AMI,
      state: { name: 'running', code: 16 },
      launchTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      metadataOptions: {
        httpTokens: 'optional',
        httpPutResponseHopLimit: 1,
        httpEndpoint: 'enabled',
        state: 'applied',
        instanceMetadataTags: 'disabled',
        httpProtocolIpv6: 'disabled',
      },
      tags: expect.arrayContaining([
        { key: 'Name', value: 'web' },
        { key: 'team', value: 'a' },
      ]),
    });

    const event = changeEvent({ configurationItem: item, ruleParameters: { exemptTagKey: 'imds-exempt' } });
    expect(event).toMatchObject({
      version: '1.0',
      eventLeftScope: false,
      accountId: '123456789012',
      configRuleName: DEFAULT_RULE_NAME,
      configRuleArn: expect.stringMatching(/^arn:aws:config:us-east-1:123456789012:config-rule\/config-rule-/),
      executionRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
      ruleParameters: '{"exemptTagKey":"imds-exempt"}',
    });
    expect(event.resultToken).not.toBe('TESTMODE');
    expect(changeEvent({ configurationItem: item }).resultToken).not.toBe(event.resultToken);
    expect(JSON.parse(event.invokingEvent)).toEqual({
      configurationItemDiff: null,
      configurationItem: JSON.parse(JSON.stringify(item)),
      notificationCreationTime: expect.any(String),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    });
    expect('ruleParameters' in changeEvent({ configurationItem: item })).toBe(false);
    expect(changeEvent({ configurationItem: item, resultToken: 'TESTMODE' }).resultToken).toBe('TESTMODE');

    const deleted = await instanceItem(ec2, id, { status: 'ResourceDeleted' });
    expect(deleted).toMatchObject({ configurationItemStatus: 'ResourceDeleted', configuration: null, resourceId: id });
    expect(asDeleted(item).configuration).toBeNull();
  });

  test('launch template items are PascalCase with version numbers as strings', async () => {
    const ec2 = local.ec2Client();
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'lt-web',
        LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'optional' } },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'a' }] }],
      }),
    );
    const id = created.LaunchTemplate!.LaunchTemplateId!;
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } },
      }),
    );

    const item = await launchTemplateItem(ec2, id);
    expect(item).toMatchObject({
      resourceType: 'AWS::EC2::LaunchTemplate',
      resourceId: id,
      resourceName: 'lt-web',
      ARN: `arn:aws:ec2:us-east-1:123456789012:launch-template/${id}`,
      tags: { team: 'a' },
    });
    expect(item.configuration).toEqual({
      Id: id,
      LaunchTemplateName: 'lt-web',
      DefaultVersionNumber: '1',
      LatestVersionNumber: '2',
      LaunchTemplateData: expect.objectContaining({ ImageId: AMI, MetadataOptions: { HttpTokens: 'optional' } }),
      Tags: [{ Key: 'team', Value: 'a' }],
    });
    const latest = await launchTemplateItem(ec2, id, { dataVersion: '$Latest' });
    expect((latest.configuration as { LaunchTemplateData: unknown }).LaunchTemplateData).toMatchObject({
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    });
  });

  test('launch configuration and auto scaling group items are camelCase, keyed by ARN', async () => {
    const ec2 = local.ec2Client();
    const autoscaling = local.asClient();
    await autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc-old',
        ImageId: AMI,
        InstanceType: 't3.micro',
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 },
      }),
    );
    await autoscaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'lc-bare', ImageId: AMI, InstanceType: 't3.micro' }));
    const lt = await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-asg', LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.micro' } }),
    );
    const ltId = lt.LaunchTemplate!.LaunchTemplateId!;
    const zones = ['us-east-1a'];
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-lc',
        LaunchConfigurationName: 'lc-old',
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
        Tags: [{ Key: 'team', Value: 'a', PropagateAtLaunch: true }],
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-lt',
        LaunchTemplate: { LaunchTemplateId: ltId, Version: '$Latest' },
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-mixed',
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: ltId, Version: '$Default' },
            Overrides: [{ InstanceType: 't3.micro' }, { InstanceType: 't3.small' }],
          },
        },
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
      }),
    );

    const lc = await launchConfigurationItem(autoscaling, 'lc-old');
    expect(lc).toMatchObject({
      resourceType: 'AWS::AutoScaling::LaunchConfiguration',
      resourceId: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:.*launchConfigurationName\/lc-old$/),
      resourceName: 'lc-old',
      configuration: {
        launchConfigurationName: 'lc-old',
        launchConfigurationARN: lc.resourceId,
        metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
      },
    });
    expect(lc.ARN).toBe(lc.resourceId);
    expect((await launchConfigurationItem(autoscaling, 'lc-bare')).configuration).not.toHaveProperty('metadataOptions');

    const byLc = await autoScalingGroupItem(autoscaling, 'asg-lc');
    expect(byLc).toMatchObject({
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      resourceId: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:.*autoScalingGroupName\/asg-lc$/),
      resourceName: 'asg-lc',
      tags: { team: 'a' },
      configuration: {
        autoScalingGroupName: 'asg-lc',
        autoScalingGroupARN: byLc.resourceId,
        launchConfigurationName: 'lc-old',
        instances: [
          expect.objectContaining({
            instanceId: expect.stringMatching(/^i-/),
            lifecycleState: 'InService',
            healthStatus: 'Healthy',
            launchConfigurationName: 'lc-old',
          }),
        ],
        tags: [expect.objectContaining({ key: 'team', value: 'a', propagateAtLaunch: true })],
      },
    });

    const byLt = await autoScalingGroupItem(autoscaling, 'asg-lt');
    expect(byLt.configuration).toMatchObject({
      launchTemplate: { launchTemplateId: ltId, launchTemplateName: 'lt-asg', version: '$Latest' },
      instances: [expect.objectContaining({ launchTemplate: expect.objectContaining({ launchTemplateId: ltId }) })],
    });
    expect(byLt.configuration).not.toHaveProperty('launchConfigurationName');

    const mixed = await autoScalingGroupItem(autoscaling, 'asg-mixed');
    expect(mixed.configuration).toMatchObject({
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: ltId, version: '$Default' },
          overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3.small' }],
        },
      },
    });
  });

  test('oversized and scheduled events have the documented shapes', () => {
    const oversized = oversizedEvent({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-0123456789abcdef0',
      captureTime: '2026-01-02T03:04:05.000Z',
      status: 'OK',
    });
    expect(JSON.parse(oversized.invokingEvent)).toMatchObject({
      messageType: 'OversizedConfigurationItemChangeNotification',
      configurationItemSummary: {
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'i-0123456789abcdef0',
        configurationItemCaptureTime: '2026-01-02T03:04:05.000Z',
        configurationItemStatus: 'OK',
        awsAccountId: '123456789012',
        awsRegion: 'us-east-1',
      },
    });
    expect(JSON.parse(oversized.invokingEvent)).not.toHaveProperty('configurationItem');

    const scheduled = scheduledEvent({ ruleParameters: { requireEnforcement: 'true' }, notificationCreationTime: '2026-01-02T00:00:00.000Z' });
    expect(scheduled.ruleParameters).toBe('{"requireEnforcement":"true"}');
    expect(JSON.parse(scheduled.invokingEvent)).toEqual({
      awsAccountId: '123456789012',
      notificationCreationTime: '2026-01-02T00:00:00.000Z',
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    });
    expect(scheduled).toMatchObject({ version: '1.0', eventLeftScope: false, accountId: '123456789012' });
  });
});
