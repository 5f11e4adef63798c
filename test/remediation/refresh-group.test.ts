import * as as from '@aws-sdk/client-auto-scaling';
import * as e2 from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidInputError } from '../../lambda/remediation/common/errors';
import { makeHandler } from '../../lambda/remediation/refresh-group/handler';
import { checkReplacement, groupNameOf, startReplacement } from '../../lambda/remediation/refresh-group/refresh';

const ARN = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:37a9d14a-6bf2-4b3f-9cea-b8a440e9b183:autoScalingGroupName/';

describe('the group name comes from the ARN the rule reports (no AWS Config record needed)', () => {
  test.each([
    ['web', 'web'],
    ['a name with / and spaces', 'a name with / and spaces'],
    ['eks-nodes-1a2b', 'eks-nodes-1a2b'],
  ])('Compliance: %s', (name, expected) => expect(groupNameOf(`${ARN}${name}`)).toBe(expected));

  test.each([
    ['a bare name', 'web'],
    ['a launch configuration ARN', 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:37a9d14a-6bf2-4b3f-9cea-b8a440e9b183:launchConfigurationName/web'],
    ['an empty name', ARN],
    ['a control character', `${ARN}web\u0000`],
  ])('Noncompliance: %s is refused', (_n, arn) => expect(() => groupNameOf(arn)).toThrow(InvalidInputError));
});

describe('the handler', () => {
  const handler = makeHandler(() => ({
    clients: { ec2: new e2.EC2Client({ region: 'us-east-1' }), autoscaling: new as.AutoScalingClient({ region: 'us-east-1' }) },
    logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() },
  }));
  test.each([
    [{ AutoScalingGroupArn: `${ARN}web`, Action: 'Terminate' }, /Action must be "Start" or "Check"/],
    [{ AutoScalingGroupArn: 'web', Action: 'Start' }, /AutoScalingGroupArn/],
    [{ AutoScalingGroupArn: `${ARN}web`, Action: 'Start', MinHealthyPercentage: '101' }, /MinHealthyPercentage/],
  ])('Noncompliance: refuses %j before any call', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(InvalidInputError);
    await expect(handler(event)).rejects.toThrow(message);
  });
});

describe('startReplacement and checkReplacement over in service, Standby and warm pool (mocked clients; moto has no Standby/warm-pool instance states to drive)', () => {
  const asMock = mockClient(as.AutoScalingClient);
  const ec2Mock = mockClient(e2.EC2Client);
  const started: unknown[] = [];
  let status = 'Successful';
  const clients = {
    ec2: new e2.EC2Client({ region: 'us-east-1' }),
    autoscaling: new as.AutoScalingClient({ region: 'us-east-1' }),
    refresh: {
      start: async (input: unknown) => {
        started.push(input);
        return { InstanceRefreshId: 'r-1' };
      },
      describe: async () => ({ InstanceRefreshes: [{ InstanceRefreshId: 'r-1', Status: status as never }] }),
    },
  };
  const tokens = (id: string, t: string) => ({ InstanceId: id, MetadataOptions: { HttpTokens: t as never, HttpEndpoint: 'enabled' as never } });

  beforeEach(() => {
    asMock.reset();
    ec2Mock.reset();
    started.length = 0;
    asMock.on(as.DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'web',
          Instances: [
            { InstanceId: 'i-inservice', LifecycleState: 'InService' },
            { InstanceId: 'i-standby', LifecycleState: 'Standby' },
            { InstanceId: 'i-leaving', LifecycleState: 'Terminating' },
          ],
        } as never,
      ],
    });
    asMock.on(as.DescribeWarmPoolCommand).resolves({ Instances: [{ InstanceId: 'i-warm', LifecycleState: 'Warmed:Stopped' } as never] });
    ec2Mock.on(e2.DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [tokens('i-inservice', 'required'), tokens('i-standby', 'optional'), tokens('i-warm', 'optional')] }],
    });
  });

  test('Compliance: Standby and warm-pool instances that accept IMDSv1 are found; Standby ones are replaced (StandbyInstances Terminate); skip matching off', async () => {
    const result = await startReplacement(clients, { groupArn: `${ARN}web`, minHealthyPercentage: 90, instanceWarmup: 300 });
    expect(result).toMatchObject({ Phase: 'Running', InstancesChecked: 3 });
    expect(result.InstancesAcceptingImdsV1).toEqual([
      { InstanceId: 'i-standby', Where: 'Standby', LifecycleState: 'Standby' },
      { InstanceId: 'i-warm', Where: 'WarmPool', LifecycleState: 'Warmed:Stopped' },
    ]);
    expect(started).toEqual([{ AutoScalingGroupName: 'web', Preferences: { MinHealthyPercentage: 90, InstanceWarmup: 300, SkipMatching: false, StandbyInstances: 'Terminate' } }]);
  });

  test('Noncompliance: a refresh that ended with a warm-pool instance still accepting IMDSv1 is reported as partial, naming it', async () => {
    await expect(checkReplacement(clients, `${ARN}web`)).rejects.toThrow(/Partial: instance refresh r-1 of web ended Successful; 2 of 3 instances still accept IMDSv1: i-standby \(Standby\), i-warm \(WarmPool\)/);
  });

  test('Compliance: while the refresh runs, Check says Running and judges nothing yet', async () => {
    status = 'InProgress';
    try {
      expect(await checkReplacement(clients, `${ARN}web`)).toMatchObject({ Phase: 'Running', RefreshStatus: 'InProgress' });
      expect(ec2Mock.commandCalls(e2.DescribeInstancesCommand)).toHaveLength(0);
    } finally {
      status = 'Successful';
    }
  });
});
