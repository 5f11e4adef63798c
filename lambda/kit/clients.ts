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
}

/**
 * The configuration every SDK client of this project gets: adaptive retry (client-side rate limiting
 * on throttling, backoff on 5xx), so no code here writes its own retry loop.
 */
export function sdkClientConfig(options: ClientOptions = {}) {
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
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
