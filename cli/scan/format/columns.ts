import { KIND_LABELS, splitAnnotation, type Finding } from '../report';

/**
 * One finding as flat, named values: the single place json and csv (and the table) read columns
 * from, so the three formats cannot disagree.
 */
export interface Record {
  readonly accountId: string;
  readonly id: string;
  readonly name: string | null;
  readonly type: string;
  readonly resourceType: string;
  readonly rule: string;
  readonly region: string;
  readonly verdict: string;
  /** The annotation without its "Fix: …" part. */
  readonly reason: string;
  readonly fix: string | null;
  /** The annotation exactly as the rule would send it to AWS Config. */
  readonly annotation: string;
  readonly hopLimit: number | null;
  readonly instanceProfile: boolean | null;
  readonly owner: string | null;
  /** MetadataNoToken sum with --usage (instances); null when not read or no datapoints. */
  readonly metadataNoToken: number | null;
}

export function toRecord(f: Finding): Record {
  const { reason, fix } = splitAnnotation(f.annotation);
  return {
    accountId: f.accountId,
    id: f.id,
    name: f.name ?? null,
    type: f.kind,
    resourceType: f.resourceType,
    rule: f.rule,
    region: f.region,
    verdict: f.verdict,
    reason,
    fix: fix ?? null,
    annotation: f.annotation,
    hopLimit: f.hopLimit ?? null,
    instanceProfile: f.instanceProfile ?? null,
    owner: f.owner ?? null,
    metadataNoToken: f.metadataNoToken ?? null,
  };
}

export const typeLabel = (f: Finding) => KIND_LABELS[f.kind];

export function yesNo(v: boolean | undefined): string {
  return v === undefined ? '-' : v ? 'yes' : 'no';
}

/** "1,234", "no data" (CloudWatch holds none), or "" when not read. */
export function usageText(f: Finding): string {
  if (f.metadataNoToken === undefined) return '';
  if (f.metadataNoToken === null) return 'no data';
  return f.metadataNoToken.toLocaleString('en-US');
}
