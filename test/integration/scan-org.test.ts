import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOrganization, memberCredentials as assumeInMoto, runCli, startFront, startMoto, type ChildRun, type Front, type MotoServer } from './harness';
import { loadInChromium } from './harness/chromium';
import { errorResponse } from './harness';

/**
 * `imdsv2-guard scan --org` / `--account` run as users run it (node bin/imdsv2-guard.js, a child
 * process) against moto 5.2.1 with an organization of three member accounts. moto keeps one backend
 * per account and maps assumed-role credentials to the account in the role ARN, so each account's
 * resources are really read with that account's credentials.
 *
 * A region not enabled comes from moto itself: its DescribeRegions lists ap-east-1 (Hong Kong, an
 * opt-in region) as `not-opted-in` in every account, and the scan reports it without calling there.
 * (An OptInRequired answer from a call is classified the same way: test/cli/org/fan-out.test.ts.)
 *
 * What moto cannot produce, the harness front answers (the test names say "front"):
 * - a role that cannot be assumed: moto's AssumeRole never checks the role or its trust policy, so the
 *   front refuses AssumeRole into the "legacy" account with AccessDenied, as STS does;
 * - a refused call in one account and region: the front answers the "analytics" account's
 *   DescribeLaunchTemplates in eu-west-1 with UnauthorizedOperation, as EC2 does when an SCP denies
 *   the region;
 * - EC2 GetInstanceMetadataDefaults (moto lacks it; the front's stand-in, shared by all accounts).
 */

const ROOT = resolve(__dirname, '..', '..');
const AMI = 'ami-12c6146b';
const MANAGEMENT = '123456789012';
const ROLE = 'ImdsScanReadOnly';

function scan(args: readonly string[]): Promise<ChildRun> {
  return runCli(['scan', '--endpoint-url', front.url, '--max-attempts', '2', ...args]);
}

let moto: MotoServer;
let front: Front;
const accounts: Record<'payments' | 'analytics' | 'legacy', string> = { payments: '', analytics: '', legacy: '' };
const assumeCalls: Array<Record<string, string>> = [];
const ids: Record<string, string> = {};

const base = () => ({ region: 'us-east-1', endpoint: moto.url, maxAttempts: 2 });
const testing = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Credentials in a member account, straight from moto (for seeding its resources). */
const memberCredentials = (accountId: string) => assumeInMoto(moto.url, accountId, ROLE);

async function instanceProfile(accessKeyId: string, name: string): Promise<void> {
  const res = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: 'CreateInstanceProfile', Version: '2010-05-08', InstanceProfileName: name }).toString(),
  });
  if (!res.ok) throw new Error(`CreateInstanceProfile failed: ${res.status} ${await res.text()}`);
}

async function runInstance(credentials: typeof testing, tokens: 'optional' | 'required', profile?: string): Promise<string> {
  const ec2 = new EC2Client({ ...base(), credentials });
  try {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        IamInstanceProfile: profile ? { Name: profile } : undefined,
        MetadataOptions: { HttpTokens: tokens, HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: '<b>team</b>' }] }],
      }),
    );
    return out.Instances![0].InstanceId!;
  } finally {
    ec2.destroy();
  }
}

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(ROOT, 'cli', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the CLI bundle failed:\n${built.stderr}${built.stdout}`);
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });

  await createOrganization(moto.url, accounts);

  // Management: one compliant instance. Payments: one IMDSv1 instance with an instance profile, one
  // compliant. Analytics: one compliant instance. Legacy: an IMDSv1 instance nobody can see (no role).
  ids.management = await runInstance(testing, 'required');
  const payments = await memberCredentials(accounts.payments);
  await instanceProfile(payments.accessKeyId, 'payments-app');
  ids.paymentsExposed = await runInstance(payments, 'optional', 'payments-app');
  ids.paymentsGood = await runInstance(payments, 'required');
  ids.analytics = await runInstance(await memberCredentials(accounts.analytics), 'required');
  ids.legacy = await runInstance(await memberCredentials(accounts.legacy), 'optional');
  for (const region of ['us-east-1', 'eu-west-1', 'ap-east-1']) front.ec2.setAccountDefaults(region, { httpTokens: 'required' });

  front.setIntercept(async (request, f) => {
    if (request.operation === 'AssumeRole') {
      const form = Object.fromEntries(request.form ?? []);
      assumeCalls.push(form);
      if (form.RoleArn === `arn:aws:iam::${accounts.legacy}:role/${ROLE}`) {
        return errorResponse(request, 403, 'AccessDenied', `User: arn:aws:iam::${MANAGEMENT}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${form.RoleArn}`);
      }
    }
    if (request.region === 'eu-west-1' && request.operation === 'DescribeLaunchTemplates' && (await f.accountOf(request)) === accounts.analytics) {
      return errorResponse(request, 403, 'UnauthorizedOperation', `You are not authorized to perform this operation. User: arn:aws:sts::${accounts.analytics}:assumed-role/${ROLE}/imdsv2-guard is not authorized to perform: ec2:DescribeLaunchTemplates with an explicit deny in a service control policy`);
    }
    return undefined;
  });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
});

interface JsonReport {
  complete: boolean;
  regions: string[];
  accounts: Array<{ accountId: string; name: string | null; status: string; regionsScanned: string[]; regionsNotScanned: string[]; failures: Array<{ kind: string; regions: string[]; reason: string; fix: string }>; totals: Record<string, number> }>;
  resources: Array<Record<string, any>>;
}

describe('scan --org: an organization of three member accounts (front refuses one role and one call; moto: ap-east-1 not enabled)', () => {
  let run: ChildRun;
  let doc: JsonReport;
  beforeAll(async () => {
    assumeCalls.length = 0;
    run = await scan(['--org', '--role-name', ROLE, '--external-id', 'imds-ext-1', '--region', 'us-east-1', '--region', 'eu-west-1', '--region', 'ap-east-1', '--format', 'json', '--concurrency', '3']);
    doc = JSON.parse(run.stdout) as JsonReport;
  });

  test('Noncompliance 1: exits 1 (payments has an IMDSv1 instance), even though the scan is incomplete', () => {
    expect(run.code).toBe(1);
    expect(doc.complete).toBe(false);
  });

  test('Every account of the organization is listed with its status; the caller\'s own first', () => {
    expect(doc.accounts.map((a) => [a.accountId, a.name, a.status])).toEqual([
      [MANAGEMENT, 'master', 'partial'],
      [accounts.payments, 'payments', 'partial'],
      [accounts.analytics, 'analytics', 'partial'],
      [accounts.legacy, 'legacy', 'failed'],
    ]);
  });

  test('Each member is reached through its role, with the external id; the caller\'s own account is not', () => {
    const roleArns = assumeCalls.map((c) => c.RoleArn).sort();
    expect(roleArns).toEqual([accounts.payments, accounts.analytics, accounts.legacy].map((id) => `arn:aws:iam::${id}:role/${ROLE}`).sort());
    expect(assumeCalls.every((c) => c.ExternalId === 'imds-ext-1' && c.RoleSessionName === 'imdsv2-guard')).toBe(true);
  });

  test('A role that cannot be assumed (front): the account is not scanned, with the reason and the fix, and the scan goes on', () => {
    const legacy = doc.accounts.find((a) => a.accountId === accounts.legacy)!;
    expect(legacy.regionsScanned).toEqual([]);
    expect(legacy.failures).toEqual([
      {
        kind: 'assume-role-denied',
        regions: ['us-east-1', 'eu-west-1', 'ap-east-1'],
        reason: expect.stringContaining(`could not assume arn:aws:iam::${accounts.legacy}:role/${ROLE}: AccessDenied`),
        fix: expect.stringContaining('trust policy'),
      },
    ]);
    // Nothing from legacy is reported, compliant or not: it was not seen.
    expect(doc.resources.some((r) => r.accountId === accounts.legacy)).toBe(false);
  });

  test('A region not enabled (moto: not-opted-in) is told as a region problem, not IAM, in each account, without calling there', () => {
    for (const id of [MANAGEMENT, accounts.payments, accounts.analytics]) {
      const account = doc.accounts.find((a) => a.accountId === id)!;
      expect(account.failures).toContainEqual(
        expect.objectContaining({ kind: 'region-disabled', regions: ['ap-east-1'], fix: expect.stringContaining(`aws account enable-region --account-id ${id} --region-name ap-east-1`) }),
      );
    }
    expect(front.calls.filter((c) => c.region === 'ap-east-1')).toEqual([]);
  });

  test('A refused call (front: an SCP denies ec2:DescribeLaunchTemplates in eu-west-1 for analytics): that account/region only', () => {
    const analytics = doc.accounts.find((a) => a.accountId === accounts.analytics)!;
    expect(analytics.regionsScanned).toEqual(['us-east-1']);
    expect(analytics.regionsNotScanned).toEqual(['eu-west-1', 'ap-east-1']);
    expect(analytics.failures[0]).toMatchObject({
      kind: 'access-denied',
      regions: ['eu-west-1'],
      reason: expect.stringMatching(/^access denied for ec2:DescribeLaunchTemplates in eu-west-1: UnauthorizedOperation/),
      fix: expect.stringContaining('SCP'),
    });
    expect(doc.accounts.find((a) => a.accountId === accounts.payments)!.regionsScanned).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('Every resource carries its accountId; each account\'s resources come from its own backend', () => {
    const all = JSON.parse(run.stdout) as JsonReport;
    expect(all.resources.every((r) => /^\d{12}$/.test(r.accountId))).toBe(true);
    expect(all.resources.find((r) => r.id === ids.paymentsExposed)).toMatchObject({ accountId: accounts.payments, verdict: 'NON_COMPLIANT', instanceProfile: true });
    expect(doc.accounts.find((a) => a.accountId === accounts.payments)!.totals).toMatchObject({ nonCompliant: 1, compliant: 3 }); // 2 instances, 2 regions' defaults
    expect(doc.accounts.find((a) => a.accountId === MANAGEMENT)!.totals).toMatchObject({ nonCompliant: 0, compliant: 3 });
  });

  test('stderr: one progress view, then what was not scanned, each with its fix', () => {
    expect(run.stderr).toMatch(new RegExp(`scanned ${accounts.payments} us-east-1: 2 instances`));
    expect(run.stderr).toMatch(/imdsv2-guard scan: incomplete: 7 of 12 account\/regions not scanned:/);
    expect(run.stderr).toContain(`account ${accounts.legacy} (us-east-1, eu-west-1, ap-east-1): could not assume`);
    expect(run.stderr).toContain(`account ${accounts.analytics} (ap-east-1): region ap-east-1 is not enabled`);
    expect(run.stderr).toContain(`account ${accounts.analytics} (eu-west-1): access denied for ec2:DescribeLaunchTemplates`);
    expect(run.stderr).not.toMatch(/Warning|NodeVersionSupport/);
  });
});

describe('scan --account: explicit accounts, every format', () => {
  test('Compliance with gaps: nothing non-compliant in what was scanned but an account was not: exit 3 (incomplete)', async () => {
    const r = await scan(['--account', `${accounts.analytics},${accounts.legacy}`, '--role-name', ROLE, '--region', 'us-east-1', '--format', 'csv', '--all', '--no-progress']);
    expect(r.code).toBe(3);
    const [header, ...rows] = r.stdout.trimEnd().split('\r\n');
    expect(header.split(',')[0]).toBe('account_id');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.startsWith(`${accounts.analytics},`))).toBe(true);
    expect(r.stderr).toContain('incomplete: 1 of 2 account/regions not scanned');
  });

  test('Table: per-account totals and the accounts/regions not scanned, with the fix', async () => {
    const r = await scan(['--account', accounts.payments, '--account', accounts.legacy, '--role-name', ROLE, '--region', 'us-east-1', '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^imdsv2-guard scan · 2 accounts · us-east-1 · /);
    expect(r.stdout).toMatch(new RegExp(`${accounts.payments}\\s+-\\s+scanned\\s+1\\s+0\\s+2\\s+1\\s+0`));
    expect(r.stdout).toMatch(new RegExp(`${accounts.legacy}\\s+-\\s+failed\\s+0\\s+0\\s+0\\s+0\\s+1`));
    expect(r.stdout).toContain('Not scanned (1 of 2 account/regions; nothing is known about them):');
    expect(r.stdout).toMatch(/fix: Create the role in account \d{12} with a trust policy/);
    expect(r.stdout).toMatch(/INCOMPLETE: 1 account\/region not scanned\./);
    expect(r.stdout.split('\n').find((l) => l.includes(ids.paymentsExposed))).toMatch(new RegExp(`^\\s+${accounts.payments}\\s+${ids.paymentsExposed}`));
  });

  test('--region all: each account\'s own enabled regions (DescribeRegions with its credentials); a role that fails fails the account as a whole', async () => {
    const r = await scan(['--account', accounts.payments, '--account', accounts.legacy, '--role-name', ROLE, '--region', 'all', '--format', 'json', '--no-progress', '--concurrency', '16']);
    expect(r.code).toBe(1);
    const all = JSON.parse(r.stdout) as JsonReport;
    const payments = all.accounts.find((a) => a.accountId === accounts.payments)!;
    expect(payments.status).toBe('scanned');
    expect(payments.regionsScanned.length).toBeGreaterThan(10);
    expect(payments.regionsScanned).toContain('us-east-1');
    // moto lists ap-east-1 even without AllRegions, as not-opted-in; the scan leaves it out. (moto also
    // lists other partitions' regions, cn-* and us-gov-*, which AWS does not; it serves them anyway.)
    expect(payments.regionsScanned).not.toContain('ap-east-1');
    expect(all.accounts.find((a) => a.accountId === accounts.legacy)).toMatchObject({ status: 'failed', regionsScanned: [], failures: [expect.objectContaining({ kind: 'assume-role-denied', regions: ['*'] })] });
    expect(r.stderr).toContain(`account ${accounts.legacy}: could not assume`);
  });

  test('Every account refused: nothing was seen, so no report and exit 2, with each reason', async () => {
    const r = await scan(['--account', accounts.legacy, '--role-name', ROLE, '--region', 'us-east-1', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^imdsv2-guard scan: account ${accounts.legacy}.*could not assume`, 'm'));
  });

  test('Usage: --org without --role-name, and --role-name alone, exit 2 with the reason', async () => {
    const a = await scan(['--org', '--region', 'us-east-1']);
    expect(a).toMatchObject({ code: 2, stdout: '' });
    expect(a.stderr).toMatch(/--org needs --role-name/);
    const b = await scan(['--account', '12345', '--role-name', ROLE]);
    expect(b.stderr).toMatch(/--account: "12345" is not an AWS account id/);
  });
});

describe('--format html in real headless Chromium (Debian package)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imdsv2-guard-html-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('The org report renders with no console error and no request, with headline, charts, risk order and coverage', async () => {
    const r = await scan(['--org', '--role-name', ROLE, '--region', 'us-east-1', '--region', 'eu-west-1', '--region', 'ap-east-1', '--format', 'html', '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>/);
    // Self-contained: nothing to fetch, and a tag value is shown as text, not markup.
    expect(r.stdout).not.toMatch(/<script|<link|@import|url\(|src="http/i);
    expect(r.stdout).toContain('&lt;b&gt;team&lt;/b&gt;');
    const file = join(dir, 'report.html');
    writeFileSync(file, r.stdout);
    const page = await loadInChromium(
      pathToFileURL(file).href,
      `JSON.stringify({
        cards: [...document.querySelectorAll('#headline .card b')].map((b) => b.textContent),
        accountBars: document.querySelectorAll('#chart-accounts rect').length,
        kindBars: document.querySelectorAll('#chart-kinds rect').length,
        chartWidth: document.querySelector('#chart-accounts').getBoundingClientRect().width,
        firstRisk: document.querySelector('#resources tbody tr td:nth-child(2)').textContent,
        regions: [...document.querySelectorAll('#regions tbody tr td:first-child')].map((t) => t.textContent),
        coverage: document.querySelector('#coverage').textContent,
        incomplete: !!document.querySelector('#incomplete'),
        boldTags: document.querySelectorAll('#resources b').length,
      })`,
    );
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    const v = JSON.parse(page.value as string);
    expect(v.cards).toEqual(['1', '1', expect.stringMatching(/%$/), '5/12']);
    expect(v.accountBars).toBeGreaterThanOrEqual(1);
    expect(v.kindBars).toBeGreaterThanOrEqual(1);
    expect(v.chartWidth).toBeGreaterThan(100);
    expect(v.firstRisk).toBe(ids.paymentsExposed);
    expect(v.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-east-1']);
    expect(v.coverage).toContain('could not assume');
    expect(v.coverage).toContain('ap-east-1 is not enabled');
    expect(v.incomplete).toBe(true);
    expect(v.boldTags).toBe(0);
  });

  test('The browser check can fail: a page with a script error and an outside image is caught', async () => {
    const file = join(dir, 'bad.html');
    writeFileSync(file, '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"><script>undefinedFunction()</script></body></html>');
    const page = await loadInChromium(pathToFileURL(file).href, '1');
    expect(page.errors.join('\n')).toMatch(/undefinedFunction/);
    expect(page.requests).toEqual(['http://127.0.0.1:9/x.png']);
  });
});
