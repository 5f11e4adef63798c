import type { MetadataOptions } from '../common/metadata-options';

/** Everything `evaluate` needs to judge one instance. */
export interface InstanceSubject {
  readonly instanceId: string;
  /** `pending` | `running` | `stopping` | `stopped` | `shutting-down` | `terminated`, when known. */
  readonly stateName?: string;
  /** The instance's metadata options; undefined when the item carries none. */
  readonly metadataOptions?: MetadataOptions;
  /** Resource tags as a map. */
  readonly tags: Readonly<Record<string, string>>;
  /** ARN (or name) of the attached IAM instance profile; undefined when none. Informational (scan). */
  readonly instanceProfile?: string;
  /** The region the instance is in, for the fix command (`--region`). */
  readonly region?: string;
}
