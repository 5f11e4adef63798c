import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeWarmPoolCommand,
  type Instance as GroupMember,
  paginateDescribeAutoScalingGroups,
  type AutoScalingGroup,
  type LaunchConfiguration,
  type LaunchTemplateSpecification,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { chunk, mapLimit } from '../../kit/concurrency';
import type { ConfigurationItem } from '../../kit/configuration-item';
import { KitError } from '../../kit/errors';
import type { RuleContext } from '../../kit/rule-module';
import { describeImdsSupport, describeTemplateVersions, errorName, fetchError, imageFacts, tagListToMap, type ImageLookup } from '../common/aws-reads';
import { accountDefaultTokens } from '../common/inherited';
import { normaliseMetadataOptions, type MetadataOptions } from '../common/metadata-options';
import type { AutoScalingGroupParameters } from './definition';
import type { AutoScalingGroupSubject, GroupInstance, LaunchSource } from './subject';

/** DescribeAutoScalingGroups' largest page. */
const PAGE_SIZE = 100;
const CONCURRENCY = 8;

/** A launch template reference as a group holds it: by id or name, at `$Default`, `$Latest` or a number. */
interface TemplateRef {
  readonly key: string;
  readonly id?: string;
  readonly name?: string;
  readonly version: string;
  /**
   * A MixedInstancesPolicy override's own ImageId: instances launched for that override use this AMI,
   * not the template's, so with acceptInheritedDefaults it is this AMI's ImdsSupport that counts.
   */
  readonly imageId?: string;
}

function templateRef(spec: LaunchTemplateSpecification | undefined): TemplateRef | undefined {
  if (!spec || (!spec.LaunchTemplateId && !spec.LaunchTemplateName)) return undefined;
  // A group that names no version launches from the template's default version.
  const version = spec.Version && spec.Version !== '' ? spec.Version : '$Default';
  return { key: spec.LaunchTemplateId ?? `name:${spec.LaunchTemplateName}`, id: spec.LaunchTemplateId, name: spec.LaunchTemplateName, version };
}

/** Every launch template reference a group launches from, overrides included, without duplicates. */
function templateRefs(group: AutoScalingGroup): TemplateRef[] {
  const refs: TemplateRef[] = [];
  const add = (r: TemplateRef | undefined) => {
    if (r && !refs.some((x) => x.key === r.key && x.version === r.version && x.imageId === r.imageId)) refs.push(r);
  };
  add(templateRef(group.LaunchTemplate));
  const mixed = group.MixedInstancesPolicy?.LaunchTemplate;
  const base = templateRef(mixed?.LaunchTemplateSpecification);
  add(base);
  for (const o of mixed?.Overrides ?? []) {
    const own = templateRef(o.LaunchTemplateSpecification);
    add(own);
    // An override may name its own AMI: a source of its own (the template's settings, that AMI).
    const ref = own ?? base;
    if (ref && o.ImageId) add({ ...ref, imageId: o.ImageId });
  }
  return refs;
}

/** Reads and caches template versions for one invocation. */
class TemplateVersionCache {
  private readonly versions = new Map<string, Promise<LaunchTemplateVersion | undefined>>();
  constructor(private readonly ctx: RuleContext<unknown>) {}

  get(ref: TemplateRef): Promise<LaunchTemplateVersion | undefined> {
    const k = `${ref.key}@${ref.version}`;
    let p = this.versions.get(k);
    if (!p) {
      p = this.read(ref);
      this.versions.set(k, p);
    }
    return p;
  }

  private async read(ref: TemplateRef): Promise<LaunchTemplateVersion | undefined> {
    return (await describeTemplateVersions(this.ctx.clients.ec2, { id: ref.id, name: ref.name }, [ref.version]))?.[0];
  }
}

const caches = new WeakMap<object, TemplateVersionCache>();
function versionCache(ctx: RuleContext<unknown>): TemplateVersionCache {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, (c = new TemplateVersionCache(ctx)));
  return c;
}

async function describeLaunchConfigurations(ctx: RuleContext<unknown>, names: string[]): Promise<Map<string, LaunchConfiguration>> {
  const found = new Map<string, LaunchConfiguration>();
  for (const part of chunk([...new Set(names)], 50)) {
    try {
      const out = await ctx.clients.autoscaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: part, MaxRecords: 50 }));
      for (const lc of out.LaunchConfigurations ?? []) if (lc.LaunchConfigurationName) found.set(lc.LaunchConfigurationName, lc);
    } catch (e) {
      throw fetchError('DescribeLaunchConfigurations', e);
    }
  }
  return found;
}

async function describeInstanceOptions(ctx: RuleContext<unknown>, ids: string[]): Promise<Map<string, MetadataOptions | undefined>> {
  const found = new Map<string, MetadataOptions | undefined>();
  // A filter, not InstanceIds: an instance terminated meanwhile must not fail the whole call.
  for (const part of chunk([...new Set(ids)], 200)) {
    let token: string | undefined;
    do {
      try {
        const out = await ctx.clients.ec2.send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: part }], NextToken: token }),
        );
        for (const i of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          if (i.InstanceId) found.set(i.InstanceId, normaliseMetadataOptions(i.MetadataOptions));
        }
        token = out.NextToken;
      } catch (e) {
        throw fetchError('DescribeInstances', e);
      }
    } while (token);
  }
  return found;
}

/** DescribeWarmPool's largest page (the API allows at most 50 instances a call). */
const WARM_POOL_PAGE = 50;

/**
 * The instances in a group's warm pool (`Warmed:Stopped`, `Warmed:Running`, `Warmed:Hibernated`, …):
 * they join the group without a new launch, so they are judged like its other instances.
 * DescribeAutoScalingGroups does not list them; only groups that have a warm pool
 * (`WarmPoolConfiguration`, or a `WarmPoolSize`) are asked, so a group without one costs no call.
 */
async function describeWarmPoolInstances(ctx: RuleContext<unknown>, group: AutoScalingGroup): Promise<GroupMember[]> {
  const name = group.AutoScalingGroupName;
  if (!name || (group.WarmPoolConfiguration === undefined && !(group.WarmPoolSize && group.WarmPoolSize > 0))) return [];
  const members: GroupMember[] = [];
  let token: string | undefined;
  do {
    try {
      const out = await ctx.clients.autoscaling.send(
        new DescribeWarmPoolCommand({ AutoScalingGroupName: name, MaxRecords: WARM_POOL_PAGE, NextToken: token }),
      );
      members.push(...(out.Instances ?? []));
      token = out.NextToken;
    } catch (e) {
      // The group was deleted since it was listed: it has no warm pool left to judge.
      if (errorName(e) === 'ValidationError' && /not found/i.test(String((e as Error).message))) return members;
      throw fetchError(`DescribeWarmPool ${name}`, e);
    }
  } while (token);
  return members;
}

function templateLabel(ref: TemplateRef, v: LaunchTemplateVersion | undefined): string {
  const id = v?.LaunchTemplateId ?? ref.id ?? ref.name;
  const name = v?.LaunchTemplateName ?? ref.name;
  const number = v?.VersionNumber !== undefined ? `v${v.VersionNumber}` : ref.version;
  // An unresolved `$Default` already shows as the number; naming it twice reads as a typo.
  const alias = ref.version.startsWith('$') && v?.VersionNumber !== undefined ? ` ${ref.version}` : '';
  const image = ref.imageId ? ` with ${ref.imageId}` : '';
  return `LT ${id}${name && name !== id ? ` (${name})` : ''} ${number}${alias}${image}`;
}

/**
 * Resolves the launch sources and (with checkInstances) the live metadata options of the instances
 * of a page of groups, with as few calls as the APIs allow: launch configurations 50 a call,
 * template versions once per distinct template and version, instances 200 a call.
 */
export async function resolveGroups(
  ctx: RuleContext<AutoScalingGroupParameters>,
  groups: readonly AutoScalingGroup[],
): Promise<AutoScalingGroupSubject[]> {
  const lcNames = groups.map((g) => g.LaunchConfigurationName).filter((n): n is string => !!n);
  const lcs = lcNames.length > 0 ? await describeLaunchConfigurations(ctx, lcNames) : new Map();
  const cache = versionCache(ctx);
  const refsByGroup = groups.map(templateRefs);
  const allRefs = refsByGroup.flat();
  await mapLimit(allRefs, CONCURRENCY, (r) => cache.get(r));

  // Every instance that can serve: the group's own (Standby included) and its warm pool's.
  const warm = ctx.params.checkInstances ? await mapLimit(groups, CONCURRENCY, (g) => describeWarmPoolInstances(ctx, g)) : groups.map(() => []);
  const members = groups.map((g, gi) => [...(g.Instances ?? []), ...warm[gi].filter((w) => !(g.Instances ?? []).some((i) => i.InstanceId === w.InstanceId))]);
  const instanceIds = ctx.params.checkInstances ? members.flat().map((i) => i.InstanceId ?? '').filter(Boolean) : [];
  const live = instanceIds.length > 0 ? await describeInstanceOptions(ctx, instanceIds) : new Map<string, MetadataOptions | undefined>();

  const inherit = ctx.params.acceptInheritedDefaults;
  const images = new Map<string, ImageLookup>();
  let accountTokens: string | undefined;
  if (inherit) {
    const ids: string[] = [];
    for (const n of lcNames) if (lcs.get(n)?.ImageId) ids.push(lcs.get(n)!.ImageId!);
    for (const r of allRefs) {
      const id = r.imageId ?? (await cache.get(r))?.LaunchTemplateData?.ImageId;
      if (id) ids.push(id);
    }
    for (const [k, v] of await describeImdsSupport(ctx.clients.ec2, ids)) images.set(k, v);
    accountTokens = await accountDefaultTokens(ctx);
  }

  return Promise.all(
    groups.map(async (g, gi) => {
      const sources: LaunchSource[] = [];
      if (g.LaunchConfigurationName) {
        const lc = lcs.get(g.LaunchConfigurationName);
        sources.push({
          kind: 'launch-configuration',
          label: `LC ${g.LaunchConfigurationName}`,
          found: lc !== undefined,
          metadataOptions: normaliseMetadataOptions(lc?.MetadataOptions),
          ...(inherit && lc?.ImageId ? imageFacts(images.get(lc.ImageId)) : {}),
        });
      }
      for (const ref of refsByGroup[gi]) {
        const v = await cache.get(ref);
        const imageId = ref.imageId ?? v?.LaunchTemplateData?.ImageId;
        sources.push({
          kind: 'launch-template',
          label: templateLabel(ref, v),
          found: v !== undefined,
          metadataOptions: normaliseMetadataOptions(v?.LaunchTemplateData?.MetadataOptions),
          ...(inherit && imageId ? imageFacts(images.get(imageId)) : {}),
        });
      }
      const instances: GroupInstance[] = members[gi].map((i) => ({
        instanceId: i.InstanceId ?? '',
        lifecycleState: i.LifecycleState,
        metadataOptions: live.get(i.InstanceId ?? ''),
      }));
      return {
        autoScalingGroupName: g.AutoScalingGroupName ?? '',
        autoScalingGroupArn: g.AutoScalingGroupARN ?? '',
        sources,
        instances,
        tags: tagListToMap(g.Tags),
        accountDefaultHttpTokens: accountTokens,
        region: ctx.region,
      };
    }),
  );
}

/**
 * The item names the group; the group is read again so the sources, versions and instances are
 * the live ones, resolved exactly as in the sweep. Undefined when the group has been deleted.
 */
export async function autoScalingGroupFromItem(
  item: ConfigurationItem,
  ctx: RuleContext<AutoScalingGroupParameters>,
): Promise<AutoScalingGroupSubject | undefined> {
  const c = item.configuration ?? {};
  const name = typeof c.autoScalingGroupName === 'string' ? c.autoScalingGroupName : item.resourceName;
  if (!name) throw fetchError('Reading the group', new Error('the item names no autoScalingGroupName'));
  let groups: AutoScalingGroup[];
  try {
    const out = await ctx.clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    groups = out.AutoScalingGroups ?? [];
  } catch (e) {
    throw fetchError(`DescribeAutoScalingGroups ${name}`, e);
  }
  if (groups.length === 0) return undefined;
  const [subject] = await resolveGroups(ctx, groups);
  // Config knows the group by the item's resourceId (its ARN); keep it exactly.
  return { ...subject, autoScalingGroupArn: item.resourceId };
}

/** Every group in the region, 100 a page, with sources and instances resolved per page. */
export async function* autoScalingGroupPages(ctx: RuleContext<AutoScalingGroupParameters>): AsyncGenerator<AutoScalingGroupSubject[]> {
  try {
    for await (const page of paginateDescribeAutoScalingGroups({ client: ctx.clients.autoscaling, pageSize: PAGE_SIZE }, {})) {
      yield await resolveGroups(ctx, page.AutoScalingGroups ?? []);
    }
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeAutoScalingGroups', e);
  }
}
