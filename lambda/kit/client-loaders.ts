import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { sdkClientConfig } from './clients';

/** A client class, loaded when first asked for. */
export type ClientLoader<C> = () => new (config: ReturnType<typeof sdkClientConfig>) => C;

/**
 * How a rule's bundle gets the clients it uses besides Config's. Each loader `require`s a module
 * that esbuild (one bundle, no code splitting) inlines as a lazily initialised module: its code is
 * in the bundle but runs only when the loader is first called. A bundle whose handler names no
 * loader for a client does not contain that client at all (the launch-configuration rule has no
 * EC2 client, the ~550 KB of EC2 schemas being most of a bundle's load time).
 */
export interface ClientLoaders {
  readonly ec2?: ClientLoader<EC2Client>;
  readonly autoscaling?: ClientLoader<AutoScalingClient>;
}

export const loadEc2Client: ClientLoader<EC2Client> = () => (require('./sdk/ec2-client') as typeof import('./sdk/ec2-client')).EC2Client;

export const loadAutoScalingClient: ClientLoader<AutoScalingClient> = () =>
  (require('./sdk/auto-scaling-client') as typeof import('./sdk/auto-scaling-client')).AutoScalingClient;

/** Every client: tests, the scanner and the demo. */
export const ALL_CLIENT_LOADERS: ClientLoaders = { ec2: loadEc2Client, autoscaling: loadAutoScalingClient };
