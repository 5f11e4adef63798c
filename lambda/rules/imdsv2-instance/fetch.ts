import { KitError } from '../../kit/errors';
import type { Instance } from '@aws-sdk/client-ec2';
import { instanceSdk } from '../../kit/ec2-on-first-use';
import type { ConfigurationItem } from '../../kit/configuration-item';
import { isSmallFunction } from '../../kit/memory';
import type { RuleContext } from '../../kit/rule-module';
import { errorName, fetchError, tagListToMap } from '../common/aws-reads';
import { normaliseMetadataOptions } from '../common/metadata-options';
import type { InstanceParameters } from './definition';
import type { InstanceSubject } from './subject';

/** DescribeInstances' largest page: the fewest calls. */
const LARGEST_PAGE = 1000;
/** The page a small function (less than 256 MB) uses. */
const SMALL_FUNCTION_PAGE = 200;

/**
 * The DescribeInstances page size for this process. A 1,000-instance page is ~4.5 MB of XML, which
 * the SDK holds as bytes, as text and as two object trees at once; in a 128 MB function that
 * overflows (`npm run bench`: 163 MB peak RSS sweeping 100,000 instances with 1,000-instance pages,
 * 118–126 MB with 200). So a small function (`isSmallFunction`) reads 200 at a time: five times the
 * DescribeInstances calls for the same data. Anything else, including the scan CLI outside Lambda,
 * reads the largest page.
 */
export function instancePageSize(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return isSmallFunction(env) ? SMALL_FUNCTION_PAGE : LARGEST_PAGE;
}

export function subjectFromInstance(instance: Instance, region?: string): InstanceSubject {
  return {
    region,
    instanceId: instance.InstanceId ?? '',
    stateName: instance.State?.Name,
    metadataOptions: normaliseMetadataOptions(instance.MetadataOptions),
    tags: tagListToMap(instance.Tags),
    instanceProfile: instance.IamInstanceProfile?.Arn,
  };
}

async function describeOne(ctx: RuleContext<unknown>, instanceId: string): Promise<Instance | undefined> {
  try {
    const { DescribeInstancesCommand } = instanceSdk();
    const out = await ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
  } catch (e) {
    if (errorName(e) === 'InvalidInstanceID.NotFound') return undefined;
    throw fetchError(`DescribeInstances ${instanceId}`, e);
  }
}

/**
 * The configuration item carries the instance's metadata options; only an item without them (an
 * old item, or one Config recorded before the field existed) is completed with DescribeInstances.
 */
export async function instanceFromItem(
  item: ConfigurationItem,
  ctx: RuleContext<InstanceParameters>,
): Promise<InstanceSubject | undefined> {
  const c = item.configuration ?? {};
  const metadataOptions = normaliseMetadataOptions(c.metadataOptions);
  if (metadataOptions === undefined) {
    const live = await describeOne(ctx, item.resourceId);
    return live ? { ...subjectFromInstance(live, ctx.region), tags: Object.assign(tagListToMap(live.Tags), item.tags) } : undefined;
  }
  const state = c.state as { name?: unknown } | undefined;
  const profile = c.iamInstanceProfile as { arn?: unknown } | undefined;
  return {
    instanceId: item.resourceId,
    stateName: typeof state?.name === 'string' ? state.name : undefined,
    metadataOptions,
    tags: Object.keys(item.tags).length > 0 ? item.tags : tagListToMap(c.tags),
    instanceProfile: typeof profile?.arn === 'string' ? profile.arn : undefined,
    region: ctx.region,
  };
}

/**
 * Every instance in the region, a page at a time (`instancePageSize`). The NextToken loop is written
 * out rather than taken from the SDK's paginator: the paginator checks `client instanceof EC2Client`
 * against its own copy of the class, and the command comes from the lazily loaded module
 * (ec2-on-first-use.ts), which outside the bundle (tsx) is the SDK's ES build while the client may
 * be its CommonJS build.
 */
export async function* instancePages(ctx: RuleContext<unknown>): AsyncGenerator<InstanceSubject[]> {
  const { DescribeInstancesCommand } = instanceSdk();
  const pageSize = instancePageSize();
  let token: string | undefined;
  try {
    do {
      const page = await ctx.clients.ec2.send(new DescribeInstancesCommand({ MaxResults: pageSize, NextToken: token }));
      token = page.NextToken;
      yield (page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => subjectFromInstance(i, ctx.region));
    } while (token);
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeInstances', e);
  }
}
