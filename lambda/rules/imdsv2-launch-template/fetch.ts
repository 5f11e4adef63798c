import { KitError } from '../../kit/errors';
import {
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  type LaunchTemplate,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { mapLimit } from '../../kit/concurrency';
import type { ConfigurationItem } from '../../kit/configuration-item';
import type { RuleContext } from '../../kit/rule-module';
import { describeImdsSupport, describeTemplateVersions, fetchError, imageFacts, tagListToMap } from '../common/aws-reads';
import { accountDefaultTokens } from '../common/inherited';
import { normaliseMetadataOptions } from '../common/metadata-options';
import type { LaunchTemplateParameters } from './definition';
import type { LaunchTemplateSubject, LaunchTemplateVersionData } from './subject';

/** DescribeLaunchTemplates' and DescribeLaunchTemplateVersions' largest page. */
const PAGE_SIZE = 200;
/** Single-template version reads in flight at once during a sweep (only for templates the account-wide listing missed). */
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
 * Adds the region and, with acceptInheritedDefaults, what a version without HttpTokens inherits: its AMI's
 * ImdsSupport (one DescribeImages per 100 distinct images across all the subjects) and the region's
 * account default (read once per invocation). Otherwise returns the subjects as they are.
 */
async function withInheritedDefaults(
  ctx: RuleContext<LaunchTemplateParameters>,
  found: readonly LaunchTemplateSubject[],
): Promise<LaunchTemplateSubject[]> {
  // Every subject passes here: it also learns its region, for the fix command.
  const subjects = found.map((s) => ({ ...s, region: ctx.region }));
  if (!ctx.params.acceptInheritedDefaults || subjects.length === 0) return subjects;
  const images = subjects.flatMap((s) => [s.defaultVersion.imageId, s.latestVersion.imageId]).filter((x): x is string => !!x);
  const support = await describeImdsSupport(ctx.clients.ec2, images);
  const accountDefaultHttpTokens = await accountDefaultTokens(ctx);
  const withImage = (v: LaunchTemplateVersionData): LaunchTemplateVersionData => ({
    ...v,
    ...(v.imageId ? imageFacts(support.get(v.imageId)) : {}),
  });
  return subjects.map((s) => ({
    ...s,
    defaultVersion: withImage(s.defaultVersion),
    latestVersion: withImage(s.latestVersion),
    accountDefaultHttpTokens,
  }));
}

/** One template's `$Default` and `$Latest`, read alone; undefined when the template is gone. */
async function readTemplate(
  ctx: RuleContext<LaunchTemplateParameters>,
  launchTemplateId: string,
  launchTemplateName: string | undefined,
  tags: Record<string, string>,
): Promise<LaunchTemplateSubject | undefined> {
  const versions = await describeTemplateVersions(ctx.clients.ec2, launchTemplateId, ['$Default', '$Latest']);
  if (!versions) return undefined;
  const def = versions.find((v) => v.DefaultVersion) ?? versions[0];
  const latest = versions.reduce((a, b) => ((b.VersionNumber ?? 0) > (a.VersionNumber ?? 0) ? b : a));
  return {
    launchTemplateId,
    launchTemplateName: launchTemplateName ?? def.LaunchTemplateName,
    defaultVersion: versionData(def),
    latestVersion: versionData(latest),
    tags,
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
  const subject = await readTemplate(ctx, launchTemplateId, launchTemplateName, tags);
  return subject && (await withInheritedDefaults(ctx, [subject]))[0];
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

/** A template as DescribeLaunchTemplates lists it: which version numbers are `$Default` and `$Latest`. */
interface ListedTemplate {
  readonly id: string;
  readonly name?: string;
  readonly tags: Record<string, string>;
  readonly defaultVersionNumber?: number;
  readonly latestVersionNumber?: number;
}

function listed(t: LaunchTemplate): ListedTemplate {
  return {
    id: t.LaunchTemplateId ?? '',
    name: t.LaunchTemplateName,
    tags: tagListToMap(t.Tags),
    defaultVersionNumber: t.DefaultVersionNumber,
    latestVersionNumber: t.LatestVersionNumber,
  };
}

/**
 * The `$Default` and `$Latest` versions of every template in the account, from one paged listing
 * (DescribeLaunchTemplateVersions without a template id, which the EC2 API allows for exactly these
 * two), by template id and version number.
 */
async function accountWideVersions(ctx: RuleContext<unknown>): Promise<Map<string, Map<number, LaunchTemplateVersionData>>> {
  const byTemplate = new Map<string, Map<number, LaunchTemplateVersionData>>();
  try {
    const pages = paginateDescribeLaunchTemplateVersions(
      { client: ctx.clients.ec2, pageSize: PAGE_SIZE },
      { Versions: ['$Default', '$Latest'], ResolveAlias: true },
    );
    for await (const page of pages) {
      for (const v of page.LaunchTemplateVersions ?? []) {
        if (!v.LaunchTemplateId || v.VersionNumber === undefined) continue;
        let versions = byTemplate.get(v.LaunchTemplateId);
        if (!versions) byTemplate.set(v.LaunchTemplateId, (versions = new Map()));
        versions.set(v.VersionNumber, versionData(v));
      }
    }
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeLaunchTemplateVersions (account-wide $Default, $Latest)', e);
  }
  return byTemplate;
}

/**
 * The subject from the two listings, or undefined when the version listing lacks the template's
 * current `$Default` or `$Latest` (created or changed between the two listings, or a listing cut short).
 */
function fromListings(t: ListedTemplate, versions: Map<number, LaunchTemplateVersionData> | undefined): LaunchTemplateSubject | undefined {
  if (t.defaultVersionNumber === undefined || t.latestVersionNumber === undefined) return undefined;
  const defaultVersion = versions?.get(t.defaultVersionNumber);
  const latestVersion = versions?.get(t.latestVersionNumber);
  if (!defaultVersion || !latestVersion) return undefined;
  return { launchTemplateId: t.id, launchTemplateName: t.name, defaultVersion, latestVersion, tags: t.tags };
}

/**
 * Every launch template in the region with its `$Default` and `$Latest` versions, a page of 200 at a
 * time. The versions come first, from one account-wide listing (2 entries per template, 200 a call),
 * held by template while DescribeLaunchTemplates pages through the templates (for their tags and
 * current version numbers): about 3 calls per 200 templates where reading each template's versions
 * costs 200. The held versions are a few hundred bytes per template (EC2 allows 5,000 templates per
 * region by default). A template whose current versions the listing lacks (created or changed since,
 * or a listing cut short) is read alone, so no template is skipped because the two listings disagree.
 */
export async function* launchTemplatePages(ctx: RuleContext<LaunchTemplateParameters>): AsyncGenerator<LaunchTemplateSubject[]> {
  const versions = await accountWideVersions(ctx);
  try {
    for await (const page of paginateDescribeLaunchTemplates({ client: ctx.clients.ec2, pageSize: PAGE_SIZE }, {})) {
      const templates = (page.LaunchTemplates ?? []).filter((t) => t.LaunchTemplateId).map(listed);
      const subjects = await mapLimit(templates, CONCURRENCY, (t) => {
        const subject = fromListings(t, versions.get(t.id));
        return subject ? Promise.resolve(subject) : readTemplate(ctx, t.id, t.name, t.tags);
      });
      // A template deleted while we paged is simply absent, as if listed a moment later.
      yield await withInheritedDefaults(
        ctx,
        subjects.filter((s): s is LaunchTemplateSubject => s !== undefined),
      );
    }
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeLaunchTemplates', e);
  }
}
