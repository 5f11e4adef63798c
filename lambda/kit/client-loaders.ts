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
 * `loadEc2Client` imports the class statically: it is evaluated with the bundle, with all of EC2's
 * schemas (one module the client itself imports; esbuild keeps it whole, ~550 KB minified). The
 * instance rule, whose change path needs no EC2 call, uses `loadEc2ClientOnFirstUse` instead: it
 * `require`s ec2-instance-sdk.ts, which esbuild inlines in the same bundle wrapped in an init
 * function, so the client, the schemas and the instance commands are evaluated on the first EC2 call.
 * That module names single files of the SDK's ES build, not the package: a `require`d package index
 * cannot be tree-shaken, and brought every EC2 command, paginator and waiter (~1.25 MB instead of
 * ~0.94 MB), which pushed the 100,000-instance sweep at 128 MB from ~121 MB to ~135 MB peak RSS.
 */
export interface ClientLoaders {
  readonly ec2?: ClientLoader<EC2Client>;
  readonly autoscaling?: ClientLoader<AutoScalingClient>;
}

export const loadEc2Client: ClientLoader<EC2Client> = () => EC2Client;

export const loadAutoScalingClient: ClientLoader<AutoScalingClient> = () => AutoScalingClient;

/** Every client: tests, the scanner and the demo. */
export const ALL_CLIENT_LOADERS: ClientLoaders = { ec2: loadEc2Client, autoscaling: loadAutoScalingClient };
