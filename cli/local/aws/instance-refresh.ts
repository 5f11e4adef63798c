import { randomUUID } from 'node:crypto';
import {
  DescribeAutoScalingGroupsCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, ModifyInstanceMetadataOptionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { StandIn } from '../automation';

/**
 * A recording stand-in for Auto Scaling's StartInstanceRefresh and DescribeInstanceRefreshes,
 * which moto 5.2.1 answers with HTTP 500. It is used by the runner in place of those two calls
 * only (and by the group refresh function, through `refreshApi`); everything it does to the fleet
 * goes to moto through the real SDK, via the front when its clients point there. `npm run demo` and the
 * remediation integration tests use it; it stands in for the emulator's gap and is no emulation of Auto Scaling.
 *
 * It models what the refresh does in AWS: on the poll after the start, every in-service
 * instance not already launched from the group's current launch template version (skip
 * matching) is terminated and replaced by the group. moto launches replacements with default
 * metadata options whatever the template says (another gap), so the stand-in then applies the
 * template version's MetadataOptions to each new instance, as EC2 would have at launch.
 *
 * Skip matching needs to know which template version an instance was launched from, and moto
 * cannot say: it reports every instance as launched from the group's *current* default version.
 * The stand-in therefore treats only the instances it launched itself (for this template and
 * version) as matching; any other instance is replaced, as AWS would replace one launched from an
 * older version.
 */

type RefreshStatus = 'Pending' | 'InProgress' | 'Successful' | 'Failed';

interface Refresh {
  readonly id: string;
  readonly group: string;
  readonly preferences: Readonly<Record<string, unknown>>;
  status: RefreshStatus;
  statusReason?: string;
  replaced: string[];
}

export interface RefreshRecord {
  readonly AutoScalingGroupName: string;
  readonly Preferences: Readonly<Record<string, unknown>>;
}

class AutoScalingError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class InstanceRefreshStandIn {
  /** Every StartInstanceRefresh accepted, in order. */
  readonly started: RefreshRecord[] = [];
  private readonly refreshes: Refresh[] = [];
  /** instance id → `<template id>:<version>` for instances this stand-in launched. */
  private readonly launchedFrom = new Map<string, string>();
  private failure: string | undefined;

  constructor(private readonly clients: { readonly ec2: EC2Client; readonly autoscaling: AutoScalingClient }) {}

  /** The same two operations as the group refresh function's RefreshApi (lambda/remediation/refresh-group). */
  refreshApi(): { start(input: object): Promise<{ InstanceRefreshId?: string }>; describe(input: object): Promise<{ InstanceRefreshes?: any[] }> } {
    return {
      start: async (input) => (await this.start(input as Record<string, unknown>)) as { InstanceRefreshId?: string },
      describe: async (input) => (await this.describe(input as Record<string, unknown>)) as { InstanceRefreshes?: any[] },
    };
  }

  /** The runner's stand-ins for the two operations. */
  handlers(): Record<string, StandIn> {
    return {
      'autoscaling:StartInstanceRefresh': (input) => this.start(input),
      'autoscaling:DescribeInstanceRefreshes': (input) => this.describe(input),
    };
  }

  /** The next refresh fails with this reason (as when replacements fail their health checks). */
  failNextRefresh(reason: string): void {
    this.failure = reason;
  }

  /** Instances replaced by the refresh with this id (old instance ids). */
  replacedBy(id: string): readonly string[] {
    return this.refreshes.find((r) => r.id === id)?.replaced ?? [];
  }

  private async group(name: string): Promise<AutoScalingGroup | undefined> {
    const out = await this.clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    return out.AutoScalingGroups?.[0];
  }

  private async start(input: Record<string, unknown>): Promise<unknown> {
    const name = String(input.AutoScalingGroupName);
    if (!(await this.group(name))) throw new AutoScalingError('ValidationError', `AutoScalingGroup name not found - ${name}`);
    if (this.refreshes.some((r) => r.group === name && (r.status === 'Pending' || r.status === 'InProgress'))) {
      throw new AutoScalingError('InstanceRefreshInProgressFault', `An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.`);
    }
    const preferences = (input.Preferences ?? {}) as Record<string, unknown>;
    const refresh: Refresh = { id: randomUUID(), group: name, preferences, status: 'Pending', replaced: [] };
    this.refreshes.push(refresh);
    this.started.push({ AutoScalingGroupName: name, Preferences: preferences });
    return { InstanceRefreshId: refresh.id };
  }

  private async describe(input: Record<string, unknown>): Promise<unknown> {
    const name = String(input.AutoScalingGroupName);
    const ids = (input.InstanceRefreshIds as string[] | undefined) ?? [];
    // Newest first, as AWS lists them; MaxRecords honoured (the group document reads the latest one).
    const max = input.MaxRecords === undefined ? Infinity : Number(input.MaxRecords);
    const selected = this.refreshes
      .filter((r) => r.group === name && (ids.length === 0 || ids.includes(r.id)))
      .reverse()
      .slice(0, max);
    for (const r of selected) await this.advance(r);
    return {
      InstanceRefreshes: selected.map((r) => ({
        InstanceRefreshId: r.id,
        AutoScalingGroupName: r.group,
        Status: r.status,
        ...(r.statusReason ? { StatusReason: r.statusReason } : {}),
        PercentageComplete: r.status === 'Successful' ? 100 : 0,
        Preferences: r.preferences,
      })),
    };
  }

  /** Pending → InProgress → (replace instances) → Successful, one step per poll. */
  private async advance(r: Refresh): Promise<void> {
    if (r.status === 'Pending') {
      r.status = 'InProgress';
      return;
    }
    if (r.status !== 'InProgress') return;
    if (this.failure !== undefined) {
      r.status = 'Failed';
      r.statusReason = this.failure;
      this.failure = undefined;
      return;
    }
    try {
      r.replaced = await this.replace(r);
      r.status = 'Successful';
    } catch (e) {
      r.status = 'Failed';
      r.statusReason = (e as Error).message;
    }
  }

  private async replace(r: Refresh): Promise<string[]> {
    const group = await this.group(r.group);
    const spec = group?.LaunchTemplate ?? group?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!group || !spec?.LaunchTemplateId) throw new Error(`The stand-in refreshes launch-template groups only (${r.group})`);
    const versions = await this.clients.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: spec.LaunchTemplateId, Versions: [spec.Version || '$Default'] }),
    );
    const version = versions.LaunchTemplateVersions?.[0];
    const number = String(version?.VersionNumber);
    const skipMatching = r.preferences.SkipMatching !== false;
    const before = group.Instances ?? [];
    const source = `${spec.LaunchTemplateId}:${number}`;
    const matches = (i: (typeof before)[number]) => this.launchedFrom.get(i.InstanceId ?? '') === source;
    const old = before.filter((i) => i.LifecycleState === 'InService' && !(skipMatching && matches(i))).map((i) => i.InstanceId!);
    for (const id of old) {
      await this.clients.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: false }));
    }
    const known = new Set(before.map((i) => i.InstanceId));
    const fresh = ((await this.group(r.group))?.Instances ?? []).filter((i) => !known.has(i.InstanceId)).map((i) => i.InstanceId!);
    const options = version?.LaunchTemplateData?.MetadataOptions ?? {};
    for (const id of fresh) {
      await this.clients.ec2.send(
        new ModifyInstanceMetadataOptionsCommand({
          InstanceId: id,
          HttpTokens: options.HttpTokens ?? 'optional',
          HttpEndpoint: options.HttpEndpoint ?? 'enabled',
          HttpPutResponseHopLimit: options.HttpPutResponseHopLimit ?? 1,
        }),
      );
      this.launchedFrom.set(id, source);
    }
    return old;
  }
}
