import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudFormationClient, CreateStackInstancesCommand, CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  type RecordingGroup,
} from '@aws-sdk/client-config-service';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { main } from '../../cli/imdsv2-guard';
import { BufferStream } from '../../cli/io';
import { configRuleName } from '../../lambda/kit/rule-definition';
import { RULES } from '../../lambda/rules/catalog';
import { zip } from '../../lib/stackset/zip';
import { runCli, sdkEnv, startFront, startMoto, withEnv, type Front, type MotoServer } from './harness';

/**
 * `imdsv2-guard doctor` against moto through the harness front. moto 5.2.1 has the configuration
 * recorder, delivery channel, Config rules, Security Hub's DescribeHub, CloudWatch metrics and
 * StackSets; it lacks three calls doctor makes, which the front's stand-ins answer (and each test
 * that relies on one says so): Config DescribeConfigRuleEvaluationStatus and
 * DescribeRemediationConfigurations, and EC2 GetInstanceMetadataDefaults.
 *
 * The estate: us-east-1 is ready (recorder of every type, delivery channel, the five rules named as
 * the StackSet names them, Security Hub on, account default required and enforced); eu-west-1 has
 * a partial recorder (instances and launch templates only), a rule whose last run failed, three rules
 * missing and Security Hub off; ap-southeast-2 has no recorder at all.
 */

const ACCOUNT = '123456789012';
const READY = 'us-east-1';
const PARTIAL = 'eu-west-1';
const EMPTY = 'ap-southeast-2';
const run = promisify(execFile);

let moto: MotoServer;
let front: Front;

const settings = (region: string) => ({ region, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 2 });

/** moto routes a request to a service by its SigV4 credential scope; nothing checks the signature. */
async function motoRaw(service: string, region: string, method: string, path: string, body: string, contentType: string): Promise<string> {
  const res = await fetch(`${moto.url}${path}`, {
    method,
    body,
    headers: {
      'content-type': contentType,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${service} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** A Lambda function in moto for a CUSTOM_LAMBDA rule to point at (moto checks the function exists). */
async function lambdaFunction(region: string, name: string): Promise<string> {
  const code = zip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => undefined;') }]).toString('base64');
  const out = await motoRaw(
    'lambda',
    region,
    'POST',
    '/2015-03-31/functions',
    JSON.stringify({ FunctionName: name, Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/doctor-test-rule`, Handler: 'index.handler', Code: { ZipFile: code } }),
    'application/json',
  );
  return (JSON.parse(out) as { FunctionArn: string }).FunctionArn;
}

async function recorder(region: string, group: RecordingGroup): Promise<void> {
  const config = new ConfigServiceClient(settings(region));
  await config.send(
    new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${ACCOUNT}:role/config`, recordingGroup: group } }),
  );
  await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: `config-${region}` } }));
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  config.destroy();
}

/** The rule as the StackSet member template names it (control ids in the name); returns its name. */
async function rule(region: string, id: string): Promise<string> {
  const def = RULES.find((r) => r.id === id)!;
  const name = configRuleName(def, '', true);
  const arn = await lambdaFunction(region, `doctor-${id}`);
  const config = new ConfigServiceClient(settings(region));
  await config.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: name,
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: arn,
          SourceDetails: [{ EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: 'TwentyFour_Hours' }],
        },
      },
    }),
  );
  config.destroy();
  return name;
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function doctor(args: readonly string[]): Promise<Outcome> {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const code = await withEnv(sdkEnv(front), () => main(['doctor', '--endpoint-url', front.url, '--max-attempts', '2', ...args], { stdout, stderr }));
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface JsonReport {
  ready: boolean;
  targets: Array<{ accountId: string; region: string; ready: boolean; checks: Array<{ check: string; status: string; detail: string; fix?: string }> }>;
  problems: Array<{ accountId: string; region: string; check: string; status: string; detail: string; fix?: string }>;
  stackSet?: { name: string; instances: Array<{ accountId: string; region: string; status: string; detailedStatus?: string; ok: boolean }>; error?: string };
}

const check = (report: JsonReport, region: string, id: string) => report.targets.find((t) => t.region === region)!.checks.find((c) => c.check === id)!;

const now = Date.now();
const hoursAgo = (h: number) => new Date(now - h * 3_600_000);

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  await motoRaw(
    'iam',
    READY,
    'POST',
    '/',
    new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'doctor-test-rule', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }).toString(),
    'application/x-www-form-urlencoded',
  );

  // us-east-1: ready.
  await recorder(READY, { allSupported: true, includeGlobalResourceTypes: false });
  const names: Record<string, string> = {};
  for (const def of RULES) names[def.id] = await rule(READY, def.id);
  for (const def of RULES.filter((r) => r.id !== 'imdsv2-account-defaults')) {
    front.config.setRuleEvaluationStatus(READY, names[def.id], {
      FirstEvaluationStarted: true,
      LastSuccessfulInvocationTime: hoursAgo(2),
      LastSuccessfulEvaluationTime: hoursAgo(2),
    });
  }
  front.config.setRemediationConfiguration(READY, { ConfigRuleName: names['imdsv2-instance'], TargetId: 'imdsv2-instance', Automatic: false });
  // No evaluation status for the account-defaults rule, as the API reference says for custom Lambda
  // rules: doctor falls back to the function's AWS/Lambda metrics, which moto's CloudWatch holds.
  const cloudwatch = new CloudWatchClient(settings(READY));
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/Lambda',
      MetricData: [
        { MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'doctor-imdsv2-account-defaults' }], Value: 3, Timestamp: hoursAgo(1) },
        { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'doctor-imdsv2-account-defaults' }], Value: 0, Timestamp: hoursAgo(1) },
      ],
    }),
  );
  cloudwatch.destroy();
  const hub = new SecurityHubClient(settings(READY));
  await hub.send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
  hub.destroy();
  front.ec2.setAccountDefaults(READY, { httpTokens: 'required', httpTokensEnforced: 'enabled' });

  // eu-west-1: a partial recorder, one rule failing, one fine, three missing, Security Hub off.
  await recorder(PARTIAL, { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'] });
  const failing = await rule(PARTIAL, 'imdsv2-instance');
  front.config.setRuleEvaluationStatus(PARTIAL, failing, {
    FirstEvaluationStarted: true,
    LastSuccessfulInvocationTime: hoursAgo(30),
    LastFailedInvocationTime: hoursAgo(1),
    LastErrorCode: 'LambdaFunctionError',
    LastErrorMessage: 'AccessDeniedException: not authorized to perform ec2:DescribeInstances',
  });
  const fine = await rule(PARTIAL, 'imdsv2-launch-template');
  front.config.setRuleEvaluationStatus(PARTIAL, fine, { FirstEvaluationStarted: true, LastSuccessfulInvocationTime: hoursAgo(3) });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
});

describe('doctor against moto (stand-ins: DescribeConfigRuleEvaluationStatus, DescribeRemediationConfigurations, GetInstanceMetadataDefaults)', () => {
  test('Compliance: a region with everything in place is ready, exit 0, and the JSON lists no problem', async () => {
    const { code, stdout, stderr } = await doctor(['--region', READY, '--format', 'json']);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.problems).toEqual([]);
    expect(report.ready).toBe(true);
    expect(code).toBe(0);
    const target = report.targets[0];
    expect(target).toMatchObject({ accountId: ACCOUNT, region: READY, ready: true });
    expect(target.checks.map((c) => c.check)).toEqual([
      'config-recorder',
      'recorder-status',
      'delivery-channel',
      ...RULES.map((r) => `rule:${r.id}`),
      'remediation',
      'security-hub',
      'account-default',
      'http-tokens-enforced',
    ]);
    expect(target.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(check(report, READY, 'rule:imdsv2-instance').detail).toContain('imdsv2-instance-EC2.8: last successful run');
    // The rule Config gives no status for: judged from its function's metrics (3 invocations, no errors).
    expect(check(report, READY, 'rule:imdsv2-account-defaults').detail).toMatch(/3 invocations, no errors in the last 25 h/);
    expect(check(report, READY, 'remediation').detail).toBe(
      `manual: imdsv2-instance-EC2.8; none: ${RULES.filter((r) => r.id !== 'imdsv2-instance').map((r) => configRuleName(r, '', true)).join(', ')}`,
    );
    expect(front.countBy('DescribeConfigRuleEvaluationStatus', 'front')).toBeGreaterThan(0);
    expect(front.countBy('DescribeRemediationConfigurations', 'front')).toBeGreaterThan(0);
  });

  test('Noncompliance 1: a partial recorder, a failing rule, missing rules, Security Hub off, and a region with no recorder: exit 1, every problem named with its fix', async () => {
    const before = front.calls.length;
    const { code, stdout } = await doctor(['--region', `${READY},${PARTIAL}`, '--region', EMPTY, '--format', 'json']);
    expect(code).toBe(1);
    // Read-only: every call it made reads (Security Hub's DescribeHub is REST: GET /accounts).
    const made = [...new Set(front.calls.slice(before).map((c) => c.operation))].sort();
    expect(made.filter((op) => !/^(Describe|Get|List)|^GET \//.test(op))).toEqual([]);
    expect(made).toEqual(expect.arrayContaining(['DescribeConfigurationRecorders', 'DescribeConfigRuleEvaluationStatus', 'GetInstanceMetadataDefaults', 'GetMetricData', 'GetCallerIdentity']));
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.targets.map((t) => [t.region, t.ready])).toEqual([
      [READY, true],
      [PARTIAL, false],
      [EMPTY, false],
    ]);

    const recorderCheck = check(report, PARTIAL, 'config-recorder');
    expect(recorderCheck.status).toBe('fail');
    expect(recorderCheck.detail).toContain('does not record AWS::AutoScaling::LaunchConfiguration, AWS::AutoScaling::AutoScalingGroup');
    expect(recorderCheck.fix).toMatch(/^aws configservice put-configuration-recorder --configuration-recorder '.*' --region eu-west-1$/);

    const failing = check(report, PARTIAL, 'rule:imdsv2-instance');
    expect(failing.status).toBe('fail');
    expect(failing.detail).toContain('imdsv2-instance-EC2.8: last run failed at');
    expect(failing.detail).toContain('LambdaFunctionError: AccessDeniedException: not authorized to perform ec2:DescribeInstances');
    expect(failing.fix).toContain('aws configservice start-config-rules-evaluation --config-rule-names imdsv2-instance-EC2.8 --region eu-west-1');
    expect(check(report, PARTIAL, 'rule:imdsv2-launch-template').status).toBe('ok');
    for (const id of ['imdsv2-launch-configuration', 'imdsv2-auto-scaling-group', 'imdsv2-account-defaults']) {
      expect(check(report, PARTIAL, `rule:${id}`)).toMatchObject({ status: 'fail', detail: expect.stringContaining('no Config rule named') });
    }
    expect(check(report, PARTIAL, 'security-hub')).toMatchObject({ status: 'fail', fix: expect.stringContaining('aws securityhub enable-security-hub') });
    expect(check(report, PARTIAL, 'account-default')).toMatchObject({
      status: 'warn',
      fix: 'aws ec2 modify-instance-metadata-defaults --http-tokens required --region eu-west-1',
    });

    for (const id of ['config-recorder', 'recorder-status', 'delivery-channel']) expect(check(report, EMPTY, id).status).toBe('fail');

    // The problems list names every check that is not ok, each with a fix.
    const notOk = report.targets.flatMap((t) => t.checks.filter((c) => c.status !== 'ok').map((c) => `${t.region} ${c.check}`));
    expect(report.problems.map((p) => `${p.region} ${p.check}`)).toEqual(notOk);
    expect(notOk.length).toBeGreaterThan(10);
    expect(report.problems.every((p) => p.fix && p.fix.length > 0)).toBe(true);
  });

  test('Noncompliance 2: the table shows each check and every problem with its fix', async () => {
    const { code, stdout } = await doctor(['--region', PARTIAL]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ACCOUNT\s+REGION\s+CHECK\s+STATUS\s+DETAIL$/m);
    expect(stdout).toMatch(new RegExp(`^${ACCOUNT}\\s+${PARTIAL}\\s+config-recorder\\s+FAIL\\s+recorder "default" does not record`, 'm'));
    expect(stdout).toContain('fix: aws configservice put-configuration-recorder');
    expect(stdout).toMatch(/^NOT ready: 0 of 1 account\/region\(s\) ready$/m);
  });

  test('Compliance: the recorder fix doctor prints, run with the AWS CLI against moto, makes the recorder check pass', async () => {
    const before = JSON.parse((await doctor(['--region', PARTIAL, '--format', 'json'])).stdout) as JsonReport;
    const fix = check(before, PARTIAL, 'config-recorder').fix!;
    const json = /--configuration-recorder '(.*)' --region/.exec(fix)![1];
    await run('aws', ['configservice', 'put-configuration-recorder', '--configuration-recorder', json, '--region', PARTIAL, '--endpoint-url', moto.url], {
      env: { ...process.env, ...sdkEnv(front), AWS_ENDPOINT_URL: undefined } as NodeJS.ProcessEnv,
    });
    const after = JSON.parse((await doctor(['--region', PARTIAL, '--format', 'json'])).stdout) as JsonReport;
    expect(check(after, PARTIAL, 'config-recorder')).toMatchObject({ status: 'ok' });
    // Put back for the other tests.
    await recorder(PARTIAL, { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'] });
  }, 60_000);

  test('Noncompliance 3: --no-security-hub turns Security Hub off into a warning; --rules narrows the rules expected', async () => {
    const { stdout } = await doctor(['--region', PARTIAL, '--format', 'json', '--no-security-hub', '--rules', 'imdsv2-launch-template']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(check(report, PARTIAL, 'security-hub').status).toBe('warn');
    expect(report.targets[0].checks.filter((c) => c.check.startsWith('rule:')).map((c) => [c.check, c.status])).toEqual([['rule:imdsv2-launch-template', 'ok']]);
  });

  test('Compliance: --stack-set lists the StackSet instances (moto: CURRENT / SUCCEEDED) and a missing StackSet is named, exit 1', async () => {
    const cfn = new CloudFormationClient(settings(READY));
    await cfn.send(
      new CreateStackSetCommand({
        StackSetName: 'doctor-test',
        PermissionModel: 'SELF_MANAGED',
        TemplateBody: JSON.stringify({ Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }),
      }),
    );
    await cfn.send(new CreateStackInstancesCommand({ StackSetName: 'doctor-test', Accounts: [ACCOUNT], Regions: [READY, PARTIAL] }));
    cfn.destroy();

    const ok = await doctor(['--region', READY, '--stack-set', 'doctor-test', '--format', 'json']);
    const report = JSON.parse(ok.stdout) as JsonReport;
    expect(report.stackSet?.instances.map((i) => [i.accountId, i.region, i.status, i.detailedStatus, i.ok])).toEqual([
      [ACCOUNT, PARTIAL, 'CURRENT', 'SUCCEEDED', true],
      [ACCOUNT, READY, 'CURRENT', 'SUCCEEDED', true],
    ]);
    expect(ok.code).toBe(0);

    const missing = await doctor(['--region', READY, '--stack-set', 'no-such-set', '--format', 'json']);
    expect(missing.code).toBe(1);
    const problems = (JSON.parse(missing.stdout) as JsonReport).problems;
    expect(problems).toEqual([expect.objectContaining({ check: 'stack-set:no-such-set', status: 'unknown', detail: `no StackSet "no-such-set" in ${READY} owned by this account` })]);
  });

  test('Compliance: as users run it (node bin/imdsv2-guard.js doctor, a child process from the sources): ready region, exit 0', async () => {
    const out = await runCli(['doctor', '--region', READY, '--format', 'json', '--max-attempts', '2'], { ...sdkEnv(front), IMDSV2_GUARD_FROM_SOURCE: '1' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as JsonReport).targets.map((t) => [t.region, t.ready])).toEqual([[READY, true]]);
  }, 60_000);

  test('Noncompliance 4: bad arguments are usage errors (exit 2) naming the flag', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--region', 'mars'], /--region: "mars" is not a region name/],
      [['--format', 'csv'], /--format: expected one of table, json/],
      [['--rules', 'imdsv2-nothing'], /--rules: unknown rule id\(s\) imdsv2-nothing/],
      [['--stack-set', '9lives'], /--stack-set: "9lives" is not a StackSet name/],
      [['--call-as', 'SELF'], /--stack-set-region and --call-as only apply with --stack-set/],
      [['--rule-name-prefix', 'a b'], /--rule-name-prefix: "a b" is not a rule name prefix/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await doctor(args);
      expect([args, code]).toEqual([args, 2]);
      expect(stderr).toMatch(message);
    }
  });
});
