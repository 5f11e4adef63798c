// The setup both local-AWS suites share: one moto and one front per test file, reset before each
// test, and SDK clients pointed at the front (tracked, destroyed at the end).
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { startFront, startLocalMoto, type Front, type MotoServer } from '../../../../cli/local/aws';

export const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs

export interface ClientSettings {
  readonly region?: string;
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
}

export interface LocalAws {
  readonly moto: MotoServer;
  readonly front: Front;
  ec2Client(extra?: ClientSettings): EC2Client;
  asClient(extra?: ClientSettings): AutoScalingClient;
  configClient(extra?: ClientSettings): ConfigServiceClient;
  /** Client settings pointing at the front, for any other client. */
  settings(extra?: ClientSettings): { region: string; endpoint: string; credentials: typeof credentials; maxAttempts: number };
  /** Destroys `client` with the others after the file's tests. */
  track<T extends { destroy(): void }>(client: T): T;
}

/** Registers the file's beforeAll/afterAll/beforeEach and returns the running local AWS. */
export function useLocalAws(): LocalAws {
  let moto: MotoServer | undefined;
  let front: Front | undefined;
  const clients: Array<{ destroy(): void }> = [];
  const settings = (extra: ClientSettings = {}) => ({ region: 'us-east-1', endpoint: front!.url, credentials, maxAttempts: 1, ...extra });
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    moto = await startLocalMoto();
    front = await startFront({ upstream: moto.url });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await front?.stop();
    await moto?.stop();
  });
  beforeEach(async () => {
    front!.setFaults(undefined);
    await moto!.reset();
    front!.reset();
  });
  return {
    get moto() {
      return moto!;
    },
    get front() {
      return front!;
    },
    ec2Client: (extra = {}) => track(new EC2Client(settings(extra))),
    asClient: (extra = {}) => track(new AutoScalingClient(settings(extra))),
    configClient: (extra = {}) => track(new ConfigServiceClient(settings(extra))),
    settings,
    track,
  };
}

/** One running instance with these metadata options and tags; its id. */
export async function runInstance(ec2: EC2Client, metadata: Record<string, unknown> = {}, tags: Record<string, string> = {}): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: metadata,
      TagSpecifications: Object.keys(tags).length ? [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] : undefined,
    }),
  );
  return out.Instances![0].InstanceId!;
}
