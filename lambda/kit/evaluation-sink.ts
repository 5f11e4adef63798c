import { PutEvaluationsCommand, type ConfigServiceClient, type Evaluation as SdkEvaluation } from '@aws-sdk/client-config-service';
import { EvaluationsNotRecordedError, PutEvaluationsError } from './errors';
import type { KitLogger } from './logger';
import { truncateAnnotation, type ComplianceType } from './verdict';

/** One evaluation as sent to PutEvaluations. */
export interface Evaluation {
  readonly ComplianceResourceType: string;
  readonly ComplianceResourceId: string;
  readonly ComplianceType: ComplianceType;
  readonly Annotation: string;
  readonly OrderingTimestamp: Date;
}

/** AWS Config's limit on evaluations per PutEvaluations call. */
export const MAX_EVALUATIONS_PER_CALL = 100;

export interface SinkOptions {
  readonly config: ConfigServiceClient;
  readonly resultToken: string;
  readonly testMode: boolean;
  readonly logger: KitLogger;
  /** How many times entries returned in FailedEvaluations are sent again before giving up. */
  readonly resendAttempts?: number;
  /** Pause before a resend, doubled each time (ms). */
  readonly resendDelayMs?: number;
  /**
   * Keep sent evaluations to return them (handlers do): `true` (default) keeps all, `false` none, a
   * number at most that many (the first ones), so a huge sweep's memory does not grow with the estate.
   * Counts are always kept.
   */
  readonly keepSent?: boolean | number;
}

const key = (e: { ComplianceResourceType?: string; ComplianceResourceId?: string }) =>
  `${e.ComplianceResourceType} ${e.ComplianceResourceId}`;

/**
 * Buffers evaluations and sends them in batches of at most 100. Entries AWS Config reports as
 * failed are resent; whatever still fails is collected and reported by `close()` as one typed error,
 * after every other batch has been sent, so one bad batch does not lose the rest of a sweep.
 * Throttling and 5xx are retried inside the SDK (adaptive retry mode), not here.
 */
export class EvaluationSink {
  private buffer: Evaluation[] = [];
  private readonly sentList: Evaluation[] = [];
  private readonly notRecorded: Evaluation[] = [];
  private batches = 0;
  private count = 0;
  private keptAll = true;

  constructor(private readonly options: SinkOptions) {}

  /** Evaluations sent (and recorded) so far, as many as `keepSent` allows. */
  get sent(): readonly Evaluation[] {
    return this.sentList;
  }

  get sentCount(): number {
    return this.count;
  }

  async add(evaluation: Evaluation): Promise<void> {
    this.buffer.push({ ...evaluation, Annotation: truncateAnnotation(evaluation.Annotation) });
    if (this.buffer.length >= MAX_EVALUATIONS_PER_CALL) await this.flush();
  }

  /** Sends whatever is buffered. */
  async flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_EVALUATIONS_PER_CALL);
      await this.sendBatch(batch);
    }
  }

  /** Flushes, then throws if anything could not be recorded. */
  async close(): Promise<readonly Evaluation[]> {
    await this.flush();
    if (this.notRecorded.length > 0) {
      throw new EvaluationsNotRecordedError(
        this.notRecorded.map((e) => ({ resourceType: e.ComplianceResourceType, resourceId: e.ComplianceResourceId })),
      );
    }
    return this.sentList;
  }

  private async sendBatch(batch: Evaluation[]): Promise<void> {
    const attempts = this.options.resendAttempts ?? 3;
    let pending = batch;
    let delay = this.options.resendDelayMs ?? 200;
    for (let attempt = 0; attempt <= attempts && pending.length > 0; attempt++) {
      if (attempt > 0) {
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
      const failed = await this.put(pending);
      const failedKeys = new Set(failed.map(key));
      const recorded = pending.filter((e) => !failedKeys.has(key(e)));
      this.record(recorded, attempt);
      pending = pending.filter((e) => failedKeys.has(key(e)));
    }
    if (pending.length > 0) {
      this.options.logger.error('evaluations not recorded', {
        count: pending.length,
        resources: pending.slice(0, 20).map(key),
      });
      this.notRecorded.push(...pending);
    }
  }

  private async put(evaluations: Evaluation[]): Promise<SdkEvaluation[]> {
    try {
      const out = await this.options.config.send(
        new PutEvaluationsCommand({
          ResultToken: this.options.resultToken,
          TestMode: this.options.testMode,
          // AWS Config refuses an empty Annotation (1-256 characters when present): leave it out instead.
          Evaluations: evaluations.map((e) => ({ ...e, Annotation: e.Annotation === '' ? undefined : e.Annotation })),
        }),
      );
      return out.FailedEvaluations ?? [];
    } catch (cause) {
      throw new PutEvaluationsError(
        `PutEvaluations failed for ${evaluations.length} evaluation(s): ${(cause as Error)?.message ?? cause}`,
        { cause },
      );
    }
  }

  private keep(recorded: Evaluation[]): void {
    const limit = this.options.keepSent ?? true;
    if (limit === false) return;
    const room = limit === true ? recorded.length : Math.max(0, limit - this.sentList.length);
    this.sentList.push(...(room < recorded.length ? recorded.slice(0, room) : recorded));
    if (room < recorded.length && this.keptAll) {
      this.keptAll = false;
      this.options.logger.info(`evaluations beyond the first ${limit} are counted, not kept`, { kept: this.sentList.length });
    }
  }

  private record(recorded: Evaluation[], resend: number): void {
    if (recorded.length === 0) return;
    this.batches += 1;
    this.count += recorded.length;
    this.keep(recorded);
    const tally = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
    for (const e of recorded) tally[e.ComplianceType] += 1;
    this.options.logger.info('evaluations sent', {
      batch: this.batches,
      count: recorded.length,
      compliant: tally.COMPLIANT,
      nonCompliant: tally.NON_COMPLIANT,
      notApplicable: tally.NOT_APPLICABLE,
      testMode: this.options.testMode,
      resend,
      totalSent: this.count,
    });
  }
}
