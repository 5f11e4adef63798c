import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { chunk } from '../../lambda/kit/concurrency';

/** GetMetricData accepts at most 500 queries per call. */
const QUERIES_PER_CALL = 500;
const DAY_S = 86_400;

/**
 * Sums the AWS/EC2 `MetadataNoToken` metric (IMDSv1 requests the instance's metadata service
 * answered) per instance over the last `days` days. One datapoint per instance: the period is the
 * whole window (a multiple of an hour, as CloudWatch requires for data older than 15 days).
 * Returns null for an instance CloudWatch holds no datapoints for (stopped, or no IMDS traffic at all).
 */
export async function metadataNoTokenSums(
  cloudwatch: CloudWatchClient,
  instanceIds: readonly string[],
  days: number,
  now: Date,
): Promise<Map<string, number | null>> {
  const sums = new Map<string, number | null>();
  const ids = [...new Set(instanceIds)];
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - days * DAY_S * 1000);
  for (const part of chunk(ids, QUERIES_PER_CALL)) {
    // Query ids must start with a lower-case letter; map them back by position.
    const queries: MetricDataQuery[] = part.map((id, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: { Namespace: 'AWS/EC2', MetricName: 'MetadataNoToken', Dimensions: [{ Name: 'InstanceId', Value: id }] },
        Period: days * DAY_S,
        Stat: 'Sum',
      },
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token, ScanBy: 'TimestampDescending' }),
      );
      for (const r of out.MetricDataResults ?? []) {
        const index = Number((r.Id ?? '').slice(1));
        const id = part[index];
        if (id === undefined) continue;
        const values = r.Values ?? [];
        // Results may arrive over several pages: add, do not overwrite.
        const previous = sums.get(id) ?? null;
        if (values.length > 0) sums.set(id, (previous ?? 0) + values.reduce((a, b) => a + b, 0));
        else if (!sums.has(id)) sums.set(id, null);
      }
      token = out.NextToken;
    } while (token);
    for (const id of part) if (!sums.has(id)) sums.set(id, null);
  }
  return sums;
}
