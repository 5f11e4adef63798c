import {
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  GetInstanceMetadataDefaultsCommand,
  type EC2Client,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { chunk } from '../../kit/concurrency';
import { errorName, fetchError } from '../../kit/aws-errors';

export { errorName, fetchError };

/** Reads shared by several rules and by the scanner. Not-found is an answer; anything else is an error. */

const LT_NOT_FOUND = new Set([
  'InvalidLaunchTemplateId.NotFound',
  'InvalidLaunchTemplateName.NotFoundException',
  'InvalidLaunchTemplateId.Malformed',
  'InvalidLaunchTemplateId.VersionNotFound',
  'InvalidLaunchTemplateName.NotFound',
]);

/**
 * The requested versions of one launch template (`$Default`, `$Latest` or numbers).
 * Returns undefined when the template (or every requested version) does not exist.
 */
export async function describeTemplateVersions(
  ec2: EC2Client,
  template: string | { readonly id?: string; readonly name?: string },
  versions: readonly string[],
): Promise<LaunchTemplateVersion[] | undefined> {
  const t = typeof template === 'string' ? { id: template } : template;
  const launchTemplateId = t.id ?? t.name;
  try {
    const out = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand(
        // ResolveAlias: a version whose ImageId is `resolve:ssm:<parameter>` shows the AMI the parameter names.
        t.id
          ? { LaunchTemplateId: t.id, Versions: [...versions], ResolveAlias: true }
          : { LaunchTemplateName: t.name, Versions: [...versions], ResolveAlias: true },
      ),
    );
    const found = out.LaunchTemplateVersions ?? [];
    return found.length > 0 ? found : undefined;
  } catch (e) {
    if (LT_NOT_FOUND.has(errorName(e))) return undefined;
    throw fetchError(`DescribeLaunchTemplateVersions ${launchTemplateId}`, e);
  }
}

/**
 * What DescribeImages told about one AMI: its ImdsSupport (`v2.0` or undefined), or why it could not
 * be described. An AMI that cannot be read is an answer about that AMI, never a failure of the rule.
 */
export type ImageLookup =
  | { readonly found: true; readonly imdsSupport?: string }
  | { readonly found: false; readonly problem: string };

/** An AMI id as EC2 writes it; anything else (an unresolved `resolve:ssm:` alias, a typo) is never sent. */
const AMI_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

function clipId(id: string): string {
  return id.length <= 60 ? id : `${id.slice(0, 59)}…`;
}

/** Why one id could not be described, from the error DescribeImages gave for it alone. */
function imageProblem(id: string, code: string): string {
  if (code === 'InvalidAMIID.Malformed') return `malformed AMI id ${clipId(id)}`;
  if (code === 'InvalidAMIID.Unavailable') return `${id} unavailable`;
  return `${id} not found (deregistered or not shared with this account)`;
}

/** DescribeImages refuses a whole list for one unknown or malformed id (InvalidAMIID.*): those are answers. */
function isImageIdError(e: unknown): boolean {
  return errorName(e).startsWith('InvalidAMIID.');
}

/**
 * ImdsSupport of each AMI id, 100 a call. DescribeImages fails the whole call when one id in the list
 * is malformed or unknown (InvalidAMIID.Malformed / InvalidAMIID.NotFound), so such a list is asked
 * again one id at a time, and each id gets its own answer. Ids that are not AMI ids (an alias that
 * ResolveAlias could not resolve) are not sent at all. Other errors (permissions, throttling) are
 * errors of the read and are thrown.
 */
export async function describeImdsSupport(ec2: EC2Client, imageIds: readonly string[]): Promise<Map<string, ImageLookup>> {
  const result = new Map<string, ImageLookup>();
  const ids: string[] = [];
  for (const id of new Set(imageIds)) {
    if (AMI_ID.test(id)) ids.push(id);
    else if (id.startsWith('resolve:ssm:')) result.set(id, { found: false, problem: `alias ${clipId(id)} not resolved` });
    else result.set(id, { found: false, problem: `malformed AMI id ${clipId(id)}` });
  }
  const record = (images: ReadonlyArray<{ ImageId?: string; ImdsSupport?: string }> | undefined) => {
    for (const image of images ?? []) if (image.ImageId) result.set(image.ImageId, { found: true, imdsSupport: image.ImdsSupport });
  };
  for (const part of chunk(ids, 100)) {
    try {
      record((await ec2.send(new DescribeImagesCommand({ ImageIds: part }))).Images);
    } catch (e) {
      if (!isImageIdError(e)) throw fetchError('DescribeImages', e);
      for (const id of part) {
        try {
          record((await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images);
        } catch (inner) {
          if (!isImageIdError(inner)) throw fetchError(`DescribeImages ${id}`, inner);
          result.set(id, { found: false, problem: imageProblem(id, errorName(inner)) });
        }
      }
    }
    // A deregistered AMI can also be answered by silence: no image, no error.
    for (const id of part) if (!result.has(id)) result.set(id, { found: false, problem: imageProblem(id, 'InvalidAMIID.NotFound') });
  }
  return result;
}

/** The ImdsSupport and the problem, if any, of one source's AMI, as the verdict takes them. */
export function imageFacts(lookup: ImageLookup | undefined): { imageImdsSupport?: string; imageProblem?: string } {
  if (lookup === undefined) return {};
  return lookup.found ? { imageImdsSupport: lookup.imdsSupport } : { imageProblem: lookup.problem };
}

/** The region's instance metadata defaults (AccountLevel); every field undefined means no preference. */
export async function getAccountDefaults(ec2: EC2Client) {
  try {
    const out = await ec2.send(new GetInstanceMetadataDefaultsCommand({}));
    return out.AccountLevel ?? {};
  } catch (e) {
    throw fetchError('GetInstanceMetadataDefaults', e);
  }
}

/** `[{Key, Value}]` or `[{key, value}]` lists to a map. */
export function tagListToMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!Array.isArray(list)) return out;
  for (const t of list) {
    if (typeof t !== 'object' || t === null) continue;
    const r = t as Record<string, unknown>;
    const k = r.Key ?? r.key;
    const v = r.Value ?? r.value;
    if (typeof k === 'string') out[k] = typeof v === 'string' ? v : '';
  }
  return out;
}
