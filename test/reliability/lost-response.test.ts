// The one fault that can make a batch arrive twice: AWS Config records a PutEvaluations, but the
// answer is lost on the way back (connection reset). The SDK cannot tell this from a request that
// never arrived, so it retries and the same batch is sent again. The front's own `drop` fault cuts
// the connection BEFORE forwarding, so it never produces this; a proxy between the bundle and the
// front does, here.
//
// What AWS Config does with the second copy: the API reference does not call PutEvaluations
// idempotent in so many words, but it identifies an evaluation result by rule, resource type,
// resource id and ordering timestamp (EvaluationResultIdentifier), and keeps one current result per
// rule and resource (GetComplianceDetailsByConfigRule lists each resource once). A resend of the same
// evaluation, same ordering timestamp, describes the same result, so it replaces the first with
// itself rather than adding a second. The front's stand-in stores results the same way; this test
// shows the wire-level duplicate and the single stored result side by side.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { scheduledEvent, startFront, startMoto, type Front, type MotoServer } from '../integration/harness';
import { motoClients, recordedPerResource, runBundle, listLaunchConfigurations, seedLaunchConfigurations, startProxy, type Proxy } from './support';

const ID = 'imdsv2-launch-configuration';
const COUNT = 300; // three batches

let moto: MotoServer;
let front: Front;
let proxy: Proxy;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
const listed: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  // The second PutEvaluations reaches the front (recorded), then its answer is thrown away.
  proxy = await startProxy({ upstream: front.url, loseResponse: (op, index) => op === 'PutEvaluations' && index === 1 });
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

test('a PutEvaluations recorded but unanswered is resent by the SDK: the batch arrives twice, Config keeps one result per resource', async () => {
  front.reset();
  const ruleName = 'lost-response';

  const run = await runBundle(front, ID, scheduledEvent({ ruleName }), { endpoint: proxy.url });

  expect(run.error).toBeUndefined();
  expect(run.returned!.map((e) => e.ComplianceResourceId)).toEqual(listed); // the kit itself sent each once
  // On the wire: four PutEvaluations, the second batch twice, identical.
  expect(front.config.puts.map((p) => p.evaluations.length)).toEqual([100, 100, 100, 100]);
  expect(front.config.puts[2].evaluations).toEqual(front.config.puts[1].evaluations);
  const counts = recordedPerResource(front, ruleName);
  expect(listed.map((id) => counts.get(id))).toEqual(listed.map((_, i) => (i >= 100 && i < 200 ? 2 : 1)));
  // Stored: one result per resource (NOT_APPLICABLE ones are not listed by Config).
  const stored = front.config.results(ruleName);
  expect(new Set(stored.map((r) => r.resourceId)).size).toBe(stored.length);
  expect(stored.length).toBe(run.returned!.filter((e) => e.ComplianceType !== 'NOT_APPLICABLE').length);
});
