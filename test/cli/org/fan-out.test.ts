import { accountStatuses, classifyFailure, fanOut } from '../../../cli/org/fan-out';
import type { AccountTarget } from '../../../cli/org/targets';
import { ACTION_KEY } from '../../../cli/scan/errors';

/** An error shaped like the SDK's (name = the service's error code), tagged with its action like ClientPool does. */
function awsError(name: string, message: string, action?: string): Error {
  const e = new Error(message);
  e.name = name;
  if (action) Object.defineProperty(e, ACTION_KEY, { value: action });
  return e;
}

const self: AccountTarget = { accountId: '111111111111', self: true };
const member = (id: string, credentials: AccountTarget['credentials'] = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' })): AccountTarget => ({
  accountId: id,
  self: false,
  roleArn: `arn:aws:iam::${id}:role/Scan`,
  credentials,
});

describe('fanOut', () => {
  test('Compliance: every account × region runs once, in target order, with the account\'s credentials', async () => {
    const seen: string[] = [];
    const b = member('222222222222');
    const { outcomes, results } = await fanOut([self, b], ['us-east-1', 'eu-west-1'], async ({ account, region, credentials }) => {
      seen.push(`${account.accountId}/${region}`);
      expect(credentials).toBe(account.credentials);
      await new Promise((r) => setTimeout(r, region === 'us-east-1' ? 5 : 0));
      return `${account.accountId}:${region}`;
    }, { concurrency: 3 });
    expect(seen.sort()).toEqual(['111111111111/eu-west-1', '111111111111/us-east-1', '222222222222/eu-west-1', '222222222222/us-east-1']);
    expect(outcomes.map((o) => `${o.accountId}/${o.region}/${o.status}`)).toEqual([
      '111111111111/us-east-1/scanned',
      '111111111111/eu-west-1/scanned',
      '222222222222/us-east-1/scanned',
      '222222222222/eu-west-1/scanned',
    ]);
    expect(results.map((r) => r.value)).toEqual(['111111111111:us-east-1', '111111111111:eu-west-1', '222222222222:us-east-1', '222222222222:eu-west-1']);
  });

  test('Compliance: never more than `concurrency` tasks in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const accounts = Array.from({ length: 6 }, (_, i) => member(String(300000000000 + i)));
    await fanOut(accounts, ['a-b-1', 'a-b-2', 'a-b-3'], async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
    }, { concurrency: 4 });
    expect(peak).toBe(4);
  });

  test('Noncompliance 1: a role that cannot be assumed fails every region of that account, once, and the others go on', async () => {
    let assumed = 0;
    const denied = member('333333333333', async () => {
      assumed++;
      throw awsError('AccessDenied', 'User: arn:aws:iam::111111111111:user/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/Scan', 'sts:AssumeRole');
    });
    const tasks: string[] = [];
    const { outcomes, results } = await fanOut([self, denied], ['us-east-1', 'eu-west-1'], async ({ account, region }) => {
      tasks.push(`${account.accountId}/${region}`);
      return 1;
    }, { concurrency: 4 });
    expect(assumed).toBe(1);
    expect(tasks.every((t) => t.startsWith('111111111111/'))).toBe(true);
    expect(results).toHaveLength(2);
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(failed[0]).toMatchObject({ kind: 'assume-role-denied', accountId: '333333333333' });
    expect(failed[0].reason).toContain('arn:aws:iam::333333333333:role/Scan');
    expect(failed[0].fix).toContain('trust policy');
    const statuses = accountStatuses([self, denied], outcomes);
    expect(statuses.map((s) => s.status)).toEqual(['scanned', 'failed']);
    expect(statuses[1].failures).toHaveLength(1);
    expect(statuses[1].failures[0].regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('Noncompliance 2: OptInRequired in one region is "region-disabled" (not IAM), and the account is partial', async () => {
    const { outcomes } = await fanOut([self], ['us-east-1', 'me-central-1'], async ({ region }) => {
      if (region === 'me-central-1') throw awsError('OptInRequired', 'You are not subscribed to this service.', 'ec2:DescribeInstances');
      return 1;
    }, { concurrency: 2 });
    expect(outcomes[1]).toMatchObject({ status: 'failed', kind: 'region-disabled' });
    expect(outcomes[1].fix).toContain('enable-region');
    expect(outcomes[1].fix).toContain('no IAM change');
    expect(accountStatuses([self], outcomes)[0]).toMatchObject({ status: 'partial', regionsScanned: ['us-east-1'], regionsFailed: ['me-central-1'] });
  });

  test('Noncompliance 3: a refused call names the action; any other failure keeps the service\'s words', async () => {
    const { outcomes } = await fanOut([self], ['us-east-1', 'eu-west-1'], async ({ region }) => {
      if (region === 'us-east-1') throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 'ec2:DescribeLaunchTemplates');
      throw awsError('InternalError', 'We encountered an internal error.\nRequest id: x', 'autoscaling:DescribeAutoScalingGroups');
    }, { concurrency: 2 });
    expect(outcomes[0]).toMatchObject({ kind: 'access-denied' });
    expect(outcomes[0].reason).toContain('ec2:DescribeLaunchTemplates in us-east-1');
    expect(outcomes[0].fix).toContain('Grant ec2:DescribeLaunchTemplates');
    expect(outcomes[1]).toMatchObject({ kind: 'error', reason: 'autoscaling:DescribeAutoScalingGroups failed in eu-west-1: InternalError: We encountered an internal error.' });
  });

  test('Noncompliance 4: per-account regions; an account whose region list fails is failed as a whole ("*")', async () => {
    const b = member('444444444444');
    const { outcomes } = await fanOut(
      [self, b],
      async (account) => {
        if (account.accountId === b.accountId) throw awsError('UnauthorizedOperation', 'no', 'ec2:DescribeRegions');
        return ['us-east-1'];
      },
      async () => 1,
      { concurrency: 2 },
    );
    expect(outcomes.map((o) => `${o.accountId}/${o.region}/${o.status}/${o.kind ?? ''}`)).toEqual(['111111111111/us-east-1/scanned/', '444444444444/*/failed/access-denied']);
  });
});

describe('classifyFailure', () => {
  test.each([
    ['AccessDenied on AssumeRole', 'assume-role-denied', awsError('AccessDenied', 'not authorized', 'sts:AssumeRole')],
    ['OptInRequired', 'region-disabled', awsError('OptInRequired', 'not subscribed', 'ec2:DescribeInstances')],
    ['AccessDeniedException', 'access-denied', awsError('AccessDeniedException', 'no', 'cloudwatch:GetMetricData')],
    ['AuthFailure', 'bad-credentials', awsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 'ec2:DescribeInstances')],
    ['a bug', 'error', new TypeError('x is undefined')],
  ] as const)('%s → %s', (_, kind, error) => {
    expect(classifyFailure(error, { account: member('555555555555'), region: 'eu-west-1' }).kind).toBe(kind);
  });
});
