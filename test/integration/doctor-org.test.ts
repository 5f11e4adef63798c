import { ConfigServiceClient, PutConfigurationRecorderCommand, PutDeliveryChannelCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { main } from '../../cli/imdsv2-guard';
import { BufferStream } from '../../cli/io';
import { createOrganization, memberCredentials as assumeInMoto, sdkEnv, startFront, startMoto, withEnv, type Front, type MotoServer } from './harness';
import { errorResponse } from './harness';

/**
 * `imdsv2-guard doctor --org` / `--account` against moto 5.2.1 with an organization of three
 * members, through the shared account fan-out (cli/org). moto keeps one backend per account, so each
 * member's configuration recorder is really read with that member's assumed-role credentials.
 * What moto cannot produce, the harness front answers: a role that cannot be assumed (moto's
 * AssumeRole checks nothing, so the front refuses the "legacy" account's with AccessDenied), and, as
 * in doctor.test.ts, the stand-ins for GetInstanceMetadataDefaults, DescribeConfigRuleEvaluationStatus
 * and DescribeRemediationConfigurations.
 */

const MANAGEMENT = '123456789012';
const ROLE = 'ImdsDoctorReadOnly';
const REGION = 'us-east-1';

let moto: MotoServer;
let front: Front;
const accounts: Record<'recording' | 'bare' | 'legacy', string> = { recording: '', bare: '', legacy: '' };

const base = () => ({ region: REGION, endpoint: moto.url, maxAttempts: 2 });

const memberCredentials = (accountId: string) => assumeInMoto(moto.url, accountId, ROLE, REGION);

async function doctor(args: readonly string[]) {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const code = await withEnv(sdkEnv(front), () => main(['doctor', '--endpoint-url', front.url, '--max-attempts', '2', '--region', REGION, '--format', 'json', ...args], { stdout, stderr }));
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface JsonReport {
  ready: boolean;
  targets: Array<{ accountId: string; region: string; ready: boolean; checks: Array<{ check: string; status: string; detail: string; fix?: string }> }>;
  problems: Array<{ accountId: string; region: string; check: string; status: string; detail: string; fix?: string }>;
}

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  await createOrganization(moto.url, accounts, REGION);
  // "recording": a recorder of every type, on, with a delivery channel; "bare": nothing.
  const config = new ConfigServiceClient({ ...base(), credentials: await memberCredentials(accounts.recording) });
  await config.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${accounts.recording}:role/config`, recordingGroup: { allSupported: true } } }));
  await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'config-bucket' } }));
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  config.destroy();
  front.setIntercept((request) => {
    if (request.operation === 'AssumeRole' && request.form?.get('RoleArn') === `arn:aws:iam::${accounts.legacy}:role/${ROLE}`) {
      return errorResponse(request, 403, 'AccessDenied', `User: arn:aws:iam::${MANAGEMENT}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${request.form.get('RoleArn')}`);
    }
    return undefined;
  });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
});

const check = (report: JsonReport, accountId: string, id: string) => report.targets.find((t) => t.accountId === accountId)!.checks.find((c) => c.check === id)!;

test('Noncompliance 1: --org checks every account through its role (front refuses one): each account judged on its own recorder, the unreachable one reported with its fix, exit 1', async () => {
  const { code, stdout, stderr } = await doctor(['--org', '--role-name', ROLE]);
  expect(stderr).toBe('');
  expect(code).toBe(1);
  const report = JSON.parse(stdout) as JsonReport;
  expect(report.targets.map((t) => t.accountId)).toEqual([MANAGEMENT, accounts.recording, accounts.bare, accounts.legacy]);
  expect(check(report, accounts.recording, 'config-recorder')).toMatchObject({ status: 'ok', detail: 'recorder "default" records all supported types' });
  expect(check(report, accounts.recording, 'recorder-status').status).toBe('ok');
  expect(check(report, accounts.bare, 'config-recorder')).toMatchObject({ status: 'fail', fix: expect.stringContaining(`arn:aws:iam::${accounts.bare}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`) });
  expect(check(report, accounts.legacy, 'reach')).toMatchObject({
    status: 'unknown',
    detail: expect.stringContaining(`could not assume arn:aws:iam::${accounts.legacy}:role/${ROLE}`),
    fix: expect.stringContaining(`Create the role in account ${accounts.legacy}`),
  });
  expect(report.problems.some((p) => p.accountId === accounts.legacy && p.check === 'reach')).toBe(true);
});

test('Compliance: --account with --role-name checks only that account (its recorder is ok)', async () => {
  const { stdout } = await doctor(['--account', accounts.recording, '--role-name', ROLE]);
  const report = JSON.parse(stdout) as JsonReport;
  expect(report.targets.map((t) => [t.accountId, t.region])).toEqual([[accounts.recording, REGION]]);
  expect(check(report, accounts.recording, 'config-recorder').status).toBe('ok');
});

test('Noncompliance 2: --org without --role-name is a usage error', async () => {
  const { code, stderr } = await doctor(['--org']);
  expect(code).toBe(2);
  expect(stderr).toContain('--org needs --role-name');
});
