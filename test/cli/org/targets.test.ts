import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assumeRoleCredentials, parseTargetSelection, partitionOf, resolveTargets, TargetListingError, TargetSelectionError } from '../../../cli/org/targets';
import { startMoto, type MotoServer } from '../../integration/harness';

/**
 * Target resolution against moto 5.2.1, which keeps one backend per account and maps assumed-role
 * credentials to the account in the role ARN (moto does not check that the role exists or trusts the
 * caller: a role that cannot be assumed is shown in test/integration/scan-org.test.ts, through the front).
 */

let moto: MotoServer;
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const settings = () => ({ region: 'us-east-1', endpoint: moto.url, credentials: creds, maxAttempts: 2 });

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('parseTargetSelection', () => {
  test('Compliance: nothing selected is the caller\'s own account', () => {
    expect(parseTargetSelection({})).toEqual({ org: false, accounts: [], roleName: undefined, externalId: undefined });
  });
  test('Compliance: --account repeatable and comma-separated, deduplicated; role with a path', () => {
    expect(parseTargetSelection({ accounts: ['111111111111,222222222222', '111111111111'], roleName: 'ops/Scan', externalId: 'ext-1' })).toEqual({
      org: false,
      accounts: ['111111111111', '222222222222'],
      roleName: 'ops/Scan',
      externalId: 'ext-1',
    });
  });
  test.each([
    [{ org: true }, '--org needs --role-name'],
    [{ accounts: ['111111111111'] }, '--account needs --role-name'],
    [{ accounts: ['1234'], roleName: 'R' }, 'not an AWS account id'],
    [{ org: true, accounts: ['111111111111'], roleName: 'R' }, 'contradict'],
    [{ roleName: 'R' }, 'only applies with --org or --account'],
    [{ org: true, roleName: 'bad name' }, 'not an IAM role name'],
    [{ org: true, roleName: 'R'.repeat(65) }, 'not an IAM role name'],
    [{ org: true, roleName: 'R', externalId: 'x' }, '--external-id'],
    [{ externalId: 'abc' }, 'only applies with --role-name'],
  ])('Noncompliance %#: %j', (input, message) => {
    expect(() => parseTargetSelection(input)).toThrow(TargetSelectionError);
    expect(() => parseTargetSelection(input)).toThrow(message);
  });
});

test('partitionOf reads the partition from the caller ARN', () => {
  expect(partitionOf('arn:aws-us-gov:iam::123456789012:user/x')).toBe('aws-us-gov');
  expect(partitionOf('arn:aws:sts::123456789012:assumed-role/R/s')).toBe('aws');
});

describe('resolveTargets against moto (an organization with two member accounts)', () => {
  let members: string[];
  beforeAll(async () => {
    await moto.reset();
    const org = new OrganizationsClient(settings());
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    members = [];
    for (const name of ['payments', 'analytics']) {
      const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      members.push(out.CreateAccountStatus!.AccountId!);
    }
    org.destroy();
  });

  test('Compliance: --org lists the management account (own credentials) and both members (assumed role)', async () => {
    const sts = new STSClient(settings());
    const org = new OrganizationsClient(settings());
    try {
      const { caller, targets } = await resolveTargets(parseTargetSelection({ org: true, roleName: 'ImdsScan', externalId: 'org-ext' }), { sts, organizations: () => org });
      expect(caller.partition).toBe('aws');
      expect(targets.map((t) => [t.accountId, t.self, t.roleArn ?? null])).toEqual([
        [caller.accountId, true, null],
        ...members.map((m) => [m, false, `arn:aws:iam::${m}:role/ImdsScan`]),
      ]);
      expect(targets[0].credentials).toBeUndefined();
      expect(targets.map((t) => t.name)).toEqual(['master', 'payments', 'analytics']);
      // The assumed credentials land in the member's own account (moto: one backend per account).
      for (const t of targets.slice(1)) {
        const inMember = new STSClient({ ...settings(), credentials: t.credentials });
        expect((await inMember.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/ImdsScan/imdsv2-guard`);
        inMember.destroy();
      }
    } finally {
      sts.destroy();
      org.destroy();
    }
  });

  test('Compliance: --account picks accounts; the caller\'s own, if named, keeps its credentials', async () => {
    const sts = new STSClient(settings());
    try {
      const { caller, targets } = await resolveTargets(parseTargetSelection({ accounts: [members[1], '123456789012'], roleName: 'ImdsScan' }), {
        sts,
        organizations: () => {
          throw new Error('not called without --org');
        },
      });
      expect(caller.accountId).toBe('123456789012');
      expect(targets.map((t) => [t.accountId, t.self])).toEqual([
        [members[1], false],
        ['123456789012', true],
      ]);
    } finally {
      sts.destroy();
    }
  });

  // moto answers ListAccounts outside an organization with an empty list (AWS: AWSOrganizationsNotInUseException); both are refused.
  test('Noncompliance 1: --org from an account outside any organization is a TargetListingError naming why', async () => {
    await moto.reset();
    const sts = new STSClient(settings());
    const org = new OrganizationsClient(settings());
    try {
      const run = resolveTargets(parseTargetSelection({ org: true, roleName: 'ImdsScan' }), { sts, organizations: () => org });
      await expect(run).rejects.toThrow(TargetListingError);
      await expect(resolveTargets(parseTargetSelection({ org: true, roleName: 'ImdsScan' }), { sts, organizations: () => org })).rejects.toThrow(
        /cannot list the organization's accounts: .*(not in an organization|no active account)/,
      );
    } finally {
      sts.destroy();
      org.destroy();
    }
  });
});

test('assumeRoleCredentials: one AssumeRole for concurrent callers, again 5 minutes before expiry, not cached on failure', async () => {
  let calls = 0;
  let fail = false;
  let clock = 0;
  const sts = {
    send: async () => {
      calls++;
      if (fail) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      return { Credentials: { AccessKeyId: `k${calls}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock + 60 * 60_000) } };
    },
  } as unknown as STSClient;
  const provider = assumeRoleCredentials(sts, 'arn:aws:iam::111111111111:role/R', { now: () => clock });
  const [a, b] = await Promise.all([provider(), provider()]);
  expect(calls).toBe(1);
  expect(a).toBe(b);
  clock = 54 * 60_000;
  expect((await provider()).accessKeyId).toBe('k1');
  clock = 56 * 60_000;
  expect((await provider()).accessKeyId).toBe('k2');
  fail = true;
  clock = 200 * 60_000;
  await expect(provider()).rejects.toThrow('denied');
  fail = false;
  expect((await provider()).accessKeyId).toBe('k4');
});
