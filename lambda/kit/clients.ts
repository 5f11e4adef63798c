import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ALL_CLIENT_LOADERS, type ClientLoaders } from './client-loaders';
import { ClientNotLoadedError } from './errors';

/**
 * The SDK clients the rules use. Handlers get them from `defaultClients(loaders)`; tests inject their
 * own. `config` is created with the object; `ec2` and `autoscaling` on first access, from their
 * loaders, so a change event that only needs PutEvaluations never loads the EC2 or Auto Scaling SDK.
 */
export interface Clients {
  readonly config: ConfigServiceClient;
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
}

export interface ClientOptions {
  readonly region?: string;
  /** Overrides the endpoint; by default the SDK reads AWS_ENDPOINT_URL and the standard chain. */
  readonly endpoint?: string;
  readonly credentials?: ConstructorParameters<typeof ConfigServiceClient>[0] extends infer C
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

/**
 * Clients whose `ec2` / `autoscaling` are created on first access with the given loaders (see
 * client-loaders.ts); a client without a loader throws ClientNotLoadedError when used.
 */
export function lazyClients(options: ClientOptions, loaders: ClientLoaders): Clients {
  const common = sdkClientConfig(options);
  let ec2: EC2Client | undefined;
  let autoscaling: AutoScalingClient | undefined;
  return {
    config: new ConfigServiceClient(common),
    get ec2() {
      if (!loaders.ec2) throw new ClientNotLoadedError('ec2');
      ec2 ??= new (loaders.ec2())(common);
      return ec2;
    },
    get autoscaling() {
      if (!loaders.autoscaling) throw new ClientNotLoadedError('autoscaling');
      autoscaling ??= new (loaders.autoscaling())(common);
      return autoscaling;
    },
  };
}

/** Creates every client (tests, the scanner, the demo); EC2 and Auto Scaling still on first use. */
export function createClients(options: ClientOptions = {}): Clients {
  return lazyClients(options, ALL_CLIENT_LOADERS);
}

let cached: Clients | undefined;

/** A handler's clients, created once per Lambda execution environment and reused across invocations. */
export function defaultClients(loaders: ClientLoaders): Clients {
  cached ??= lazyClients({}, loaders);
  return cached;
}
