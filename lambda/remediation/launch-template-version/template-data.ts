import type {
  LaunchTemplateInstanceMetadataOptionsRequest,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';

/**
 * Launch template data as DescribeLaunchTemplateVersions returns it, turned into the request
 * CreateLaunchTemplateVersion takes. The two shapes share their member names except for a few
 * read-only fields, which are dropped here; anything else the SDK does not know in the request is
 * dropped by its serializer. We send the full data (rather than only MetadataOptions with a
 * SourceVersion) because a partial MetadataOptions replaces the whole structure, and because moto
 * ignores SourceVersion: full data is right on both.
 */
export function requestDataFromResponse(data: ResponseLaunchTemplateData): RequestLaunchTemplateData {
  const copy = JSON.parse(JSON.stringify(data ?? {})) as Record<string, unknown>;
  const metadata = copy.MetadataOptions as Record<string, unknown> | undefined;
  // State (pending/applied) describes the version, it is not a setting.
  if (metadata) delete metadata.State;
  const operator = copy.Operator as Record<string, unknown> | undefined;
  if (operator) {
    // Managed is read-only; Principal is the only settable member.
    if (typeof operator.Principal === 'string') copy.Operator = { Principal: operator.Principal };
    else delete copy.Operator;
  }
  const profile = copy.IamInstanceProfile as { Arn?: string; Name?: string } | undefined;
  // The request takes an ARN or a name, not both.
  if (profile?.Arn && profile.Name) copy.IamInstanceProfile = { Arn: profile.Arn };
  return copy as RequestLaunchTemplateData;
}

/**
 * MetadataOptions with IMDSv2 required. Every other member is kept as it was, so a disabled
 * endpoint stays disabled and an unset one stays unset (it defaults to enabled only because it
 * was never set). The hop limit is `hopLimit` when given (1–64), else the current one; either is
 * lowered to `maxHopLimit` (the deployment's cap) when above it.
 */
export function requireImdsV2(
  current: ResponseLaunchTemplateData['MetadataOptions'] | undefined,
  hopLimit: number | undefined,
  maxHopLimit = 64,
): LaunchTemplateInstanceMetadataOptionsRequest {
  const { State: _state, ...kept } = current ?? {};
  const options: LaunchTemplateInstanceMetadataOptionsRequest = { ...kept, HttpTokens: 'required' };
  if (hopLimit !== undefined) options.HttpPutResponseHopLimit = Math.min(hopLimit, maxHopLimit);
  // Keeping never keeps more than the cap: a hop limit above it is lowered (hardening only).
  else if ((options.HttpPutResponseHopLimit ?? 0) > maxHopLimit) options.HttpPutResponseHopLimit = maxHopLimit;
  return options;
}

/** Whether the data already requires IMDSv2 with the wanted hop limit (then there is nothing to do). */
export function alreadyCompliant(current: ResponseLaunchTemplateData['MetadataOptions'] | undefined, hopLimit: number | undefined, maxHopLimit = 64): boolean {
  if (current?.HttpTokens !== 'required') return false;
  if ((current.HttpPutResponseHopLimit ?? 0) > maxHopLimit) return false;
  return hopLimit === undefined || current.HttpPutResponseHopLimit === hopLimit;
}
