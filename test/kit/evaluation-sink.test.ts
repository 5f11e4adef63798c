import { PutEvaluationsCommand, type PutEvaluationsCommandInput } from '@aws-sdk/client-config-service';
import { EvaluationsNotRecordedError, KitError, PutEvaluationsError } from '../../lambda/kit/errors';
import { EvaluationSink, MAX_EVALUATIONS_PER_CALL, type Evaluation, type SinkOptions } from '../../lambda/kit/evaluation-sink';
import { MAX_ANNOTATION_LENGTH } from '../../lambda/kit/verdict';
import { awsError, harness, type Harness } from './support';

const AT = new Date('2024-05-14T12:00:03.112Z');

function evaluation(i: number, overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    ComplianceResourceType: 'AWS::EC2::Instance',
    ComplianceResourceId: `i-${String(i).padStart(17, '0')}`,
    ComplianceType: i % 3 === 0 ? 'COMPLIANT' : i % 3 === 1 ? 'NON_COMPLIANT' : 'NOT_APPLICABLE',
    Annotation: `evaluation ${i}`,
    OrderingTimestamp: AT,
    ...overrides,
  };
}

function sink(h: Harness, options: Partial<SinkOptions> = {}): EvaluationSink {
  return new EvaluationSink({ config: h.clients.config, resultToken: 'token-1', testMode: false, logger: h.logger, resendDelayMs: 0, ...options });
}

async function addAll(s: EvaluationSink, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) await s.add(evaluation(i));
}

const ids = (inputs: PutEvaluationsCommandInput[]) => inputs.flatMap((c) => (c.Evaluations ?? []).map((e) => e.ComplianceResourceId));

describe('EvaluationSink: batching', () => {
  test.each([
    [0, []],
    [1, [1]],
    [99, [99]],
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('%i evaluations are sent as batches %p', async (n, sizes) => {
    // Prepare
    const h = harness();
    const s = sink(h);

    // Act
    await addAll(s, n);
    const sent = await s.close();

    // Assess
    const calls = h.putInputs();
    expect(calls.map((c) => c.Evaluations?.length)).toEqual(sizes);
    for (const c of calls) expect(c.Evaluations!.length).toBeLessThanOrEqual(MAX_EVALUATIONS_PER_CALL);
    const expected = Array.from({ length: n }, (_, i) => evaluation(i).ComplianceResourceId);
    expect(ids(calls)).toEqual(expected); // each exactly once, in order
    expect(sent.map((e) => e.ComplianceResourceId)).toEqual(expected);
    expect(s.sentCount).toBe(n);
  });

  test('a full batch is sent as soon as the 100th evaluation is added, not at close', async () => {
    const h = harness();
    const s = sink(h);
    await addAll(s, 99);
    expect(h.putInputs()).toHaveLength(0);
    await s.add(evaluation(99));
    expect(h.putInputs()).toHaveLength(1);
  });

  test('flush sends a partial batch and nothing twice', async () => {
    const h = harness();
    const s = sink(h);
    await addAll(s, 3);
    await s.flush();
    await s.flush();
    await s.close();
    expect(h.putInputs().map((c) => c.Evaluations?.length)).toEqual([3]);
  });

  test('sends every field, with the ordering timestamp as given', async () => {
    const h = harness();
    const s = sink(h);
    await s.add(evaluation(1));
    await s.close();
    expect(h.putInputs()[0]).toEqual({
      ResultToken: 'token-1',
      TestMode: false,
      Evaluations: [
        {
          ComplianceResourceType: 'AWS::EC2::Instance',
          ComplianceResourceId: 'i-00000000000000001',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: 'evaluation 1',
          OrderingTimestamp: AT,
        },
      ],
    });
  });

  test('keepSent false keeps counts only', async () => {
    const h = harness();
    const s = sink(h, { keepSent: false });
    await addAll(s, 150);
    expect(await s.close()).toEqual([]);
    expect(s.sentCount).toBe(150);
    expect(ids(h.putInputs())).toHaveLength(150);
  });
});

describe('EvaluationSink: test mode', () => {
  test.each([
    [true, 'TESTMODE'],
    [false, 'token-1'],
  ])('testMode %p (token %p) is sent as TestMode', async (testMode, token) => {
    const h = harness();
    const s = sink(h, { testMode, resultToken: token });
    await addAll(s, 101);
    await s.close();
    const calls = h.putInputs();
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c.TestMode).toBe(testMode);
      expect(c.ResultToken).toBe(token);
    }
  });
});

describe('EvaluationSink: annotations', () => {
  test('an annotation over 256 characters is cut to 256 with an ellipsis', async () => {
    const h = harness();
    const s = sink(h);
    await s.add(evaluation(1, { Annotation: 'a'.repeat(1000) }));
    await s.add(evaluation(2, { Annotation: 'b'.repeat(256) }));
    await s.close();
    const [long, exact] = h.putInputs()[0].Evaluations!;
    expect(long.Annotation).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(long.Annotation).toBe(`${'a'.repeat(255)}…`);
    expect(exact.Annotation).toBe('b'.repeat(256));
  });

  test('the cut never splits a surrogate pair (no lone surrogate is sent)', async () => {
    // Prepare: an emoji straddles the cut point (UTF-16 units 254-255).
    const h = harness();
    const s = sink(h);
    await s.add(evaluation(1, { Annotation: `${'a'.repeat(254)}😀${'z'.repeat(50)}` }));

    // Act
    await s.close();

    // Assess
    const annotation = h.putInputs()[0].Evaluations![0].Annotation!;
    expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(annotation).toBe(`${'a'.repeat(254)}…`);
    expect(annotation).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  test('an empty annotation is left out (AWS Config requires 1-256 characters when present)', async () => {
    const h = harness();
    const s = sink(h);
    await s.add(evaluation(1, { Annotation: '' }));
    await s.close();
    const sent = h.putInputs()[0].Evaluations![0];
    expect(sent).not.toHaveProperty('Annotation', '');
    expect(sent.Annotation).toBeUndefined();
    expect(sent.ComplianceType).toBe('NON_COMPLIANT');
  });
});

describe('EvaluationSink: FailedEvaluations', () => {
  test('only the failed entries are resent, and are recorded once they succeed', async () => {
    // Prepare: the first call fails two entries; the resend succeeds.
    const h = harness();
    let call = 0;
    h.config.on(PutEvaluationsCommand).callsFake((input: PutEvaluationsCommandInput) => {
      call += 1;
      if (call === 1) return { FailedEvaluations: [input.Evaluations![3], input.Evaluations![7]] };
      return { FailedEvaluations: [] };
    });
    const s = sink(h);

    // Act
    await addAll(s, 10);
    const sent = await s.close();

    // Assess
    const calls = h.putInputs();
    expect(calls).toHaveLength(2);
    expect(calls[0].Evaluations).toHaveLength(10);
    expect(calls[1].Evaluations!.map((e) => e.ComplianceResourceId)).toEqual([evaluation(3).ComplianceResourceId, evaluation(7).ComplianceResourceId]);
    expect(sent).toHaveLength(10);
    expect(new Set(sent.map((e) => e.ComplianceResourceId)).size).toBe(10);
    expect(s.sentCount).toBe(10);
    const lines = h.logger.messages('evaluations sent');
    expect(lines.map((l) => [l.extra?.count, l.extra?.resend])).toEqual([
      [8, 0],
      [2, 1],
    ]);
    expect(lines[1].extra?.totalSent).toBe(10);
  });

  test('entries still failing after the resends: EvaluationsNotRecordedError naming them, after every other batch was sent', async () => {
    // Prepare: one resource in the first batch is always refused.
    const h = harness();
    const bad = evaluation(42).ComplianceResourceId;
    h.config.on(PutEvaluationsCommand).callsFake((input: PutEvaluationsCommandInput) => ({
      FailedEvaluations: input.Evaluations!.filter((e) => e.ComplianceResourceId === bad),
    }));
    const s = sink(h, { resendAttempts: 2 });

    // Act
    await addAll(s, 250);
    const error = await s.close().then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(EvaluationsNotRecordedError);
    expect(error).toBeInstanceOf(KitError);
    const e = error as EvaluationsNotRecordedError;
    expect(e.failed).toEqual([{ resourceType: 'AWS::EC2::Instance', resourceId: bad }]);
    expect(e.message).toBe(`AWS Config did not record 1 evaluation(s): AWS::EC2::Instance ${bad}`);
    // batch 1 + 2 resends of the bad entry, then batches 2 and 3: nothing else lost.
    const calls = h.putInputs();
    expect(calls.map((c) => c.Evaluations!.length)).toEqual([100, 1, 1, 100, 50]);
    const recorded = new Set(ids(calls).filter((id) => id !== bad));
    expect(recorded.size).toBe(249);
    expect(s.sentCount).toBe(249);
    expect(h.logger.messages('evaluations not recorded')).toHaveLength(1);
    expect(h.logger.messages('evaluations not recorded')[0]).toMatchObject({ level: 'error', extra: { count: 1, resources: [`AWS::EC2::Instance ${bad}`] } });
  });

  test('the error lists at most 20 resources and counts the rest', async () => {
    const h = harness();
    h.config.on(PutEvaluationsCommand).callsFake((input: PutEvaluationsCommandInput) => ({ FailedEvaluations: input.Evaluations }));
    const s = sink(h, { resendAttempts: 0 });
    await addAll(s, 25);
    await expect(s.close()).rejects.toThrow(/did not record 25 evaluation\(s\): .* and 5 more$/);
    expect(h.putInputs()).toHaveLength(1);
  });

  test('resends wait resendDelayMs, doubling', async () => {
    jest.useFakeTimers();
    try {
      const h = harness();
      h.config.on(PutEvaluationsCommand).callsFake((input: PutEvaluationsCommandInput) => ({ FailedEvaluations: input.Evaluations }));
      const s = sink(h, { resendAttempts: 2, resendDelayMs: 100 });
      await s.add(evaluation(1));
      const closing = s.close().catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(99);
      expect(h.putInputs()).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(h.putInputs()).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(199);
      expect(h.putInputs()).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(h.putInputs()).toHaveLength(3);
      expect(await closing).toBeInstanceOf(EvaluationsNotRecordedError);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('EvaluationSink: PutEvaluations failing', () => {
  test('a thrown PutEvaluations becomes PutEvaluationsError with the cause', async () => {
    const h = harness();
    const cause = awsError('ValidationException', '1 validation error detected');
    h.config.on(PutEvaluationsCommand).rejects(cause);
    const s = sink(h);
    await addAll(s, 3);
    const error = await s.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEvaluationsError);
    expect((error as PutEvaluationsError).cause).toBe(cause);
    expect((error as Error).message).toBe('PutEvaluations failed for 3 evaluation(s): 1 validation error detected');
    expect((error as PutEvaluationsError).code).toBe('PutEvaluations');
  });

  test('a failure on the second batch keeps the first recorded', async () => {
    const h = harness();
    let call = 0;
    h.config.on(PutEvaluationsCommand).callsFake(() => {
      call += 1;
      if (call === 2) throw awsError('ThrottlingException');
      return { FailedEvaluations: [] };
    });
    const s = sink(h);
    await addAll(s, 100);
    await expect(s.add(evaluation(100))).resolves.toBeUndefined();
    await expect(s.close()).rejects.toBeInstanceOf(PutEvaluationsError);
    expect(s.sentCount).toBe(100);
  });
});

describe('EvaluationSink: logging', () => {
  test('one line per batch, none per resource', async () => {
    const h = harness();
    const s = sink(h, { testMode: true });
    await addAll(s, 250);
    await s.close();
    expect(h.logger.lines).toHaveLength(3);
    expect(h.logger.lines.every((l) => l.level === 'info' && l.message === 'evaluations sent')).toBe(true);
    expect(h.logger.lines.map((l) => l.extra)).toEqual([
      { batch: 1, count: 100, compliant: 34, nonCompliant: 33, notApplicable: 33, testMode: true, resend: 0, totalSent: 100 },
      { batch: 2, count: 100, compliant: 33, nonCompliant: 34, notApplicable: 33, testMode: true, resend: 0, totalSent: 200 },
      { batch: 3, count: 50, compliant: 17, nonCompliant: 16, notApplicable: 17, testMode: true, resend: 0, totalSent: 250 },
    ]);
    // No resource id appears in any log line.
    expect(JSON.stringify(h.logger.lines)).not.toMatch(/i-0000/);
  });

  test('nothing to send: no call, no log line', async () => {
    const h = harness();
    await sink(h).close();
    expect(h.putInputs()).toHaveLength(0);
    expect(h.logger.lines).toHaveLength(0);
  });
});
