import { RULE_ENTRIES, type ScanKind } from '../../lambda/rules/catalog';
import type { ComplianceType } from '../../lambda/kit/verdict';
import type { AccountStatus, TargetOutcome } from '../org/fan-out';

/** The resource kinds the scan covers, one per rule, in report (catalog) order. */
export type ResourceKind = ScanKind;
export const KINDS: readonly ResourceKind[] = RULE_ENTRIES.map((e) => e.scan.kind);

/** Each kind in words, singular, from its rule's catalog entry. */
export const KIND_LABELS: Readonly<Record<ResourceKind, string>> = Object.fromEntries(RULE_ENTRIES.map((e) => [e.scan.kind, e.scan.label])) as Record<ResourceKind, string>;

/** A rule's verdict, or UNKNOWN when the scan could not read what the rule needs. */
export type ScanVerdict = ComplianceType | 'UNKNOWN';

/** One scanned resource and its verdict, plus the facts that rank it. */
export interface Finding {
  /** The id AWS Config knows the resource by: instance id, launch template id, ARN (Auto Scaling), account id. */
  readonly id: string;
  /** The account the resource lives in. */
  readonly accountId: string;
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
  /** The caller's own account (the only one without --org/--account). */
  readonly accountId: string;
  /** Every region named or found, in order (across accounts). */
  readonly regions: readonly string[];
  /** Every account worked on, with what was scanned and what was not (and why). */
  readonly accounts: readonly AccountStatus[];
  /** One per account × region: scanned, or failed with its reason and fix. */
  readonly outcomes: readonly TargetOutcome[];
  /** Where the report comes from: a scan, or an AWS Config aggregator (`report --aggregator`). */
  readonly source?: { readonly kind: 'scan' } | { readonly kind: 'aggregator'; readonly name: string };
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
  /** Set when the cell is one account's (summariseByAccount). */
  readonly accountId?: string;
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

/** Exit statuses (documented in `scan --help` and the README). */
export const EXIT = {
  /** Everything scanned, nothing needs work. */
  ok: 0,
  /** Something is non-compliant or could not be verified (whether or not the scan was complete). */
  nonCompliant: 1,
  /** Usage error, or nothing could be scanned at all (credentials, listing the organization). */
  usage: 2,
  /** Part of the accounts/regions could not be scanned, and nothing scanned needs work. */
  incomplete: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 1 when anything scanned needs work; else 3 when some account/region was not scanned; else 0. */
export function exitCodeFor(findings: readonly Finding[], outcomes: ReadonlyArray<Pick<TargetOutcome, 'status'>> = []): ExitCode {
  if (findings.some(needsWork)) return EXIT.nonCompliant;
  if (outcomes.some((o) => o.status === 'failed')) return EXIT.incomplete;
  return EXIT.ok;
}

/** Totals per account, in the order of `accounts`. */
export function accountTotals(findings: readonly Finding[], accounts: readonly string[]): Array<Totals & { readonly accountId: string }> {
  return accounts.map((accountId) => ({ accountId, ...totals(findings.filter((f) => f.accountId === accountId)) }));
}

/** Counts per account, region and type (every scanned account/region appears). */
export function summariseByAccount(findings: readonly Finding[], outcomes: readonly TargetOutcome[]): SummaryCell[] {
  return outcomes
    .filter((o) => o.status === 'scanned')
    .flatMap((o) => summarise(findings.filter((f) => f.accountId === o.accountId), [o.region]).map((c) => ({ ...c, accountId: o.accountId })));
}

/** Remaining work (non-compliant + unknown) per resource type, over everything scanned. */
export function leftByKind(findings: readonly Finding[]): Array<{ readonly kind: ResourceKind; readonly left: number; readonly total: number }> {
  return KINDS.map((kind) => {
    const mine = findings.filter((f) => f.kind === kind);
    return { kind, left: mine.filter(needsWork).length, total: mine.length };
  });
}
