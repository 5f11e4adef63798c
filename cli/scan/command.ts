import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { Io } from '../io';
import { accountStatuses, type AccountStatus, type TargetOutcome } from '../org/fan-out';
import { argumentsOrExit, callerCredentials, commandTargets, fail, homeRegion } from '../common/command';
import { isMultiAccount, type AccountTarget } from '../org/targets';
import { parseScanArgs, type ScanArgs } from './args';
import { ClientPool } from './clients';
import { ConfigError, ScanAbort, toScanAbort } from './errors';
import { formatCsv } from './format/csv';
import { formatHtml } from './format/html';
import { formatJson } from './format/json';
import { formatTable } from './format/table';
import { scanHelp } from './help';
import { progressFor } from './progress';
import { EXIT, exitCodeFor, rank, type ExitCode, type ScanReport } from './report';
import { RULE_FLAGS } from './rule-flags';
import { scanTargets } from './scanner';

export type { ExitCode };

/** The report in the chosen format (scan and `report --aggregator` share it). */
export function render(report: ScanReport, options: { format: ScanArgs['format']; all: boolean }, width: number | undefined): string {
  switch (options.format) {
    case 'json':
      return formatJson(report, { all: options.all });
    case 'csv':
      return formatCsv(report, { all: options.all });
    case 'html':
      return formatHtml(report, { all: options.all });
    default:
      return formatTable(report, { all: options.all, width });
  }
}

/** The report on stdout, as wide as the terminal when stdout is one. */
export function writeReport(io: Io, report: ScanReport, options: { format: ScanArgs['format']; all: boolean }): void {
  io.stdout.write(render(report, options, io.stdout.isTTY ? io.stdout.columns : undefined));
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

interface RegionInfo {
  readonly names: ReadonlySet<string>;
  readonly notOptedIn: ReadonlySet<string>;
}

/** Every region of the partition as this account sees it (DescribeRegions AllRegions), or undefined if refused. */
async function describeAllRegions(pool: ClientPool, home: string, credentials?: AccountTarget['credentials']): Promise<RegionInfo | undefined> {
  try {
    const out = await pool.ec2(home, credentials).send(new DescribeRegionsCommand({ AllRegions: true }));
    const regions = out.Regions ?? [];
    return {
      names: new Set(regions.map((r) => r.RegionName).filter((n): n is string => !!n)),
      notOptedIn: new Set(regions.filter((r) => r.OptInStatus === 'not-opted-in').map((r) => r.RegionName!).filter(Boolean)),
    };
  } catch {
    return undefined;
  }
}

/** The regions DescribeRegions lists as enabled for an account (`--region all`), sorted. */
async function enabledRegions(pool: ClientPool, home: string, credentials?: AccountTarget['credentials']): Promise<string[]> {
  const out = await pool.ec2(home, credentials).send(new DescribeRegionsCommand({ AllRegions: false }));
  // Without AllRegions, EC2 lists only enabled regions; a `not-opted-in` entry is left out all the same.
  const enabled = (out.Regions ?? []).filter((r) => r.OptInStatus !== 'not-opted-in');
  return [...new Set(enabled.map((r) => r.RegionName).filter((n): n is string => !!n))].sort();
}

/** An error shaped like EC2's for a region the account has not enabled, so the fan-out reports it as such. */
function notEnabled(region: string, accountId: string): Error {
  const e = new Error(`DescribeRegions lists ${region} as not opted in for account ${accountId}`);
  e.name = 'OptInRequired';
  return e;
}

/** Failures, one line per account and reason plus its fix, for stderr. */
function failureLines(accounts: readonly AccountStatus[], prefix: string, multi: boolean): string {
  const lines: string[] = [];
  for (const a of accounts) {
    for (const f of a.failures) {
      const where = multi || f.regions.includes('*') ? `account ${a.accountId}${f.regions.includes('*') ? '' : ` (${f.regions.join(', ')})`}: ` : '';
      lines.push(`${prefix}${where}${f.reason}\n${f.fix}\n`);
    }
  }
  return lines.join('');
}

/**
 * `imdsv2-guard scan`: resolve accounts and regions, scan every account × region, print the report
 * on stdout. Returns the exit status (0, 1, 2, 3: see EXIT); everything the user must read about a
 * failure goes to stderr.
 */
export async function runScan(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<ExitCode> {
  const args = argumentsOrExit(io, 'scan', argv, parseScanArgs, () => scanHelp(io.stdout.columns ?? 100));
  if (typeof args === 'number') return args;

  let credentials: ReturnType<typeof callerCredentials>;
  try {
    credentials = callerCredentials(args.profile);
  } catch (e) {
    return fail(io, 'scan', toScanAbort(e));
  }
  const pool = new ClientPool({ profile: args.profile, endpoint: args.endpointUrl, maxAttempts: args.maxAttempts, credentials });
  const progress = progressFor(io.stderr, args.progress !== false);
  try {
    const { configured, home } = await homeRegion(pool, args);
    const { caller, targets } = await commandTargets(args.selection, pool, home, (e) => {
      const host = unresolvedHost(e);
      if (host === undefined) return undefined;
      if (args.endpointUrl) return new ConfigError(`--endpoint-url: cannot resolve the host ${host}`, { cause: e });
      const from = args.regions.includes(home) ? '--region' : 'AWS_REGION or your profile';
      return new ConfigError(`region "${home}" (from ${from}) does not exist: there is no ${host}`, { cause: e });
    });

    // A named region that does not exist is a usage error, told before anything is scanned.
    // Asked in the home region; if that is one of the named ones and cannot answer, in us-east-1.
    const known =
      args.regions.length > 0
        ? ((await describeAllRegions(pool, home)) ?? (configured === undefined && home !== 'us-east-1' ? await describeAllRegions(pool, 'us-east-1') : undefined))
        : undefined;
    if (known) {
      const unknown = args.regions.filter((r) => !known.names.has(r));
      if (unknown.length > 0) {
        throw new ConfigError(`--region: ${unknown.map((r) => `"${r}"`).join(', ')} ${unknown.length === 1 ? 'does not exist' : 'do not exist'} (DescribeRegions does not list ${unknown.length === 1 ? 'it' : 'them'})`);
      }
    }
    // Each account's own view of the named regions: one not opted in is reported, not called.
    const views = new Map<string, Promise<RegionInfo | undefined>>();
    const viewOf = (t: AccountTarget) => {
      let v = views.get(t.accountId);
      if (!v) {
        // The caller's own account was asked above (undefined there: refused, so not asked again).
        v = t.self ? Promise.resolve(known) : describeAllRegions(pool, home, t.credentials);
        views.set(t.accountId, v);
      }
      return v;
    };

    const started = now();
    const plan = {
      parameters: args.parameters,
      ownerTag: args.ownerTag,
      usageDays: args.usage ? args.usageDays : undefined,
      listAll: args.all,
      concurrency: args.concurrency,
      now: started,
      endpointUrl: args.endpointUrl,
    };
    const regions = args.allRegions ? (t: AccountTarget) => enabledRegions(pool, home, t.credentials) : args.regions.length > 0 ? args.regions : [home];
    const byAccount = new Map(targets.map((t) => [t.accountId, t]));
    const { findings, outcomes } = await scanTargets(
      plan,
      targets,
      regions,
      (region, credentials) => pool.forRegion(region, credentials),
      progress,
      async (accountId, region) => {
        const t = byAccount.get(accountId)!;
        if (args.regions.length > 0 && (await viewOf(t))?.notOptedIn.has(region)) throw notEnabled(region, accountId);
      },
      (clients) => pool.release(clients),
    );
    progress.finish();

    const accounts = accountStatuses(targets, outcomes);
    if (outcomes.length === 0) throw new ScanAbort('nothing to scan: DescribeRegions lists no enabled region');
    if (!outcomes.some((o) => o.status === 'scanned')) {
      // Nothing was seen at all: no report to print, only why.
      io.stderr.write(failureLines(accounts, 'imdsv2-guard scan: ', isMultiAccount(args.selection)));
      return EXIT.usage;
    }
    const report: ScanReport = {
      accountId: caller.accountId,
      regions: regionsOf(outcomes),
      accounts,
      outcomes,
      source: { kind: 'scan' },
      generatedAt: started,
      ownerTag: args.ownerTag,
      usageDays: args.usage ? args.usageDays : undefined,
      parameters: givenParameters(args),
      findings: rank(findings),
    };
    writeReport(io, report, args);
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    if (failed > 0) {
      io.stderr.write(`imdsv2-guard scan: incomplete: ${failed} of ${outcomes.length} account/region${outcomes.length === 1 ? '' : 's'} not scanned:\n${failureLines(accounts, '  ', isMultiAccount(args.selection))}`);
    }
    return exitCodeFor(findings, outcomes);
  } catch (e) {
    progress.finish();
    return fail(io, 'scan', toScanAbort(e));
  } finally {
    pool.destroy();
  }
}

/** The host name DNS could not resolve (a region that does not exist, a mistyped endpoint), if that is the failure. */
function unresolvedHost(e: unknown): string | undefined {
  for (let c: unknown = e, i = 0; c && i < 6; c = (c as { cause?: unknown }).cause, i++) {
    const x = c as { code?: string; hostname?: string; message?: string };
    if (x.code === 'ENOTFOUND') return x.hostname ?? /ENOTFOUND (\S+)/.exec(x.message ?? '')?.[1] ?? 'host';
  }
  return undefined;
}

/** Regions in the order first seen (named order, or each account's sorted list), `*` left out. */
export function regionsOf(outcomes: readonly TargetOutcome[]): string[] {
  return [...new Set(outcomes.map((o) => o.region).filter((r) => r !== '*'))];
}
