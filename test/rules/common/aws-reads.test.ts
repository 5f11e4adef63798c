import { DescribeImagesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { ResourceFetchError } from '../../../lambda/kit/errors';
import { describeImdsSupport, describeTemplateVersions } from '../../../lambda/rules/common/aws-reads';
import { awsError, harness } from '../../kit/support';

// DescribeImages refuses a whole list when one id in it is unknown or malformed. moto answers such a
// list with silence instead, so the refusal is mocked here (the moto path is in
// test/integration/rules/imdsv2-launch-template.test.ts).
const GOOD = 'ami-0c7217cdde317cfec';
const GONE = 'ami-0123456789abcdef0';
const ODD = 'ami-0fedcba9876543210';

describe('describeImdsSupport: an AMI that cannot be read is an answer about that AMI', () => {
  test('a list refused with InvalidAMIID.NotFound is asked again id by id; each id gets its own answer', async () => {
    const h = harness();
    h.ec2.on(DescribeImagesCommand).callsFake((input: { ImageIds: string[] }) => {
      if (input.ImageIds.length > 1) throw awsError('InvalidAMIID.NotFound', `The image id '[${GONE}]' does not exist`);
      const [id] = input.ImageIds;
      if (id === GONE) throw awsError('InvalidAMIID.NotFound');
      if (id === ODD) throw awsError('InvalidAMIID.Malformed');
      return { Images: [{ ImageId: id, ImdsSupport: 'v2.0' }] };
    });

    const result = await describeImdsSupport(h.clients.ec2, [GOOD, GONE, ODD, GOOD]);

    expect(Object.fromEntries(result)).toEqual({
      [GOOD]: { found: true, imdsSupport: 'v2.0' },
      [GONE]: { found: false, problem: `${GONE} not found (deregistered or not shared with this account)` },
      [ODD]: { found: false, problem: `malformed AMI id ${ODD}` },
    });
    expect(h.ec2.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.ImageIds)).toEqual([[GOOD, GONE, ODD], [GOOD], [GONE], [ODD]]);
  });

  test('ids that are not AMI ids are never sent: an unresolved alias and a malformed id are named', async () => {
    const h = harness();
    h.ec2.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: GOOD }] });
    const result = await describeImdsSupport(h.clients.ec2, ['resolve:ssm:/golden/ami', 'ami-xyz', GOOD]);
    expect(result.get('resolve:ssm:/golden/ami')).toEqual({ found: false, problem: 'alias resolve:ssm:/golden/ami not resolved' });
    expect(result.get('ami-xyz')).toEqual({ found: false, problem: 'malformed AMI id ami-xyz' });
    expect(result.get(GOOD)).toEqual({ found: true, imdsSupport: undefined });
    expect(h.ec2.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.ImageIds)).toEqual([[GOOD]]);
  });

  test('an id answered with silence is reported as not found', async () => {
    const h = harness();
    h.ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    expect((await describeImdsSupport(h.clients.ec2, [GONE])).get(GONE)).toMatchObject({ found: false });
  });

  test('a permission error is an error of the read, not of one AMI: ResourceFetchError', async () => {
    const h = harness();
    h.ec2.on(DescribeImagesCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(describeImdsSupport(h.clients.ec2, [GOOD])).rejects.toBeInstanceOf(ResourceFetchError);
  });
});

describe('describeTemplateVersions', () => {
  test('reads with ResolveAlias, so a `resolve:ssm:` ImageId comes back as the AMI it names', async () => {
    const h = harness();
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [{ VersionNumber: 1 }] });
    await describeTemplateVersions(h.clients.ec2, 'lt-0123456789abcdef0', ['$Default']);
    await describeTemplateVersions(h.clients.ec2, { name: 'web' }, ['3']);
    expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input.ResolveAlias)).toEqual([true, true]);
  });
});
