import { DEFAULTS, parseScanArgs } from '../../cli/scan/args';
import { UsageError } from '../../cli/scan/errors';
import { RULE_FLAGS } from '../../cli/scan/rule-flags';
import { RULES } from '../../lambda/rules/catalog';

function usageError(argv: string[]): UsageError {
  try {
    parseScanArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseScanArgs', () => {
  test('Defaults: table, owner tag Owner, every rule at its own defaults', () => {
    const a = parseScanArgs([]);
    expect(a).toMatchObject({ format: 'table', ownerTag: 'Owner', regions: [], allRegions: false, usage: false, all: false, help: false });
    expect(a.concurrency).toBe(DEFAULTS.concurrency);
    expect(a.parameters['imdsv2-launch-configuration'].maxHopLimit).toBe(1); // AutoScaling.4's default, from the definition
    expect(a.parameters['imdsv2-instance'].maxHopLimit).toBeUndefined();
    expect(a.parameters['imdsv2-launch-template'].versions).toEqual(['default', 'latest']);
    expect(a.parameters['imdsv2-auto-scaling-group'].checkInstances).toBe(true);
    expect(a.parameters['imdsv2-account-defaults'].requireEnforcement).toBe(false);
  });

  test('--region repeats, accepts commas, lower-cases and de-duplicates', () => {
    expect(parseScanArgs(['--region', 'us-east-1', '--region=EU-WEST-1,us-east-1']).regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('--region all asks for every enabled region, and stands alone', () => {
    expect(parseScanArgs(['--region', 'all'])).toMatchObject({ allRegions: true, regions: [] });
    expect(usageError(['--region', 'all', '--region', 'us-east-1']).message).toMatch(/--region all/);
    expect(usageError(['--region', 'mars-1']).message).toMatch(/--region: "mars-1" is not a region name/);
  });

  test('--max-hop-limit reaches every rule that has the parameter, launch configurations included', () => {
    const p = parseScanArgs(['--max-hop-limit', '2']).parameters;
    expect([p['imdsv2-instance'].maxHopLimit, p['imdsv2-launch-template'].maxHopLimit, p['imdsv2-launch-configuration'].maxHopLimit, p['imdsv2-auto-scaling-group'].maxHopLimit, p['imdsv2-account-defaults'].maxHopLimit]).toEqual([
      2, 2, 2, 2, 2,
    ]);
  });

  test('List, string and boolean rule flags are parsed by the kit exactly as rule parameters', () => {
    const p = parseScanArgs([
      '--versions',
      'latest',
      '--exemption-tag-key',
      'imdsv2-exempt-until',
      '--accept-inherited-defaults',
      '--no-check-instances',
      '--require-enforcement',
    ]).parameters;
    expect(p['imdsv2-launch-template'].versions).toEqual(['latest']);
    expect(p['imdsv2-instance'].exemptionTagKey).toBe('imdsv2-exempt-until');
    expect(p['imdsv2-auto-scaling-group']).toMatchObject({ exemptionTagKey: 'imdsv2-exempt-until', acceptInheritedDefaults: true, checkInstances: false });
    expect(p['imdsv2-launch-template'].acceptInheritedDefaults).toBe(true);
    expect(p['imdsv2-account-defaults'].requireEnforcement).toBe(true);
  });

  test('A bad rule value is a usage error naming the flag, in the kit\'s words', () => {
    expect(usageError(['--max-hop-limit', '99']).message).toBe('--max-hop-limit: must be between 1 and 64, got 99');
    expect(usageError(['--versions', 'oldest']).message).toMatch(/^--versions: "oldest" is not one of default, latest/);
    expect(usageError(['--check-instances', '--no-check-instances']).message).toMatch(/contradict/);
  });

  test('Unknown options, bad formats and values are usage errors', () => {
    expect(usageError(['--colour']).message).toBe('unknown option --colour');
    expect(usageError(['--format', 'xml']).message).toMatch(/--format: expected one of table, json, csv/);
    expect(usageError(['--concurrency', '0']).message).toMatch(/--concurrency: expected an integer from 1 to 64/);
    expect(usageError(['--endpoint-url', 'localhost:4566']).message).toMatch(/--endpoint-url: expected an http\(s\) URL/);
    expect(usageError(['--usage-days', '7']).message).toMatch(/only applies with --usage/);
    expect(usageError(['--usage', '--usage-days', '9999']).message).toMatch(/--usage-days: expected an integer from 1 to 455/);
    expect(usageError(['extra']).message).toMatch(/unexpected argument/);
  });

  test('Output and usage flags', () => {
    expect(parseScanArgs(['--format', 'CSV', '--all', '--owner-tag', 'team', '--usage', '--usage-days', '30', '--no-progress'])).toMatchObject({
      format: 'csv',
      all: true,
      ownerTag: 'team',
      usage: true,
      usageDays: 30,
      progress: false,
    });
    expect(parseScanArgs(['-h']).help).toBe(true);
  });
});

describe('RULE_FLAGS', () => {
  test('Every parameter of every rule has exactly one flag, and nothing else does', () => {
    const params = new Set(RULES.flatMap((r) => Object.keys(r.parameters)));
    expect(new Set(RULE_FLAGS.map((f) => f.parameter))).toEqual(params);
    for (const f of RULE_FLAGS) expect(f.flag).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});
