import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';

/** The SDK clients the rules use. Handlers get them from `defaultClients()`; tests inject their own. */
export interface Clients {
  readonly config: ConfigServiceClient;
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
}

export interface ClientOptions {
  readonly region?: string;
  /** Overrides the endpoint; by default the SDK reads AWS_ENDPOINT_URL and the standard chain. */
  readonly endpoint?: string;
  readonly credentials?: ConstructorParameters<typeof EC2Client>[0] extends infer C
    ? C extends { credentials?: infer K }
      ? K
      : never
    : never;
  /** Attempts per call, including the first. Throttling and 5xx use the SDK's adaptive retry. */
  readonly maxAttempts?: number;
  /** A connection silent for this long is abandoned and the call retried (ms). @default 30_000 */
  readonly socketTimeoutMs?: number;
  /** Longest wait to connect (ms). @default 5_000 */
  readonly connectionTimeoutMs?: number;
}

/** See ClientOptions.socketTimeoutMs. */
export const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;
/** See ClientOptions.connectionTimeoutMs. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The configuration every SDK client of this project gets: adaptive retry (client-side rate limiting
 * on throttling, backoff on 5xx), so no code here writes its own retry loop; and timeouts, because
 * the SDK's HTTP handler has none by default: a connection that stops answering would otherwise hold
 * the invocation until Lambda kills it mid-batch. With them, a stalled call fails as a TimeoutError,
 * which the SDK retries like any transient error.
 */
export function sdkClientConfig(options: ClientOptions = {}) {
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    requestHandler: {
      socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    },
  } as const;
}

/** Creates the rules' clients. */
export function createClients(options: ClientOptions = {}): Clients {
  const common = sdkClientConfig(options);
  return {
    config: new ConfigServiceClient(common),
    ec2: new EC2Client(common),
    autoscaling: new AutoScalingClient(common),
  };
}

let cached: Clients | undefined;

/** Clients created once per Lambda execution environment, reused across invocations. */
export function defaultClients(): Clients {
  cached ??= createClients();
  return cached;
}
