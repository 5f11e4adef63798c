import { needsWork, type ScanReport } from '../report';
import { toRecord, type Record } from './columns';

const COLUMNS: ReadonlyArray<readonly [string, (r: Record) => unknown]> = [
  ['account_id', (r) => r.accountId],
  ['id', (r) => r.id],
  ['name', (r) => r.name],
  ['type', (r) => r.type],
  ['region', (r) => r.region],
  ['verdict', (r) => r.verdict],
  ['hop_limit', (r) => r.hopLimit],
  ['instance_profile', (r) => (r.instanceProfile === null ? '' : r.instanceProfile ? 'yes' : 'no')],
  ['owner', (r) => r.owner],
  ['imdsv1_calls', (r) => r.metadataNoToken],
  ['reason', (r) => r.reason],
  ['fix', (r) => r.fix],
  ['resource_type', (r) => r.resourceType],
  ['rule', (r) => r.rule],
];

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (a tag value such as
 * "=HYPERLINK(…)") gets a leading apostrophe, as OWASP advises for CSV meant to be opened in one.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row, then one row per resource that needs work (every resource with `all`), ranked. */
export function formatCsv(report: ScanReport, options: { all: boolean }): string {
  const listed = options.all ? report.findings : report.findings.filter(needsWork);
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const f of listed) {
    const r = toRecord(f);
    lines.push(COLUMNS.map(([, get]) => csvField(get(r))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
