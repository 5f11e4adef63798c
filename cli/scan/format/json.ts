import { needsWork, summarise, totals, type ScanReport } from '../report';
import { toRecord } from './columns';

/**
 * The report as one JSON document: header, totals and per-region summary over everything
 * scanned, `resources`: what needs work (every resource with `all`), ranked, each with its
 * `accountId`; `accounts`: each account's status (scanned / partial / failed, with reasons and
 * fixes) and totals; `complete`: whether every account/region was scanned.
 */
export function formatJson(report: ScanReport, options: { all: boolean }): string {
  const listed = options.all ? report.findings : report.findings.filter(needsWork);
  return `${JSON.stringify(
    {
      tool: report.source?.kind === 'aggregator' ? 'imdsv2-guard report' : 'imdsv2-guard scan',
      ...(report.source?.kind === 'aggregator' ? { aggregator: report.source.name } : {}),
      generatedAt: report.generatedAt.toISOString(),
      accountId: report.accountId,
      regions: report.regions,
      ownerTag: report.ownerTag,
      parameters: report.parameters,
      usageDays: report.usageDays ?? null,
      listed: options.all ? 'all' : 'needs-work',
      complete: report.outcomes.every((o) => o.status === 'scanned'),
      totals: totals(report.findings),
      summary: summarise(report.findings, report.regions),
      accounts: report.accounts.map((a) => ({
        accountId: a.accountId,
        name: a.name ?? null,
        status: a.status,
        regionsScanned: a.regionsScanned,
        regionsNotScanned: a.regionsFailed,
        failures: a.failures.map((f) => ({ regions: f.regions, kind: f.kind, reason: f.reason, fix: f.fix })),
        totals: totals(report.findings.filter((f) => f.accountId === a.accountId)),
      })),
      resources: listed.map(toRecord),
    },
    null,
    2,
  )}\n`;
}
