import { createHash, randomBytes } from 'node:crypto';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DEFAULT_RULE_NAME } from './config-stand-in';

/**
 * AWS Config's side of the local AWS: the Lambda events and configuration items Config would send
 * for the resources in moto (which has no Config rules to invoke). The demo, the integration tests
 * and the bench build their rule invocations here. Shaped exactly as Config sends them:
 * `invokingEvent` and `ruleParameters` are JSON strings; items are built from moto state through
 * the SDK, converted the way Config records each resource type (camelCase for instances, launch
 * configurations and groups; PascalCase, with string version numbers, for launch templates).
 */

export const DEFAULT_ACCOUNT_ID = '123456789012'; // moto's default account
export const DEFAULT_REGION = 'us-east-1';

export type ConfigurationItemStatus =
  | 'OK'
  | 'ResourceDiscovered'
  | 'ResourceNotRecorded'
  | 'ResourceDeleted'
  | 'ResourceDeletedNotRecorded';

export interface ConfigurationItem {
  readonly configurationItemVersion: '1.3';
  readonly configurationItemCaptureTime: string;
  readonly configurationStateId: number;
  readonly configurationStateMd5Hash: string;
  readonly awsAccountId: string;
  readonly configurationItemStatus: ConfigurationItemStatus;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName: string | null;
  readonly ARN: string;
  readonly awsRegion: string;
  readonly availabilityZone: string;
  readonly resourceCreationTime: string | null;
  /** Item-level tags are a map; `configuration.tags` (instances) is a list of `{key, value}`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly relatedEvents: readonly string[];
  readonly relationships: readonly unknown[];
  /** null for deleted resources. */
  readonly configuration: Record<string, unknown> | null;
  readonly supplementaryConfiguration: Readonly<Record<string, unknown>>;
}

/** The event a Config custom Lambda rule receives. */
export interface ConfigRuleEvent {
  readonly version: '1.0';
  /** JSON string. */
  readonly invokingEvent: string;
  /** JSON string; absent when the rule has no input parameters. */
  readonly ruleParameters?: string;
  readonly resultToken: string;
  readonly eventLeftScope: boolean;
  readonly executionRoleArn: string;
  readonly configRuleArn: string;
  readonly configRuleName: string;
  readonly configRuleId: string;
  readonly accountId: string;
}

export interface EventOptions {
  /** An object is serialised; a string is passed as is (to test malformed input); omitted when undefined. */
  readonly ruleParameters?: Record<string, unknown> | string;
  /** @default a random, non-TESTMODE token (pass 'TESTMODE' for test mode) */
  readonly resultToken?: string;
  /** @default DEFAULT_RULE_NAME, the front's default too */
  readonly ruleName?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** @default now */
  readonly notificationCreationTime?: string | Date;
}

/** A result token like Config's: long, opaque, and never TESTMODE. */
export function randomResultToken(): string {
  return randomBytes(48).toString('base64');
}

function envelope(invokingEvent: object, options: EventOptions & { eventLeftScope?: boolean }): ConfigRuleEvent {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const ruleName = options.ruleName ?? DEFAULT_RULE_NAME;
  const configRuleId = `config-rule-${createHash('sha256').update(ruleName).digest('hex').slice(0, 6)}`;
  const { ruleParameters } = options;
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ...(ruleParameters === undefined
      ? {}
      : { ruleParameters: typeof ruleParameters === 'string' ? ruleParameters : JSON.stringify(ruleParameters) }),
    resultToken: options.resultToken ?? randomResultToken(),
    eventLeftScope: options.eventLeftScope ?? false,
    executionRoleArn: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:${region}:${accountId}:config-rule/${configRuleId}`,
    configRuleName: ruleName,
    configRuleId,
    accountId,
  };
}

const iso = (time: string | Date | undefined): string =>
  time === undefined ? new Date().toISOString() : typeof time === 'string' ? time : time.toISOString();

/** ConfigurationItemChangeNotification for one item. */
export function changeEvent(
  options: Omit<EventOptions, 'accountId' | 'region'> & {
    readonly configurationItem: ConfigurationItem;
    readonly eventLeftScope?: boolean;
  },
): ConfigRuleEvent {
  const item = options.configurationItem;
  return envelope(
    {
      configurationItemDiff: null,
      configurationItem: item,
      notificationCreationTime: iso(options.notificationCreationTime),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    { ...options, accountId: item.awsAccountId, region: item.awsRegion },
  );
}

/** OversizedConfigurationItemChangeNotification: only a summary; the rule must fetch the item. */
export function oversizedEvent(
  options: EventOptions & {
    readonly resourceType: string;
    readonly resourceId: string;
    readonly resourceName?: string;
    readonly captureTime: string | Date;
    readonly status: ConfigurationItemStatus;
    readonly arn?: string;
    readonly eventLeftScope?: boolean;
  },
): ConfigRuleEvent {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const deleted = options.status === 'ResourceDeleted' || options.status === 'ResourceDeletedNotRecorded';
  return envelope(
    {
      configurationItemSummary: {
        changeType: deleted ? 'DELETE' : 'UPDATE',
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: iso(options.captureTime),
        configurationStateId: Date.now(),
        awsAccountId: accountId,
        configurationItemStatus: options.status,
        resourceType: options.resourceType,
        resourceId: options.resourceId,
        resourceName: options.resourceName ?? null,
        ARN: options.arn ?? `arn:aws:config:${region}:${accountId}:resource/${options.resourceId}`,
        awsRegion: region,
        availabilityZone: 'Not Applicable',
        configurationStateMd5Hash: '',
        resourceCreationTime: null,
      },
      s3DeliverySummary: { s3BucketLocation: `config-bucket-${accountId}/AWSLogs/${accountId}/Config/${region}` },
      notificationCreationTime: iso(options.notificationCreationTime),
      messageType: 'OversizedConfigurationItemChangeNotification',
      recordVersion: '1.0',
    },
    options,
  );
}

/** ScheduledNotification: a periodic run, no item. */
export function scheduledEvent(options: EventOptions = {}): ConfigRuleEvent {
  return envelope(
    {
      awsAccountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
      notificationCreationTime: iso(options.notificationCreationTime),
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    },
    options,
  );
}

export interface ItemOptions {
  /** @default 'OK'. A deleted status also nulls `configuration`, as Config does. */
  readonly status?: ConfigurationItemStatus;
  /** @default now */
  readonly captureTime?: string | Date;
  /** @default from the resource (owner or ARN), else moto's default account */
  readonly accountId?: string;
}

/** The item as Config sends it once the resource is gone: same identity, no configuration. */
export function asDeleted(item: ConfigurationItem, status: ConfigurationItemStatus = 'ResourceDeleted'): ConfigurationItem {
  return { ...item, configurationItemStatus: status, configuration: null, tags: {}, relationships: [] };
}

/**
 * SDK output → Config's camelCase `configuration`: keys lose their leading capital
 * (`LaunchConfigurationARN` → `launchConfigurationARN`), dates become ISO strings.
 */
export function camelize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(camelize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelize(v)]),
    );
  }
  return value;
}

/** SDK output → plain JSON (dates as ISO strings), keeping the SDK's PascalCase keys. */
function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

function tagMap(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
}

function accountFromArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

function item(
  fields: Pick<ConfigurationItem, 'resourceType' | 'resourceId' | 'resourceName' | 'ARN' | 'awsRegion' | 'availabilityZone' | 'tags'> & {
    readonly awsAccountId: string;
    readonly resourceCreationTime?: Date;
    readonly configuration: Record<string, unknown>;
  },
  options: ItemOptions,
): ConfigurationItem {
  const built: ConfigurationItem = {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: iso(options.captureTime),
    configurationStateId: Date.now(),
    configurationStateMd5Hash: '',
    awsAccountId: options.accountId ?? fields.awsAccountId,
    configurationItemStatus: 'OK',
    resourceType: fields.resourceType,
    resourceId: fields.resourceId,
    resourceName: fields.resourceName,
    ARN: fields.ARN,
    awsRegion: fields.awsRegion,
    availabilityZone: fields.availabilityZone,
    resourceCreationTime: fields.resourceCreationTime?.toISOString() ?? null,
    tags: fields.tags,
    relatedEvents: [],
    relationships: [],
    configuration: fields.configuration,
    supplementaryConfiguration: {},
  };
  const status = options.status ?? 'OK';
  if (status === 'ResourceDeleted' || status === 'ResourceDeletedNotRecorded') return asDeleted(built, status);
  return { ...built, configurationItemStatus: status };
}

/** AWS::EC2::Instance: camelCase DescribeInstances output; resourceId is the instance id. */
export async function instanceItem(ec2: EC2Client, instanceId: string, options: ItemOptions = {}): Promise<ConfigurationItem> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const reservation = out.Reservations?.find((r) => r.Instances?.some((i) => i.InstanceId === instanceId));
  const instance = reservation?.Instances?.find((i) => i.InstanceId === instanceId);
  if (!instance) throw new Error(`instance ${instanceId} not found`);
  const region = await ec2.config.region();
  const accountId = options.accountId ?? reservation?.OwnerId ?? DEFAULT_ACCOUNT_ID;
  return item(
    {
      resourceType: 'AWS::EC2::Instance',
      resourceId: instanceId,
      resourceName: null,
      ARN: `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`,
      awsRegion: region,
      awsAccountId: accountId,
      availabilityZone: instance.Placement?.AvailabilityZone ?? 'Not Applicable',
      resourceCreationTime: instance.LaunchTime,
      tags: tagMap(instance.Tags),
      configuration: camelize(instance) as Record<string, unknown>,
    },
    options,
  );
}

/**
 * AWS::EC2::LaunchTemplate: PascalCase, version numbers as strings. Which version's data an item
 * shows is not guaranteed in AWS; `dataVersion` picks it (default `$Default`) so tests can make the
 * item disagree with the real default version.
 */
export async function launchTemplateItem(
  ec2: EC2Client,
  launchTemplateId: string,
  options: ItemOptions & { readonly dataVersion?: string } = {},
): Promise<ConfigurationItem> {
  const described = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [launchTemplateId] }));
  const template = described.LaunchTemplates?.[0];
  if (!template) throw new Error(`launch template ${launchTemplateId} not found`);
  const versions = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: [options.dataVersion ?? '$Default'] }),
  );
  const region = await ec2.config.region();
  const accountId = options.accountId ?? accountFromArn(template.CreatedBy) ?? DEFAULT_ACCOUNT_ID;
  return item(
    {
      resourceType: 'AWS::EC2::LaunchTemplate',
      resourceId: launchTemplateId,
      resourceName: template.LaunchTemplateName ?? null,
      ARN: `arn:aws:ec2:${region}:${accountId}:launch-template/${launchTemplateId}`,
      awsRegion: region,
      awsAccountId: accountId,
      availabilityZone: 'Regional',
      resourceCreationTime: template.CreateTime,
      tags: tagMap(template.Tags),
      configuration: {
        Id: launchTemplateId,
        LaunchTemplateName: template.LaunchTemplateName,
        DefaultVersionNumber: String(template.DefaultVersionNumber),
        LatestVersionNumber: String(template.LatestVersionNumber),
        LaunchTemplateData: plainJson(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData ?? {}),
        Tags: plainJson(template.Tags ?? []),
      },
    },
    options,
  );
}

/** AWS::AutoScaling::LaunchConfiguration: camelCase; resourceId is the ARN, resourceName the name. */
export async function launchConfigurationItem(
  autoscaling: AutoScalingClient,
  name: string,
  options: ItemOptions = {},
): Promise<ConfigurationItem> {
  const out = await autoscaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
  const lc = out.LaunchConfigurations?.[0];
  if (!lc?.LaunchConfigurationARN) throw new Error(`launch configuration ${name} not found`);
  const region = await autoscaling.config.region();
  return item(
    {
      resourceType: 'AWS::AutoScaling::LaunchConfiguration',
      resourceId: lc.LaunchConfigurationARN,
      resourceName: name,
      ARN: lc.LaunchConfigurationARN,
      awsRegion: region,
      awsAccountId: accountFromArn(lc.LaunchConfigurationARN) ?? DEFAULT_ACCOUNT_ID,
      availabilityZone: 'Regional',
      resourceCreationTime: lc.CreatedTime,
      tags: {},
      configuration: camelize(lc) as Record<string, unknown>,
    },
    options,
  );
}

/**
 * AWS::AutoScaling::AutoScalingGroup: camelCase (launchConfigurationName | launchTemplate |
 * mixedInstancesPolicy, instances, tags); resourceId is the ARN, resourceName the name.
 */
export async function autoScalingGroupItem(
  autoscaling: AutoScalingClient,
  name: string,
  options: ItemOptions = {},
): Promise<ConfigurationItem> {
  const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = out.AutoScalingGroups?.[0];
  if (!group?.AutoScalingGroupARN) throw new Error(`auto scaling group ${name} not found`);
  const region = await autoscaling.config.region();
  return item(
    {
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      resourceId: group.AutoScalingGroupARN,
      resourceName: name,
      ARN: group.AutoScalingGroupARN,
      awsRegion: region,
      awsAccountId: accountFromArn(group.AutoScalingGroupARN) ?? DEFAULT_ACCOUNT_ID,
      availabilityZone: 'Multiple Availability Zones',
      resourceCreationTime: group.CreatedTime,
      tags: tagMap(group.Tags),
      configuration: camelize(group) as Record<string, unknown>,
    },
    options,
  );
}
