// End to end, against moto through the shared harness front: the REAL rule code evaluates a
// resource NON_COMPLIANT, the remediation document runs in the local Automation runner (real SDK
// calls, the TypeScript steps invoked in-process), and the rule evaluates it again.
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  type InstanceMetadataOptionsResponse,
} from '@aws-sdk/client-ec2';
import { createClients, type Clients } from '../../lambda/kit/clients';
import type { Evaluation } from '../../lambda/kit/evaluation-sink';
import type { KitLogger } from '../../lambda/kit/logger';
import { createRemediationClients, type RemediationClients } from '../../lambda/remediation/common/clients';
import { makeHandler as gateHandler } from '../../lambda/remediation/imdsv1-usage-gate/handler';
import { makeHandler as versionHandler } from '../../lambda/remediation/launch-template-version/handler';
import { makeHandler as migrationHandler } from '../../lambda/remediation/migrate-launch-configuration/handler';
import { makeHandler as refreshGroupHandler } from '../../lambda/remediation/refresh-group/handler';
import { SOURCE_TAG } from '../../lambda/remediation/migrate-launch-configuration/migrate';
import { makeHandler as accountRule } from '../../lambda/rules/imdsv2-account-defaults/handler';
import { makeHandler as groupRule } from '../../lambda/rules/imdsv2-auto-scaling-group/handler';
import { makeHandler as instanceRule } from '../../lambda/rules/imdsv2-instance/handler';
import { makeHandler as launchConfigurationRule } from '../../lambda/rules/imdsv2-launch-configuration/handler';
import { makeHandler as launchTemplateRule } from '../../lambda/rules/imdsv2-launch-template/handler';
import { loadDocument, runAutomation, SdkApiCaller, type RunOptions, type RunResult } from '../../cli/local/automation';
import { InstanceRefreshStandIn } from '../../cli/local/aws';
import { capHopLimit, type DocumentContent } from '../../lib/remediation/document-content';
import {
  asDeleted,
  autoScalingGroupItem,
  changeEvent,
  instanceItem,
  launchConfigurationItem,
  launchTemplateItem,
  scheduledEvent,
  startFront,
  startMoto,
  type ConfigurationItem,
  type Front,
  type MotoServer,
} from './harness';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs
const MOTO_CREATOR = 'arn:aws:iam::123456789012:root';
const silent: KitLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let moto: MotoServer;
let front: Front;
let ruleClients: Clients;
let fixClients: RemediationClients;
let api: SdkApiCaller;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  const settings = { region: REGION, endpoint: front.url, credentials };
  ruleClients = createClients({ ...settings, maxAttempts: 2 });
  fixClients = createRemediationClients({ ...settings, maxAttempts: 2 });
  api = new SdkApiCaller(settings);
  ec2 = new EC2Client({ ...settings, maxAttempts: 2 });
  autoscaling = new AutoScalingClient({ ...settings, maxAttempts: 2 });
  cloudwatch = new CloudWatchClient({ ...settings, maxAttempts: 2 });
});

afterAll(async () => {
  api?.destroy();
  for (const c of [ec2, autoscaling, cloudwatch, ruleClients?.ec2, ruleClients?.autoscaling, ruleClients?.config, fixClients?.ec2, fixClients?.autoscaling, fixClients?.cloudwatch]) {
    c?.destroy();
  }
  await front?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  front.reset();
  refreshStandIn = new InstanceRefreshStandIn({ ec2, autoscaling });
});

// ---- the real rules, invoked as AWS Config invokes them -------------------------------------

const ruleDeps = () => ({ clients: ruleClients, logger: silent, resendDelayMs: 1 });
const rules = {
  instance: instanceRule(ruleDeps),
  launchTemplate: launchTemplateRule(ruleDeps),
  launchConfiguration: launchConfigurationRule(ruleDeps),
  group: groupRule(ruleDeps),
  account: accountRule(ruleDeps),
};

async function verdict(handler: (e: unknown) => Promise<Evaluation[]>, event: unknown): Promise<Evaluation> {
  const evaluations = await handler(event);
  expect(evaluations).toHaveLength(1);
  return evaluations[0];
}

const evaluateItem = (handler: (e: unknown) => Promise<Evaluation[]>, item: ConfigurationItem, ruleParameters?: Record<string, unknown>) =>
  verdict(handler, changeEvent({ configurationItem: item, ruleParameters }));

// ---- running a document --------------------------------------------------------------------

let refreshStandIn: InstanceRefreshStandIn;
const lambdas = () => ({
  // StartInstanceRefresh/DescribeInstanceRefreshes answered by the local stand-in (moto lacks both); the rest is moto.
  'imdsv2-guard-refresh-group': refreshGroupHandler(() => ({ clients: fixClients, logger: silent, refresh: refreshStandIn.refreshApi() as never })),
  'imdsv2-guard-imdsv1-usage-gate': gateHandler(() => ({ clients: fixClients, logger: silent })),
  'imdsv2-guard-launch-template-version': versionHandler(() => ({ clients: fixClients, logger: silent })),
  // moto records every launch template and version as created by the account root (CreatedBy), whoever made
  // it, and its GetCallerIdentity names another principal: the function is told moto's creator is itself.
  // So here only the data check tells a planted template apart; the creator check is unit-tested with mocks.
  'imdsv2-guard-migrate-launch-configuration': migrationHandler(() => ({ clients: fixClients, logger: silent, callerArn: async () => MOTO_CREATOR })),
});

function run(id: string, parameters: Record<string, unknown>, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  return runAutomation(loadDocument(id), { callApi: api.call, lambdas: lambdas(), region: REGION, documentName: id, parameters, ...extra });
}

const calls = (result: RunResult, apiName: string) => result.apiCalls.filter((c) => c.api === apiName);

// ---- fixtures ----------------------------------------------------------------------------------

async function launch(metadata: Record<string, unknown>): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, MetadataOptions: metadata }));
  return out.Instances![0].InstanceId!;
}

async function metadataOf(instanceId: string): Promise<InstanceMetadataOptionsResponse> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations![0].Instances![0].MetadataOptions!;
}

async function metadataNoToken(instanceId: string, points: Array<{ daysAgo: number; value: number }>): Promise<void> {
  const now = Date.now();
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/EC2',
      MetricData: points.map((p) => ({
        MetricName: 'MetadataNoToken',
        Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        Value: p.value,
        Timestamp: new Date(now - p.daysAgo * 86_400_000),
      })),
    }),
  );
}

async function securityGroup(): Promise<string> {
  return (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `web-${Date.now()}`, Description: 'web' }))).GroupId!;
}

async function defaultVersion(launchTemplateId: string) {
  const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: ['$Default'] }));
  return out.LaunchTemplateVersions![0];
}

// ---- imdsv2-instance --------------------------------------------------------------------------

describe('imdsv2-instance', () => {
  test('NON_COMPLIANT → document → COMPLIANT; the hop limit and the endpoint survive, and the change is waited for', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpPutResponseHopLimit: 3, HttpEndpoint: 'enabled' });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-instance', { InstanceId: id });

    expect(result).toMatchObject({ status: 'Success' });
    expect(result.path).toEqual([
      'CheckImdsV1Usage',
      'RequireOpenGate',
      'ReadMetadataOptions',
      'ChooseHopLimit',
      'RequireTokensKeepingHopLimit',
      'ChooseWait',
      'WaitForChangeApplied',
      'VerifyEndpointUnchanged',
      'VerifyImdsV2Required',
    ]);
    // moto resets what ModifyInstanceMetadataOptions is not sent: the document always sends both.
    expect(calls(result, 'ModifyInstanceMetadataOptions')[0].input).toEqual({
      InstanceId: id,
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 3,
    });
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 3, HttpEndpoint: 'enabled' });
    expect(result.outputs).toMatchObject({ 'ReadMetadataOptions.HttpEndpoint': 'enabled', 'ReadMetadataOptions.CurrentHopLimit': 3 });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
  });

  test('safety gate: MetadataNoToken shows IMDSv1 use → the execution stops naming the count, and nothing changes', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    await metadataNoToken(id, [
      { daysAgo: 1, value: 40 },
      { daysAgo: 3, value: 2 },
      { daysAgo: 30, value: 100 }, // outside the 14-day window: not counted
    ]);

    const result = await run('imdsv2-instance', { InstanceId: id });

    expect(result).toMatchObject({ status: 'Failed', failedStep: 'CheckImdsV1Usage' });
    expect(result.failureMessage).toMatch(/IMDSv1 calls seen: 42 in the last 14 days on i-[0-9a-f]+ .*set Force=true to proceed/);
    expect(calls(result, 'ModifyInstanceMetadataOptions')).toEqual([]);
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'optional' });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('NON_COMPLIANT');
  });

  test('safety gate: Force=true proceeds over IMDSv1 use', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    await metadataNoToken(id, [{ daysAgo: 1, value: 7 }]);

    const result = await run('imdsv2-instance', { InstanceId: id, Force: true });

    expect(result.status).toBe('Success');
    expect(JSON.parse(String(result.outputs['CheckImdsV1Usage.Payload']))).toMatchObject({ ImdsV1Calls: 7, Force: true });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
  });

  test('safety gate: only the look-back window counts (LookbackDays=7 ignores calls 10 days ago)', async () => {
    const id = await launch({ HttpTokens: 'optional' });
    await metadataNoToken(id, [{ daysAgo: 10, value: 5 }]);
    expect((await run('imdsv2-instance', { InstanceId: id })).status).toBe('Failed');
    expect((await run('imdsv2-instance', { InstanceId: id, LookbackDays: 7 })).status).toBe('Success');
  });

  test('safety gate still holds if Automation did not fail the step on a function error: the flip is unreachable', async () => {
    const id = await launch({ HttpTokens: 'optional' });
    await metadataNoToken(id, [{ daysAgo: 1, value: 3 }]);

    const result = await run('imdsv2-instance', { InstanceId: id }, { functionErrorFailsStep: false });

    expect(result).toMatchObject({ status: 'Failed', failedStep: 'RefuseWithoutOpenGate' });
    expect(result.path).toEqual(['CheckImdsV1Usage', 'RequireOpenGate', 'RefuseWithoutOpenGate']);
    expect(calls(result, 'ModifyInstanceMetadataOptions')).toEqual([]);
  });

  test('an instance with a disabled endpoint keeps it disabled (and requires tokens for when it is enabled)', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpEndpoint: 'disabled', HttpPutResponseHopLimit: 2 });
    // A disabled endpoint is already compliant; the document must not turn it on.
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('COMPLIANT');

    const result = await run('imdsv2-instance', { InstanceId: id });

    expect(result.status).toBe('Success');
    expect(calls(result, 'ModifyInstanceMetadataOptions')[0].input).toMatchObject({ HttpEndpoint: 'disabled' });
    expect(await metadataOf(id)).toMatchObject({ HttpEndpoint: 'disabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
  });

  test('HttpPutResponseHopLimit sets the hop limit; a maxHopLimit rule then passes', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpPutResponseHopLimit: 5 });
    const params = { maxHopLimit: 1 };
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id), params)).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-instance', { InstanceId: id, HttpPutResponseHopLimit: 1 });

    expect(result.path).toContain('RequireTokensWithNewHopLimit');
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id), params)).ComplianceType).toBe('COMPLIANT');
  });

  test('with the cap the construct writes (rule maxHopLimit 2): a kept hop limit of 5 is lowered to 2, and a parameter above 2 is refused before any step', async () => {
    const id = await launch({ HttpTokens: 'optional', HttpPutResponseHopLimit: 5 });
    const capped = capHopLimit(loadDocument('imdsv2-instance') as unknown as DocumentContent, 2) as unknown as ReturnType<typeof loadDocument>;
    const options = (parameters: Record<string, unknown>): RunOptions => ({ callApi: api.call, lambdas: lambdas(), region: REGION, documentName: 'imdsv2-instance', parameters });

    const result = await runAutomation(capped, options({ InstanceId: id }));

    expect(result.status).toBe('Success');
    expect(result.path).toContain('RequireTokensLoweringHopLimit');
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 });
    expect((await evaluateItem(rules.instance, await instanceItem(ec2, id), { maxHopLimit: 2 })).ComplianceType).toBe('COMPLIANT');
    await expect(runAutomation(capped, options({ InstanceId: id, HttpPutResponseHopLimit: 3 }))).rejects.toThrow(/allowedValues|allowed values/i);
  });

  test('a stopping instance is treated like a stopped one: changed, not waited for (DescribeInstances answered by a runner stand-in that reports moto\'s instance as "stopping", a state moto skips)', async () => {
    const id = await launch({ HttpTokens: 'optional' });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    const stopping = async (input: Record<string, unknown>) => {
      const out = (await api.call('ec2', 'DescribeInstances', input)) as { Reservations?: Array<{ Instances?: Array<{ State?: { Name?: string }; MetadataOptions?: { State?: string } }> }> };
      for (const i of out.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
        i.State = { Name: 'stopping' };
        // What AWS shows until the next start: the change requested, not yet applied.
        if (i.MetadataOptions) i.MetadataOptions.State = 'pending';
      }
      return out;
    };

    const result = await run('imdsv2-instance', { InstanceId: id }, { standIns: { 'ec2:DescribeInstances': stopping } });

    expect(result.status).toBe('Success');
    expect(result.steps.find((s) => s.name === 'ReadMetadataOptions')?.outputs).toMatchObject({ InstanceState: 'stopping' });
    expect(result.path).not.toContain('WaitForChangeApplied');
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'required' });
  });

  test('a stopped instance is changed without waiting for the change to apply (it applies at the next start)', async () => {
    const id = await launch({ HttpTokens: 'optional' });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));

    const result = await run('imdsv2-instance', { InstanceId: id });

    expect(result.status).toBe('Success');
    expect(result.path).not.toContain('WaitForChangeApplied');
    expect(await metadataOf(id)).toMatchObject({ HttpTokens: 'required' });
  });
});

// ---- imdsv2-launch-template -------------------------------------------------------------------

describe('imdsv2-launch-template', () => {
  async function template(metadata: Record<string, unknown>) {
    const sg = await securityGroup();
    const out = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `web-${Date.now()}`,
        LaunchTemplateData: {
          ImageId: AMI,
          InstanceType: 't3.micro',
          UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
          SecurityGroupIds: [sg],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }] }],
          MetadataOptions: metadata,
        },
      }),
    );
    return { id: out.LaunchTemplate!.LaunchTemplateId!, sg };
  }

  test('NON_COMPLIANT → document → COMPLIANT: a new default version with all the data of the old one (full data sent, since moto ignores SourceVersion)', async () => {
    const { id, sg } = await template({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id))).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-launch-template', { LaunchTemplateId: id });

    expect(result.status).toBe('Success');
    expect(JSON.parse(String(result.outputs['CreateCompliantDefaultVersion.Payload']))).toMatchObject({ Changed: true, PreviousDefaultVersion: 1, DefaultVersion: 2 });
    const v = await defaultVersion(id);
    expect(v.VersionNumber).toBe(2);
    expect(v.LaunchTemplateData).toMatchObject({
      ImageId: AMI,
      InstanceType: 't3.micro',
      UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
      SecurityGroupIds: [sg],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }] }],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
    expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
  });

  test('a re-run changes nothing (idempotent); the hop limit parameter makes a version only when it differs', async () => {
    const { id } = await template({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    await run('imdsv2-launch-template', { LaunchTemplateId: id });
    const again = await run('imdsv2-launch-template', { LaunchTemplateId: id });
    expect(JSON.parse(String(again.outputs['CreateCompliantDefaultVersion.Payload']))).toMatchObject({ Changed: false, DefaultVersion: 2 });

    const hop = await run('imdsv2-launch-template', { LaunchTemplateId: id, HttpPutResponseHopLimit: 1 });
    expect(hop.status).toBe('Success');
    expect(hop.path).toContain('VerifyDefaultHopLimit');
    expect((await defaultVersion(id)).LaunchTemplateData?.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  test('a compliant default with a non-compliant $Latest: NON_COMPLIANT → document → COMPLIANT, the latest fixed from its own data, the default kept', async () => {
    const { id } = await template({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.large', MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 } },
      }),
    );
    const before = await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id));
    expect(before.ComplianceType).toBe('NON_COMPLIANT');
    expect(before.Annotation).toContain('v2');

    const result = await run('imdsv2-launch-template', { LaunchTemplateId: id });

    expect(result.status).toBe('Success');
    expect(result.path).toContain('VerifyLatestRequiresImdsV2');
    expect(JSON.parse(String(result.outputs['CreateCompliantDefaultVersion.Payload']))).toMatchObject({ Changed: true, DefaultVersion: 1, PreviousLatestVersion: 2, LatestVersion: 3 });
    expect((await defaultVersion(id)).VersionNumber).toBe(1);
    const latest = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['$Latest'] }));
    expect(latest.LaunchTemplateVersions?.[0].LaunchTemplateData).toMatchObject({ InstanceType: 't3.large', MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } });
    expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
  });

  // moto ignores SourceVersion: the function sends each version's full data, so what moto stores is what AWS would.
  test.each([
    ['default bad, latest good (another version)', { HttpTokens: 'optional' }, { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }],
    ['default good, latest bad', { HttpTokens: 'required' }, { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 }],
    ['both bad, the same version', { HttpTokens: 'optional' }, undefined],
    ['both bad, different versions', { HttpTokens: 'optional' }, { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }],
  ] as Array<[string, Record<string, unknown>, Record<string, unknown> | undefined]>)(
    '%s: afterwards $Default = old $Default data and $Latest = old $Latest data, each with IMDSv2 required, every other field identical',
    async (_name, defaultMetadata, latestMetadata) => {
      const { id } = await template(defaultMetadata);
      if (latestMetadata) {
        await ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: id,
            LaunchTemplateData: { ImageId: 'ami-03cf127a', InstanceType: 't3.large', UserData: 'ZWNobyBsYXRlc3Q=', MetadataOptions: latestMetadata },
          }),
        );
      }
      const read = async (v: string) =>
        (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: [v] }))).LaunchTemplateVersions![0].LaunchTemplateData!;
      const withImdsV2 = (d: Awaited<ReturnType<typeof read>>) => ({ ...d, MetadataOptions: { ...d.MetadataOptions, HttpTokens: 'required' } });
      const oldDefault = await read('$Default');
      const oldLatest = await read('$Latest');
      expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id))).ComplianceType).toBe('NON_COMPLIANT');

      const result = await run('imdsv2-launch-template', { LaunchTemplateId: id });

      expect(result.status).toBe('Success');
      expect(await read('$Default')).toEqual(withImdsV2(oldDefault));
      expect(await read('$Latest')).toEqual(withImdsV2(oldLatest));
      expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, id))).ComplianceType).toBe('COMPLIANT');
      // And a re-run changes nothing.
      const again = await run('imdsv2-launch-template', { LaunchTemplateId: id });
      expect(JSON.parse(String(again.outputs['CreateCompliantDefaultVersion.Payload']))).toMatchObject({ Changed: false });
    },
  );

  test('a disabled endpoint stays disabled in the new version', async () => {
    const { id } = await template({ HttpTokens: 'optional', HttpEndpoint: 'disabled' });
    expect((await run('imdsv2-launch-template', { LaunchTemplateId: id })).status).toBe('Success');
    expect((await defaultVersion(id)).LaunchTemplateData?.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'disabled' });
  });
});

// ---- imdsv2-launch-configuration --------------------------------------------------------------

describe('imdsv2-launch-configuration', () => {
  async function webLaunchConfiguration(sg: string) {
    await autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'web-v1',
        ImageId: AMI,
        InstanceType: 't3.micro',
        KeyName: 'ops',
        SecurityGroups: [sg],
        UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
        InstanceMonitoring: { Enabled: false },
        EbsOptimized: true,
        AssociatePublicIpAddress: true,
        IamInstanceProfile: 'web-profile',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', LaunchConfigurationName: 'web-v1', MinSize: 1, MaxSize: 2, AvailabilityZones: ['us-east-1a'] }),
    );
    return launchConfigurationItem(autoscaling, 'web-v1');
  }

  test('NON_COMPLIANT → migration → the group launches from a numbered version of a compliant template; the launch configuration, deleted, is NOT_APPLICABLE', async () => {
    const sg = await securityGroup();
    const lcItem = await webLaunchConfiguration(sg);
    expect((await evaluateItem(rules.launchConfiguration, lcItem)).ComplianceType).toBe('NON_COMPLIANT');
    // No AWS Config record is given: the function takes the name from the ARN the rule reports.

    // First run keeps the launch configuration: it stays NON_COMPLIANT (launch configurations are immutable).
    const first = await run('imdsv2-launch-configuration', { LaunchConfigurationArn: lcItem.resourceId });
    expect(first.status).toBe('Success');
    expect(first.apiCalls.map((c) => c.api)).toEqual([]);
    const migration = JSON.parse(String(first.outputs['MigrateToLaunchTemplate.Payload']));
    expect(migration).toMatchObject({
      LaunchTemplateName: 'web-v1-imdsv2',
      LaunchTemplateVersion: '1',
      LaunchTemplateCreated: true,
      LaunchTemplatesIgnored: [],
      GroupsUpdated: ['web'],
      LaunchConfigurationDeleted: false,
    });
    const ltId = String(migration.LaunchTemplateId);

    const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0];
    expect(group.LaunchTemplate).toMatchObject({ LaunchTemplateId: ltId, Version: '1' });
    const data = (await defaultVersion(ltId)).LaunchTemplateData!;
    expect(data).toMatchObject({
      ImageId: AMI,
      InstanceType: 't3.micro',
      KeyName: 'ops',
      UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==',
      EbsOptimized: true,
      Monitoring: { Enabled: false },
      IamInstanceProfile: { Name: 'web-profile' },
      NetworkInterfaces: [expect.objectContaining({ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [sg] })],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeSize: 20, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true }) }],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
    });
    const tags = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [ltId] }))).LaunchTemplates![0].Tags;
    expect(tags).toEqual([{ Key: SOURCE_TAG, Value: 'web-v1' }]);
    expect((await evaluateItem(rules.launchTemplate, await launchTemplateItem(ec2, ltId))).ComplianceType).toBe('COMPLIANT');
    expect((await evaluateItem(rules.launchConfiguration, await launchConfigurationItem(autoscaling, 'web-v1'))).ComplianceType).toBe('NON_COMPLIANT');

    // Second run, asked to delete: it reuses the template it made (same data, read back from moto) and removes the launch configuration.
    const second = await run('imdsv2-launch-configuration', { LaunchConfigurationArn: lcItem.resourceId, DeleteLaunchConfiguration: true });
    expect(second.status).toBe('Success');
    expect(JSON.parse(String(second.outputs['MigrateToLaunchTemplate.Payload']))).toMatchObject({
      LaunchTemplateId: ltId,
      LaunchTemplateVersion: '1',
      LaunchTemplateCreated: false,
      GroupsUpdated: [],
      LaunchConfigurationDeleted: true,
    });
    expect((await autoscaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['web-v1'] }))).LaunchConfigurations).toEqual([]);
    expect((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toHaveLength(1);
    // Config's notice of the deletion: the rule reports the launch configuration NOT_APPLICABLE.
    expect((await evaluateItem(rules.launchConfiguration, asDeleted(lcItem))).ComplianceType).toBe('NOT_APPLICABLE');
  });

  test('a planted look-alike (same tag, same name, another AMI and user data, IMDSv2 required) is not used: a new template is made and the group pinned to it', async () => {
    const sg = await securityGroup();
    // Planted first, so it holds the name and is the oldest template carrying the tag.
    const planted = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'web-v1-imdsv2',
        LaunchTemplateData: {
          ImageId: 'ami-03cf127a', // another of moto's AMIs
          InstanceType: 't3.micro',
          UserData: 'Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlIHwgc2g=',
          IamInstanceProfile: { Name: 'admin-profile' },
          MetadataOptions: { HttpTokens: 'required' },
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: SOURCE_TAG, Value: 'web-v1' }] }],
      }),
    );
    const plantedId = planted.LaunchTemplate!.LaunchTemplateId!;
    const lcItem = await webLaunchConfiguration(sg);

    const result = await run('imdsv2-launch-configuration', { LaunchConfigurationArn: lcItem.resourceId });

    expect(result.status).toBe('Success');
    const migration = JSON.parse(String(result.outputs['MigrateToLaunchTemplate.Payload']));
    expect(migration).toMatchObject({ LaunchTemplateCreated: true, LaunchTemplatesIgnored: [plantedId], GroupsUpdated: ['web'] });
    expect(migration.LaunchTemplateId).not.toBe(plantedId);
    expect(migration.LaunchTemplateName).toMatch(/^web-v1-[0-9a-f]{12}-imdsv2$/);
    const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0];
    expect(group.LaunchTemplate).toMatchObject({ LaunchTemplateId: migration.LaunchTemplateId, Version: '1' });
    expect((await defaultVersion(migration.LaunchTemplateId)).LaunchTemplateData).toMatchObject({ ImageId: AMI, UserData: 'IyEvYmluL2Jhc2gKZWNobyBoaQ==', IamInstanceProfile: { Name: 'web-profile' } });

    // Whoever moves the template's $Default later (here to an IMDSv1 version) changes nothing for the group: it is pinned to v1.
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: migration.LaunchTemplateId, LaunchTemplateData: { ImageId: 'ami-03cf127a', MetadataOptions: { HttpTokens: 'optional' } } }));
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: migration.LaunchTemplateId, DefaultVersion: '2' }));
    const again = await run('imdsv2-launch-configuration', { LaunchConfigurationArn: lcItem.resourceId });
    expect(JSON.parse(String(again.outputs['MigrateToLaunchTemplate.Payload']))).toMatchObject({ LaunchTemplateId: migration.LaunchTemplateId, LaunchTemplateVersion: '1', LaunchTemplateCreated: false });
    expect((await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups![0].LaunchTemplate).toMatchObject({ Version: '1' });
  });
});

// ---- imdsv2-auto-scaling-group ----------------------------------------------------------------

describe('imdsv2-auto-scaling-group (StartInstanceRefresh/DescribeInstanceRefreshes answered by a recording stand-in that replaces instances as AWS would; moto lacks both)', () => {
  async function fleet(name: string, metadata: Record<string, unknown>, capacity = 2) {
    const lt = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.micro', MetadataOptions: metadata } }));
    const ltId = lt.LaunchTemplate!.LaunchTemplateId!;
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchTemplate: { LaunchTemplateId: ltId, Version: '$Default' },
        MinSize: capacity,
        MaxSize: capacity * 2,
        DesiredCapacity: capacity,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    return ltId;
  }
  const groupInstances = async (name: string) =>
    ((await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0].Instances ?? []).map((i) => i.InstanceId!);

  test('playbook: fix the template, then replace the fleet → the group is COMPLIANT; the name comes from the ARN (no AWS Config record needed)', async () => {
    const ltId = await fleet('fleet', { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    const item = await autoScalingGroupItem(autoscaling, 'fleet');
    expect((await evaluateItem(rules.group, item)).ComplianceType).toBe('NON_COMPLIANT');

    expect((await run('imdsv2-launch-template', { LaunchTemplateId: ltId })).status).toBe('Success');
    const sourceFixed = await evaluateItem(rules.group, await autoScalingGroupItem(autoscaling, 'fleet'));
    expect(sourceFixed.Annotation).toMatch(/2 in-service instance\(s\) still accept IMDSv1/);
    const before = await groupInstances('fleet');

    const result = await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId });

    expect(result).toMatchObject({ status: 'Success' });
    expect(result.path).toEqual(['StartReplacingImdsV1Instances', 'ChooseAfterStart', 'WaitBeforeCheck', 'CheckRefresh', 'ChooseAfterCheck', 'WaitBeforeCheck', 'CheckRefresh', 'ChooseAfterCheck', 'VerifyNoInstanceAcceptsImdsV1']);
    expect(refreshStandIn.started).toEqual([{ AutoScalingGroupName: 'fleet', Preferences: { MinHealthyPercentage: 90, InstanceWarmup: 300, SkipMatching: false, StandbyInstances: 'Ignore' } }]);
    const start = JSON.parse(String(result.outputs['StartReplacingImdsV1Instances.Payload']));
    expect(start.InstancesAcceptingImdsV1.map((i: { InstanceId: string }) => i.InstanceId).sort()).toEqual([...before].sort());
    expect(refreshStandIn.replacedBy(start.InstanceRefreshId)).toHaveLength(2);
    expect(JSON.parse(String(result.outputs['VerifyNoInstanceAcceptsImdsV1.Payload']))).toMatchObject({ Phase: 'Verified', RefreshStatus: 'Successful', InstancesChecked: 2 });
    expect((await evaluateItem(rules.group, await autoScalingGroupItem(autoscaling, 'fleet'))).ComplianceType).toBe('COMPLIANT');
  });

  test('an instance switched to optional by hand (it still matches its template version) is replaced, not skipped', async () => {
    const ltId = await fleet('hand', { HttpTokens: 'required' });
    const item = await autoScalingGroupItem(autoscaling, 'hand');
    // First run: moto launched the group's instances with default options (IMDSv1); the refresh replaces them from v1.
    expect((await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId })).status).toBe('Success');
    const [victim] = await groupInstances('hand');
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: victim, HttpTokens: 'optional', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 }));
    expect((await evaluateItem(rules.group, await autoScalingGroupItem(autoscaling, 'hand'))).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId });

    expect(result.status).toBe('Success');
    const start = JSON.parse(String(result.outputs['StartReplacingImdsV1Instances.Payload']));
    expect(start.InstancesAcceptingImdsV1).toEqual([{ InstanceId: victim, Where: 'InService', LifecycleState: 'InService' }]);
    expect(refreshStandIn.replacedBy(start.InstanceRefreshId)).toContain(victim);
    expect(await groupInstances('hand')).not.toContain(victim);
    expect((await evaluateItem(rules.group, await autoScalingGroupItem(autoscaling, 'hand'))).ComplianceType).toBe('COMPLIANT');
    expect(ltId).toMatch(/^lt-/);
  });

  test('nothing accepts IMDSv1: no refresh is started, and the execution succeeds', async () => {
    await fleet('clean', { HttpTokens: 'required' }, 1);
    const item = await autoScalingGroupItem(autoscaling, 'clean');
    expect((await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId })).status).toBe('Success');
    refreshStandIn.started.length = 0;
    const again = await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId });
    expect(again.status).toBe('Success');
    expect(again.path).toEqual(['StartReplacingImdsV1Instances', 'ChooseAfterStart', 'VerifyNoInstanceAcceptsImdsV1']);
    expect(refreshStandIn.started).toEqual([]);
  });

  test('a refresh that fails leaves IMDSv1 instances: the execution fails, naming the status and the instances left (partial success told)', async () => {
    await fleet('web', { HttpTokens: 'required' }, 1);
    const item = await autoScalingGroupItem(autoscaling, 'web');
    refreshStandIn.failNextRefresh('Instances failed to pass health checks');

    const result = await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId });

    expect(result).toMatchObject({ status: 'Failed', failedStep: 'CheckRefresh' });
    expect(result.failureMessage).toMatch(/Partial: instance refresh .* of web ended Failed \(Instances failed to pass health checks\); 1 of 1 instances still accept IMDSv1: i-[0-9a-f]+ \(InService\)/);
  });

  test('a group already refreshing makes the first step fail with InstanceRefreshInProgress', async () => {
    await fleet('busy', { HttpTokens: 'required' }, 1);
    const item = await autoScalingGroupItem(autoscaling, 'busy');
    await refreshStandIn.refreshApi().start({ AutoScalingGroupName: 'busy' });

    const result = await run('imdsv2-auto-scaling-group', { AutoScalingGroupArn: item.resourceId });

    expect(result).toMatchObject({ status: 'Failed', failedStep: 'StartReplacingImdsV1Instances' });
    expect(result.failureMessage).toMatch(/already refreshing \(InstanceRefreshInProgress\)/);
  });

  test('a group that does not exist stops at the first step, saying so', async () => {
    const result = await run('imdsv2-auto-scaling-group', {
      AutoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:37a9d14a-6bf2-4b3f-9cea-b8a440e9b183:autoScalingGroupName/ghost',
    });
    expect(result).toMatchObject({ status: 'Failed', failedStep: 'StartReplacingImdsV1Instances' });
    expect(result.failureMessage).toMatch(/Auto Scaling group ghost does not exist/);
  });
});

// ---- imdsv2-account-defaults ------------------------------------------------------------------

describe('imdsv2-account-defaults (Get/ModifyInstanceMetadataDefaults answered by the harness front)', () => {
  test('NON_COMPLIANT → document → COMPLIANT; the default hop limit survives and only HttpTokens is sent', async () => {
    front.ec2.setAccountDefaults(REGION, { httpTokens: 'optional', httpPutResponseHopLimit: 2 });
    expect((await verdict(rules.account, scheduledEvent())).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-account-defaults', {});

    expect(result.status).toBe('Success');
    expect(result.path).toEqual(['RequireImdsV2ByDefault', 'ChooseHopLimit', 'ChooseEnforcement', 'VerifyDefaultRequiresImdsV2']);
    expect(front.ec2.modifications.map((m) => m.params)).toEqual([{ HttpTokens: 'required' }]);
    expect(front.ec2.accountDefaults(REGION)).toEqual({ httpTokens: 'required', httpPutResponseHopLimit: 2 });
    expect((await verdict(rules.account, scheduledEvent())).ComplianceType).toBe('COMPLIANT');
  });

  test('the hop limit and enforcement parameters: requireEnforcement rule goes NON_COMPLIANT → COMPLIANT', async () => {
    const params = { ruleParameters: { requireEnforcement: true } };
    expect((await verdict(rules.account, scheduledEvent(params))).ComplianceType).toBe('NON_COMPLIANT');

    const result = await run('imdsv2-account-defaults', { HttpPutResponseHopLimit: 1, EnforceImdsV2: true });

    expect(result.status).toBe('Success');
    expect(front.ec2.modifications.map((m) => m.params)).toEqual([{ HttpTokens: 'required' }, { HttpPutResponseHopLimit: '1' }, { HttpTokensEnforced: 'enabled' }]);
    expect(front.ec2.accountDefaults(REGION)).toEqual({ httpTokens: 'required', httpPutResponseHopLimit: 1, httpTokensEnforced: 'enabled' });
    expect((await verdict(rules.account, scheduledEvent(params))).ComplianceType).toBe('COMPLIANT');
  });

  test('defaults an organization declarative policy manages cannot be changed: the first step fails with the policy message', async () => {
    front.ec2.setAccountDefaults(REGION, { httpTokens: 'optional', managedBy: 'declarative-policy', managedExceptionMessage: 'Ask the platform team' });
    const result = await run('imdsv2-account-defaults', {});
    expect(result).toMatchObject({ status: 'Failed', failedStep: 'RequireImdsV2ByDefault' });
    expect(result.failureMessage).toMatch(/UnauthorizedOperation: Ask the platform team/);
  });
});
