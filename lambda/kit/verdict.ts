/** The three outcomes a rule reports to AWS Config (INSUFFICIENT_DATA is never reported by our rules). */
export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** What a pure `evaluate` returns for one resource. The annotation explains the verdict. */
export interface Verdict {
  readonly complianceType: ComplianceType;
  readonly annotation: string;
}

/** AWS Config's limit on an evaluation's annotation. */
export const MAX_ANNOTATION_LENGTH = 256;

/** Cuts an annotation to AWS Config's limit, marking the cut with an ellipsis. */
export function truncateAnnotation(text: string): string {
  if (text.length <= MAX_ANNOTATION_LENGTH) return text;
  let cut = MAX_ANNOTATION_LENGTH - 1;
  // Never keep half of a surrogate pair (an emoji in a tag value): a lone surrogate is not valid text.
  if (/[\uD800-\uDBFF]/.test(text[cut - 1])) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
