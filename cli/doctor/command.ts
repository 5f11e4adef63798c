import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { Io } from '../io';
import { fanOut } from '../org/fan-out';
import { isMultiAccount, resolveTargets, TargetListingError, type AccountTarget } from '../org/targets';
import { ScanAbort, toScanAbort, UsageError } from '../scan/errors';
import { parseDoctorArgs, type DoctorArgs } from './args';
import { checkTarget } from './checks';
import { DoctorClientPool } from './clients';
import { formatDoctorJson, formatDoctorTable } from './format';
import { doctorHelp } from './help';
import { exitCodeFor, type DoctorReport, type StackSetReport, type TargetReport } from './report';
import { stackSetStatus } from './stack-set';

/** The region the SDK would use by default (AWS_REGION, the profile's region), or undefined. */
async function configuredRegion(pool: DoctorClientPool): Promise<string | undefined> {
  try {
    return await pool.ec2().config.region();
  } catch (e) {
    if (/profile/i.test((e as Error)?.message ?? '') && pool.options.profile) throw e;
    return undefined;
  }
}

/** `--region all`: the regions DescribeRegions lists as enabled for that account. */
async function enabledRegions(pool: DoctorClientPool, home: string, account: AccountTarget): Promise<string[]> {
  const out = await pool.ec2(home, account.credentials).send(new DescribeRegionsCommand({ AllRegions: false }));
  return [...new Set((out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => !!n))].sort();
}

/**
 * `imdsv2-guard doctor`: checks every account × region (the caller's account by default; `--org` /
 * `--account` with `--role-name` through the shared fan-out), lists the StackSet's instances when
 * asked, prints the report. An account or region that could not be reached is reported as not
 * ready, with its reason and fix. 0 ready, 1 not ready, 2 usage or no usable credentials.
 */
export async function runDoctor(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<0 | 1 | 2> {
  let args: DoctorArgs;
  try {
    args = parseDoctorArgs(argv);
  } catch (e) {
    return fail(io, toScanAbort(e));
  }
  if (args.help) {
    io.stdout.write(`${doctorHelp(io.stdout.columns ?? 100)}\n`);
    return 0;
  }
  const pool = new DoctorClientPool({ profile: args.profile, endpoint: args.endpointUrl, maxAttempts: args.maxAttempts });
  try {
    const configured = await configuredRegion(pool).catch((e: unknown) => {
      throw toScanAbort(e);
    });
    const home = configured ?? args.regions[0] ?? (args.allRegions ? 'us-east-1' : undefined);
    if (!home) throw toScanAbort(new Error('Region is missing'));
    let targets: AccountTarget[];
    try {
      ({ targets } = await resolveTargets(args.selection, { sts: pool.sts(home), organizations: () => pool.organizations(home) }));
    } catch (e) {
      if (e instanceof TargetListingError) throw new ScanAbort(e.message, { cause: e });
      throw toScanAbort(e, home);
    }

    const started = now();
    const options = { rules: args.rules, ruleNamePrefix: args.ruleNamePrefix, requireSecurityHub: args.requireSecurityHub, now: started };
    const regions = args.allRegions ? (t: AccountTarget) => enabledRegions(pool, home, t) : args.regions.length > 0 ? args.regions : [home];
    const { outcomes, results } = await fanOut(
      targets,
      regions,
      ({ account, region, credentials }) => checkTarget(pool.forTarget(region, credentials), account.accountId, options),
      { concurrency: args.concurrency },
    );
    // Every target in order: checked ones with their checks, failed ones (role not assumable, region
    // not enabled, credentials refused) as one `unknown` row with the fan-out's reason and fix.
    const byTarget = new Map(results.map((r) => [`${r.accountId}|${r.region}`, r.value]));
    const reports: TargetReport[] = outcomes.map(
      (o) =>
        byTarget.get(`${o.accountId}|${o.region}`) ?? {
          accountId: o.accountId,
          region: o.region,
          checks: [{ check: 'reach', status: 'unknown', detail: o.reason ?? 'not checked', fix: o.fix }],
        },
    );
    if (!isMultiAccount(args.selection) && outcomes.length > 0 && outcomes.every((o) => o.kind === 'bad-credentials')) {
      // One account and its credentials refused everywhere: nothing to report but that.
      throw new ScanAbort(`${outcomes[0].reason}\n${outcomes[0].fix ?? ''}`.trim());
    }

    let stackSet: StackSetReport | undefined;
    if (args.stackSet) {
      const region = args.stackSet.region ?? (args.regions[0] ?? home);
      stackSet = await stackSetStatus(pool.cloudFormation(region), { name: args.stackSet.name, region, callAs: args.stackSet.callAs });
    }
    const report: DoctorReport = { generatedAt: started, targets: reports, stackSet };
    io.stdout.write(args.format === 'json' ? formatDoctorJson(report) : formatDoctorTable(report));
    return exitCodeFor(report);
  } catch (e) {
    return fail(io, toScanAbort(e));
  } finally {
    pool.destroy();
  }
}

function fail(io: Io, error: ScanAbort): 2 {
  const hint = error instanceof UsageError ? '\nRun "imdsv2-guard doctor --help" for usage.' : '';
  io.stderr.write(`imdsv2-guard doctor: ${error.message}${hint}\n`);
  return 2;
}
