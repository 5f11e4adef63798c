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
  /** The deployment's cap (IMDSV2_GUARD_MAX_HOP_LIMIT): a kept hop limit above it is lowered. @default 64 */
  readonly maxHopLimit?: number;
}

export interface VersionResult {
  readonly LaunchTemplateId: string;
  /** false when $Default and $Latest already required IMDSv2 (with the wanted hop limit): nothing was created. */
  readonly Changed: boolean;
  readonly PreviousDefaultVersion: number;
  readonly DefaultVersion: number;
  /** The $Latest version before the change. */
  readonly PreviousLatestVersion: number;
  /** The $Latest version after the change. */
  readonly LatestVersion: number;
  readonly HttpPutResponseHopLimit?: number;
  readonly HttpEndpoint?: string;
}

const NOT_FOUND = /^InvalidLaunchTemplate(Id|Name)\.(NotFound|NotFoundException|Malformed|VersionNotFound)$/;

async function readVersion(ec2: EC2Client, launchTemplateId: string, which: '$Default' | '$Latest'): Promise<LaunchTemplateVersion> {
  let versions: LaunchTemplateVersion[];
  try {
    const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: [which] }));
    versions = out.LaunchTemplateVersions ?? [];
  } catch (e) {
    if (NOT_FOUND.test(awsErrorName(e))) throw new ResourceNotFoundError(`Launch template ${launchTemplateId} does not exist`, { cause: e });
    throw awsCallError(`DescribeLaunchTemplateVersions ${launchTemplateId} ${which}`, e);
  }
  const v = versions[0];
  if (!v || v.VersionNumber === undefined) throw new ResourceNotFoundError(`Launch template ${launchTemplateId} has no ${which} version`);
  return v;
}

/** A new version made from `source` (all of its data) with IMDSv2 required; returns its number. */
async function compliantCopy(ec2: EC2Client, launchTemplateId: string, source: LaunchTemplateVersion, hopLimit: number | undefined, maxHopLimit: number | undefined) {
  const from = source.VersionNumber!;
  const data = requestDataFromResponse(source.LaunchTemplateData ?? {});
  data.MetadataOptions = requireImdsV2(source.LaunchTemplateData?.MetadataOptions, hopLimit, maxHopLimit);
  let created: number | undefined;
  try {
    const out = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: launchTemplateId,
        // Also given on AWS so members this SDK cannot read are still inherited from the source.
        SourceVersion: String(from),
        VersionDescription: `imdsv2-guard: IMDSv2 required (made from v${from})`,
        LaunchTemplateData: data,
      }),
    );
    created = out.LaunchTemplateVersion?.VersionNumber;
  } catch (e) {
    throw awsCallError(`CreateLaunchTemplateVersion ${launchTemplateId} from v${from}`, e);
  }
  if (created === undefined) throw new VerificationError(`CreateLaunchTemplateVersion ${launchTemplateId} returned no version number`);
  return { created, options: data.MetadataOptions };
}

/**
 * Makes the launch template's `$Default` and `$Latest` versions require IMDSv2 without changing
 * what either launches: afterwards `$Default` holds the old `$Default` data and `$Latest` the old
 * `$Latest` data, each with IMDSv2 required (and the hop limit given), every other field identical.
 *
 * A new version always becomes `$Latest`, so order matters: when the default is fixed and `$Latest`
 * was another version, the default's copy is `$Latest` for a moment, and a copy of the old latest is
 * made after it (even when the old latest already complied), or groups that follow `$Latest` would
 * roll back to the default's AMI and user data. Idempotent: versions that comply are left alone.
 * The previous default stays as a version: `aws ec2 modify-launch-template --default-version <PreviousDefaultVersion>`.
 */
export async function createCompliantDefaultVersion(ec2: EC2Client, req: VersionRequest): Promise<VersionResult> {
  const current = await readVersion(ec2, req.launchTemplateId, '$Default');
  const latest = await readVersion(ec2, req.launchTemplateId, '$Latest');
  const previous = current.VersionNumber!;
  const previousLatest = latest.VersionNumber!;
  const sameVersion = previousLatest === previous;
  const options = current.LaunchTemplateData?.MetadataOptions;
  const defaultOk = alreadyCompliant(options, req.hopLimit, req.maxHopLimit);
  // The rule also judges $Latest (groups that follow $Latest launch from it).
  const latestOk = sameVersion || alreadyCompliant(latest.LaunchTemplateData?.MetadataOptions, req.hopLimit, req.maxHopLimit);
  let defaultVersion = previous;
  let latestVersion = previousLatest;
  let kept = options;
  if (!defaultOk) {
    const made = await compliantCopy(ec2, req.launchTemplateId, current, req.hopLimit, req.maxHopLimit);
    try {
      await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: req.launchTemplateId, DefaultVersion: String(made.created) }));
    } catch (e) {
      throw awsCallError(`ModifyLaunchTemplate ${req.launchTemplateId} DefaultVersion ${made.created}`, e);
    }
    defaultVersion = latestVersion = made.created;
    kept = made.options;
  }
  // $Latest must again launch the old latest's data: after the default's copy (now $Latest), or when it did not comply.
  if (!sameVersion && (!defaultOk || !latestOk)) {
    latestVersion = (await compliantCopy(ec2, req.launchTemplateId, latest, req.hopLimit, req.maxHopLimit)).created;
  }
  return {
    LaunchTemplateId: req.launchTemplateId,
    Changed: !defaultOk || !latestOk,
    PreviousDefaultVersion: previous,
    DefaultVersion: defaultVersion,
    PreviousLatestVersion: previousLatest,
    LatestVersion: latestVersion,
    HttpPutResponseHopLimit: kept?.HttpPutResponseHopLimit,
    HttpEndpoint: kept?.HttpEndpoint,
  };
}
