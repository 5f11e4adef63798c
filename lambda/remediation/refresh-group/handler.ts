import { invocationHandler, type InvocationHandler } from '../../kit/invocation-handler';
import { defaultLogger, type KitLogger } from '../../kit/logger';
import { defaultRemediationClients, type RemediationClients } from '../common/clients';
import { InvalidInputError } from '../common/errors';
import { integer, payloadObject, requiredString } from '../common/payload';
import { checkReplacement, sdkRefreshApi, startReplacement, type CheckResult, type RefreshApi, type StartResult } from './refresh';

export interface RefreshGroupDependencies {
  readonly clients: Pick<RemediationClients, 'ec2' | 'autoscaling'>;
  readonly logger: KitLogger;
  /** Instance refresh calls. @default the Auto Scaling client's StartInstanceRefresh/DescribeInstanceRefreshes */
  readonly refresh?: RefreshApi;
}

export type RefreshGroupHandler = InvocationHandler<StartResult | CheckResult>;

const ARN = /^arn:aws[a-z-]*:autoscaling:/;

/**
 * The imdsv2-auto-scaling-group document's steps (aws:invokeLambdaFunction). Payload:
 * `{"Action": "Start" | "Check", "AutoScalingGroupArn": "arn:…", "MinHealthyPercentage": "90", "InstanceWarmup": "300"}`.
 * The result's `Phase` (`Running` or `Verified`) is what the document branches on.
 */
export function makeHandler(deps: () => RefreshGroupDependencies): RefreshGroupHandler {
  return invocationHandler(deps, async (event, resolved) => {
    const p = payloadObject(event);
    const arn = requiredString(p, 'AutoScalingGroupArn', ARN, 'an Auto Scaling group ARN');
    const clients = { ...resolved.clients, refresh: resolved.refresh ?? sdkRefreshApi(resolved.clients.autoscaling) };
    const action = p.Action;
    let result: StartResult | CheckResult;
    if (action === 'Start') {
      result = await startReplacement(clients, {
        groupArn: arn,
        minHealthyPercentage: integer(p, 'MinHealthyPercentage', 0, 100, 90),
        instanceWarmup: integer(p, 'InstanceWarmup', 0, 86_400, 300),
      });
    } else if (action === 'Check') {
      result = await checkReplacement(clients, arn);
    } else {
      throw new InvalidInputError(`Action must be "Start" or "Check"; got ${JSON.stringify(action)}`);
    }
    resolved.logger.info(`refresh-group ${String(action)}: ${result.Phase}`, { ...result });
    return result;
  });
}

export const handler = makeHandler(() => ({ clients: defaultRemediationClients(), logger: defaultLogger('refresh-group') }));
