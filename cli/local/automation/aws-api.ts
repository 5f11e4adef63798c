import * as autoscaling from '@aws-sdk/client-auto-scaling';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as config from '@aws-sdk/client-config-service';
import * as ec2 from '@aws-sdk/client-ec2';

/**
 * Service / Api of an aws:executeAwsApi (or assert/wait) step → the SDK v3 command of the same
 * name. Automation uses Boto3 namespaces (`ec2`, `autoscaling`, `cloudwatch`, `config`) and API
 * names; Boto3 and SDK v3 share the model's member names, so inputs pass through unchanged.
 */

export interface SdkSettings {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

type AnyClient = { send(command: unknown): Promise<unknown>; destroy(): void };
type CommandClass = new (input: unknown) => unknown;

interface ServiceModule {
  readonly client: (settings: SdkSettings) => AnyClient;
  readonly module: Readonly<Record<string, unknown>>;
}

const SERVICES: Readonly<Record<string, ServiceModule>> = {
  ec2: { client: (s) => new ec2.EC2Client({ ...s, maxAttempts: 2 }) as unknown as AnyClient, module: ec2 },
  autoscaling: { client: (s) => new autoscaling.AutoScalingClient({ ...s, maxAttempts: 2 }) as unknown as AnyClient, module: autoscaling },
  cloudwatch: { client: (s) => new cloudwatch.CloudWatchClient({ ...s, maxAttempts: 2 }) as unknown as AnyClient, module: cloudwatch },
  config: { client: (s) => new config.ConfigServiceClient({ ...s, maxAttempts: 2 }) as unknown as AnyClient, module: config },
};

export class UnsupportedApiError extends Error {}

/** The SDK command class for a Service/Api pair; throws for services or APIs the runner does not map. */
export function commandFor(service: string, api: string): CommandClass {
  const s = SERVICES[service];
  if (!s) throw new UnsupportedApiError(`Service "${service}" is not mapped (mapped: ${Object.keys(SERVICES).join(', ')})`);
  const command = s.module[`${api}Command`];
  if (typeof command !== 'function') throw new UnsupportedApiError(`${service} has no API "${api}" in the AWS SDK v3`);
  return command as CommandClass;
}

/** Dates as ISO strings, binary as base64, `$metadata` dropped: the response as a JSON document. */
export function plainResponse(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainResponse);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [k, plainResponse(v)]),
    );
  }
  return value;
}

export type ApiCaller = (service: string, api: string, input: Record<string, unknown>) => Promise<unknown>;

/** Calls AWS through the real SDK v3, one client per service, created on first use. */
export class SdkApiCaller {
  private readonly clients = new Map<string, AnyClient>();
  constructor(private readonly settings: SdkSettings) {}

  readonly call: ApiCaller = async (service, api, input) => {
    const Command = commandFor(service, api);
    let client = this.clients.get(service);
    if (!client) {
      client = SERVICES[service].client(this.settings);
      this.clients.set(service, client);
    }
    return plainResponse(await client.send(new Command(input)));
  };

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
