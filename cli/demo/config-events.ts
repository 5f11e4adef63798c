import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  autoScalingGroupItem,
  changeEvent,
  instanceItem,
  launchConfigurationItem,
  launchTemplateItem,
  scheduledEvent,
  type ConfigRuleEvent,
  type ConfigurationItem,
} from '../local/aws';

/**
 * The demo's rule invocations, built from the emulator's current state by the local AWS's Config
 * events (cli/local/aws/config-events.ts, shaped as Config sends them: `invokingEvent` and
 * `ruleParameters` as JSON strings, a non-TESTMODE result token, the per-type item casing), each
 * with the label the report prints.
 */

export interface RuleInvocation {
  readonly ruleId: string;
  /** What the line in the report says: `i-0abc (payments-api-1)`, `sweep`. */
  readonly label: string;
  readonly kind: 'change' | 'sweep';
  readonly event: ConfigRuleEvent;
}

export interface EventContext {
  readonly accountId: string;
  readonly region: string;
  readonly now: Date;
}

/** The rule is deployed under its id; Config stamps the notification with the demo's clock. */
const envelope = (ctx: EventContext, ruleId: string, parameters: Record<string, string>) => ({
  ruleName: ruleId,
  ruleParameters: parameters,
  notificationCreationTime: ctx.now,
});

function change(ctx: EventContext, ruleId: string, parameters: Record<string, string>, label: string, item: ConfigurationItem): RuleInvocation {
  return { ruleId, label, kind: 'change', event: changeEvent({ ...envelope(ctx, ruleId, parameters), configurationItem: item }) };
}

/** The periodic trigger: no item, the rule sweeps every resource of its type itself. */
export function sweepEvent(ctx: EventContext, ruleId: string, parameters: Record<string, string>): RuleInvocation {
  const event = scheduledEvent({ ...envelope(ctx, ruleId, parameters), accountId: ctx.accountId, region: ctx.region });
  return { ruleId, label: 'periodic sweep', kind: 'sweep', event };
}

export async function instanceChange(ec2: EC2Client, ctx: EventContext, parameters: Record<string, string>, instanceId: string): Promise<RuleInvocation> {
  const item = await instanceItem(ec2, instanceId, { captureTime: ctx.now, accountId: ctx.accountId });
  const name = item.tags.Name;
  return change(ctx, 'imdsv2-instance', parameters, `${instanceId}${name ? ` (${name})` : ''}`, item);
}

export async function launchTemplateChange(ec2: EC2Client, ctx: EventContext, parameters: Record<string, string>, templateId: string): Promise<RuleInvocation> {
  const item = await launchTemplateItem(ec2, templateId, { captureTime: ctx.now, accountId: ctx.accountId });
  return change(ctx, 'imdsv2-launch-template', parameters, `${templateId} (${item.resourceName})`, item);
}

export async function launchConfigurationChange(asg: AutoScalingClient, ctx: EventContext, parameters: Record<string, string>, name: string): Promise<RuleInvocation> {
  const item = await launchConfigurationItem(asg, name, { captureTime: ctx.now, accountId: ctx.accountId });
  return change(ctx, 'imdsv2-launch-configuration', parameters, name, item);
}

export async function groupChange(asg: AutoScalingClient, ctx: EventContext, parameters: Record<string, string>, name: string): Promise<RuleInvocation> {
  const item = await autoScalingGroupItem(asg, name, { captureTime: ctx.now, accountId: ctx.accountId });
  return change(ctx, 'imdsv2-auto-scaling-group', parameters, name, item);
}
