/** A configuration item as the kit hands it to a rule: validated, with `configuration` parsed. */
export interface ConfigurationItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly configurationItemStatus: ConfigurationItemStatus;
  readonly configurationItemCaptureTime: Date;
  readonly awsRegion?: string;
  readonly awsAccountId?: string;
  readonly arn?: string;
  /** The resource's configuration; null when Config holds none (deleted or not recorded). */
  readonly configuration: Readonly<Record<string, unknown>> | null;
  /** Item-level tags as a map. */
  readonly tags: Readonly<Record<string, string>>;
}

export const ITEM_STATUSES = [
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
] as const;

export type ConfigurationItemStatus = (typeof ITEM_STATUSES)[number];

/** Statuses for which there is nothing to evaluate: the resource is gone or Config holds no data. */
export function isGoneOrUnrecorded(status: ConfigurationItemStatus): boolean {
  return status === 'ResourceDeleted' || status === 'ResourceDeletedNotRecorded' || status === 'ResourceNotRecorded';
}
