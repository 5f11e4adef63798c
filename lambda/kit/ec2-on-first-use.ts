import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ClientLoader } from './client-loaders';

// Its own module, not in client-loaders.ts: esbuild brings a `require`d module into every bundle that
// imports the file holding the `require`, even when the function around it is dropped.

/**
 * The EC2 client and the DescribeInstances command, evaluated on the first call (see
 * client-loaders.ts). Rule code that sends these commands through a client from
 * `loadEc2ClientOnFirstUse` takes the command from here too, so nothing of EC2 is evaluated with the bundle.
 */
export function instanceSdk(): typeof import('./ec2-instance-sdk') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./ec2-instance-sdk') as typeof import('./ec2-instance-sdk');
}

export const loadEc2ClientOnFirstUse: ClientLoader<EC2Client> = () => instanceSdk().EC2Client;
