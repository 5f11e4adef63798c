import { invocationHandler, type InvocationHandler } from '../../kit/invocation-handler';
import { defaultLogger, type KitLogger } from '../../kit/logger';
import { defaultRemediationClients, type RemediationClients } from '../common/clients';
import { RemediationError } from '../common/errors';
import { boolean, integer, payloadObject, requiredString } from '../common/payload';
import { decide, MAX_LOOKBACK_DAYS, type GateDecision } from './usage';

export interface GateDependencies {
  readonly clients: Pick<RemediationClients, 'cloudwatch'>;
  readonly logger: KitLogger;
  readonly now?: () => Date;
}

export type GateHandler = InvocationHandler<GateDecision>;

/**
 * The IMDSv1 usage gate of the imdsv2-instance document (aws:invokeLambdaFunction): the look-back
 * window needs clock arithmetic, which Automation variables cannot do. Payload:
 * `{"InstanceId": "i-…", "LookbackDays": "14", "Force": "false"}`.
 */
export function makeHandler(deps: () => GateDependencies): GateHandler {
  return invocationHandler(deps, async (event, resolved) => {
    const p = payloadObject(event);
    const query = {
      instanceId: requiredString(p, 'InstanceId', /^i-[0-9a-f]{8,17}$/, 'an EC2 instance id (i-…)'),
      lookbackDays: integer(p, 'LookbackDays', 1, MAX_LOOKBACK_DAYS, 14),
      force: boolean(p, 'Force', false),
      now: resolved.now?.() ?? new Date(),
    };
    try {
      const decision = await decide(resolved.clients.cloudwatch, query);
      resolved.logger.info('IMDSv1 gate open', { ...decision });
      return decision;
    } catch (e) {
      if (e instanceof RemediationError) resolved.logger.warn('IMDSv1 gate closed', { code: e.code, message: e.message });
      throw e;
    }
  });
}

export const handler = makeHandler(() => ({ clients: defaultRemediationClients(), logger: defaultLogger('imdsv1-usage-gate') }));
