import type { MetadataOptions } from './metadata-options';

/**
 * What the scanner's report shows of a resource besides the verdict, read from the subject the rule's
 * own fetch built. Nothing here judges compliance: verdicts come only from the rule's `evaluate`.
 */
export interface Facts {
  readonly name?: string;
  readonly display: string;
  readonly hopLimit?: number;
  readonly instanceProfile?: boolean;
  readonly owner?: string;
  /** Auto Scaling groups: their instances, whose profiles stand for the group's (resolved by the scanner). */
  readonly memberInstanceIds?: readonly string[];
}

/** A tag's value, or undefined when it is absent or blank. */
export function tagValue(tags: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  const v = tags && Object.prototype.hasOwnProperty.call(tags, key) ? tags[key] : undefined;
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** The highest hop limit among several metadata options (template versions, group sources). */
export function highestHopLimit(options: ReadonlyArray<MetadataOptions | undefined>): number | undefined {
  const hops = options.map((o) => o?.hopLimit).filter((h): h is number => typeof h === 'number');
  return hops.length > 0 ? Math.max(...hops) : undefined;
}
