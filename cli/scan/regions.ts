import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ClientPool } from './clients';
import { toScanAbort } from './errors';

/** The region the SDK would use by default (AWS_REGION, the profile's region), or undefined. */
async function configuredRegion(pool: ClientPool): Promise<string | undefined> {
  try {
    return await pool.ec2().config.region();
  } catch {
    return undefined;
  }
}

/**
 * The regions to scan: as named; `all` = every region enabled in the account (DescribeRegions
 * without AllRegions, so opt-in regions not enabled are skipped); none = the configured default.
 */
export async function resolveRegions(pool: ClientPool, named: readonly string[], all: boolean): Promise<string[]> {
  if (named.length > 0) return [...named];
  const home = await configuredRegion(pool);
  if (!all) {
    if (!home) throw toScanAbort(new Error('Region is missing'));
    return [home];
  }
  // DescribeRegions answers the same list from any enabled region; without a default, ask us-east-1.
  const from = home ?? 'us-east-1';
  try {
    const out = await pool.ec2(from).send(new DescribeRegionsCommand({ AllRegions: false }));
    const names = (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n);
    return [...new Set(names)].sort();
  } catch (e) {
    throw toScanAbort(e, from);
  }
}

/** The account scanned (STS GetCallerIdentity): also the first call, so bad credentials surface here. */
export async function callerAccount(pool: ClientPool, region: string): Promise<string> {
  try {
    const out = await pool.sts(region).send(new GetCallerIdentityCommand({}));
    if (!out.Account) throw new Error('GetCallerIdentity returned no account');
    return out.Account;
  } catch (e) {
    throw toScanAbort(e, region);
  }
}
