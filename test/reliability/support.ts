// Shared by the reliability suite: the REAL rule bundles (dist/lambda/<id>/index.js) run against moto
// through the recording front of test/integration/harness, counted at the front; a Lambda context whose
// remaining time runs down with the real clock; the bundles' log lines captured; and a small proxy for
// faults the front cannot make (latency, a response lost after the server acted).
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateLaunchConfigurationCommand,
  DescribeLaunchConfigurationsCommand,
  type AutoScalingClient,
  type LaunchConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { RunInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Evaluation } from '../../lambda/kit/evaluation-sink';
import { loadBundle, pool, sdkEnv, withEnv, type ConfigRuleEvent, type Front } from '../integration/harness';

export const REGION = 'us-east-1';
export const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs
export const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export { motoClients, pool } from '../integration/harness';

/**
 * `reservations` RunInstances calls of `perReservation` instances each. moto pages DescribeInstances
 * by reservation (MaxResults counts reservations there), so more than 1,000 reservations make the
 * rule's 1,000-a-page sweep read two pages. Every third reservation still allows IMDSv1.
 */
export async function seedInstances(ec2: EC2Client, reservations: number, perReservation: number): Promise<void> {
  await pool(reservations, 8, (i) =>
    ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        InstanceType: 't3.micro',
        MinCount: perReservation,
        MaxCount: perReservation,
        MetadataOptions: { HttpTokens: i % 3 === 0 ? 'optional' : 'required', HttpEndpoint: 'enabled' },
      }),
    ),
  );
}

/** `count` launch configurations `lc-0000`…, every fourth one without IMDSv2 required. */
export async function seedLaunchConfigurations(autoscaling: AutoScalingClient, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `lc-${String(i).padStart(4, '0')}`);
  await pool(count, 8, (i) =>
    autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: names[i],
        ImageId: AMI,
        InstanceType: 't3.micro',
        MetadataOptions: { HttpTokens: i % 4 === 0 ? 'optional' : 'required', HttpPutResponseHopLimit: 1 },
      }),
    ),
  );
  return names;
}

/** Every launch configuration in moto, in the order the rule's sweep lists them (100 a page). */
export async function listLaunchConfigurations(autoscaling: AutoScalingClient): Promise<LaunchConfiguration[]> {
  const all: LaunchConfiguration[] = [];
  let token: string | undefined;
  do {
    const page = await autoscaling.send(new DescribeLaunchConfigurationsCommand({ MaxRecords: 100, NextToken: token }));
    all.push(...(page.LaunchConfigurations ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

/** A Lambda context whose remaining time runs down with the real clock from `budgetMs`. */
export function lambdaContext(id: string, budgetMs = 900_000) {
  const started = Date.now();
  return {
    functionName: id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${id}`,
    memoryLimitInMB: '128',
    awsRequestId: `req-${started.toString(16)}`,
    logGroupName: `/aws/lambda/${id}`,
    logStreamName: 'reliability',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => budgetMs - (Date.now() - started),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One structured log line the bundle wrote (Powertools JSON). */
export type LogLine = Record<string, unknown> & { level?: string; message?: string };

export interface BundleRun {
  /** What the handler returned, when it returned. */
  readonly returned?: Evaluation[];
  /** What it threw, when it threw. */
  readonly error?: Error & { code?: string; failed?: ReadonlyArray<{ resourceType: string; resourceId: string }> };
  /** Every JSON line it logged to stdout or stderr, in order. */
  readonly logs: LogLine[];
  readonly ms: number;
}

/**
 * Loads the deployed bundle afresh under the SDK environment pointing at `endpoint` (the front, or a
 * proxy before it) and invokes it as Lambda would, capturing (and silencing) its log lines.
 * The event's result token is filed under its rule name at the front first.
 */
export async function runBundle(
  front: Front,
  id: string,
  event: ConfigRuleEvent,
  options: { readonly context?: ReturnType<typeof lambdaContext>; readonly endpoint?: string; readonly env?: Record<string, string> } = {},
): Promise<BundleRun> {
  front.config.registerEvent(event);
  const env = {
    ...sdkEnv({ url: options.endpoint ?? front.url }, REGION),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_DEV: undefined,
    ...options.env,
  };
  const logs: LogLine[] = [];
  const capture = (chunk: unknown): boolean => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ message: line });
      }
    }
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  const started = Date.now();
  try {
    const returned = (await withEnv(env, () => loadBundle(id).handler(event, options.context ?? lambdaContext(id)))) as Evaluation[];
    return { returned, logs, ms: Date.now() - started };
  } catch (error) {
    return { error: error as BundleRun['error'], logs, ms: Date.now() - started };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** How many times each resource id was recorded as accepted by the front's PutEvaluations stand-in. */
export function recordedPerResource(front: Front, ruleName: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of front.config.evaluations({ ruleName })) counts.set(e.ComplianceResourceId, (counts.get(e.ComplianceResourceId) ?? 0) + 1);
  return counts;
}

/** Ids whose count is not exactly one, with the count (an empty object when every id was recorded once). */
export function notExactlyOnce(counts: Map<string, number>, expectedIds: Iterable<string>): Record<string, number> {
  const wrong: Record<string, number> = {};
  const expected = new Set(expectedIds);
  for (const id of expected) if (counts.get(id) !== 1) wrong[id] = counts.get(id) ?? 0;
  for (const [id, n] of counts) if (!expected.has(id)) wrong[id] = n;
  return wrong;
}

export interface Proxy {
  readonly url: string;
  /** Requests seen, by operation (`X-Amz-Target` operation or form `Action`). */
  readonly seen: string[];
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** Where to forward (the front). */
  readonly upstream: string;
  /** Milliseconds to hold a request of this operation before forwarding it. */
  readonly delayMs?: (operation: string) => number;
  /**
   * Whether to throw away the upstream's answer to this request and cut the client's connection
   * instead: the server acted, the caller never hears so. `index` counts requests of the operation.
   */
  readonly loseResponse?: (operation: string, index: number) => boolean;
  /**
   * Whether to hold this request forever without forwarding it: the connection stays open and silent
   * until the client gives up (or the proxy stops). The upstream never sees it.
   */
  readonly stall?: (operation: string, index: number) => boolean;
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? `${req.method} ${req.url}`;
}

/** A pass-through HTTP proxy that can add latency, lose responses or stall, for what the front cannot fault. */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const upstream = new URL(options.upstream);
  const seen: string[] = [];
  const perOperation = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req, body);
      seen.push(operation);
      const index = perOperation.get(operation) ?? 0;
      perOperation.set(operation, index + 1);
      const lose = options.loseResponse?.(operation, index) ?? false;
      if (options.stall?.(operation, index)) return;
      const forward = () => {
        const headers = { ...req.headers, connection: 'close' };
        const up = httpRequest(
          { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent: false },
          (upRes) => {
            const answer: Buffer[] = [];
            upRes.on('data', (c: Buffer) => answer.push(c));
            upRes.on('end', () => {
              if (lose) {
                req.socket.destroy(); // the upstream acted; the caller sees a reset connection
                return;
              }
              const outHeaders = { ...upRes.headers };
              delete outHeaders.connection;
              delete outHeaders['keep-alive'];
              delete outHeaders['transfer-encoding'];
              res.writeHead(upRes.statusCode ?? 502, { ...outHeaders, 'content-length': Buffer.concat(answer).length });
              res.end(Buffer.concat(answer));
            });
          },
        );
        up.on('error', () => req.socket.destroy());
        up.end(body);
      };
      const delay = options.delayMs?.(operation) ?? 0;
      if (delay > 0) setTimeout(forward, delay);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
