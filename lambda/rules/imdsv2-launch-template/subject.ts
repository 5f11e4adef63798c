import type { MetadataOptions } from '../common/metadata-options';

export interface LaunchTemplateVersionData {
  readonly versionNumber: number;
  /** The version's MetadataOptions; undefined when the version sets none. */
  readonly metadataOptions?: MetadataOptions;
  readonly imageId?: string;
  /** IamInstanceProfile ARN or name the version sets; informational (scan). */
  readonly instanceProfile?: string;
  /** ImdsSupport of the version's AMI (`v2.0`), when it was looked up; only read with acceptInheritedDefaults. */
  readonly imageImdsSupport?: string;
  /** Why the version's AMI could not be described, when it was looked up and could not be. */
  readonly imageProblem?: string;
}

/** Everything `evaluate` needs to judge one launch template. */
export interface LaunchTemplateSubject {
  readonly launchTemplateId: string;
  readonly launchTemplateName?: string;
  /** The `$Default` version, as read with DescribeLaunchTemplateVersions. */
  readonly defaultVersion: LaunchTemplateVersionData;
  /** The `$Latest` version (may be the same number as the default). */
  readonly latestVersion: LaunchTemplateVersionData;
  readonly tags: Readonly<Record<string, string>>;
  /** The region's account default AccountLevel.HttpTokens, when looked up (acceptInheritedDefaults only). */
  readonly accountDefaultHttpTokens?: string;
  /** The region the template is in, for the fix command (`--region`). */
  readonly region?: string;
}
