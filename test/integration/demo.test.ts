import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * `npm run demo` end to end, as a user runs it (tsx cli/demo/main.ts, a child process): it starts
 * its own moto_server, seeds the estate, scans, runs the rule bundles and the remediation
 * documents, and must leave no moto_server behind.
 */

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

function runDemo(): Promise<Run> {
  // Nothing from this machine's AWS settings, nor jest's NODE_OPTIONS: the demo sets what it needs.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'NODE_OPTIONS'));
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['cli/demo/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes whose command line runs moto_server on this port (Linux /proc). */
function motoServersOnPort(port: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (argv.some((a) => a.includes('moto_server')) && argv.includes(port)) found.push(Number(entry));
  }
  return found;
}

function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('npm run demo', () => {
  let run: Run;
  let step3: string;

  beforeAll(async () => {
    run = await runDemo();
    step3 = run.stdout.slice(run.stdout.indexOf('Step 3'));
  }, 180_000);

  test('exits 0 within a minute, with all three steps', () => {
    if (run.code !== 0) throw new Error(`demo exited ${run.code}\n--- stderr\n${run.stderr}\n--- stdout (end)\n${run.stdout.slice(-4000)}`);
    expect(run.stdout).toMatch(/Step 1 · the scan/);
    expect(run.stdout).toMatch(/Same evaluators, same answers: (\d+) of \1 evaluations/);
    expect(run.stdout).toMatch(/Step 3 · remediation/);
    expect(run.seconds).toBeLessThan(60);
  });

  test('step 3 says the documents run in a local runner and names the stand-ins', () => {
    expect(step3).toMatch(/local runner \(cli\/local\/automation\)/);
    expect(step3).toMatch(/StartInstanceRefresh \/ DescribeInstanceRefreshes .* cli\/local\/aws\/instance-refresh\.ts/);
    expect(step3).toMatch(/Get\/ModifyInstanceMetadataDefaults/);
    expect(step3).toMatch(/GetResourceConfigHistory/);
  });

  test('step 3: the safety gate stops the instance with IMDSv1 usage and says why; nothing changes for it', () => {
    const gate = step3.split('\n').findIndex((l) => /imdsv2-instance\s+NON_COMPLIANT → NON_COMPLIANT\s+stopped by safety gate/.test(l));
    expect(gate).toBeGreaterThan(-1);
    const message = step3.split('\n').slice(gate + 1, gate + 4).join(' ').replace(/\s+/g, ' ');
    expect(message).toMatch(/IMDSv1 calls seen: [1-9]\d* in the last 14 days on i-[0-9a-f]+ .*set Force=true to proceed/);
  });

  test('step 3: NON_COMPLIANT → COMPLIANT transitions judged by the rules, for each kind of fix', () => {
    const rows = step3.split('\n').filter((l) => /NON_COMPLIANT → COMPLIANT\s+changed$/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const documents = rows.map((l) => /\s(imdsv2-[a-z-]+)\s/.exec(l)?.[1]);
    expect(documents).toEqual(['imdsv2-instance', 'imdsv2-launch-template', 'imdsv2-auto-scaling-group', 'imdsv2-account-defaults']);
    expect(step3).toMatch(/imdsv2-launch-configuration\s+NON_COMPLIANT → NOT_APPLICABLE \(deleted\)\s+changed/);
    expect(step3).toMatch(/instance refresh \(stand-in\) replaced [1-9]\d* instance/);
    expect(step3).toMatch(/0 failed\./);
    expect(step3).not.toMatch(/FAILED/);
  });

  test('no moto_server is left running afterwards', async () => {
    const m = /moto_server http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(run.stdout);
    expect(m).not.toBeNull();
    const [, port, pid] = m!;
    expect(alive(Number(pid))).toBe(false);
    expect(motoServersOnPort(port)).toEqual([]);
    expect(await answers(Number(port))).toBe(false);
  });
});
