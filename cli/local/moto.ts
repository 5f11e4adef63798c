import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export const MOTO_MISSING = "moto_server not found: install with pip install 'moto[server]==5.2.1'";

export class MotoMissingError extends Error {
  constructor() {
    super(MOTO_MISSING);
    this.name = 'MotoMissingError';
  }
}

export interface LocalMoto {
  readonly url: string;
  readonly pid: number;
  /** Kills moto's process group and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A port free a moment ago (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/moto-api/`, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group, so a wrapper (the pyenv shim) and the python it runs both go.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Starts the preinstalled `moto_server` on a free port, waits until it answers, and makes sure it
 * dies with this process (normal exit, Ctrl-C, or an uncaught error).
 */
export async function startLocalMoto(timeoutMs = 30_000): Promise<LocalMoto> {
  const bin = onPath('moto_server');
  if (!bin) throw new MotoMissingError();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });

  const killNow = () => killGroup(child, 'SIGKILL');
  process.once('exit', killNow);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killNow);
      if (!exited) {
        killGroup(child, 'SIGTERM');
        const late = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
        await exit;
        clearTimeout(late);
      }
      child.stderr?.destroy();
    })());

  const deadline = Date.now() + timeoutMs;
  while (!(await answers(url))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start on ${url}${exited ? ` (exit ${child.exitCode})` : ''}:\n${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid ?? -1, stop };
}
