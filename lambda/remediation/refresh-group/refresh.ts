import {
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeWarmPoolCommand,
  StartInstanceRefreshCommand,
  type AutoScalingClient,
  type DescribeInstanceRefreshesCommandOutput,
  type StartInstanceRefreshCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { judgeMetadataOptions } from '../../rules/common/metadata-verdict';
import { awsCallError, awsErrorName, InvalidInputError, ResourceNotFoundError, VerificationError } from '../common/errors';

/**
 * The imdsv2-auto-scaling-group document's steps. Automation cannot take a name out of an ARN, and
 * AWS Config may report groups it never recorded, so the group is named by the ARN the rule reports.
 * The refresh must replace what accepts IMDSv1, not what launched from another version: an instance
 * switched to `optional` by hand still "matches" its launch template, so skip matching would keep it.
 */

/** StartInstanceRefresh and DescribeInstanceRefreshes (moto lacks both: tests answer them with a local stand-in). */
export interface RefreshApi {
  start(input: StartInstanceRefreshCommandInput): Promise<{ InstanceRefreshId?: string }>;
  describe(input: { AutoScalingGroupName: string; MaxRecords?: number }): Promise<Pick<DescribeInstanceRefreshesCommandOutput, 'InstanceRefreshes'>>;
}

export interface GroupClients {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly refresh: RefreshApi;
}

export function sdkRefreshApi(autoscaling: AutoScalingClient): RefreshApi {
  return {
    start: (input) => autoscaling.send(new StartInstanceRefreshCommand(input)),
    describe: (input) => autoscaling.send(new DescribeInstanceRefreshesCommand(input)),
  };
}

const GROUP_ARN = /^arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/([^\u0000-\u001f]{1,255})$/;

/** `arn:…:autoScalingGroup:<uuid>:autoScalingGroupName/<name>` → name. */
export function groupNameOf(arn: string): string {
  const m = GROUP_ARN.exec(arn);
  if (!m) throw new InvalidInputError(`AutoScalingGroupArn must be an Auto Scaling group ARN; got ${JSON.stringify(arn)}`);
  return m[1];
}

export type Where = 'InService' | 'Standby' | 'WarmPool' | 'Pending' | 'Other';

export interface ImdsV1Instance {
  readonly InstanceId: string;
  readonly Where: Where;
  readonly LifecycleState: string;
}

/** Lifecycle states that will not serve again: nothing to replace. */
const LEAVING = /^(Terminat|Detach)/;

function where(state: string, warm: boolean): Where {
  if (warm) return 'WarmPool';
  if (state === 'InService') return 'InService';
  if (state.startsWith('Standby') || state.startsWith('EnteringStandby')) return 'Standby';
  if (state.startsWith('Pending')) return 'Pending';
  return 'Other';
}

/** Every instance of the group (in service, Standby, warm pool) that accepts IMDSv1, by the rules' own judgement. */
export async function instancesAcceptingImdsV1(clients: GroupClients, group: string): Promise<{ checked: number; accepting: ImdsV1Instance[] }> {
  let members: Array<{ id: string; state: string; warm: boolean }>;
  try {
    const out = await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
    const g = out.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === group);
    if (!g) throw new ResourceNotFoundError(`Auto Scaling group ${group} does not exist`);
    members = (g.Instances ?? []).map((i) => ({ id: i.InstanceId!, state: String(i.LifecycleState ?? ''), warm: false }));
  } catch (e) {
    if (e instanceof ResourceNotFoundError) throw e;
    throw awsCallError(`DescribeAutoScalingGroups ${group}`, e);
  }
  try {
    let token: string | undefined;
    do {
      const out = await clients.autoscaling.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: group, NextToken: token }));
      members.push(...(out.Instances ?? []).map((i) => ({ id: i.InstanceId!, state: String(i.LifecycleState ?? ''), warm: true })));
      token = out.NextToken;
    } while (token);
  } catch (e) {
    throw awsCallError(`DescribeWarmPool ${group}`, e);
  }
  const live = members.filter((m) => m.id && !LEAVING.test(m.state));
  const accepting: ImdsV1Instance[] = [];
  for (let i = 0; i < live.length; i += 100) {
    const batch = live.slice(i, i + 100);
    let out;
    try {
      out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: batch.map((m) => m.id) }));
    } catch (e) {
      throw awsCallError(`DescribeInstances (${batch.length} instances of ${group})`, e);
    }
    const options = new Map(
      (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((x) => [x.InstanceId, x.MetadataOptions] as const),
    );
    for (const m of batch) {
      const o = options.get(m.id);
      // Not found (gone meanwhile) is not a finding; unknown options are (they cannot be shown to require IMDSv2).
      if (!options.has(m.id)) continue;
      const judged = judgeMetadataOptions(o ? { httpTokens: o.HttpTokens, httpEndpoint: o.HttpEndpoint, hopLimit: o.HttpPutResponseHopLimit } : undefined);
      if (!judged.compliant) accepting.push({ InstanceId: m.id, Where: where(m.state, m.warm), LifecycleState: m.state });
    }
  }
  return { checked: live.length, accepting };
}

export interface StartRequest {
  readonly groupArn: string;
  readonly minHealthyPercentage: number;
  readonly instanceWarmup: number;
}

/** What the document branches on: `Running` (poll again) or `Verified` (nothing accepts IMDSv1). */
export type Phase = 'Running' | 'Verified';

export interface StartResult {
  readonly Phase: Phase;
  readonly AutoScalingGroupName: string;
  readonly InstanceRefreshId?: string;
  readonly InstancesChecked: number;
  readonly InstancesAcceptingImdsV1: readonly ImdsV1Instance[];
  readonly Preferences?: Readonly<Record<string, unknown>>;
}

/**
 * Starts a refresh that replaces what accepts IMDSv1: skip matching off (an instance set to `optional`
 * by hand matches its template and would be skipped), Standby instances terminated and replaced when
 * one of them accepts IMDSv1 (the default ignores them). Nothing accepting IMDSv1: nothing is started.
 */
export async function startReplacement(clients: GroupClients, req: StartRequest): Promise<StartResult> {
  const group = groupNameOf(req.groupArn);
  const { checked, accepting } = await instancesAcceptingImdsV1(clients, group);
  if (accepting.length === 0) return { Phase: 'Verified', AutoScalingGroupName: group, InstancesChecked: checked, InstancesAcceptingImdsV1: [] };
  const preferences = {
    MinHealthyPercentage: req.minHealthyPercentage,
    InstanceWarmup: req.instanceWarmup,
    SkipMatching: false,
    StandbyInstances: accepting.some((i) => i.Where === 'Standby') ? ('Terminate' as const) : ('Ignore' as const),
  };
  let id: string | undefined;
  try {
    id = (await clients.refresh.start({ AutoScalingGroupName: group, Preferences: preferences })).InstanceRefreshId;
  } catch (e) {
    if (/InstanceRefreshInProgress/.test(awsErrorName(e))) {
      throw new VerificationError(`Auto Scaling group ${group} is already refreshing (InstanceRefreshInProgress); run the document again when it ends`, { cause: e });
    }
    throw awsCallError(`StartInstanceRefresh ${group}`, e);
  }
  return { Phase: 'Running', AutoScalingGroupName: group, InstanceRefreshId: id, InstancesChecked: checked, InstancesAcceptingImdsV1: accepting, Preferences: preferences };
}

const RUNNING = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);

export interface CheckResult {
  readonly Phase: Phase;
  readonly AutoScalingGroupName: string;
  readonly InstanceRefreshId?: string;
  readonly RefreshStatus?: string;
  readonly InstancesChecked: number;
}

/**
 * Polls the group's latest refresh; once it has ended, checks every instance again with the rules'
 * judgement. Verified only when none accepts IMDSv1; otherwise a VerificationError that says how far
 * the refresh got and which instances are left (partial success is reported, not hidden).
 */
export async function checkReplacement(clients: GroupClients, groupArn: string): Promise<CheckResult> {
  const group = groupNameOf(groupArn);
  let latest;
  try {
    latest = (await clients.refresh.describe({ AutoScalingGroupName: group, MaxRecords: 1 })).InstanceRefreshes?.[0];
  } catch (e) {
    throw awsCallError(`DescribeInstanceRefreshes ${group}`, e);
  }
  const status = latest?.Status;
  if (status && RUNNING.has(status)) {
    return { Phase: 'Running', AutoScalingGroupName: group, InstanceRefreshId: latest?.InstanceRefreshId, RefreshStatus: status, InstancesChecked: 0 };
  }
  const { checked, accepting } = await instancesAcceptingImdsV1(clients, group);
  if (accepting.length > 0) {
    const ids = accepting.map((i) => `${i.InstanceId} (${i.Where})`).join(', ');
    throw new VerificationError(
      `Partial: instance refresh ${latest?.InstanceRefreshId ?? '(none)'} of ${group} ended ${status ?? 'unknown'}` +
        `${latest?.StatusReason ? ` (${latest.StatusReason})` : ''}; ${accepting.length} of ${checked} instances still accept IMDSv1: ${ids}`,
    );
  }
  return { Phase: 'Verified', AutoScalingGroupName: group, InstanceRefreshId: latest?.InstanceRefreshId, RefreshStatus: status, InstancesChecked: checked };
}
