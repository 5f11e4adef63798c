import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { InvalidInputError } from '../../lambda/remediation/common/errors';
import { makeHandler } from '../../lambda/remediation/refresh-group/handler';
import { groupNameOf } from '../../lambda/remediation/refresh-group/refresh';

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
    clients: { ec2: new EC2Client({ region: 'us-east-1' }), autoscaling: new AutoScalingClient({ region: 'us-east-1' }) },
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
