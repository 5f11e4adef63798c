// A connection that stops answering: the request reached a server, no byte comes back, the socket
// stays open. The SDK's HTTP handler has no timeout by default, so without one the invocation would
// wait until Lambda killed it, mid-batch. The clients built by lambda/kit/clients.ts set a socket
// (inactivity) timeout: the stalled call fails as a TimeoutError and the SDK retries it.
//
// Runs the rule's own code in this process with clients from createClients (the bundles build the
// same clients with the 30 s default, too long to wait for here), through a proxy that holds
// chosen requests without answering, before the recording front and moto.
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { createClients, sdkClientConfig, DEFAULT_SOCKET_TIMEOUT_MS } from '../../lambda/kit/clients';
import { makeHandler } from '../../lambda/rules/imdsv2-instance/handler';
import { scheduledEvent, startFront, startMoto, type Front, type MotoServer } from '../integration/harness';
import { CapturingLogger } from '../kit/support';
import { credentials, lambdaContext, motoClients, recordedPerResource, REGION, seedInstances, startProxy, type Proxy } from './support';

// Long enough that moto answering a real call on a busy CI machine is never mistaken for a stall.
const TIMEOUT_MS = 2_000;

let moto: MotoServer;
let front: Front;
let proxy: Proxy;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
let instanceIds: string[] = [];
/** Requests the proxy held without answering or forwarding, by operation. */
const stalls = new Map<string, number>();
/** Which requests to hold: the first DescribeInstances and the first PutEvaluations. */
const toStall = new Set(['DescribeInstances#0', 'PutEvaluations#0']);

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  proxy = await startProxy({
    upstream: front.url,
    stall: (operation, index) => {
      if (!toStall.has(`${operation}#${index}`)) return false;
      stalls.set(operation, (stalls.get(operation) ?? 0) + 1);
      return true;
    },
  });
  ({ ec2, autoscaling } = motoClients(moto.url));
  await seedInstances(ec2, 3, 50);
  const { Reservations } = await ec2.send(new DescribeInstancesCommand({}));
  instanceIds = (Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}, 120_000);

afterAll(async () => {
  ec2?.destroy();
  autoscaling?.destroy();
  await proxy?.stop();
  await front?.stop();
  await moto?.stop();
});

test('the default client configuration sets a socket and a connection timeout', () => {
  expect(sdkClientConfig().requestHandler).toEqual({ socketTimeout: DEFAULT_SOCKET_TIMEOUT_MS, connectionTimeout: 5_000 });
  expect(DEFAULT_SOCKET_TIMEOUT_MS).toBe(30_000);
});

test('a stalled DescribeInstances and a stalled PutEvaluations are abandoned and retried: every instance evaluated exactly once', async () => {
  front.reset();
  const ruleName = 'stalled-connection';
  const event = scheduledEvent({ ruleName });
  front.config.registerEvent(event);
  const clients = createClients({ region: REGION, credentials, endpoint: proxy.url, socketTimeoutMs: TIMEOUT_MS });
  const logger = new CapturingLogger();
  const handler = makeHandler(() => ({ clients, logger, resendDelayMs: 0 }));

  const started = Date.now();
  const returned = await handler(event, lambdaContext('imdsv2-instance'));
  const ms = Date.now() - started;

  expect([...stalls.entries()].sort()).toEqual([['DescribeInstances', 1], ['PutEvaluations', 1]]);
  expect(returned.map((e) => e.ComplianceResourceId).sort()).toEqual([...instanceIds].sort());
  const counts = recordedPerResource(front, ruleName);
  expect(instanceIds.filter((id) => counts.get(id) !== 1)).toEqual([]);
  // Each stall was waited out once (without the timeout the handler would never return).
  expect(ms).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
  for (const c of Object.values(clients)) c.destroy();
}, 60_000);
