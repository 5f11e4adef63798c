/** The region's EC2 instance metadata defaults (GetInstanceMetadataDefaults AccountLevel), normalised. */
export interface AccountDefaultsSubject {
  readonly accountId: string;
  readonly region: string;
  /** `required` | `optional` | undefined (no preference). */
  readonly httpTokens?: string;
  /** `enabled` | `disabled` | undefined (no preference). */
  readonly httpEndpoint?: string;
  readonly hopLimit?: number;
  /** `enabled` | `disabled` | undefined. When enabled, EC2 refuses launches that do not require IMDSv2. */
  readonly httpTokensEnforced?: string;
  readonly instanceMetadataTags?: string;
  /** `account` | `declarative-policy` | undefined. */
  readonly managedBy?: string;
  readonly managedExceptionMessage?: string;
}
