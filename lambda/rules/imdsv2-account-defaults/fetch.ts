import type { RuleContext } from '../../kit/rule-module';
import { getAccountDefaults } from '../common/aws-reads';
import type { AccountDefaultsSubject } from './subject';

/** The rule's region's metadata defaults, as GetInstanceMetadataDefaults returns them. */
export async function loadAccountDefaults(ctx: RuleContext<unknown>): Promise<AccountDefaultsSubject> {
  const a = await getAccountDefaults(ctx.clients.ec2);
  const lower = (v: string | undefined) => (v ? v.toLowerCase() : undefined);
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    httpTokens: lower(a.HttpTokens),
    httpEndpoint: lower(a.HttpEndpoint),
    hopLimit: a.HttpPutResponseHopLimit,
    httpTokensEnforced: lower(a.HttpTokensEnforced),
    instanceMetadataTags: lower(a.InstanceMetadataTags),
    managedBy: lower(a.ManagedBy),
    managedExceptionMessage: a.ManagedExceptionMessage,
  };
}
