import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { Imdsv1InUseError, InvalidInputError } from '../../lambda/remediation/common/errors';
import { makeHandler } from '../../lambda/remediation/imdsv1-usage-gate/handler';
import { GATE_OPEN_TOKEN } from '../../lambda/remediation/imdsv1-usage-gate/usage';

const NOW = new Date('2026-03-15T12:00:00Z');
const cwMock = mockClient(CloudWatchClient);
const cloudwatch = new CloudWatchClient({ region: 'us-east-1' });
const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const handler = makeHandler(() => ({ clients: { cloudwatch }, logger, now: () => NOW }));

beforeEach(() => cwMock.reset());

describe('IMDSv1 usage gate', () => {
  test('Compliance: no MetadataNoToken data opens the gate; the window is the last LookbackDays, one datapoint a day', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    const decision = await handler({ InstanceId: 'i-0123456789abcdef0', LookbackDays: '14', Force: 'false' });
    expect(decision).toMatchObject({ InstanceId: 'i-0123456789abcdef0', ImdsV1Calls: 0, Force: false, Gate: GATE_OPEN_TOKEN });
    expect(cwMock.commandCalls(GetMetricStatisticsCommand)[0].args[0].input).toEqual({
      Namespace: 'AWS/EC2',
      MetricName: 'MetadataNoToken',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
      StartTime: new Date('2026-03-01T12:00:00Z'),
      EndTime: NOW,
      Period: 86400,
      Statistics: ['Sum'],
    });
  });

  test('Noncompliance 1: IMDSv1 calls close the gate with a message naming the count and the way out', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Sum: 40 }, { Sum: 2 }, { Sum: 0 }] });
    const run = handler({ InstanceId: 'i-0123456789abcdef0', LookbackDays: '14', Force: 'false' });
    await expect(run).rejects.toThrow(Imdsv1InUseError);
    await expect(handler({ InstanceId: 'i-0123456789abcdef0', LookbackDays: 14, Force: false })).rejects.toThrow(
      /^IMDSv1 calls seen: 42 in the last 14 days on i-0123456789abcdef0 .*set Force=true to proceed\.$/,
    );
  });

  test('Compliance: Force opens the gate over IMDSv1 calls and says so', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Sum: 5 }] });
    const decision = await handler({ InstanceId: 'i-0123456789abcdef0', LookbackDays: '30', Force: 'True' });
    expect(decision).toMatchObject({ ImdsV1Calls: 5, Force: true, Gate: GATE_OPEN_TOKEN, Reason: expect.stringMatching(/^Forced: 5 IMDSv1 calls/) });
  });

  test.each([
    [{ InstanceId: 'i-bad', LookbackDays: '14' }, /InstanceId/],
    [{ InstanceId: 'i-0123456789abcdef0', LookbackDays: '0' }, /LookbackDays/],
    [{ InstanceId: 'i-0123456789abcdef0', LookbackDays: '456' }, /LookbackDays/],
    [{ InstanceId: 'i-0123456789abcdef0', Force: 'yes' }, /Force/],
  ])('Noncompliance: %j is refused before reading CloudWatch', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(InvalidInputError);
    await expect(handler(event)).rejects.toThrow(message);
    expect(cwMock.commandCalls(GetMetricStatisticsCommand)).toHaveLength(0);
  });

  test('Noncompliance 2: a CloudWatch failure is an error, never an open gate', async () => {
    cwMock.on(GetMetricStatisticsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(handler({ InstanceId: 'i-0123456789abcdef0' })).rejects.toThrow(/GetMetricStatistics.*missing IAM permission/);
  });
});
