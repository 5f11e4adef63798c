import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';

/** The SDK clients the remediation functions use; handlers get them once, tests inject their own. */
export interface RemediationClients {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
}

export interface RemediationClientOptions {
  readonly region?: string;
  /** Overrides the endpoint; by default the SDK reads AWS_ENDPOINT_URL and the standard chain. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per call, including the first. */
  readonly maxAttempts?: number;
}

/** Same retry policy as the rules' clients: adaptive (client-side rate limiting when throttled). */
export function createRemediationClients(options: RemediationClientOptions = {}): RemediationClients {
  const common = {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
  } as const;
  return {
    ec2: new EC2Client(common),
    autoscaling: new AutoScalingClient(common),
    cloudwatch: new CloudWatchClient(common),
  };
}

let cached: RemediationClients | undefined;

/** Clients created once per Lambda execution environment. */
export function defaultRemediationClients(): RemediationClients {
  cached ??= createRemediationClients();
  return cached;
}
