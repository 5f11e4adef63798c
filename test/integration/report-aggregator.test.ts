import { ConfigServiceClient, PutConfigurationAggregatorCommand } from '@aws-sdk/client-config-service';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { changeEvent, createOrganization, instanceItem, loadBundle, memberCredentials, runCli, scheduledEvent, sdkEnv, startFront, startMoto, withEnv, type ChildRun, type Front, type MotoServer } from './harness';
import { AggregatorStandIn } from './harness';

/**
 * `imdsv2-guard report --aggregator` against moto with an organization of two member accounts.
 * The rules' results are really recorded: the deployed bundles (imdsv2-instance, imdsv2-account-
 * defaults) run in each account and region with that account's credentials (moto maps assumed-role
 * keys to the account) and send PutEvaluations.
 *
 * moto lacks the aggregate compliance calls (DescribeAggregateComplianceByConfigRules,
 * GetAggregateComplianceDetailsByConfigRule): the harness's AggregatorStandIn answers them from
 * those recorded PutEvaluations, filed by account, region and rule. The aggregator itself is
 * created in moto (PutConfigurationAggregator). The front also stands in for
 * GetInstanceMetadataDefaults and PutEvaluations outside test mode, as everywhere.
 */

const ROOT = resolve(__dirname, '..', '..');
const AMI = 'ami-12c6146b';
const MANAGEMENT = '123456789012';
const AGGREGATOR = 'org-imdsv2';
// The StackSet member template names rules with their Security Hub controls.
const INSTANCE_RULE = 'imdsv2-instance-EC2.8';
const DEFAULTS_RULE = 'imdsv2-account-defaults';

let moto: MotoServer;
let front: Front;
const aggregator = new AggregatorStandIn([AGGREGATOR]);
const accounts = { payments: '', analytics: '' };
const ids: Record<string, string> = {};
type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const keys: Record<string, Keys> = {};

/** The CLI as users run it, with the aggregator's endpoint and region appended. */
function cli(args: readonly string[]): Promise<ChildRun> {
  return runCli([...args, '--endpoint-url', front.url, '--region', 'us-east-1']);
}

const settings = (credentials: Keys, region = 'us-east-1') => ({ region, endpoint: moto.url, credentials, maxAttempts: 2 });

async function run(account: string, region: string, tokens: 'optional' | 'required'): Promise<string> {
  const ec2 = new EC2Client(settings(keys[account], region));
  try {
    const out = await ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, MetadataOptions: { HttpTokens: tokens, HttpEndpoint: 'enabled' } }));
    return out.Instances![0].InstanceId!;
  } finally {
    ec2.destroy();
  }
}

/** The deployed rule bundle, run in `account`/`region` with that account's credentials. */
async function evaluate(account: string, region: string, bundle: string, event: ReturnType<typeof scheduledEvent>): Promise<void> {
  front.config.registerEvent(event);
  aggregator.ruleForToken(event.resultToken, event.configRuleName);
  const k = keys[account];
  await withEnv({ ...sdkEnv(front, region), AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey, AWS_SESSION_TOKEN: k.sessionToken }, () =>
    loadBundle(bundle).handler(event),
  );
}

async function evaluateInstance(account: string, region: string, instanceId: string): Promise<void> {
  const ec2 = new EC2Client(settings(keys[account], region));
  const item = await instanceItem(ec2, instanceId, { accountId: accountIdOf(account) });
  ec2.destroy();
  await evaluate(account, region, 'imdsv2-instance', changeEvent({ configurationItem: item, ruleName: INSTANCE_RULE }));
}

/**
 * The report's regions in the order first seen, accounts in id order: us-east-1 (management and
 * payments), eu-west-1 (analytics), unless moto's random id for analytics sorts first.
 */
const regionOrder = () =>
  [...new Set(([[MANAGEMENT, 'us-east-1'], [accounts.payments, 'us-east-1'], [accounts.analytics, 'eu-west-1']] as const).slice().sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r))];

const accountIdOf = (name: string) => (name === 'management' ? MANAGEMENT : accounts[name as keyof typeof accounts]);

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(ROOT, 'cli', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the CLI bundle failed:\n${built.stderr}${built.stdout}`);
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  keys.management = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  await createOrganization(moto.url, accounts);
  for (const name of ['payments', 'analytics'] as const) keys[name] = await memberCredentials(moto.url, accounts[name], 'ImdsScanReadOnly');
  const config = new ConfigServiceClient(settings(keys.management));
  await config.send(
    new PutConfigurationAggregatorCommand({
      ConfigurationAggregatorName: AGGREGATOR,
      OrganizationAggregationSource: { RoleArn: `arn:aws:iam::${MANAGEMENT}:role/config-aggregator`, AllAwsRegions: true },
    }),
  );
  config.destroy();
  front.setIntercept(aggregator.intercept());

  // Estate: management us-east-1: one IMDSv1 instance. Payments us-east-1: one IMDSv1, one IMDSv2.
  // Analytics eu-west-1: one IMDSv2. Account defaults: required in us-east-1, unset in eu-west-1.
  front.ec2.setAccountDefaults('us-east-1', { httpTokens: 'required' });
  ids.managementExposed = await run('management', 'us-east-1', 'optional');
  ids.paymentsExposed = await run('payments', 'us-east-1', 'optional');
  ids.paymentsGood = await run('payments', 'us-east-1', 'required');
  ids.analyticsGood = await run('analytics', 'eu-west-1', 'required');
  await evaluateInstance('management', 'us-east-1', ids.managementExposed);
  await evaluateInstance('payments', 'us-east-1', ids.paymentsExposed);
  await evaluateInstance('payments', 'us-east-1', ids.paymentsGood);
  await evaluateInstance('analytics', 'eu-west-1', ids.analyticsGood);
  for (const [account, region] of [['management', 'us-east-1'], ['payments', 'us-east-1'], ['analytics', 'eu-west-1']]) {
    await evaluate(account, region, 'imdsv2-account-defaults', scheduledEvent({ ruleName: DEFAULTS_RULE, accountId: accountIdOf(account), region }));
  }
  // A launch template rule deployed in analytics/eu-west-1 that has not run yet.
  aggregator.deployedWithoutResults(accounts.analytics, 'eu-west-1', 'imdsv2-launch-template');
}, 180_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
});

interface JsonReport {
  tool: string;
  aggregator: string;
  regions: string[];
  complete: boolean;
  accounts: Array<{ accountId: string; status: string; regionsScanned: string[]; totals: Record<string, number> }>;
  resources: Array<Record<string, any>>;
}

describe('report --aggregator (AggregatorStandIn answers the aggregate calls moto lacks, from the recorded results)', () => {
  let doc: JsonReport;
  let json: ChildRun;
  beforeAll(async () => {
    expect(aggregator.recorded()).toHaveLength(7); // 4 instances + 3 account defaults, really sent by the bundles
    json = await cli(['report', '--aggregator', AGGREGATOR, '--format', 'json', '--all']);
    doc = JSON.parse(json.stdout) as JsonReport;
  });

  test('Noncompliance 1: the IMDSv1 instances of two accounts, with the rules\' own annotations, per account and region; exit 1', () => {
    expect(json.code).toBe(1);
    expect(doc).toMatchObject({ tool: 'imdsv2-guard report', aggregator: AGGREGATOR, regions: regionOrder() });
    const nonCompliant = doc.resources.filter((r) => r.verdict === 'NON_COMPLIANT' && r.type === 'instance');
    expect(nonCompliant.map((r) => [r.accountId, r.region, r.id]).sort()).toEqual(
      [
        [MANAGEMENT, 'us-east-1', ids.managementExposed],
        [accounts.payments, 'us-east-1', ids.paymentsExposed],
      ].sort(),
    );
    expect(nonCompliant[0]).toMatchObject({ rule: 'imdsv2-instance', resourceType: 'AWS::EC2::Instance', reason: expect.stringMatching(/^Does not require IMDSv2: HttpTokens=optional/), fix: expect.stringMatching(/^Fix: aws ec2 modify-instance-metadata-options/) });
    expect(doc.resources.find((r) => r.id === ids.paymentsGood)).toMatchObject({ verdict: 'COMPLIANT', accountId: accounts.payments });
  });

  test('Account defaults per account and region: compliant in us-east-1, not in eu-west-1', () => {
    const defaults = doc.resources.filter((r) => r.type === 'account-default' && r.rule === 'imdsv2-account-defaults' && !String(r.id).includes('/'));
    expect(defaults.map((r) => [r.accountId, r.region, r.verdict]).sort()).toEqual(
      [
        [MANAGEMENT, 'us-east-1', 'COMPLIANT'],
        [accounts.payments, 'us-east-1', 'COMPLIANT'],
        [accounts.analytics, 'eu-west-1', 'NON_COMPLIANT'],
      ].sort(),
    );
  });

  test('A rule with no results (INSUFFICIENT_DATA there, absent elsewhere) is UNKNOWN in each account/region, not silently clean', () => {
    const unknown = doc.resources.filter((r) => r.verdict === 'UNKNOWN');
    expect(unknown.map((r) => [r.accountId, r.region, r.rule]).sort()).toEqual(
      [
        [MANAGEMENT, 'us-east-1', 'imdsv2-launch-template'],
        [accounts.payments, 'us-east-1', 'imdsv2-launch-template'],
        [accounts.analytics, 'eu-west-1', 'imdsv2-launch-template'],
      ].sort(),
    );
    expect(unknown.find((r) => r.accountId === accounts.analytics)!.reason).toMatch(/INSUFFICIENT_DATA/);
    expect(unknown.find((r) => r.accountId === MANAGEMENT)!.reason).toMatch(/not deployed/);
  });

  test('Accounts: every account the aggregator holds, with totals; no role was assumed', () => {
    expect(doc.accounts.map((a) => [a.accountId, a.status, a.regionsScanned])).toEqual(
      [
        [MANAGEMENT, 'scanned', ['us-east-1']],
        [accounts.payments, 'scanned', ['us-east-1']],
        [accounts.analytics, 'scanned', ['eu-west-1']],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(doc.accounts.find((a) => a.accountId === accounts.payments)!.totals).toMatchObject({ nonCompliant: 1, compliant: 2, unknown: 1 });
    expect(front.calls.filter((c) => c.operation === 'AssumeRole')).toEqual([]);
    expect(aggregator.answered.get('GetAggregateComplianceDetailsByConfigRule')).toBeGreaterThan(0);
  });

  test('The same report in the other formats: table per account, csv with account_id, html', async () => {
    const table = await cli(['report', '--aggregator', AGGREGATOR]);
    expect(table.code).toBe(1);
    const header = `imdsv2-guard report · aggregator org-imdsv2 · 3 accounts · ${regionOrder().join(', ')} · `;
    expect(table.stdout.slice(0, header.length)).toBe(header);
    expect(table.stdout).toMatch(/Per account:/);
    expect(table.stdout.split('\n').find((l) => l.includes(ids.paymentsExposed))).toMatch(new RegExp(`^\\s+${accounts.payments}\\s+${ids.paymentsExposed}\\s+instance\\s+us-east-1\\s+NON_COMPLIANT`));
    const csv = await cli(['report', '--aggregator', AGGREGATOR, '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0].startsWith('account_id,id,')).toBe(true);
    expect(csv.stdout).toContain(`${accounts.payments},${ids.paymentsExposed},`);
    const html = await cli(['report', '--aggregator', AGGREGATOR, '--format', 'html']);
    expect(html.stdout).toMatch(/<title>IMDSv2 migration: AWS Config aggregator org-imdsv2<\/title>/);
    expect(html.stdout).toContain(ids.paymentsExposed);
  });

  test('The aggregator agrees with a direct scan of the same estate (instances, per account)', async () => {
    const scan = await cli(['scan', '--org', '--role-name', 'ImdsScanReadOnly', '--region', 'eu-west-1', '--format', 'json', '--no-progress']);
    const scanned = (JSON.parse(scan.stdout) as JsonReport).resources.filter((r) => r.type === 'instance');
    const fromConfig = doc.resources.filter((r) => r.type === 'instance' && r.verdict === 'NON_COMPLIANT');
    // --region us-east-1 is added by cli(): both regions are scanned.
    expect(scanned.map((r) => `${r.accountId} ${r.id} ${r.verdict}`).sort()).toEqual(fromConfig.map((r) => `${r.accountId} ${r.id} ${r.verdict}`).sort());
  });

  test('An aggregator that does not exist: one line, exit 2', async () => {
    const r = await cli(['report', '--aggregator', 'no-such-aggregator']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^imdsv2-guard report: --aggregator: no configuration aggregator named "no-such-aggregator" in us-east-1/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
