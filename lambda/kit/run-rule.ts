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
import { currentResultIds } from './stale-results';
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

type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> | undefined;

async function ruleContext<P>(inv: RuleInvocation, params: P, deps: RunDependencies, item?: ConfigurationItem): Promise<RuleContext<P>> {
  const region = item?.awsRegion ?? (await deps.clients.ec2.config.region());
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
        const verdict = subject === undefined ? notApplicable('The resource no longer exists.') : rule.evaluate(subject, params, now);
        // Evaluations use the item's own resourceType and resourceId, exactly as Config gave them.
        await sink.add(toEvaluation(item.resourceType, summary.resourceId, verdict, at));
      }
    }
  }
  return [...(await sink.close())];
}

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
  const seen = new IdSet();
  let pages = 0;
  let stopped = false;
  /** Sends what was evaluated and says what was left for the next run, instead of being killed mid-batch. */
  const stopCleanly = async (unfinished: string, counts: Record<string, number>) => {
    await sink.flush();
    deps.logger.warn('sweep stopped before the Lambda timeout', {
      rule: rule.definition.id,
      pagesRead: pages,
      ...counts,
      unfinished,
      remainingMs: lambdaContext?.getRemainingTimeInMillis(),
    });
  };

  for await (const page of rule.listPages(ctx)) {
    pages += 1;
    for (const subject of page) {
      const id = rule.resourceIdOf(subject);
      if (!seen.add(id)) continue; // a resource listed twice (moved between pages) is evaluated once
      await sink.add(toEvaluation(type, id, rule.evaluate(subject, params, now), notificationTime));
    }
    if (outOfTime()) {
      stopped = true;
      break;
    }
  }

  if (stopped) {
    // Results for resources not reached are left as they were; clearing stale results needs a
    // complete listing, so it is skipped too. The next sweep starts again from the first page.
    await stopCleanly('resources after the last page read; stale-result clean-up', { resourcesEvaluated: seen.size });
    return;
  }

  // The clean-up pages through every current result (100 a call): at 100,000 resources that alone
  // outlasts the reserve, so it watches the clock too. What it has not reached waits for the next run.
  let stale = 0;
  for await (const id of currentResultIds(deps.clients.config, ruleName, type)) {
    if (outOfTime()) {
      stopped = true;
      break;
    }
    if (!seen.add(id)) continue;
    stale += 1;
    await sink.add(toEvaluation(type, id, notApplicable('The resource no longer exists.'), notificationTime));
  }
  if (stopped) {
    await stopCleanly('stale-result clean-up', { resourcesEvaluated: seen.size - stale, staleCleared: stale });
    return;
  }
  deps.logger.info('sweep complete', { rule: rule.definition.id, pagesRead: pages, resources: seen.size - stale, stale });
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
  await sink.add(toEvaluation(rule.definition.resourceType, ctx.accountId, verdict, message.notificationCreationTime));
  return [...(await sink.close())];
}
