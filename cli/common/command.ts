/**
 * What scan, doctor and report do the same way around their own work: argument errors and help,
 * a failure's message and exit status, the caller's named profile, the home region, and the list of
 * accounts to work on.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Io } from '../io';
import { resolveTargets, TargetListingError, type AccountTarget, type CallerIdentity, type TargetSelection } from '../org/targets';
import type { ClientPool } from '../scan/clients';
import { checkProfileExists, profileCredentials, profileInEffect } from '../scan/credentials';
import { ScanAbort, toScanAbort, UsageError } from '../scan/errors';

export type CommandName = 'scan' | 'doctor' | 'report';

/** Prints `imdsv2-guard <command>: <message>` on stderr (with where to read the usage, for a UsageError); exit status 2. */
export function fail(io: Io, command: CommandName, error: ScanAbort): 2 {
  const hint = error instanceof UsageError ? `\nRun "imdsv2-guard ${command} --help" for usage.` : '';
  io.stderr.write(`imdsv2-guard ${command}: ${error.message}${hint}\n`);
  return 2;
}

/**
 * The command's arguments, or the exit status when there is nothing more to do: 0 after printing
 * the help (`--help`), 2 after printing why the arguments are wrong.
 */
export function argumentsOrExit<A extends { readonly help: boolean }>(
  io: Io,
  command: CommandName,
  argv: readonly string[],
  parse: (argv: readonly string[]) => A,
  help: () => string,
): A | 0 | 2 {
  let args: A;
  try {
    args = parse(argv);
  } catch (e) {
    return fail(io, command, toScanAbort(e));
  }
  if (args.help) {
    io.stdout.write(`${help()}\n`);
    return 0;
  }
  return args;
}

/**
 * The caller's credentials when a named profile is in effect (--profile, else AWS_PROFILE), after
 * checking that the profile exists (a ConfigError otherwise); undefined: the SDK's default chain.
 */
export function callerCredentials(profileFlag: string | undefined): AwsCredentialIdentityProvider | undefined {
  const profile = profileInEffect(profileFlag);
  if (!profile) return undefined;
  checkProfileExists(profile, profileFlag !== undefined);
  return profileCredentials(profile);
}

/**
 * The home region, where STS and Organizations are called: the SDK's configured region (AWS_REGION,
 * the profile's), else the first named region, else us-east-1 for `--region all`. A profile that
 * does not exist is the user's mistake and is reported; no region at all is a usage error.
 */
export async function homeRegion(
  pool: ClientPool,
  args: { readonly regions: readonly string[]; readonly allRegions: boolean },
): Promise<{ readonly configured?: string; readonly home: string }> {
  let configured: string | undefined;
  try {
    configured = await pool.ec2().config.region();
  } catch (e) {
    // A profile that does not exist is the user's mistake, not "no region": say so.
    if (/profile/i.test((e as Error)?.message ?? '') && pool.options.profile) throw toScanAbort(e);
    configured = undefined;
  }
  const home = configured ?? args.regions[0] ?? (args.allRegions ? 'us-east-1' : undefined);
  if (!home) throw toScanAbort(new Error('Region is missing'));
  return { configured, home };
}

/**
 * The caller and the accounts to work on (cli/org/targets.ts), STS and Organizations called in
 * `home`. An account list that cannot be read ends the command with its reason; any other failure
 * goes through `explain` (a command's own reading of it) and then toScanAbort.
 */
export async function commandTargets(
  selection: TargetSelection,
  pool: ClientPool,
  home: string,
  explain: (e: unknown) => ScanAbort | undefined = () => undefined,
): Promise<{ caller: CallerIdentity; targets: AccountTarget[] }> {
  try {
    return await resolveTargets(selection, { sts: pool.sts(home), organizations: () => pool.organizations(home) });
  } catch (e) {
    if (e instanceof TargetListingError) throw new ScanAbort(e.message, { cause: e });
    throw explain(e) ?? toScanAbort(e, home);
  }
}
