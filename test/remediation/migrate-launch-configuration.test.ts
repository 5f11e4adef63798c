import { createHash } from 'node:crypto';
import {
  AutoScalingClient,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type LaunchConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidInputError, NotMigratableError, ResourceNotFoundError, VerificationError } from '../../lambda/remediation/common/errors';
import { makeHandler } from '../../lambda/remediation/migrate-launch-configuration/handler';
import {
  launchConfigurationNameOf,
  launchTemplateDataFromLaunchConfiguration,
  launchTemplateName,
} from '../../lambda/remediation/migrate-launch-configuration/launch-template-data';
import { migrateLaunchConfiguration, SOURCE_TAG, type MigrationRequest } from '../../lambda/remediation/migrate-launch-configuration/migrate';
import { samePrincipal } from '../../lambda/remediation/migrate-launch-configuration/trust';

const BASE: LaunchConfiguration = {
  LaunchConfigurationName: 'web-v1',
  LaunchConfigurationARN: 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:9dbbbf87-6141-428a-a409-0752edbe6cad:launchConfigurationName/web-v1',
  ImageId: 'ami-12c6146b',
  InstanceType: 't3.micro',
  CreatedTime: new Date('2020-01-01T00:00:00Z'),
};

const map = (extra: Partial<LaunchConfiguration>, hopLimit?: number) => launchTemplateDataFromLaunchConfiguration({ ...BASE, ...extra }, { hopLimit });

describe('launchTemplateDataFromLaunchConfiguration, field by field', () => {
  test('Compliance: the minimum: AMI, instance type, detailed monitoring (the launch configuration default) and IMDSv2 required', () => {
    expect(map({})).toEqual({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
      Monitoring: { Enabled: true },
      MetadataOptions: { HttpTokens: 'required' },
    });
  });

  test.each([
    ['KeyName', { KeyName: 'ops' }, { KeyName: 'ops' }],
    ['UserData is already base64 and is copied verbatim', { UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==' }, { UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==' }],
    ['KernelId', { KernelId: 'aki-1234' }, { KernelId: 'aki-1234' }],
    ['RamdiskId becomes RamDiskId', { RamdiskId: 'ari-1234' }, { RamDiskId: 'ari-1234' }],
    ['EbsOptimized true', { EbsOptimized: true }, { EbsOptimized: true }],
    ['EbsOptimized false is kept', { EbsOptimized: false }, { EbsOptimized: false }],
    ['InstanceMonitoring off', { InstanceMonitoring: { Enabled: false } }, { Monitoring: { Enabled: false } }],
    ['IamInstanceProfile by name', { IamInstanceProfile: 'web-profile' }, { IamInstanceProfile: { Name: 'web-profile' } }],
    [
      'IamInstanceProfile by ARN',
      { IamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/web' },
      { IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web' } },
    ],
    ['SpotPrice becomes a Spot market option', { SpotPrice: '0.05' }, { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.05' } } }],
    ['PlacementTenancy', { PlacementTenancy: 'dedicated' }, { Placement: { Tenancy: 'dedicated' } }],
    ['security group ids', { SecurityGroups: ['sg-0123456789abcdef0', 'sg-12345678'] }, { SecurityGroupIds: ['sg-0123456789abcdef0', 'sg-12345678'] }],
    ['security group names (default VPC)', { SecurityGroups: ['web', 'default'] }, { SecurityGroups: ['web', 'default'] }],
    [
      'AssociatePublicIpAddress moves the groups onto network interface 0',
      { AssociatePublicIpAddress: true, SecurityGroups: ['sg-0123456789abcdef0'] },
      { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, DeleteOnTermination: true, Groups: ['sg-0123456789abcdef0'] }] },
    ],
    [
      'an explicit AssociatePublicIpAddress false is kept',
      { AssociatePublicIpAddress: false },
      { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false, DeleteOnTermination: true }] },
    ],
  ] as Array<[string, Partial<LaunchConfiguration>, Record<string, unknown>]>)('Compliance: %s', (_name, extra, expected) => {
    const data = map(extra);
    expect(data).toEqual(expect.objectContaining(expected));
    if ('NetworkInterfaces' in expected) expect(data.SecurityGroupIds).toBeUndefined();
  });

  test('Compliance: empty strings the API returns for unset fields are not carried over', () => {
    const data = map({ KeyName: '', KernelId: '', RamdiskId: '', UserData: '', SecurityGroups: [], BlockDeviceMappings: [], SpotPrice: '', ClassicLinkVPCSecurityGroups: [] });
    expect(Object.keys(data).sort()).toEqual(['ImageId', 'InstanceType', 'MetadataOptions', 'Monitoring']);
  });

  test('Compliance: block devices: EBS fields, instance store, and NoDevice (a boolean becomes an empty string)', () => {
    const data = map({
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { SnapshotId: 'snap-1', VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: true, Iops: 3000, Encrypted: true, Throughput: 125 },
          NoDevice: false,
        },
        // moto (and the API) can show an empty Ebs beside an instance store volume.
        { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0', Ebs: { DeleteOnTermination: false }, NoDevice: false },
        { DeviceName: '/dev/sdc', NoDevice: true, Ebs: {} },
        { DeviceName: '/dev/sdd', Ebs: { VolumeSize: 8 } },
      ],
    });
    expect(data.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { SnapshotId: 'snap-1', VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: true, Iops: 3000, Encrypted: true, Throughput: 125 },
      },
      { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' },
      { DeviceName: '/dev/sdc', NoDevice: '' },
      { DeviceName: '/dev/sdd', Ebs: { VolumeSize: 8 } },
    ]);
  });

  test.each([
    ['no MetadataOptions', undefined, undefined, { HttpTokens: 'required' }],
    ['hop limit and endpoint kept', { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' }, undefined, { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' }],
    ['a disabled endpoint stays disabled', { HttpTokens: 'optional', HttpEndpoint: 'disabled' }, undefined, { HttpTokens: 'required', HttpEndpoint: 'disabled' }],
    ['the hop limit given wins', { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }, 1, { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }],
  ] as const)('Compliance: MetadataOptions, %s', (_name, metadata, hop, expected) => {
    expect(map({ MetadataOptions: metadata ? { ...metadata } : undefined }, hop).MetadataOptions).toEqual(expected);
  });

  test.each([
    ['no ImageId', { ImageId: '' }, /no ImageId/],
    ['ClassicLink', { ClassicLinkVPCId: 'vpc-1', ClassicLinkVPCSecurityGroups: ['sg-0123456789abcdef0'] }, /ClassicLink/],
    ['ids and names mixed', { SecurityGroups: ['sg-0123456789abcdef0', 'web'] }, /mixes security group ids and names/],
    ['names with a public IP setting', { SecurityGroups: ['web'], AssociatePublicIpAddress: true }, /network interface takes ids only/],
  ] as Array<[string, Partial<LaunchConfiguration>, RegExp]>)('Noncompliance: %s is refused, not dropped', (_name, extra, message) => {
    expect(() => map(extra)).toThrow(NotMigratableError);
    expect(() => map(extra)).toThrow(message);
  });
});

describe('names', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');

  test('Compliance: a valid name gets -imdsv2', () => {
    expect(launchTemplateName('web-v1', hash)).toBe('web-v1-imdsv2');
  });

  test('Compliance: characters a template name cannot hold are replaced, with a hash so two names cannot collide', () => {
    const a = launchTemplateName('web v1:prod', hash);
    const b = launchTemplateName('web v1;prod', hash);
    expect(a).toMatch(/^web-v1-prod-[0-9a-f]{8}-imdsv2$/);
    expect(a).not.toBe(b);
  });

  test('Compliance: a 255-character name is cut to 128 characters, hash kept', () => {
    const name = launchTemplateName('x'.repeat(255), hash);
    expect(name).toHaveLength(128);
    expect(name).toMatch(/^x+-[0-9a-f]{8}-imdsv2$/);
  });

  test('Compliance: an ARN is reduced to the launch configuration name; a name is kept', () => {
    expect(launchConfigurationNameOf(BASE.LaunchConfigurationARN!)).toBe('web-v1');
    expect(launchConfigurationNameOf('arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:9dbbbf87-6141-428a-a409-0752edbe6cad:launchConfigurationName/a/b')).toBe('a/b');
    expect(launchConfigurationNameOf('web-v1')).toBe('web-v1');
  });
});

describe('migrateLaunchConfiguration (SDK calls, with mocked clients)', () => {
  const ec2Mock = mockClient(EC2Client);
  const asMock = mockClient(AutoScalingClient);
  const ROLE = 'arn:aws:iam::123456789012:role/imdsv2-guard-remediation-migrate-us-east-1';
  const CALLER = 'arn:aws:sts::123456789012:assumed-role/imdsv2-guard-remediation-migrate-us-east-1/imdsv2-guard-migrate-launch-configuration';
  const clients = { ec2: new EC2Client({ region: 'us-east-1' }), autoscaling: new AutoScalingClient({ region: 'us-east-1' }), callerArn: async () => CALLER };
  const LC = { ...BASE, UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==', IamInstanceProfile: 'web-profile', MetadataOptions: { HttpTokens: 'optional' as const, HttpPutResponseHopLimit: 2 } };
  /** What the launch configuration translates to, as DescribeLaunchTemplateVersions would show it. */
  const translated = () => launchTemplateDataFromLaunchConfiguration(LC) as LaunchTemplateVersion['LaunchTemplateData'];
  /** Versions by template id, as DescribeLaunchTemplateVersions answers them (a created template's v1 is added on create). */
  let versions: Record<string, LaunchTemplateVersion[]>;
  const version = (id: string, n: number, data: LaunchTemplateVersion['LaunchTemplateData'], createdBy = ROLE): LaunchTemplateVersion => ({
    LaunchTemplateId: id,
    VersionNumber: n,
    CreatedBy: createdBy,
    LaunchTemplateData: data,
  });
  const request: MigrationRequest = {
    launchConfiguration: BASE.LaunchConfigurationARN!,
    startInstanceRefresh: false,
    minHealthyPercentage: 90,
    instanceWarmup: 300,
    deleteLaunchConfiguration: false,
  };
  const group = (name: string, extra: Partial<AutoScalingGroup> = {}): AutoScalingGroup =>
    ({ AutoScalingGroupName: name, MinSize: 1, MaxSize: 1, DesiredCapacity: 1, ...extra }) as AutoScalingGroup;

  /** Groups as DescribeAutoScalingGroups pages them; UpdateAutoScalingGroup moves them to the template. */
  function fleet(groups: AutoScalingGroup[]) {
    const state = groups.map((g) => ({ ...g }));
    asMock.on(DescribeAutoScalingGroupsCommand).callsFake((input: { NextToken?: string }) => {
      // Two pages, to prove every page is read.
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const page = state.slice(start, start + 2);
      return { AutoScalingGroups: page, NextToken: start + 2 < state.length ? String(start + 2) : undefined };
    });
    asMock.on(UpdateAutoScalingGroupCommand).callsFake((input: { AutoScalingGroupName: string; LaunchTemplate: AutoScalingGroup['LaunchTemplate'] }) => {
      const g = state.find((x) => x.AutoScalingGroupName === input.AutoScalingGroupName)!;
      // Like AWS: a group on a template has no launch configuration any more.
      g.LaunchConfigurationName = undefined;
      g.LaunchTemplate = input.LaunchTemplate;
      return {};
    });
    return state;
  }

  beforeEach(() => {
    ec2Mock.reset();
    asMock.reset();
    asMock.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [LC] });
    versions = {};
    ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
    ec2Mock.on(CreateLaunchTemplateCommand).callsFake((input: { LaunchTemplateName: string; LaunchTemplateData: LaunchTemplateVersion['LaunchTemplateData'] }) => {
      const id = input.LaunchTemplateName === 'web-v1-imdsv2' ? 'lt-0123456789abcdef0' : 'lt-0fedcba9876543210';
      versions[id] = [version(id, 1, input.LaunchTemplateData, CALLER)];
      return { LaunchTemplate: { LaunchTemplateId: id, LaunchTemplateName: input.LaunchTemplateName, LatestVersionNumber: 1, DefaultVersionNumber: 1 } };
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: { LaunchTemplateId: string; Versions?: string[] }) => {
      const all = versions[input.LaunchTemplateId] ?? [];
      return { LaunchTemplateVersions: input.Versions ? all.filter((v) => input.Versions!.includes(String(v.VersionNumber))) : all };
    });
  });

  test('Compliance: creates the tagged template and moves every group using the launch configuration, across pages', async () => {
    fleet([
      group('a', { LaunchConfigurationName: 'web-v1' }),
      group('other', { LaunchConfigurationName: 'db-v1' }),
      group('b', { LaunchConfigurationName: 'web-v1' }),
      group('lt', { LaunchTemplate: { LaunchTemplateId: 'lt-99999999' } }),
      group('c', { LaunchConfigurationName: 'web-v1' }),
    ]);
    const result = await migrateLaunchConfiguration(clients, request);
    expect(result).toEqual({
      LaunchConfigurationName: 'web-v1',
      LaunchTemplateId: 'lt-0123456789abcdef0',
      LaunchTemplateName: 'web-v1-imdsv2',
      LaunchTemplateVersion: '1',
      LaunchTemplateCreated: true,
      LaunchTemplatesIgnored: [],
      GroupsUpdated: ['a', 'b', 'c'],
      GroupsAlreadyMigrated: [],
      InstanceRefreshes: [],
      LaunchConfigurationDeleted: false,
    });
    const create = ec2Mock.commandCalls(CreateLaunchTemplateCommand)[0].args[0].input;
    expect(create.LaunchTemplateName).toBe('web-v1-imdsv2');
    expect(create.TagSpecifications).toEqual([{ ResourceType: 'launch-template', Tags: [{ Key: SOURCE_TAG, Value: 'web-v1' }] }]);
    expect(create.LaunchTemplateData?.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(create.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(asMock.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual(
      // A numbered version: $Default could be moved later by whoever may call ModifyLaunchTemplate.
      ['a', 'b', 'c'].map((g) => ({ AutoScalingGroupName: g, LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '1' } })),
    );
    expect(asMock.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0);
    expect(asMock.commandCalls(DeleteLaunchConfigurationCommand)).toHaveLength(0);
  });

  test('Compliance: a re-run reuses the template the migration made (its role created it, same data), the newest matching version', async () => {
    ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({
      LaunchTemplates: [{ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'web-v1-imdsv2', CreatedBy: ROLE, CreateTime: new Date('2026-01-01') }],
    });
    versions['lt-0123456789abcdef0'] = [
      version('lt-0123456789abcdef0', 1, translated()),
      // The launch-template document later lowered the hop limit: MetadataOptions may differ if at least as strict.
      version('lt-0123456789abcdef0', 2, { ...translated(), MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } }, CALLER),
      // Someone else's newer version with other user data is never picked.
      version('lt-0123456789abcdef0', 3, { ...translated(), UserData: 'ZXZpbA==' }, 'arn:aws:iam::123456789012:user/mallory'),
    ];
    // moto keeps LaunchConfigurationName after the move; a group with a template is migrated all the same.
    fleet([group('a', { LaunchConfigurationName: 'web-v1', LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '2' } }), group('b', { LaunchConfigurationName: 'web-v1' })]);
    const result = await migrateLaunchConfiguration(clients, request);
    expect(result).toMatchObject({
      LaunchTemplateId: 'lt-0123456789abcdef0',
      LaunchTemplateVersion: '2',
      LaunchTemplateCreated: false,
      LaunchTemplatesIgnored: [],
      GroupsUpdated: ['b'],
      GroupsAlreadyMigrated: ['a'],
    });
    expect(ec2Mock.commandCalls(CreateLaunchTemplateCommand)).toHaveLength(0);
    expect(asMock.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input.LaunchTemplate)).toEqual([{ LaunchTemplateId: 'lt-0123456789abcdef0', Version: '2' }]);
  });

  test.each([
    ['created by someone else (same tag, same name, same data)', { CreatedBy: 'arn:aws:iam::123456789012:user/mallory' }, (d: LaunchTemplateVersion['LaunchTemplateData']) => d],
    ['made by the migration role, but another AMI', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, ImageId: 'ami-0badc0de' })],
    ['made by the migration role, but user data added', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, UserData: 'ZXZpbA==' })],
    ['made by the migration role, but another instance profile', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, IamInstanceProfile: { Name: 'admin' } })],
    ['made by the migration role, but an extra field (a second network interface)', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, NetworkInterfaces: [{ DeviceIndex: 1, SubnetId: 'subnet-1' }] })],
    ['made by the migration role, same data, but IMDSv1 allowed', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, MetadataOptions: { HttpTokens: 'optional' } })],
    ['made by the migration role, same data, but a higher hop limit', {}, (d: LaunchTemplateVersion['LaunchTemplateData']) => ({ ...d, MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 64 } })],
  ] as Array<[string, Record<string, string>, (d: LaunchTemplateVersion['LaunchTemplateData']) => LaunchTemplateVersion['LaunchTemplateData']]>)(
    'Noncompliance: a look-alike tagged template is not reused: %s; a new one is made under a name of its own and the groups pinned to it',
    async (_name, template, data) => {
      const createdBy = template.CreatedBy ?? ROLE;
      ec2Mock.on(DescribeLaunchTemplatesCommand).resolves({
        LaunchTemplates: [{ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'web-v1-imdsv2', CreatedBy: createdBy, CreateTime: new Date('2026-01-01') }],
      });
      versions['lt-0123456789abcdef0'] = [version('lt-0123456789abcdef0', 1, data(translated()), createdBy)];
      fleet([group('a', { LaunchConfigurationName: 'web-v1' })]);
      const result = await migrateLaunchConfiguration(clients, request);
      expect(result).toMatchObject({ LaunchTemplateId: 'lt-0fedcba9876543210', LaunchTemplateCreated: true, LaunchTemplatesIgnored: ['lt-0123456789abcdef0'] });
      const create = ec2Mock.commandCalls(CreateLaunchTemplateCommand)[0].args[0].input;
      expect(create.LaunchTemplateName).toMatch(/^web-v1-[0-9a-f]{12}-imdsv2$/);
      expect(create.LaunchTemplateData).toEqual(launchTemplateDataFromLaunchConfiguration(LC));
      expect(asMock.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input.LaunchTemplate)).toEqual([{ LaunchTemplateId: 'lt-0fedcba9876543210', Version: '1' }]);
    },
  );

  test('Noncompliance: a created version that does not read back as the translated data moves no group', async () => {
    fleet([group('a', { LaunchConfigurationName: 'web-v1' })]);
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [version('lt-0123456789abcdef0', 1, { ...translated(), ImageId: 'ami-0badc0de' })] });
    await expect(migrateLaunchConfiguration(clients, request)).rejects.toThrow(/does not hold the launch configuration's data/);
    expect(asMock.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
  });

  test('Compliance: refreshes every migrated group with skip matching, treating one already refreshing as started', async () => {
    fleet([group('a', { LaunchConfigurationName: 'web-v1' }), group('b', { LaunchConfigurationName: 'web-v1' })]);
    asMock
      .on(StartInstanceRefreshCommand, { AutoScalingGroupName: 'a' })
      .resolves({ InstanceRefreshId: 'r-a' })
      .on(StartInstanceRefreshCommand, { AutoScalingGroupName: 'b' })
      .rejects(Object.assign(new Error('An Instance Refresh is already in progress'), { name: 'InstanceRefreshInProgressFault' }));
    const result = await migrateLaunchConfiguration(clients, { ...request, startInstanceRefresh: true, minHealthyPercentage: 50, instanceWarmup: 60 });
    expect(result.InstanceRefreshes).toEqual([
      { AutoScalingGroupName: 'a', InstanceRefreshId: 'r-a', Status: 'Started' },
      { AutoScalingGroupName: 'b', Status: 'AlreadyInProgress' },
    ]);
    expect(asMock.commandCalls(StartInstanceRefreshCommand)[0].args[0].input.Preferences).toEqual({ MinHealthyPercentage: 50, InstanceWarmup: 60, SkipMatching: true });
  });

  test('Compliance: deletes the launch configuration only when asked, after every group has moved', async () => {
    fleet([group('a', { LaunchConfigurationName: 'web-v1' })]);
    asMock.on(DeleteLaunchConfigurationCommand).resolves({});
    const result = await migrateLaunchConfiguration(clients, { ...request, deleteLaunchConfiguration: true });
    expect(result.LaunchConfigurationDeleted).toBe(true);
    expect(asMock.commandCalls(DeleteLaunchConfigurationCommand)[0].args[0].input).toEqual({ LaunchConfigurationName: 'web-v1' });
  });

  test('Noncompliance 1: a group that does not move is reported, and nothing is deleted', async () => {
    fleet([group('stuck', { LaunchConfigurationName: 'web-v1' })]);
    asMock.on(UpdateAutoScalingGroupCommand).resolves({}); // accepted, but the group does not change
    await expect(migrateLaunchConfiguration(clients, { ...request, deleteLaunchConfiguration: true })).rejects.toThrow(VerificationError);
    expect(asMock.commandCalls(DeleteLaunchConfigurationCommand)).toHaveLength(0);
  });

  test('Noncompliance 2: no launch configuration is ResourceNotFound (a template is only trusted against its data)', async () => {
    asMock.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [] });
    fleet([]);
    await expect(migrateLaunchConfiguration(clients, request)).rejects.toThrow(ResourceNotFoundError);
  });

  test('Noncompliance 3: an untagged template already holding the name is not taken over (the step fails, nothing moves)', async () => {
    fleet([]);
    ec2Mock.on(CreateLaunchTemplateCommand).rejects(Object.assign(new Error('exists'), { name: 'InvalidLaunchTemplateName.AlreadyExistsException' }));
    await expect(migrateLaunchConfiguration(clients, request)).rejects.toThrow(/exists that this migration did not make/);
  });

  test('Compliance: the handler reads the Payload the document sends (all values quoted)', async () => {
    fleet([group('a', { LaunchConfigurationName: 'web-v1' })]);
    const handler = makeHandler(() => ({ clients, callerArn: clients.callerArn, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));
    const result = await handler({
      LaunchConfigurationArn: BASE.LaunchConfigurationARN,
      HttpPutResponseHopLimit: '1',
      StartInstanceRefresh: 'False',
      MinHealthyPercentage: '90',
      InstanceWarmup: '300',
      DeleteLaunchConfiguration: 'false',
    });
    expect(result.GroupsUpdated).toEqual(['a']);
    expect(ec2Mock.commandCalls(CreateLaunchTemplateCommand)[0].args[0].input.LaunchTemplateData?.MetadataOptions?.HttpPutResponseHopLimit).toBe(1);
  });

  test.each([
    [{ LaunchConfigurationArn: 'web"v1' }, /LaunchConfigurationArn/],
    [{ LaunchConfigurationArn: 'web-v1', HttpPutResponseHopLimit: '65' }, /HttpPutResponseHopLimit/],
    [{ LaunchConfigurationArn: 'web-v1', StartInstanceRefresh: 'maybe' }, /StartInstanceRefresh/],
    ['not json', /not valid JSON/],
  ])('Noncompliance: the handler refuses %j', async (event, message) => {
    const handler = makeHandler(() => ({ clients, callerArn: clients.callerArn, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));
    await expect(handler(event)).rejects.toThrow(InvalidInputError);
    await expect(handler(event)).rejects.toThrow(message);
  });
});

describe('who made a template (CreatedBy against GetCallerIdentity)', () => {
  const caller = 'arn:aws:sts::123456789012:assumed-role/imdsv2-guard-remediation-migrate-us-east-1/fn';
  test.each([
    ['the same assumed-role session ARN', caller],
    ['another session of the same role', 'arn:aws:sts::123456789012:assumed-role/imdsv2-guard-remediation-migrate-us-east-1/other'],
    ['the role ARN itself', 'arn:aws:iam::123456789012:role/imdsv2-guard-remediation-migrate-us-east-1'],
    ['the role ARN with a path', 'arn:aws:iam::123456789012:role/ops/imdsv2-guard-remediation-migrate-us-east-1'],
  ])('Compliance: %s', (_n, createdBy) => expect(samePrincipal(createdBy, caller)).toBe(true));
  test.each([
    ['another role', 'arn:aws:iam::123456789012:role/admin'],
    ['the same role name in another account', 'arn:aws:iam::210987654321:role/imdsv2-guard-remediation-migrate-us-east-1'],
    ['a user', 'arn:aws:iam::123456789012:user/mallory'],
    ['the account root', 'arn:aws:iam::123456789012:root'],
    ['nothing recorded', undefined],
  ])('Noncompliance: %s', (_n, createdBy) => expect(samePrincipal(createdBy, caller)).toBe(false));
});
