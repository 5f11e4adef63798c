// PutEvaluations can succeed as a call yet not record some entries: it lists them in
// FailedEvaluations. The bundle resends exactly those; whatever still fails after the resends makes
// the invocation throw an error that names each one, but only after every other batch was delivered
// (one bad entry must not cost the rest of a sweep). Counted at the front's PutEvaluations stand-in,
// which answers `failNext` entries in FailedEvaluations and does not store them, as Config does.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { scheduledEvent, startFront, startMoto, type Front, type MotoServer } from '../integration/harness';
import { motoClients, notExactlyOnce, recordedPerResource, runBundle, listLaunchConfigurations, seedLaunchConfigurations } from './support';

const ID = 'imdsv2-launch-configuration';
const COUNT = 250; // three PutEvaluations batches: 100, 100, 50

let moto: MotoServer;
let front: Front;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
/** name → ARN (Config's resource id for this type). */
const arns = new Map<string, string>();
/** ARNs in the order DescribeLaunchConfigurations lists them, which is the order they are sent in. */
const listed: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  ({ ec2, autoscaling } = motoClients(moto.url));
  await seedLaunchConfigurations(autoscaling, COUNT);
  for (const lc of await listLaunchConfigurations(autoscaling)) {
    arns.set(lc.LaunchConfigurationName!, lc.LaunchConfigurationARN!);
    listed.push(lc.LaunchConfigurationARN!);
  }
}, 120_000);

afterAll(async () => {
  ec2?.destroy();
  autoscaling?.destroy();
  await front?.stop();
  await moto?.stop();
});

beforeEach(() => front.reset());

/** The ARN sent at this position of the sweep (batches are positions 0-99, 100-199, 200-249). */
const at = (position: number) => listed[position];

test('entries answered in FailedEvaluations are resent, alone, and then recorded exactly once', async () => {
  const flaky = new Set([3, 42, 99, 100, 199].map(at));
  // Each fails once (the first time it is sent), then Config records it.
  const failedOnce = new Set<string>();
  front.config.failNext(flaky.size, (e) => {
    if (!flaky.has(e.ComplianceResourceId) || failedOnce.has(e.ComplianceResourceId)) return false;
    failedOnce.add(e.ComplianceResourceId);
    return true;
  });
  const ruleName = 'failed-once';

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }));

  expect(run.error).toBeUndefined();
  expect(run.returned).toHaveLength(COUNT);
  expect(notExactlyOnce(recordedPerResource(front, ruleName), arns.values())).toEqual({});
  // Batches as sent: each batch, then a resend of just its failed entries.
  const shape = front.config.puts.map((p) => `${p.evaluations.length}/${p.failed.length}`);
  expect(shape).toEqual(['100/3', '3/0', '100/2', '2/0', '50/0']);
  expect(front.config.puts[1].evaluations.map((e) => e.ComplianceResourceId)).toEqual([at(3), at(42), at(99)]);
  expect(front.config.puts[3].evaluations.map((e) => e.ComplianceResourceId)).toEqual([at(100), at(199)]);
  const resends = run.logs.filter((l) => l.message === 'evaluations sent' && l.resend === 1);
  expect(resends.map((l) => l.count)).toEqual([3, 2]);
});

test('entries still failing after the resends: the invocation throws, naming each, after every other evaluation was delivered', async () => {
  const stuck = [5, 150, 249].map(at); // one in each batch
  front.config.failNext(1_000, (e) => stuck.includes(e.ComplianceResourceId));
  const ruleName = 'failed-always';
  // One result the previous run left for a launch configuration that is gone: the clean-up still runs.
  const gone = 'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:00000000-0000-4000-8000-000000000000:launchConfigurationName/gone';
  front.config.seedResults(ruleName, [{ resourceType: 'AWS::AutoScaling::LaunchConfiguration', resourceId: gone, complianceType: 'NON_COMPLIANT' }]);

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }));

  expect(run.returned).toBeUndefined();
  expect(run.error).toMatchObject({ name: 'EvaluationsNotRecordedError', code: 'EvaluationsNotRecorded' });
  expect(run.error!.failed).toEqual(stuck.map((resourceId) => ({ resourceType: 'AWS::AutoScaling::LaunchConfiguration', resourceId })));
  for (const id of stuck) expect(run.error!.message).toContain(id);
  expect(run.error!.message).toMatch(/^AWS Config did not record 3 evaluation\(s\): /);

  // Everything else, stale clean-up included, was delivered exactly once.
  const others = [...arns.values()].filter((id) => !stuck.includes(id));
  expect(notExactlyOnce(recordedPerResource(front, ruleName), [...others, gone])).toEqual({});
  // Each stuck entry was sent four times (first try + 3 resends), never recorded.
  const attempts = (id: string) => front.config.puts.flatMap((p) => p.failed).filter((e) => e.ComplianceResourceId === id).length;
  expect(stuck.map(attempts)).toEqual([4, 4, 4]);
  expect(run.logs.filter((l) => l.message === 'evaluations not recorded').map((l) => l.count)).toEqual([1, 1, 1]);
}, 30_000);
