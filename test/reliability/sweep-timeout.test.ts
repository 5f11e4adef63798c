// A sweep that runs close to the Lambda timeout stops cleanly between pages, with time to spare
// (DEFAULT_TIME_RESERVE_MS), instead of being killed mid-batch: every evaluation it made was
// delivered exactly once in whole batches, the stale-result clean-up (which needs a complete
// listing) was skipped, and a warning says what was not finished. (The sweep reads the results
// Config holds first, to send only what changed: that read is done before the listing starts.) The next run starts over and
// finishes. The Lambda context's remaining time runs down with the real clock, as in Lambda; a proxy
// before the front makes each DescribeLaunchConfigurations page take ~300 ms, as a big account's would.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULT_TIME_RESERVE_MS } from '../../lambda/kit/run-rule';
import { scheduledEvent, startFront, startMoto, type Front, type MotoServer } from '../integration/harness';
import {
  lambdaContext,
  listLaunchConfigurations,
  motoClients,
  notExactlyOnce,
  recordedPerResource,
  runBundle,
  seedLaunchConfigurations,
  startProxy,
  type Proxy,
} from './support';

const ID = 'imdsv2-launch-configuration';
const TYPE = 'AWS::AutoScaling::LaunchConfiguration';
const COUNT = 1_000; // ten pages of 100
const PAGE_DELAY_MS = 300;
const GONE = `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:00000000-0000-4000-8000-000000000000:launchConfigurationName/gone`;

let moto: MotoServer;
let front: Front;
let proxy: Proxy;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
const listed: string[] = [];
/** Latency the proxy adds per operation (ms). */
let delays: Record<string, number> = {};
/** When the bundle first asked for the previous results (the clean-up began). */
let firstResultsReadAt: number | undefined;
/** When the bundle first sent evaluations. */
let firstPutAt: number | undefined;

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  proxy = await startProxy({
    upstream: front.url,
    delayMs: (op) => {
      if (op === 'GetComplianceDetailsByConfigRule') firstResultsReadAt ??= Date.now();
      if (op === 'PutEvaluations') firstPutAt ??= Date.now();
      return delays[op] ?? 0;
    },
  });
  ({ ec2, autoscaling } = motoClients(moto.url));
  await seedLaunchConfigurations(autoscaling, COUNT);
  listed.push(...(await listLaunchConfigurations(autoscaling)).map((lc) => lc.LaunchConfigurationARN!));
}, 120_000);

afterAll(async () => {
  ec2?.destroy();
  autoscaling?.destroy();
  await proxy?.stop();
  await front?.stop();
  await moto?.stop();
});

test('stops between pages before the timeout, delivers what it evaluated exactly once, skips the clean-up, says what is unfinished; the next run finishes', async () => {
  front.reset();
  delays = { DescribeLaunchConfigurations: PAGE_DELAY_MS };
  const ruleName = 'near-timeout';
  front.config.seedResults(ruleName, [{ resourceType: TYPE, resourceId: GONE, complianceType: 'NON_COMPLIANT' }]);
  // About three pages' worth of time above the reserve.
  const budgetMs = DEFAULT_TIME_RESERVE_MS + 3 * PAGE_DELAY_MS + 100;

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }), { context: lambdaContext(ID, budgetMs), endpoint: proxy.url });

  // Returned normally, well inside the budget, having read some pages but not all.
  expect(run.error).toBeUndefined();
  expect(run.ms).toBeLessThan(budgetMs - DEFAULT_TIME_RESERVE_MS / 2);
  const pages = front.countBy('DescribeLaunchConfigurations');
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThan(COUNT / 100);

  // What it evaluated: exactly the listed pages, each delivered once, in whole batches.
  const evaluated = listed.slice(0, pages * 100);
  expect(run.returned!.map((e) => e.ComplianceResourceId)).toEqual(evaluated);
  expect(notExactlyOnce(recordedPerResource(front, ruleName), evaluated)).toEqual({});
  expect(front.config.puts.map((p) => p.evaluations.length)).toEqual(Array(pages).fill(100));

  // The clean-up was skipped: the stale result (read before the listing) is still there. Nothing ran after the stop.
  expect(front.countBy('GetComplianceDetailsByConfigRule')).toBe(1);
  expect(front.config.results(ruleName).map((r) => r.resourceId)).toContain(GONE);
  expect(front.calls[front.calls.length - 1].operation).toBe('PutEvaluations');

  // One warning names what was not finished, and no completion line.
  const stopped = run.logs.filter((l) => l.message === 'sweep stopped before the Lambda timeout');
  expect(stopped).toEqual([
    expect.objectContaining({
      level: 'WARN',
      rule: ID,
      pagesRead: pages,
      resourcesEvaluated: pages * 100,
      changed: pages * 100,
      unfinished: 'resources after the last page read; stale-result clean-up',
    }),
  ]);
  expect(stopped[0].remainingMs as number).toBeGreaterThan(DEFAULT_TIME_RESERVE_MS / 2);
  expect(run.logs.some((l) => l.message === 'sweep complete')).toBe(false);

  // The next run (a full Lambda timeout) starts again from the first page and finishes everything.
  front.reset();
  front.config.seedResults(ruleName, [{ resourceType: TYPE, resourceId: GONE, complianceType: 'NON_COMPLIANT' }]);
  const next = await runBundle(front, ID, scheduledEvent({ ruleName }), { endpoint: proxy.url });
  expect(next.error).toBeUndefined();
  expect(notExactlyOnce(recordedPerResource(front, ruleName), [...listed, GONE])).toEqual({});
  expect(next.logs.find((l) => l.message === 'sweep complete')).toMatchObject({ pagesRead: 10, resourcesEvaluated: COUNT, changed: COUNT, staleCleared: 1 });
  // eslint-disable-next-line no-console
  console.log(`near the timeout: stopped after ${pages} of 10 pages in ${run.ms} ms (budget ${budgetMs} ms); the next run finished in ${next.ms} ms`);
}, 60_000);

test('the stale-result clean-up stops before the timeout too: what it cleared was delivered, the rest waits for the next run', async () => {
  front.reset();
  const ruleName = 'near-timeout-clean-up';
  // A first, unhurried run records every listed launch configuration; then 2,000 more results appear
  // for launch configurations that no longer exist.
  const first = await runBundle(front, ID, scheduledEvent({ ruleName }), { endpoint: proxy.url });
  expect(first.error).toBeUndefined();
  const gone = Array.from({ length: 2_000 }, (_, i) => GONE.replace(/gone$/, `gone-${String(i).padStart(4, '0')}`));
  front.config.seedResults(ruleName, gone.map((resourceId) => ({ resourceType: TYPE, resourceId, complianceType: 'COMPLIANT' as const })));
  const putsBefore = front.config.puts.length;
  // The listing sends nothing (unchanged); clearing 2,000 results takes 20 batches of ~300 ms. From the
  // first batch on, 1.5 s above the reserve that runs down with the real clock.
  delays = { PutEvaluations: PAGE_DELAY_MS };
  firstPutAt = undefined;
  const aboveReserveMs = 1_500;
  const context = {
    ...lambdaContext(ID),
    getRemainingTimeInMillis: () => (firstPutAt === undefined ? 600_000 : DEFAULT_TIME_RESERVE_MS + aboveReserveMs - (Date.now() - firstPutAt)),
  };

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }), { context, endpoint: proxy.url });
  delays = {};

  // Returned normally, at most one batch into the reserve.
  expect(run.error).toBeUndefined();
  expect(Date.now() - firstPutAt!).toBeLessThan(aboveReserveMs + 2 * PAGE_DELAY_MS + 500);

  // Nothing listed was sent again; the stale results cleared so far were delivered exactly once, the rest are still held.
  const puts = front.config.puts.slice(putsBefore);
  const cleared = puts.flatMap((p) => p.evaluations.map((e) => e.ComplianceResourceId));
  expect(cleared.length).toBeGreaterThan(0);
  expect(cleared.length).toBeLessThan(gone.length);
  expect(new Set(cleared).size).toBe(cleared.length);
  expect(cleared.every((id) => gone.includes(id))).toBe(true);
  expect(puts.every((p) => p.evaluations.every((e) => e.ComplianceType === 'NOT_APPLICABLE') && p.failed.length === 0)).toBe(true);
  const stopped = run.logs.filter((l) => l.message === 'sweep stopped before the Lambda timeout');
  expect(stopped).toEqual([
    expect.objectContaining({ level: 'WARN', rule: ID, pagesRead: 10, resourcesEvaluated: COUNT, changed: 0, staleCleared: expect.any(Number), unfinished: 'stale-result clean-up' }),
  ]);
  // Counted when added to the batch; what was delivered is at most that (the last partial batch is flushed).
  expect(cleared.length).toBe(stopped[0].staleCleared);
  expect(run.logs.some((l) => l.message === 'sweep complete')).toBe(false);

  // The next run clears the rest, and only the rest.
  const next = await runBundle(front, ID, scheduledEvent({ ruleName }), { endpoint: proxy.url });
  expect(next.error).toBeUndefined();
  expect(next.returned!.map((e) => e.ComplianceResourceId).sort()).toEqual(gone.filter((id) => !cleared.includes(id)).sort());
  // eslint-disable-next-line no-console
  console.log(`clean-up near the timeout: ${cleared.length} of ${gone.length} stale results cleared before stopping, ${run.ms} ms`);
}, 90_000);
