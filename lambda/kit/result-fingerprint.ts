import { truncateAnnotation } from './verdict';

/**
 * A 32-bit fingerprint of a result as AWS Config stores it: its compliance type, exactly, in the low
 * two bits, and a hash of its annotation in the top 29. Bit 2 is always clear: the sweep uses it to
 * mark a resource as listed (`LISTED`) in the same IdSet, 4 bytes beside the id, so one set holds
 * what Config holds and what the sweep saw. The sweep sends an evaluation only where the new verdict's
 * fingerprint differs. A compliance type change is therefore never missed; an annotation change is
 * missed only when two annotations of the same type collide in 29 bits (about one in 500 million per
 * change), and then only the text, not the verdict, stays behind until the next change.
 */
const TYPE_CODE: Readonly<Record<string, number>> = { COMPLIANT: 1, NON_COMPLIANT: 2, NOT_APPLICABLE: 3 };

export function resultFingerprint(complianceType: string, annotation: string | undefined): number {
  // What Config holds: the annotation as the sink sends it (cut to 256, an empty one left out).
  const text = annotation ? truncateAnnotation(annotation) : '';
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // 0 for anything else (INSUFFICIENT_DATA): never equal to a verdict's fingerprint, so it is re-sent.
  return (h & ~7) | (TYPE_CODE[complianceType] ?? 0);
}

/** Marks, in a fingerprint's value, a resource the sweep has listed. Never set by `resultFingerprint`. */
export const LISTED = 4;

/** The value of a listed resource Config holds no result for: type code 0 matches no verdict. */
export const NOT_HELD = 0;
