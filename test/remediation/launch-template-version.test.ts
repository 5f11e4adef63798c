import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidInputError, ResourceNotFoundError } from '../../lambda/remediation/common/errors';
import { createCompliantDefaultVersion } from '../../lambda/remediation/launch-template-version/create-version';
import { makeHandler } from '../../lambda/remediation/launch-template-version/handler';
import { alreadyCompliant, requestDataFromResponse, requireImdsV2 } from '../../lambda/remediation/launch-template-version/template-data';

const FULL: ResponseLaunchTemplateData = {
  ImageId: 'ami-12c6146b',
  InstanceType: 't3.micro',
  UserData: 'ZWNobyBoaQ==',
  SecurityGroupIds: ['sg-0123456789abcdef0'],
  IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web', Name: 'web' },
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, Encrypted: true } }],
  TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }] }],
  Operator: { Managed: true, Principal: 'eks.amazonaws.com' } as ResponseLaunchTemplateData['Operator'],
  MetadataOptions: { State: 'applied', HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled', InstanceMetadataTags: 'enabled' },
};

describe('launch template data', () => {
  test('Compliance: the response becomes a request with every setting, read-only members dropped', () => {
    const request = requestDataFromResponse(FULL);
    expect(request).toEqual({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
      UserData: 'ZWNobyBoaQ==',
      SecurityGroupIds: ['sg-0123456789abcdef0'],
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, Encrypted: true } }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }] }],
      Operator: { Principal: 'eks.amazonaws.com' },
      MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled', InstanceMetadataTags: 'enabled' },
    });
    // The source is not modified.
    expect(FULL.MetadataOptions?.State).toBe('applied');
  });

  test.each([
    ['keeps hop limit, a disabled endpoint and tags', FULL.MetadataOptions, undefined, { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled', InstanceMetadataTags: 'enabled' }],
    ['sets the hop limit given', FULL.MetadataOptions, 1, { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'disabled', InstanceMetadataTags: 'enabled' }],
    ['adds nothing to a version without MetadataOptions', undefined, undefined, { HttpTokens: 'required' }],
  ] as const)('Compliance: requireImdsV2 %s', (_name, current, hop, expected) => {
    expect(requireImdsV2(current, hop)).toEqual(expected);
  });

  test.each([
    [{ HttpTokens: 'required' }, undefined, true],
    [{ HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, 2, true],
    [{ HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, 1, false],
    [{ HttpTokens: 'optional' }, undefined, false],
    [undefined, undefined, false],
  ] as const)('alreadyCompliant(%j, %s) is %s', (current, hop, expected) => {
    expect(alreadyCompliant(current, hop)).toBe(expected);
  });
});

describe('createCompliantDefaultVersion (mocked EC2)', () => {
  const ec2Mock = mockClient(EC2Client);
  const ec2 = new EC2Client({ region: 'us-east-1' });
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [{ VersionNumber: 3, DefaultVersion: true, LaunchTemplateData: FULL }] });
    ec2Mock.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: { VersionNumber: 7 } });
    ec2Mock.on(ModifyLaunchTemplateCommand).resolves({});
  });

  test('Compliance: creates a version from $Default with the full data and makes it the default', async () => {
    const result = await createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' });
    expect(result).toEqual({
      LaunchTemplateId: 'lt-0123456789abcdef0',
      Changed: true,
      PreviousDefaultVersion: 3,
      DefaultVersion: 7,
      PreviousLatestVersion: 3,
      LatestVersion: 7,
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'disabled',
    });
    const create = ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand)[0].args[0].input;
    expect(create.SourceVersion).toBe('3');
    expect(create.LaunchTemplateData).toEqual({
      ...requestDataFromResponse(FULL),
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled', InstanceMetadataTags: 'enabled' },
    });
    expect(ec2Mock.commandCalls(ModifyLaunchTemplateCommand)[0].args[0].input).toEqual({ LaunchTemplateId: 'lt-0123456789abcdef0', DefaultVersion: '7' });
  });

  test('Compliance: a default that already complies is left alone (idempotent)', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 4, LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } } }],
    });
    const result = await createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' });
    expect(result).toMatchObject({ Changed: false, DefaultVersion: 4 });
    expect(ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0);
  });

  test('Compliance: a compliant default with a non-compliant $Latest gets a compliant latest made from the latest\'s own data; the default stays', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Default'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 2, DefaultVersion: true, LaunchTemplateData: { ImageId: 'ami-default', MetadataOptions: { HttpTokens: 'required' } } }],
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 5, LaunchTemplateData: { ImageId: 'ami-latest', MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 } } }],
    });
    ec2Mock.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: { VersionNumber: 6 } });
    const result = await createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' });
    expect(result).toMatchObject({ Changed: true, PreviousDefaultVersion: 2, DefaultVersion: 2, PreviousLatestVersion: 5, LatestVersion: 6 });
    const creates = ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input);
    expect(creates).toHaveLength(1);
    expect(creates[0].SourceVersion).toBe('5');
    expect(creates[0].LaunchTemplateData).toEqual({ ImageId: 'ami-latest', MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } });
    expect(ec2Mock.commandCalls(ModifyLaunchTemplateCommand)).toHaveLength(0);
  });

  test('Compliance: default and a different latest both non-compliant: the default\'s copy is made first and made default, then the latest\'s copy becomes $Latest', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Default'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 2, DefaultVersion: true, LaunchTemplateData: { ImageId: 'ami-default' } }],
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 5, LaunchTemplateData: { ImageId: 'ami-latest', MetadataOptions: { HttpTokens: 'optional' } } }],
    });
    ec2Mock.on(CreateLaunchTemplateVersionCommand).resolvesOnce({ LaunchTemplateVersion: { VersionNumber: 6 } }).resolvesOnce({ LaunchTemplateVersion: { VersionNumber: 7 } });
    const result = await createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' });
    expect(result).toMatchObject({ Changed: true, DefaultVersion: 6, LatestVersion: 7 });
    const sources = ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input.SourceVersion);
    expect(sources).toEqual(['2', '5']);
    expect(ec2Mock.commandCalls(ModifyLaunchTemplateCommand).map((c) => c.args[0].input.DefaultVersion)).toEqual(['6']);
  });

  test('Compliance: a non-compliant default with a different, compliant $Latest: the default\'s copy becomes default, and $Latest is made again from the old latest\'s data (groups on $Latest keep their AMI)', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Default'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 2, DefaultVersion: true, LaunchTemplateData: { ImageId: 'ami-default', MetadataOptions: { HttpTokens: 'optional' } } }],
    });
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 5, LaunchTemplateData: { ImageId: 'ami-latest', MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } } }],
    });
    ec2Mock.on(CreateLaunchTemplateVersionCommand).resolvesOnce({ LaunchTemplateVersion: { VersionNumber: 6 } }).resolvesOnce({ LaunchTemplateVersion: { VersionNumber: 7 } });
    const result = await createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' });
    expect(result).toMatchObject({ Changed: true, DefaultVersion: 6, PreviousLatestVersion: 5, LatestVersion: 7 });
    const creates = ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input);
    expect(creates.map((c) => c.LaunchTemplateData)).toEqual([
      { ImageId: 'ami-default', MetadataOptions: { HttpTokens: 'required' } },
      { ImageId: 'ami-latest', MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } },
    ]);
  });

  test('Noncompliance 1: a template that does not exist is ResourceNotFound', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidLaunchTemplateId.NotFound' }));
    await expect(createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' })).rejects.toThrow(ResourceNotFoundError);
  });

  test('Noncompliance 2: access denied names the missing permission', async () => {
    ec2Mock.on(CreateLaunchTemplateVersionCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    await expect(createCompliantDefaultVersion(ec2, { launchTemplateId: 'lt-0123456789abcdef0' })).rejects.toThrow(/missing IAM permission/);
  });

  test('Compliance: the handler passes 0 as "keep the hop limit" and 1-64 as a new one', async () => {
    const handler = makeHandler(() => ({ clients: { ec2 }, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));
    await handler({ LaunchTemplateId: 'lt-0123456789abcdef0', HttpPutResponseHopLimit: '0' });
    await handler({ LaunchTemplateId: 'lt-0123456789abcdef0', HttpPutResponseHopLimit: '1' });
    const hops = ec2Mock.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input.LaunchTemplateData?.MetadataOptions?.HttpPutResponseHopLimit);
    expect(hops).toEqual([2, 1]);
    await expect(handler({ LaunchTemplateId: 'i-0123456789abcdef0' })).rejects.toThrow(InvalidInputError);
  });
});

describe('the deployment\'s hop-limit cap (IMDSV2_GUARD_MAX_HOP_LIMIT): the function only hardens', () => {
  test('Compliance: a kept hop limit above the cap is lowered to it; one below is kept; a given one is used', () => {
    expect(requireImdsV2({ HttpTokens: 'optional', HttpPutResponseHopLimit: 5 }, undefined, 2)).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect(requireImdsV2({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 }, undefined, 2)).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(requireImdsV2({ HttpTokens: 'optional', HttpPutResponseHopLimit: 5 }, 1, 2)).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  test('Noncompliance: a version requiring IMDSv2 with a hop limit above the cap is not "already compliant"', () => {
    expect(alreadyCompliant({ HttpTokens: 'required', HttpPutResponseHopLimit: 5 }, undefined, 2)).toBe(false);
    expect(alreadyCompliant({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, undefined, 2)).toBe(true);
  });

  test('Noncompliance: the handler refuses a hop limit above the cap, and a malformed cap', async () => {
    const ec2 = new EC2Client({ region: 'us-east-1' });
    const handler = makeHandler(() => ({ clients: { ec2 }, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));
    const saved = process.env.IMDSV2_GUARD_MAX_HOP_LIMIT;
    try {
      process.env.IMDSV2_GUARD_MAX_HOP_LIMIT = '2';
      await expect(handler({ LaunchTemplateId: 'lt-0123456789abcdef0', HttpPutResponseHopLimit: '3' })).rejects.toThrow(/HttpPutResponseHopLimit must be an integer from 0 to 2/);
      process.env.IMDSV2_GUARD_MAX_HOP_LIMIT = '65';
      await expect(handler({ LaunchTemplateId: 'lt-0123456789abcdef0' })).rejects.toThrow(/IMDSV2_GUARD_MAX_HOP_LIMIT/);
    } finally {
      if (saved === undefined) delete process.env.IMDSV2_GUARD_MAX_HOP_LIMIT;
      else process.env.IMDSV2_GUARD_MAX_HOP_LIMIT = saved;
    }
  });
});
