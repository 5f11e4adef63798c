import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ClientPool, tagFailures, type ConnectionOptions } from '../scan/clients';

/** Everything doctor calls in one account and region. */
export interface TargetClients {
  readonly region: string;
  readonly config: ConfigServiceClient;
  readonly ec2: EC2Client;
  readonly securityHub: SecurityHubClient;
  readonly cloudwatch: CloudWatchClient;
}

interface Destroyable {
  destroy(): void;
}

/**
 * The scan's client pool (same connection options, retry mode and failure tagging, so an access
 * error names `service:Operation`), plus the clients doctor needs. `credentials` is for a member
 * account reached through a role (the org fan-out); undefined uses the caller's own chain.
 */
export class DoctorClientPool extends ClientPool {
  private readonly own: Destroyable[] = [];

  constructor(options: ConnectionOptions) {
    super(options);
  }

  private settings(region: string, credentials?: AwsCredentialIdentityProvider) {
    return {
      region,
      endpoint: this.options.endpoint,
      // With a member account's credentials the profile still names where the caller's came from; not needed here.
      ...(credentials ? { credentials } : { profile: this.options.profile }),
      retryMode: 'adaptive',
      maxAttempts: this.options.maxAttempts,
    } as const;
  }

  private keep<C extends Destroyable & Parameters<typeof tagFailures>[0]>(client: C, service: string): C {
    this.own.push(client);
    return tagFailures(client, service);
  }

  forTarget(region: string, credentials?: AwsCredentialIdentityProvider): TargetClients {
    const s = this.settings(region, credentials);
    return {
      region,
      config: this.keep(new ConfigServiceClient(s), 'config'),
      ec2: this.keep(new EC2Client(s), 'ec2'),
      securityHub: this.keep(new SecurityHubClient(s), 'securityhub'),
      cloudwatch: this.keep(new CloudWatchClient(s), 'cloudwatch'),
    };
  }

  cloudFormation(region: string, credentials?: AwsCredentialIdentityProvider): CloudFormationClient {
    return this.keep(new CloudFormationClient(this.settings(region, credentials)), 'cloudformation');
  }

  override destroy(): void {
    for (const c of this.own.splice(0)) c.destroy();
    super.destroy();
  }
}
