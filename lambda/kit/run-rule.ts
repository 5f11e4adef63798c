import type { Context } from 'aws-lambda';
import type { Clients } from './clients';
import type { ConfigurationItem } from './configuration-item';
import { isGoneOrUnrecorded } from './configuration-item';
import { MalformedEventError, WrongResourceTypeError } from './errors';
import { EvaluationSink, type Evaluation } from './evaluation-sink';
import { parseInvocation, type RuleInvocation } from './event';
import { inflateOversizedItem } from './inflate';
import type { KitLogger } from './logger';
import { IdSet } from './id-set';
import { isSmallFunction } from './memory';
import { parseParameters } from './parameters';
import type { AccountRule, ResourceRule, RuleContext } from './rule-module';
import { currentResults } from './current-results';
import { LISTED, NOT_HELD, resultFingerprint } from './result-fingerprint';
import type { Verdict } from './verdict';

/** What a handler needs besides the event: injected so tests can supply their own. */
export interface RunDependencies {
  readonly clients: Clients;
  readonly logger: KitLogger;
  /** The clock, for exemption dates. */
  readonly now?: () => Date;
  /** Stop a sweep when less than this is left before the Lambda timeout (ms). */
  readonly timeReserveMs?: number;
  /** Passed to the EvaluationSink. */
  readonly resendDelayMs?: number;
}

/** Leave this much time to flush the last batches before the Lambda timeout. */
export const DEFAULT_TIME_RESERVE_MS = 20_000;

/**
 * A periodic sweep returns at most this many of the evaluations it sent (all of them below it) and
 * only counts the rest: kept evaluations are the one thing a streamed sweep would otherwise hold for
 * the whole estate (~40 MB at 100,000 instances, in a function that may have 128 MB). AWS Config
 * does not read a rule function's return value; tests and the logs do.
 */
export const SWEEP_KEEP_LIMIT = 10_000;
/** The same in a small function (less than 256 MB), where 10,000 kept evaluations are 2–3 MB of 128. */
export const SMALL_FUNCTION_SWEEP_KEEP_LIMIT = 1_000;

/** The annotation of a result cleared because its resource is gone. */
export const GONE_ANNOTATION = 'The resource no longer exists.';

type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> | undefined;

async function ruleContext<P>(inv: RuleInvocation, params: P, deps: RunDependencies, item?: ConfigurationItem): Promise<RuleContext<P>> {
  // The Config client's region: the one client every path has (the others load only when used).
  const region = item?.awsRegion ?? (await deps.clients.config.config.region());
  const accountId = item?.awsAccountId ?? inv.accountId;
  if (!accountId) throw new MalformedEventError('event.accountId is missing');
  return { clients: deps.clients, params, region, accountId };
}

function toEvaluation(resourceType: string, resourceId: string, verdict: Verdict, at: Date): Evaluation {
  return {
    ComplianceResourceType: resourceType,
    ComplianceResourceId: resourceId,
    ComplianceType: verdict.complianceType,
    Annotation: verdict.annotation,
    OrderingTimestamp: at,
  };
}

/** The sink for one invocation: its result token and test mode, the injected logger and delays. */
function openSink(inv: RuleInvocation, deps: RunDependencies, keepSent: boolean | number): EvaluationSink {
  return new EvaluationSink({
    config: deps.clients.config,
    resultToken: inv.resultToken,
    testMode: inv.testMode,
    logger: deps.logger,
    resendDelayMs: deps.resendDelayMs,
    keepSent,
  });
}

function notApplicable(annotation: string): Verdict {
  return { complianceType: 'NOT_APPLICABLE', annotation };
}

/** Why an item needs no evaluation, or undefined when it must be evaluated. */
function skipReason(inv: RuleInvocation, item: { configurationItemStatus: ConfigurationItem['configurationItemStatus'] }): string | undefined {
  if (inv.eventLeftScope) return 'The resource left the rule scope.';
  if (isGoneOrUnrecorded(item.configurationItemStatus)) return `Configuration item status ${item.configurationItemStatus}.`;
  return undefined;
}

function checkType(expected: string, received: string): void {
  if (received !== expected) throw new WrongResourceTypeError([expected], received);
}

/**
 * The whole pipeline for a resource rule:
 * parse → validate parameters → (change) complete the item and evaluate it,
 * (periodic) sweep every resource and clear results for resources that are gone → PutEvaluations.
 * Returns the evaluations sent.
 */
export async function runResourceRule<P, S>(
  rule: ResourceRule<P, S>,
  event: unknown,
  lambdaContext: LambdaContext,
  deps: RunDependencies,
): Promise<Evaluation[]> {
  const inv = parseInvocation(event);
  const params = parseParameters(rule.definition.parameters, inv.ruleParameters);
  const now = deps.now?.() ?? new Date();
  const keep = inv.message.kind !== 'scheduled' ? true : isSmallFunction() ? SMALL_FUNCTION_SWEEP_KEEP_LIMIT : SWEEP_KEEP_LIMIT;
  const sink = openSink(inv, deps, keep);
  const type = rule.definition.resourceType;
  const message = inv.message;

  if (message.kind === 'scheduled') {
    await sweep(rule, inv, params, message.notificationCreationTime, now, lambdaContext, deps, sink);
  } else {
    const summary = message.kind === 'change' ? message.item : message.summary;
    checkType(type, summary.resourceType);
    const at = summary.configurationItemCaptureTime;
    const skip = skipReason(inv, summary);
    if (skip) {
      await sink.add(toEvaluation(type, summary.resourceId, notApplicable(skip), at));
    } else {
      const item = message.kind === 'change' ? message.item : await inflateOversizedItem(deps.clients.config, message.summary);
      checkType(type, item.resourceType);
      // The history may be newer than the summary: a resource deleted since has nothing to evaluate.
      const gone = skipReason(inv, item);
      if (gone) {
        await sink.add(toEvaluation(type, summary.resourceId, notApplicable(gone), at));
      } else {
        const ctx = await ruleContext(inv, params, deps, item);
        const subject = await rule.fromItem(item, ctx);
        const verdict = subject === undefined ? notApplicable(GONE_ANNOTATION) : rule.evaluate(subject, params, now);
        // Evaluations use the item's own resourceType and resourceId, exactly as Config gave them.
        await sink.add(toEvaluation(item.resourceType, summary.resourceId, verdict, at));
      }
    }
  }
  return [...(await sink.close())];
}

/**
 * The periodic sweep, recording only what changed (AWS Config bills every evaluation it records):
 * 1. read the results Config holds for the rule (GetComplianceDetailsByConfigRule, 100 a call), and
 *    keep a fingerprint of each (compliance type + annotation) beside its id in an IdSet;
 * 2. list the estate page by page, evaluate each resource, and send an evaluation only when its
 *    fingerprint differs from the held one, or Config holds none (first sweep, a result deleted with
 *    DeleteEvaluationResults or lost): an unchanged estate records nothing;
 * 3. clear results of resources no longer listed (NOT_APPLICABLE), unless Config already holds them
 *    as NOT_APPLICABLE for that reason.
 *
 * Nothing unchanged is re-sent on a timer. Config keeps a rule's results until a new evaluation
 * replaces them, the results are deleted (DeleteEvaluationResults, deleting the rule) or the resource
 * is reported NOT_APPLICABLE; its API Reference documents no expiry of results. Whatever Config no
 * longer holds is missing from step 1, so the next sweep sends it again: the diff is always against
 * what Config holds now, never against what this function remembers.
 */
async function sweep<P, S>(
  rule: ResourceRule<P, S>,
  inv: RuleInvocation,
  params: P,
  notificationTime: Date,
  now: Date,
  lambdaContext: LambdaContext,
  deps: RunDependencies,
  sink: EvaluationSink,
): Promise<void> {
  const ruleName = inv.configRuleName;
  if (!ruleName) throw new MalformedEventError('event.configRuleName is required for a periodic sweep');
  const ctx = await ruleContext(inv, params, deps);
  const type = rule.definition.resourceType;
  const reserve = deps.timeReserveMs ?? DEFAULT_TIME_RESERVE_MS;
  const outOfTime = () => lambdaContext !== undefined && lambdaContext.getRemainingTimeInMillis() < reserve;
  const counts = { resultPagesRead: 0, held: 0, pagesRead: 0, resourcesEvaluated: 0, changed: 0, unchanged: 0, staleCleared: 0 };
  /** Sends what was evaluated and changed, and says what was left for the next run, instead of being killed mid-batch. */
  const stopCleanly = async (unfinished: string) => {
    await sink.flush();
    deps.logger.warn('sweep stopped before the Lambda timeout', {
      rule: rule.definition.id,
      ...counts,
      unfinished,
      remainingMs: lambdaContext?.getRemainingTimeInMillis(),
    });
  };

  // 1. What Config holds. Compact: ~40 bytes per resource in one IdSet (id bytes, hash, fingerprint),
  // which also marks what the listing saw (LISTED), so the sweep keeps no second set.
  const held = new IdSet();
  for await (const page of currentResults(deps.clients.config, ruleName, type)) {
    counts.resultPagesRead += 1;
    for (const r of page) held.set(r.resourceId, resultFingerprint(r.complianceType, r.annotation));
    if (outOfTime()) {
      // Nothing evaluated yet: evaluating without knowing what Config holds would re-send everything.
      counts.held = held.size;
      return stopCleanly('the whole sweep (reading the current results took the time)');
    }
  }
  counts.held = held.size;

  // 2. The estate, sending only what differs from what Config holds.
  let stopped = false;
  for await (const page of rule.listPages(ctx)) {
    counts.pagesRead += 1;
    for (const subject of page) {
      const id = rule.resourceIdOf(subject);
      const known = held.get(id);
      if (known !== undefined && (known & LISTED) !== 0) continue; // listed twice (moved between pages): evaluated once
      held.set(id, (known ?? NOT_HELD) | LISTED);
      counts.resourcesEvaluated += 1;
      const verdict = rule.evaluate(subject, params, now);
      if (known === resultFingerprint(verdict.complianceType, verdict.annotation)) {
        counts.unchanged += 1;
        continue;
      }
      counts.changed += 1;
      await sink.add(toEvaluation(type, id, verdict, notificationTime));
    }
    if (outOfTime()) {
      stopped = true;
      break;
    }
  }
  if (stopped) {
    // Results for resources not reached are left as they were; clearing stale results needs a
    // complete listing, so it is skipped too. The next sweep starts again from the first page.
    return stopCleanly('resources after the last page read; stale-result clean-up');
  }

  // 3. Results of resources no longer listed: cleared once, then held as NOT_APPLICABLE (or no longer held).
  const gone = resultFingerprint('NOT_APPLICABLE', GONE_ANNOTATION);
  for (const [id, fingerprint] of held.entries()) {
    if ((fingerprint & LISTED) !== 0 || fingerprint === gone) continue;
    if (outOfTime()) return stopCleanly('stale-result clean-up');
    counts.staleCleared += 1;
    await sink.add(toEvaluation(type, id, notApplicable(GONE_ANNOTATION), notificationTime));
  }
  deps.logger.info('sweep complete', { rule: rule.definition.id, ...counts });
}

/** The pipeline for an account-level rule: periodic only, one evaluation for the account. */
export async function runAccountRule<P, S>(
  rule: AccountRule<P, S>,
  event: unknown,
  deps: RunDependencies,
): Promise<Evaluation[]> {
  const inv = parseInvocation(event);
  const params = parseParameters(rule.definition.parameters, inv.ruleParameters);
  const message = inv.message;
  if (message.kind !== 'scheduled') {
    const type = message.kind === 'change' ? message.item.resourceType : message.summary.resourceType;
    throw new WrongResourceTypeError([`${rule.definition.resourceType} (periodic only)`], type);
  }
  const ctx = await ruleContext(inv, params, deps);
  const subject = await rule.load(ctx);
  const verdict = rule.evaluate(subject, params, deps.now?.() ?? new Date());
  const sink = openSink(inv, deps, true);
  // Like a sweep, record only a change: an unchanged account default costs nothing to re-check.
  if (inv.configRuleName && (await heldFingerprint(deps, inv.configRuleName, rule.definition.resourceType, ctx.accountId)) === resultFingerprint(verdict.complianceType, verdict.annotation)) {
    deps.logger.info('account result unchanged: nothing recorded', { rule: rule.definition.id, complianceType: verdict.complianceType });
    return [...(await sink.close())];
  }
  await sink.add(toEvaluation(rule.definition.resourceType, ctx.accountId, verdict, message.notificationCreationTime));
  return [...(await sink.close())];
}

/** The fingerprint of the result Config holds for one resource of the rule, or undefined when it holds none. */
async function heldFingerprint(deps: RunDependencies, ruleName: string, resourceType: string, resourceId: string): Promise<number | undefined> {
  let found: number | undefined;
  for await (const page of currentResults(deps.clients.config, ruleName, resourceType)) {
    for (const r of page) if (r.resourceId === resourceId) found = resultFingerprint(r.complianceType, r.annotation);
  }
  return found;
}
