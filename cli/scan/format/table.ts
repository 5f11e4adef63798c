import { clip, columnWidths, renderColumns } from '../../common/table';
import { accountTotals, KINDS, KIND_LABELS, needsWork, splitAnnotation, summarise, totals, type Finding, type ScanReport, type SummaryCell } from '../report';
import { typeLabel, usageText, yesNo } from './columns';

export interface TableOptions {
  readonly all: boolean;
  /** Terminal width: long reasons are cut to fit. Undefined (not a terminal): nothing is cut. */
  readonly width?: number;
}

const ACCOUNT_GROUP = '(account defaults)';

function groupOf(f: Finding, ownerTag: string): string {
  if (f.kind === 'account-default') return ACCOUNT_GROUP;
  if (f.owner !== undefined) return f.owner;
  return f.kind === 'launch-configuration' ? '(no owner: launch configurations cannot be tagged)' : `(no ${ownerTag} tag)`;
}

interface Group {
  readonly label: string;
  readonly findings: Finding[];
}

/**
 * Groups in risk order: the owner whose resources carry the most instance profiles first, then the
 * most resources to fix, then by name; untagged and account-level groups last.
 */
function groups(findings: readonly Finding[], ownerTag: string): Group[] {
  const map = new Map<string, Finding[]>();
  for (const f of findings) map.set(groupOf(f, ownerTag), [...(map.get(groupOf(f, ownerTag)) ?? []), f]);
  const weight = (label: string) => (label === ACCOUNT_GROUP ? 2 : label.startsWith('(') ? 1 : 0);
  return [...map.entries()]
    .map(([label, fs]) => ({ label, findings: fs }))
    .sort(
      (a, b) =>
        weight(a.label) - weight(b.label) ||
        b.findings.filter((f) => needsWork(f) && f.instanceProfile).length - a.findings.filter((f) => needsWork(f) && f.instanceProfile).length ||
        b.findings.filter(needsWork).length - a.findings.filter(needsWork).length ||
        a.label.localeCompare(b.label),
    );
}

function resourceText(f: Finding): string {
  return f.name && f.name !== f.display ? `${f.display} (${f.name})` : f.display;
}

function findingRows(report: ScanReport, listed: readonly Finding[], width: number | undefined): string[] {
  const usage = report.usageDays !== undefined;
  const header = ['ACCOUNT', 'RESOURCE', 'TYPE', 'REGION', 'VERDICT', 'HOP', 'PROFILE', ...(usage ? [`IMDSv1 CALLS (${report.usageDays}d)`] : []), 'REASON'];
  const rows = listed.map((f) => [
    f.accountId,
    resourceText(f),
    typeLabel(f),
    f.region,
    f.verdict,
    f.hopLimit === undefined ? '-' : String(f.hopLimit),
    f.kind === 'account-default' ? '-' : yesNo(f.instanceProfile),
    ...(usage ? [f.kind === 'instance' ? usageText(f) || '-' : '-'] : []),
    splitAnnotation(f.annotation).reason,
  ]);
  const all = [header, ...rows];
  if (width !== undefined) {
    // Cut only the reason, and never below a readable minimum.
    const widths = columnWidths(all).slice(0, -1);
    const used = widths.reduce((a, b) => a + b + 2, 2);
    const room = Math.max(30, width - used - 1);
    for (const r of all) r[r.length - 1] = clip(r[r.length - 1], room);
  }
  return renderColumns(all, { indent: '  ' });
}

function cellText(c: SummaryCell): string {
  const extra = [c.notApplicable > 0 ? `+${c.notApplicable} n/a` : '', c.unknown > 0 ? `${c.unknown}?` : ''].filter(Boolean).join(' ');
  return `${c.nonCompliant}/${c.total}${extra ? ` ${extra}` : ''}`;
}

function accountText(c: SummaryCell): string {
  if (c.unknown > 0) return 'UNKNOWN';
  if (c.nonCompliant > 0) return 'NON_COMPLIANT';
  if (c.compliant > 0) return 'COMPLIANT';
  return '-';
}

function summaryRows(report: ScanReport): string[] {
  const cells = summarise(report.findings, report.regions);
  const header = ['REGION', ...KINDS.map((k) => (k === 'account-default' ? 'ACCOUNT DEFAULT' : `${KIND_LABELS[k].toUpperCase()}S`))];
  const rows = report.regions.map((region) => [
    region,
    ...KINDS.map((k) => {
      const c = cells.find((x) => x.region === region && x.kind === k)!;
      return k === 'account-default' ? accountText(c) : cellText(c);
    }),
  ]);
  const total = ['total', ...KINDS.map((k) => cellText(sumCells(cells.filter((c) => c.kind === k), k)))];
  return renderColumns([header, ...rows, ...(report.regions.length > 1 ? [total] : [])], { indent: '  ' });
}

function sumCells(cells: readonly SummaryCell[], kind: SummaryCell['kind']): SummaryCell {
  const add = (key: 'compliant' | 'nonCompliant' | 'notApplicable' | 'unknown' | 'total') => cells.reduce((a, c) => a + c[key], 0);
  return { region: 'total', kind, compliant: add('compliant'), nonCompliant: add('nonCompliant'), notApplicable: add('notApplicable'), unknown: add('unknown'), total: add('total') };
}

/** One line per account: its status and totals (shown when more than one account is in the report). */
function accountRows(report: ScanReport): string[] {
  const header = ['ACCOUNT', 'NAME', 'STATUS', 'NON-COMPLIANT', 'UNVERIFIED', 'COMPLIANT', 'REGIONS SCANNED', 'NOT SCANNED'];
  const rows = report.accounts.map((a) => {
    const t = accountTotals(report.findings, [a.accountId])[0];
    return [a.accountId, a.name ?? '-', a.status, String(t.nonCompliant), String(t.unknown), String(t.compliant), String(a.regionsScanned.length), String(a.regionsFailed.filter((r) => r !== '*').length || (a.regionsFailed.length ? 'all' : 0))];
  });
  return renderColumns([header, ...rows], { indent: '  ' });
}

/** What was not scanned, grouped per account and reason, each with its fix. */
export function coverageLines(report: ScanReport): string[] {
  const out: string[] = [];
  for (const a of report.accounts) {
    for (const f of a.failures) {
      const where = f.regions.includes('*') ? 'all regions' : f.regions.join(', ');
      out.push(`  ${a.accountId}${a.name ? ` (${a.name})` : ''} · ${where}: ${f.reason}`);
      out.push(`    fix: ${f.fix}`);
    }
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The human report: findings grouped by owner (risk order), then the summary per region and type. */
export function formatTable(report: ScanReport, options: TableOptions): string {
  const out: string[] = [];
  const when = report.generatedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  const multi = report.accounts.length > 1;
  const tool = report.source?.kind === 'aggregator' ? `imdsv2-guard report · aggregator ${report.source.name}` : 'imdsv2-guard scan';
  out.push(`${tool} · ${multi ? plural(report.accounts.length, 'account') : `account ${report.accountId}`} · ${report.regions.join(', ')} · ${when}`);
  const params = Object.entries(report.parameters);
  if (params.length > 0) out.push(`rule parameters: ${params.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push(
    'Ranked by risk: resources with an IAM instance profile first (presence of a profile only, not what its role allows), then by owner.',
  );
  out.push('');

  const listed = options.all ? report.findings : report.findings.filter(needsWork);
  if (listed.length === 0) {
    out.push(report.findings.length === 0 ? 'Nothing to scan: no resources found.' : 'Nothing needs work: every resource scanned requires IMDSv2 or is exempt.');
    out.push('');
  }
  for (const g of groups(listed, report.ownerTag)) {
    const toFix = g.findings.filter(needsWork);
    const withProfile = toFix.filter((f) => f.instanceProfile).length;
    const counts = [`${toFix.length} to fix`, withProfile > 0 ? `${withProfile} with an instance profile` : '', options.all ? `${g.findings.length} listed` : '']
      .filter(Boolean)
      .join(', ');
    out.push(`${g.label.startsWith('(') ? g.label : `${report.ownerTag}: ${g.label}`}  (${counts})`);
    out.push(...findingRows(report, g.findings, options.width));
    out.push('');
  }

  out.push('Summary per region and type (non-compliant/scanned; n/a = exempt or terminated; ? = could not be verified):');
  out.push(...summaryRows(report));
  out.push('');
  if (multi) {
    out.push('Per account:');
    out.push(...accountRows(report));
    out.push('');
  }
  const failed = report.outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    out.push(`Not scanned (${failed.length} of ${report.outcomes.length} account/region${report.outcomes.length === 1 ? '' : 's'}; nothing is known about them):`);
    out.push(...coverageLines(report));
    out.push('');
  }
  const t = totals(report.findings);
  const parts = [`${t.nonCompliant} non-compliant`, t.unknown > 0 ? `${t.unknown} could not be verified` : '', `${t.compliant} compliant`, t.notApplicable > 0 ? `${t.notApplicable} not applicable` : '']
    .filter(Boolean)
    .join(', ');
  const scope = multi ? `${plural(report.regions.length, 'region')} of ${plural(report.accounts.length, 'account')}` : plural(report.regions.length, 'region');
  out.push(`Result: ${parts} (${t.total} scanned in ${scope})${failed.length > 0 ? `; INCOMPLETE: ${failed.length} account/region${failed.length === 1 ? '' : 's'} not scanned` : ''}.`);
  if (t.nonCompliant + t.unknown > 0 && !options.all) out.push('Use --format json, csv or html for each resource\'s fix command; --all to list compliant resources too.');
  return `${out.join('\n')}\n`;
}
