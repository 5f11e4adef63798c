import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  type ConfigurationItem as SdkConfigurationItem,
  type Evaluation as SdkEvaluation,
  type PutEvaluationsCommandInput,
} from '@aws-sdk/client-config-service';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  GetInstanceMetadataDefaultsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { createClients, type Clients } from '../../lambda/kit/clients';
import type { RuleHandler } from '../../lambda/kit/create-handler';
import type { KitLogger } from '../../lambda/kit/logger';
import type { RunDependencies } from '../../lambda/kit/run-rule';
import * as accountDefaults from '../../lambda/rules/imdsv2-account-defaults/handler';
import * as autoScalingGroup from '../../lambda/rules/imdsv2-auto-scaling-group/handler';
import * as instance from '../../lambda/rules/imdsv2-instance/handler';
import * as launchConfiguration from '../../lambda/rules/imdsv2-launch-configuration/handler';
import * as launchTemplate from '../../lambda/rules/imdsv2-launch-template/handler';

/** Shared helpers for the kit tests: fixtures, mocked SDK clients, a capturing logger. */

const FIXTURES = join(__dirname, '..', 'fixtures');

/** A raw Lambda event as AWS Config sends it (JSON strings inside). */
export type RawEvent = Record<string, unknown>;

/** Parsed JSON the tests reach into freely; `any` keeps the mutations short. */
export type Json = any;

/** A fresh copy of a fixture file (tests may mutate it). */
export function fixture(name: string): RawEvent {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as RawEvent;
}

/** The parsed invokingEvent of an event. */
export function invoking(event: RawEvent): Json {
  return JSON.parse(event.invokingEvent as string);
}

/** A copy of `event` whose invokingEvent (parsed) has been changed by `mutate`. */
export function withInvoking(event: RawEvent, mutate: (inv: Json) => void): RawEvent {
  const inv = invoking(event);
  mutate(inv);
  return { ...event, invokingEvent: JSON.stringify(inv) };
}

/** A copy of `event` whose configurationItem (or configurationItemSummary) has been changed by `mutate`. */
export function withItem(event: RawEvent, mutate: (item: Json) => void): RawEvent {
  return withInvoking(event, (inv) => mutate(inv.configurationItem ?? inv.configurationItemSummary));
}

export function withParameters(event: RawEvent, params: Record<string, unknown>): RawEvent {
  return { ...event, ruleParameters: JSON.stringify(params) };
}

export const ACCOUNT = '123456789012';
export const CAPTURE_TIME = new Date('2024-05-14T09:12:44.318Z');
export const SCHEDULED_TIME = new Date('2024-05-14T12:00:03.112Z');
export const NOW = new Date('2024-05-14T12:00:05.000Z');

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra?: Record<string, unknown>;
}

/** A KitLogger that keeps every line. */
export class CapturingLogger implements KitLogger {
  readonly lines: LogLine[] = [];
  info(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, extra });
  }
  messages(message: string): LogLine[] {
    return this.lines.filter((l) => l.message === message);
  }
}

/** An error shaped like the SDK's service exceptions (`name` is the AWS error code). */
export function awsError(name: string, message = `${name} (mocked)`): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export interface Harness {
  readonly clients: Clients;
  readonly config: AwsClientStub<ConfigServiceClient>;
  readonly ec2: AwsClientStub<EC2Client>;
  readonly autoscaling: AwsClientStub<AutoScalingClient>;
  readonly logger: CapturingLogger;
  readonly deps: RunDependencies;
  /** Inputs of every PutEvaluations call, in order. */
  putInputs(): PutEvaluationsCommandInput[];
  /** Every evaluation sent, across calls. */
  sent(): SdkEvaluation[];
  /** SDK calls other than PutEvaluations, as `Operation` names. */
  reads(): string[];
}

/**
 * Real SDK clients (region us-east-1, dummy credentials) with `send` mocked: nothing reaches the
 * network. PutEvaluations records everything by default.
 */
export function harness(overrides: Partial<RunDependencies> = {}): Harness {
  const clients = createClients({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const config = mockClient(clients.config);
  const ec2 = mockClient(clients.ec2);
  const autoscaling = mockClient(clients.autoscaling);
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  const logger = new CapturingLogger();
  const deps: RunDependencies = { clients, logger, resendDelayMs: 0, now: () => NOW, ...overrides };
  const putInputs = () => config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
  const name = (command: object) => command.constructor.name.replace(/Command$/, '');
  return {
    clients,
    config,
    ec2,
    autoscaling,
    logger,
    deps,
    putInputs,
    sent: () => putInputs().flatMap((i) => i.Evaluations ?? []),
    reads: () =>
      [...config.calls(), ...ec2.calls(), ...autoscaling.calls()]
        .map((c) => name(c.args[0] as object))
        .filter((n) => n !== 'PutEvaluations'),
  };
}

// --- Mocked AWS answers ----------------------------------------------------------------------------

export const INSTANCE_ID = 'i-0a1b2c3d4e5f60718';
export const LT_ID = 'lt-0f1e2d3c4b5a69788';
export const LC_ARN =
  'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:7c4f1b2e-1d7a-4a41-9c2e-3f6a0b9d8e11:launchConfigurationName/web-lc-v1';
export const ASG_ARN =
  'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:4e9a6d1c-2b3f-4c5d-8e7f-9a0b1c2d3e4f:autoScalingGroupName/web-asg';

export const REQUIRED = { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled', State: 'applied' } as const;
export const OPTIONAL = { HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled', State: 'applied' } as const;

export function ec2Instance(id: string, options: object = REQUIRED) {
  return { InstanceId: id, State: { Code: 16, Name: 'running' as const }, MetadataOptions: options, Tags: [{ Key: 'Name', Value: id }] };
}

/** A launch template version; `options` null means the version sets no MetadataOptions. */
export function templateVersion(id: string, version: number, options: object | null = REQUIRED, isDefault = false) {
  return {
    LaunchTemplateId: id,
    LaunchTemplateName: `name-of-${id}`,
    VersionNumber: version,
    DefaultVersion: isDefault,
    LaunchTemplateData: { ImageId: 'ami-0c7217cdde317cfec', ...(options ? { MetadataOptions: options } : {}) },
  };
}

/** A launch configuration; `options` null means it sets no MetadataOptions. */
export function launchConfigurationRecord(name: string, options: object | null = { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' }) {
  return {
    LaunchConfigurationName: name,
    LaunchConfigurationARN: `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:0000:launchConfigurationName/${name}`,
    ImageId: 'ami-0c7217cdde317cfec',
    InstanceType: 't3.micro',
    CreatedTime: new Date('2024-05-02T17:40:21.000Z'),
    ...(options ? { MetadataOptions: options } : {}),
  };
}

export function autoScalingGroupRecord(name: string, arn: string, source: object, instanceIds: string[] = []) {
  return {
    AutoScalingGroupName: name,
    AutoScalingGroupARN: arn,
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: instanceIds.length,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date('2024-05-02T17:40:21.000Z'),
    Instances: instanceIds.map((id) => ({
      InstanceId: id,
      AvailabilityZone: 'us-east-1a',
      LifecycleState: 'InService' as const,
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false,
    })),
    Tags: [],
    ...source,
  };
}

/** The GetResourceConfigHistory item of the instance fixture, with the capture time as the SDK returns it (a Date). */
export function historyItem(overrides: Partial<SdkConfigurationItem> = {}): SdkConfigurationItem {
  const raw = JSON.parse(readFileSync(join(FIXTURES, 'instance-history-item.json'), 'utf8'));
  return { ...raw, configurationItemCaptureTime: new Date(raw.configurationItemCaptureTime), ...overrides };
}

/**
 * Makes every read a rule may do answer as if the resource exists and requires IMDSv2, so an event
 * that wrongly gets through to evaluation produces a real verdict (and a test that forbids one fails).
 */
export function primeExistingResources(h: Harness): void {
  h.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem()] });
  h.ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: [ec2Instance(INSTANCE_ID), ec2Instance('i-0aaaaaaaaaaaaaaa1'), ec2Instance('i-0aaaaaaaaaaaaaaa2')] }],
  });
  h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
    LaunchTemplateVersions: [templateVersion(LT_ID, 1, REQUIRED, true), templateVersion(LT_ID, 2)],
  });
  h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'required', HttpTokensEnforced: 'enabled' } });
  h.autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [launchConfigurationRecord('web-lc-v1')] });
  h.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      autoScalingGroupRecord('web-asg', ASG_ARN, { LaunchConfigurationName: 'web-lc-v1' }, ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2']),
    ],
  });
}

// --- The rules -------------------------------------------------------------------------------------

export interface ResourceRuleCase {
  readonly id: string;
  readonly resourceType: string;
  readonly makeHandler: (deps: () => RunDependencies) => RuleHandler;
  /** An OK / ResourceDiscovered change event of the rule's type. */
  readonly change: string;
  readonly deleted: string;
  readonly scheduled: string;
  /** The resource id of the change fixture. */
  readonly resourceId: string;
}

export const RESOURCE_RULES: readonly ResourceRuleCase[] = [
  {
    id: 'imdsv2-instance',
    resourceType: 'AWS::EC2::Instance',
    makeHandler: instance.makeHandler,
    change: 'instance-change-ok.json',
    deleted: 'instance-change-deleted.json',
    scheduled: 'instance-scheduled.json',
    resourceId: INSTANCE_ID,
  },
  {
    id: 'imdsv2-launch-template',
    resourceType: 'AWS::EC2::LaunchTemplate',
    makeHandler: launchTemplate.makeHandler,
    change: 'launch-template-change-ok.json',
    deleted: 'launch-template-change-deleted.json',
    scheduled: 'launch-template-scheduled.json',
    resourceId: LT_ID,
  },
  {
    id: 'imdsv2-launch-configuration',
    resourceType: 'AWS::AutoScaling::LaunchConfiguration',
    makeHandler: launchConfiguration.makeHandler,
    change: 'launch-configuration-change-ok.json',
    deleted: 'launch-configuration-change-deleted.json',
    scheduled: 'launch-configuration-scheduled.json',
    resourceId: LC_ARN,
  },
  {
    id: 'imdsv2-auto-scaling-group',
    resourceType: 'AWS::AutoScaling::AutoScalingGroup',
    makeHandler: autoScalingGroup.makeHandler,
    change: 'auto-scaling-group-change-ok.json',
    deleted: 'auto-scaling-group-change-deleted.json',
    scheduled: 'auto-scaling-group-scheduled.json',
    resourceId: ASG_ARN,
  },
];

export const ACCOUNT_RULE = {
  id: 'imdsv2-account-defaults',
  resourceType: 'AWS::::Account',
  makeHandler: accountDefaults.makeHandler,
  scheduled: 'account-defaults-scheduled.json',
} as const;

/** A handler of `makeHandler` wired to the harness. */
export function handlerFor(rule: { makeHandler: (deps: () => RunDependencies) => RuleHandler }, h: Harness): RuleHandler {
  return rule.makeHandler(() => h.deps);
}

/** A Lambda context whose remaining time is read from `remaining` in turn (the last value repeats). */
export function lambdaContext(remaining: number[]) {
  let i = 0;
  const reads: number[] = [];
  const context = {
    getRemainingTimeInMillis: () => {
      const v = remaining[Math.min(i, remaining.length - 1)];
      i += 1;
      reads.push(v);
      return v;
    },
  };
  // Lambda's Context has many more fields; the kit reads only this one.
  return { context: context as unknown as import('aws-lambda').Context, reads };
}
