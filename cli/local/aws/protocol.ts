import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The wire protocols the AWS SDK v3 clients we use speak:
 * - `json`: AWS JSON 1.0/1.1 (Config, and CloudWatch in current SDKs), operation in `X-Amz-Target`.
 * - `query`: awsQuery (Auto Scaling, STS), form body with `Action=`, XML answers.
 * - `ec2`: ec2Query, the same form body with its own XML answer and error shapes.
 * - `cbor`: Smithy RPC v2 CBOR, operation in the URL path.
 * - `rest`: anything else (REST-JSON/REST-XML services, `/moto-api/`).
 */
export type Protocol = 'json' | 'query' | 'ec2' | 'cbor' | 'rest';

export interface AwsRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The SigV4 signing name (`ec2`, `config`, `autoscaling`, `monitoring`, ...) or a best guess. */
  readonly service: string;
  readonly operation: string;
  readonly protocol: Protocol;
  /** From the SigV4 credential scope; `us-east-1` when unsigned. */
  readonly region: string;
  /** Whether the request carries SigV4 auth: only those are AWS API calls (and can be faulted). */
  readonly signed: boolean;
  /** Parsed body of a `json` request. */
  readonly json?: Record<string, unknown>;
  /** Parsed form of a `query`/`ec2` request. */
  readonly form?: URLSearchParams;
}

/** Response the front writes itself (stand-ins and faults). */
export interface FrontResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

// Only needed for unsigned requests; signed ones name their service in the credential scope.
const TARGET_PREFIX_TO_SERVICE: Record<string, string> = {
  StarlingDoveService: 'config',
  GraniteServiceVersion20100801: 'monitoring',
  AmazonSSM: 'ssm',
};

export function classify(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AwsRequest {
  const auth = headerValue(headers, 'authorization') ?? '';
  const scope = CREDENTIAL_SCOPE.exec(auth);
  const region = scope?.[1] ?? 'us-east-1';
  const signed = scope !== null;
  const target = headerValue(headers, 'x-amz-target');
  const contentType = headerValue(headers, 'content-type') ?? '';
  const base = { method, url, headers, body, region, signed };

  if (target) {
    const [prefix, operation = target] = target.split('.');
    const service = scope?.[2] ?? TARGET_PREFIX_TO_SERVICE[prefix] ?? prefix.toLowerCase();
    return { ...base, service, operation, protocol: 'json', json: parseJson(body) };
  }

  const path = url.split('?')[0];
  const cbor = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(path);
  if (cbor && contentType.includes('cbor')) {
    return { ...base, service: scope?.[2] ?? cbor[1].toLowerCase(), operation: cbor[2], protocol: 'cbor' };
  }

  if (contentType.includes('application/x-www-form-urlencoded') || url.includes('Action=')) {
    const form = new URLSearchParams(contentType.includes('form-urlencoded') ? body.toString('utf8') : '');
    const query = new URLSearchParams(url.split('?')[1] ?? '');
    const action = form.get('Action') ?? query.get('Action');
    if (action) {
      const service = scope?.[2] ?? 'unknown';
      return { ...base, service, operation: action, protocol: service === 'ec2' ? 'ec2' : 'query', form };
    }
  }

  if (path.startsWith('/moto-api')) {
    return { ...base, service: 'moto-api', operation: `${method} ${path}`, protocol: 'rest' };
  }
  return { ...base, service: scope?.[2] ?? 'unknown', operation: `${method} ${path}`, protocol: 'rest' };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function requestId(): string {
  return randomUUID();
}

export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A successful AWS JSON answer. Timestamps must already be epoch seconds (the JSON protocol's default). */
export function jsonResponse(request: AwsRequest, payload: unknown, status = 200): FrontResponse {
  return {
    status,
    headers: {
      'content-type': headerValue(request.headers, 'content-type') ?? 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId(),
    },
    body: JSON.stringify(payload),
  };
}

export function xmlResponse(body: string, status = 200): FrontResponse {
  return { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
}

/**
 * An error in the request's own protocol, shaped as AWS sends it, so the SDK's deserializer maps
 * `code` to its modelled exception class (or a generic one named `code`).
 * `type` is the awsQuery fault side: `Sender` for client errors, `Receiver` for server errors.
 */
export function errorResponse(request: AwsRequest, status: number, code: string, message: string): FrontResponse {
  const id = requestId();
  switch (request.protocol) {
    case 'json':
      return {
        status,
        headers: {
          'content-type': headerValue(request.headers, 'content-type') ?? 'application/x-amz-json-1.1',
          'x-amzn-requestid': id,
        },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'ec2':
      return xmlResponse(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code>` +
          `<Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
        status,
      );
    case 'query':
      return xmlResponse(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>` +
          `<RequestId>${id}</RequestId></ErrorResponse>`,
        status,
      );
    default:
      // REST and CBOR: no body the SDK must parse; it classifies by status code (429 = throttling, 5xx = transient).
      return { status, headers: { 'x-amzn-requestid': id, 'x-amzn-errortype': code }, body: '' };
  }
}
