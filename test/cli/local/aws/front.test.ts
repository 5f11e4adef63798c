// Proves the one local AWS (cli/local/aws) with the real SDK v3 clients against moto: the front's
// forwarding, its stand-ins for what moto 5.2.1 lacks, and fault injection.
import {
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeWarmPoolCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteEvaluationResultsCommand,
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigRuleEvaluationStatusCommand,
  DescribeRemediationConfigurationsCommand,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  paginateGetComplianceDetailsByConfigRule,
  PutEvaluationsCommand,
  ResourceNotDiscoveredException,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  GetInstanceMetadataDefaultsCommand,
  ModifyInstanceMetadataDefaultsCommand,
} from '@aws-sdk/client-ec2';
import {
  AggregatorStandIn,
  DEFAULT_RULE_NAME,
  InstanceRefreshStandIn,
  type FaultKind,
} from '../../../../cli/local/aws';
import { changeEvent, instanceItem } from '../../../integration/harness';
import { AMI, runInstance, useLocalAws } from './support';

const local = useLocalAws();

function evaluation(id: string, complianceType: Evaluation['ComplianceType'], annotation?: string): Evaluation {
  return {
    ComplianceResourceType: 'AWS::EC2::Instance',
    ComplianceResourceId: id,
    ComplianceType: complianceType,
    Annotation: annotation,
    OrderingTimestamp: new Date('2026-01-02T03:04:05.678Z'),
  };
}

describe('the front forwards to moto', () => {
  test('RunInstances with MetadataOptions round-trips through the front to moto', async () => {
    const ec2 = local.ec2Client();
    const id = await runInstance(ec2, { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' });

    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(described.Reservations![0].Instances![0].MetadataOptions).toMatchObject({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
    });
    expect(local.front.calls).toEqual([
      expect.objectContaining({ service: 'ec2', operation: 'RunInstances', answeredBy: 'moto', status: 200, region: 'us-east-1' }),
      expect.objectContaining({ service: 'ec2', operation: 'DescribeInstances', answeredBy: 'moto', status: 200 }),
    ]);
    expect(local.front.countBy('RunInstances')).toBe(1);
  });

  test("moto parses the SDK's awsQuery protocol for CreateLaunchConfiguration and CreateAutoScalingGroup", async () => {
    const autoscaling = local.asClient();
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
    expect(local.front.calls.every((c) => c.service === 'autoscaling' && c.answeredBy === 'moto' && c.status === 200)).toBe(true);
  });

  test("moto parses CloudWatch's AWS JSON 1.0 protocol, which current SDKs use instead of awsQuery", async () => {
    const cloudwatch = local.track(new CloudWatchClient(local.settings({})));
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
    expect(local.front.calls.map((c) => [c.service, c.answeredBy])).toEqual([
      ['monitoring', 'moto'],
      ['monitoring', 'moto'],
    ]);
  });
});

describe('the front stands in for AWS Config operations moto lacks', () => {
  test("stands in for moto's PutEvaluations (non-test-mode): records the call, answers it, feeds current results", async () => {
    const config = local.configClient();
    local.front.config.ruleForToken('token-a', 'rule-a');

    const out = await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token-a',
        Evaluations: [evaluation('i-1', 'NON_COMPLIANT', 'HttpTokens is optional'), evaluation('i-2', 'COMPLIANT')],
      }),
    );

    expect(out.FailedEvaluations).toEqual([]);
    expect(local.front.calls).toEqual([
      expect.objectContaining({ service: 'config', operation: 'PutEvaluations', answeredBy: 'front', status: 200 }),
    ]);
    expect(local.front.config.puts).toEqual([
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
    expect(local.front.config.results('rule-a').map((r) => [r.resourceId, r.complianceType])).toEqual([
      ['i-1', 'NON_COMPLIANT'],
      ['i-2', 'COMPLIANT'],
    ]);

    // NOT_APPLICABLE removes the resource from the rule's results, since Config does not list those.
    await config.send(new PutEvaluationsCommand({ ResultToken: 'token-a', Evaluations: [evaluation('i-1', 'NOT_APPLICABLE')] }));
    expect(local.front.config.results('rule-a').map((r) => r.resourceId)).toEqual(['i-2']);
  });

  test('test-mode PutEvaluations is recorded but not stored; unregistered tokens file under the default rule', async () => {
    const config = local.configClient();
    await config.send(new PutEvaluationsCommand({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [evaluation('i-1', 'COMPLIANT')] }));

    expect(local.front.config.puts).toEqual([expect.objectContaining({ testMode: true, ruleName: DEFAULT_RULE_NAME })]);
    expect(local.front.config.evaluations({ testMode: true })).toHaveLength(1);
    expect(local.front.config.results()).toEqual([]);
  });

  test('failNext answers matching evaluations in FailedEvaluations, echoed as sent, so a resend can be tested', async () => {
    const config = local.configClient();
    local.front.config.failNext(1, (e) => e.ComplianceResourceId === 'i-2');

    const first = await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token',
        Evaluations: [evaluation('i-1', 'COMPLIANT'), evaluation('i-2', 'NON_COMPLIANT', 'why'), evaluation('i-3', 'COMPLIANT')],
      }),
    );
    expect(first.FailedEvaluations).toEqual([evaluation('i-2', 'NON_COMPLIANT', 'why')]);
    expect(local.front.config.results().map((r) => r.resourceId)).toEqual(['i-1', 'i-3']);
    expect(local.front.config.puts[0].failed.map((e) => e.ComplianceResourceId)).toEqual(['i-2']);

    const resend = await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation('i-2', 'NON_COMPLIANT', 'why')] }));
    expect(resend.FailedEvaluations).toEqual([]);
    expect(local.front.config.results().map((r) => r.resourceId)).toEqual(['i-1', 'i-2', 'i-3']);
    expect(local.front.config.evaluations()).toHaveLength(3);
  });

  test('PutEvaluations rejects what Config rejects: more than 100 evaluations, annotations over 256 characters', async () => {
    const config = local.configClient();
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
    expect(local.front.config.puts).toHaveLength(1);
  });

  test('GetComplianceDetailsByConfigRule pages with NextToken and Limit, filtered by ComplianceTypes', async () => {
    const config = local.configClient();
    const ids = Array.from({ length: 250 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
    local.front.config.seedResults(
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
    const ec2 = local.ec2Client();
    const config = local.configClient();
    const id = await runInstance(ec2, { HttpTokens: 'optional' });
    const item = await instanceItem(ec2, id);
    local.front.config.putHistory(item.resourceType, item.resourceId, item);

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
    const ec2 = local.ec2Client();
    const west = local.ec2Client({ region: 'us-west-2' });

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
    expect(local.front.ec2.modifications.map((m) => m.region)).toEqual(['us-east-1', 'us-east-1']);
    expect(local.front.countBy('GetInstanceMetadataDefaults', 'front')).toBe(4);

    await expect(ec2.send(new ModifyInstanceMetadataDefaultsCommand({ HttpPutResponseHopLimit: 65 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  test('seeded defaults managed by a declarative policy are reported and cannot be modified', async () => {
    const ec2 = local.ec2Client();
    local.front.ec2.setAccountDefaults('us-east-1', {
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
    const ec2 = local.ec2Client();
    for (let i = 0; i < count; i++) await ec2.send(new DescribeInstancesCommand({})).catch(() => undefined);
    return local.front.calls.map((c) => c.fault ?? 'ok');
  }

  test('a fixed seed faults the same requests in the same way, run after run', async () => {
    local.front.setFaults({ rate: 0.3, seed: 42 });
    const first = await faultPattern(40);
    local.front.reset(); // re-seeds
    const second = await faultPattern(40);

    expect(second).toEqual(first);
    const faults = first.filter((k) => k !== 'ok');
    expect(faults.length).toBe(14); // always 14 for seed 42 at 30% over 40 requests
    expect(new Set(faults)).toEqual(new Set(['throttle', '500', 'drop']));

    local.front.setFaults({ rate: 0.3, seed: 43 });
    expect(await (local.front.reset(), faultPattern(40))).not.toEqual(first);
  });

  const THROTTLE_CODES = { ec2: 'RequestLimitExceeded', autoscaling: 'Throttling', config: 'ThrottlingException' };
  const calls = {
    ec2: () => local.ec2Client({ maxAttempts: 3 }).send(new DescribeInstancesCommand({})),
    autoscaling: () => local.asClient({ maxAttempts: 3 }).send(new DescribeAutoScalingGroupsCommand({})),
    config: () => local.configClient({ maxAttempts: 3 }).send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [] })),
  };

  test.each(['throttle', '500', 'drop'] as const)('the SDK retries a %s fault in each protocol (EC2, awsQuery, JSON)', async (kind) => {
    local.front.setFaults({ rate: 1, seed: 1, kinds: [kind] });
    for (const service of ['ec2', 'autoscaling', 'config'] as const) {
      local.front.reset();
      const error = (await calls[service]().catch((e: unknown) => e)) as { name: string; $metadata?: { httpStatusCode?: number } };
      expect(error).toBeInstanceOf(Error);
      // Three attempts reached the front: the first and two retries.
      expect(local.front.calls.map((c) => c.fault)).toEqual([kind, kind, kind]);
      if (kind === 'throttle') expect(error.name).toBe(THROTTLE_CODES[service]);
      if (kind === '500') expect(error.$metadata?.httpStatusCode).toBe(500);
    }
    // A faulted PutEvaluations is never recorded as accepted.
    expect(local.front.config.puts).toHaveLength(0);
  });

  test("an adaptive-retry client (maxAttempts 8) succeeds through 30% faults of every kind", async () => {
    const retry = { retryMode: 'adaptive', maxAttempts: 8 } as const;
    const ec2 = local.ec2Client(retry);
    const autoscaling = local.asClient(retry);
    const config = local.configClient(retry);
    // Seed 46 faults 15 of these 56 requests (4 throttles, 5 500s, 6 drops), never more than two in a
    // row: every kind is exercised while the SDK's jittered backoff (up to 20 s) stays short.
    local.front.setFaults({ rate: 0.3, seed: 46 });

    const id = await runInstance(ec2, { HttpTokens: 'required' });
    for (let i = 0; i < 10; i++) {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(out.Reservations![0].Instances![0].InstanceId).toBe(id);
      await autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
      await config.send(new PutEvaluationsCommand({ ResultToken: 'token', Evaluations: [evaluation(`i-${i}`, 'COMPLIANT')] }));
      await ec2.send(new GetInstanceMetadataDefaultsCommand({}));
    }

    const faults = local.front.calls.filter((c) => c.answeredBy === 'fault').map((c) => c.fault);
    expect(['throttle', '500', 'drop'].map((kind) => faults.filter((f) => f === kind).length)).toEqual([4, 5, 6]);
    // Faulted calls never reach moto or the stand-ins: exactly one instance, exactly ten recorded puts.
    expect(local.front.config.puts).toHaveLength(10);
    expect(local.front.countBy('RunInstances', 'moto')).toBe(1);
    expect(local.front.calls.length).toBe(41 + faults.length);
    local.front.setFaults(undefined);
    expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
  });
});

describe("what the demo's own front did, now answered by this one", () => {
  test('ruleForToken files puts under a rule; seedResults pretends Config already holds results; results() lists the current ones', async () => {
    const config = local.configClient();
    local.front.config.seedResults('imdsv2-instance', [
      { resourceType: 'AWS::EC2::Instance', resourceId: 'i-deleted', complianceType: 'NON_COMPLIANT', annotation: 'Does not require IMDSv2.' },
    ]);
    local.front.config.ruleForToken('sweep-token', 'imdsv2-instance');
    await config.send(
      new PutEvaluationsCommand({ ResultToken: 'sweep-token', Evaluations: [evaluation('i-live', 'COMPLIANT'), evaluation('i-deleted', 'NOT_APPLICABLE')] }),
    );
    expect(local.front.config.results('imdsv2-instance').map((r) => [r.resourceId, r.complianceType])).toEqual([['i-live', 'COMPLIANT']]);
    expect(local.front.config.results(DEFAULT_RULE_NAME)).toEqual([]);
    expect(local.front.countBy('PutEvaluations', 'front')).toBe(1);
  });

  test('recordConfigurationItem files a change notification item for GetResourceConfigHistory, newest first', async () => {
    const ec2 = local.ec2Client();
    const config = local.configClient();
    const id = await runInstance(ec2, { HttpTokens: 'optional' });
    const older = await instanceItem(ec2, id, { captureTime: '2026-01-01T00:00:00.000Z' });
    const newer = await instanceItem(ec2, id, { captureTime: '2026-01-02T00:00:00.000Z' });
    // As the demo takes it: the item parsed back out of a change event's invokingEvent.
    const fromEvent = (item: object) =>
      (JSON.parse(String(changeEvent({ configurationItem: item as never }).invokingEvent)) as { configurationItem: { resourceType: string; resourceId: string } }).configurationItem;
    local.front.config.recordConfigurationItem(fromEvent(older));
    local.front.config.recordConfigurationItem(fromEvent(newer));

    const out = await config.send(new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::Instance', resourceId: id }));
    expect(out.configurationItems?.map((i) => i.configurationItemCaptureTime)).toEqual([new Date('2026-01-02T00:00:00.000Z'), new Date('2026-01-01T00:00:00.000Z')]);
    expect(out.configurationItems?.[0]).toMatchObject({ arn: newer.ARN, accountId: '123456789012', resourceId: id });
    expect(JSON.parse(out.configurationItems![0].configuration!)).toEqual(newer.configuration);
  });
});

describe('the other stand-ins moto lacks', () => {
  test('DescribeConfigRuleEvaluationStatus answers what was set, per region, and leaves other rules out', async () => {
    const config = local.configClient();
    local.front.config.setRuleEvaluationStatus('us-east-1', 'rule-a', { FirstEvaluationStarted: true, LastErrorCode: 'AccessDenied', LastFailedInvocationTime: new Date('2026-01-01T00:00:00Z') });
    local.front.config.setRuleEvaluationStatus('us-west-2', 'rule-b', { FirstEvaluationStarted: true });
    const out = await config.send(new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['rule-a', 'rule-b'] }));
    expect(out.ConfigRulesEvaluationStatus).toEqual([
      { ConfigRuleName: 'rule-a', FirstEvaluationStarted: true, LastErrorCode: 'AccessDenied', LastFailedInvocationTime: new Date('2026-01-01T00:00:00Z') },
    ]);
  });

  test('DescribeRemediationConfigurations answers what was set for the named rules', async () => {
    const config = local.configClient();
    local.front.config.setRemediationConfiguration('us-east-1', { ConfigRuleName: 'rule-a', TargetId: 'imdsv2-instance-doc', Automatic: false });
    const out = await config.send(new DescribeRemediationConfigurationsCommand({ ConfigRuleNames: ['rule-a', 'rule-z'] }));
    expect(out.RemediationConfigurations).toEqual([{ ConfigRuleName: 'rule-a', TargetId: 'imdsv2-instance-doc', TargetType: 'SSM_DOCUMENT', Automatic: false }]);
  });

  test('DeleteEvaluationResults clears the rule\'s results, as the real call does', async () => {
    const config = local.configClient();
    local.front.config.seedResults('rule-a', [{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-1', complianceType: 'COMPLIANT' }]);
    await config.send(new DeleteEvaluationResultsCommand({ ConfigRuleName: 'rule-a' }));
    expect(local.front.config.allResults('rule-a')).toEqual([]);
    const out = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'rule-a' }));
    expect(out.EvaluationResults).toEqual([]);
  });

  test('DescribeWarmPool lists the instances seeded for a group, 50 a page; other groups go to moto', async () => {
    const autoscaling = local.asClient();
    const instances = Array.from({ length: 52 }, (_, i) => ({ instanceId: `i-${String(i).padStart(17, '0')}`, lifecycleState: 'Warmed:Stopped' }));
    local.front.autoscaling.setWarmPool('us-east-1', 'fleet', instances);
    const first = await autoscaling.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'fleet' }));
    expect(first.Instances).toHaveLength(50);
    expect(first.WarmPoolConfiguration?.PoolState).toBe('Stopped');
    const second = await autoscaling.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'fleet', NextToken: first.NextToken }));
    expect(second.Instances?.map((i) => i.InstanceId)).toEqual([instances[50].instanceId, instances[51].instanceId]);
    expect(second.NextToken).toBeUndefined();
    expect(local.front.countBy('DescribeWarmPool', 'front')).toBe(2);

    await autoscaling.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'not-seeded' })).catch(() => undefined);
    expect(local.front.countBy('DescribeWarmPool', 'moto')).toBe(1);
  });

  test("AggregatorStandIn, installed as the front's intercept, answers aggregate compliance from the puts as they come", async () => {
    const config = local.configClient();
    const stand = new AggregatorStandIn(['org']);
    local.front.setIntercept(stand.intercept());
    stand.ruleForToken('t', 'rule-a');
    await config.send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [evaluation('i-1', 'NON_COMPLIANT', 'optional')] }));
    const account = stand.recorded()[0]?.accountId;
    expect(account).toMatch(/^\d{12}$/);

    const byRules = await config.send(new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: 'org' }));
    expect(byRules.AggregateComplianceByConfigRules).toEqual([
      { ConfigRuleName: 'rule-a', AccountId: account, AwsRegion: 'us-east-1', Compliance: { ComplianceType: 'NON_COMPLIANT' } },
    ]);
    // The put still went on to the front's own Config stand-in (which files it by its own token map).
    expect(local.front.config.evaluations().map((e) => e.ComplianceResourceId)).toEqual(['i-1']);
    expect(local.front.countBy('PutEvaluations', 'front')).toBe(1);
    await expect(config.send(new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: 'nope' }))).rejects.toMatchObject({
      name: 'NoSuchConfigurationAggregatorException',
    });
  });
});

describe('InstanceRefreshStandIn (StartInstanceRefresh / DescribeInstanceRefreshes, which moto answers with HTTP 500)', () => {
  test('replaces the in-service instances not launched from the current version, applying its MetadataOptions', async () => {
    const ec2 = local.ec2Client({ maxAttempts: 2 });
    const autoscaling = local.asClient({ maxAttempts: 2 });
    const template = await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } } }),
    );
    const templateId = template.LaunchTemplate!.LaunchTemplateId!;
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateId: templateId, Version: '$Default' }, MinSize: 2, MaxSize: 2, AvailabilityZones: ['us-east-1a'] }),
    );
    const before = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0].Instances!.map((i) => i.InstanceId!);
    expect(before).toHaveLength(2);

    const refresh = new InstanceRefreshStandIn({ ec2, autoscaling });
    const api = refresh.refreshApi();
    const { InstanceRefreshId: id } = await api.start({ AutoScalingGroupName: 'web', Preferences: { SkipMatching: true } });
    await expect(api.start({ AutoScalingGroupName: 'web' })).rejects.toMatchObject({ name: 'InstanceRefreshInProgressFault' });
    const statuses: string[] = [];
    for (let poll = 0; poll < 3; poll++) statuses.push((await api.describe({ AutoScalingGroupName: 'web', InstanceRefreshIds: [id] })).InstanceRefreshes![0].Status);
    expect(statuses).toEqual(['InProgress', 'Successful', 'Successful']);
    expect([...refresh.replacedBy(id!)].sort()).toEqual([...before].sort());
    expect(refresh.started).toEqual([{ AutoScalingGroupName: 'web', Preferences: { SkipMatching: true } }]);

    const after = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0].Instances!.map((i) => i.InstanceId!);
    expect(after.filter((i) => before.includes(i))).toEqual([]);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: after }));
    const options = described.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.MetadataOptions?.HttpTokens, i.MetadataOptions?.HttpPutResponseHopLimit]);
    expect(options).toEqual([
      ['required', 2],
      ['required', 2],
    ]);

    // A second refresh with skip matching replaces nothing: every instance now matches the version.
    const second = await api.start({ AutoScalingGroupName: 'web', Preferences: { SkipMatching: true } });
    await api.describe({ AutoScalingGroupName: 'web' });
    await api.describe({ AutoScalingGroupName: 'web' });
    expect(refresh.replacedBy(second.InstanceRefreshId!)).toEqual([]);
  });
});
