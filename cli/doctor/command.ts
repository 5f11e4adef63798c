import type { Io } from '../io';
import { mapLimit } from '../../lambda/kit/concurrency';
import { ScanAbort, toScanAbort, UsageError } from '../scan/errors';
import { callerAccount, resolveRegions } from '../scan/regions';
import { parseDoctorArgs, type DoctorArgs } from './args';
import { checkTarget } from './checks';
import { DoctorClientPool } from './clients';
import { formatDoctorJson, formatDoctorTable } from './format';
import { doctorHelp } from './help';
import { exitCodeFor, type DoctorReport, type StackSetReport } from './report';
import { stackSetStatus } from './stack-set';

/**
 * `imdsv2-guard doctor`: checks the caller's account in each region (bounded concurrency), lists
 * the StackSet's instances when asked, prints the report. 0 ready, 1 not ready, 2 usage or access.
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
    const regions = await resolveRegions(pool, args.regions, args.allRegions);
    const accountId = await callerAccount(pool, regions[0]);
    const started = now();
    const options = { rules: args.rules, ruleNamePrefix: args.ruleNamePrefix, requireSecurityHub: args.requireSecurityHub, now: started };
    const targets = await mapLimit(regions, args.concurrency, (region) => checkTarget(pool.forTarget(region), accountId, options));
    let stackSet: StackSetReport | undefined;
    if (args.stackSet) {
      const region = args.stackSet.region ?? regions[0];
      stackSet = await stackSetStatus(pool.cloudFormation(region), { name: args.stackSet.name, region, callAs: args.stackSet.callAs });
    }
    const report: DoctorReport = { generatedAt: started, targets, stackSet };
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
