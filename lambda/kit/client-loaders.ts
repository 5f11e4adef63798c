import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { sdkClientConfig } from './clients';

/** A client class, asked for when the client is first used. */
export type ClientLoader<C> = () => new (config: ReturnType<typeof sdkClientConfig>) => C;

/**
 * The clients a rule's handler names besides Config's (`resourceRuleHandlers(rule, { ec2: loadEc2Client })`).
 * A bundle contains only the clients its handler names (esbuild drops the others' imports), and each
 * is created on first use, so a change event that only needs PutEvaluations creates none of them;
 * the launch-configuration bundle holds no EC2 client at all.
 *
 * The classes are imported statically, not `require`d on first use: esbuild inlines a `require`d
 * module lazily but then cannot tree-shake it or anything it imports, and EC2's schemas then come
 * whole (~900 KB instead of ~550 KB minified). Evaluated on the first EC2 call, they pushed the
 * 100,000-instance sweep at 128 MB from ~121 MB to ~135 MB peak RSS (`npm run bench`, same machine
 * and load), past the function's memory; loading them with the bundle keeps it at ~121 MB.
 */
export interface ClientLoaders {
  readonly ec2?: ClientLoader<EC2Client>;
  readonly autoscaling?: ClientLoader<AutoScalingClient>;
}

export const loadEc2Client: ClientLoader<EC2Client> = () => EC2Client;

export const loadAutoScalingClient: ClientLoader<AutoScalingClient> = () => AutoScalingClient;

/** Every client: tests, the scanner and the demo. */
export const ALL_CLIENT_LOADERS: ClientLoaders = { ec2: loadEc2Client, autoscaling: loadAutoScalingClient };
