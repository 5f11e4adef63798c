import type { MetadataOptions } from '../common/metadata-options';

/** Everything `evaluate` needs to judge one launch configuration. */
export interface LaunchConfigurationSubject {
  readonly launchConfigurationName: string;
  readonly launchConfigurationArn: string;
  /** undefined when the launch configuration sets no MetadataOptions. */
  readonly metadataOptions?: MetadataOptions;
  readonly imageId?: string;
  /** IamInstanceProfile the launch configuration sets; informational (scan). */
  readonly instanceProfile?: string;
}
