import type { MetadataOptions } from '../common/metadata-options';

/** One launch source a group really launches from, resolved to the exact version it references. */
export interface LaunchSource {
  readonly kind: 'launch-configuration' | 'launch-template';
  /** Human label for annotations, e.g. `LC web-v1` or `LT lt-0abc (web) v3`. */
  readonly label: string;
  /** false when the source (or the referenced version) no longer exists. */
  readonly found: boolean;
  /** The source's MetadataOptions; undefined when it sets none. */
  readonly metadataOptions?: MetadataOptions;
  /** ImdsSupport of the source's AMI (`v2.0`), when looked up (acceptInheritedDefaults only). */
  readonly imageImdsSupport?: string;
  /** Why the source's AMI could not be described, when it was looked up and could not be. */
  readonly imageProblem?: string;
}

export interface GroupInstance {
  readonly instanceId: string;
  /** Auto Scaling lifecycle state, e.g. `InService`, `Pending`, `Standby`, `Terminating`, `Warmed:Stopped` (warm pool). */
  readonly lifecycleState?: string;
  /** The instance's live metadata options; undefined when the instance could not be described. */
  readonly metadataOptions?: MetadataOptions;
}

/** Everything `evaluate` needs to judge one Auto Scaling group. */
export interface AutoScalingGroupSubject {
  readonly autoScalingGroupName: string;
  readonly autoScalingGroupArn: string;
  /** Every source the group launches from: one, or several for a MixedInstancesPolicy with overrides. */
  readonly sources: readonly LaunchSource[];
  /** Instances in the group and (checkInstances) its warm pool, with their live metadata options when checkInstances is on. */
  readonly instances: readonly GroupInstance[];
  readonly tags: Readonly<Record<string, string>>;
  /** The region's account default AccountLevel.HttpTokens, when looked up (acceptInheritedDefaults only). */
  readonly accountDefaultHttpTokens?: string;
  /** The region the group is in, for the fix commands (`--region`). */
  readonly region?: string;
}
