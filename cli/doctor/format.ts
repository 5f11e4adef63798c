import { renderColumns } from '../common/table';
import { exitCodeFor, isReady, problemsOf, type DoctorReport } from './report';

const MARK = { ok: 'ok', warn: 'WARN', fail: 'FAIL', unknown: '??' } as const;

const columns = (rows: string[][]): string => renderColumns(rows).join('\n');

/** The table: one row per check, per account and region; then the StackSet; then every problem with its fix. */
export function formatDoctorTable(report: DoctorReport): string {
  const out: string[] = [];
  if (report.targets.length > 0) {
    const rows = [['ACCOUNT', 'REGION', 'CHECK', 'STATUS', 'DETAIL']];
    for (const t of report.targets) for (const c of t.checks) rows.push([t.accountId, t.region, c.check, MARK[c.status], c.detail]);
    out.push(columns(rows), '');
  }
  const s = report.stackSet;
  if (s) {
    out.push(`StackSet ${s.name} (${s.region}): ${s.error ? 'not read' : `${s.instances.length} instance(s), ${s.instances.filter((i) => !i.ok).length} not current`}`);
    if (s.instances.length > 0) {
      const rows = [['ACCOUNT', 'REGION', 'STATUS', 'DETAILED', 'REASON']];
      for (const i of s.instances) rows.push([i.accountId, i.region, i.status, i.detailedStatus ?? '-', i.statusReason ?? '']);
      out.push(columns(rows));
    }
    out.push('');
  }
  const problems = problemsOf(report);
  if (problems.length > 0) {
    out.push(`Problems (${problems.length}):`);
    problems.forEach((p, n) => {
      out.push(`${String(n + 1).padStart(3)}. [${MARK[p.status]}] ${p.accountId} ${p.region} ${p.check}: ${p.detail}`);
      if (p.fix) out.push(`       fix: ${p.fix}`);
    });
    out.push('');
  }
  const ready = report.targets.filter(isReady).length;
  const verdict = exitCodeFor(report) === 0 ? 'ready' : 'NOT ready';
  const parts = [report.targets.length > 0 ? `${ready} of ${report.targets.length} account/region(s) ready` : '', s ? `StackSet ${s.error ? 'not read' : `${s.instances.filter((i) => i.ok).length} of ${s.instances.length} instance(s) current`}` : '']
    .filter(Boolean)
    .join('; ');
  out.push(`${verdict}: ${parts}`);
  return `${out.join('\n')}\n`;
}

/** JSON: every target with every check, the StackSet, and `problems`: everything not ok, each with its fix. */
export function formatDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(
    {
      generatedAt: report.generatedAt.toISOString(),
      ready: exitCodeFor(report) === 0,
      targets: report.targets.map((t) => ({ accountId: t.accountId, region: t.region, ready: isReady(t), checks: t.checks })),
      ...(report.stackSet ? { stackSet: report.stackSet } : {}),
      problems: problemsOf(report),
    },
    null,
    2,
  )}\n`;
}
