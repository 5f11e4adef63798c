// The smallest useful AWS Config rule bundle: the Config service client and PutEvaluations, nothing
// else. The benchmark bundles this with the same esbuild options as the rules (lib/esbuild-options.json)
// to show what the rules' own code and their EC2/Auto Scaling clients add on top.
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';

let client: ConfigServiceClient | undefined;

export async function handler(event: { resultToken: string }): Promise<unknown> {
  client ??= new ConfigServiceClient({});
  return client.send(new PutEvaluationsCommand({ ResultToken: event.resultToken, Evaluations: [] }));
}
