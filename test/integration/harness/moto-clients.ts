import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mapLimit } from '../../../lambda/kit/concurrency';

/** SDK clients straight to moto, for setting up an estate: the front neither faults nor counts them. */
export function motoClients(motoUrl: string, region = 'us-east-1'): { ec2: EC2Client; autoscaling: AutoScalingClient } {
  const settings = { region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, endpoint: motoUrl, maxAttempts: 3 };
  return { ec2: new EC2Client(settings), autoscaling: new AutoScalingClient(settings) };
}

/** Runs `fn` over 0..count-1 with at most `limit` calls in flight (creating many resources in moto). */
export async function pool(count: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  await mapLimit(Array.from({ length: count }, (_, i) => i), limit, fn);
}
