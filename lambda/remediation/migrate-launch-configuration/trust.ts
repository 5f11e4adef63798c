import type { LaunchTemplateInstanceMetadataOptionsRequest, RequestLaunchTemplateData, ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';

/**
 * What lets the migration reuse a launch template it finds, rather than create one. A tag proves
 * nothing (anyone allowed ec2:CreateTags can set it), so a template is reused only when
 *  1. the migration's own principal created it (and the version picked), and
 *  2. the version's data is exactly what the launch configuration translates to, apart from
 *     MetadataOptions, which must be at least as strict as the translation's.
 * Either check alone would do for an honest estate; together they keep a look-alike template (same
 * tag, same name, another AMI, user data or instance profile) from being launched by the groups.
 */

/** `arn:aws:sts::123456789012:assumed-role/Role/session` or `arn:aws:iam::123456789012:role/path/Role` → `123456789012/Role`. */
function roleIdentity(arn: string): string | undefined {
  const sts = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (sts) return `${sts[1]}/${sts[2]}`;
  const iam = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (iam) return `${iam[1]}/${iam[2]}`;
  return undefined;
}

/**
 * Whether `createdBy` (a template's or version's CreatedBy) names the caller (GetCallerIdentity's
 * Arn). A Lambda function calls as an assumed-role session; CreatedBy may name the session or the
 * role, so both forms of the same role match. Anything else must be the identical ARN.
 */
export function samePrincipal(createdBy: string | undefined, callerArn: string): boolean {
  if (!createdBy) return false;
  if (createdBy === callerArn) return true;
  const a = roleIdentity(createdBy);
  return a !== undefined && a === roleIdentity(callerArn);
}

/** Deep copy with keys sorted and undefined/null, empty lists and empty objects dropped: the form two data are compared in. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null ? undefined : value;
}

/** The canonical JSON of launch template data without MetadataOptions. */
export function dataFingerprint(data: RequestLaunchTemplateData | ResponseLaunchTemplateData): string {
  const { MetadataOptions: _m, TagSpecifications: specs, ...rest } = data as Record<string, unknown> & { TagSpecifications?: Array<{ ResourceType?: string }> };
  // Tags for the `launch-template` resource itself are not launch data (EC2 refuses that resource type inside
  // LaunchTemplateData); moto 5.2.1 shows CreateLaunchTemplate's own TagSpecifications there. Every other
  // tag specification (instance, volume, ...) is compared.
  const launched = (specs ?? []).filter((t) => t.ResourceType !== 'launch-template');
  if (launched.length > 0) rest.TagSpecifications = launched;
  return JSON.stringify(canonical(rest) ?? {});
}

/** Every field but MetadataOptions is identical (after canonical()): nothing added, nothing missing, nothing changed. */
export function sameDataApartFromMetadata(expected: RequestLaunchTemplateData, actual: ResponseLaunchTemplateData): boolean {
  return dataFingerprint(expected) === dataFingerprint(actual);
}

/**
 * The version's metadata options are at least as strict as the translation's: tokens required,
 * the same endpoint setting (unset counts as enabled), and a hop limit no higher than wanted
 * (unset counts as 1, EC2's default).
 */
export function metadataAtLeastAsStrict(
  wanted: LaunchTemplateInstanceMetadataOptionsRequest,
  actual: ResponseLaunchTemplateData['MetadataOptions'] | undefined,
): boolean {
  if (actual?.HttpTokens !== 'required') return false;
  if ((actual.HttpEndpoint ?? 'enabled') !== (wanted.HttpEndpoint ?? 'enabled')) return false;
  return (actual.HttpPutResponseHopLimit ?? 1) <= (wanted.HttpPutResponseHopLimit ?? 1);
}
