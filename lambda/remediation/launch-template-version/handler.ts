import { invocationHandler, type InvocationHandler } from '../../kit/invocation-handler';
import { defaultLogger, type KitLogger } from '../../kit/logger';
import { defaultRemediationClients, type RemediationClients } from '../common/clients';
import { integer, maxHopLimitFromEnv, payloadObject, requiredString } from '../common/payload';
import { createCompliantDefaultVersion, type VersionResult } from './create-version';

export interface VersionDependencies {
  readonly clients: Pick<RemediationClients, 'ec2'>;
  readonly logger: KitLogger;
}

export type VersionHandler = InvocationHandler<VersionResult>;

/**
 * The imdsv2-launch-template document's change step (aws:invokeLambdaFunction): merging
 * MetadataOptions into a version's full data is JSON work aws:executeAwsApi cannot do. Payload:
 * `{"LaunchTemplateId": "lt-…", "HttpPutResponseHopLimit": "0"}` (0 keeps the current hop limit).
 */
export function makeHandler(deps: () => VersionDependencies): VersionHandler {
  return invocationHandler(deps, async (event, resolved) => {
    const p = payloadObject(event);
    const launchTemplateId = requiredString(p, 'LaunchTemplateId', /^lt-[0-9a-f]{8,17}$/, 'a launch template id (lt-…)');
    const maxHopLimit = maxHopLimitFromEnv();
    // Above the cap is refused, not lowered: the caller asked for something the deployment does not allow.
    const hop = integer(p, 'HttpPutResponseHopLimit', 0, maxHopLimit, 0);
    const result = await createCompliantDefaultVersion(resolved.clients.ec2, { launchTemplateId, hopLimit: hop === 0 ? undefined : hop, maxHopLimit });
    resolved.logger.info(result.Changed ? 'default and latest versions now require IMDSv2' : 'default and latest versions already require IMDSv2', { ...result });
    return result;
  });
}

export const handler = makeHandler(() => ({ clients: defaultRemediationClients(), logger: defaultLogger('launch-template-version') }));
