// A sweep that runs close to the Lambda timeout stops cleanly between pages, with time to spare
// (DEFAULT_TIME_RESERVE_MS), instead of being killed mid-batch: every evaluation it made was
// delivered exactly once in whole batches, the stale-result clean-up (which needs a complete
// listing) was skipped, and a warning says what was not finished. The next run starts over and
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

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  proxy = await startProxy({
    upstream: front.url,
    delayMs: (op) => {
      if (op === 'GetComplianceDetailsByConfigRule') firstResultsReadAt ??= Date.now();
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

  // The clean-up was skipped: no results read, the stale one still there. Nothing ran after the stop.
  expect(front.countBy('GetComplianceDetailsByConfigRule')).toBe(0);
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
  expect(next.logs.find((l) => l.message === 'sweep complete')).toMatchObject({ pagesRead: 10, resources: COUNT, stale: 1 });
  // eslint-disable-next-line no-console
  console.log(`near the timeout: stopped after ${pages} of 10 pages in ${run.ms} ms (budget ${budgetMs} ms); the next run finished in ${next.ms} ms`);
}, 60_000);

test('the stale-result clean-up stops before the timeout too: what it cleared was delivered, the rest waits for the next run', async () => {
  front.reset();
  // Listing is quick; reading the previous results is slow (3,000 of them, 100 a page, ~300 ms a page).
  delays = { GetComplianceDetailsByConfigRule: PAGE_DELAY_MS };
  const ruleName = 'near-timeout-clean-up';
  const gone = Array.from({ length: 2_000 }, (_, i) => GONE.replace(/gone$/, `gone-${String(i).padStart(4, '0')}`));
  const previous = [...listed, ...gone].map((resourceId) => ({ resourceType: TYPE, resourceId, complianceType: 'COMPLIANT' as const }));
  front.config.seedResults(ruleName, previous);
  // Plenty of time while listing; from the first results read on, 1.5 s above the reserve that runs
  // down with the real clock, so the listing always finishes and the clean-up always runs short.
  firstResultsReadAt = undefined;
  const aboveReserveMs = 1_500;
  const context = {
    ...lambdaContext(ID),
    getRemainingTimeInMillis: () =>
      firstResultsReadAt === undefined ? 600_000 : DEFAULT_TIME_RESERVE_MS + aboveReserveMs - (Date.now() - firstResultsReadAt),
  };

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }), { context, endpoint: proxy.url });

  // Returned normally, having eaten at most one results page into the reserve (before the fix it read
  // all 30 pages, ~9 s, deep into the reserve: a real Lambda near its timeout would have been killed).
  expect(run.error).toBeUndefined();
  expect(Date.now() - firstResultsReadAt!).toBeLessThan(aboveReserveMs + 2 * PAGE_DELAY_MS + 500);
  const resultPages = front.countBy('GetComplianceDetailsByConfigRule');
  expect(resultPages).toBeGreaterThanOrEqual(1);
  expect(resultPages).toBeLessThan(30);

  // Every listed resource was evaluated, and the stale results cleared so far were delivered exactly once.
  const recorded = recordedPerResource(front, ruleName);
  const cleared = gone.filter((id) => recorded.has(id));
  expect(cleared.length).toBeLessThan(gone.length);
  expect(notExactlyOnce(recorded, [...listed, ...cleared])).toEqual({});
  expect(front.config.puts.every((p) => p.evaluations.length <= 100 && p.failed.length === 0)).toBe(true);
  const stopped = run.logs.filter((l) => l.message === 'sweep stopped before the Lambda timeout');
  expect(stopped).toEqual([
    expect.objectContaining({ level: 'WARN', rule: ID, pagesRead: 10, resourcesEvaluated: COUNT, staleCleared: cleared.length, unfinished: 'stale-result clean-up' }),
  ]);
  expect(run.logs.some((l) => l.message === 'sweep complete')).toBe(false);
  // eslint-disable-next-line no-console
  console.log(`clean-up near the timeout: stopped after ${resultPages} of 30 results pages, ${cleared.length} of ${gone.length} stale results cleared, ${run.ms} ms`);
}, 60_000);
