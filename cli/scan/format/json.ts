import { needsWork, summarise, totals, type ScanReport } from '../report';
import { toRecord } from './columns';

/**
 * The report as one JSON document: header, totals and per-region summary over everything
 * scanned, and `resources`: what needs work (every resource with `all`), ranked.
 */
export function formatJson(report: ScanReport, options: { all: boolean }): string {
  const listed = options.all ? report.findings : report.findings.filter(needsWork);
  return `${JSON.stringify(
    {
      tool: 'imdsv2-guard scan',
      generatedAt: report.generatedAt.toISOString(),
      accountId: report.accountId,
      regions: report.regions,
      ownerTag: report.ownerTag,
      parameters: report.parameters,
      usageDays: report.usageDays ?? null,
      listed: options.all ? 'all' : 'needs-work',
      totals: totals(report.findings),
      summary: summarise(report.findings, report.regions),
      resources: listed.map(toRecord),
    },
    null,
    2,
  )}\n`;
}
