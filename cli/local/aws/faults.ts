import { errorResponse, type AwsRequest, type FrontResponse } from './protocol';

export type FaultKind = 'throttle' | '500' | 'drop';

export interface FaultOptions {
  /** Probability in [0, 1] that a signed AWS request is faulted. */
  readonly rate: number;
  /** PRNG seed: the same seed and the same request order give the same faults. */
  readonly seed: number;
  /** @default ['throttle', '500', 'drop'] */
  readonly kinds?: readonly FaultKind[];
}

/** mulberry32: tiny, fast, good enough, and reproducible across runs and platforms. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, whether and how to fail. */
export class FaultPlan {
  private readonly random: () => number;
  private readonly kinds: readonly FaultKind[];

  constructor(private readonly options: FaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`fault rate must be in [0, 1], got ${options.rate}`);
    this.kinds = options.kinds?.length ? options.kinds : ['throttle', '500', 'drop'];
    this.random = mulberry32(options.seed);
  }

  next(): FaultKind | undefined {
    if (this.random() >= this.options.rate) return undefined;
    return this.kinds[Math.floor(this.random() * this.kinds.length)];
  }
}

/**
 * The response for a `throttle` or `500` fault, in the service's own protocol, with the codes the
 * services really send. All of them are retried by the SDK (see @smithy/core retry classification):
 * - `ThrottlingException` (JSON), `Throttling` (awsQuery), `RequestLimitExceeded` (EC2) are in its
 *   THROTTLING_ERROR_CODES, so they count as throttling (adaptive mode also slows its send rate).
 *   They use HTTP 400 on purpose: the retry must come from the error code, not from a 5xx status.
 *   (Real EC2 answers RequestLimitExceeded with 503; 400 is the stricter test.)
 * - HTTP 500 is in TRANSIENT_ERROR_STATUS_CODES, whatever the code.
 * A `drop` has no response: the front destroys the socket and the SDK sees ECONNRESET/"socket hang up".
 */
export function faultResponse(request: AwsRequest, kind: Exclude<FaultKind, 'drop'>): FrontResponse {
  if (kind === 'throttle') {
    switch (request.protocol) {
      case 'ec2':
        return errorResponse(request, 400, 'RequestLimitExceeded', 'Request limit exceeded.');
      case 'query':
        return errorResponse(request, 400, 'Throttling', 'Rate exceeded');
      case 'json':
        return errorResponse(request, 400, 'ThrottlingException', 'Rate exceeded');
      default:
        return errorResponse(request, 429, 'TooManyRequestsException', 'Rate exceeded');
    }
  }
  const code = request.protocol === 'ec2' ? 'InternalError' : 'InternalFailure';
  return errorResponse(request, 500, code, 'An internal error has occurred');
}
