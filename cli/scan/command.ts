import type { Io } from '../io';
import { parseScanArgs, type ScanArgs } from './args';
import { ClientPool } from './clients';
import { ScanAbort, toScanAbort, UsageError } from './errors';
import { formatCsv } from './format/csv';
import { formatJson } from './format/json';
import { formatTable } from './format/table';
import { scanHelp } from './help';
import { progressFor } from './progress';
import { callerAccount, resolveRegions } from './regions';
import { exitCodeFor, rank, type ScanReport } from './report';
import { RULE_FLAGS } from './rule-flags';
import { scanRegions } from './scanner';

export type ExitCode = 0 | 1 | 2;

function render(report: ScanReport, args: ScanArgs, width: number | undefined): string {
  switch (args.format) {
    case 'json':
      return formatJson(report, { all: args.all });
    case 'csv':
      return formatCsv(report, { all: args.all });
    default:
      return formatTable(report, { all: args.all, width });
  }
}

/** Rule flags the user set, by parameter name, for the report header. */
function givenParameters(args: ScanArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of RULE_FLAGS) {
    const v = args.ruleFlags[f.flag];
    if (v !== undefined) out[f.parameter] = String(v);
  }
  return out;
}

/**
 * `imdsv2-guard scan`: resolve regions and account, scan, print the report on stdout.
 * Returns the exit status; everything the user must read about a failure goes to stderr.
 */
export async function runScan(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<ExitCode> {
  let args: ScanArgs;
  try {
    args = parseScanArgs(argv);
  } catch (e) {
    return fail(io, toScanAbort(e));
  }
  if (args.help) {
    io.stdout.write(`${scanHelp(io.stdout.columns ?? 100)}\n`);
    return 0;
  }

  const pool = new ClientPool({ profile: args.profile, endpoint: args.endpointUrl, maxAttempts: args.maxAttempts });
  const progress = progressFor(io.stderr, args.progress !== false);
  try {
    const regions = await resolveRegions(pool, args.regions, args.allRegions);
    const accountId = await callerAccount(pool, regions[0]);
    const started = now();
    const findings = await scanRegions(
      {
        regions,
        accountId,
        parameters: args.parameters,
        ownerTag: args.ownerTag,
        usageDays: args.usage ? args.usageDays : undefined,
        listAll: args.all,
        concurrency: args.concurrency,
        now: started,
        endpointUrl: args.endpointUrl,
      },
      (region) => pool.forRegion(region),
      progress,
    );
    progress.finish();
    const report: ScanReport = {
      accountId,
      regions,
      generatedAt: started,
      ownerTag: args.ownerTag,
      usageDays: args.usage ? args.usageDays : undefined,
      parameters: givenParameters(args),
      findings: rank(findings),
    };
    io.stdout.write(render(report, args, io.stdout.isTTY ? io.stdout.columns : undefined));
    return exitCodeFor(findings);
  } catch (e) {
    progress.finish();
    return fail(io, toScanAbort(e));
  } finally {
    pool.destroy();
  }
}

function fail(io: Io, error: ScanAbort): 2 {
  const hint = error instanceof UsageError ? '\nRun "imdsv2-guard scan --help" for usage.' : '';
  io.stderr.write(`imdsv2-guard scan: ${error.message}${hint}\n`);
  return 2;
}
