import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { sdkClientConfig, type ClientOptions } from '../../kit/clients';

/** The SDK clients the remediation functions use; handlers get them once, tests inject their own. */
export interface RemediationClients {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
}

export type RemediationClientOptions = ClientOptions;

/** Same retry policy as the rules' clients: adaptive (client-side rate limiting when throttled). */
export function createRemediationClients(options: RemediationClientOptions = {}): RemediationClients {
  const common = sdkClientConfig(options);
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
