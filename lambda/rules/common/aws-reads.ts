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
        t.id ? { LaunchTemplateId: t.id, Versions: [...versions] } : { LaunchTemplateName: t.name, Versions: [...versions] },
      ),
    );
    const found = out.LaunchTemplateVersions ?? [];
    return found.length > 0 ? found : undefined;
  } catch (e) {
    if (LT_NOT_FOUND.has(errorName(e))) return undefined;
    throw fetchError(`DescribeLaunchTemplateVersions ${launchTemplateId}`, e);
  }
}

/** ImdsSupport (`v2.0` or undefined) of each AMI id; AMIs that no longer exist are left out. */
export async function describeImdsSupport(ec2: EC2Client, imageIds: readonly string[]): Promise<Map<string, string | undefined>> {
  const result = new Map<string, string | undefined>();
  const ids = [...new Set(imageIds)];
  for (const part of chunk(ids, 100)) {
    try {
      const out = await ec2.send(new DescribeImagesCommand({ ImageIds: part }));
      for (const image of out.Images ?? []) if (image.ImageId) result.set(image.ImageId, image.ImdsSupport);
    } catch (e) {
      // One deregistered AMI fails the whole call: fall back to one call per image.
      if (errorName(e) !== 'InvalidAMIID.NotFound' && errorName(e) !== 'InvalidAMIID.Unavailable') {
        throw fetchError('DescribeImages', e);
      }
      for (const id of part) {
        try {
          const one = await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }));
          for (const image of one.Images ?? []) if (image.ImageId) result.set(image.ImageId, image.ImdsSupport);
        } catch (inner) {
          if (!/InvalidAMIID/.test(errorName(inner))) throw fetchError('DescribeImages', inner);
        }
      }
    }
  }
  return result;
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
