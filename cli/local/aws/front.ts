import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AutoScalingStandIn } from './autoscaling-stand-in';
import { ConfigStandIn } from './config-stand-in';
import { Ec2StandIn } from './ec2-stand-in';
import { FaultPlan, faultResponse, type FaultKind, type FaultOptions } from './faults';
import { readBody } from './moto';
import { classify, errorResponse, type AwsRequest, type FrontResponse } from './protocol';

/**
 * The "front": an HTTP server between the SDK and moto, the one local AWS of the demo, the
 * integration tests and the bench. It forwards every request to moto unchanged, except the few
 * operations moto 5.2.1 lacks or gets wrong, which it answers itself from memory (ConfigStandIn,
 * Ec2StandIn, AutoScalingStandIn; see README.md here). It records every call, and can inject
 * seeded faults (reliability tests) or let a caller answer chosen requests (`setIntercept`).
 * It stands in for the emulator's gaps; it is no emulation of AWS.
 */

export type AnsweredBy = 'front' | 'moto' | 'fault';

export interface CallRecord {
  /** SigV4 signing name: `ec2`, `config`, `autoscaling`, `monitoring`, ...; `moto-api` for moto's own API. */
  readonly service: string;
  /** `X-Amz-Target` operation, form `Action`, or `METHOD /path` for REST. */
  readonly operation: string;
  readonly answeredBy: AnsweredBy;
  readonly region: string;
  /** HTTP status sent back; absent for a dropped connection. */
  readonly status?: number;
  readonly fault?: FaultKind;
  /** For calls the front answered itself: the parsed input (JSON body, or form fields). */
  readonly input?: unknown;
}

export interface StartFrontOptions {
  /** moto's base URL. */
  readonly upstream: string;
  readonly faults?: FaultOptions;
  /** Rule name for PutEvaluations whose token is not registered. @default DEFAULT_RULE_NAME */
  readonly ruleName?: string;
}

export interface Front {
  /** Point the SDK here (`endpoint`, or `AWS_ENDPOINT_URL` via sdkEnv). */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. Cleared in place by reset(). */
  readonly calls: readonly CallRecord[];
  readonly config: ConfigStandIn;
  readonly ec2: Ec2StandIn;
  /** Warm-pool instances for DescribeWarmPool (moto keeps none). */
  readonly autoscaling: AutoScalingStandIn;
  /** How many calls of this operation, optionally only those answered a given way. */
  countBy(operation: string, answeredBy?: AnsweredBy): number;
  /**
   * Answers requests the caller picks (before the stand-ins and moto): return a response to send it,
   * undefined to let the request through. For what moto cannot produce, e.g. an AssumeRole refused
   * or a region not enabled in one account. Cleared by reset().
   */
  setIntercept(intercept: Intercept | undefined): void;
  /** The account moto maps this request's access key to (moto keeps one backend per account). */
  accountOf(request: AwsRequest): Promise<string>;
  /** Turns fault injection on (re-seeded) or off. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Clears calls and all stand-in state, and re-seeds the fault PRNG. Does not touch moto. */
  reset(): void;
  /** Closes the server and every connection. Safe to call twice. */
  stop(): Promise<void>;
}

export type Intercept = (request: AwsRequest, front: Front) => FrontResponse | undefined | Promise<FrontResponse | undefined>;

// Headers that describe one hop, not the message; Node sets its own for our side of the connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection']);

export async function startFront(options: StartFrontOptions): Promise<Front> {
  const upstream = new URL(options.upstream);
  const calls: CallRecord[] = [];
  const config = new ConfigStandIn(options.ruleName);
  const ec2 = new Ec2StandIn();
  const autoscaling = new AutoScalingStandIn();
  let faultOptions = options.faults;
  let plan = faultOptions ? new FaultPlan(faultOptions) : undefined;
  let intercept: Intercept | undefined;
  const accounts = new Map<string, Promise<string>>();
  let self: Front;
  // Our own agent, so stop() can close the sockets to moto (the global agent keeps them alive).
  const agent = new Agent({ keepAlive: true });

  const standInAnswer = (request: AwsRequest): FrontResponse | undefined => {
    if (request.service === 'config' && request.protocol === 'json') return config.answer(request);
    if (request.service === 'ec2' && request.protocol === 'ec2') return ec2.answer(request);
    if (request.service === 'autoscaling' && request.protocol === 'query') return autoscaling.answer(request);
    return undefined;
  };

  const record = (request: AwsRequest, answeredBy: AnsweredBy, extra: Partial<CallRecord> = {}): void => {
    calls.push({ service: request.service, operation: request.operation, answeredBy, region: request.region, ...extra });
  };

  const forward = (request: AwsRequest, res: ServerResponse): void => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const upstreamRequest = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers, agent },
      (upstreamResponse) => {
        record(request, 'moto', { status: upstreamResponse.statusCode });
        const responseHeaders = Object.fromEntries(
          Object.entries(upstreamResponse.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
        );
        res.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
        upstreamResponse.pipe(res);
        upstreamResponse.on('error', () => res.destroy());
      },
    );
    upstreamRequest.on('error', (error) => {
      record(request, 'moto', { status: 502 });
      if (res.headersSent) res.destroy();
      else send(res, errorResponse(request, 502, 'BadGateway', `the front could not reach moto at ${upstream.href}: ${error.message}`));
    });
    upstreamRequest.end(request.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const request = classify(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    // Only signed AWS calls are faulted: moto's own API (reset) must stay reliable.
    const fault = request.signed ? plan?.next() : undefined;
    if (fault === 'drop') {
      record(request, 'fault', { fault });
      req.socket.destroy();
      return;
    }
    if (fault) {
      const response = faultResponse(request, fault);
      record(request, 'fault', { fault, status: response.status });
      send(res, response);
      return;
    }
    const picked = request.signed && intercept ? await intercept(request, self) : undefined;
    if (picked) {
      record(request, 'front', { status: picked.status, input: request.json ?? Object.fromEntries(request.form ?? []) });
      send(res, picked);
      return;
    }
    const own = standInAnswer(request);
    if (own) {
      record(request, 'front', { status: own.status, input: request.json ?? Object.fromEntries(request.form ?? []) });
      send(res, own);
      return;
    }
    forward(request, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the front should fail the caller loudly, not hang it.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`imdsv2-guard local front failed: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  /** moto does not check signatures: a GetCallerIdentity under the same access key tells its account. */
  const accountOf = (request: AwsRequest): Promise<string> => {
    const key = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    let known = accounts.get(key);
    if (!known) {
      known = new Promise<string>((resolve, reject) => {
        const body = 'Action=GetCallerIdentity&Version=2011-06-15';
        const r = httpRequest(
          {
            protocol: upstream.protocol,
            hostname: upstream.hostname,
            port: upstream.port,
            path: '/',
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(body),
              authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0`,
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (c: Buffer) => chunks.push(c));
            response.on('end', () => {
              const account = /<Account>(\d{12})<\/Account>/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
              if (account) resolve(account);
              else reject(new Error(`moto did not say which account ${key} belongs to`));
            });
          },
        );
        r.on('error', reject);
        r.end(body);
      });
      accounts.set(key, known);
    }
    return known;
  };

  let stopping: Promise<void> | undefined;
  self = {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    config,
    ec2,
    autoscaling,
    countBy: (operation, answeredBy) =>
      calls.filter((c) => c.operation === operation && (answeredBy === undefined || c.answeredBy === answeredBy)).length,
    setIntercept(fn) {
      intercept = fn;
    },
    accountOf,
    setFaults(faults) {
      faultOptions = faults;
      plan = faults ? new FaultPlan(faults) : undefined;
    },
    reset() {
      calls.length = 0;
      intercept = undefined;
      config.reset();
      ec2.reset();
      autoscaling.reset();
      plan = faultOptions ? new FaultPlan(faultOptions) : undefined;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients hold keep-alive connections; close() alone would wait for them to idle out.
        server.closeAllConnections();
        agent.destroy();
      });
      return stopping;
    },
  };
  return self;
}


function send(res: ServerResponse, response: FrontResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
