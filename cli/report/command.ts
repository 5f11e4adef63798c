import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { Io } from '../io';
import { accountStatuses } from '../org/fan-out';
import { connection, CONNECTION_OPTIONS, endpointUrl, format, MAX_CONCURRENCY, parseOptions, region, stringValue } from '../common/args';
import { DEFAULTS, FORMATS, type Format } from '../scan/args';
import { argumentsOrExit, callerCredentials, fail } from '../common/command';
import { clientSettings } from '../scan/clients';
import { ConfigError, toScanAbort, UsageError } from '../scan/errors';
import { regionsOf, writeReport } from '../scan/command';
import { exitCodeFor, rank, type ExitCode, type ScanReport } from '../scan/report';
import { AggregatorNotFoundError, readAggregator } from './aggregator';

export function reportHelp(): string {
  return [
    'Usage: imdsv2-guard report --aggregator NAME [options]',
    '',
    'Prints the scan report (every format) from what the deployed imdsv2-guard AWS Config rules recorded,',
    'read from an AWS Config aggregator (organization or accounts), per account and region. Assumes no',
    'role: run it where the aggregator lives (needs config:DescribeConfigurationAggregators,',
    'config:DescribeAggregateComplianceByConfigRules, config:GetAggregateComplianceDetailsByConfigRule).',
    '',
    '  --aggregator NAME             The configuration aggregator (required).',
    '  --region REGION               Its region (default: AWS_REGION or the profile\'s region).',
    '  --profile NAME                Named profile.',
    '  --endpoint-url URL            Send every call to this endpoint (e.g. a local emulator).',
    '  --format table|json|csv|html  As for scan (default table).',
    '  --all                         Also list compliant resources.',
    `  --concurrency N               Account/regions read at once (1-${MAX_CONCURRENCY}, default ${DEFAULTS.concurrency}).`,
    '  --max-attempts N              Attempts per AWS call (default 6).',
    '',
    'A rule deployed in the aggregator but without results in an account/region is reported there as',
    'UNKNOWN (not verified). Exit status as for scan: 0, 1, 2, 3.',
  ].join('\n');
}

interface ReportArgs {
  readonly help: boolean;
  readonly aggregator?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly format: Format;
  readonly all: boolean;
  readonly concurrency: number;
  readonly maxAttempts: number;
}

function parse(argv: readonly string[]): ReportArgs {
  const v = parseOptions(argv, {
    ...CONNECTION_OPTIONS,
    aggregator: { type: 'string' },
    // The aggregator's region: one, not scan's list.
    region: { type: 'string' },
    all: { type: 'boolean' },
  });
  const outputFormat = format(v, FORMATS, DEFAULTS.format);
  const aggregator = stringValue(v, 'aggregator')?.trim();
  if (v.help !== true) {
    if (!aggregator) throw new UsageError('--aggregator NAME is required');
    // AWS Config: 1-256 characters of [\w-].
    if (!/^[\w-]{1,256}$/.test(aggregator)) throw new UsageError(`--aggregator: "${aggregator}" is not an aggregator name (letters, digits, _ and -)`);
  }
  const endpoint = endpointUrl(v);
  const { profile, concurrency, maxAttempts } = connection(v, DEFAULTS);
  return {
    help: v.help === true,
    aggregator,
    region: region('region', stringValue(v, 'region')),
    profile,
    endpointUrl: endpoint,
    format: outputFormat,
    all: v.all === true,
    concurrency,
    maxAttempts,
  };
}

/** `imdsv2-guard report --aggregator NAME`. */
export async function runReport(argv: readonly string[], io: Io, now: () => Date = () => new Date()): Promise<ExitCode> {
  const args = argumentsOrExit(io, 'report', argv, parse, reportHelp);
  if (typeof args === 'number') return args;
  let config: ConfigServiceClient | undefined;
  try {
    const credentials = callerCredentials(args.profile);
    config = new ConfigServiceClient(clientSettings({ profile: args.profile, endpoint: args.endpointUrl, maxAttempts: args.maxAttempts, credentials }, args.region));
    const started = now();
    let read;
    try {
      read = await readAggregator(config, args.aggregator!, { concurrency: args.concurrency });
    } catch (e) {
      if (e instanceof AggregatorNotFoundError) throw new ConfigError(e.message, { cause: e });
      throw toScanAbort(e, args.region);
    }
    const accounts = accountStatuses(read.targets, read.outcomes);
    const report: ScanReport = {
      accountId: read.targets[0]?.accountId ?? '',
      regions: regionsOf(read.outcomes),
      accounts,
      outcomes: read.outcomes,
      source: { kind: 'aggregator', name: args.aggregator! },
      generatedAt: started,
      ownerTag: 'Owner',
      parameters: {},
      findings: rank(read.findings),
    };
    writeReport(io, report, args);
    const failed = read.outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) {
      io.stderr.write(`imdsv2-guard report: incomplete: ${failed.length} of ${read.outcomes.length} account/regions could not be read:\n${failed.map((f) => `  account ${f.accountId} (${f.region}): ${f.reason}\n`).join('')}`);
    }
    return exitCodeFor(read.findings, read.outcomes);
  } catch (e) {
    return fail(io, 'report', toScanAbort(e));
  } finally {
    config?.destroy();
  }
}
