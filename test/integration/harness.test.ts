// Proves the shared integration harness with the real SDK v3 clients: moto lifecycle, the front's
// forwarding, its stand-ins for what moto 5.2.1 lacks, fault injection, env helpers and event builders.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  paginateGetComplianceDetailsByConfigRule,
  PutEvaluationsCommand,
  ResourceNotDiscoveredException,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetInstanceMetadataDefaultsCommand,
  ModifyInstanceMetadataDefaultsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  asDeleted,
  autoScalingGroupItem,
  changeEvent,
  DEFAULT_RULE_NAME,
  instanceItem,
  launchConfigurationItem,
  launchTemplateItem,
  loadBundle,
  oversizedEvent,
  REPO_ROOT,
  scheduledEvent,
  sdkEnv,
  startFront,
  startMoto,
  withEnv,
  type FaultKind,
  type Front,
  type MotoServer,
} from './harness';
import { httpRequest } from './harness/net';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs

let moto: MotoServer;
let front: Front;
const clients: Array<{ destroy(): void }> = [];

interface ClientSettings {
  readonly region?: string;
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
}
function settings(extra: ClientSettings) {
  return { region: 'us-east-1', endpoint: front.url, credentials, maxAttempts: 1, ...extra };
}
function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}
const ec2Client = (extra: ClientSettings = {}) => track(new EC2Client(settings(extra)));
const asClient = (extra: ClientSettings = {}) => track(new AutoScalingClient(settings(extra)));
const configClient = (extra: ClientSettings = {}) => track(new ConfigServiceClient(settings(extra)));

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await front?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  front.setFaults(undefined);
  await moto.reset();
  front.reset();
});

async function runInstance(ec2: EC2Client, metadata: Record<string, unknown> = {}, tags: Record<string, string> = {}) {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: metadata,
      TagSpecifications: Object.keys(tags).length
        ? [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  return out.Instances![0].InstanceId!;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function evaluation(id: string, complianceType: Evaluation['ComplianceType'], annotation?: string): Evaluation {
  return {
    ComplianceResourceType: 'AWS::EC2::Instance',
    ComplianceResourceId: id,
    ComplianceType: complianceType,
    Annotation: annotation,
    OrderingTimestamp: new Date('2026-01-02T03:04:05.678Z'),
  };
}

describe('startMoto', () => {
  test('starts moto_server on a free port and stop() ends the whole process', async () => {
    const second = await startMoto();
    expect(second.port).not.toBe(moto.port);
    expect((await httpRequest(`${second.url}/moto-api/`)).status).toBe(200);

    await second.stop();
    expect(() => process.kill(second.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await second.stop(); // idempotent
  });

  test('fails loudly, naming the install command, when moto_server is not on PATH', async () => {
    await expect(withEnv({ PATH: '/nonexistent' }, () => startMoto())).rejects.toThrow(
      /moto_server is required.*pip install 'moto\[server\]==5\.2\.1'/,
    );
  });

  test('moto does not outlive a test process killed with SIGKILL (no stop(), no exit hooks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moto-orphan-'));
    const script = join(dir, 'start.ts');
    writeFileSync(
      script,
      `import { startMoto } from ${JSON.stringify(join(__dirname, 'harness', 'moto'))};\n` +
        `startMoto().then((m) => { console.log('PID ' + m.pid); setInterval(() => undefined, 1000); });\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /PID (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) => reject(new Error(`the test process exited early (${code}): ${out}`)));
      });
      expect(() => process.kill(pid, 0)).not.toThrow();

      parent.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(isAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a moto_server that fails to start is reported with its stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-moto-'));
    try {
      writeFileSync(join(dir, 'moto_server'), '#!/bin/sh\necho "ImportError: no module named flask" >&2\nexit 3\n', { mode: 0o755 });
      await expect(withEnv({ PATH: `${dir}:/usr/bin:/bin` }, () => startMoto())).rejects.toThrow(
        /moto_server failed to start.*exit code 3.*ImportError: no module named flask/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reset() clears moto state', async () => {
    const ec2 = ec2Client();
    await runInstance(ec2);
    await moto.reset();
    const out = await ec2.send(new DescribeInstancesCommand({}));
    expect(out.Reservations ?? []).toHaveLength(0);
  });
});

describe('the front forwards to moto', () => {
  test('RunInstances with MetadataOptions round-trips through the front to moto', async () => {
    const ec2 = ec2Client();
    const id = await runInstance(ec2, { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' });

    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(described.Reservations![0].Instances![0].MetadataOptions).toMatchObject({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
    });
    expect(front.calls).toEqual([
      expect.objectContaining({ service: 'ec2', operation: 'RunInstances', answeredBy: 'moto', status: 200, region: 'us-east-1' }),
      expect.objectContaining({ service: 'ec2', operation: 'DescribeInstances', answeredBy: 'moto', status: 200 }),
    ]);
    expect(front.countBy('RunInstances')).toBe(1);
  });

  test("moto parses the SDK's awsQuery protocol for CreateLaunchConfiguration and CreateAutoScalingGroup", async () => {
    const autoscaling = asClient();
    await autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc-v1',
        ImageId: AMI,
        InstanceType: 't3.micro',
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 3, HttpEndpoint: 'enabled' },
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-lc',
        LaunchConfigurationName: 'lc-v1',
        MinSize: 1,
        MaxSize: 2,
        AvailabilityZones: ['us-east-1a'],
      }),
    );

    const lcs = await autoscaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['lc-v1'] }));
    expect(lcs.LaunchConfigurations![0].MetadataOptions).toEqual({
      HttpTokens: 'optional',
      HttpPutResponseHopLimit: 3,
      HttpEndpoint: 'enabled',
    });
    const groups = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-lc'] }));
    expect(groups.AutoScalingGroups![0]).toMatchObject({ LaunchConfigurationName: 'lc-v1', DesiredCapacity: 1 });
    expect(groups.AutoScalingGroups![0].Instances).toHaveLength(1);
    expect(front.calls.every((c) => c.service === 'autoscaling' && c.answeredBy === 'moto' && c.status === 200)).toBe(true);
  });

  test("moto parses CloudWatch's AWS JSON 1.0 protocol, which current SDKs use instead of awsQuery", async () => {
    const cloudwatch = track(new CloudWatchClient(settings({})));
    const dimensions = [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }];
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: [{ MetricName: 'MetadataNoToken', Dimensions: dimensions, Value: 3, Timestamp: new Date() }],
      }),
    );
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/EC2',
        MetricName: 'MetadataNoToken',
        Dimensions: dimensions,
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    expect(stats.Datapoints?.map((d) => d.Sum)).toEqual([3]);
    expect(front.calls.map((c) => [c.service, c.answeredBy])).toEqual([
      ['monitoring', 'moto'],
      ['monitoring', 'moto'],
    ]);
  });
});

describe('the front stands in for AWS Config operations moto lacks', () => {
  test("stands in for moto's PutEvaluations (non-test-mode): records the call, answers it, feeds current results", async () => {
    const config = configClient();
    front.config.ruleForToken('token-a', 'rule-a');

    const out = await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token-a',
        Evaluations: [evaluation('i-1', 'NON_COMPLIANT', 'HttpTokens is optional'), evaluation('i-2', 'COMPLIANT')],
      }),
    );

    expect(out.FailedEvaluations).toEqual([]);
    expect(front.calls).toEqual([
      expect.objectContaining({ service: 'config', operation: 'PutEvaluations', answeredBy: 'front', status: 200 }),
    ]);
    expect(front.config.puts).toEqual([
      {
        ruleName: 'rule-a',
        resultToken: 'token-a',
        testMode: false,
        failed: [],
        evaluations: [
          {
            ComplianceResourceType: 'AWS::EC2::Instance',
            ComplianceResourceId: 'i-1',
            ComplianceType: 'NON_COMPLIANT',
            Annotation: 'HttpTokens is optional',
            OrderingTimestamp: new Date('2026-01-02T03:04:05.678Z'),
          },
          expect.objectContaining({ ComplianceResourceId: 'i-2', ComplianceType: 'COMPLIANT' }),
        ],
      },
    ]);
    expect(front.config.results('rule-a').map((r) => [r.resourceId, r.complianceType])).toEqual([
      ['i-1', 'NON_COMPLIANT'],
      ['i-2', 'COMPLIANT'],
    ]);

    // NOT_APPLICABLE removes the resource from the rule's results, since Config does not list those.
    await config.send(new PutEvaluationsCommand({ ResultToken: 'token-a', Evaluations: [evaluation('i-1', 'NOT_APPLICABLE')] }));
    expect(front.config.results('rule-a').map((r) => r.resourceId)).toEqual(['i-2']);
  });

  test('test-mode PutEvaluations is recorded but not stored; unregistered tokens file under the default rule', async () => {
    const config = configClient();
    await config.send(new PutEvaluationsCommand({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [evaluation('i-1', 'COMPLIANT')] }));

    expect(front.config.puts).toEqual([expect.objectContaining({ testMode: true, ruleName: DEFAULT_RULE_NAME })]);
    expect(front.config.evaluations({ testMode: true })).toHaveLength(1);
    expect(front.config.results()).toEqual([]);
  });

  test('failNext answers matching evaluations in FailedEvaluations, echoed as sent, so a resend can be tested', async () => {
    const config = configClient();
    front.config.failNext(1, (e) => e.ComplianceResourceId === 'i-2');

    const first = await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token',
        Evaluations: [evaluation('i-1', 'COMPLIANT'), evaluation('i-2', 'NON_COMPLIANT', 'why'), evaluation('i-3', 'COMPLIANT')],
      }),
    );
    expect(first.FailedEvaluations).toEqual([evaluation('i-2', 'NON_COMPLIANT', 'why')]);
    expect(front.config.results().map((r) => r.resourceId)).toEqual(['i-1', 'i-3']);
    expect(front.config.puts[0].failed.map((e) => e.ComplianceResourceId)).toEqual(['i-2']);

    const resend = await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation('i-2', 'NON_COMPLIANT', 'why')] }));
    expect(resend.FailedEvaluations).toEqual([]);
    expect(front.config.results().map((r) => r.resourceId)).toEqual(['i-1', 'i-2', 'i-3']);
    expect(front.config.evaluations()).toHaveLength(3);
  });

  test('PutEvaluations rejects what Config rejects: more than 100 evaluations, annotations over 256 characters', async () => {
    const config = configClient();
    const many = Array.from({ length: 101 }, (_, i) => evaluation(`i-${i}`, 'COMPLIANT'));
    await expect(config.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: many }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      config.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1', 'COMPLIANT', 'x'.repeat(257))] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      config.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1', 'COMPLIANT', 'x'.repeat(256))] })),
    ).resolves.toMatchObject({ FailedEvaluations: [] });
    expect(front.config.puts).toHaveLength(1);
  });

  test('GetComplianceDetailsByConfigRule pages with NextToken and Limit, filtered by ComplianceTypes', async () => {
    const config = configClient();
    const ids = Array.from({ length: 250 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
    front.config.seedResults(
      'rule-p',
      ids.map((id, i) => ({
        resourceType: 'AWS::EC2::Instance',
        resourceId: id,
        complianceType: i % 2 ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: `note ${id}`,
      })),
    );

    const pageSizes: number[] = [];
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'rule-p', Limit: 100, NextToken }));
      pageSizes.push(page.EvaluationResults!.length);
      seen.push(...page.EvaluationResults!.map((r) => r.EvaluationResultIdentifier!.EvaluationResultQualifier!.ResourceId!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pageSizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(ids);

    const first = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'rule-p' }));
    expect(first.EvaluationResults).toHaveLength(10); // Config's default page size
    expect(first.EvaluationResults![0]).toEqual({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: 'rule-p',
          ResourceType: 'AWS::EC2::Instance',
          ResourceId: 'i-0000',
          EvaluationMode: 'DETECTIVE',
        },
        OrderingTimestamp: expect.any(Date),
      },
      ComplianceType: 'COMPLIANT',
      ResultRecordedTime: expect.any(Date),
      ConfigRuleInvokedTime: expect.any(Date),
      Annotation: 'note i-0000',
    });

    const nonCompliant: string[] = [];
    for await (const page of paginateGetComplianceDetailsByConfigRule(
      { client: config, pageSize: 100 },
      { ConfigRuleName: 'rule-p', ComplianceTypes: ['NON_COMPLIANT'] },
    )) {
      nonCompliant.push(...page.EvaluationResults!.map((r) => r.ComplianceType!));
    }
    expect(nonCompliant).toHaveLength(125);
    expect(new Set(nonCompliant)).toEqual(new Set(['NON_COMPLIANT']));

    await expect(config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'rule-p', Limit: 101 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const unknown = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'no-such-rule' }));
    expect(unknown.EvaluationResults).toEqual([]);
  });

  test("GetResourceConfigHistory returns configuration as a JSON string; unknown resources raise the SDK's ResourceNotDiscoveredException", async () => {
    const ec2 = ec2Client();
    const config = configClient();
    const id = await runInstance(ec2, { HttpTokens: 'optional' });
    const item = await instanceItem(ec2, id);
    front.config.putHistory(item.resourceType, item.resourceId, item);

    const out = await config.send(new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::Instance', resourceId: id, limit: 1 }));
    const [got] = out.configurationItems!;
    expect(typeof got.configuration).toBe('string');
    expect(JSON.parse(got.configuration!)).toEqual(item.configuration);
    expect(got).toMatchObject({
      version: '1.3',
      accountId: '123456789012',
      arn: item.ARN,
      resourceType: 'AWS::EC2::Instance',
      resourceId: id,
      configurationItemStatus: 'OK',
      configurationItemCaptureTime: new Date(item.configurationItemCaptureTime),
    });

    const error = await config
      .send(new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::Instance', resourceId: 'i-unknown' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotDiscoveredException);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 }, message: expect.stringContaining('i-unknown') });
  });
});

describe('the front stands in for the EC2 account-level IMDS defaults moto lacks', () => {
  test('Get/ModifyInstanceMetadataDefaults round-trip through the real EC2 client, per region', async () => {
    const ec2 = ec2Client();
    const west = ec2Client({ region: 'us-west-2' });

    // Nothing set: an empty <accountLevel/>, which the SDK reads as {}.
    expect((await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel).toEqual({});

    const modified = await ec2.send(
      new ModifyInstanceMetadataDefaultsCommand({
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 2,
        HttpEndpoint: 'enabled',
        InstanceMetadataTags: 'disabled',
        HttpTokensEnforced: 'enabled',
      }),
    );
    expect(modified.Return).toBe(true);
    expect((await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel).toEqual({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
      InstanceMetadataTags: 'disabled',
      HttpTokensEnforced: 'enabled',
    });
    expect((await west.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel).toEqual({});

    // no-preference (and -1 for the hop limit) clears a field.
    await ec2.send(new ModifyInstanceMetadataDefaultsCommand({ HttpTokensEnforced: 'no-preference', HttpPutResponseHopLimit: -1 }));
    expect((await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel).toEqual({
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      InstanceMetadataTags: 'disabled',
    });
    expect(front.ec2.modifications.map((m) => m.region)).toEqual(['us-east-1', 'us-east-1']);
    expect(front.countBy('GetInstanceMetadataDefaults', 'front')).toBe(4);

    await expect(ec2.send(new ModifyInstanceMetadataDefaultsCommand({ HttpPutResponseHopLimit: 65 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  test('seeded defaults managed by a declarative policy are reported and cannot be modified', async () => {
    const ec2 = ec2Client();
    front.ec2.setAccountDefaults('us-east-1', {
      httpTokens: 'required',
      httpTokensEnforced: 'enabled',
      managedBy: 'declarative-policy',
      managedExceptionMessage: 'Ask the platform team <platform@example.com>',
    });

    expect((await ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel).toEqual({
      HttpTokens: 'required',
      HttpTokensEnforced: 'enabled',
      ManagedBy: 'declarative-policy',
      ManagedExceptionMessage: 'Ask the platform team <platform@example.com>',
    });
    await expect(ec2.send(new ModifyInstanceMetadataDefaultsCommand({ HttpTokens: 'optional' }))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      message: 'Ask the platform team <platform@example.com>',
    });
  });
});

describe('fault injection', () => {
  /** Which of `count` single-attempt calls the front faulted, and how. */
  async function faultPattern(count: number): Promise<Array<FaultKind | 'ok'>> {
    const ec2 = ec2Client();
    for (let i = 0; i < count; i++) await ec2.send(new DescribeInstancesCommand({})).catch(() => undefined);
    return front.calls.map((c) => c.fault ?? 'ok');
  }

  test('a fixed seed faults the same requests in the same way, run after run', async () => {
    front.setFaults({ rate: 0.3, seed: 42 });
    const first = await faultPattern(40);
    front.reset(); // re-seeds
    const second = await faultPattern(40);

    expect(second).toEqual(first);
    const faults = first.filter((k) => k !== 'ok');
    expect(faults.length).toBe(14); // always 14 for seed 42 at 30% over 40 requests
    expect(new Set(faults)).toEqual(new Set(['throttle', '500', 'drop']));

    front.setFaults({ rate: 0.3, seed: 43 });
    expect(await (front.reset(), faultPattern(40))).not.toEqual(first);
  });

  const THROTTLE_CODES = { ec2: 'RequestLimitExceeded', autoscaling: 'Throttling', config: 'ThrottlingException' };
  const calls = {
    ec2: () => ec2Client({ maxAttempts: 3 }).send(new DescribeInstancesCommand({})),
    autoscaling: () => asClient({ maxAttempts: 3 }).send(new DescribeAutoScalingGroupsCommand({})),
    config: () => configClient({ maxAttempts: 3 }).send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [] })),
  };

  test.each(['throttle', '500', 'drop'] as const)('the SDK retries a %s fault in each protocol (EC2, awsQuery, JSON)', async (kind) => {
    front.setFaults({ rate: 1, seed: 1, kinds: [kind] });
    for (const service of ['ec2', 'autoscaling', 'config'] as const) {
      front.reset();
      const error = (await calls[service]().catch((e: unknown) => e)) as { name: string; $metadata?: { httpStatusCode?: number } };
      expect(error).toBeInstanceOf(Error);
      // Three attempts reached the front: the first and two retries.
      expect(front.calls.map((c) => c.fault)).toEqual([kind, kind, kind]);
      if (kind === 'throttle') expect(error.name).toBe(THROTTLE_CODES[service]);
      if (kind === '500') expect(error.$metadata?.httpStatusCode).toBe(500);
    }
    // A faulted PutEvaluations is never recorded as accepted.
    expect(front.config.puts).toHaveLength(0);
  });

  test("an adaptive-retry client (maxAttempts 8) succeeds through 30% faults of every kind", async () => {
    const retry = { retryMode: 'adaptive', maxAttempts: 8 } as const;
    const ec2 = ec2Client(retry);
    const autoscaling = asClient(retry);
    const config = configClient(retry);
    // Seed 46 faults 15 of these 56 requests (4 throttles, 5 500s, 6 drops), never more than two in a
    // row: every kind is exercised while the SDK's jittered backoff (up to 20 s) stays short.
    front.setFaults({ rate: 0.3, seed: 46 });

    const id = await runInstance(ec2, { HttpTokens: 'required' });
    for (let i = 0; i < 10; i++) {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(out.Reservations![0].Instances![0].InstanceId).toBe(id);
      await autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
      await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation(`i-${i}`, 'COMPLIANT')] }));
      await ec2.send(new GetInstanceMetadataDefaultsCommand({}));
    }

    const faults = front.calls.filter((c) => c.answeredBy === 'fault').map((c) => c.fault);
    expect(['throttle', '500', 'drop'].map((kind) => faults.filter((f) => f === kind).length)).toEqual([4, 5, 6]);
    // Faulted calls never reach moto or the stand-ins: exactly one instance, exactly ten recorded puts.
    expect(front.config.puts).toHaveLength(10);
    expect(front.countBy('RunInstances', 'moto')).toBe(1);
    expect(front.calls.length).toBe(41 + faults.length);
    front.setFaults(undefined);
    expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
  });
});

describe('environment helpers', () => {
  test('sdkEnv points a client built with no settings at the front; withEnv restores the environment', async () => {
    const before = { ...process.env };
    await withEnv(sdkEnv(front), async () => {
      expect(process.env.AWS_ENDPOINT_URL).toBe(front.url);
      expect(process.env.AWS_PROFILE).toBeUndefined();
      const ec2 = track(new EC2Client({}));
      await ec2.send(new DescribeInstancesCommand({}));
    });
    expect(front.calls).toEqual([expect.objectContaining({ operation: 'DescribeInstances', region: 'us-east-1' })]);
    expect(process.env).toEqual(before);
  });

  test('loadBundle fails clearly when the bundle is missing', () => {
    expect(() => loadBundle('no-such-rule')).toThrow(/no-such-rule.*run npm run build/);
  });

  test('loadBundle loads a fresh copy each time, so module-scope clients see the current environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imdsv2-bundle-'));
    try {
      mkdirSync(join(dir, 'fake-rule'));
      // Like the real bundles: module-scope state, and a dynamic import() of a node built-in (the SDK's
      // HTTP handler does `await import("node:http")`), which jest's sandbox cannot run as is.
      writeFileSync(
        join(dir, 'fake-rule', 'index.js'),
        'const endpoint = process.env.AWS_ENDPOINT_URL;\n' +
          'exports.handler = async () => { const os = await import("node:os"); return { endpoint, os: typeof os.hostname, at: new Date(0) }; };\n',
      );
      const a = withEnv({ AWS_ENDPOINT_URL: 'http://a.invalid' }, () => loadBundle('fake-rule', { bundleDir: dir }));
      const b = withEnv({ AWS_ENDPOINT_URL: 'http://b.invalid' }, () => loadBundle('fake-rule', { bundleDir: dir }));
      const fromA = (await a.handler({})) as { endpoint: string; os: string; at: Date };
      expect(fromA).toEqual({ endpoint: 'http://a.invalid', os: 'function', at: new Date(0) });
      expect(fromA.at).toBeInstanceOf(Date); // same realm as the test
      expect(await b.handler({})).toMatchObject({ endpoint: 'http://b.invalid' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Config event and item builders', () => {
  test('instance items are camelCase with item-level tag map and configuration tag list; change events carry JSON strings', async () => {
    const ec2 = ec2Client();
    const id = await runInstance(ec2, { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 }, { Name: 'web', team: 'a' });
    const item = await instanceItem(ec2, id);

    expect(item).toMatchObject({
      configurationItemVersion: '1.3',
      configurationItemStatus: 'OK',
      awsAccountId: '123456789012',
      awsRegion: 'us-east-1',
      resourceType: 'AWS::EC2::Instance',
      resourceId: id,
      ARN: `arn:aws:ec2:us-east-1:123456789012:instance/${id}`,
      availabilityZone: expect.stringMatching(/^us-east-1[a-f]$/),
      tags: { Name: 'web', team: 'a' },
      relationships: [],
      supplementaryConfiguration: {},
      configurationStateId: expect.any(Number),
    });
    expect(new Date(item.configurationItemCaptureTime).toISOString()).toBe(item.configurationItemCaptureTime);
    expect(item.configuration).toMatchObject({
      instanceId: id,
      imageId: AMI,
      state: { name: 'running', code: 16 },
      launchTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      metadataOptions: {
        httpTokens: 'optional',
        httpPutResponseHopLimit: 1,
        httpEndpoint: 'enabled',
        state: 'applied',
        instanceMetadataTags: 'disabled',
        httpProtocolIpv6: 'disabled',
      },
      tags: expect.arrayContaining([
        { key: 'Name', value: 'web' },
        { key: 'team', value: 'a' },
      ]),
    });

    const event = changeEvent({ configurationItem: item, ruleParameters: { exemptTagKey: 'imds-exempt' } });
    expect(event).toMatchObject({
      version: '1.0',
      eventLeftScope: false,
      accountId: '123456789012',
      configRuleName: DEFAULT_RULE_NAME,
      configRuleArn: expect.stringMatching(/^arn:aws:config:us-east-1:123456789012:config-rule\/config-rule-/),
      executionRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
      ruleParameters: '{"exemptTagKey":"imds-exempt"}',
    });
    expect(event.resultToken).not.toBe('TESTMODE');
    expect(changeEvent({ configurationItem: item }).resultToken).not.toBe(event.resultToken);
    expect(JSON.parse(event.invokingEvent)).toEqual({
      configurationItemDiff: null,
      configurationItem: JSON.parse(JSON.stringify(item)),
      notificationCreationTime: expect.any(String),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    });
    expect('ruleParameters' in changeEvent({ configurationItem: item })).toBe(false);
    expect(changeEvent({ configurationItem: item, resultToken: 'TESTMODE' }).resultToken).toBe('TESTMODE');

    const deleted = await instanceItem(ec2, id, { status: 'ResourceDeleted' });
    expect(deleted).toMatchObject({ configurationItemStatus: 'ResourceDeleted', configuration: null, resourceId: id });
    expect(asDeleted(item).configuration).toBeNull();
  });

  test('launch template items are PascalCase with version numbers as strings', async () => {
    const ec2 = ec2Client();
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'lt-web',
        LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'optional' } },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'a' }] }],
      }),
    );
    const id = created.LaunchTemplate!.LaunchTemplateId!;
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } },
      }),
    );

    const item = await launchTemplateItem(ec2, id);
    expect(item).toMatchObject({
      resourceType: 'AWS::EC2::LaunchTemplate',
      resourceId: id,
      resourceName: 'lt-web',
      ARN: `arn:aws:ec2:us-east-1:123456789012:launch-template/${id}`,
      tags: { team: 'a' },
    });
    expect(item.configuration).toEqual({
      Id: id,
      LaunchTemplateName: 'lt-web',
      DefaultVersionNumber: '1',
      LatestVersionNumber: '2',
      LaunchTemplateData: expect.objectContaining({ ImageId: AMI, MetadataOptions: { HttpTokens: 'optional' } }),
      Tags: [{ Key: 'team', Value: 'a' }],
    });
    const latest = await launchTemplateItem(ec2, id, { dataVersion: '$Latest' });
    expect((latest.configuration as { LaunchTemplateData: unknown }).LaunchTemplateData).toMatchObject({
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    });
  });

  test('launch configuration and auto scaling group items are camelCase, keyed by ARN', async () => {
    const ec2 = ec2Client();
    const autoscaling = asClient();
    await autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc-old',
        ImageId: AMI,
        InstanceType: 't3.micro',
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 },
      }),
    );
    await autoscaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'lc-bare', ImageId: AMI, InstanceType: 't3.micro' }));
    const lt = await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-asg', LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.micro' } }),
    );
    const ltId = lt.LaunchTemplate!.LaunchTemplateId!;
    const zones = ['us-east-1a'];
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-lc',
        LaunchConfigurationName: 'lc-old',
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
        Tags: [{ Key: 'team', Value: 'a', PropagateAtLaunch: true }],
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-lt',
        LaunchTemplate: { LaunchTemplateId: ltId, Version: '$Latest' },
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'asg-mixed',
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: ltId, Version: '$Default' },
            Overrides: [{ InstanceType: 't3.micro' }, { InstanceType: 't3.small' }],
          },
        },
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: zones,
      }),
    );

    const lc = await launchConfigurationItem(autoscaling, 'lc-old');
    expect(lc).toMatchObject({
      resourceType: 'AWS::AutoScaling::LaunchConfiguration',
      resourceId: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:.*launchConfigurationName\/lc-old$/),
      resourceName: 'lc-old',
      configuration: {
        launchConfigurationName: 'lc-old',
        launchConfigurationARN: lc.resourceId,
        metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
      },
    });
    expect(lc.ARN).toBe(lc.resourceId);
    expect((await launchConfigurationItem(autoscaling, 'lc-bare')).configuration).not.toHaveProperty('metadataOptions');

    const byLc = await autoScalingGroupItem(autoscaling, 'asg-lc');
    expect(byLc).toMatchObject({
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      resourceId: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:.*autoScalingGroupName\/asg-lc$/),
      resourceName: 'asg-lc',
      tags: { team: 'a' },
      configuration: {
        autoScalingGroupName: 'asg-lc',
        autoScalingGroupARN: byLc.resourceId,
        launchConfigurationName: 'lc-old',
        instances: [
          expect.objectContaining({
            instanceId: expect.stringMatching(/^i-/),
            lifecycleState: 'InService',
            healthStatus: 'Healthy',
            launchConfigurationName: 'lc-old',
          }),
        ],
        tags: [expect.objectContaining({ key: 'team', value: 'a', propagateAtLaunch: true })],
      },
    });

    const byLt = await autoScalingGroupItem(autoscaling, 'asg-lt');
    expect(byLt.configuration).toMatchObject({
      launchTemplate: { launchTemplateId: ltId, launchTemplateName: 'lt-asg', version: '$Latest' },
      instances: [expect.objectContaining({ launchTemplate: expect.objectContaining({ launchTemplateId: ltId }) })],
    });
    expect(byLt.configuration).not.toHaveProperty('launchConfigurationName');

    const mixed = await autoScalingGroupItem(autoscaling, 'asg-mixed');
    expect(mixed.configuration).toMatchObject({
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: ltId, version: '$Default' },
          overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3.small' }],
        },
      },
    });
  });

  test('oversized and scheduled events have the documented shapes', () => {
    const oversized = oversizedEvent({
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-0123456789abcdef0',
      captureTime: '2026-01-02T03:04:05.000Z',
      status: 'OK',
    });
    expect(JSON.parse(oversized.invokingEvent)).toMatchObject({
      messageType: 'OversizedConfigurationItemChangeNotification',
      configurationItemSummary: {
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'i-0123456789abcdef0',
        configurationItemCaptureTime: '2026-01-02T03:04:05.000Z',
        configurationItemStatus: 'OK',
        awsAccountId: '123456789012',
        awsRegion: 'us-east-1',
      },
    });
    expect(JSON.parse(oversized.invokingEvent)).not.toHaveProperty('configurationItem');

    const scheduled = scheduledEvent({ ruleParameters: { requireEnforcement: 'true' }, notificationCreationTime: '2026-01-02T00:00:00.000Z' });
    expect(scheduled.ruleParameters).toBe('{"requireEnforcement":"true"}');
    expect(JSON.parse(scheduled.invokingEvent)).toEqual({
      awsAccountId: '123456789012',
      notificationCreationTime: '2026-01-02T00:00:00.000Z',
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    });
    expect(scheduled).toMatchObject({ version: '1.0', eventLeftScope: false, accountId: '123456789012' });
  });
});
