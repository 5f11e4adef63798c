import { main } from '../../../cli/imdsv2-guard';
import { BufferStream } from '../../../cli/io';
import { parseDoctorArgs } from '../../../cli/doctor/args';
import { parseScanArgs } from '../../../cli/scan/args';
import { UsageError } from '../../../cli/scan/errors';

/**
 * The flags scan, doctor and report share (cli/common/args.ts) are parsed and refused the same way
 * by all three. Every case here fails before any AWS call is made, so no endpoint is needed.
 */

async function usageMessage(command: 'scan' | 'doctor' | 'report', argv: string[]): Promise<string> {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const extra = command === 'report' ? ['--aggregator', 'org'] : [];
  const code = await main([command, ...extra, ...argv], { stdout, stderr });
  expect([argv, code, stdout.text]).toEqual([argv, 2, '']);
  expect(stderr.text).toMatch(new RegExp(`^imdsv2-guard ${command}: .*\\nRun "imdsv2-guard ${command} --help" for usage\\.\\n$`, 's'));
  return stderr.text.split('\n')[0].replace(`imdsv2-guard ${command}: `, '');
}

describe.each(['scan', 'doctor', 'report'] as const)('%s: the shared flags', (command) => {
  test.each<[string[], string | RegExp]>([
    [['--colour'], 'unknown option --colour'],
    [['--profile'], '--profile needs a value'],
    [['--all-the-things'], 'unknown option --all-the-things'],
    [['extra'], 'unexpected argument extra'],
    [['--profile', '  '], '--profile: needs a value'],
    [['--endpoint-url', 'localhost:4566'], '--endpoint-url: expected an http(s) URL, got "localhost:4566"'],
    [['--endpoint-url', 'ftp://example.com'], '--endpoint-url: expected an http(s) URL, got "ftp://example.com"'],
    [['--concurrency', '0'], '--concurrency: expected an integer from 1 to 64, got "0"'],
    [['--concurrency', '65'], '--concurrency: expected an integer from 1 to 64, got "65"'],
    [['--concurrency', '2x'], '--concurrency: expected an integer from 1 to 64, got "2x"'],
    [['--max-attempts', '21'], '--max-attempts: expected an integer from 1 to 20, got "21"'],
    [['--format', 'xml'], /^--format: expected one of table, json(, csv, html)?, got "xml"$/],
  ])('Noncompliance: %j is a usage error (exit 2) in the same words', async (argv, message) => {
    expect(await usageMessage(command, argv)).toMatch(message instanceof RegExp ? message : new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });
});

describe.each(['scan', 'doctor'] as const)('%s: regions and account selection', (command) => {
  test.each<[string[], RegExp]>([
    [['--region', 'mars'], /^--region: "mars" is not a region name \(e\.g\. us-east-1\), nor "all"$/],
    [['--region', 'all', '--region', 'us-east-1'], /^--region all already covers every enabled region/],
    [['--account', '12345'], /^--account: "12345" is not an AWS account id \(12 digits\)$/],
    [['--org'], /^--org needs --role-name/],
    [['--org', '--account', '123456789012', '--role-name', 'R'], /^--org and --account contradict each other/],
    [['--role-name', 'R'], /^--role-name only applies with --org or --account$/],
  ])('Noncompliance: %j is a usage error (exit 2)', async (argv, message) => {
    expect(await usageMessage(command, argv)).toMatch(message);
  });

  test('Compliance: the same values parse to the same connection, regions and selection', () => {
    const argv = ['--profile', ' ops ', '--endpoint-url', 'http://localhost:4566', '--region', 'EU-WEST-1,us-east-1', '--region', 'eu-west-1', '--concurrency', '3', '--max-attempts', '2', '--format', 'JSON', '--account', '111111111111,222222222222', '--role-name', '/ops/ReadOnly', '--external-id', 'ext-1'];
    const a = command === 'scan' ? parseScanArgs(argv) : parseDoctorArgs(argv);
    expect(a).toMatchObject({
      profile: 'ops',
      endpointUrl: 'http://localhost:4566',
      regions: ['eu-west-1', 'us-east-1'],
      allRegions: false,
      concurrency: 3,
      maxAttempts: 2,
      format: 'json',
      selection: { org: false, accounts: ['111111111111', '222222222222'], roleName: 'ops/ReadOnly', externalId: 'ext-1' },
    });
  });

  test('Compliance: a bad account flag is a UsageError that keeps the selection error as its cause', () => {
    const parse = command === 'scan' ? parseScanArgs : parseDoctorArgs;
    let error: unknown;
    try {
      parse(['--org']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).cause).toMatchObject({ name: 'TargetSelectionError' });
  });
});

describe('report: its one --region (the aggregator\'s)', () => {
  test.each<[string[], string]>([
    [['--region', 'mars'], '--region: "mars" is not a region name'],
    [['--region', ''], '--region: needs a value'],
    [['--region', 'us-east-1', '--region', 'eu-west-1,us-east-1'], '--region: "eu-west-1,us-east-1" is not a region name'],
    [['--org'], 'unknown option --org'],
  ])('Noncompliance: %j is a usage error (exit 2)', async (argv, message) => {
    expect(await usageMessage('report', argv)).toBe(message);
  });
});
