import { accountTotals, KINDS, KIND_LABELS, leftByKind, needsWork, splitAnnotation, summarise, totals, type Finding, type ResourceKind, type ScanReport } from '../report';
import { usageText } from './columns';

/**
 * The report as one self-contained HTML page for people (account owners, a migration board): inline
 * CSS and inline SVG only, no script, no font, no image or link to fetch; a Content-Security-Policy
 * of `default-src 'none'` makes the browser refuse anything else. Every value from AWS (names, tag
 * values, annotations) is escaped: a tag can hold `<script>`.
 */

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Colour per resource type (also told by the legend's text, not colour alone).
const COLOURS: Record<ResourceKind, string> = {
  instance: '#c0392b',
  'launch-template': '#d35400',
  'launch-configuration': '#8e44ad',
  'auto-scaling-group': '#2c3e50',
  'account-default': '#16a085',
};

/** Rows beyond this are counted, not listed (the csv/json formats list everything). */
const MAX_ROWS = 1000;
/** Accounts drawn in the per-account chart (the most work left first). */
const MAX_BARS = 40;

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** Riskiest first: an instance profile (its role's credentials are exposed), then IMDSv1 calls seen, then the scan's ranking. */
function riskOrder(findings: readonly Finding[]): Finding[] {
  const position = new Map(findings.map((f, i) => [f, i]));
  return [...findings].sort(
    (a, b) =>
      Number(b.instanceProfile === true) - Number(a.instanceProfile === true) ||
      (b.metadataNoToken ?? -1) - (a.metadataNoToken ?? -1) ||
      position.get(a)! - position.get(b)!,
  );
}

interface Bar {
  readonly label: string;
  readonly parts: ReadonlyArray<{ readonly kind: ResourceKind; readonly n: number }>;
}

/** A horizontal stacked bar chart as inline SVG (one bar per label, one segment per resource type). */
function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const rowH = 22;
  const labelW = 190;
  const barW = 460;
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((a, p) => a + p.n, 0)));
  const height = Math.max(1, bars.length) * rowH + 8;
  const rows = bars.map((b, i) => {
    const y = i * rowH + 4;
    let x = labelW;
    const total = b.parts.reduce((a, p) => a + p.n, 0);
    const segments = b.parts
      .filter((p) => p.n > 0)
      .map((p) => {
        const w = (p.n / max) * barW;
        const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" fill="${COLOURS[p.kind]}"><title>${esc(b.label)}: ${plural(p.n, KIND_LABELS[p.kind])} left</title></rect>`;
        x += w;
        return rect;
      })
      .join('');
    return `<text x="${labelW - 6}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="middle">${esc(b.label)}</text>${segments}<text x="${(x + 4).toFixed(1)}" y="${y + rowH / 2}" dominant-baseline="middle" class="n">${total}</text>`;
  });
  const empty = bars.length === 0 ? `<text x="${labelW}" y="14">nothing left</text>` : '';
  return `<svg id="${id}" class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + barW + 60} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">${rows.join('')}${empty}</svg>`;
}

function legend(): string {
  return `<p class="legend">${KINDS.map((k) => `<span><i style="background:${COLOURS[k]}"></i>${esc(KIND_LABELS[k])}</span>`).join(' ')}</p>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d2327;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:26px}.card.bad b{color:#c0392b}.card.warn b{color:#d35400}.card.ok b{color:#1e8449}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f7f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f7f7;padding:1px 3px;word-break:break-all}
.chart text{font-size:12px;fill:#1d2327}.chart .n{fill:#555}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.status-failed{color:#c0392b;font-weight:600}.status-partial{color:#d35400;font-weight:600}.status-scanned{color:#1e8449}
.warn-box{border:1px solid #d35400;background:#fdf2e9;padding:8px 12px;border-radius:6px}
`;

/** The report as one HTML document on stdout. */
export function formatHtml(report: ScanReport, options: { all: boolean }): string {
  const t = totals(report.findings);
  const left = t.nonCompliant + t.unknown;
  const judged = t.compliant + t.nonCompliant + t.unknown;
  const pct = judged > 0 ? Math.floor((t.compliant / judged) * 1000) / 10 : 100;
  const profiles = report.findings.filter((f) => needsWork(f) && f.instanceProfile === true).length;
  const failed = report.outcomes.filter((o) => o.status === 'failed');
  const when = report.generatedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  const title = report.source?.kind === 'aggregator' ? `IMDSv2 migration: AWS Config aggregator ${report.source.name}` : 'IMDSv2 migration report';

  const cards = [
    ['bad', left, 'resources still allow IMDSv1 or could not be verified'],
    ['warn', profiles, 'of them with an IAM instance profile'],
    ['ok', `${pct}%`, 'of resources judged require IMDSv2'],
    [failed.length > 0 ? 'bad' : 'ok', `${report.outcomes.length - failed.length}/${report.outcomes.length}`, 'account/regions scanned'],
  ]
    .map(([cls, n, text]) => `<div class="card ${cls}"><b>${esc(n)}</b>${esc(text)}</div>`)
    .join('');

  // Accounts with work left, most first; a page for hundreds of accounts shows the first MAX_BARS.
  const withWork = report.accounts
    .map((a) => ({
      label: a.name ? `${a.accountId} ${a.name}` : a.accountId,
      parts: KINDS.map((kind) => ({ kind, n: report.findings.filter((f) => f.accountId === a.accountId && f.kind === kind && needsWork(f)).length })),
    }))
    .map((b) => ({ ...b, left: b.parts.reduce((n, p) => n + p.n, 0) }))
    .filter((b) => b.left > 0)
    .sort((a, b) => b.left - a.left || a.label.localeCompare(b.label));
  const perAccount: Bar[] = withWork.slice(0, MAX_BARS);
  const clean = report.accounts.length - withWork.length;
  const accountNote = [
    clean > 0 ? `${plural(clean, 'account')} with nothing left in what was scanned` : '',
    withWork.length > MAX_BARS ? `${plural(withWork.length - MAX_BARS, 'more account')} with work left not drawn` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const perKind: Bar[] = leftByKind(report.findings).map((k) => ({ label: KIND_LABELS[k.kind], parts: [{ kind: k.kind, n: k.left }] }));

  const cells = summarise(report.findings, report.regions);
  const regionRows = report.regions
    .map((region) => {
      const mine = cells.filter((c) => c.region === region);
      const notScanned = failed.filter((o) => o.region === region).length;
      return `<tr><td>${esc(region)}</td>${KINDS.map((k) => {
        const c = mine.find((x) => x.kind === k)!;
        return `<td class="num">${c.nonCompliant + c.unknown} / ${c.total}</td>`;
      }).join('')}<td class="num">${notScanned}</td></tr>`;
    })
    .join('');

  const listed = riskOrder(options.all ? report.findings : report.findings.filter(needsWork));
  const usage = report.usageDays !== undefined;
  const resourceRows = listed
    .slice(0, MAX_ROWS)
    .map((f) => {
      const { reason, fix } = splitAnnotation(f.annotation);
      return `<tr><td>${esc(f.accountId)}</td><td>${esc(f.display)}${f.name && f.name !== f.display ? `<br><small>${esc(f.name)}</small>` : ''}</td><td>${esc(KIND_LABELS[f.kind])}</td><td>${esc(f.region)}</td><td>${esc(f.verdict)}</td><td>${f.kind === 'account-default' ? '-' : f.instanceProfile === undefined ? '-' : f.instanceProfile ? 'yes' : 'no'}</td>${usage ? `<td class="num">${esc(f.kind === 'instance' ? usageText(f) || '-' : '-')}</td>` : ''}<td>${esc(f.owner ?? '')}</td><td>${esc(reason)}${fix ? `<br><code>${esc(fix.replace(/^Fix:\s*/, ''))}</code>` : ''}</td></tr>`;
    })
    .join('');
  const more = listed.length > MAX_ROWS ? `<p>${plural(listed.length - MAX_ROWS, 'more resource')} not shown: use <code>--format csv</code> for the full list.</p>` : '';

  const accountRows = report.accounts
    .map((a) => {
      const at = accountTotals(report.findings, [a.accountId])[0];
      const why = a.failures
        .map((f) => `<div>${esc(f.regions.includes('*') ? 'all regions' : f.regions.join(', '))}: ${esc(f.reason)}<br><small>fix: ${esc(f.fix)}</small></div>`)
        .join('');
      return `<tr><td>${esc(a.accountId)}${a.name ? `<br><small>${esc(a.name)}</small>` : ''}</td><td class="status-${a.status}">${esc(a.status)}</td><td class="num">${at.nonCompliant}</td><td class="num">${at.unknown}</td><td class="num">${at.compliant}</td><td>${esc(a.regionsScanned.join(', ') || '-')}</td><td>${why || '-'}</td></tr>`;
    })
    .join('');

  const incomplete =
    failed.length > 0
      ? `<p class="warn-box" id="incomplete">Incomplete: ${plural(failed.length, 'account/region')} of ${report.outcomes.length} could not be read; nothing is known about them (see Coverage).</p>`
      : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">${esc(plural(report.accounts.length, 'account'))} · ${esc(report.regions.join(', '))} · ${esc(when)}${Object.keys(report.parameters).length ? ` · rule parameters: ${esc(Object.entries(report.parameters).map(([k, v]) => `${k}=${v}`).join(', '))}` : ''}</p>
${incomplete}
<section id="headline" class="cards">${cards}</section>
<h2>What is left, per account</h2>
${legend()}
${barChart('chart-accounts', 'Resources still allowing IMDSv1 per account, by resource type', perAccount)}
${accountNote ? `<p>${esc(accountNote)} (see Coverage).</p>` : ''}
<h2>What is left, per resource type</h2>
${barChart('chart-kinds', 'Resources still allowing IMDSv1 per resource type', perKind)}
<h2>Per region</h2>
<table id="regions"><thead><tr><th>Region</th>${KINDS.map((k) => `<th>${esc(KIND_LABELS[k])}s left / scanned</th>`).join('')}<th>accounts not scanned</th></tr></thead><tbody>${regionRows}</tbody></table>
<h2>Riskiest first${options.all ? '' : ': what needs work'}</h2>
<p>Resources whose instances carry an IAM instance profile come first (IMDSv1 hands out that role's credentials to any request the instance can be made to send), then those with the most IMDSv1 calls seen${usage ? ` (CloudWatch MetadataNoToken over ${report.usageDays} days)` : ' (run with --usage to see them)'}.</p>
<table id="resources"><thead><tr><th>Account</th><th>Resource</th><th>Type</th><th>Region</th><th>Verdict</th><th>Profile</th>${usage ? '<th>IMDSv1 calls</th>' : ''}<th>${esc(report.ownerTag)}</th><th>Reason and fix</th></tr></thead><tbody>${resourceRows || `<tr><td colspan="${usage ? 9 : 8}">Nothing needs work.</td></tr>`}</tbody></table>
${more}
<h2>Coverage</h2>
<table id="coverage"><thead><tr><th>Account</th><th>Status</th><th>Non-compliant</th><th>Unverified</th><th>Compliant</th><th>Regions scanned</th><th>Not scanned: why, and the fix</th></tr></thead><tbody>${accountRows}</tbody></table>
</body>
</html>
`;
}
