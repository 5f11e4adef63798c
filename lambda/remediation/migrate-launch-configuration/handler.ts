import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkClientConfig } from '../../kit/clients';
import { invocationHandler, type InvocationHandler } from '../../kit/invocation-handler';
import { defaultLogger, type KitLogger } from '../../kit/logger';
import { defaultRemediationClients, type RemediationClients } from '../common/clients';
import { boolean, integer, maxHopLimitFromEnv, payloadObject, requiredString } from '../common/payload';
import { migrateLaunchConfiguration, type MigrationResult } from './migrate';

export interface MigrationDependencies {
  readonly clients: Pick<RemediationClients, 'ec2' | 'autoscaling'>;
  readonly logger: KitLogger;
  /** The function's own principal (GetCallerIdentity Arn): only templates it created are reused. @default STS GetCallerIdentity */
  readonly callerArn?: () => Promise<string>;
}

export type MigrationHandler = InvocationHandler<MigrationResult>;

// A name (any character but quotes, backslashes and controls, which the document's JSON payload
// could not carry) or the ARN AWS Config reports.
const LAUNCH_CONFIGURATION = /^(arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:\d{12}:launchConfiguration:[0-9a-f-]{36}:launchConfigurationName\/)?[^"\\\u0000-\u001f]{1,255}$/;

/**
 * The imdsv2-launch-configuration document's change step (aws:invokeLambdaFunction): a migration
 * that maps a whole launch configuration and pages through every group is beyond
 * aws:executeAwsApi. Payload: `{"LaunchConfigurationArn": "arn:…", "HttpPutResponseHopLimit": "0",
 * "StartInstanceRefresh": "false", "MinHealthyPercentage": "90", "InstanceWarmup": "300",
 * "DeleteLaunchConfiguration": "false"}`.
 */
export function makeHandler(deps: () => MigrationDependencies): MigrationHandler {
  return invocationHandler(deps, async (event, resolved) => {
    const p = payloadObject(event);
    const maxHopLimit = maxHopLimitFromEnv();
    const hop = integer(p, 'HttpPutResponseHopLimit', 0, maxHopLimit, 0);
    const result = await migrateLaunchConfiguration({ ...resolved.clients, callerArn: resolved.callerArn ?? stsCallerArn }, {
      launchConfiguration: requiredString(p, 'LaunchConfigurationArn', LAUNCH_CONFIGURATION, 'a launch configuration ARN or name'),
      hopLimit: hop === 0 ? undefined : hop,
      maxHopLimit,
      startInstanceRefresh: boolean(p, 'StartInstanceRefresh', false),
      minHealthyPercentage: integer(p, 'MinHealthyPercentage', 0, 100, 90),
      instanceWarmup: integer(p, 'InstanceWarmup', 0, 86_400, 300),
      deleteLaunchConfiguration: boolean(p, 'DeleteLaunchConfiguration', false),
    });
    resolved.logger.info('launch configuration migrated', { ...result });
    return result;
  });
}

let sts: STSClient | undefined;
async function stsCallerArn(): Promise<string> {
  sts ??= new STSClient(sdkClientConfig({}));
  const arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  if (!arn) throw new Error('GetCallerIdentity returned no Arn');
  return arn;
}

export const handler = makeHandler(() => ({ clients: defaultRemediationClients(), logger: defaultLogger('migrate-launch-configuration') }));
