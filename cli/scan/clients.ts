import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clients } from '../../lambda/kit/clients';
import { ACTION_KEY } from './errors';

/** How the scan reaches AWS: the standard chain unless a profile or endpoint is given. */
export interface ConnectionOptions {
  readonly profile?: string;
  readonly endpoint?: string;
  /** Attempts per call, including the first (throttling and 5xx are retried by the SDK). */
  readonly maxAttempts: number;
  /** The caller's credentials (a named profile's, resolved once); undefined: the SDK's default chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** Everything one region's scan calls. `rules` is the shape the rules' fetch functions take. */
export interface RegionClients {
  readonly region: string;
  readonly rules: Clients;
  readonly cloudwatch: CloudWatchClient;
}

interface Stackable {
  middlewareStack: { add: (mw: any, options: { step: 'initialize'; name: string }) => void };
  destroy(): void;
}

/**
 * Tags each failed call with `service:Operation`, so an access error can name the exact action to
 * grant even when it reaches us wrapped in a rule's ResourceFetchError.
 */
export function tagFailures<C extends Stackable>(client: C, service: string): C {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (e) {
        if (e && typeof e === 'object' && !(ACTION_KEY in e)) {
          const operation = (context.commandName ?? 'UnknownOperation').replace(/Command$/, '');
          Object.defineProperty(e, ACTION_KEY, { value: `${service}:${operation}`, enumerable: false });
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'imdsv2GuardTagFailures' },
  );
  return client;
}

/** A client's settings: the connection options, in `region`, with `credentials` (another account's) or the caller's. */
export function clientSettings(options: ConnectionOptions, region: string | undefined, credentials?: AwsCredentialIdentityProvider) {
  return {
    region,
    // Another account's (assumed role) credentials win over the profile's; the profile still gives the region.
    credentials: credentials ?? options.credentials,
    endpoint: options.endpoint,
    // `profile` feeds both credential and region resolution, and beats AWS_ACCESS_KEY_ID in the env.
    profile: options.profile,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts,
  } as const;
}

/** Creates clients per region on demand and destroys them all at the end (no sockets left open). */
export class ClientPool {
  private readonly all: Stackable[] = [];

  constructor(readonly options: ConnectionOptions) {}

  private track<C extends Stackable>(client: C, service: string): C {
    this.all.push(client);
    return tagFailures(client, service);
  }

  /** Clients in `region`, with `credentials` (another account's) or the caller's own chain. */
  forRegion(region: string, credentials?: AwsCredentialIdentityProvider): RegionClients {
    const c = clientSettings(this.options, region, credentials);
    return {
      region,
      rules: {
        ec2: this.track(new EC2Client(c), 'ec2'),
        autoscaling: this.track(new AutoScalingClient(c), 'autoscaling'),
        // The rules' types require it; the scan never calls Config (listPages and load do not).
        config: this.track(new ConfigServiceClient(c), 'config'),
      },
      cloudwatch: this.track(new CloudWatchClient(c), 'cloudwatch'),
    };
  }

  /** An EC2 client in the given region, or in the configured default region when undefined. */
  ec2(region?: string, credentials?: AwsCredentialIdentityProvider): EC2Client {
    return this.track(new EC2Client(clientSettings(this.options, region, credentials)), 'ec2');
  }

  organizations(region?: string): OrganizationsClient {
    return this.track(new OrganizationsClient(clientSettings(this.options, region)), 'organizations');
  }

  sts(region?: string): STSClient {
    return this.track(new STSClient(clientSettings(this.options, region)), 'sts');
  }

  /** Destroys one target's clients as soon as it is done: an organization scan creates thousands. */
  release(clients: RegionClients): void {
    const mine = new Set<unknown>([clients.rules.ec2, clients.rules.autoscaling, clients.rules.config, clients.cloudwatch]);
    for (let i = this.all.length - 1; i >= 0; i--) {
      if (mine.has(this.all[i])) this.all.splice(i, 1)[0].destroy();
    }
  }

  destroy(): void {
    for (const c of this.all.splice(0)) c.destroy();
  }
}
