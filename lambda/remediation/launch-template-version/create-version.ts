import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
  type EC2Client,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { awsCallError, awsErrorName, ResourceNotFoundError, VerificationError } from '../common/errors';
import { alreadyCompliant, requestDataFromResponse, requireImdsV2 } from './template-data';

export interface VersionRequest {
  readonly launchTemplateId: string;
  /** 1–64 to set the hop limit; undefined keeps the current one. */
  readonly hopLimit?: number;
}

export interface VersionResult {
  readonly LaunchTemplateId: string;
  /** false when $Default already required IMDSv2 (with the wanted hop limit): nothing was created. */
  readonly Changed: boolean;
  readonly PreviousDefaultVersion: number;
  readonly DefaultVersion: number;
  readonly HttpPutResponseHopLimit?: number;
  readonly HttpEndpoint?: string;
}

const NOT_FOUND = /^InvalidLaunchTemplate(Id|Name)\.(NotFound|NotFoundException|Malformed|VersionNotFound)$/;

async function defaultVersion(ec2: EC2Client, launchTemplateId: string): Promise<LaunchTemplateVersion> {
  let versions: LaunchTemplateVersion[];
  try {
    const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: ['$Default'] }));
    versions = out.LaunchTemplateVersions ?? [];
  } catch (e) {
    if (NOT_FOUND.test(awsErrorName(e))) throw new ResourceNotFoundError(`Launch template ${launchTemplateId} does not exist`, { cause: e });
    throw awsCallError(`DescribeLaunchTemplateVersions ${launchTemplateId} $Default`, e);
  }
  const v = versions[0];
  if (!v || v.VersionNumber === undefined) throw new ResourceNotFoundError(`Launch template ${launchTemplateId} has no default version`);
  return v;
}

/**
 * Makes the launch template's default version require IMDSv2: a new version made from `$Default`
 * (all of its data, MetadataOptions changed) becomes the default. Idempotent: a default that
 * already complies is left alone. The previous default stays as a version, so rolling back is
 * `aws ec2 modify-launch-template --default-version <PreviousDefaultVersion>`.
 */
export async function createCompliantDefaultVersion(ec2: EC2Client, req: VersionRequest): Promise<VersionResult> {
  const current = await defaultVersion(ec2, req.launchTemplateId);
  const previous = current.VersionNumber!;
  const options = current.LaunchTemplateData?.MetadataOptions;
  if (alreadyCompliant(options, req.hopLimit)) {
    return {
      LaunchTemplateId: req.launchTemplateId,
      Changed: false,
      PreviousDefaultVersion: previous,
      DefaultVersion: previous,
      HttpPutResponseHopLimit: options?.HttpPutResponseHopLimit,
      HttpEndpoint: options?.HttpEndpoint,
    };
  }

  const data = requestDataFromResponse(current.LaunchTemplateData ?? {});
  data.MetadataOptions = requireImdsV2(options, req.hopLimit);
  let created: number | undefined;
  try {
    const out = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: req.launchTemplateId,
        // Also given on AWS so members this SDK cannot read are still inherited from the source.
        SourceVersion: String(previous),
        VersionDescription: `imdsv2-guard: IMDSv2 required (made from v${previous})`,
        LaunchTemplateData: data,
      }),
    );
    created = out.LaunchTemplateVersion?.VersionNumber;
  } catch (e) {
    throw awsCallError(`CreateLaunchTemplateVersion ${req.launchTemplateId} from v${previous}`, e);
  }
  if (created === undefined) throw new VerificationError(`CreateLaunchTemplateVersion ${req.launchTemplateId} returned no version number`);
  try {
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: req.launchTemplateId, DefaultVersion: String(created) }));
  } catch (e) {
    throw awsCallError(`ModifyLaunchTemplate ${req.launchTemplateId} DefaultVersion ${created}`, e);
  }
  return {
    LaunchTemplateId: req.launchTemplateId,
    Changed: true,
    PreviousDefaultVersion: previous,
    DefaultVersion: created,
    HttpPutResponseHopLimit: data.MetadataOptions.HttpPutResponseHopLimit,
    HttpEndpoint: data.MetadataOptions.HttpEndpoint,
  };
}
