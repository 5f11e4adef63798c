import { GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsCallError, Imdsv1InUseError } from '../common/errors';

/** The token the imdsv2-instance document looks for in this function's Payload before it changes anything. */
export const GATE_OPEN_TOKEN = 'IMDSV1_GATE_OPEN';

/** CloudWatch keeps hourly datapoints for 455 days; a longer window would silently read nothing more. */
export const MAX_LOOKBACK_DAYS = 455;

const DAY_SECONDS = 86_400;

export interface UsageQuery {
  readonly instanceId: string;
  readonly lookbackDays: number;
  readonly force: boolean;
  readonly now: Date;
}

export interface GateDecision {
  readonly InstanceId: string;
  readonly LookbackDays: number;
  /** IMDSv1 calls (sum of MetadataNoToken) in the window; 0 when CloudWatch holds no data. */
  readonly ImdsV1Calls: number;
  readonly Force: boolean;
  /** Always GATE_OPEN_TOKEN: a closed gate is an error, never a return value. */
  readonly Gate: typeof GATE_OPEN_TOKEN;
  readonly Reason: string;
}

/**
 * Sums the instance's `AWS/EC2` `MetadataNoToken` metric over the last `lookbackDays` days, one
 * datapoint per day (GetMetricStatistics allows 1,440 per call; 455 days is well inside, and
 * 86,400 s is a multiple of the 1-hour resolution CloudWatch keeps for data older than 63 days).
 */
export async function countImdsV1Calls(cloudwatch: CloudWatchClient, instanceId: string, lookbackDays: number, now: Date): Promise<number> {
  const end = now;
  const start = new Date(now.getTime() - lookbackDays * DAY_SECONDS * 1000);
  try {
    const out = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/EC2',
        MetricName: 'MetadataNoToken',
        Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        StartTime: start,
        EndTime: end,
        Period: DAY_SECONDS,
        Statistics: ['Sum'],
      }),
    );
    const sum = (out.Datapoints ?? []).reduce((total, d) => total + (d.Sum ?? 0), 0);
    return Math.round(sum);
  } catch (e) {
    throw awsCallError(`GetMetricStatistics AWS/EC2 MetadataNoToken for ${instanceId}`, e);
  }
}

/**
 * The gate: open when no IMDSv1 call was seen, or when Force is set (the decision records that it
 * was forced, and over how many calls). Closed means Imdsv1InUseError, so the Automation step fails
 * with a message naming the count; the document never reaches the change.
 */
export async function decide(cloudwatch: CloudWatchClient, q: UsageQuery): Promise<GateDecision> {
  const calls = await countImdsV1Calls(cloudwatch, q.instanceId, q.lookbackDays, q.now);
  if (calls > 0 && !q.force) throw new Imdsv1InUseError(q.instanceId, calls, q.lookbackDays);
  const reason =
    calls === 0
      ? `No IMDSv1 calls in the last ${q.lookbackDays} days (MetadataNoToken sum 0, or no data).`
      : `Forced: ${calls} IMDSv1 calls in the last ${q.lookbackDays} days will fail once IMDSv2 is required.`;
  return { InstanceId: q.instanceId, LookbackDays: q.lookbackDays, ImdsV1Calls: calls, Force: q.force, Gate: GATE_OPEN_TOKEN, Reason: reason };
}
