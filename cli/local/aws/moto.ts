import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * The one moto_server launcher: used by the demo and the bench (`startLocalMoto`) and, through the
 * thin wrapper in test/integration/harness, by every integration test (`startMoto`).
 */

export const MOTO_INSTALL_HINT = "pip install 'moto[server]==5.2.1'";

export const MOTO_MISSING = `moto_server not found: install with ${MOTO_INSTALL_HINT}`;

/** moto_server is not on PATH. The message names the install command. */
export class MotoMissingError extends Error {
  constructor(message: string = MOTO_MISSING) {
    super(message);
    this.name = 'MotoMissingError';
  }
}

export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Process id of the spawned `moto_server` (also its process group id). */
  readonly pid: number;
  /** `POST /moto-api/reset`: drops every resource in every service. */
  reset(): Promise<void>;
  /** Kills the whole process group and waits for the exit. Safe to call twice. */
  stop(): Promise<void>;
  /** The last few KB of the server's stdout and stderr, for failure messages. */
  logs(): string;
}

/** What the demo uses of a running moto. */
export type LocalMoto = MotoServer;

export interface StartMotoOptions {
  /** How long to wait for the server to answer HTTP. @default 30000 */
  readonly startTimeoutMs?: number;
}

/**
 * A TCP port that was free a moment ago: bind port 0, read what the kernel chose, close.
 * Another process could take it before we use it; callers that spawn a server retry on that.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}

export interface SimpleResponse {
  readonly status: number;
  readonly body: string;
}

/** One plain HTTP request without keep-alive, so no socket outlives the call (jest open handles). */
export function httpRequest(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', 'content-length': Buffer.byteLength(options.body ?? '') },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

/** The whole body of an incoming request. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the preinstalled `moto_server` on a free port, waits until it answers, and makes sure it
 * dies with this process (normal exit, Ctrl-C, an uncaught error, even SIGKILL: see WATCHDOG).
 * Throws MotoMissingError when moto_server is not on PATH.
 */
export async function startLocalMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const bin = findOnPath('moto_server');
  if (!bin) throw new MotoMissingError();
  // The free port can be taken between our probe and moto's bind; try a few ports before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(bin, await freePort(), options.startTimeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Keeps only the tail of a stream: werkzeug logs every request, and we only need the end for errors. */
class Tail {
  private text = '';
  constructor(private readonly max = 16_384) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Runs moto under /bin/sh so a watchdog can tie its life to ours. The watchdog reads the stdin pipe
 * that only this Node process holds open: when Node exits for any reason (even SIGKILL, or a Ctrl-C
 * that never reaches moto's own process group) the pipe hits EOF and the watchdog kills the group.
 * `exec` keeps moto's pid equal to the child's pid (and the group id).
 */
const WATCHDOG = 'exec 3<&0; (cat <&3 >/dev/null 2>&1; kill -TERM 0) & exec "$@" 3<&- </dev/null';

async function launch(bin: string, port: number, startTimeoutMs: number): Promise<MotoServer> {
  const url = `http://127.0.0.1:${port}`;
  // detached: its own process group, so stop() reaches moto and its watchdog together.
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'moto-watchdog', bin, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  child.stdin?.on('error', () => undefined); // never written to; only its closing matters
  const output = new Tail();
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));

  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  const hasExited = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;

  // On a normal exit of this process, kill the group at once rather than waiting for the watchdog.
  const killNow = () => killGroup(child, 'SIGKILL');
  process.once('exit', killNow);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killNow);
      const running = !hasExited();
      // Always signal the group: even when moto already died, its watchdog is still waiting.
      killGroup(child, 'SIGTERM');
      if (running) {
        // Escalate if moto ignores SIGTERM; clear the timer after, or it alone would keep jest alive.
        const escalate = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(escalate);
      }
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (hasExited()) {
      await stop();
      const logs = output.toString();
      const detail = spawnError ? `${spawnError.message}\n` : `exit code ${child.exitCode ?? child.signalCode}\n`;
      const message = `moto_server failed to start on port ${port}: ${detail}${logs}\n(Is moto installed? ${MOTO_INSTALL_HINT})`;
      throw /address already in use/i.test(logs) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const res = await httpRequest(`${url}/moto-api/`, { timeoutMs: 2000 });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${url} within ${startTimeoutMs} ms:\n${output.toString()}`);
    }
    await sleep(100);
  }

  return {
    url,
    port,
    pid: child.pid ?? -1,
    logs: () => output.toString(),
    stop,
    async reset() {
      const res = await httpRequest(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`moto reset failed: HTTP ${res.status} ${res.body}`);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group, so a wrapper (the pyenv shim), the python it runs and the
    // watchdog all go.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone (ESRCH), or no group: fall back to the process itself.
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
