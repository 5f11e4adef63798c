import { KitError } from '../../kit/errors';
import { paginateDescribeLaunchTemplates, type LaunchTemplate, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { mapLimit } from '../../kit/concurrency';
import type { ConfigurationItem } from '../../kit/configuration-item';
import type { RuleContext } from '../../kit/rule-module';
import { describeImdsSupport, describeTemplateVersions, fetchError, tagListToMap } from '../common/aws-reads';
import { accountDefaultTokens } from '../common/inherited';
import { normaliseMetadataOptions } from '../common/metadata-options';
import type { LaunchTemplateParameters } from './definition';
import type { LaunchTemplateSubject, LaunchTemplateVersionData } from './subject';

/** DescribeLaunchTemplates' largest page. */
const PAGE_SIZE = 200;
/** Version reads in flight at once during a sweep. */
const CONCURRENCY = 8;

function versionData(v: LaunchTemplateVersion): LaunchTemplateVersionData {
  const data = v.LaunchTemplateData;
  return {
    versionNumber: v.VersionNumber ?? 0,
    metadataOptions: normaliseMetadataOptions(data?.MetadataOptions),
    imageId: data?.ImageId,
    instanceProfile: data?.IamInstanceProfile?.Arn ?? data?.IamInstanceProfile?.Name,
  };
}

/**
 * Reads the template's `$Default` and `$Latest` versions (the configuration item's
 * LaunchTemplateData may show either, so it is never trusted for verdicts). Undefined when the
 * template was deleted between the event and the read.
 */
export async function loadLaunchTemplate(
  ctx: RuleContext<LaunchTemplateParameters>,
  launchTemplateId: string,
  launchTemplateName: string | undefined,
  tags: Record<string, string>,
): Promise<LaunchTemplateSubject | undefined> {
  const versions = await describeTemplateVersions(ctx.clients.ec2, launchTemplateId, ['$Default', '$Latest']);
  if (!versions) return undefined;
  const def = versions.find((v) => v.DefaultVersion) ?? versions[0];
  const latest = versions.reduce((a, b) => ((b.VersionNumber ?? 0) > (a.VersionNumber ?? 0) ? b : a));
  let defaultVersion = versionData(def);
  let latestVersion = versionData(latest);
  let accountDefaultHttpTokens: string | undefined;
  if (ctx.params.acceptInheritedDefaults) {
    const support = await describeImdsSupport(
      ctx.clients.ec2,
      [defaultVersion.imageId, latestVersion.imageId].filter((x): x is string => !!x),
    );
    defaultVersion = { ...defaultVersion, imageImdsSupport: defaultVersion.imageId ? support.get(defaultVersion.imageId) : undefined };
    latestVersion = { ...latestVersion, imageImdsSupport: latestVersion.imageId ? support.get(latestVersion.imageId) : undefined };
    accountDefaultHttpTokens = await accountDefaultTokens(ctx);
  }
  return {
    launchTemplateId,
    launchTemplateName: launchTemplateName ?? def.LaunchTemplateName,
    defaultVersion,
    latestVersion,
    tags,
    accountDefaultHttpTokens,
  };
}

export function launchTemplateFromItem(
  item: ConfigurationItem,
  ctx: RuleContext<LaunchTemplateParameters>,
): Promise<LaunchTemplateSubject | undefined> {
  const c = item.configuration ?? {};
  const name = typeof c.LaunchTemplateName === 'string' ? c.LaunchTemplateName : item.resourceName;
  const tags = Object.keys(item.tags).length > 0 ? item.tags : tagListToMap(c.Tags);
  return loadLaunchTemplate(ctx, item.resourceId, name, tags);
}

async function fromListed(ctx: RuleContext<LaunchTemplateParameters>, t: LaunchTemplate) {
  return loadLaunchTemplate(ctx, t.LaunchTemplateId ?? '', t.LaunchTemplateName, tagListToMap(t.Tags));
}

/** Every launch template in the region, 200 a page, each with its default and latest versions. */
export async function* launchTemplatePages(ctx: RuleContext<LaunchTemplateParameters>): AsyncGenerator<LaunchTemplateSubject[]> {
  let pages;
  try {
    pages = paginateDescribeLaunchTemplates({ client: ctx.clients.ec2, pageSize: PAGE_SIZE }, {});
    for await (const page of pages) {
      const loaded = await mapLimit(page.LaunchTemplates ?? [], CONCURRENCY, (t) => fromListed(ctx, t));
      // A template deleted while we paged is simply absent, as if listed a moment later.
      yield loaded.filter((s): s is LaunchTemplateSubject => s !== undefined);
    }
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeLaunchTemplates', e);
  }
}
