import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { Io } from '../io';
import { fanOut } from '../org/fan-out';
import { argumentsOrExit, commandTargets, fail, homeRegion } from '../common/command';
import { isMultiAccount, type AccountTarget } from '../org/targets';
import { ScanAbort, toScanAbort } from '../scan/errors';
import { parseDoctorArgs } from './args';
import { checkTarget } from './checks';
import { DoctorClientPool } from './clients';
import { formatDoctorJson, formatDoctorTable } from './format';
import { doctorHelp } from './help';
import { exitCodeFor, type DoctorReport, type StackSetReport, type TargetReport } from './report';
import { stackSetStatus } from './stack-set';

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
  const args = argumentsOrExit(io, 'doctor', argv, parseDoctorArgs, () => doctorHelp(io.stdout.columns ?? 100));
  if (typeof args === 'number') return args;
  const pool = new DoctorClientPool({ profile: args.profile, endpoint: args.endpointUrl, maxAttempts: args.maxAttempts });
  try {
    const { home } = await homeRegion(pool, args);
    const { targets } = await commandTargets(args.selection, pool, home);

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
    return fail(io, 'doctor', toScanAbort(e));
  } finally {
    pool.destroy();
  }
}
