import { integerFrom } from '../../kit/integer';

/**
 * Instance metadata options in one normalised shape, whatever the source (instance configuration
 * item, launch template data, launch configuration, account default). Values are lower-case as AWS
 * returns them. A field that is `undefined` was not set at that layer.
 */
export interface MetadataOptions {
  /** `required` | `optional` | undefined (not set). */
  readonly httpTokens?: string;
  /** `enabled` | `disabled` | undefined (not set: the endpoint defaults to enabled). */
  readonly httpEndpoint?: string;
  /** HttpPutResponseHopLimit, 1–64, or undefined (not set). */
  readonly hopLimit?: number;
  /** Instances only: `pending` while a change is being applied, `applied` after. */
  readonly state?: string;
  /** InstanceMetadataTags `enabled` | `disabled` | undefined: kept by the fix commands, not judged. */
  readonly instanceMetadataTags?: string;
  /** HttpProtocolIpv6 `enabled` | `disabled` | undefined: kept by the fix commands, not judged. */
  readonly httpProtocolIpv6?: string;
}

/** Reads a metadata-options object of any casing (`httpTokens` or `HttpTokens`) into the normal shape. */
export function normaliseMetadataOptions(raw: unknown): MetadataOptions | undefined {
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const pick = (camel: string): unknown => {
    const pascal = camel[0].toUpperCase() + camel.slice(1);
    return Object.prototype.hasOwnProperty.call(r, camel) ? r[camel] : Object.prototype.hasOwnProperty.call(r, pascal) ? r[pascal] : undefined;
  };
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined);
  const hop = pick('httpPutResponseHopLimit');
  const hopNumber = typeof hop === 'number' ? hop : integerFrom(hop, { trim: false });
  return {
    httpTokens: text(pick('httpTokens')),
    httpEndpoint: text(pick('httpEndpoint')),
    hopLimit: hopNumber,
    state: text(pick('state')),
    ...(text(pick('instanceMetadataTags')) ? { instanceMetadataTags: text(pick('instanceMetadataTags')) } : {}),
    ...(text(pick('httpProtocolIpv6')) ? { httpProtocolIpv6: text(pick('httpProtocolIpv6')) } : {}),
  };
}
