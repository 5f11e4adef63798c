// The moto_server launcher of the one local AWS (cli/local/aws/moto.ts), used by the demo, the bench and
// (through the harness's startMoto) every integration test: free port, readiness, reset, stop, and no
// orphan server whatever way the parent process ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { httpRequest, MotoMissingError, MOTO_MISSING, startLocalMoto, type MotoServer } from '../../../../cli/local/aws';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs

let moto: MotoServer;

beforeAll(async () => {
  moto = await startLocalMoto();
});

afterAll(async () => {
  await moto?.stop();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` with PATH replaced (the launcher looks moto_server up on PATH at each start). */
async function withPath<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('startLocalMoto', () => {
  test('starts moto_server on a free port and stop() ends the whole process', async () => {
    const second = await startLocalMoto();
    expect(second.port).not.toBe(moto.port);
    expect((await httpRequest(`${second.url}/moto-api/`)).status).toBe(200);

    await second.stop();
    expect(() => process.kill(second.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await second.stop(); // idempotent
  });

  test('throws MotoMissingError, naming the install command, when moto_server is not on PATH', async () => {
    const error = await withPath('/nonexistent', () => startLocalMoto()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MotoMissingError);
    expect((error as Error).message).toBe(MOTO_MISSING);
    expect(MOTO_MISSING).toMatch(/pip install 'moto\[server\]==5\.2\.1'/);
  });

  test('moto does not outlive a process killed with SIGKILL (no stop(), no exit hooks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moto-orphan-'));
    const script = join(dir, 'start.ts');
    writeFileSync(
      script,
      `import { startLocalMoto } from ${JSON.stringify(join(REPO_ROOT, 'cli', 'local', 'aws', 'moto'))};\n` +
        `startLocalMoto().then((m) => { console.log('PID ' + m.pid); setInterval(() => undefined, 1000); });\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((done, fail) => {
        let out = '';
        parent.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /PID (\d+)/.exec(out);
          if (match) done(Number(match[1]));
        });
        parent.once('exit', (code) => fail(new Error(`the child process exited early (${code}): ${out}`)));
      });
      expect(() => process.kill(pid, 0)).not.toThrow();

      parent.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(isAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a moto_server that fails to start is reported with its stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-moto-'));
    try {
      writeFileSync(join(dir, 'moto_server'), '#!/bin/sh\necho "ImportError: no module named flask" >&2\nexit 3\n', { mode: 0o755 });
      await expect(withPath(`${dir}:/usr/bin:/bin`, () => startLocalMoto())).rejects.toThrow(
        /moto_server failed to start.*exit code 3.*ImportError: no module named flask/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reset() clears moto state', async () => {
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
    try {
      await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations).toHaveLength(1);
      await moto.reset();
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).toHaveLength(0);
    } finally {
      ec2.destroy();
    }
  });
});
