import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';

/**
 * Builds AWS Config rule invocations from the emulator's current state, shaped as Config sends
 * them: `invokingEvent` and `ruleParameters` as JSON strings, a configuration item per change with
 * the per-type casing Config uses (camelCase for instances and Auto Scaling, PascalCase for launch
 * templates, whose item carries version numbers as strings), and ARNs as Auto Scaling resource ids.
 */

export interface RuleInvocation {
  readonly ruleId: string;
  /** What the line in the report says: `i-0abc (payments-api-1)`, `sweep`. */
  readonly label: string;
  readonly kind: 'change' | 'sweep';
  readonly event: Record<string, unknown>;
}

/** PascalCase SDK output → the camelCase Config records (`InstanceId` → `instanceId`); dates as ISO strings. */
export function camelCase(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(camelCase);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelCase(v)]));
  }
  return value;
}

function tagMap(list: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
}

export interface EventContext {
  readonly accountId: string;
  readonly region: string;
  readonly now: Date;
}

function invocation(ctx: EventContext, ruleId: string, invokingEvent: object, parameters: Record<string, string>) {
  const ruleHash = Buffer.from(ruleId).toString('hex').slice(0, 6);
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ruleParameters: JSON.stringify(parameters),
    // A real-looking token: not TESTMODE, so PutEvaluations is sent for the record.
    resultToken: `demo-${randomUUID()}`,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${ctx.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:${ctx.region}:${ctx.accountId}:config-rule/config-rule-${ruleHash}`,
    configRuleName: ruleId,
    configRuleId: `config-rule-${ruleHash}`,
    accountId: ctx.accountId,
    evaluationMode: 'DETECTIVE',
  };
}

function changeEvent(
  ctx: EventContext,
  ruleId: string,
  parameters: Record<string, string>,
  item: { resourceType: string; resourceId: string; resourceName?: string; arn?: string; configuration: unknown; tags: Record<string, string>; created?: Date },
) {
  return invocation(
    ctx,
    ruleId,
    {
      configurationItemDiff: null,
      configurationItem: {
        relatedEvents: [],
        relationships: [],
        configuration: item.configuration,
        supplementaryConfiguration: {},
        tags: item.tags,
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: ctx.now.toISOString(),
        configurationStateId: ctx.now.getTime(),
        awsAccountId: ctx.accountId,
        configurationItemStatus: 'OK',
        resourceType: item.resourceType,
        resourceId: item.resourceId,
        resourceName: item.resourceName ?? null,
        ARN: item.arn ?? null,
        awsRegion: ctx.region,
        availabilityZone: 'Multiple Availability Zones',
        configurationStateMd5Hash: '',
        resourceCreationTime: (item.created ?? ctx.now).toISOString(),
      },
      notificationCreationTime: ctx.now.toISOString(),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    parameters,
  );
}

/** The periodic trigger: no item, the rule sweeps every resource of its type itself. */
export function sweepEvent(ctx: EventContext, ruleId: string, parameters: Record<string, string>): RuleInvocation {
  return {
    ruleId,
    label: 'periodic sweep',
    kind: 'sweep',
    event: invocation(ctx, ruleId, { awsAccountId: ctx.accountId, notificationCreationTime: ctx.now.toISOString(), messageType: 'ScheduledNotification', recordVersion: '1.0' }, parameters),
  };
}

export async function instanceChange(ec2: EC2Client, ctx: EventContext, parameters: Record<string, string>, instanceId: string): Promise<RuleInvocation> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const i = out.Reservations?.[0]?.Instances?.[0];
  if (!i) throw new Error(`instance ${instanceId} not found in the emulator`);
  const tags = tagMap(i.Tags);
  return {
    ruleId: 'imdsv2-instance',
    label: `${instanceId}${tags.Name ? ` (${tags.Name})` : ''}`,
    kind: 'change',
    event: changeEvent(ctx, 'imdsv2-instance', parameters, {
      resourceType: 'AWS::EC2::Instance',
      resourceId: instanceId,
      arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${instanceId}`,
      configuration: camelCase(i),
      tags,
      created: i.LaunchTime,
    }),
  };
}

export async function launchTemplateChange(ec2: EC2Client, ctx: EventContext, parameters: Record<string, string>, templateId: string): Promise<RuleInvocation> {
  const t = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] }))).LaunchTemplates?.[0];
  if (!t) throw new Error(`launch template ${templateId} not found in the emulator`);
  const v = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: ['$Default'] }))).LaunchTemplateVersions?.[0];
  return {
    ruleId: 'imdsv2-launch-template',
    label: `${templateId} (${t.LaunchTemplateName})`,
    kind: 'change',
    event: changeEvent(ctx, 'imdsv2-launch-template', parameters, {
      resourceType: 'AWS::EC2::LaunchTemplate',
      resourceId: templateId,
      resourceName: t.LaunchTemplateName,
      arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:launch-template/${templateId}`,
      // This type's item is PascalCase, with the version numbers as strings.
      configuration: {
        Id: templateId,
        LaunchTemplateName: t.LaunchTemplateName,
        DefaultVersionNumber: String(t.DefaultVersionNumber),
        LatestVersionNumber: String(t.LatestVersionNumber),
        LaunchTemplateData: JSON.parse(JSON.stringify(v?.LaunchTemplateData ?? {})),
        Tags: t.Tags ?? [],
      },
      tags: tagMap(t.Tags),
      created: t.CreateTime,
    }),
  };
}

export async function launchConfigurationChange(asg: AutoScalingClient, ctx: EventContext, parameters: Record<string, string>, name: string): Promise<RuleInvocation> {
  const lc = (await asg.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }))).LaunchConfigurations?.[0];
  if (!lc?.LaunchConfigurationARN) throw new Error(`launch configuration ${name} not found in the emulator`);
  return {
    ruleId: 'imdsv2-launch-configuration',
    label: name,
    kind: 'change',
    event: changeEvent(ctx, 'imdsv2-launch-configuration', parameters, {
      resourceType: 'AWS::AutoScaling::LaunchConfiguration',
      resourceId: lc.LaunchConfigurationARN,
      resourceName: name,
      arn: lc.LaunchConfigurationARN,
      configuration: camelCase(lc),
      tags: {},
      created: lc.CreatedTime,
    }),
  };
}

export async function groupChange(asg: AutoScalingClient, ctx: EventContext, parameters: Record<string, string>, name: string): Promise<RuleInvocation> {
  const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  if (!g?.AutoScalingGroupARN) throw new Error(`Auto Scaling group ${name} not found in the emulator`);
  return {
    ruleId: 'imdsv2-auto-scaling-group',
    label: name,
    kind: 'change',
    event: changeEvent(ctx, 'imdsv2-auto-scaling-group', parameters, {
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      resourceId: g.AutoScalingGroupARN,
      resourceName: name,
      arn: g.AutoScalingGroupARN,
      configuration: camelCase(g),
      tags: tagMap(g.Tags),
      created: g.CreatedTime,
    }),
  };
}
