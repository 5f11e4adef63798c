import { dropSdkNodeVersionWarning, main } from '../../cli/imdsv2-guard';
import { BufferStream } from '../../cli/io';
import { scanHelp } from '../../cli/scan/help';
import { RULE_FLAGS } from '../../cli/scan/rule-flags';

async function run(argv: string[]) {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('imdsv2-guard', () => {
  test('scan --help: every rule flag, the exit codes, and what the ranking is based on', async () => {
    const r = await run(['scan', '--help']);
    expect(r.code).toBe(0);
    for (const f of RULE_FLAGS) expect(r.stdout).toMatch(new RegExp(`--(no-)?${f.flag}\\b`));
    expect(r.stdout).toMatch(/--no-check-instances/); // booleans shown the way that changes the default
    expect(r.stdout).toMatch(/--accept-inherited-defaults/);
    expect(r.stdout.replace(/\s+/g, " ")).toMatch(/ranking is by the presence of an instance profile only; it does not read the role.s policies/);
    expect(r.stdout).toMatch(/0 {2}every account\/region was scanned, and everything is compliant/);
    expect(r.stdout).toMatch(/3 {2}incomplete: some account\/regions could not be scanned/);
    expect(r.stdout).toMatch(/--org/);
    expect(r.stdout).toBe(`${scanHelp(100)}\n`);
  });

  test('A usage error exits 2 with the reason and where to read the usage', async () => {
    const r = await run(['scan', '--format', 'xml']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('imdsv2-guard scan: --format: expected one of table, json, csv, html, got "xml"\nRun "imdsv2-guard scan --help" for usage.\n');
  });

  test('Unknown command exits 2; no command prints the help and exits 2; --version prints one', async () => {
    expect((await run(['sacn'])).code).toBe(2);
    expect(await run([])).toMatchObject({ code: 2, stdout: expect.stringContaining('Usage: imdsv2-guard <command>') });
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('dropSdkNodeVersionWarning', () => {
  test('Drops only the SDK\'s NodeVersionSupportWarning; every other warning still reaches emitWarning', () => {
    const seen: unknown[] = [];
    const target = { emitWarning: ((w: unknown) => void seen.push(w)) as unknown as NodeJS.Process['emitWarning'] };
    dropSdkNodeVersionWarning(target);
    target.emitWarning('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after ...');
    target.emitWarning('something', 'NodeVersionSupportWarning');
    target.emitWarning('ExperimentalWarning: VM modules');
    target.emitWarning(new Error('a DeprecationWarning'));
    expect(seen).toEqual(['ExperimentalWarning: VM modules', new Error('a DeprecationWarning')]);
  });
});
