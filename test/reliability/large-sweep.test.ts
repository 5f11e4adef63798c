// A periodic sweep streams page by page: what it holds must not grow with the estate. The handler's
// return value (the evaluations it sent, for tests and dry runs; AWS Config ignores it) is the one
// thing that did: 100,000 kept evaluations are ~40 MB of a 128 MB function (see bench/README.md).
// A sweep now keeps at most SWEEP_KEEP_LIMIT of them and counts the rest.
import { PutEvaluationsCommand, type ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EvaluationSink, type Evaluation } from '../../lambda/kit/evaluation-sink';
import { SWEEP_KEEP_LIMIT } from '../../lambda/kit/run-rule';
import { startSyntheticAws, syntheticInstanceId, type SyntheticAws } from '../../bench/lib/synthetic-aws';
import { loadBundle, scheduledEvent, sdkEnv, withEnv } from '../integration/harness';
import { lambdaContext } from './support';

describe('EvaluationSink keepSent as a number', () => {
  const evaluation = (i: number): Evaluation => ({
    ComplianceResourceType: 'AWS::EC2::Instance',
    ComplianceResourceId: `i-${i}`,
    ComplianceType: 'COMPLIANT',
    Annotation: 'ok',
    OrderingTimestamp: new Date('2026-01-01T00:00:00Z'),
  });

  test('keeps the first N sent, counts them all, and says once that the rest are not kept', async () => {
    const sent: number[] = [];
    const config = {
      send: async (command: PutEvaluationsCommand) => {
        sent.push(command.input.Evaluations?.length ?? 0);
        return { FailedEvaluations: [] };
      },
    } as unknown as ConfigServiceClient;
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = { info: (m: string, e?: Record<string, unknown>) => lines.push([m, e]), warn: () => undefined, error: () => undefined };
    const sink = new EvaluationSink({ config, resultToken: 't', testMode: false, logger, keepSent: 250 });
    for (let i = 0; i < 1_000; i++) await sink.add(evaluation(i));
    const kept = await sink.close();

    expect(sent).toEqual(Array(10).fill(100));
    expect(sink.sentCount).toBe(1_000);
    expect(kept.map((e) => e.ComplianceResourceId)).toEqual(Array.from({ length: 250 }, (_, i) => `i-${i}`));
    expect(lines.filter(([m]) => m.startsWith('evaluations beyond'))).toEqual([
      ['evaluations beyond the first 250 are counted, not kept', { kept: 250 }],
    ]);
  });
});

describe('a sweep larger than SWEEP_KEEP_LIMIT (synthetic EC2 endpoint: moto cannot hold this many fast)', () => {
  let aws: SyntheticAws;
  const N = SWEEP_KEEP_LIMIT + 2_000;
  beforeAll(async () => {
    aws = await startSyntheticAws({ instances: N });
  });
  afterAll(async () => {
    await aws?.stop();
  });

  test('delivers every evaluation exactly once but returns only the first SWEEP_KEEP_LIMIT', async () => {
    const env = { ...sdkEnv(aws), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' };
    const returned = (await withEnv(env, () =>
      loadBundle('imdsv2-instance').handler(scheduledEvent({ ruleName: 'large' }), lambdaContext('imdsv2-instance')),
    )) as Evaluation[];

    expect(aws.stats.evaluations).toBe(N);
    expect(aws.stats.duplicates).toBe(0);
    expect(aws.evaluationsPerResource.size).toBe(N);
    expect(aws.calls.get('DescribeInstances')).toBe(Math.ceil(N / 1000));
    expect(aws.calls.get('PutEvaluations')).toBe(Math.ceil(N / 100));
    expect(returned).toHaveLength(SWEEP_KEEP_LIMIT);
    expect(returned[0].ComplianceResourceId).toBe(syntheticInstanceId(0));
    expect(returned[SWEEP_KEEP_LIMIT - 1].ComplianceResourceId).toBe(syntheticInstanceId(SWEEP_KEEP_LIMIT - 1));
  }, 120_000);
});
