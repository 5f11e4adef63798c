// Fault tolerance, counted at the front: with 30% of EVERY call the bundle makes failing (throttling
// errors in each protocol's own code, HTTP 500s, connections dropped before any answer), a periodic
// sweep of a few thousand resources still delivers exactly one evaluation per resource per run:
// none lost, none duplicated, the same verdicts as a run without faults.
//
// What is and is not tested here:
// - The front faults a request BEFORE it reaches moto or the PutEvaluations stand-in (a `drop` closes
//   the socket without forwarding), so a faulted PutEvaluations is never recorded and the SDK's retry
//   is the first delivery. "Exactly once at the front" therefore proves the kit neither loses a batch
//   (all retries exhausted → it would throw, not skip) nor sends one twice itself.
// - The other case, a PutEvaluations AWS Config recorded but whose answer never arrived, makes the
//   SDK send that batch again: see lost-response.test.ts.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { scheduledEvent, startFront, startMoto, type Front, type MotoServer, type RecordedEvaluation } from '../integration/harness';
import { motoClients, notExactlyOnce, recordedPerResource, runBundle, seedInstances, listLaunchConfigurations, seedLaunchConfigurations } from './support';

// moto pages DescribeInstances by reservation: 1,050 reservations of 2 make a two-page sweep.
const RESERVATIONS = 1_050;
const PER_RESERVATION = 2;
const LAUNCH_CONFIGURATIONS = 1_000;
/** Results the previous run left for resources that are gone: the clean-up must clear each once. */
const STALE = 40;

// A fixed seed faults the same requests every run (each sweep's requests come in a fixed order).
// With seed 1 every fault kind hits, and every operation the sweeps make is faulted (asserted below),
// while the sweeps stay around 20 s: adaptive retry slows a client down after each throttle.
const FAULTS = { rate: 0.3, seed: 1 } as const;

let moto: MotoServer;
let front: Front;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
let instanceIds: string[];
let launchConfigurationArns: string[];

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  ({ ec2, autoscaling } = motoClients(moto.url));
  await Promise.all([seedInstances(ec2, RESERVATIONS, PER_RESERVATION), seedLaunchConfigurations(autoscaling, LAUNCH_CONFIGURATIONS)]);
  const out = await ec2.send(new DescribeInstancesCommand({ MaxResults: 100_000 }));
  instanceIds = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
  launchConfigurationArns = [];
  launchConfigurationArns.push(...(await listLaunchConfigurations(autoscaling)).map((lc) => lc.LaunchConfigurationARN!));
}, 180_000);

afterAll(async () => {
  ec2?.destroy();
  autoscaling?.destroy();
  await front?.stop();
  await moto?.stop();
});

interface Case {
  readonly id: string;
  readonly resourceType: string;
  readonly ids: () => string[];
  readonly staleId: (i: number) => string;
}

const CASES: Case[] = [
  {
    id: 'imdsv2-instance',
    resourceType: 'AWS::EC2::Instance',
    ids: () => instanceIds,
    staleId: (i) => `i-0gone${String(i).padStart(12, '0')}`,
  },
  {
    id: 'imdsv2-launch-configuration',
    resourceType: 'AWS::AutoScaling::LaunchConfiguration',
    ids: () => launchConfigurationArns,
    staleId: (i) => `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:00000000-0000-4000-8000-${String(i).padStart(12, '0')}:launchConfigurationName/gone-${i}`,
  },
];

/** One sweep as Config runs it the day after: the previous run's results are there, some for resources now gone. */
async function sweep(c: Case, faults: typeof FAULTS | undefined) {
  front.reset();
  front.setFaults(undefined);
  const ruleName = `${c.id}-${faults ? 'faulted' : 'clean'}`;
  const stale = Array.from({ length: STALE }, (_, i) => c.staleId(i));
  front.config.seedResults(ruleName, [
    ...c.ids().map((resourceId) => ({ resourceType: c.resourceType, resourceId, complianceType: 'COMPLIANT' as const })),
    ...stale.map((resourceId) => ({ resourceType: c.resourceType, resourceId, complianceType: 'NON_COMPLIANT' as const })),
  ]);
  front.setFaults(faults);
  const run = await runBundle(front, c.id, scheduledEvent({ ruleName, notificationCreationTime: '2026-02-03T05:00:00.000Z' }));
  front.setFaults(undefined);
  return { run, ruleName, stale };
}

const verdicts = (evaluations: RecordedEvaluation[]) =>
  new Map(evaluations.map((e) => [e.ComplianceResourceId, `${e.ComplianceType} ${e.Annotation ?? ''}`]));

describe.each(CASES.map((c) => [c.id, c] as const))('%s: periodic sweep with 30%% faults on every call', (_id, c) => {
  test('exactly one evaluation per resource reaches Config, the same as without faults', async () => {
    const clean = await sweep(c, undefined);
    expect(clean.run.error).toBeUndefined();
    const cleanVerdicts = verdicts(front.config.evaluations({ ruleName: clean.ruleName }));
    const cleanCalls = front.calls.length;

    const { run, ruleName, stale } = await sweep(c, FAULTS);

    // Returned normally, having evaluated every listed resource and cleared every stale result.
    expect(run.error).toBeUndefined();
    expect(run.returned).toHaveLength(c.ids().length + STALE);
    const complete = run.logs.find((l) => l.message === 'sweep complete');
    // The seeded results carry no annotation, so every listed resource differs from what Config holds and is sent.
    expect(complete).toMatchObject({ resourcesEvaluated: c.ids().length, changed: c.ids().length, staleCleared: STALE });

    // Counted at the front: one accepted evaluation per resource, nothing for anything else.
    const counts = recordedPerResource(front, ruleName);
    expect(notExactlyOnce(counts, [...c.ids(), ...stale])).toEqual({});
    for (const put of front.config.puts) expect(put.failed).toEqual([]);

    // Same verdicts and annotations as the fault-free run.
    expect(verdicts(front.config.evaluations({ ruleName }))).toEqual(cleanVerdicts);
    const results = front.config.results(ruleName);
    expect(results).toHaveLength(c.ids().filter((id) => !cleanVerdicts.get(id)!.startsWith('NOT_APPLICABLE')).length);

    // The faults really happened, of every kind, on every operation the sweep makes.
    const faulted = front.calls.filter((call) => call.answeredBy === 'fault');
    const byKind = (kind: string) => faulted.filter((f) => f.fault === kind).length;
    expect(faulted.length / front.calls.length).toBeGreaterThan(0.2);
    for (const kind of ['throttle', '500', 'drop']) expect(byKind(kind)).toBeGreaterThan(0);
    const operations = new Set(front.calls.filter((call) => call.answeredBy !== 'fault').map((call) => call.operation));
    for (const operation of operations) expect(faulted.some((f) => f.operation === operation)).toBe(true);
    // Every fault cost exactly one retry: the answered calls are the fault-free run's calls.
    expect(front.calls.length - faulted.length).toBe(cleanCalls);
    // eslint-disable-next-line no-console
    console.log(
      `${c.id}: ${c.ids().length} resources + ${STALE} stale, ${front.calls.length} calls of which ${faulted.length} faulted ` +
        `(${byKind('throttle')} throttle, ${byKind('500')} 500, ${byKind('drop')} drop), ${run.ms} ms (fault-free: ${clean.run.ms} ms)`,
    );
  }, 150_000);
});
