import type { ComplianceType } from '../../lambda/kit/verdict';

/** The resource types the scan covers, in report order. */
export const KINDS = ['instance', 'launch-template', 'launch-configuration', 'auto-scaling-group', 'account-default'] as const;
export type ResourceKind = (typeof KINDS)[number];

export const KIND_LABELS: Record<ResourceKind, string> = {
  instance: 'instance',
  'launch-template': 'launch template',
  'launch-configuration': 'launch configuration',
  'auto-scaling-group': 'Auto Scaling group',
  'account-default': 'account default',
};

/** A rule's verdict, or UNKNOWN when the scan could not read what the rule needs. */
export type ScanVerdict = ComplianceType | 'UNKNOWN';

/** One scanned resource and its verdict, plus the facts that rank it. */
export interface Finding {
  /** The id AWS Config knows the resource by: instance id, launch template id, ARN (Auto Scaling), account id. */
  readonly id: string;
  /** A readable name: the Name tag, template/configuration/group name, or the region's defaults. */
  readonly name?: string;
  /** What the table shows: the id, or the name where the id is an ARN. */
  readonly display: string;
  readonly kind: ResourceKind;
  /** The AWS Config resource type. */
  readonly resourceType: string;
  /** The rule whose evaluator gave the verdict. */
  readonly rule: string;
  readonly region: string;
  readonly verdict: ScanVerdict;
  /** The rule's annotation, exactly as it would be sent to AWS Config. */
  readonly annotation: string;
  /** HttpPutResponseHopLimit; for templates and groups the highest among the versions or sources read. */
  readonly hopLimit?: number;
  /** Whether an IAM instance profile is attached (launch sources: would be); undefined when unknown or n/a. */
  readonly instanceProfile?: boolean;
  /** The owner tag's value; undefined when untagged (launch configurations cannot carry tags). */
  readonly owner?: string;
  /** With --usage, instances only: MetadataNoToken sum over the window; null when CloudWatch holds no data. */
  readonly metadataNoToken?: number | null;
}

export interface ScanReport {
  readonly accountId: string;
  readonly regions: readonly string[];
  readonly generatedAt: Date;
  readonly ownerTag: string;
  /** Window of the MetadataNoToken sums, when --usage was given. */
  readonly usageDays?: number;
  /** Rule flags given on the command line (parameter name → value). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Every resource scanned, ranked. */
  readonly findings: readonly Finding[];
}

/** What a user has to act on: a non-compliant resource, or one that could not be verified. */
export function needsWork(f: Pick<Finding, 'verdict'>): boolean {
  return f.verdict === 'NON_COMPLIANT' || f.verdict === 'UNKNOWN';
}

/** The annotation split into the description and the suggested fix ("Fix: …"), for columns. */
export function splitAnnotation(annotation: string): { reason: string; fix?: string } {
  const at = annotation.startsWith('Fix: ') ? 0 : annotation.indexOf(' Fix: ');
  if (at < 0) return { reason: annotation };
  return { reason: annotation.slice(0, at).trim(), fix: annotation.slice(at).trim() };
}

const kindOrder = (k: ResourceKind) => KINDS.indexOf(k);

/**
 * Ranking: what needs work first; then resources with an instance profile (IMDSv1 exposes that
 * role's credentials); then by owner (untagged last), type, region and name. Stable and total, so
 * the same estate always prints the same report.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(needsWork(b)) - Number(needsWork(a)) ||
    Number(b.instanceProfile === true) - Number(a.instanceProfile === true) ||
    compareOwners(a.owner, b.owner) ||
    kindOrder(a.kind) - kindOrder(b.kind) ||
    a.region.localeCompare(b.region) ||
    a.display.localeCompare(b.display) ||
    a.id.localeCompare(b.id)
  );
}

function compareOwners(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a.localeCompare(b);
}

export function rank(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export interface SummaryCell {
  readonly region: string;
  readonly kind: ResourceKind;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly unknown: number;
  readonly total: number;
}

/** Counts per region and resource type; every scanned region appears, even with nothing in it. */
export function summarise(findings: readonly Finding[], regions: readonly string[]): SummaryCell[] {
  const cells: SummaryCell[] = [];
  for (const region of regions) {
    for (const kind of KINDS) {
      const here = findings.filter((f) => f.region === region && f.kind === kind);
      const count = (v: ScanVerdict) => here.filter((f) => f.verdict === v).length;
      cells.push({
        region,
        kind,
        compliant: count('COMPLIANT'),
        nonCompliant: count('NON_COMPLIANT'),
        notApplicable: count('NOT_APPLICABLE'),
        unknown: count('UNKNOWN'),
        total: here.length,
      });
    }
  }
  return cells;
}

export interface Totals {
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
  readonly unknown: number;
  readonly total: number;
}

export function totals(findings: readonly Finding[]): Totals {
  const count = (v: ScanVerdict) => findings.filter((f) => f.verdict === v).length;
  return {
    compliant: count('COMPLIANT'),
    nonCompliant: count('NON_COMPLIANT'),
    notApplicable: count('NOT_APPLICABLE'),
    unknown: count('UNKNOWN'),
    total: findings.length,
  };
}

/** 0 when nothing needs work, 1 otherwise (errors that stop the scan exit 2 elsewhere). */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 {
  return findings.some(needsWork) ? 1 : 0;
}
