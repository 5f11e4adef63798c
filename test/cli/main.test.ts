import { main } from '../../cli/imdsv2-guard';
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
    expect(r.stdout).toMatch(/0 {2}everything scanned is compliant/);
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
